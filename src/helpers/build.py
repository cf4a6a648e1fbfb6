"""Rebuild every derived table in ``data/processed/`` from the raw inputs.

Each derived table has exactly one builder: a pure function that takes no arguments,
reads raw inputs (or earlier derived tables) and returns a DataFrame. ``BUILDERS`` lists
them in dependency order. Files are written atomically with a fixed CSV format, so two
builds give byte-identical files.

Command line: ``python -m helpers.build`` (the Makefile's ``data`` target).
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from . import paths

#: (file name under data/processed, "module:function"), in dependency order.
BUILDERS: list[tuple[str, str]] = [
    ("crosswalk_2025.csv", "panel:build_crosswalk"),
    ("dti_panel.csv", "panel:build_panel"),
    ("panel_disagreements.csv", "panel:build_disagreements"),
    ("dti_2024_34units.csv", "panel:build_34units"),
    ("other_indices.csv", "panel:build_other_indices"),
]


def write_csv(table: pd.DataFrame, target: Path) -> None:
    """Write ``table`` to ``target`` atomically (UTF-8, ``\\n`` line ends, no index)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        table.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def builder(spec: str):
    module, func = spec.split(":")
    return getattr(importlib.import_module(f"helpers.{module}"), func)


def build_all(out_dir: Path = paths.PROCESSED) -> list[Path]:
    written = []
    for name, spec in BUILDERS:
        started = time.perf_counter()
        table = builder(spec)()
        write_csv(table, out_dir / name)
        print(f"built data/processed/{name}: {len(table)} rows in {time.perf_counter() - started:.2f} s", flush=True)
        written.append(out_dir / name)
    return written


def main() -> int:
    build_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
