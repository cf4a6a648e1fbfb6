"""The values the site's findings page cites, each computed in a notebook and recorded there.

A notebook's last cell passes what it has computed to one of ``data``, ``trajectories`` or
``cases`` and records the result with ``record`` (``myst_nb.glue``, nothing displayed). The
site's pages cite each value by name (``{glue:text}`notebooks/04_trajectories.ipynb::rho_first:.2f```),
so no number on the findings page is typed by hand. Values are plain ``int``/``float``/``str``,
rounded as the page shows them, so that the stored output is deterministic (nbval compares it).
"""

from __future__ import annotations

import inspect

import pandas as pd

from . import panel, stats


def _r(value, digits: int) -> float:
    return round(float(value), digits)


def record(values: dict[str, int | float | str]) -> None:
    """Glue every value under its name, without displaying it."""
    from myst_nb import glue

    for name, value in values.items():
        glue(name, value, display=False)


def data(manifest: pd.DataFrame, loaded: dict, dti: pd.DataFrame, dti_34: pd.DataFrame) -> dict[str, int]:
    """Notebook 03: raw files checked, tables passing their schemas, the rounds held of each unit set
    (complete or partial) and the overall ranks known in each partial round (``ranks_known_<year>``)."""
    stated = dti[(dti["measure"] == "dti") & (dti["source_kind"] != "derived") & dti["rank"].notna()]
    known = stated.groupby("year")["gso_code"].nunique()
    complete = panel.complete_years(dti)
    values = {"n_raw_files": len(manifest), "n_schemas": len(loaded),
              "n_rounds": int(dti["year"].nunique()), "n_complete_rounds": len(complete),
              "first_complete_round": complete[0], "last_complete_round": complete[-1],
              "n_rounds_34": len(panel.complete_years(dti_34)),
              "corpus_rank_rows": int((dti["source_kind"] == "corpus").sum())}
    values |= {f"ranks_known_{year}": int(n) for year, n in known.items() if year not in complete}
    return values


def _persistence(consecutive: pd.DataFrame, dti_ranks: pd.DataFrame) -> dict[str, int | float]:
    first, last = consecutive.iloc[0], consecutive.iloc[-1]
    return {"n_units": int(dti_ranks[int(first["from"])].notna().sum()),
            "rho_first": _r(first["rho_s"], 2), "rho_first_low": _r(first["ci_low"], 2),
            "rho_first_high": _r(first["ci_high"], 2), "rho_last": _r(last["rho_s"], 2),
            "rho_last_low": _r(last["ci_low"], 2), "rho_last_high": _r(last["ci_high"], 2),
            "rho_n": int(last["n"])}


def _benchmark(benchmarks: pd.DataFrame, moves: pd.DataFrame) -> dict[str, int | float]:
    lp = benchmarks.iloc[0]
    from_last = moves[moves["rank_from"] == moves["rank_from"].max()]
    level = inspect.signature(stats.rtm_benchmark).parameters["level"].default
    return {"rtm_expected": _r(lp["expected_next_rank"], 1), "rtm_low": int(lp["low"]), "rtm_high": int(lp["high"]),
            "rtm_level": round(100 * level), "rtm_draws": int(lp["draws"]),
            "ci_level": round(100 * stats.DEFAULT_LEVEL),
            "moves_n": len(moves), "moves_beating": int(moves["beats_benchmark"].sum()),
            "moves_from_last": len(from_last), "moves_from_last_beating": int(from_last["beats_benchmark"].sum())}


def _catch_up(beta: pd.DataFrame, cohort_effects: pd.DataFrame, cohort: list) -> dict[str, int | float]:
    b, fe = beta.iloc[0], cohort_effects.iloc[-1]
    return {"beta_slope": _r(b["slope"], 2), "beta_low": _r(b["ci_low"], 2), "beta_high": _r(b["ci_high"], 2),
            "beta_rtm_slope": _r(b["rtm_slope"], 2), "beta_excess": _r(b["excess"], 2),
            "beta_excess_low": _r(b["excess_ci_low"], 2), "beta_excess_high": _r(b["excess_ci_high"], 2),
            "beta_n": int(b["n"]), "cohort_n": len(cohort), "cohort_gain": _r(fe["estimate"], 2),
            "cohort_gain_low": _r(fe["ci_low"], 2), "cohort_gain_high": _r(fe["ci_high"], 2),
            "cohort_rtm": _r(fe["rtm_expected"], 2), "cohort_excess": _r(fe["excess"], 2)}


def trajectories(*, consecutive: pd.DataFrame, benchmarks: pd.DataFrame, moves: pd.DataFrame, beta: pd.DataFrame,
                 cohort_effects: pd.DataFrame, cohort: list, transitions: pd.DataFrame, shorrocks: float,
                 triangulation: pd.DataFrame, dti_ranks: pd.DataFrame) -> dict[str, int | float]:
    """Notebook 04: persistence, the regression-to-the-mean benchmark, catch-up, mobility, triangulation."""
    k = transitions.index.max()
    tri = triangulation.loc["spearman"]
    return {**_persistence(consecutive, dti_ranks), **_benchmark(benchmarks, moves),
            **_catch_up(beta, cohort_effects, cohort),
            "shorrocks": _r(shorrocks, 2), "bottom_stayed": int(transitions.loc[k, k]),
            "bottom_total": int(transitions.loc[k].sum()),
            "tri_rho": _r(tri["estimate"], 2), "tri_low": _r(tri["ci_low"], 2), "tri_high": _r(tri["ci_high"], 2),
            "tri_n": int(tri["n"])}


