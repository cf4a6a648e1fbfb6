"""Putting finished outputs in place: all together, across filesystems, readable by others.

Outputs are first written completely somewhere else (a staging folder, a temporary file);
only then are they moved onto their targets. A move is a copy to a temporary file in the
target's own folder followed by a rename there, so it works when the staging folder is on
another filesystem, and a reader never sees a half-written file. Files get the usual mode
(0666 less the umask), not the 0600 of a temporary file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .. import files


def _stage_beside(target: Path, write) -> Path:
    """Write a temporary file in ``target``'s folder with ``write(tmp)``; return its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, files.default_mode())
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise files.named(exc, target) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def replace_together(contents: dict[Path, bytes]) -> set[Path]:
    """Write every ``target: bytes`` whose bytes changed; all are staged before any is replaced.

    Returns the targets that were rewritten. If staging fails, no target is touched.
    """
    changed = {t: data for t, data in contents.items() if not (t.is_file() and t.read_bytes() == data)}
    staged: dict[Path, Path] = {}
    try:
        for target, data in changed.items():
            staged[target] = _stage_beside(target, lambda tmp, data=data: Path(tmp).write_bytes(data))
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    for target, tmp in staged.items():
        os.replace(tmp, target)
    return set(changed)


def move_files(pairs: list[tuple[Path, Path]]) -> None:
    """Move each finished ``(source, target)`` into place (any filesystem); stage all first."""
    staged: list[tuple[Path, Path]] = []
    try:
        for source, target in pairs:
            staged.append((_stage_beside(target, lambda tmp, s=source: shutil.copyfile(s, tmp)), target))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    for source, _ in pairs:
        source.unlink(missing_ok=True)
