"""``make profiles``: notebooks/profile.ipynb for every pre-2025 unit, on warm kernels.

Each run is rendered to ``build/profiles/<slug>.html``; ``build/profiles/index.html`` lists
every unit. Command line: ``python -m helpers.run.profile_sweep [SLUG ...]`` (default: all 63).
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd

from .. import files, params, paths, provinces, study
from . import errors, render
from .batch import run_batch  # first: see helpers.run.pipeline's imports
from .pipeline import check_committed
from .render import render_notebook

PROFILES = paths.BUILD / "profiles"
TEMPLATE = paths.NOTEBOOKS / "profile.ipynb"


def _index_page(units: pd.DataFrame, written: dict[str, Path]) -> str:
    rows = []
    for u in units.itertuples():
        link = (f'<a href="{u.slug}.html">{render.text(u.name_vi)}</a>' if u.slug in written
                else f"{render.text(u.name_vi)} (failed)")
        rows.append(f"<tr><td>{u.gso_code}</td><td>{link}</td><td>{render.text(u.region)}</td>"
                    f"<td>{render.text(u.merged_2025_into or '(unchanged)')}</td></tr>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Province profiles</title>"
            "<style>body{font-family:'DejaVu Sans',sans-serif;margin:2em}"
            "td,th{padding:2px 10px;text-align:left}</style>"
            "</head><body><h1>Province profiles (63 pre-2025 units)</h1>"
            "<p>Ranks as known, population, region, the 2025 merger and corpus evidence where any. "
            "DTI method changed between rounds: compare ranks, not raw scores.</p>"
            "<table><tr><th>GSO</th><th>province</th><th>region</th><th>merged into (2025)</th></tr>\n"
            + "\n".join(rows) + "\n</table></body></html>\n")


def selected_units(slugs: list[str]) -> pd.DataFrame:
    """The units to run: all 63, or those named (each slug checked like a notebook parameter)."""
    units = provinces.load_reference().sort_values("gso_code")
    if not slugs:
        return units
    codes = [params.province("province", s) for s in slugs]
    return units[units["gso_code"].isin(codes)]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with errors.reported("make profiles"):
        if not os.environ.get("ALLOW_EDITED"):
            check_committed(TEMPLATE)  # the profiles publish the committed notebook only
        units = selected_units(argv)
        codes = {u.slug: u.gso_code for u in units.itertuples()}
        started = time.perf_counter()
        pages = ThreadPoolExecutor(max_workers=1)  # renders HTML while the kernels execute
        rendering = []

        def on_done(slug: str, ok: bool) -> None:
            if ok:
                nb = nbformat.read(PROFILES / f"{slug}.ipynb", as_version=4)
                rendering.append(pages.submit(render_notebook, nb, PROFILES / f"{slug}.html",
                                              f"Province profile: {provinces.name_of(codes[slug])}"))
            print(f"  {slug}: {'done' if ok else 'FAILED'}", flush=True)

        result = run_batch(TEMPLATE, {slug: {"province": slug} for slug in codes}, PROFILES, on_done=on_done)
        for job in rendering:
            job.result()
        pages.shutdown()
        if len(units) == study.PROVINCES.n_units:
            files.write_text(PROFILES / "index.html", _index_page(units, result.written))
        print(f"profiles: {len(result.written)} of {len(codes)} written in {time.perf_counter() - started:.1f} s; "
              f"open {paths.relative(PROFILES / 'index.html')}")
        for slug, why in sorted(result.failed.items()):
            print(f"error: notebooks/profile.ipynb for {slug}: {why}", file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