def _rank_by_year(rows: pd.DataFrame) -> pd.Series:
    """One overall rank per year: the official row where there is one, else the first stated row."""
    order = {"official": 0, "news": 1, "corpus": 2, "derived": 3}
    stated = rows.dropna(subset=["rank"]).assign(order=rows["source_kind"].map(order))
    return stated.sort_values(["year", "order"], kind="stable").groupby("year")["rank"].first().astype(int)


def cases(*, ranks: dict[str, pd.DataFrame], merger: pd.DataFrame, units: pd.DataFrame,
          prefixes: dict[str, str]) -> dict[str, int | float | str]:
    """Notebook 05: each case's overall ranks by year, its rank of 63 in the merger's comparison round
    (``merger_year``), its 2025 unit and that unit's rank of 34 in the same round, and the partners'
    ranks. ``ranks`` and ``prefixes`` are keyed by the cases' GSO codes (``prefixes`` gives each
    case's key prefix)."""
    year = int(merger["year"].iloc[0])
    values: dict[str, int | float | str] = {"n_units_2025": int(units["new_unit"].nunique()), "merger_year": year}
    for code, prefix in prefixes.items():
        for year, rank in _rank_by_year(ranks[code]).items():
            values[f"{prefix}_rank_{year}"] = int(rank)
        rows = merger[merger["case_code"] == code]
        case = rows[rows["role"] == "case"].iloc[0]
        values |= {f"{prefix}_new_unit": str(case["new_unit"]),
                   f"{prefix}_new_rank": int(case["new_unit_rank_of_34"]),
                   f"{prefix}_new_score": _r(case["new_unit_score"], 4),
                   f"{prefix}_score_{year}": _r(case["dti_score"], 4),
                   f"{prefix}_partners": len(rows) - 1}
        partner_ranks = rows.loc[rows["role"] == "partner", "dti_rank_of_63"].dropna()
        if len(partner_ranks):  # a unit the merger left unchanged has no partner
            values[f"{prefix}_partner_best_rank"] = int(partner_ranks.min())
    return values


def _bottom_regions(ranks: pd.DataFrame, regions: pd.Series, year: int, bottom: int) -> dict[str, int]:
    part = ranks[ranks["year"] == year]
    worst = part[part["rank"] > len(part) - bottom]
    counts = worst["gso_code"].map(regions).value_counts()
    return {f"bottom_regions_{year}": int(counts.size), f"bottom_most_one_region_{year}": int(counts.max())}


def geography(*, ranks: pd.DataFrame, regions: pd.Series, correlations: pd.DataFrame, weights: pd.DataFrame,
              merged: pd.DataFrame, bottom: int = 10) -> dict[str, int | float | str]:
    """Notebook 06: where the bottom ten lie in the first and last complete rounds, which main index
    moves with the overall score in the latest round of the 34 units, the checks."""
    values: dict[str, int | float | str] = {"bottom_n": bottom, "n_regions": int(regions.nunique())}
    years = sorted(ranks["year"].unique())
    for year in (years[0], years[-1]):
        values.update(_bottom_regions(ranks, regions, int(year), bottom))
    latest = int(correlations["year"].max())
    values["index_year"] = latest
    ordered = correlations[correlations["year"] == latest].sort_values("estimate", ascending=False)
    for name, row in (("strongest", ordered.iloc[0]), ("weakest", ordered.iloc[-1])):
        values.update({f"index_{name}": str(row["label"]).lower(), f"index_{name}_rho": _r(row["estimate"], 2),
                       f"index_{name}_low": _r(row["ci_low"], 2), f"index_{name}_high": _r(row["ci_high"], 2)})
    values["index_n"] = int(ordered["n"].iloc[0])
    values["weights_rows"] = len(weights)
    values["weights_rows_passing"] = int(weights["passes"].sum())
    values["merged_units_passing"] = int(merged["passes"].sum())
    return values


def corpus(documents: pd.DataFrame) -> dict[str, int | str]:
    """Notebook 01: the size of the news corpus (``documents``: the ``corpus_documents`` table, every
    article), the provinces its articles are about (most articles first), the years of the articles whose
    year is known, and how many are dated to the day."""
    counts = documents.groupby("province", sort=False)["doc_id"].size()
    counts = counts.sort_values(ascending=False, kind="stable")
    years = documents["published"].str.extract(r"^(\d{4})", expand=False).dropna().astype(int)
    values: dict[str, int | str] = {
        "n_articles": len(documents), "n_article_places": int(counts.size),
        "articles_by_place": ", ".join(f"{n} about {place}" for place, n in counts.items()),
        "articles_dated_to_day": int((documents["date_precision"] == "day").sum()),
    }
    if len(years):
        values |= {"first_article_year": int(years.min()), "last_article_year": int(years.max())}
    return values
