"""The DTI panel (long format), the other index series, coverage and cross-sections.

Backbone: ``dti_scores_2022_2024.csv`` gives the overall score of all 63 units in 2022,
2023 and 2024; ranks are computed from it by competition ranking (``rank_method`` =
``computed_from_scores``). Every other value keeps its own row with its own source:
rows of the per-year files (``official`` when they cite the ministry's results page
dti.gov.vn, else ``news``), ranks the corpus states (``corpus``, source ``doc_id:start-end``)
and values a source only implies (``derived``). Nothing is averaged: where two rows for
the same (year, unit, measure) disagree, ``disagreements()`` lists the pair.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import corpus, provinces, sources, stats, study
from .exceptions import StudyError

PANEL_COLUMNS = ["year", "gso_code", "province", "measure", "rank", "score", "source_kind",
                 "rank_method", "source", "n_units", "note"]
#: The panel of each unit set has the same columns, its own key and name column in second and third place.
NAME_COLUMNS = {study.PROVINCES.name: "province", study.UNITS.name: "new_unit"}
MEASURES = [m for m, _, _ in sources.DTI_MEASURES]
SOURCE_KINDS = ["official", "news", "corpus", "derived"]
#: Preference when one value per unit is needed (cross_section): backbone first.
PRIORITY = {("official", "computed_from_scores"): 0, ("official", "published"): 1,
            ("official", ""): 1, ("news", "published"): 2, ("news", ""): 2,
            ("corpus", "published"): 3, ("derived", "published"): 4, ("derived", ""): 4}
OFFICIAL_MARK = "dti.gov.vn"
CORPUS_INDICATORS = {"dti_rank": "dti", "dti_gov_rank": "gov", "dti_econ_rank": "econ",
                     "dti_soc_rank": "soc"}
DERIVED_FIELD_MEASURE = {"rank": ("dti", "rank"), "dti_score": ("dti", "score"),
                         "gov_rank": ("gov", "rank"), "gov_score": ("gov", "score"),
                         "econ_rank": ("econ", "rank"), "econ_score": ("econ", "score"),
                         "soc_rank": ("soc", "rank"), "soc_score": ("soc", "score")}


class PartialDataError(StudyError, ValueError):
    """A statistic needs the full cross-section but the year is only partly observed."""


def panel_columns(unit_set: study.UnitSet) -> list[str]:
    """The columns of ``unit_set``'s panel: those of ``PANEL_COLUMNS`` with the set's key and name."""
    return ["year", unit_set.key, NAME_COLUMNS[unit_set.name], *PANEL_COLUMNS[3:]]


def _names(unit_set: study.UnitSet = study.PROVINCES) -> pd.Series:
    if unit_set is study.UNITS:
        return provinces.crosswalk().drop_duplicates("unit_code").set_index("unit_code")["new_unit"]
    return provinces.load_reference().set_index("gso_code")["name_vi"]


def _frame(rows: list[dict], unit_set: study.UnitSet = study.PROVINCES) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=panel_columns(unit_set))
    table["year"] = table["year"].astype(int)
    table["rank"] = table["rank"].astype("Int64")
    table["score"] = table["score"].astype(float)
    table["n_units"] = unit_set.n_units
    table["note"] = table["note"].fillna("")
    return table


def _row(unit_set: study.UnitSet, names: pd.Series, year: int, key: str, **values) -> dict:
    return {"year": year, unit_set.key: key, NAME_COLUMNS[unit_set.name]: names[key], "note": "", **values}


def backbone_rows(unit_set: study.UnitSet = study.PROVINCES) -> pd.DataFrame:
    """Overall DTI of every unit in every year of the set's complete score files, ranks computed
    from the scores (competition ranking)."""
    scores = sources.load_dti_scores(unit_set)
    names = _names(unit_set)
    rows = []
    for year, part in scores.groupby("year"):
        ranks = stats.competition_rank(part["dti_score"]).astype("Int64")
        for i, row in part.iterrows():
            rows.append(_row(unit_set, names, year, row[unit_set.key], measure="dti", rank=ranks[i],
                             score=row["dti_score"], source_kind="official", rank_method="computed_from_scores",
                             source=row["source_url"]))
    return _frame(rows, unit_set)


def _kind(source: str) -> str:
    return "official" if OFFICIAL_MARK in source else "news"


def year_file_rows(unit_set: study.UnitSet = study.PROVINCES) -> pd.DataFrame:
    """Every stated rank or score in the set's per-round files, one row per unit and measure."""
    names = _names(unit_set)
    rows = []
    for year in sources.round_files(unit_set):
        table = sources.load_dti_round(unit_set, year)
        for _, row in table.iterrows():
            for measure, rank_col, score_col in sources.DTI_MEASURES:
                rank = row[rank_col] if rank_col else pd.NA
                score = row[score_col]
                if pd.isna(rank) and pd.isna(score):
                    continue
                rows.append(_row(unit_set, names, year, row[unit_set.key], measure=measure, rank=rank, score=score,
                                 source_kind=_kind(row["source_url"]),
                                 rank_method="published" if pd.notna(rank) else "", source=row["source_url"]))
    return _frame(rows, unit_set)


