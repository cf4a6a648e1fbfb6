"""The values the site's findings page cites, each computed in a notebook and recorded there.

A notebook's last cell passes what it has computed to one of ``data``, ``trajectories`` or
``cases`` and records the result with ``record`` (``myst_nb.glue``, and a table of each value's name,
value and meaning, whose rows the findings page links to). The
site's pages cite each value by name (``{glue:text}`notebooks/04_trajectories.ipynb::rho_first:.2f```),
so no number on the findings page is typed by hand. Values are plain ``int``/``float``/``str``,
rounded as the page shows them, so that the stored output is deterministic (nbval compares it).
"""

from __future__ import annotations

import re

import pandas as pd

from . import panel, stats, study
from . import progress as pg


def _r(value, digits: int) -> float:
    return round(float(value), digits)


def record(values: dict[str, int | float | str]) -> None:
    """Glue every value under its name (``myst_nb.glue``, not displayed itself) and show them as one
    table of name, value and meaning, each row anchored ``value-<name>``: the findings page links every
    cited value to its row."""
    from IPython.display import HTML, display
    from myst_nb import glue

    table = values_table(values)  # first: a value without a meaning stops before anything is recorded
    for name, value in values.items():
        glue(name, value, display=False)
    display(HTML(table))


def values_table(values: dict[str, int | float | str]) -> str:
    """An HTML table of the recorded values: name, value and meaning (``meaning``), one row per value
    with the id ``value-<name>``; every text escaped."""
    from html import escape

    rows = [f'<tr id="value-{escape(name)}"><td><code>{escape(name)}</code></td><td>{escape(str(value))}</td>'
            f"<td>{escape(meaning(name))}</td></tr>" for name, value in values.items()]
    return ('<table class="recorded-values">\n<thead><tr><th>name</th><th>value</th><th>meaning</th></tr></thead>\n'
            "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")


# --------------------------------------------------------------------------------------------
# what each recorded name means (shown beside its value; a test checks every recorded name has one)

_CASE = {"a": "case A (the main case)", "b": "case B (the comparison case)"}
_BENCHMARK = {"noise": "the noise-only benchmark", "churn": "the typical-churn benchmark"}
_START = {"last": "last place", "rank": "the benchmark's second starting rank (bench_rank)"}

