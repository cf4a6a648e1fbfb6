"""One clear message per failure: what went wrong, where, and what to do; no traceback.

Every command of the study runs its work inside ``reported(...)``. A known failure (bad
input data, a bad parameter, a failed notebook, a file that cannot be written) prints one
``error:`` line naming the file, row, column or parameter, and exits with status 1. The
traceback is printed too only when ``VERBOSE=1`` is set (or a command's ``--debug``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback

from ..exceptions import StudyError


class NotebookFailed(StudyError, RuntimeError):
    """A notebook run failed; the message names the notebook, the cell and the error."""


#: Failures whose message says everything a user needs: every error of the study, and the
#: operating system's (a file that cannot be read or written).
KNOWN = (StudyError, OSError)


def verbose() -> bool:
    return os.environ.get("VERBOSE", "") not in ("", "0")


@contextlib.contextmanager
def reported(command: str):
    """Run the body; turn a known failure into one message and ``SystemExit(1)``."""
    try:
        yield
    except KNOWN as exc:
        if verbose():
            traceback.print_exc()
        message = str(exc) if not isinstance(exc, OSError) or not exc.filename else _os_message(exc)
        print(f"error: {message}", file=sys.stderr)
        print(f"({command} stopped; nothing it would have written was changed. "
              "VERBOSE=1 shows the traceback.)", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print(f"\n{command}: interrupted; nothing it would have written was changed.", file=sys.stderr)
        raise SystemExit(130) from None


def _os_message(exc: OSError) -> str:
    what = exc.strerror or type(exc).__name__
    hint = {PermissionError: "make it writable or choose another folder"}.get(type(exc), "check the path")
    return f"{exc.filename}: {what}; {hint}"
