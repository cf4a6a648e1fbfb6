"""One clear message per failure: what went wrong, where, and what to do; no traceback.

Every command of the study runs its work inside ``reported(...)``. A known failure (bad
input data, a bad parameter, a failed notebook, a file that cannot be written) prints one
``error:`` line naming the file, row, column or parameter, and exits with status 1. The
traceback is printed too only when ``VERBOSE=1`` is set (or a command's ``--debug``).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import sys
import threading
import traceback

from ..exceptions import StudyError


class NotebookFailed(StudyError, RuntimeError):
    """A notebook run failed; the message names the notebook, the cell and the error."""


#: Failures whose message says everything a user needs: every error of the study, and the
#: operating system's (a file that cannot be read or written).
KNOWN = (StudyError, OSError)


def verbose() -> bool:
    return os.environ.get("VERBOSE", "") not in ("", "0")


#: Set when SIGTERM arrived (it is raised as ``KeyboardInterrupt`` in the main thread, so that every
#: ``finally`` cleans up, the staging folders under build/ and the kernels, as after Ctrl-C).
_TERMINATED: list[bool] = []


def _terminate(signum, frame):
    _TERMINATED.append(True)
    raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_unwinds():
    """While the body runs, SIGTERM raises ``Terminated`` (in the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def reported(command: str):
    """Run the body; turn a known failure into one message and ``SystemExit(1)``; on SIGTERM or
    Ctrl-C, let every ``finally`` clean up, then exit with 143 or 130."""
    try:
        with _sigterm_unwinds():
            yield
    except KNOWN as exc:
        if verbose():
            traceback.print_exc()
        message = str(exc) if not isinstance(exc, OSError) or not exc.filename else _os_message(exc)
        print(f"error: {one_line(message)}", file=sys.stderr)
        print(f"({command} stopped; nothing it would have written was changed. "
              "VERBOSE=1 shows the traceback.)", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        how, code = ("terminated", 143) if _TERMINATED else ("interrupted", 130)
        # The kernel stopped under a cell that was running: the client's task for that cell ends with
        # "Kernel died", which asyncio would print with a traceback when the task is collected at exit.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        print(f"\n{command}: {how}; nothing it would have written was changed.", file=sys.stderr)
        raise SystemExit(code) from None


#: The longest ``error:`` line, in characters; a longer message is cut with "… and N more characters".
MAX_MESSAGE = 600


def one_line(message: str, limit: int = MAX_MESSAGE) -> str:
    """``message`` on one line (line breaks become spaces), cut to ``limit`` characters."""
    text = " ".join(message.split())
    if len(text) <= limit:
        return text
    return f"{text[:limit]} … and {len(text) - limit} more characters (VERBOSE=1 shows all)"


def _os_message(exc: OSError) -> str:
    what = exc.strerror or type(exc).__name__
    hint = {PermissionError: "make it writable or choose another folder"}.get(type(exc), "check the path")
    if exc.errno == errno.ENOSPC:
        hint = "free space on that disk, then run the command again"
    return f"{exc.filename}: {what}; {hint}"