#: Exact names: what each value is. Names built from a pattern are in ``_PATTERNS``.
_NAMES: dict[str, str] = {
    # notebook 01
    "n_articles": "articles in the news corpus",
    "n_article_places": "provinces the corpus articles are about",
    "articles_by_place": "articles per province, most first",
    "articles_dated_to_day": "articles whose publication date is known to the day",
    "first_article_year": "year of the earliest article whose year is known",
    "last_article_year": "year of the latest article whose year is known",
    # notebook 03
    "n_raw_files": "raw files listed in the manifest, each checked against its checksum",
    "n_schemas": "raw tables that pass their schemas",
    "n_rounds": "DTI rounds held for the 63 provinces, complete or partial",
    "n_complete_rounds": "DTI rounds in which all 63 provinces are ranked",
    "first_complete_round": "first DTI round with all 63 provinces ranked",
    "last_complete_round": "latest DTI round with all 63 provinces ranked",
    "n_rounds_34": "complete DTI rounds of the 34 units of 2025",
    "corpus_rank_rows": "DTI rows whose value only a corpus article states",
    # notebook 04
    "n_units": "provinces ranked in the first round of the persistence table",
    "rho_first": "Spearman rank correlation between the first two consecutive rounds",
    "rho_last": "Spearman rank correlation between the last two consecutive rounds",
    "rho_n": "provinces in the last rank correlation",
    "ci_level": "confidence level of the intervals (%)",
    "churn_level": "level of the typical-churn intervals (%)",
    "churn_draws": "simulated draws of the typical-churn benchmark",
    "moves_n": "one-round moves judged against typical churn",
    "moves_rising_beyond": "moves that rise beyond typical churn",
    "moves_falling_beyond": "moves that fall beyond typical churn",
    "moves_from_last": "moves that start from last place",
    "moves_from_last_beyond": "moves from last place that rise beyond typical churn",
    "beta_slope": "beta convergence: slope of the change in standardised score on the starting score",
    "beta_rtm_slope": "slope regression to the mean alone gives (r − 1, by construction)",
    "beta_excess": "beta slope beyond regression to the mean",
    "beta_n": "provinces in the convergence regression",
    "cohort_n": "provinces in the bottom cohort",
    "cohort_gain": "the bottom cohort's gain in standardised score (cohort fixed effect)",
    "cohort_rtm": "gain of the bottom cohort expected from regression to the mean",
    "cohort_excess": "gain of the bottom cohort beyond regression to the mean",
    "shorrocks": "Shorrocks mobility index of the quintile transitions (0: no mobility)",
    "bottom_stayed": "provinces that stayed in the bottom quintile",
    "bottom_total": "provinces that started in the bottom quintile",
    "tri_rho": "Spearman correlation between DTI and PAPI e-governance (triangulation)",
    "tri_n": "provinces in the triangulation",
    # notebook 05
    "n_units_2025": "units after the 2025 merger",
    "merger_year": "DTI round the merger table compares",
    # notebook 06
    "bottom_n": "size of the bottom group the maps count (k)",
    "n_regions": "regions of Vietnam",
    "index_year": "latest round of the 34 units, in which the main indices are correlated",
    "index_strongest": "main index that moves most with the overall score",
    "index_weakest": "main index that moves least with the overall score",
    "index_n": "units in the main-index correlations",
    "weights_rows": "rows of the weight check (overall score against the weighted main indices)",
    "weights_rows_passing": "rows of the weight check that pass",
    "merged_units_passing": "merged units whose recomputed mean matches the published score",
    # notebook 07
    "model_boot": "bootstrap draws of the three-wave measurement model",
    "rel": "reliability of the index (Heise three-wave model)",
    "stab_12": "stability of the true score from the first to the second wave",
    "stab_23": "stability of the true score from the second to the third wave",
    "stab_13": "stability of the true score from the first to the third wave",
    "rel_range_low": "lower bound of the admissible range of the reliability",
    "share_admissible": "bootstrap draws that are admissible (%)",
    "grid_low": "lowest reliability assumed in the sensitivity grid",
    "grid_high": "highest reliability assumed in the sensitivity grid",
    "grid_stab_low": "lowest first-to-last stability over the sensitivity grid",
    "grid_stab_high": "highest first-to-last stability over the sensitivity grid",
    "grid_share_admissible_low": "lowest share of admissible draws over the sensitivity grid (%)",
    "bench_level": "level of the benchmark intervals (%)",
    "bench_draws": "simulated draws of each benchmark",
    "bench_rank": "second starting rank the benchmarks are computed for",
    "n_progress": "provinces that made progress (local false sign rate below its bar)",
    "n_decline": "provinces that declined (local false sign rate below its bar)",
    "n_rise_beyond": "provinces that rose beyond typical churn (Benjamini–Hochberg screen)",
    "n_fall_beyond": "provinces that fell beyond typical churn (Benjamini–Hochberg screen)",
    "lfsr_alpha": "bar of the local false sign rate (%)",
    "bh_q": "false discovery rate of the Benjamini–Hochberg screen (%)",
    "change_level": "level of the change intervals (%)",
    "progress_names": "provinces that made progress, from the bottom up",
    "pre_df": "degrees of freedom of the pre-specified cohort test",
    "resid_rank": "starting rank whose residuals are checked for normal errors",
    "resid_n": "simulated residuals in that check",
    "resid_shapiro_p": "Shapiro–Wilk p-value of those residuals",
    "resid_skew": "skewness of those residuals",
    "resid_p_floor": "smallest p-value the simulation can give (1/n)",
    "power_target": "power the minimum detectable change is computed for (%)",
    "power_alpha": "significance level of the power computation (%)",
    "power_reps": "simulation replicates of the power computation",
    "ri_level": "level of the rank intervals (%)",
    "ri_k": "size of the bottom group in P(bottom k)",
    "ind_n": "indicators of the side-by-side table of the two cases",
    "ind_both": "indicators reported for both cases",
}

