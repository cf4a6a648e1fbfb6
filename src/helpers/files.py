"""Writing output files atomically: a reader never sees a half-written file.

Each writer writes to a temporary file in the target's folder and moves it into place
only when complete; on any error the temporary file is removed and the target is left
as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def default_mode() -> int:
    """Mode of a newly created file under the current umask (0644 under the usual 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(target: Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result onto ``target``; return ``target``.

    The file gets the usual mode for the umask, not the 0600 of a temporary file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, default_mode())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise named(exc, target) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def named(exc: OSError, target: Path) -> OSError:
    """``exc`` naming the file that was being written (``target``, in its real folder) when it has no
    file name of its own, or only that of a temporary file; a full disk says so."""
    if exc.filename and not Path(exc.filename).name.startswith("."):
        return exc
    what = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        what += f" (the disk holding {Path(target).parent} is full: free space there)"
    return type(exc)(exc.errno, what, str(target))


def write_text(target: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    return write_atomic(target, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
