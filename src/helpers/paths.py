"""The project's directories, computed from this file's location (never from the cwd)."""

from __future__ import annotations

import os
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


#: Where figures go when a notebook runs outside the runner (JupyterLab, nbconvert): never
#: the committed ``figures/``, which only ``make report`` writes.
INTERACTIVE_FIGURES = BUILD / "interactive" / "figures"


def figure_dir() -> Path:
    """Directory that figures are saved to: ``$HELPERS_FIGURE_DIR``, else ``build/interactive/figures``.

    The runner sets ``$HELPERS_FIGURE_DIR`` to its staging folder; a relative value is taken
    relative to the project root, whatever the working directory of the kernel.
    """
    override = os.environ.get(FIGURE_DIR_ENV)
    return ROOT / override if override else INTERACTIVE_FIGURES


def relative(path: Path | str) -> str:
    """``path`` relative to the project root, in POSIX form, for outputs and messages."""
    path = Path(path).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.name