def main_index_rows(main: pd.DataFrame, unit_set: study.UnitSet) -> pd.DataFrame:
    """The published main indices and overall DTI of the set's units (``sources.load_main_indices``),
    one row per unit, year and measure; the note names the file and line of the value."""
    names = _names(unit_set)
    part = main[main["units"] == unit_set.n_units]
    rows = [_row(unit_set, names, int(r["year"]), r[unit_set.key], measure=r["measure"], rank=r["rank"],
                 score=r["score"], source_kind=_kind(r["source_url"]),
                 rank_method="published" if pd.notna(r["rank"]) else "", source=r["source_url"])
            | {"note": f"{r['file']} line {int(r['line'])}"}
            for _, r in part.iterrows()]
    return _frame(rows, unit_set)


def derived_rows() -> pd.DataFrame:
    """Derived candidates with a plain numeric value (``source_kind`` = ``derived``).

    The derivation and the file's consistency note go into ``note``; a value that is not a
    plain number (e.g. "24?", assessment year unknown) is left out.
    """
    names = _names()
    rows = []
    for _, row in sources.load_derived_candidates().iterrows():
        if pd.isna(row["number"]):
            continue
        measure, field = DERIVED_FIELD_MEASURE[row["field"]]
        note = f"derived: {row['derivation']}"
        if row["check_or_note"]:
            note += f"; check: {row['check_or_note']}"
        rows.append({"year": row["year"], "gso_code": row["gso_code"], "province": names[row["gso_code"]],
                     "measure": measure,
                     "rank": int(row["number"]) if field == "rank" else pd.NA,
                     "score": row["number"] if field == "score" else np.nan,
                     "source_kind": "derived", "rank_method": "published" if field == "rank" else "",
                     "source": row["source_url"], "note": note})
    table = _frame(rows)
    # A source that implies both the rank and the score of one measure gives one row.
    keys = ["year", "gso_code", "province", "measure", "source_kind", "source"]
    merged = table.groupby(keys, sort=False, as_index=False).agg(
        rank=("rank", "first"), score=("score", "first"),
        rank_method=("rank_method", lambda s: "published" if (s == "published").any() else ""),
        note=("note", lambda s: " || ".join(s)))
    return _frame(merged.to_dict("records"))


