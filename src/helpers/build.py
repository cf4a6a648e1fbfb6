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
    ("claims.csv", "claims:build_claims"),
    ("consistency_audit.csv", "claims:build_consistency_audit"),
    ("crosswalk_2025.csv", "panel:build_crosswalk"),
    ("dti_panel.csv", "panel:build_panel"),
    ("panel_disagreements.csv", "panel:build_disagreements"),
    ("dti_2024_34units.csv", "panel:build_34units"),
    ("other_indices.csv", "panel:build_other_indices"),
]


def write_csv(table: pd.DataFrame, target: Path) -> bool:
    """Write ``table`` to ``target`` atomically (UTF-8, ``\\n`` line ends, no index).

    An unchanged file is left alone (its modification time too, so that ``make`` re-runs
    only the notebooks whose data really changed). Returns whether the file changed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        table.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        if target.is_file() and Path(tmp).read_bytes() == target.read_bytes():
            Path(tmp).unlink()
            return False
        os.replace(tmp, target)
        return True
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
        changed = write_csv(table, out_dir / name)
        state = "rebuilt" if changed else "unchanged"
        print(f"data/processed/{name}: {len(table)} rows, {state} ({time.perf_counter() - started:.2f} s)", flush=True)
        written.append(out_dir / name)
    return written


def main() -> int:
    build_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