_MOVE = {"from": "rank before the move", "to": "rank after the move",
         "low": "best end of the typical-churn interval of the rank after the move",
         "high": "worst end of the typical-churn interval of the rank after the move",
         "p_bad": "probability under typical churn of a later rank as bad as observed",
         "p_good": "probability under typical churn of a later rank as good as observed",
         "judgement": "judgement of the move against typical churn",
         "basis": "rank correlation the typical-churn benchmark is drawn with"}
_CASE_05 = {"new_unit": "its 2025 unit", "new_rank": "its 2025 unit's DTI rank of 34 in the merger round",
            "new_score": "its 2025 unit's DTI score in the merger round",
            "partners": "provinces merged with it in 2025",
            "partner_best_rank": "best DTI rank of 63 among its merger partners in the merger round"}
_TC = {"start": "rank at the start of the period", "end": "rank at the end of the period",
       "mean": "estimated change of its true standardised score (posterior mean)",
       "low": "lower end of the interval of that change", "high": "upper end of the interval of that change",
       "lfsr": "local false sign rate of that change", "class": "its change class (progress, decline or neither)",
       "p_rise": "probability under typical churn of a rise as large", "p_fall":
       "probability under typical churn of a fall as large", "churn_low": "best end of the typical-churn interval "
       "of its end rank", "churn_high": "worst end of the typical-churn interval of its end rank",
       "churn": "judgement of its move against typical churn"}
_PRE = {"names": "provinces of the test", "start": "mean rank at the start", "end": "mean rank at the end",
        "excess": "change beyond typical churn (standardised score)", "p": "p-value", "n": "provinces in the test",
        "se": "standard error of the excess"}
_RI = {"rank": "observed rank", "low": "best end of the interval of its true rank",
       "high": "worst end of the interval of its true rank", "bottom": "probability it is truly in the bottom k",
       "last": "probability it is truly last"}
_MI = {"index": "its weakest published main index", "score": "score of that main index",
       "rank": "rank in that main index", "peers": "other provinces of the bottom group with that index published",
       "peer_low": "lowest score of those peers", "peer_high": "highest score of those peers",
       "versus_peers": "how its score compares with the peers'"}
_POL = {"events": "policy events in its timeline", "first_label": "its first dated commitment",
        "first_date": "date of that commitment", "first_document": "document of that commitment",
        "horizon": "horizon of that commitment"}


def _province(code: str) -> str:
    from . import provinces

    return f"{provinces.name_of(code)} (GSO {code})"


