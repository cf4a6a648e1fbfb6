"""The data build: every derived table of ``helpers.tables.TABLES``, verified, built, published together.

1. Every raw file is checked against ``data/raw/MANIFEST.csv`` before anything is built.
2. The builders run in dependency order; each receives the tables of this build that it
   needs, in memory.
3. Only when every table is built are they written: each to a temporary file beside its
   target, then moved into place. A table whose bytes did not change keeps its file (and
   its modification time, so that ``make`` re-runs only the notebooks whose data changed).

A failure at any step leaves ``data/processed/`` as it was. Command line:
``python -m helpers.run.build`` (the Makefile's ``data`` target).
"""

from __future__ import annotations

import importlib
import io
import sys
import time

import pandas as pd

from .. import paths, sources, tables
from . import errors, publish


def builder(spec: str):
    """The function named by ``module:function`` in ``helpers``."""
    module, func = spec.split(":")
    return getattr(importlib.import_module(f"helpers.{module}"), func)


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The fixed CSV form of a derived table (UTF-8, ``\\n`` line ends, no index)."""
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def file_bytes(table: tables.Table, frame: pd.DataFrame) -> bytes:
    """The fixed file form of a built table: CSV, or GeoJSON for geometry."""
    if table.suffix == ".geojson":
        from .. import geo

        return geo.to_geojson_text(frame).encode("utf-8")
    return csv_bytes(frame)


def build_all(log=print) -> dict[str, pd.DataFrame]:
    """Build every table in memory, in order; nothing is written. Each raw table is read and validated
    once (``sources.remembering``): ``raw_inputs`` validates them all, the later builders reuse them."""
    built: dict[str, pd.DataFrame] = {}
    with sources.remembering():
        for table in tables.TABLES.values():
            started = time.perf_counter()
            built[table.name] = builder(table.builder)(**{n: built[n] for n in table.needs})
            log(f"{paths.relative(table.file)}: {len(built[table.name])} rows built "
                f"({time.perf_counter() - started:.2f} s)")
    return built


def main(argv: list[str] | None = None) -> int:
    with errors.reported("make data"):
        sources.verify_raw()
        built = build_all()
        contents = {tables.TABLES[name].file: file_bytes(tables.TABLES[name], frame) for name, frame in built.items()}
        changed = publish.replace_together(contents)
        for target in contents:
            state = "rewritten" if target in changed else "unchanged"
            print(f"{paths.relative(target)}: {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