def corpus_ranks(codebook: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Panel rows for the DTI ranks the corpus states (codebook indicators ``dti_*rank``).

    ``codebook``: indicator_id, province (Vietnamese name), indicator, as_of (assessment
    year), claim_id, value (the rank), denominator (63). ``claims``: claim_id, doc_id,
    start, end. The source of each row is ``doc_id:start-end``.
    """
    need_cb = ["indicator_id", "gso_code", "indicator", "as_of", "claim_id", "value", "denominator"]
    need_cl = ["claim_id", "doc_id", "start", "end"]
    for name, table, need in (("codebook", codebook, need_cb), ("claims", claims, need_cl)):
        missing = [c for c in need if c not in table.columns]
        if missing:
            raise sources.SourceError(f"{name}: missing column(s) {missing}")
    ranks = codebook[codebook["indicator"].isin(CORPUS_INDICATORS)].copy()
    spans = claims.drop_duplicates("claim_id").set_index("claim_id")
    names = _names()
    rows = []
    for i, row in ranks.iterrows():
        where = f"codebook row {i + 1} (indicator_id {row['indicator_id']})"
        if str(row["claim_id"]) not in spans.index.astype(str):
            raise sources.SourceError(f"{where}, column claim_id: {row['claim_id']!r} is not in the claims table")
        span = spans.loc[spans.index.astype(str) == str(row["claim_id"])].iloc[0]
        code = row["gso_code"]
        try:
            year = int(str(row["as_of"])[:4])
            rank = int(float(row["value"]))
        except ValueError:
            raise sources.SourceError(f"{where}, columns as_of/value: {row['as_of']!r}/{row['value']!r} "
                                      "must be an assessment year and a whole rank") from None
        denominator = int(float(row["denominator"])) if str(row["denominator"]).strip() else None
        if denominator != study.PROVINCES.n_units:
            raise sources.SourceError(f"{where}, column denominator: {row['denominator']!r}; a DTI rank "
                                      f"of the pre-2025 ranking is out of {study.PROVINCES.n_units}")
        if not 1 <= rank <= study.PROVINCES.n_units:
            raise sources.SourceError(f"{where}, column value: rank {rank} outside 1..{study.PROVINCES.n_units}")
        rows.append({"year": year, "gso_code": code, "province": names[code],
                     "measure": CORPUS_INDICATORS[row["indicator"]], "rank": rank, "score": np.nan,
                     "source_kind": "corpus", "rank_method": "published",
                     "source": f"{span['doc_id']}:{int(span['start'])}-{int(span['end'])}",
                     "note": f"claim {row['claim_id']}"})
    table = _frame(rows)
    return table.drop_duplicates(["year", "gso_code", "measure", "rank", "source"], ignore_index=True)


def _order(table: pd.DataFrame) -> pd.DataFrame:
    key = "unit_code" if "unit_code" in table.columns else "gso_code"
    table = table.copy()
    table["_m"] = table["measure"].map({m: i for i, m in enumerate(MEASURES)})
    table["_p"] = [PRIORITY.get((k, r), 9) for k, r in zip(table["source_kind"], table["rank_method"], strict=True)]
    table = table.sort_values(["year", key, "_m", "_p", "source"], kind="stable", ignore_index=True)
    return table.drop(columns=["_m", "_p"])


def validate_panel(table: pd.DataFrame, unit_set: study.UnitSet = study.PROVINCES) -> pd.DataFrame:
    """Schema of a processed panel: types, ranges, one row per key, rank rules per source."""
    import pandera.pandas as pa

    keys = _names(unit_set).index.tolist()
    schema = pa.DataFrameSchema({
        "year": pa.Column(int, pa.Check.ge(study.FIRST_DTI_ROUND)),
        unit_set.key: pa.Column(None, pa.Check.isin(keys)),
        "measure": pa.Column(None, pa.Check.isin(MEASURES)),
        "rank": pa.Column("Int64", pa.Check.in_range(1, unit_set.n_units), nullable=True),
        "score": pa.Column(float, pa.Check.in_range(0.0, 1.0), nullable=True),
        "source_kind": pa.Column(None, pa.Check.isin(SOURCE_KINDS)),
        "rank_method": pa.Column(None, pa.Check.isin(["published", "computed_from_scores", ""])),
        "source": pa.Column(None, pa.Check.str_length(min_value=1)),
        "n_units": pa.Column(int, pa.Check.eq(unit_set.n_units)),
    }, unique=["year", unit_set.key, "measure", "source_kind", "rank_method", "source", "note"], strict=False)
    schema.validate(table)
    if (table["rank"].isna() & table["score"].isna()).any():
        raise ValueError("panel: a row with neither rank nor score")
    if ((table["source_kind"] == "derived") & (table["rank_method"] == "computed_from_scores")).any():
        raise ValueError("panel: derived rows cannot carry computed ranks")
    return table


def build_panel(claims: pd.DataFrame) -> pd.DataFrame:
    """Builder of the ``dti_panel`` table (the 63 provinces): backbone, round files, corpus ranks,
    derived values."""
    parts = [backbone_rows(), year_file_rows(), corpus_ranks(sources.load_codebook(), claims), derived_rows()]
    table = _order(pd.concat([p for p in parts if len(p)], ignore_index=True))
    return validate_panel(table)[PANEL_COLUMNS]


def build_panel_34() -> pd.DataFrame:
    """Builder of the ``dti_panel_34`` table (the 34 units of 2025), in the shape of ``dti_panel``:
    backbone (complete scores, ranks computed), round files, and the published main indices."""
    unit_set = study.UNITS
    parts = [backbone_rows(unit_set), year_file_rows(unit_set), main_index_rows(sources.load_main_indices(), unit_set)]
    table = _order(pd.concat([p for p in parts if len(p)], ignore_index=True))
    return validate_panel(table, unit_set)[panel_columns(unit_set)]


# --- disagreements -----------------------------------------------------------------------

def _rounding_note(reference: float, other: float) -> str:
    for decimals in (1, 2, 3):
        if round(other, decimals) == other and round(reference, decimals) == other:
            return f"agrees after rounding to {decimals} decimals (the source prints {decimals})"
    return ""


DISAGREEMENT_COLUMNS = ["year", "gso_code", "province", "measure", "field", "reference_value", "reference_kind",
                        "reference_rank_method", "reference_source", "other_value", "other_kind", "other_source",
                        "difference", "note", "claim_id", "uncurated"]


def disagreements(panel: pd.DataFrame) -> pd.DataFrame:
    """Every (year, unit, measure) where a row's rank or score differs from the reference row.

    The reference is the preferred row (backbone first, then official, news, corpus,
    derived); every other row that states a different value is listed. Nothing is averaged.
    ``claim_id`` is the claim of a corpus row (the codebook's, so ``uncurated`` is False).
    """
    out = []
    panel = _order(panel)
    key = "unit_code" if "unit_code" in panel.columns else "gso_code"
    name = "new_unit" if key == "unit_code" else "province"
    cells = ["year", key, "measure"]
    # only a (year, unit, measure) with two or more stated ranks or scores can disagree
    stated_twice = (panel.groupby(cells, sort=False)[["rank", "score"]].transform("count") >= 2).any(axis=1)
    for (year, code, measure), group in panel[stated_twice].groupby(cells, sort=True):
        for field in ("rank", "score"):
            stated = group[group[field].notna()]
            if len(stated) < 2:
                continue
            ref = stated.iloc[0]
            for _, other in stated.iloc[1:].iterrows():
                if other[field] == ref[field]:
                    continue
                diff = float(other[field]) - float(ref[field])
                cast = (lambda v: str(int(v))) if field == "rank" else (lambda v: str(float(v)))
                note = _rounding_note(float(ref[field]), float(other[field])) if field == "score" else ""
                if other["note"]:
                    note = "; ".join(x for x in (note, other["note"]) if x)
                claim = re.search(r"claim (\d{3}-\d{6})", other["note"]) if other["source_kind"] == "corpus" else None
                out.append({"year": year, "gso_code": code, "province": ref[name], "measure": measure,
                            "field": field, "reference_value": cast(ref[field]),
                            "reference_kind": ref["source_kind"], "reference_rank_method": ref["rank_method"],
                            "reference_source": ref["source"], "other_value": cast(other[field]),
                            "other_kind": other["source_kind"], "other_source": other["source"],
                            "difference": round(diff, 6), "note": note, "claim_id": claim.group(1) if claim else "",
                            "uncurated": False})
    return _disagreement_frame(out)


def _disagreement_frame(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)
    for column in ("reference_value", "other_value"):
        table[column] = table[column].astype(object)
    table["uncurated"] = table["uncurated"].astype(bool)
    return table


# --- ranks the articles state, checked on arrival ---------------------------------------

#: Words of a sentence that make its rank the DTI's; without one a rank may rank something else
#: ("xếp hạng 27/63" in 002 ranks the province's administrative-procedure system).
DTI_CUES = ("chuyển đổi số", "dti", "cđs")
#: Words before a rank (since the sentence's previous rank) that make it a pillar's; the backbone holds the
#: overall index only, so a pillar's rank is not compared.
PILLAR_CUES = ("chính quyền số", "kinh tế số", "xã hội số")


def _assessment_year(rank: pd.Series, dates: pd.DataFrame, document: pd.Series) -> tuple[int | None, str]:
    """The year of a stated rank: the year claim of its sentence nearest to it (the earlier one on a tie),
    else the year of the article's publication date when that is known."""
    same = dates[(dates["doc_id"] == rank["doc_id"]) & (dates["sentence"] == rank["sentence"])
                 & dates["date_iso"].str.fullmatch(r"\d{4}")]
    if len(same):
        distance = (same["start"].astype(int) - int(rank["start"])).abs()
        nearest = same.assign(_d=distance).sort_values(["_d", "start"], kind="stable").iloc[0]
        return int(nearest["date_iso"]), f"year {nearest['date_iso']} from its sentence (claim {nearest['claim_id']})"
    published = re.match(r"(\d{4})", str(document["published"]))
    if published and document["date_precision"] != "unknown":
        return int(published.group(1)), (f"year of the article's publication date ({document['published']}): the "
                                          "sentence states none, and a round's results come out the year after it")
    return None, ""


def _is_overall_dti(rank: pd.Series, previous_end: int) -> bool:
    """The sentence names the index, and no pillar is named between the previous rank and this one."""
    sentence = corpus.normalise(rank["sentence"]).lower()
    at = sentence.find(corpus.normalise(rank["text"]).lower(), previous_end)
    before = sentence[previous_end:at if at >= 0 else len(sentence)]
    return any(c in sentence for c in DTI_CUES) and not any(c in before for c in PILLAR_CUES)


STATED_RANK_COLUMNS = ["claim_id", "doc_id", "gso_code", "year", "rank", "text", "year_basis", "source"]


def stated_ranks(claims: pd.DataFrame, documents: pd.DataFrame, cited: set[str]) -> pd.DataFrame:
    """Overall DTI ranks that an article about one of the 63 provinces states and no codebook row cites
    (``cited``): rank claims out of 63 whose sentence names the index ("chuyển đổi số", "DTI", "CĐS") and
    no pillar before the rank, each with its year (``_assessment_year``) and the article's GSO code."""
    n_units = study.PROVINCES.n_units
    docs = documents.set_index("doc_id")
    dates = claims[claims["kind"] == "date"]
    ranks = claims[claims["kind"] == "rank"].sort_values(["doc_id", "start"])
    rows, previous = [], {}
    for _, r in ranks.iterrows():
        key = (r["doc_id"], r["sentence"])
        start_from = previous.get(key, 0)
        found = corpus.normalise(r["sentence"]).lower().find(corpus.normalise(r["text"]).lower(), start_from)
        previous[key] = found + len(r["text"]) if found >= 0 else start_from
        code = docs.at[r["doc_id"], "gso_code"] if r["doc_id"] in docs.index else ""
        whole = r["value"] != "" and float(r["value"]).is_integer() and 1 <= float(r["value"]) <= n_units
        if (r["claim_id"] in cited or not code or r["denominator"] == "" or float(r["denominator"]) != n_units
                or not whole or not _is_overall_dti(r, start_from)):
            continue
        year, basis = _assessment_year(r, dates, docs.loc[r["doc_id"]])
        if year is not None:
            rows.append({"claim_id": r["claim_id"], "doc_id": r["doc_id"], "gso_code": code, "year": year,
                         "rank": int(float(r["value"])), "text": r["text"], "year_basis": basis,
                         "source": f"{r['doc_id']}:{int(r['start'])}-{int(r['end'])}"})
    return pd.DataFrame(rows, columns=STATED_RANK_COLUMNS)


def rank_disagreements(stated: pd.DataFrame, dti_panel: pd.DataFrame) -> pd.DataFrame:
    """Each stated rank (``stated_ranks``) that differs from the official table: the overall rank computed
    from the complete scores of its year (backbone rows, ``rank_method`` = ``computed_from_scores``).
    Marked ``uncurated`` (no codebook row cites the claim yet); a year without complete scores is not compared."""
    backbone = dti_panel[(dti_panel["measure"] == "dti") & (dti_panel["rank_method"] == "computed_from_scores")]
    backbone = backbone.set_index(["year", "gso_code"])
    rows = []
    for s in stated.itertuples(index=False):
        if (s.year, s.gso_code) not in backbone.index:
            continue
        ref = backbone.loc[(s.year, s.gso_code)]
        if int(ref["rank"]) == s.rank:
            continue
        rows.append({"year": s.year, "gso_code": s.gso_code, "province": ref["province"], "measure": "dti",
                     "field": "rank", "reference_value": str(int(ref["rank"])), "reference_kind": ref["source_kind"],
                     "reference_rank_method": ref["rank_method"], "reference_source": ref["source"],
                     "other_value": str(s.rank), "other_kind": "corpus", "other_source": s.source,
                     "difference": float(s.rank - int(ref["rank"])),
                     "note": f"uncurated: claim {s.claim_id} ({s.text!r}) of an article no codebook row cites for "
                             f"it yet; {s.year_basis}",
                     "claim_id": s.claim_id, "uncurated": True})
    return _disagreement_frame(rows)


def build_disagreements(dti_panel: pd.DataFrame, claims: pd.DataFrame, corpus_documents: pd.DataFrame) -> pd.DataFrame:
    """Builder of the ``panel_disagreements`` table: the panel's own disagreements, then the ranks that
    articles state and no codebook row cites yet, where they differ from the official table."""
    cited = set(sources.load_codebook()["claim_id"])
    stated = stated_ranks(claims, corpus_documents, cited)
    parts = [t for t in (disagreements(dti_panel), rank_disagreements(stated, dti_panel)) if len(t)]
    if not parts:
        return _disagreement_frame([])
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["year", "gso_code", "measure", "uncurated"], kind="stable", ignore_index=True)


# --- coverage and cross-sections ------------------------------------------------------

def coverage(panel: pd.DataFrame) -> pd.DataFrame:
    """Units observed (rank or score) per year, measure and source kind, out of 63."""
    seen = panel[panel["rank"].notna() | panel["score"].notna()]
    kinds = pd.concat([seen, seen.assign(source_kind="any non-derived").loc[lambda t: t["source_kind"] != "derived"]])
    counts = kinds.groupby(["year", "measure", "source_kind"])["gso_code"].nunique().rename("n_observed")
    table = counts.reset_index()
    table["share"] = table["n_observed"] / study.PROVINCES.n_units
    return table


def cross_section(panel: pd.DataFrame, year: int, measure: str = "dti", value: str = "rank", *,
                  allow_partial: bool = False, include_derived: bool = False) -> pd.Series:
    """One value per unit (index gso_code) for a year and measure, preferred source first.

    Raises ``PartialDataError`` when fewer than 63 units are observed, unless
    ``allow_partial=True``; the Series then carries ``attrs['partial']`` = True and
    ``attrs['coverage']`` = "n/63" and its name says "partial". Derived values are used only
    with ``include_derived=True`` and are marked in ``attrs['derived']``.
    """
    if value not in ("rank", "score"):
        raise ValueError(f"value={value!r}: expected 'rank' or 'score'")
    if measure not in MEASURES:
        raise ValueError(f"measure={measure!r}: expected one of {MEASURES}")
    years = sorted(panel["year"].unique())
    if year not in years:
        raise ValueError(f"year={year!r}: the panel covers {years}")
    rows = panel[(panel["year"] == year) & (panel["measure"] == measure) & panel[value].notna()]
    if not include_derived:
        rows = rows[rows["source_kind"] != "derived"]
    rows = _order(rows).drop_duplicates("gso_code", keep="first")
    series = rows.set_index("gso_code")[value].sort_index()
    n = len(series)
    partial = n < study.PROVINCES.n_units
    if partial and not allow_partial:
        raise PartialDataError(
            f"{measure} {value} {year}: only {n}/{study.PROVINCES.n_units} units are observed, so a "
            "full cross-section (mean, dispersion, rank correlation) cannot be computed; pass "
            "allow_partial=True to get the partial Series (flagged) and say so on the output"
        )
    series.name = f"{measure} {value} {year}" + (f" (partial: {n}/{study.PROVINCES.n_units})" if partial else "")
    series.attrs.update({"partial": partial, "coverage": f"{n}/{study.PROVINCES.n_units}",
                         "derived": sorted(rows.loc[rows["source_kind"] == "derived", "gso_code"])})
    return series


# --- other indices, 2025 crosswalk -------------------------------------------------------

def build_other_indices() -> pd.DataFrame:
    """``data/processed/other_indices.csv``: egov_2017 and papi_egov, observed rows only."""
    names = _names()
    rows = []
    egov = sources.load_egov_2017()
    for _, r in egov[egov["value"].notna() | egov["rank"].notna()].iterrows():
        rows.append({"index": "egov_2017", "year": r["year"], "gso_code": r["gso_code"],
                     "province": names[r["gso_code"]], "value": r["value"], "rank": r["rank"],
                     "source": r["source_url"], "flag": ""})
    papi = sources.load_papi()
    flags = study.PAPI_FLAGS
    for _, r in papi[papi["value"].notna()].iterrows():
        rows.append({"index": "papi_egov", "year": r["year"], "gso_code": r["gso_code"],
                     "province": names[r["gso_code"]], "value": r["value"], "rank": pd.NA,
                     "source": r["source_url"], "flag": flags.get(int(r["year"]), "")})
    table = pd.DataFrame(rows)
    table["year"] = table["year"].astype(int)
    table["rank"] = table["rank"].astype("Int64")
    return table.sort_values(["index", "year", "gso_code"], ignore_index=True)


def build_crosswalk() -> pd.DataFrame:
    """``data/processed/crosswalk_2025.csv``: each old unit → its 2025 unit."""
    return provinces.crosswalk()


def unit_scores(panel_34: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per 2025 unit for one round of the 34-unit panel: ``year``, ``unit_code``, ``new_unit``,
    ``score`` and ``rank`` (the complete scores, ranks computed by competition ranking), ``rank_method``,
    ``source``, and ``published_rank``/``published_score``/``published_source`` as a per-unit round
    file states them (blank where none does). Sorted by rank."""
    rows = panel_34[(panel_34["year"] == year) & (panel_34["measure"] == "dti")]
    backbone = rows[rows["rank_method"] == "computed_from_scores"]
    if backbone.empty:
        raise PartialDataError(f"the 34-unit panel has no complete scores for {year}; rounds with them: "
                               f"{complete_years(panel_34)}")
    stated = rows[(rows["rank_method"] != "computed_from_scores") & ~rows["note"].str.contains(" line ")]
    stated = _order(stated).drop_duplicates("unit_code").set_index("unit_code")
    out = backbone[["year", "unit_code", "new_unit", "score", "rank", "rank_method", "source"]].copy()
    out["published_rank"] = out["unit_code"].map(stated["rank"]).astype("Int64")
    out["published_score"] = out["unit_code"].map(stated["score"])
    out["published_source"] = out["unit_code"].map(stated["source"]).fillna("")
    return out.sort_values(["rank", "unit_code"], ignore_index=True)


def complete_years(panel: pd.DataFrame) -> list[int]:
    """The rounds of a panel (either unit set) in which every unit has an overall score (the
    rounds of its complete score files)."""
    backbone = panel[(panel["measure"] == "dti") & (panel["rank_method"] == "computed_from_scores")]
    return sorted(int(y) for y in backbone["year"].unique())


# --- views used by the data notebook ---------------------------------------------------

def coverage_matrix(panel: pd.DataFrame, source_kind: str) -> pd.DataFrame:
    """Share of the 63 units observed, years × measures, for one source kind
    (or "any non-derived"). Unobserved cells are 0."""
    cov = coverage(panel)
    cov = cov[cov["source_kind"] == source_kind]
    matrix = cov.pivot(index="year", columns="measure", values="share")
    return matrix.reindex(index=sorted(panel["year"].unique()), columns=MEASURES).fillna(0.0)


def ranking_by_region(panel: pd.DataFrame, year: int) -> pd.DataFrame:
    """Overall DTI rank of every unit in a complete year, with its GSO region."""
    ranks = cross_section(panel, year, "dti", "rank")
    ref = provinces.load_reference().set_index("gso_code")
    table = pd.DataFrame({"gso_code": ranks.index, "province": ref.loc[ranks.index, "name_vi"].values,
                          "region": ref.loc[ranks.index, "region"].values, "rank": ranks.values})
    return table.sort_values(["rank", "gso_code"], ignore_index=True)


def bottom_known(panel: pd.DataFrame, worst_from: int = 59) -> pd.DataFrame:
    """Units with an overall rank of ``worst_from`` or worse, per year, as far as known.

    Non-derived rows only (preferred source per unit); ``coverage`` says how many of the 63
    overall ranks that year are known, so a missing name in a partial year is not evidence.
    """
    rows = []
    for year in sorted(panel["year"].unique()):
        ranks = cross_section(panel, year, "dti", "rank", allow_partial=True)
        chosen = _order(panel[(panel["year"] == year) & (panel["measure"] == "dti") & panel["rank"].notna()
                              & (panel["source_kind"] != "derived")]).drop_duplicates("gso_code")
        chosen = chosen.set_index("gso_code")
        for code, rank in ranks[ranks >= worst_from].sort_values().items():
            rows.append({"year": year, "rank": int(rank), "province": chosen.at[code, "province"],
                         "source_kind": chosen.at[code, "source_kind"],
                         "rank_method": chosen.at[code, "rank_method"],
                         "overall ranks known": ranks.attrs["coverage"]})
        if not (ranks >= worst_from).any():
            rows.append({"year": year, "rank": pd.NA, "province": "(none known)", "source_kind": "",
                         "rank_method": "", "overall ranks known": ranks.attrs["coverage"]})
    table = pd.DataFrame(rows)
    table["rank"] = table["rank"].astype("Int64")
    return table


def complete_ranks(panel: pd.DataFrame) -> pd.DataFrame:
    """Overall DTI ranks of the complete years (2022-2024): ``gso_code``, ``year``, ``rank``.

    These are the ranks computed from the complete official scores (competition ranking).
    """
    rows = panel[(panel["measure"] == "dti") & (panel["rank_method"] == "computed_from_scores")]
    return rows[["gso_code", "year", "rank"]].sort_values(["year", "gso_code"], ignore_index=True)