#: Names built from a pattern: (regex, function of its groups giving the meaning).
_PATTERNS = [
    (r"ranks_(known|published|corpus)_(\d{4})", lambda kind, year: {
        "known": f"overall DTI ranks any source states for the partial round {year}",
        "published": f"overall DTI ranks the ministry's or news pages publish for the partial round {year}",
        "corpus": f"overall DTI ranks of the partial round {year} that only a corpus article states"}[kind]),
    (r"move_case_([ab])_(\d{4})_(\d{4})_(\w+)", lambda case, y1, y2, field:
        f"{_CASE[case]}, move {y1}→{y2}: {_MOVE[field]}"),
    (r"case_([ab])_rank_(\d{4})", lambda case, year: f"{_CASE[case]}: overall DTI rank of 63 in {year}"),
    (r"case_([ab])_score_(\d{4})", lambda case, year: f"{_CASE[case]}: overall DTI score in {year}"),
    (r"case_([ab])_(new_unit|new_rank|new_score|partners|partner_best_rank)",
     lambda case, field: f"{_CASE[case]}: {_CASE_05[field]}"),
    (r"bottom_regions_(\d{4})", lambda year: f"regions the bottom group of {year} lies in"),
    (r"bottom_most_one_region_(\d{4})", lambda year: f"most provinces of the bottom group of {year} in one region"),
    (r"index_(strongest|weakest)_rho", lambda which: f"rank correlation of the {which} main index with the overall "
                                                      "score"),
    (r"(noise|churn)_(last|rank)_expected", lambda bench, start: f"{_BENCHMARK[bench]}: expected later rank of a "
                                                                 f"province starting at {_START[start]}"),
    (r"(noise|churn)_(last|rank)_(low|high)", lambda bench, start, end: f"{_BENCHMARK[bench]}: "
     f"{'best' if end == 'low' else 'worst'} end of the interval of the later rank of a province starting at "
     f"{_START[start]}"),
    (r"(last|rank)_starter", lambda start: f"province that started at {_START[start]}"),
    (r"(last|rank)_starter_end", lambda start: f"later rank of the province that started at {_START[start]}"),
    (r"(last|rank)_starter_verdict", lambda start: f"where the later rank of the province that started at "
                                                   f"{_START[start]} lies against the two benchmarks"),
    (r"tc_(\d+)_(\w+)", lambda code, field: f"{_province(code)}: {_TC[field]}"),
    (r"pre_(last|cohort)_(\w+)", lambda test, field: {"last": "pre-specified test of the last-placed provinces",
                                                      "cohort": "pre-specified test of the bottom cohort"}[test]
     + f": {_PRE[field]}"),
    (r"power_(last|cohort)_(delta|places)", lambda test, unit: f"minimum detectable change of the {test} test, in "
     + ("standardised score" if unit == "delta" else "rank places")),
    (r"skew_(\d{4})", lambda year: f"skewness of the scores in {year}"),
    (r"ri_([ab])_(\d{4})_(bottom|last)_other", lambda case, year, field: f"{_CASE[case]}, {year}: {_RI[field]}, "
                                                                          "on the other scale"),
    (r"ri_([ab])_(\d{4})_(\w+)", lambda case, year, field: f"{_CASE[case]}, {year}: {_RI[field]}"),
    (r"art_([ab])_n", lambda case: f"{_CASE[case]}: articles about it in the corpus"),
    (r"ind_([ab])_n", lambda case: f"{_CASE[case]}: indicators its articles report"),
    (r"pol_([ab])_(\w+)", lambda case, field: f"{_CASE[case]}: {_POL[field]}"),
    (r"mi_([ab])_(\d{4})_(\w+)", lambda case, year, field: f"{_CASE[case]}, {year}: {_MI[field]}"),
    # the other scale of the model's values, then interval ends of any value named above
    (r"(\w+)_other", lambda stem: f"{meaning(stem)}, on the other scale"),
    (r"(\w+)_adm_(low|high)", lambda stem, end: f"{'lower' if end == 'low' else 'upper'} end of its interval over "
                                                 f"the admissible draws: {meaning(stem)}"),
    (r"(\w+?)(?:_rho|_slope|_gain)?_(low|high)", lambda stem, end: f"{'lower' if end == 'low' else 'upper'} end of "
                                                                    f"the interval of: {_interval_of(stem)}"),
]


def _interval_of(stem: str) -> str:
    for candidate in (f"{stem}_rho", f"{stem}_slope", f"{stem}_gain", stem):
        if candidate in _NAMES or any(re.fullmatch(p, candidate) for p, _ in _PATTERNS[:-3]):
            return meaning(candidate)
    return meaning(stem)


def meaning(name: str) -> str:
    """What a recorded value is, in words (``KeyError`` for a name no rule covers)."""
    if name in _NAMES:
        return _NAMES[name]
    for pattern, describe in _PATTERNS:
        match = re.fullmatch(pattern, name)
        if match:
            try:
                return describe(*match.groups())
            except KeyError:
                continue
    raise KeyError(f"no meaning is registered for the recorded value {name!r}: add it to helpers.findings")


def data(manifest: pd.DataFrame, loaded: dict, dti: pd.DataFrame, dti_34: pd.DataFrame) -> dict[str, int]:
    """Notebook 03: raw files checked, tables passing their schemas, the rounds held of each unit set
    (complete or partial) and the overall ranks known in each partial round: every stated rank
    (``ranks_known_<year>``, derived values never count), those the ministry's and news pages
    publish (``ranks_published_<year>``, the per-round files) and those only a corpus article
    states (``ranks_corpus_<year>``); the first two differ by the last. The one count of each."""
    stated = dti[(dti["measure"] == "dti") & (dti["source_kind"] != "derived") & dti["rank"].notna()]
    complete = panel.complete_years(dti)
    values = {"n_raw_files": len(manifest), "n_schemas": len(loaded),
              "n_rounds": int(dti["year"].nunique()), "n_complete_rounds": len(complete),
              "first_complete_round": complete[0], "last_complete_round": complete[-1],
              "n_rounds_34": len(panel.complete_years(dti_34)),
              "corpus_rank_rows": int((dti["source_kind"] == "corpus").sum())}
    for year, rows in stated.groupby("year"):
        if year not in complete:
            known, published = set(rows["gso_code"]), set(rows.loc[rows["source_kind"] != "corpus", "gso_code"])
            values |= {f"ranks_known_{year}": len(known), f"ranks_published_{year}": len(published),
                       f"ranks_corpus_{year}": len(known - published)}
    return values


