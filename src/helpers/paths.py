"""The project's directories, computed from this file's location (never from the cwd)."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
CORPUS = RAW / "corpus"
CODEBOOK = DATA / "codebook"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"

#: Environment variable that redirects saved figures (the pipeline stages figures there
#: and moves them into ``figures/`` only when a notebook has run to the end).
FIGURE_DIR_ENV = "HELPERS_FIGURE_DIR"

#: Set by the pipeline to the notebook being run, so each figure records where it was drawn.
NOTEBOOK_ENV = "HELPERS_NOTEBOOK"


#: Where figures go when a notebook runs outside the runner (JupyterLab, nbconvert, jupyter
#: execute): one folder per notebook and parameters, never the committed ``figures/``, which
#: only ``make report`` writes.
INTERACTIVE = BUILD / "interactive"
#: Where the runner writes a run with other parameters (``helpers.run.pipeline``).
RUNS = BUILD / "runs"


def run_label(stem: str, parameters: dict) -> str:
    """``<stem>--<name=value,...>``: how a run of a notebook with its parameters is named, by the runner
    (``build/runs/``) and interactively (``build/interactive/``)."""
    label = ",".join(f"{k}={v}" for k, v in sorted(parameters.items())) or "defaults"
    return f"{stem}--{re.sub(r'[^A-Za-z0-9=,._-]+', '_', label)}"


def figure_dir(interactive: Path | None = None) -> Path:
    """Directory that figures are saved to: ``$HELPERS_FIGURE_DIR``, else ``interactive`` (the
    folder of an interactive run, ``figures.interactive_folder()``), else ``build/interactive``.

    The runner sets ``$HELPERS_FIGURE_DIR`` to its staging folder; a relative value is taken
    relative to the project root, whatever the working directory of the kernel.
    """
    override = os.environ.get(FIGURE_DIR_ENV)
    if override:
        return ROOT / override
    return interactive or INTERACTIVE


def relative(path: Path | str) -> str:
    """``path`` relative to the project root, in POSIX form, for outputs and messages."""
    path = Path(path).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.name


#: Set by the runner to a file in which every data file the notebook's kernel opens is recorded
#: (one path a line, relative to the project root); the runner writes the record into the
#: notebook's metadata ``study.reads``, from which ``make`` takes the notebook's dependencies.
READS_ENV = "HELPERS_RECORD_READS"
RECORDED_PREFIXES = ("data/processed/", "data/raw/", "data/codebook/")
_recorded: set[tuple[str, str]] = set()


def note_read(path) -> None:
    """Record that a data file was read, when the runner asked for a record (``$HELPERS_RECORD_READS``)."""
    record = os.environ.get(READS_ENV)
    if not record:
        return
    try:
        name = Path(os.fsdecode(path)).resolve().relative_to(ROOT).as_posix()
    except (ValueError, TypeError, OSError):
        return
    if name.startswith(RECORDED_PREFIXES) and (record, name) not in _recorded:
        _recorded.add((record, name))
        with open(record, "a", encoding="utf-8") as out:
            out.write(name + "\n")


def _audit(event: str, args) -> None:
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        note_read(args[0])


def record_reads() -> None:
    """Record every data file this process opens from now on (an audit hook; called when
    ``helpers`` is imported under the runner)."""
    import sys

    sys.addaudithook(_audit)
