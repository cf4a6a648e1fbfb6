"""The eight main indices behind the DTI: checks of the published tables, and their relation
to the overall score.

Pure functions: the long table of ``sources.load_main_indices()`` (``main``) and, where
needed, ``sources.load_dti_scores()`` and ``provinces.crosswalk()`` come in as arguments.
Every output row keeps ``line``, the CSV line of the raw value it rests on.

- ``weights_check(main, year)``: overall DTI = 0.10 × each foundation index + 0.20 ×
  government activity + 0.15 × economy activity + 0.15 × society activity, per published row
  (the 2021-2022 method; 2023 is reported separately). Every row is kept with its pass flag.
- ``merged_mean_check(units_34, scores_63, crosswalk)``: each 2024 score of a 2025 unit is
  the plain mean of its old provinces' 2024 scores.
- ``units_table(main, crosswalk, year)``: the complete table of the 34 units in a round, indices wide.
- ``focus_beside_extremes(main, year, code)``: a province's indices beside the published top
  five and bottom five (the middle 53 units are not in the source).
- ``index_correlations(table)``, ``thirds_comparison(table)``: each index against the overall
  score across the 34 units of 2024.

The 2024 weights are not published and are not fitted here.
"""

from __future__ import annotations

import pandas as pd

from . import stats, study

MAIN_INDICES = study.MAIN_INDICES
#: Weights of the 2021-2022 method (published); they do not hold for 2024.
WEIGHTS = study.WEIGHTS
#: Printed indices carry four decimals: rounding moves a weighted sum by at most 0.00005 and
#: the printed DTI by another 0.00005.
TOLERANCE = 0.0001
_EPS = 1e-12  # float noise when comparing a difference with the tolerance

LABELS = {
    "awareness": "Awareness",
    "institutions": "Institutions",
    "infrastructure": "Infrastructure",
    "human_resources": "Human resources",
    "cybersecurity": "Cybersecurity",
    "gov_activity": "Government activity",
    "econ_activity": "Economy activity",
    "soc_activity": "Society activity",
    "dti": "Overall DTI",
}


def scored_years(main: pd.DataFrame, unit_set: study.UnitSet) -> list[int]:
    """The rounds in which the main indices of some units of ``unit_set`` are published with scores."""
    part = main[(main["units"] == unit_set.n_units) & main["score"].notna() & (main["measure"] != "dti")]
    return sorted(int(y) for y in part["year"].unique())


def complete_years(main: pd.DataFrame, unit_set: study.UnitSet) -> list[int]:
    """The rounds in which all eight main indices and the overall score of every unit of ``unit_set``
    are published."""
    part = main[(main["units"] == unit_set.n_units) & main["score"].notna()]
    counts = part.groupby("year").size()
    full = unit_set.n_units * (len(MAIN_INDICES) + 1)
    return sorted(int(y) for y, n in counts.items() if n == full)


def wide(main: pd.DataFrame, year: int, unit_set: study.UnitSet) -> pd.DataFrame:
    """One row per unit of ``unit_set`` in ``year``: ``dti_rank``, a score column per measure and
    ``line_<measure>`` (the CSV line of each value). Indexed by the unit key."""
    part = main[(main["year"] == year) & (main["units"] == unit_set.n_units)]
    if part.empty:
        raise ValueError(f"no published main-index rows for {year} of the {unit_set.label}")
    key = unit_set.key
    scores = part.pivot(index=key, columns="measure", values="score")
    lines = part.pivot(index=key, columns="measure", values="line").add_prefix("line_")
    names = part.groupby(key)["unit_name"].first()
    rank = part[part["measure"] == "dti"].set_index(key)["rank"].rename("dti_rank")
    out = pd.concat([names, rank, scores.reindex(columns=[*MAIN_INDICES, "dti"]), lines], axis=1)
    return out.sort_values(["dti_rank", "unit_name"])