def _persistence(consecutive: pd.DataFrame, dti_ranks: pd.DataFrame) -> dict[str, int | float]:
    first, last = consecutive.iloc[0], consecutive.iloc[-1]
    return {"n_units": int(dti_ranks[int(first["from"])].notna().sum()),
            "rho_first": _r(first["rho_s"], 2), "rho_first_low": _r(first["ci_low"], 2),
            "rho_first_high": _r(first["ci_high"], 2), "rho_last": _r(last["rho_s"], 2),
            "rho_last_low": _r(last["ci_low"], 2), "rho_last_high": _r(last["ci_high"], 2),
            "rho_n": int(last["n"])}


def _churn(churn: pd.DataFrame, moves: pd.DataFrame) -> dict[str, int | float]:
    """Counts of the one-round moves judged against typical churn (notebook 04, rank-correlation
    version), and the moves of the two cases (``study.CASES``: ``case_a``, ``case_b``)."""
    from_last = moves[moves["rank_from"] == moves["rank_from"].max()]
    values: dict[str, int | float] = {
        "ci_level": round(100 * stats.DEFAULT_LEVEL), "churn_level": round(100 * float(churn["level"].iloc[0])),
        "churn_draws": int(churn["draws"].iloc[0]), "moves_n": len(moves),
        "moves_rising_beyond": int((moves["judgement"] == "rise beyond typical churn").sum()),
        "moves_falling_beyond": int((moves["judgement"] == "fall beyond typical churn").sum()),
        "moves_from_last": len(from_last),
        "moves_from_last_beyond": int((from_last["judgement"] == "rise beyond typical churn").sum())}
    for code, prefix in zip(study.CASES, ("case_a", "case_b"), strict=True):
        for row in moves[moves["gso_code"] == code].to_dict("records"):
            key = f"move_{prefix}_{row['from']}_{row['to']}"
            values |= {f"{key}_from": int(row["rank_from"]), f"{key}_to": int(row["rank_to"]),
                       f"{key}_low": int(row["interval_low"]), f"{key}_high": int(row["interval_high"]),
                       f"{key}_p_bad": _r(row["p_as_bad"], 3), f"{key}_p_good": _r(row["p_as_good"], 3),
                       f"{key}_judgement": str(row["judgement"]), f"{key}_basis": str(row["rho_basis"])}
    return values


def _catch_up(beta: pd.DataFrame, cohort_effects: pd.DataFrame, cohort: list) -> dict[str, int | float]:
    b, fe = beta.iloc[0], cohort_effects.iloc[-1]
    return {"beta_slope": _r(b["slope"], 2), "beta_low": _r(b["ci_low"], 2), "beta_high": _r(b["ci_high"], 2),
            "beta_rtm_slope": _r(b["rtm_slope"], 2), "beta_excess": _r(b["excess"], 2),
            "beta_excess_low": _r(b["excess_ci_low"], 2), "beta_excess_high": _r(b["excess_ci_high"], 2),
            "beta_n": int(b["n"]), "cohort_n": len(cohort), "cohort_gain": _r(fe["estimate"], 2),
            "cohort_gain_low": _r(fe["ci_low"], 2), "cohort_gain_high": _r(fe["ci_high"], 2),
            "cohort_rtm": _r(fe["rtm_expected"], 2), "cohort_excess": _r(fe["excess"], 2)}


