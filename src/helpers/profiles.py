"""Province profiles: one page per pre-2025 unit, from the panel, reference data and corpus.

The tables here are what ``notebooks/profile.ipynb`` shows for one province; ``main``
(``make profiles``) runs that notebook for all 63 units on warm kernels (``helpers.batch``),
renders each run to HTML and writes an index page.
"""

from __future__ import annotations

import html
import sys
import time
from pathlib import Path

import pandas as pd

from . import claims, panel, paths, provinces

PROFILES = paths.BUILD / "profiles"
TEMPLATE = paths.NOTEBOOKS / "profile.ipynb"


def identity(gso_code: str) -> pd.DataFrame:
    """Reference facts for one unit, each with the file it comes from."""
    ref = provinces.load_reference().set_index("gso_code")
    row = ref.loc[gso_code]
    src = "data/raw/provinces/provinces.csv"
    facts = [
        ("name", row["name_vi"]),
        ("GSO code", gso_code),
        ("type", row["type"]),
        ("region", row["region"]),
        ("population, 2019 census", f"{int(row['population_2019_census']):,}"),
        (f"population, {row['population_latest_year']} average", f"{int(row['population_latest']):,}"),
        ("area (km²)", f"{row['area_km2']:,.2f}"),
    ]
    return pd.DataFrame(facts, columns=["fact", "value"]).assign(source=src)


def merger(gso_code: str) -> pd.DataFrame:
    """The unit's place in the 2025 reorganisation (63 → 34), with its 2024 34-unit result."""
    cw = provinces.crosswalk().set_index("gso_code").loc[gso_code]
    units34 = pd.read_csv(paths.PROCESSED / "dti_2024_34units.csv", dtype={"new_unit_code_2025": str})
    unit = units34[units34["new_unit_code_2025"] == cw["new_unit_code_2025"]]
    partners = [p for p in str(cw["constituents"]).split(";") if p and p != cw["province"]]
    row = {
        "new unit (2025)": cw["new_unit"],
        "2025 code": cw["new_unit_code_2025"],
        "merged with": ", ".join(partners) if partners else "(unchanged)",
        "DTI 2024 rank among 34 units": unit["rank"].iloc[0] if len(unit) else pd.NA,
        "DTI 2024 score of the new unit": unit["score"].iloc[0] if len(unit) else pd.NA,
        "source": "data/processed/crosswalk_2025.csv; data/processed/dti_2024_34units.csv",
    }
    return pd.DataFrame([row])


def dti_history(gso_code: str) -> pd.DataFrame:
    """Every overall DTI rank and score held for the unit, one row per year and source."""
    p = panel.load_panel()
    rows = p[(p["gso_code"] == gso_code) & (p["measure"] == "dti")]
    cols = ["year", "rank", "n_units", "score", "source_kind", "rank_method", "source"]
    return rows[cols].sort_values(["year", "source_kind"], kind="stable").reset_index(drop=True)


def other_history(gso_code: str) -> pd.DataFrame:
    """The 2017 e-government ranking and PAPI e-governance values for the unit."""
    o = panel.load_other_indices()
    rows = o[o["gso_code"] == gso_code]
    return rows[["index", "year", "value", "rank", "flag", "source"]].reset_index(drop=True)


def corpus_evidence(gso_code: str) -> pd.DataFrame:
    """Codebook indicators the news corpus states for the unit (empty for most units)."""
    name = provinces.name_of(gso_code)
    cb = claims.load_codebook()
    rows = cb[cb["province"] == name]
    return rows[["indicator", "pillar", "value", "denominator", "unit", "as_of", "claim_id", "text"]].reset_index(drop=True)


def _index_page(units: pd.DataFrame, written: dict[str, Path]) -> str:
    rows = []
    for u in units.itertuples():
        link = (f'<a href="{u.slug}.html">{html.escape(u.name_vi)}</a>' if u.slug in written
                else f"{html.escape(u.name_vi)} (failed)")
        rows.append(f"<tr><td>{u.gso_code}</td><td>{link}</td><td>{html.escape(u.region)}</td>"
                    f"<td>{html.escape(u.merged_2025_into or '(unchanged)')}</td></tr>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Province profiles</title>"
            "<style>body{font-family:'DejaVu Sans',sans-serif;margin:2em}td,th{padding:2px 10px;text-align:left}</style>"
            "</head><body><h1>Province profiles (63 pre-2025 units)</h1>"
            "<p>Ranks as known, population, region, the 2025 merger and corpus evidence where any. "
            "DTI method changed between rounds: compare ranks, not raw scores.</p>"
            "<table><tr><th>GSO</th><th>province</th><th>region</th><th>merged into (2025)</th></tr>\n"
            + "\n".join(rows) + "\n</table></body></html>\n")


def main(argv: list[str] | None = None) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from .batch import run_batch  # before nbformat: see helpers.pipeline's imports

    import nbformat
    from .files import write_text
    from .report import render_notebook

    argv = sys.argv[1:] if argv is None else argv
    units = provinces.load_reference().sort_values("gso_code")
    if argv:
        units = units[units["slug"].isin(argv)]
    runs = {u.slug: {"province": u.slug} for u in units.itertuples()}
    started = time.perf_counter()
    pages = ThreadPoolExecutor(max_workers=1)  # renders HTML while the kernels execute
    rendering = []

    def on_done(slug: str, ok: bool) -> None:
        if ok:
            nb = nbformat.read(PROFILES / f"{slug}.ipynb", as_version=4)
            rendering.append(pages.submit(render_notebook, nb, PROFILES / f"{slug}.html"))
        print(f"  {slug}: {'done' if ok else 'FAILED'}", flush=True)

    result = run_batch(TEMPLATE, runs, PROFILES, on_done=on_done)
    for job in rendering:
        job.result()
    pages.shutdown()
    write_text(PROFILES / "index.html", _index_page(units, result.written))
    print(f"profiles: {len(result.written)} of {len(runs)} written in {time.perf_counter() - started:.1f} s; "
          f"open {paths.relative(PROFILES / 'index.html')}")
    for slug, why in sorted(result.failed.items()):
        print(f"error: notebooks/profile.ipynb for {slug}: {why}", file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
