"""Two provinces side by side: corpus indicators, policy timelines, DTI ranks, the 2025 merger.

* ``indicator_cells(book, codes)``: one row per (indicator, province) for the comparison
  figure, chosen from the codebook, normalised where a base exists (per 100 inhabitants with
  the statistics office's population of the indicator's year; shares of a stated base), each
  with its claim (document, raw span, quoted text) and, when normalised, its population row.
  Indicators that only one province reports keep a row saying so.
* ``extract_events(claims, meta)``: every date claim of the corpus with an automatic event
  type and role read from its sentence; ``timeline()`` joins it with the reviewed table
  ``data/codebook/timeline_events.csv`` (which cites claim ids and never types a date).
* ``dti_ranks(code, panel)``: every overall DTI rank the panel holds for a unit, by source.
* ``merger_summary(code, panel, units)``: the unit's 2025 partners and the 2024 ranking of the 34 units.

The figures drawn from these tables are in ``helpers.plots.cases``.

Provinces are GSO codes in every argument and key; each output table also carries the
Vietnamese name (column ``province``) as a label.

Nothing here types, guesses or interpolates a number: values come from claims (re-parsed by
``claims.codebook_with_claims``) or from rows of the raw and processed tables, and each output row
names where it came from.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from . import corpus, provinces, sources
from .exceptions import StudyError

#: Units counted in people or their subscriptions: normalised per 100 inhabitants.
PER_INHABITANT_UNITS = ("subscribers", "members", "individuals", "people")
PILLAR_ORDER = ("digital_government", "digital_economy", "digital_society")
PILLAR_LABELS = {"digital_government": "Digital government", "digital_economy": "Digital economy",
                 "digital_society": "Digital society"}

CELL_COLUMNS = [
    "pillar", "indicator", "gso_code", "province", "reported", "shown_value", "shown_unit", "normalisation",
    "value", "denominator", "unit", "qualifier", "as_of", "as_of_basis", "claim_id", "doc_id",
    "start", "end", "text", "also_stated", "population", "population_year", "population_source",
    "dates_differ", "note",
]


class CaseError(StudyError, ValueError):
    """A parameter, the reviewed timeline or a source row does not fit the comparison."""


def corpus_documents(codes: list[str], meta: pd.DataFrame) -> pd.DataFrame:
    """Articles of the corpus about each unit (``articles`` 0 for a unit without any)."""
    rows = []
    for code in codes:
        docs = meta[meta["gso_code"] == code]
        rows.append({"gso_code": code, "province": provinces.name_of(code), "articles": len(docs),
                     "doc_ids": ", ".join(d[:3] for d in docs["doc_id"]),
                     "published": ", ".join(p or "unknown" for p in docs["published"])})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# Population

def population(code: str, year: int, table: pd.DataFrame) -> dict:
    """Average population of a unit in a year, from the statistics office table, with its row.

    Returns ``{"population": int persons, "thousand": str as printed, "source": "file line N
    (URL)"}``; raises ``CaseError`` when the table has no row for that unit and year.
    """
    hit = table[(table["gso_code"] == code) & (table["year"] == year)]
    where = hit["file"].iloc[0] if "file" in table.columns and len(hit) else table.attrs.get("source", "population")
    if len(hit) != 1 or pd.isna(hit["avg_population_thousand"].iloc[0]):
        raise CaseError(f"{where}: no average population for {provinces.name_of(code)} ({code}) {year}")
    printed = f"{hit['avg_population_thousand'].iloc[0]:.2f}"  # the file prints two decimals
    persons = Decimal(printed) * 1000
    return {"population": int(persons), "thousand": printed,
            "source": f"{where} line {hit['line'].iloc[0]} ({hit['source_url'].iloc[0]})"}


def population_table(codes: list[str], years: list[int], table: pd.DataFrame) -> pd.DataFrame:
    """Average population (thousand, as printed) of each unit in each year, with its file line
    (``table``: ``tables.load_population()``)."""
    rows = []
    for code in codes:
        name = provinces.name_of(code)
        for year in years:
            try:
                pop = population(code, year, table)
            except CaseError:
                rows.append({"gso_code": code, "province": name, "year": year, "avg_population_thousand": "",
                             "source": "no row"})
                continue
            rows.append({"gso_code": code, "province": name, "year": year, "avg_population_thousand": pop["thousand"],
                         "source": pop["source"].split(" (")[0]})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# Indicators side by side

def _as_of_key(as_of: str) -> str:
    return as_of or "0000"  # unknown dates sort first, so a dated statement is preferred


def _pick(group: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """The statement with the latest known as-of date (ties: the first claim id); the others."""
    ordered = group.assign(_k=group["as_of"].map(_as_of_key)).sort_values(["_k", "claim_id"], ascending=[False, True])
    chosen = ordered.iloc[0]
    others = [f"{r.claim_id} ({r.as_of or 'date unknown'}: {r.value})" for r in ordered.iloc[1:].itertuples()]
    return chosen, others


def _grouped(value: Decimal, places: int) -> str:
    """``value`` rounded to ``places`` decimals with thousands grouped for display ("1,482,176")."""
    q = round(value, places)
    text = f"{q:,.{places}f}" if places else f"{int(q):,}"
    return text


def _display_value(value: Decimal, unit: str) -> tuple[str, str]:
    if unit == "VND":
        if value >= 10**9:
            return _grouped(value / 10**9, 1).removesuffix(".0"), "billion VND"
        return _grouped(value, 0), "VND"
    places = 0 if value == value.to_integral_value() else 2
    return _grouped(value, places), unit


def shown_statement(row: pd.Series, code: str, pop_table: pd.DataFrame) -> dict:
    """How one codebook statement is shown: as stated, as a share of its stated base, or per
    100 inhabitants with the population of the as-of year."""
    value = Decimal(row["value"])
    den = Decimal(row["denominator"]) if row["denominator"] else None
    unit = row["unit"]
    out = {"population": "", "population_year": "", "population_source": ""}
    if unit == "rank":
        out.update(shown_value=f"{row['value']} of {row['denominator']}", shown_unit="rank",
                   normalisation="as stated (rank)")
    elif unit == "percent" or " per " in unit:
        kind = "percent" if unit == "percent" else "rate"
        out.update(shown_value=_grouped(value, 2 if value != value.to_integral_value() else 0),
                   shown_unit="%" if unit == "percent" else unit, normalisation=f"as stated ({kind})")
    elif den is not None:
        out.update(shown_value=_grouped(value / den * 100, 1), shown_unit="% of stated base",
                   normalisation=f"share: {row['value']} of {row['denominator']} {unit} (both in the claim)")
    elif unit in PER_INHABITANT_UNITS and row["as_of"]:
        year = int(row["as_of"][:4])
        pop = population(code, year, pop_table)
        out.update(shown_value=_grouped(value / pop["population"] * 100, 2), shown_unit=f"{unit} per 100 inhabitants",
                   normalisation=f"per 100 inhabitants: {row['value']} / ({pop['thousand']} thousand, {year}) × 100",
                   population=pop["population"], population_year=year, population_source=pop["source"])
    else:
        shown, shown_unit = _display_value(value, unit)
        reason = ("as stated (year unknown: not normalised)" if unit in PER_INHABITANT_UNITS
                  else "as stated (no base for this unit in the data)")
        out.update(shown_value=shown, shown_unit=shown_unit, normalisation=reason)
    return out


def indicator_cells(book: pd.DataFrame, codes: list[str], pop_table: pd.DataFrame) -> pd.DataFrame:
    """The comparison figure's data table: one row per (indicator, province) (see ``CELL_COLUMNS``).

    ``book`` is the ``codebook`` table, ``pop_table`` the ``population`` table. Index ranks (pillar ``dti``)
    are left to the
    timeline. For each indicator that any of the units ``codes`` reports, every province gets a row;
    ``reported`` is False (and the value blank) where that province does not report it. Where
    a province states an indicator in several articles, the statement with the latest known
    as-of date is shown and the others are listed in ``also_stated``.
    """
    book = book[(book["pillar"] != "dti") & book["gso_code"].isin(codes)]
    names = {code: provinces.name_of(code) for code in codes}
    rows = []
    for indicator, group in book.groupby("indicator", sort=False):
        pillar = group["pillar"].iloc[0]
        picked = {}
        for code in codes:
            mine = group[group["gso_code"] == code]
            if len(mine):
                picked[code] = _pick(mine)
        dates = {p[0]["as_of"] for p in picked.values()}
        differ = len(picked) > 1 and len(dates) > 1
        for code in codes:
            where = {"pillar": pillar, "indicator": indicator, "gso_code": code, "province": names[code]}
            if code not in picked:
                others = ", ".join(names[c] for c in picked)
                rows.append({**where, "reported": False, "dates_differ": False,
                             "note": f"not reported in the corpus (reported by {others})"})
                continue
            row, others = picked[code]
            cell = {c: row[c] for c in ("value", "denominator", "unit", "qualifier", "as_of", "as_of_basis",
                                        "claim_id", "doc_id", "start", "end", "text")}
            cell.update(shown_statement(row, code, pop_table))
            cell.update({**where, "reported": True,
                         "also_stated": "; ".join(others), "dates_differ": differ, "note": row["note"]})
            rows.append(cell)
    table = pd.DataFrame(rows, columns=CELL_COLUMNS, dtype=object)
    if table.empty:
        return table
    table = table.fillna("")
    table["reported"] = table["reported"].astype(bool)
    table["dates_differ"] = table.groupby("indicator")["dates_differ"].transform("any").astype(bool)
    table["_p"] = table["pillar"].map(PILLAR_ORDER.index)
    table["_both"] = table.groupby("indicator")["reported"].transform("all")
    table = table.sort_values(["_p", "_both", "indicator"], ascending=[True, False, True], kind="stable")
    return table.drop(columns=["_p", "_both"]).reset_index(drop=True)


def side_by_side(cells: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """A readable wide view of ``indicator_cells``: value, unit, as-of date and claim per province
    (columns headed by the provinces' names)."""
    if cells.empty:
        return pd.DataFrame()
    out = cells[["pillar", "indicator"]].drop_duplicates().set_index("indicator")
    for code in codes:
        name = provinces.name_of(code)
        mine = cells[cells["gso_code"] == code].set_index("indicator")
        out[f"{name}"] = mine.apply(
            lambda r: f"{r['shown_value']} {r['shown_unit']}" if r["reported"] else "not reported", axis=1)
        out[f"{name} as of"] = mine.apply(
            lambda r: f"{r['as_of'] or 'unknown'} ({r['as_of_basis']})" if r["reported"] else "", axis=1)
        out[f"{name} claim"] = mine.apply(lambda r: (f"{r['claim_id']} «{r['text']}»" if r["reported"] else ""), axis=1)
    out["dates differ"] = cells.groupby("indicator")["dates_differ"].first()
    return out.reset_index()


def source_of(cell: pd.Series, claims: pd.DataFrame) -> str:
    """Where a cell's value comes from, re-checked against the claims table (the parser's reading of
    every span): the quoted text is the claim's and the claim parses to the value. Raises
    ``CaseError`` otherwise."""
    if not cell["reported"]:
        return "not reported"
    claim = claims.set_index("claim_id").loc[cell["claim_id"]]
    if claim["text"] != cell["text"]:
        raise CaseError(f"{cell['indicator']} {cell['province']}: claim text {claim['text']!r} is not the quoted "
                        f"{cell['text']!r}")
    if claim["value"] == "" or Decimal(claim["value"]) != Decimal(cell["value"]):
        raise CaseError(f"{cell['indicator']} {cell['province']}: span {claim['text']!r} parses to "
                        f"{claim['value'] or 'no value'}, not {cell['value']}")
    where = f"claim {cell['claim_id']} ({claim['doc_id']}:{claim['start']}-{claim['end']} «{claim['text']}»)"
    if cell["population_source"]:
        where += f"; population {cell['population_source']}"
    return where


def vnnum_context(raw: str, start: int, end: int, before: int = 40) -> str:
    """The span with the words before it (qualifiers, scale words), normalised like the corpus text."""
    return corpus.normalise(raw[max(0, start - before):end])


# ---------------------------------------------------------------------------------------
# Policy timeline

#: Event types, each with the sentence cues that announce it (lower case, NFC).
EVENT_CUES: dict[str, tuple[str, ...]] = {
    "national_dt_day": ("ngày chuyển đổi số quốc gia", "ngày chuyển cđs quốc gia", "ngày cđs quốc gia"),
    "dti_rank": ("xếp hạng", "xếp thứ"),
    "visit": ("đoàn công tác", "buổi làm việc"),
    "workshop": ("hội thảo",),
    "resolution": ("nghị quyết",),
    "directive": ("chỉ thị",),
    "decree": ("nghị định",),
    "plan": ("kế hoạch", "đề án", "chương trình"),
    "training": ("bồi dưỡng", "tập huấn"),
    "priority": ("nhiệm vụ trọng tâm",),
    "budget": ("kinh phí", "ngân sách"),
    "target": ("mục tiêu",),
}
EVENT_TYPES = (*EVENT_CUES, "other")
#: Words just before a year that make it a horizon ("to 2030"), not an occurrence.
TARGET_BEFORE = re.compile(r"(?<!tính )(?:đến(?: hết)?(?: năm)?|tầm nhìn đến(?: năm)?|định hướng đến(?: năm)?)\s*$")
ROLES = ("event", "period", "target")
YEAR_FROM = ("claim", "publication", "none")


def _locate(sentence: str, text: str, occurrence: int) -> int:
    pos = -1
    for _ in range(occurrence + 1):
        pos = sentence.find(text, pos + 1)
        if pos < 0:
            raise CaseError(f"date {text!r} (occurrence {occurrence + 1}) not found in its sentence {sentence[:80]!r}")
    return pos


def classify_event(sentence: str, start: int, end: int, date_iso: str) -> tuple[str, str]:
    """Automatic (type, role) of the date at ``sentence[start:end]``.

    Role: ``period`` for a range (``2021/2025``), ``target`` when the words just before read
    "đến (năm)", "tầm nhìn đến", "định hướng đến" (but not "tính đến", as of), else ``event``.
    Type: the cue of ``EVENT_CUES`` nearest to the date in the sentence (before or after).
    """
    low = sentence.lower()
    if "/" in date_iso:
        role = "period"
    elif TARGET_BEFORE.search(low[max(0, start - 30):start]):
        role = "target"
    else:
        role = "event"
    best, best_distance = "other", None
    for kind, cues in EVENT_CUES.items():
        for cue in cues:
            for m in re.finditer(re.escape(cue), low):
                distance = start - m.end() if m.end() <= start else m.start() - end
                if distance < 0:
                    distance = 0
                if best_distance is None or distance < best_distance:
                    best, best_distance = kind, distance
    return best, role


def extract_events(claims: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Every date claim of the corpus with its province, sentence and automatic type and role."""
    by_doc = meta.set_index("doc_id")
    dates = claims[claims["kind"] == "date"].sort_values(["doc_id", "start"])
    rows = []
    seen: dict[tuple[str, str, str], int] = {}
    for c in dates.itertuples():
        sentence = corpus.normalise(c.sentence)
        text = corpus.normalise(c.text)
        k = (c.doc_id, sentence, text)
        occurrence = seen.get(k, 0)
        seen[k] = occurrence + 1
        pos = _locate(sentence, text, occurrence)
        kind, role = classify_event(sentence, pos, pos + len(text), c.date_iso)
        rows.append({"claim_id": c.claim_id, "doc_id": c.doc_id, "gso_code": by_doc.at[c.doc_id, "gso_code"],
                     "province": by_doc.at[c.doc_id, "province"],
                     "text": c.text, "date_iso": c.date_iso, "date_precision": c.date_precision,
                     "auto_type": kind, "auto_role": role, "sentence": c.sentence})
    return pd.DataFrame(rows)


#: The decision of a date claim that no row of the reviewed timeline covers yet (a new article's).
UNREVIEWED = "unreviewed"


def unreviewed_date_claims(claims: pd.DataFrame, review: pd.DataFrame) -> pd.DataFrame:
    """The date claims that no row of the reviewed timeline (``sources.load_timeline_review()``) covers yet:
    they enter the timeline as *unreviewed* and wait in the review queue."""
    return claims[(claims["kind"] == "date") & ~claims["claim_id"].isin(review["claim_id"])]


def _unreviewed_rows(auto: pd.DataFrame, review: pd.DataFrame) -> pd.DataFrame:
    """Review rows for the date claims the reviewed timeline does not cover yet: the automatic type and
    role taken as they are, the claim shown as *unreviewed* and not placed without a stated year."""
    new = auto[~auto["claim_id"].isin(review["claim_id"])]
    return pd.DataFrame({
        "claim_id": new["claim_id"], "auto_type": new["auto_type"], "auto_role": new["auto_role"],
        "decision": UNREVIEWED, "event_type": new["auto_type"], "role": new["auto_role"],
        "event_key": new["claim_id"], "document_claim": "", "year_from": "claim",
        "label": "unreviewed date", "note": "not reviewed yet: add a row to data/codebook/timeline_events.csv",
    })


def check_timeline_review(review: pd.DataFrame) -> pd.DataFrame:
    """Check the reviewed timeline (``sources.load_timeline_review()``) row by row; return it."""
    where = review.attrs.get("source", "reviewed timeline")
    for i, r in review.iterrows():
        line = f"{where} row {i + 1} (line {i + 2}, {r['claim_id']})"
        if r["decision"] not in ("keep", "drop"):
            raise CaseError(f"{line}: decision {r['decision']!r} is not 'keep' or 'drop'")
        if r["decision"] == "keep":
            if r["event_type"] not in EVENT_TYPES:
                raise CaseError(f"{line}: event_type {r['event_type']!r} is not one of {EVENT_TYPES}")
            if r["role"] not in ROLES:
                raise CaseError(f"{line}: role {r['role']!r} is not one of {ROLES}")
            if r["year_from"] not in YEAR_FROM:
                raise CaseError(f"{line}: year_from {r['year_from']!r} is not one of {YEAR_FROM}")
            if not r["event_key"] or not r["label"]:
                raise CaseError(f"{line}: a kept event needs an event_key and a label")
        if re.search(r"\d", r["label"]):
            raise CaseError(f"{line}: the label {r['label']!r} holds a digit; dates and numbers come "
                            "from the cited claims, never from the label")
        if not r["note"]:
            raise CaseError(f"{line}: note is blank; say why the date is kept or dropped")
    if review["claim_id"].duplicated().any():
        duplicated = review.loc[review["claim_id"].duplicated(), "claim_id"].tolist()
        raise CaseError(f"{where}: duplicate claim_id {duplicated}")
    return review


def _year_of_publication(published: str) -> int | None:
    m = re.match(r"(\d{4})", published or "")
    return int(m.group(1)) if m else None


def _decimal_year(day: pd.Timestamp) -> float:
    return day.year + (day.day_of_year - 1) / (366 if day.is_leap_year else 365)


def _bounds(date_iso: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day of a dated span with its year (``2024``, ``2024-07``, ``2024-Q3``, ``2024-10-10``) and
    the day after its last."""
    m = re.fullmatch(r"(\d{4})(?:-(?:Q([1-4])|(\d{2})(?:-(\d{2}))?))?", date_iso)
    if not m:
        raise CaseError(f"date {date_iso!r} is not a date_iso the claims table writes")
    year, quarter, month, day = m.groups()
    if quarter:
        start = pd.Timestamp(year=int(year), month=3 * int(quarter) - 2, day=1)
        return start, start + pd.DateOffset(months=3)
    start = pd.Timestamp(year=int(year), month=int(month or 1), day=int(day or 1))
    return start, start + (pd.DateOffset(days=1) if day else pd.DateOffset(months=1) if month else
                           pd.DateOffset(years=1))


def _period(date_iso: str) -> dict:
    """A period ``a/b`` (years, months, quarters or days at either end) from the start of ``a`` to the end of ``b``."""
    a, b = date_iso.split("/")
    if a.isdigit() and b.isdigit():
        return {"date": f"{a}–{b}", "x_start": float(a), "x_end": float(int(b) + 1), "dated_by": "claim (period)"}
    return {"date": f"{a}–{b}", "x_start": _decimal_year(_bounds(a)[0]), "x_end": _decimal_year(_bounds(b)[1]),
            "dated_by": "claim (period)"}


def place(date_iso: str, precision: str, year_from: str, published: str) -> dict:
    """Position on the time axis (decimal years) of a reviewed date, and how it is dated.

    A day or month without a year (``--10-23``) gets a year only when the review says
    ``year_from = publication`` and the article's publication year is known; otherwise it is
    not placed (``x_start`` None). Years span the whole year, quarters their three months; periods
    span the start of their first end to the end of their last ("2024-01/2024-09": nine months).
    """
    if "/" in date_iso:
        return _period(date_iso)
    if re.fullmatch(r"\d{4}-Q[1-4]", date_iso):
        start, end = _bounds(date_iso)
        return {"date": date_iso, "x_start": _decimal_year(start), "x_end": _decimal_year(end),
                "dated_by": "claim (quarter)"}
    m = re.fullmatch(r"(\d{4}|-)-?(\d{2})?-?(\d{2})?", date_iso)
    if not m:
        raise CaseError(f"date {date_iso!r} is not a date_iso the claims table writes")
    year_text, month, day = m.groups()
    if year_text == "-":
        year = _year_of_publication(published) if year_from == "publication" else None
        if year is None:
            return {"date": f"day {day}, month {month}, year not stated", "x_start": None, "x_end": None,
                    "dated_by": "no year"}
        dated_by = "claim (day and month) + publication year"
    else:
        year = int(year_text)
        dated_by = "claim"
    if month is None:
        return {"date": f"{year}", "x_start": float(year), "x_end": float(year + 1), "dated_by": dated_by + " (year)"}
    start = pd.Timestamp(year=year, month=int(month), day=int(day) if day else 1)
    x = year + (start.day_of_year - 1) / (366 if start.is_leap_year else 365)
    width = 1 / 365 if day else 1 / 12
    text = start.strftime("%Y-%m-%d") if day else start.strftime("%Y-%m")
    return {"date": text, "x_start": x, "x_end": x + width, "dated_by": dated_by}


def timeline(claims: pd.DataFrame, meta: pd.DataFrame, review: pd.DataFrame) -> pd.DataFrame:
    """Extracted date claims joined with their review; kept rows only, placed on the time axis.

    Raises ``CaseError`` when a date claim has no review row, a review row cites a claim that
    is not a date, or the automatic type or role has changed since the review (re-review).
    """
    auto = extract_events(claims, meta)
    review = check_timeline_review(review)
    where = review.attrs.get("source", "reviewed timeline")
    review = pd.concat([review, _unreviewed_rows(auto, review)], ignore_index=True)
    stray = sorted(set(review["claim_id"]) - set(auto["claim_id"]))
    if stray:
        raise CaseError(f"{where}: claim(s) {stray} are not date claims of the corpus")
    merged = auto.merge(review, on="claim_id", suffixes=("", "_reviewed"), validate="one_to_one")
    changed = merged[(merged["auto_type"] != merged["auto_type_reviewed"])
                     | (merged["auto_role"] != merged["auto_role_reviewed"])]
    if len(changed):
        raise CaseError(f"{where}: the automatic type or role of {changed['claim_id'].tolist()} changed since "
                        "the review; review those rows again")
    by_id = claims.set_index("claim_id")
    for r in merged[merged["document_claim"] != ""].itertuples():
        if r.document_claim not in by_id.index or by_id.at[r.document_claim, "kind"] != "doc_ref":
            raise CaseError(f"{where} {r.claim_id}: document_claim {r.document_claim!r} is not a doc_ref claim")
        if by_id.at[r.document_claim, "doc_id"] != r.doc_id:
            raise CaseError(f"{where} {r.claim_id}: document_claim {r.document_claim!r} is in another article")
    published = meta.set_index("doc_id")["published"]
    kept = merged[merged["decision"].isin(["keep", UNREVIEWED])].copy()
    placed = [place(r.date_iso, r.date_precision, r.year_from, published[r.doc_id]) for r in kept.itertuples()]
    kept = pd.concat([kept.reset_index(drop=True), pd.DataFrame(placed)], axis=1)
    kept["document"] = kept["document_claim"].map(lambda c: by_id.at[c, "text"] if c else "")
    kept["reviewed_changed"] = (kept["event_type"] != kept["auto_type"]) | (kept["role"] != kept["auto_role"])
    kept["reviewed"] = kept["decision"] == "keep"
    columns = ["gso_code", "province", "event_key", "event_type", "role", "label", "document", "date", "dated_by",
               "x_start", "x_end", "claim_id", "doc_id", "text", "auto_type", "auto_role", "reviewed_changed", "note",
               "sentence", "reviewed"]
    return kept[columns].sort_values(["province", "x_start", "claim_id"], na_position="last", ignore_index=True)


def review_summary(claims: pd.DataFrame, meta: pd.DataFrame, review: pd.DataFrame) -> pd.DataFrame:
    """Date claims per province (GSO code, blank for a place that is not one of the 63, and name):
    extracted, kept, dropped, type or role changed by the review."""
    auto = extract_events(claims, meta)
    review = check_timeline_review(review).drop(columns=["auto_type", "auto_role"])
    m = auto.merge(review, on="claim_id", how="left")
    m["decision"] = m["decision"].fillna(UNREVIEWED)
    m["changed"] = (m["decision"] == "keep") & ((m["event_type"] != m["auto_type"]) | (m["role"] != m["auto_role"]))
    return m.groupby(["gso_code", "province"]).agg(date_claims=("claim_id", "size"),
                                     kept=("decision", lambda s: int((s == "keep").sum())),
                                     dropped=("decision", lambda s: int((s == "drop").sum())),
                                     unreviewed=("decision", lambda s: int((s == UNREVIEWED).sum())),
                                     type_or_role_changed=("changed", "sum")).reset_index()


# ---------------------------------------------------------------------------------------
# DTI ranks and the merger

def dti_ranks(code: str, panel: pd.DataFrame) -> pd.DataFrame:
    """Every overall DTI rank the panel holds for one unit (all source kinds, one row each)."""
    rows = panel[(panel["gso_code"] == code) & (panel["measure"] == "dti") & panel["rank"].notna()]
    out = rows[["year", "province", "rank", "n_units", "score", "source_kind", "rank_method", "source", "note"]]
    order = {k: i for i, k in enumerate(["official", "news", "corpus", "derived"])}
    return out.sort_values(["year", "source_kind"], key=lambda s: s.map(order) if s.name == "source_kind" else s,
                            ignore_index=True)


def merger_summary(code: str, panel: pd.DataFrame, units: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """The unit's 2025 unit and partners, each partner's rank of 63 and the new unit's rank of 34 in
    the round of ``units`` (``panel.unit_scores``: ranks computed from the complete scores; the
    published rank where a page states one), which must be a complete round of both sets.

    One row per constituent of the new unit (the case itself first), joined on ``unit_code``."""
    cross = crosswalk
    year = int(units["year"].iloc[0])
    mine = cross[cross["gso_code"] == code].iloc[0]
    where = units.attrs.get("source", "34-unit table")
    unit = units[(units["unit_code"] == mine["unit_code"]) & (units["new_unit"] == mine["new_unit"])]
    if len(unit) != 1:
        raise CaseError(f"{where}: no single row for new unit {mine['new_unit']} ({mine['unit_code']})")
    unit = unit.iloc[0]
    same_unit = (cross["unit_code"] == mine["unit_code"]) & (cross["new_unit"] == mine["new_unit"])
    members = cross[same_unit]
    members = pd.concat([members[members["gso_code"] == code], members[members["gso_code"] != code]])
    backbone = panel[(panel["year"] == year) & (panel["measure"] == "dti")
                     & (panel["rank_method"] == "computed_from_scores")]
    backbone = backbone.set_index("gso_code")
    rows = []
    for m in members.itertuples():
        rows.append({
            "case_code": code, "case": provinces.name_of(code), "constituent": m.province,
            "role": "case" if m.gso_code == code else "partner",
            "year": year,
            "dti_rank_of_63": backbone.at[m.gso_code, "rank"] if m.gso_code in backbone.index else pd.NA,
            "dti_score": backbone.at[m.gso_code, "score"] if m.gso_code in backbone.index else float("nan"),
            "new_unit": m.new_unit, "unit_code": m.unit_code,
            "unchanged": bool(m.unchanged),
            "new_unit_rank_of_34": int(unit["rank"]), "new_unit_score": unit["score"],
            "new_unit_published_rank": unit["published_rank"],
            "source_63": f"data/processed/dti_panel.csv (official, computed_from_scores, {year})",
            "source_34": f"{where} ({unit['source']})",
            "published_source_34": unit["published_source"],
        })
    out = pd.DataFrame(rows)
    out["dti_rank_of_63"] = out["dti_rank_of_63"].astype("Int64")
    out["new_unit_published_rank"] = out["new_unit_published_rank"].astype("Int64")
    return out


# ---------------------------------------------------------------------------------------
# builders of the derived tables (``helpers.tables``)

def build_population() -> pd.DataFrame:
    """Builder of ``population``: area and average population of the units by year, with the CSV line."""
    table = sources.load_area_population()
    return table.assign(file=table.attrs["source"])


def build_timeline(claims: pd.DataFrame) -> pd.DataFrame:
    """Builder of ``timeline``: the reviewed policy timeline (``timeline``), kept events placed on the time axis."""
    return timeline(claims, sources.load_corpus_metadata(), sources.load_timeline_review())


def build_timeline_review(claims: pd.DataFrame) -> pd.DataFrame:
    """Builder of ``timeline_review``: date claims per province, extracted, kept, dropped, changed."""
    return review_summary(claims, sources.load_corpus_metadata(), sources.load_timeline_review())