def weights_check(main: pd.DataFrame, year: int, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Recompute the overall DTI from the eight indices for every published row of ``year``.

    Columns: ``year``, ``gso_code``, ``unit_name``, ``dti_rank``, ``published``, ``recomputed``,
    ``difference`` (recomputed − published), ``passes`` (|difference| ≤ ``tolerance``),
    ``line`` (CSV line of the DTI value). A row that breaks the rule is reported, not dropped;
    a row lacking an index has no recomputed value and does not pass.
    """
    table = wide(main, year, study.PROVINCES)
    recomputed = sum(table[m] * w for m, w in WEIGHTS.items())
    out = pd.DataFrame({
        "year": year,
        "gso_code": table.index,
        "unit_name": table["unit_name"].to_numpy(),
        "dti_rank": table["dti_rank"].to_numpy(),
        "published": table["dti"].to_numpy(),
        "recomputed": recomputed.to_numpy(),
        "line": table["line_dti"].astype("Int64").to_numpy(),
    })
    out["difference"] = out["recomputed"] - out["published"]
    out["passes"] = out["difference"].abs().le(tolerance + _EPS) & out["difference"].notna()
    return out[["year", "gso_code", "unit_name", "dti_rank", "published", "recomputed", "difference",
                "passes", "line"]].reset_index(drop=True)


def merged_mean_check(units_34: pd.DataFrame, scores_63: pd.DataFrame, crosswalk: pd.DataFrame,
                      year: int, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Each 2025 unit's score against the plain mean of its old provinces' scores of ``year``.

    ``units_34``: ``unit_code``, ``score`` (and optionally ``line``); ``scores_63``:
    ``sources.load_dti_scores()`` (``year``, ``gso_code``, ``dti_score``). Columns:
    ``unit_code``, ``new_unit``, ``gso_codes``, ``n_provinces``, ``published``,
    ``mean_of_provinces``, ``difference``, ``passes``, ``line``. Every unit is reported.
    """
    old = scores_63[scores_63["year"] == year][["gso_code", "dti_score"]]
    joined = crosswalk[["gso_code", "new_unit", "unit_code"]].merge(old, on="gso_code", how="left")
    groups = joined.groupby(["unit_code", "new_unit"], sort=True)
    means = groups.agg(gso_codes=("gso_code", lambda s: ";".join(sorted(s))),
                       n_provinces=("gso_code", "size"),
                       mean_of_provinces=("dti_score", "mean")).reset_index()
    pub = units_34.rename(columns={"score": "published"})
    keep = ["unit_code", "published"] + (["line"] if "line" in pub.columns else [])
    out = means.merge(pub[keep], on="unit_code", how="left", validate="one_to_one")
    out["difference"] = out["published"] - out["mean_of_provinces"]
    out["passes"] = out["difference"].abs().le(tolerance + _EPS) & out["difference"].notna()
    if "line" not in out.columns:
        out["line"] = pd.NA
    return out[["unit_code", "new_unit", "gso_codes", "n_provinces", "published", "mean_of_provinces",
                "difference", "passes", "line"]]


def units_table(main: pd.DataFrame, crosswalk: pd.DataFrame, year: int) -> pd.DataFrame:
    """The complete table of the 34 units in ``year``: one row per unit, the 8 indices and the DTI wide.

    Columns: ``unit_code``, ``new_unit`` (short name of the merger table),
    ``unit_name`` (as published), ``gso_codes`` (old provinces joined), ``dti_rank``, the eight
    indices, ``dti``, and ``line_<measure>`` for every value. Sorted by DTI rank. Raises
    ``ValueError`` if any of the values is missing.
    """
    table = wide(main, year, study.UNITS)
    values = table[[*MAIN_INDICES, "dti"]]
    if len(table) != study.UNITS.n_units or values.isna().any().any():
        missing = values.isna().stack()
        raise ValueError(f"{year} table of the {study.UNITS.label} incomplete: {len(table)} units, "
                         f"missing {missing[missing].index.tolist()}")
    units = crosswalk.groupby(["unit_code", "new_unit"], sort=True)["gso_code"].agg(
        lambda s: ";".join(sorted(s))).rename("gso_codes").reset_index()
    table = table.rename_axis("unit_code").reset_index()
    out = units.merge(table, on="unit_code", how="right", validate="one_to_one")
    lines = [f"line_{m}" for m in [*MAIN_INDICES, "dti"]]
    out[lines] = out[lines].astype(int)
    columns = ["unit_code", "new_unit", "unit_name", "gso_codes", "dti_rank", *MAIN_INDICES, "dti", *lines]
    return out[columns].sort_values(["dti_rank", "unit_code"], ignore_index=True)


def focus_beside_extremes(main: pd.DataFrame, year: int, code: str = study.MAIN_CASE) -> pd.DataFrame:
    """The eight indices of province ``code`` beside the published top five and bottom five.

    The source prints ranks 1-5 and 59-63 only (the middle 53 units are not in it), so a
    province outside those ranks raises ``ValueError``. Columns: ``year``, ``gso_code``, ``unit_name``,
    ``dti_rank``, ``group`` ("top five" / "bottom five"), ``is_focus``, the indices, ``dti``,
    ``line_dti``. Sorted by rank.
    """
    table = wide(main, year, study.PROVINCES).rename_axis("gso_code").reset_index()
    if code not in set(table["gso_code"]):
        raise ValueError(f"GSO {code} is not among the units published for {year} (ranks 1-5 and 59-63 only; "
                         "the middle 53 units are not in the source)")
    table["group"] = table["dti_rank"].map(lambda r: "top five" if r <= 5 else "bottom five")
    table["is_focus"] = table["gso_code"] == code
    table["year"] = year
    columns = ["year", "gso_code", "unit_name", "dti_rank", "group", "is_focus", *MAIN_INDICES, "dti", "line_dti"]
    return table[columns].sort_values(["dti_rank", "gso_code"], ignore_index=True)


def index_correlations(table: pd.DataFrame, level: float = stats.DEFAULT_LEVEL) -> pd.DataFrame:
    """Spearman correlation of each index with the overall DTI, with its Fisher-z interval.

    ``table``: ``units_table(...)`` (n = 34). Columns: ``measure``, ``label``,
    ``estimate``, ``ci_low``, ``ci_high``, ``n``; in the order of ``INDICES``. The interval's
    assumption is that of ``stats.rank_correlation``; with 34 units of one census year it
    expresses noise, not sampling of provinces.
    """
    rows = []
    for measure in MAIN_INDICES:
        r = stats.rank_correlation(table[measure], table["dti"], "spearman", level=level)
        rows.append({"measure": measure, "label": LABELS[measure], "estimate": r["estimate"],
                     "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": r["n"]})
    return pd.DataFrame(rows)


def thirds_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """Each index in the top third against the bottom third of the units by overall DTI.

    With ``n`` units, the thirds are the ``n // 3`` best and the ``n // 3`` worst by DTI rank
    (11 and 11 of 34; the middle 12 are left out). Columns: ``measure``, ``label``,
    ``n_top``, ``n_bottom``, ``median_top``, ``median_bottom``, ``mean_top``,
    ``mean_bottom``, ``mean_gap`` (top − bottom).
    """
    k = len(table) // 3
    ordered = table.sort_values(["dti_rank", "dti"], ascending=[True, False])
    top, bottom = ordered.head(k), ordered.tail(k)
    rows = []
    for measure in MAIN_INDICES:
        rows.append({"measure": measure, "label": LABELS[measure], "n_top": len(top), "n_bottom": len(bottom),
                     "median_top": top[measure].median(), "median_bottom": bottom[measure].median(),
                     "mean_top": top[measure].mean(), "mean_bottom": bottom[measure].mean()})
    out = pd.DataFrame(rows)
    out["mean_gap"] = out["mean_top"] - out["mean_bottom"]
    return out


# --- builders of the derived tables (``helpers.tables``) ---------------------------------

def build_main_indices() -> pd.DataFrame:
    """Builder of ``main_indices``: the published main indices of every unit set, long, keyed by
    ``gso_code`` (63 provinces) or ``unit_code`` (34 units), with the file and CSV line of each value."""
    from . import sources

    main = sources.load_main_indices()
    columns = ["year", "units", "unit_name", "gso_code", "unit_code", "measure", "rank", "score", "source_url",
               "note", "file", "line"]
    return main[columns].sort_values(["year", "units", "measure", "unit_name"], kind="stable", ignore_index=True)


def build_weights_check(main_indices: pd.DataFrame) -> pd.DataFrame:
    """Builder of ``weights_check``: ``weights_check`` for every round whose main indices of the 63
    provinces are published with scores."""
    years = scored_years(main_indices, study.PROVINCES)
    return pd.concat([weights_check(main_indices, year) for year in years], ignore_index=True)


def build_merged_mean_check(main_indices: pd.DataFrame, dti_panel: pd.DataFrame,
                            crosswalk_2025: pd.DataFrame) -> pd.DataFrame:
    """Builder of ``merged_mean_check``: ``merged_mean_check`` for every round in which both the 63
    provinces and the 34 units have published overall scores (column ``year`` first)."""
    backbone = dti_panel[(dti_panel["measure"] == "dti") & (dti_panel["rank_method"] == "computed_from_scores")]
    scores_63 = backbone.rename(columns={"score": "dti_score"})[["year", "gso_code", "dti_score"]]
    published = main_indices[(main_indices["units"] == study.UNITS.n_units) & (main_indices["measure"] == "dti")]
    years = sorted(set(scores_63["year"]) & set(published["year"]))
    parts = [merged_mean_check(published[published["year"] == y], scores_63, crosswalk_2025, y).assign(year=y)
             for y in years]
    table = pd.concat(parts, ignore_index=True)
    return table[["year", *table.columns[:-1]]]


def build_units_main_indices(main_indices: pd.DataFrame, crosswalk_2025: pd.DataFrame) -> pd.DataFrame:
    """Builder of ``units_main_indices``: ``units_table`` for every round in which the main indices of
    all 34 units are published (column ``year`` first)."""
    years = complete_years(main_indices, study.UNITS)
    parts = [units_table(main_indices, crosswalk_2025, y).assign(year=y) for y in years]
    table = pd.concat(parts, ignore_index=True)
    return table[["year", *table.columns[:-1]]]


def involving(table: pd.DataFrame, codes: list[str]) -> pd.Series:
    """Rows of a 34-unit table (column ``gso_codes``) whose unit joins one of the provinces ``codes``."""
    return table["gso_codes"].str.split(";").map(lambda joined: bool(set(joined) & set(codes)))


def correlations_by_round(units_indices: pd.DataFrame, level: float = stats.DEFAULT_LEVEL) -> pd.DataFrame:
    """``index_correlations`` for every round of ``units_main_indices`` (column ``year`` first)."""
    parts = [index_correlations(table, level).assign(year=int(year)) for year, table in units_indices.groupby("year")]
    table = pd.concat(parts, ignore_index=True)
    return table[["year", *table.columns[:-1]]]
