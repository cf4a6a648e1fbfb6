"""Writing output files atomically: a reader never sees a half-written file.

Each writer writes to a temporary file in the target's folder and moves it into place
only when complete; on any error the temporary file is removed and the target is left
as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(target: Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result onto ``target``; return ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text(target: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    return write_atomic(target, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def read_string_table(path: Path, required: list[str], error: type[Exception] = ValueError,
                      what: str = "file") -> "pandas.DataFrame":
    """Read a hand-made CSV with every cell as a string (blanks kept as ``""``).

    Raises ``error`` naming the file when it is missing or lacks any ``required`` column.
    """
    import pandas

    from .paths import relative

    path = Path(path)
    if not path.is_file():
        raise error(f"{relative(path)}: {what} not found")
    table = pandas.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise error(f"{relative(path)}: missing column(s) {missing}")
    return table