def trajectories(*, consecutive: pd.DataFrame, churn: pd.DataFrame, moves: pd.DataFrame, beta: pd.DataFrame,
                 cohort_effects: pd.DataFrame, cohort: list, transitions: pd.DataFrame, shorrocks: float,
                 triangulation: pd.DataFrame, dti_ranks: pd.DataFrame) -> dict[str, int | float]:
    """Notebook 04: persistence, one-round moves against typical churn (``churn``: the
    ``trajectories.churn_table``), the cohort's gain, mobility, triangulation."""
    k = transitions.index.max()
    tri = triangulation.loc["spearman"]
    return {**_persistence(consecutive, dti_ranks), **_churn(churn, moves),
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


# --------------------------------------------------------------------------------------------
# notebook 07: the measurement model, the two benchmarks, who moved, power, the two cases


def _model_values(table: pd.DataFrame, primary: str, n_boot: int) -> dict[str, int | float]:
    """Reliability and stabilities (``progress.model_table``) of the primary scale, the
    reliability on the other scale; intervals over all draws and over the admissible draws."""
    values: dict[str, int | float] = {"model_boot": n_boot}
    for scale, rows in table.groupby("scale", sort=False):
        suffix = "" if scale == primary else "_other"
        for i, row in enumerate(rows.to_dict("records")):
            key = ("rel", "stab_12", "stab_23", "stab_13")[i] + suffix
            values |= {key: _r(row["estimate"], 2), f"{key}_low": _r(row["ci_low"], 2),
                       f"{key}_high": _r(row["ci_high"], 2), f"{key}_adm_low": _r(row["admissible_low"], 2),
                       f"{key}_adm_high": _r(row["admissible_high"], 2)}
        first = rows.iloc[0]
        values |= {f"rel_range_low{suffix}": _r(first["range_low"], 2),
                   f"share_admissible{suffix}": round(100 * float(first["share_admissible"]))}
    return values


def _grid_values(grid: pd.DataFrame) -> dict[str, float]:
    """The range of the first-to-last stability over the sensitivity grid (``progress.sensitivity_table``)."""
    assumed = [c for c in grid.columns if c.startswith("assumed")]
    long = [c for c in grid.columns if c.startswith("stability")][-1]
    return {"grid_low": _r(grid[assumed].min().min(), 2), "grid_high": _r(grid[assumed].max().max(), 2),
            "grid_stab_low": _r(grid[long].min(), 2), "grid_stab_high": _r(grid[long].max(), 2),
            "grid_share_admissible_low": round(100 * float(grid["share_admissible"].min()))}


def _benchmark_values(table: pd.DataFrame, period: str, ranks: dict[str, int],
                      starters: dict[str, tuple[str, int]]) -> dict[str, int | float | str]:
    """Noise only and typical churn of the period (``progress.benchmark_table``) for each named
    starting rank (``ranks``: ``{"last": 63, "rank": 58}``) and the province that started there
    (``starters``: name and later rank)."""
    values: dict[str, int | float | str] = {"bench_level": round(100 * float(table["level"].iloc[0])),
                                            "bench_draws": int(table["draws"].iloc[0]), "bench_rank": ranks["rank"]}
    short = {"noise only": "noise", "typical churn": "churn"}
    for name, rank in ranks.items():
        rows = table[(table["period"] == period) & (table["start_rank"] == rank)]
        for row in rows.to_dict("records"):
            key = f"{short[row['benchmark']]}_{name}"
            values |= {f"{key}_expected": _r(row["expected_rank"], 1), f"{key}_low": int(row["low"]),
                       f"{key}_high": int(row["high"])}
        if name in starters:
            end = int(starters[name][1])
            verdict = _verdict(end, values[f"noise_{name}_low"], values[f"churn_{name}_low"])
            values |= {f"{name}_starter": starters[name][0], f"{name}_starter_end": end,
                       f"{name}_starter_verdict": verdict}
    return values


def _verdict(end: int, noise_low: int, churn_low: int) -> str:
    """Where a later rank lies against the two benchmarks' intervals (a rise: better than the low end)."""
    if end < churn_low and end < noise_low:
        return "better than both intervals"
    if end < noise_low:
        return "better than the noise-only interval, inside typical churn"
    return "inside both intervals"


def _moved_values(moved: pd.DataFrame, focus: list[str], names: pd.Series, check: pd.DataFrame) -> dict:
    """Who really moved (``progress.who_moved``): counts per bar on each scale, the names of the
    provinces that made progress (from the bottom up), and each focus province's row."""
    progress = moved[moved["change_class"] == pg.PROGRESS].sort_values("start_rank", ascending=False)
    values: dict[str, int | float | str] = {
        "n_progress": int(check.iloc[0, 0]), "n_decline": int(check.iloc[1, 0]),
        "n_rise_beyond": int(check.iloc[2, 0]), "n_fall_beyond": int(check.iloc[3, 0]),
        "n_progress_other": int(check.iloc[0, 1]), "n_decline_other": int(check.iloc[1, 1]),
        "n_rise_beyond_other": int(check.iloc[2, 1]), "lfsr_alpha": round(100 * pg.LFSR_ALPHA),
        "bh_q": round(100 * pg.BH_Q), "change_level": round(100 * moved.attrs["level"]),
        "progress_names": ", ".join(names[c] for c in progress.index)}
    for code in focus:
        row = moved.loc[code]
        values |= {f"tc_{code}_start": int(row["start_rank"]), f"tc_{code}_end": int(row["end_rank"]),
                   f"tc_{code}_mean": _r(row["mean"], 2), f"tc_{code}_low": _r(row["ci_low"], 2),
                   f"tc_{code}_high": _r(row["ci_high"], 2), f"tc_{code}_lfsr": _r(row["lfsr"], 3),
                   f"tc_{code}_class": str(row["change_class"]), f"tc_{code}_p_rise": _r(row["p_churn_rise"], 3),
                   f"tc_{code}_p_fall": _r(row["p_churn_fall"], 3), f"tc_{code}_churn_low": int(row["churn_low"]),
                   f"tc_{code}_churn_high": int(row["churn_high"]), f"tc_{code}_churn": str(row["churn_class"])}
    return values


def _test_values(tests: pd.DataFrame, curves: dict, residuals: pd.DataFrame) -> dict[str, int | float | str]:
    """The two pre-specified tests (``progress.prespecified``, the last-placed province first), the
    check of their normal errors (``progress.residual_check`` of the last-placed province) and the
    power of each (``progress.power``)."""
    last, cohort, check = tests.iloc[0], tests.iloc[1], residuals.iloc[0]
    values: dict[str, int | float | str] = {
        "pre_last_names": str(last["provinces"]), "pre_last_start": int(last["start_rank_mean"]),
        "pre_last_end": int(last["end_rank_mean"]), "pre_last_excess": _r(last["excess"], 2),
        "pre_last_p": _r(last["p_value"], 3), "pre_cohort_n": int(cohort["n"]),
        "pre_cohort_names": str(cohort["provinces"]), "pre_cohort_excess": _r(cohort["excess"], 2),
        "pre_cohort_se": _r(cohort["se"], 2), "pre_cohort_p": _r(cohort["p_value"], 2),
        "pre_cohort_start": _r(cohort["start_rank_mean"], 1), "pre_cohort_end": _r(cohort["end_rank_mean"], 1),
        "pre_df": int(cohort["df"]), "resid_rank": int(check["rank"]), "resid_n": int(check["n"]),
        "resid_shapiro_p": _r(check["shapiro_p"], 2), "resid_skew": _r(check["residual_skewness"], 2),
        "resid_p_floor": _r(1 / int(check["n"]), 3)}
    for key, curve in curves.items():
        mdd = curve.minimum_detectable()
        values |= {f"power_{key}_delta": _r(mdd["delta"], 2), f"power_{key}_places": round(mdd["rank_places"])}
    first = next(iter(curves.values()))
    return values | {"power_target": round(100 * first.target), "power_alpha": round(100 * first.alpha),
                     "power_reps": int(first.reps)}


def _interval_values(intervals: pd.DataFrame, prefixes: dict[str, str], primary: str,
                     skew: pd.Series) -> dict[str, int | float]:
    """Each case's rank interval, P(bottom k) and P(last) in every round (``progress.rank_intervals``),
    on the primary scale and the P's on the other; each round's skewness."""
    values: dict[str, int | float] = {f"skew_{year}": _r(v, 2) for year, v in skew.items()}
    values |= {"ri_level": round(100 * float(intervals["level"].iloc[0])), "ri_k": int(intervals["k"].iloc[0])}
    for code, prefix in prefixes.items():
        for row in intervals[intervals["gso_code"] == code].to_dict("records"):
            key = f"ri_{prefix}_{row['round']}"
            if row["scale"] == primary:
                values |= {f"{key}_rank": int(row["observed_rank"]), f"{key}_low": int(row["true_rank_low"]),
                           f"{key}_high": int(row["true_rank_high"]), f"{key}_bottom": _r(row["p_bottom_k"], 3),
                           f"{key}_last": _r(row["p_last"], 2)}
            else:
                values |= {f"{key}_bottom_other": _r(row["p_bottom_k"], 3), f"{key}_last_other": _r(row["p_last"], 2)}
    return values


def progress(*, model: pd.DataFrame, primary: str, n_boot: int, grid: pd.DataFrame, benchmarks: pd.DataFrame,
             period: str, ranks: dict[str, int], starters: dict[str, tuple[str, int]], moved: pd.DataFrame,
             focus: list[str], names: pd.Series, scale_check: pd.DataFrame, tests: pd.DataFrame, curves: dict,
             residuals: pd.DataFrame, intervals: pd.DataFrame, prefixes: dict[str, str],
             skew: pd.Series) -> dict[str, int | float | str]:
    """Notebook 07: the measurement model and its sensitivity, the two benchmarks, who really moved,
    the pre-specified tests and their power, the rank intervals of the cases and the tails."""
    return {**_model_values(model, primary, n_boot), **_grid_values(grid),
            **_benchmark_values(benchmarks, period, ranks, starters), **_moved_values(moved, focus, names, scale_check),
            **_test_values(tests, curves, residuals), **_interval_values(intervals, prefixes, primary, skew)}


def _main_index_values(prefix: str, profile: pd.DataFrame) -> dict[str, int | float | str]:
    """The weakest published main index of each round (``progress.main_index_profile``, weakest
    first): its name, its score (or rank), and how it compares with the bottom-k peers' scores."""
    values: dict[str, int | float | str] = {}
    for year, rows in profile.groupby("year"):
        weakest, key = rows.iloc[0], f"mi_{prefix}_{year}"
        values[f"{key}_index"] = str(weakest["measure"]).replace("_", " ")
        if pd.notna(weakest["score"]):
            values[f"{key}_score"] = _r(weakest["score"], 2)
        else:
            values[f"{key}_rank"] = int(weakest["rank"])
        if weakest["peers"]:
            peers = int(weakest["peers"])
            relation = "below" if weakest["below_every_peer"] else "not below"
            values |= {f"{key}_peers": peers, f"{key}_peer_low": _r(weakest["peer_low"], 2),
                       f"{key}_peer_high": _r(weakest["peer_high"], 2),
                       f"{key}_versus_peers": f"{relation} that of each of the other {peers} provinces in the "
                                              f"bottom {peers + 1}"}
    return values


def case_record(*, profiles: dict[str, pd.DataFrame], milestones: dict[str, pd.DataFrame], commitments: dict,
                documents: pd.DataFrame, cells: pd.DataFrame, prefixes: dict[str, str]) -> dict[str, int | float | str]:
    """Notebook 07: what the sources report for the two cases. Per case (``prefixes``, by GSO
    code): its articles and the indicators they state (``cases.indicator_cells``); its weakest
    published main index in each round (``progress.main_index_profile``: the score and the
    bottom-k peers' range, or the rank where only ranks are published); its policy events and
    first dated commitment (``progress.policy_milestones``, ``progress.first_commitment``)."""
    reported = cells[cells["reported"]]
    both = reported.groupby("indicator")["gso_code"].nunique() == len(prefixes)
    values: dict[str, int | float | str] = {"ind_n": int(cells["indicator"].nunique()), "ind_both": int(both.sum())}
    for code, prefix in prefixes.items():
        docs = documents[documents["gso_code"] == code]
        values |= {f"art_{prefix}_n": int(docs["articles"].sum()),
                   f"ind_{prefix}_n": int(reported.loc[reported["gso_code"] == code, "indicator"].nunique()),
                   f"pol_{prefix}_events": len(milestones[code])}
        first = commitments[code]
        if len(first):
            values |= {f"pol_{prefix}_first_label": str(first["label"]),
                       f"pol_{prefix}_first_date": str(first["first_dated"]),
                       f"pol_{prefix}_first_document": str(first["document"]) or "not stated",
                       f"pol_{prefix}_horizon": str(first["horizon"]) or "none stated"}
        values |= _main_index_values(prefix, profiles[code])
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
