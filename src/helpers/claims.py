"""Numeric claims of the corpus, the indicator codebook built on them, and their audit.

* ``build_claims()``: one row per numeric expression of every article, with offsets into
  the RAW file (``raw[start:end] == text``) and a stable ``claim_id`` (``000-001234`` =
  document prefix and raw start offset). ``value``, ``denominator``, ``low`` and ``high``
  (the ends of a range, whose ``value`` is blank) are canonical decimal text; ``ambiguity``
  gives the reading not taken when a number reads two ways (``vnnum``), else blank.
* ``codebook_with_claims(book, claims)``: the hand-curated ``data/codebook/indicators.csv``
  joined with the claims it cites; it stops if a codebook value differs from the value
  parsed at its span.
* ``build_claims_review_queue(claims, panel_disagreements)``: the claims that measure something
  and that no codebook row or audit check cites yet (a new article's figures wait there for
  review), the ranks that disagree with the official table first, and the date claims no row of
  the reviewed timeline covers.
* ``build_consistency_audit(claims, claims_review_queue)``: shares recomputed from the counts
  an article gives (or bounded by a ratio), sums of parts, rates against official population
  (over an interval of years when the base is uncertain), "all" against another article's
  "some", the same indicator across articles, and the checks found on arrival, before any
  curation (``arrival_checks``: a percent and the counts of its clause, a total and its parts).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from . import cases, corpus, provinces, sources, vnnum
from .exceptions import StudyError

CLAIM_COLUMNS = [
    "claim_id", "doc_id", "start", "end", "text", "kind", "value", "denominator", "low", "high", "unit",
    "qualifier", "date_iso", "date_precision", "note", "ambiguity", "sentence",
]
PILLARS = ("digital_government", "digital_economy", "digital_society", "dti")
DTI_RANKS = ("dti_rank", "dti_gov_rank", "dti_econ_rank", "dti_soc_rank")
AS_OF_BASES = ("text", "publication", "unknown")
AUDIT_COLUMNS = [
    "check_id", "check", "doc_id", "start", "end", "claim_id", "stated", "qualifier",
    "recomputed", "recomputed_low", "recomputed_high", "status", "explanation", "evidence",
]
#: The check types of ``data/codebook/audit_checks.csv`` (see ``data/codebook/README.md``).
CHECKS = ("share", "share_at_most", "sum", "sum_at_most", "rate_vs_population", "base_vs_population",
          "all_vs_some")
STATUSES = ("consistent", "inconsistent", "unverifiable")


class CodebookError(StudyError, ValueError):
    """The codebook or the audit checks do not match the claims they cite."""


def claim_id(doc_id: str, raw_start: int) -> str:
    return f"{doc_id[:3]}-{raw_start:06d}"


def extract(doc: corpus.Document) -> pd.DataFrame:
    """Claims of one document (see ``CLAIM_COLUMNS``)."""
    prep = corpus.prepare(doc.raw, doc.doc_id)
    sentences = prep.sentences()
    rows = []
    for expr in vnnum.find_expressions(prep.text):
        start, end = prep.raw_span(expr.start, expr.end)
        sentence = next((prep.text[a:b] for a, b in sentences if a <= expr.start < b), "")
        rows.append(
            {
                "claim_id": claim_id(doc.doc_id, start),
                "doc_id": doc.doc_id,
                "start": start,
                "end": end,
                "text": doc.raw[start:end],
                "kind": expr.kind,
                "value": vnnum.canonical(expr.value),
                "denominator": vnnum.canonical(expr.denominator),
                "low": vnnum.canonical(expr.low),
                "high": vnnum.canonical(expr.high),
                "unit": expr.unit,
                "qualifier": expr.qualifier,
                "date_iso": expr.date_iso,
                "date_precision": expr.date_precision,
                "note": expr.note,
                "ambiguity": expr.ambiguity,
                "sentence": sentence,
            }
        )
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def build_claims() -> pd.DataFrame:
    """Builder of the ``claims`` table: every numeric expression of the corpus."""
    return extract_all(sources.load_corpus_documents())


def build_codebook(claims: pd.DataFrame) -> pd.DataFrame:
    """Builder of ``codebook``: the curated indicators (``codebook/indicators.csv``) joined with the
    claims they cite, each value checked against the parser's reading of its span."""
    return codebook_with_claims(sources.load_codebook(), claims)


def build_corpus_documents() -> pd.DataFrame:
    """Builder of ``corpus_documents``: one row per article (outlet, date and its precision, province,
    GSO code, characters, words, sentences)."""
    meta = sources.load_corpus_metadata()
    table = corpus.describe(sources.load_corpus_documents(), meta)
    return table.merge(meta[["doc_id", "url", "title_vi"]], on="doc_id", how="left", validate="one_to_one")


def build_recall_check(claims: pd.DataFrame) -> pd.DataFrame:
    """Builder of ``recall_check``: ``recall_check`` of every article with a hand-checked list
    (``corpus.RECALL_DOCUMENTS``), with its ``doc_id``."""
    documents = {d.doc_id[:3]: d for d in sources.load_corpus_documents()}
    parts = []
    for prefix in corpus.RECALL_DOCUMENTS:
        doc_id, listed = sources.load_recall_check(prefix)
        parts.append(recall_check(documents[prefix], listed).assign(doc_id=doc_id))
    return pd.concat(parts, ignore_index=True)


def extract_all(documents: list[corpus.Document]) -> pd.DataFrame:
    """Claims of every document, with unique claim ids."""
    table = pd.concat([extract(d) for d in documents], ignore_index=True)
    if table["claim_id"].duplicated().any():
        raise CodebookError(f"duplicate claim ids: {table.loc[table['claim_id'].duplicated(), 'claim_id'].tolist()}")
    return table


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


# ---------------------------------------------------------------------------------------
# Codebook

def _check_codebook_row(row: pd.Series, line: str) -> None:
    if row["pillar"] not in PILLARS:
        raise CodebookError(f"{line}: pillar {row['pillar']!r} is not one of {PILLARS}")
    if (row["pillar"] == "dti") != (row["indicator"] in DTI_RANKS):
        raise CodebookError(f"{line}: pillar 'dti' is for {DTI_RANKS} only (got {row['indicator']!r})")
    if row["as_of_basis"] not in AS_OF_BASES:
        raise CodebookError(f"{line}: as_of_basis {row['as_of_basis']!r} is not one of {AS_OF_BASES}")
    if row["as_of"] and not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", row["as_of"]):
        raise CodebookError(f"{line}: as_of {row['as_of']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if not row["unit"]:
        raise CodebookError(f"{line}: unit is blank; state it (e.g. 'services', 'percent', 'VND')")


def codebook_with_claims(book: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """The codebook (``sources.load_codebook()``) joined with the claims it cites.

    Raises ``CodebookError`` naming the file, row and indicator when a row breaks the
    codebook's rules, when its claim does not exist, or when a codebook value or
    denominator differs from what the parser reads at the cited span.
    """
    where = book.attrs.get("source", "codebook")
    if book["indicator_id"].duplicated().any():
        duplicated = book.loc[book["indicator_id"].duplicated(), "indicator_id"].tolist()
        raise CodebookError(f"{where}: duplicate indicator_id {duplicated}; keep one row per indicator")
    by_id = claims.set_index("claim_id")
    for i, row in book.iterrows():
        line = f"{where} row {i + 1} (line {i + 2}, {row['indicator_id']})"
        _check_codebook_row(row, line)
        cid = row["claim_id"]
        if cid not in by_id.index:
            raise CodebookError(f"{line}: claim {cid!r} is not in the claims table; correct the row, or "
                                "restore the article if it changed")
        parsed = by_id.loc[cid]
        for col in ("value", "denominator"):
            if _decimal(row[col]) != _decimal(parsed[col]):
                raise CodebookError(
                    f"{line}: {col} {row[col]!r} differs from {parsed[col]!r} parsed at claim {cid} "
                    f"({parsed['text']!r} in {parsed['doc_id']}); correct the codebook or the parser"
                )
    return book.merge(
        claims[["claim_id", "doc_id", "start", "end", "text", "kind", "qualifier", "sentence"]],
        on="claim_id", how="left", validate="many_to_one",
    )


# ---------------------------------------------------------------------------------------
# Consistency audit

def _half_unit(text: str) -> Decimal:
    """Half a unit of the last digit a number is written to ("84,59" → 0.005)."""
    decimals = len(text.split(",")[1]) if "," in text else 0
    return Decimal(5) / Decimal(10) ** (decimals + 1)


def judge(stated: Decimal, stated_text: str, qualifier: str, recomputed: Decimal) -> tuple[str, str]:
    """``consistent``/``inconsistent`` and why, given the stated precision and qualifier.

    exact: within half a unit of the last stated digit; more_than: above the stated value;
    less_than: below it; approx: within 2% of the stated value (and at most 1 unit of the
    last digit beyond rounding); at_least / at_most: on the stated side or equal.
    """
    tol = _half_unit(stated_text)
    diff = recomputed - stated
    if qualifier == "more_than":
        ok, rule = recomputed > stated - tol, "above the stated value"
    elif qualifier == "less_than":
        ok, rule = recomputed < stated + tol, "below the stated value"
    elif qualifier == "at_least":
        ok, rule = recomputed >= stated - tol, "at or above the stated value"
    elif qualifier == "at_most":
        ok, rule = recomputed <= stated + tol, "at or below the stated value"
    elif qualifier == "approx":
        allowed = max(abs(stated) * Decimal("0.02"), 2 * tol)
        ok, rule = abs(diff) <= allowed, f"within ±{vnnum.canonical(allowed)} of the stated value (approximate)"
    else:
        ok, rule = abs(diff) <= tol, f"within ±{vnnum.canonical(tol)} (rounding of the stated digits)"
    return ("consistent" if ok else "inconsistent"), rule


def judge_interval(stated: Decimal, stated_text: str, qualifier: str, low: Decimal,
                   high: Decimal) -> tuple[str, str]:
    """``judge`` against an interval: consistent if some value in [low, high] passes ``judge``.

    The values ``judge`` accepts form one interval around (or on one side of) the stated value,
    so it meets [low, high] if an end passes or if the stated value lies inside.
    """
    status_low, rule = judge(stated, stated_text, qualifier, low)
    status_high, _ = judge(stated, stated_text, qualifier, high)
    ok = "consistent" in (status_low, status_high) or low <= stated <= high
    return ("consistent" if ok else "inconsistent"), f"{rule}, for some value of the recomputed interval"


def _population(table: pd.DataFrame, code: str, year: int) -> tuple[Decimal, str]:
    """Average population of unit ``code`` in ``year`` (``sources.load_area_population()``)."""
    row = table[(table["gso_code"] == code) & (table["year"] == year)]
    where = table.attrs.get("source", "area and population table")
    province = provinces.name_of(code)
    if len(row) != 1:
        raise CodebookError(f"{where}: no single row for {province} {year}")
    thousands = Decimal(str(row["avg_population_thousand"].iloc[0]))
    return thousands * 1000, f"{where}: {province} {year} average population {thousands} thousand"


def _population_years(spec: str, where: str) -> tuple[str, list[int]]:
    """``Province|2024`` or ``Province|2023-2024`` (every year of the span) → (GSO code, years)."""
    m = re.fullmatch(r"(.+)\|(\d{4})(?:-(\d{4}))?", spec)
    if not m or (m.group(3) and int(m.group(3)) <= int(m.group(2))):
        raise CodebookError(f"{where}: population {spec!r} is not 'Province|YYYY' or 'Province|YYYY-YYYY' "
                            "(first year before the last)")
    try:
        code = provinces.resolve(m.group(1))
    except provinces.UnknownProvinceError as exc:
        raise CodebookError(f"{where}: population {spec!r}: {exc}") from None
    first, last = int(m.group(2)), int(m.group(3) or m.group(2))
    return code, list(range(first, last + 1))


def _rounded(x: Decimal, places: int = 2) -> str:
    """``x`` rounded to ``places`` decimals, written canonically."""
    return vnnum.canonical(round(x, places))


def _span(pops: list[tuple[Decimal, str]]) -> str:
    """The official population(s) as written in an explanation: one value, or lowest to highest."""
    values = sorted(pop for pop, _ in pops)
    return _rounded(values[0], 0) if len(values) == 1 else f"{_rounded(values[0], 0)} to {_rounded(values[-1], 0)}"


@dataclass
class Recomputed:
    """What a listed check recomputes: a value or an interval, and how to read a failure."""

    value: Decimal | None
    stated_text: str
    extra: str = ""
    implied: str = ""
    low: Decimal | None = None
    high: Decimal | None = None


def _share(chk: pd.Series, stated: pd.Series, parts: list[pd.Series], get) -> Recomputed:
    """numerator / denominator × 100, where a ratio claim a/b gives both."""
    num = Decimal(parts[0]["value"])
    extra = ""
    if chk["denominator_claim"]:
        den_claim = get(chk["denominator_claim"])
        den, extra = Decimal(den_claim["value"]), f"; {den_claim.name} {den_claim['text']!r}"
    else:
        den = Decimal(parts[0]["denominator"])
    implied = (f"the stated share implies a base of {_rounded(num * 100 / Decimal(stated['value']), 0)} where the "
               f"article gives {_rounded(den, 0)}")
    if chk["check"] == "share_at_most":
        implied = ("the stated share counts a part of what the ratio counts, so it cannot exceed the ratio's "
                   f"{_rounded(num / den * 100)}%")
    return Recomputed(num / den * 100, stated["text"].rstrip("%").strip(), extra, implied)


def _rate(chk: pd.Series, stated: pd.Series, parts: list[pd.Series], population: pd.DataFrame,
          where: str) -> Recomputed:
    """A count per ``denominator`` inhabitants over the average population of each listed year."""
    num, per, stated_value = Decimal(parts[0]["value"]), Decimal(stated["denominator"]), Decimal(stated["value"])
    code, years = _population_years(chk["population"], f"{where} check {chk['check_id']}")
    pops = [_population(population, code, y) for y in years]
    rates = [num / pop * per for pop, _ in pops]
    extra = "".join(f"; {source}" for _, source in pops)
    implied = (f"the stated rate implies a population of {_rounded(num * per / stated_value, 0)} where the "
               f"statistics office gives {_span(pops)}")
    if len(years) == 1:
        return Recomputed(rates[0], stated["text"].split()[0], extra, implied)
    return Recomputed(None, stated["text"].split()[0], extra, implied, low=min(rates), high=max(rates))


def _base(chk: pd.Series, stated: pd.Series, population: pd.DataFrame, where: str) -> Recomputed:
    """The population base of a ratio a/b ("891.688/958.805 số dân") against the official averages."""
    code, years = _population_years(chk["population"], f"{where} check {chk['check_id']}")
    pops = [_population(population, code, y) for y in years]
    base = Decimal(stated["denominator"])
    implied = (f"the article's base of {_rounded(base, 0)} people lies outside the statistics office's "
               f"{_span(pops)}")
    extra = "".join(f"; {source}" for _, source in pops)
    values = [pop for pop, _ in pops]
    if len(values) == 1:
        return Recomputed(values[0], stated["text"].split("/")[1], extra, implied)
    return Recomputed(None, stated["text"].split("/")[1], extra, implied, low=min(values), high=max(values))


def _recompute(chk: pd.Series, stated: pd.Series, parts: list[pd.Series], get, population: pd.DataFrame,
               where: str) -> Recomputed:
    if chk["check"] in ("share", "share_at_most"):
        return _share(chk, stated, parts, get)
    if chk["check"] in ("sum", "sum_at_most"):
        total = sum(Decimal(p["value"]) for p in parts)
        return Recomputed(total, stated["text"], implied="the parts do not add up to the stated total")
    if chk["check"] == "rate_vs_population":
        return _rate(chk, stated, parts, population, where)
    if chk["check"] == "base_vs_population":
        return _base(chk, stated, population, where)
    raise CodebookError(f"{where} check {chk['check_id']}: unknown check {chk['check']!r}; use one of {CHECKS}")


def _stated_value(chk: pd.Series, stated: pd.Series) -> str:
    """The number a check judges: the claim's value, or its denominator for ``base_vs_population``."""
    return stated["denominator"] if chk["check"] == "base_vs_population" else stated["value"]


def _judged(chk: pd.Series, stated: pd.Series, result: Recomputed) -> tuple[str, str, str]:
    """(status, rule, recomputed as written) of a numeric check."""
    value, text, qualifier = Decimal(_stated_value(chk, stated)), result.stated_text, stated["qualifier"]
    if chk["check"] == "share_at_most":
        status, _ = judge_interval(value, text, qualifier, Decimal(0), result.value)
        _, allowed = judge(value, text, qualifier, result.value)
        rule = f"at most the ratio's share, for some value the stated share allows ({allowed})"
        return status, rule, _rounded(result.value)
    if chk["check"] == "sum_at_most":
        status, allowed = judge(value, text, qualifier, result.value)
        if result.value < value:
            status = "consistent"
        rule = f"the parts may be some of the total: their sum at most the total, or {allowed}"
        return status, rule, _rounded(result.value)
    if result.value is None:
        status, rule = judge_interval(value, text, qualifier, result.low, result.high)
        return status, rule, f"{_rounded(result.low)} to {_rounded(result.high)}"
    status, rule = judge(value, text, qualifier, result.value)
    return status, rule, _rounded(result.value)


def _numeric_check_row(chk: pd.Series, stated: pd.Series, parts: list[pd.Series], get,
                       population: pd.DataFrame, where: str) -> dict:
    result = _recompute(chk, stated, parts, get, population, where)
    status, rule, shown = _judged(chk, stated, result)
    explanation = (f"{chk['note']} Recomputed {shown} vs stated {stated['text']!r} "
                   f"({stated['qualifier']}); rule: {rule}.")
    if status == "inconsistent":
        explanation += f" Inconsistent: {result.implied}."
        if chk.get("if_inconsistent", ""):
            explanation += f" {chk['if_inconsistent']}"
    return {
        "recomputed": "" if result.value is None else _rounded(result.value, 4),
        "recomputed_low": "" if result.low is None else _rounded(result.low, 4),
        "recomputed_high": "" if result.high is None else _rounded(result.high, 4),
        "status": status, "explanation": explanation,
        "evidence": ("; ".join(f"{p.name} {p['text']!r}" for p in parts or [stated]) + result.extra),
    }


#: Words that say "some, not all" of a group (``all_vs_some`` checks).
SOME_WORDS = ("một số", "một vài", "một phần", "một bộ phận", "phần lớn", "đa số")


def _all_vs_some_row(chk: pd.Series, stated: pd.Series, parts: list[pd.Series], where: str) -> dict:
    """A share that says "all" (100%) against words of another statement that say "some"."""
    quoted = unicodedata.normalize("NFC", chk.get("quoted", "")).strip()
    anchor = parts[0] if len(parts) == 1 else None
    if anchor is None or not quoted.lower().startswith(SOME_WORDS) or quoted not in anchor["sentence"]:
        raise CodebookError(f"{where} check {chk['check_id']}: all_vs_some needs one numerator claim whose "
                            f"sentence contains the quoted words, starting with one of {list(SOME_WORDS)} "
                            f"(got {quoted!r})")
    says_all = Decimal(stated["value"]) == 100 and stated["qualifier"] in ("exact", "at_least")
    status = "inconsistent" if says_all else "consistent"
    explanation = (f"{chk['note']} {stated['doc_id'][:3]} states {stated['text']!r} ({stated['qualifier']}); "
                   f"{anchor['doc_id'][:3]} says {quoted!r} (some, not all) in the sentence of claim {anchor.name}; "
                   "rule: a share of 100% says every one, which 'some' denies.")
    if status == "inconsistent":
        explanation += " Inconsistent: the two statements cannot both hold for the same group at the same date."
        if chk.get("if_inconsistent", ""):
            explanation += f" {chk['if_inconsistent']}"
    return {"recomputed": "", "recomputed_low": "", "recomputed_high": "", "status": status,
            "explanation": explanation, "evidence": f"{anchor.name} sentence: {anchor['sentence']!r}"}


def _listed_check_rows(claims: pd.DataFrame, checks: pd.DataFrame, population: pd.DataFrame) -> list[dict]:
    """One audit row per check of ``codebook/audit_checks.csv``."""
    by_id = claims.set_index("claim_id")
    where = checks.attrs.get("source", "audit checks")
    rows = []
    for _, chk in checks.iterrows():
        def get(cid: str, check_id: str = chk["check_id"]) -> pd.Series:
            if cid not in by_id.index:
                raise CodebookError(f"{where} check {check_id}: claim {cid!r} is not in the claims table; "
                                    "correct the check, or restore the article if it changed")
            return by_id.loc[cid]

        stated = get(chk["stated_claim"])
        parts = [get(c) for c in chk["numerator_claims"].split(";") if c]
        if chk["check"] == "all_vs_some":
            judged = _all_vs_some_row(chk, stated, parts, where)
        else:
            judged = _numeric_check_row(chk, stated, parts, get, population, where)
        rows.append({
            "check_id": chk["check_id"], "check": chk["check"], "doc_id": stated["doc_id"],
            "start": int(stated["start"]), "end": int(stated["end"]), "claim_id": stated.name,
            "stated": _stated_value(chk, stated), "qualifier": stated["qualifier"], **judged,
        })
    return rows


def _cited_by_check(chk: pd.Series) -> list[str]:
    """The claims one check cites: stated, numerators, denominator."""
    cited = [chk["stated_claim"], *(c for c in chk["numerator_claims"].split(";") if c)]
    return cited + ([chk["denominator_claim"]] if chk["denominator_claim"] else [])


def _covered_claims(checks: pd.DataFrame) -> set[str]:
    return {cid for _, chk in checks.iterrows() for cid in _cited_by_check(chk)}


def _cross_document_rows(book: pd.DataFrame) -> list[dict]:
    """Same indicator, same province, two articles: one row per later article."""
    rows = []
    for (_, indicator), group in book.groupby(["gso_code", "indicator"], sort=True):
        province = group["province"].iloc[0]
        group = group.sort_values("claim_id")
        if group["doc_id"].nunique() < 2:
            continue
        first = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            if other["doc_id"] == first["doc_id"]:
                continue
            same = (_decimal(first["value"]) == _decimal(other["value"])
                    and _decimal(first["denominator"]) == _decimal(other["denominator"]))
            dates = (f"as of {first['as_of'] or 'unknown'} ({first['as_of_basis']}) and "
                     f"{other['as_of'] or 'unknown'} ({other['as_of_basis']})")
            explanation = (
                f"{province} {indicator}: {first['doc_id'][:3]} states {first['text']!r}, "
                f"{other['doc_id'][:3]} states {other['text']!r}, {dates}; "
                + ("the two articles agree." if same else "the two articles differ; the dates may explain it.")
            )
            rows.append({
                "check_id": f"cross-{indicator}-{first['doc_id'][:3]}-{other['doc_id'][:3]}",
                "check": "cross_document", "doc_id": other["doc_id"], "start": int(other["start"]),
                "end": int(other["end"]), "claim_id": other["claim_id"], "stated": other["value"],
                "qualifier": other["qualifier"], "recomputed": first["value"], "recomputed_low": "",
                "recomputed_high": "", "status": "consistent" if same else "inconsistent", "explanation": explanation,
                "evidence": f"{first['claim_id']} {first['text']!r}; {other['claim_id']} {other['text']!r}",
            })
    return rows


def _unverifiable_rows(claims: pd.DataFrame, covered: set[str], queued: frozenset[str] = frozenset(),
                       reasons: dict[str, str] | None = None) -> list[dict]:
    """Every other percent or ratio: nothing in the article to recompute it from (or, in ``reasons``, why
    the counts its sentence gives cannot be used)."""
    rows = []
    for c in claims.itertuples(index=False):
        if c.kind not in ("percent", "ratio") or c.claim_id in covered:
            continue
        explanation = (reasons or {}).get(c.claim_id,
                                          f"The article gives no counts from which this {c.kind} could be recomputed.")
        if c.claim_id in queued:
            explanation += " No codebook row cites it yet: it is in the review queue (claims_review_queue)."
        rows.append({
            "check_id": f"none-{c.claim_id}", "check": "none", "doc_id": c.doc_id, "start": int(c.start),
            "end": int(c.end), "claim_id": c.claim_id, "stated": c.value, "qualifier": c.qualifier,
            "recomputed": "", "recomputed_low": "", "recomputed_high": "", "status": "unverifiable",
            "explanation": explanation, "evidence": "",
        })
    return rows


# ---------------------------------------------------------------------------------------
# Checked on arrival: shares and sums an article states within one clause, before any curation

#: Words between a count and its base that make the pair a share: "452 trên tổng số 520", "1.150 hồ sơ trong
#: số 1.380" (at most three words of the count's noun first).
SHARE_JOIN = re.compile(r"^\s*(?:[^\W\d_]+\s+){0,3}(?:trên|trong)(?:\s+tổng)?(?:\s+số)?\s*$")
#: Words before a base that the count after it is part of: "Trong tổng số 1.380 hồ sơ có 1.150 hồ sơ ...".
BASE_FIRST = re.compile(r"(?:trên|trong)\s+tổng\s+số\s*$")
#: Words after a total that list its parts: every part ("gồm", "bao gồm": the sum is the total) or some of
#: them ("trong đó": the sum is at most the total).
PARTS_CUE = re.compile(r"(?<!\w)(bao gồm|gồm|trong đó)(?!\w)")
#: At most this many words (no parenthesis) between a total and the cue that lists its parts.
PARTS_GAP = re.compile(r"^[^\W\d_]*(?:[\s,]+[^\W\d_]+){0,6}[\s,]*$")
ARRIVAL_NOTE = ("Checked on arrival, before any curation: no audit check lists these claims; the audit found "
                "them together in one clause of the sentence.")
ARRIVAL_IF_INCONSISTENT = ("Found before any curation: read the article; list the check in "
                           "data/codebook/audit_checks.csv to keep it, or correct the parser if the pairing is wrong.")


@dataclass(eq=False)
class _Placed:
    """A claim of a sentence with its span in the (normalised) sentence and its clause (between ';')."""

    claim: pd.Series
    start: int
    end: int
    clause: int


def _placed(group: pd.DataFrame) -> list[_Placed]:
    """The claims of one sentence in order, each located in the sentence (a claim not found is left out)."""
    sentence, at, out = group["sentence"].iloc[0], 0, []
    for _, c in group.sort_values("start").iterrows():
        text = corpus.normalise(c["text"])
        pos = sentence.find(text, at)
        if pos < 0:
            continue
        out.append(_Placed(c, pos, pos + len(text), sentence.count(";", 0, pos)))
        at = pos + len(text)
    return out


@dataclass(eq=False)
class _Base:
    """What a stated share can be recomputed from: a ratio claim a/b, or a count and the count of its base."""

    numerator: pd.Series
    denominator: pd.Series | None
    unit: str
    end: int

    @property
    def claims(self) -> list[str]:
        return [self.numerator.name] + ([self.denominator.name] if self.denominator is not None else [])

    @property
    def share(self) -> Decimal:
        den = self.numerator["denominator"] if self.denominator is None else self.denominator["value"]
        return Decimal(self.numerator["value"]) / Decimal(den) * 100

    @property
    def text(self) -> str:
        return " and ".join(repr(c["text"]) for c in (self.numerator, self.denominator) if c is not None)


def _valued(c: pd.Series, kind: str) -> bool:
    return c["kind"] == kind and c["value"] != ""


def _bases(sentence: str, clause: list[_Placed]) -> list[_Base]:
    """The share bases of one clause: ratios a/b of things (not rates, not multipliers) and count pairs."""
    out = []
    for i, p in enumerate(clause):
        c = p.claim
        if _valued(c, "ratio") and c["denominator"] and " per " not in c["unit"] and c["unit"] != "times" \
                and 0 <= Decimal(c["value"]) <= Decimal(c["denominator"]) != 0:
            out.append(_Base(c, None, c["unit"], p.end))
        nxt = clause[i + 1] if i + 1 < len(clause) else None
        if nxt is None or not (_valued(c, "count") and _valued(nxt.claim, "count")):
            continue
        between = sentence[p.end:nxt.start].lower()
        a, b = (c, nxt.claim) if SHARE_JOIN.match(between) else (nxt.claim, c)
        joined = SHARE_JOIN.match(between) or BASE_FIRST.search(sentence[:p.start].lower())
        if joined and a["unit"] in ("", b["unit"]) and 0 <= Decimal(a["value"]) <= Decimal(b["value"]) != 0:
            out.append(_Base(a, b, b["unit"], nxt.end))
    return out


def _fits(sentence: str, percent: _Placed, base: _Base) -> bool:
    """A percent can restate a base unless the noun right after it names other things ("70% hộ gia đình")."""
    noun = vnnum.unit_after(sentence, percent.end)
    return noun in ("", base.unit) or noun.startswith("tổng")


def _pairs(sentence: str, clause: list[_Placed], covered: set[str]) -> list[tuple[_Placed, _Base]]:
    """Percents of one clause paired with its bases: first every pair that agrees, then a last percent and a
    last base left alone together (which then disagree)."""
    percents = [p for p in clause if _valued(p.claim, "percent") and p.claim.name not in covered]
    bases = [b for b in _bases(sentence, clause) if not set(b.claims) & covered]
    pairs = []
    for p in list(percents):
        claim = p.claim
        for b in bases:
            agree = judge(Decimal(claim["value"]), claim["text"].rstrip("%").strip(), claim["qualifier"], b.share)
            if _fits(sentence, p, b) and agree[0] == "consistent":
                pairs.append((p, b))
                percents.remove(p)
                bases.remove(b)
                break
    if len(percents) == 1 and len(bases) == 1 and _fits(sentence, percents[0], bases[0]):
        pairs.append((percents[0], bases[0]))
    return pairs


def _share_check(p: _Placed, b: _Base) -> dict:
    return {"check_id": f"auto-share-{p.claim.name}", "check": "share", "stated_claim": p.claim.name,
            "numerator_claims": b.numerator.name,
            "denominator_claim": b.denominator.name if b.denominator is not None else "", "population": "",
            "note": f"{ARRIVAL_NOTE} The clause states {b.text} and {p.claim['text']!r}.",
            "if_inconsistent": ARRIVAL_IF_INCONSISTENT, "quoted": ""}


def _sum_checks(sentence: str, clause: list[_Placed], covered: set[str]) -> list[dict]:
    """A count followed closely by "gồm", "bao gồm" or "trong đó" and at least two counts of the same
    unit (labels such as "4G" between them are skipped): the total against its parts."""
    out = []
    for m in PARTS_CUE.finditer(sentence):
        before = [p for p in clause if p.end <= m.start()]
        after = [p for p in clause if p.start >= m.end()]
        if not before or not after or not PARTS_GAP.match(sentence[before[-1].end:m.start()]):
            continue
        total = before[-1].claim
        if not _valued(total, "count") or not total["unit"]:
            continue
        parts = []
        for p in after:
            if _valued(p.claim, "count") and p.claim["unit"] == total["unit"]:
                parts.append(p.claim)
            elif p.claim["kind"] != "other":
                break
        if len(parts) < 2 or {total.name, *(c.name for c in parts)} & covered:
            continue
        check = "sum_at_most" if m.group(1) == "trong đó" else "sum"
        out.append({"check_id": f"auto-sum-{total.name}", "check": check, "stated_claim": total.name,
                    "numerator_claims": ";".join(c.name for c in parts), "denominator_claim": "", "population": "",
                    "note": f"{ARRIVAL_NOTE} The total {total['text']!r} is followed by {m.group(1)!r} and the "
                            f"parts {', '.join(repr(c['text']) for c in parts)}.",
                    "if_inconsistent": ARRIVAL_IF_INCONSISTENT, "quoted": ""})
    return out


def arrival_checks(claims: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """Checks the audit finds by itself, in the layout of ``audit_checks.csv`` (``check_id`` ``auto-...``).

    Within one clause of a sentence (split at ';') and among claims no listed check cites: a percent and a
    base it may restate (a ratio a/b, or a count joined to its base by "trên/trong (tổng) số"), and a
    total with the parts listed after "gồm"/"bao gồm" (every part) or "trong đó" (some of them). Pairs
    that agree are matched first; a percent and a base left alone in the clause are then paired, and their
    check is judged like any other (so a share five points off its counts is ``inconsistent``).
    """
    covered = _covered_claims(checks)
    rows = []
    indexed = claims.set_index("claim_id", drop=False)
    for _, group in indexed.groupby(["doc_id", "sentence"], sort=False):
        placed = _placed(group)
        sentence = group["sentence"].iloc[0]
        for clause_no in sorted({p.clause for p in placed}):
            clause = [p for p in placed if p.clause == clause_no]
            rows += [_share_check(p, b) for p, b in _pairs(sentence, clause, covered)]
            rows += _sum_checks(sentence, clause, covered)
    columns = ["check_id", "check", "stated_claim", "numerator_claims", "denominator_claim", "population", "note",
               "if_inconsistent", "quoted"]
    return pd.DataFrame(rows, columns=columns).drop_duplicates("check_id", ignore_index=True)


def _checked_by(checks: pd.DataFrame) -> dict[str, str]:
    """The check that cites each claim (the first one, in the order of ``checks``)."""
    by: dict[str, str] = {}
    for _, chk in checks.iterrows():
        for cid in _cited_by_check(chk):
            by.setdefault(cid, chk["check_id"])
    return by


def _unverified_reasons(claims: pd.DataFrame, checks: pd.DataFrame) -> dict[str, str]:
    """Why a percent or ratio that no check covers cannot be recomputed, when its sentence does give counts:
    they are another figure's base (the check is named), another clause's, or of other things."""
    checked_by, reasons = _checked_by(checks), {}
    for _, group in claims.set_index("claim_id", drop=False).groupby(["doc_id", "sentence"], sort=False):
        placed = _placed(group)
        sentence = group["sentence"].iloc[0]
        bases = _bases(sentence, placed)
        shares = [p for p in placed if _valued(p.claim, "percent")]
        for p in placed:
            c = p.claim
            if c.name in checked_by or c["kind"] not in ("percent", "ratio"):
                continue
            if c["kind"] == "percent" and bases:
                given = "; ".join(
                    f"{b.text} ({_rounded(b.share)}%"
                    + (f", the base of {checked_by[b.numerator.name]})" if b.numerator.name in checked_by else ")")
                    for b in bases)
                reasons[c.name] = (f"The sentence gives counts: {given}; none of them can be paired with this "
                                   "percent alone (another figure's base, another clause's, or counts of other "
                                   "things).")
            elif c["kind"] == "ratio" and any(b.numerator.name == c.name for b in bases):
                reasons[c.name] = ("No percent of its clause restates this ratio" if not shares else
                                   "No percent of the sentence can be paired with this ratio alone") + \
                                  "; nothing else in the article recomputes it."
    return reasons


def build_consistency_audit(claims: pd.DataFrame, claims_review_queue: pd.DataFrame) -> pd.DataFrame:
    """Builder of the ``consistency_audit`` table, from the claims and review queue of the same build."""
    return consistency_audit(claims, sources.load_codebook(), sources.load_audit_checks(),
                             sources.load_area_population(), queued=frozenset(claims_review_queue["claim_id"]))


def consistency_audit(claims: pd.DataFrame, codebook: pd.DataFrame, checks: pd.DataFrame,
                      population: pd.DataFrame, queued: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The consistency audit of ``claims`` against the codebook and the listed checks.

    Rows: (1) each check listed in ``data/codebook/audit_checks.csv`` (a stated share
    against the counts given or as a bound, a total against its parts, a rate against official
    population, "all" against another article's "some"); (2) every pair of articles that state
    the same indicator for the same province in the codebook; (3) the checks the audit finds by itself
    before any curation (``arrival_checks``: a percent and its counts, a total and its parts, within one
    clause); (4) every other percent or ratio claim, as ``unverifiable`` (the article gives nothing to
    recompute it from, or says why the counts of its sentence cannot be used), saying so when the
    claim is in the review queue (``queued``).
    """
    both = pd.concat([checks, arrival_checks(claims, checks)], ignore_index=True)
    both.attrs = checks.attrs  # errors name the file of the listed checks (the checks found on arrival cite no other)
    rows = _listed_check_rows(claims, both, population)
    rows += _cross_document_rows(codebook_with_claims(codebook, claims))
    rows += _unverifiable_rows(claims, _covered_claims(both), queued, _unverified_reasons(claims, both))
    audit = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    return audit.sort_values(["doc_id", "start", "check_id"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Review queue

#: Kinds of claim that measure something and so belong in the codebook or an audit check.
REVIEWED_KINDS = ("count", "percent", "ratio", "money", "rank", "rank_change", "measure")
REVIEW_QUEUE_COLUMNS = ["claim_id", "doc_id", "start", "end", "text", "kind", "value", "denominator", "low",
                        "high", "unit", "qualifier", "sentence", "reason"]


#: How each reason of the queue begins (``data/codebook/README.md``), in the queue's order.
DISAGREES = "disagrees with the official table"
UNREVIEWED_DATE = "unreviewed date"


def _arrival_findings(claims: pd.DataFrame, checks: pd.DataFrame) -> dict[str, str]:
    """The claims that a check found on arrival (``arrival_checks``) judges inconsistent, and the check's id."""
    auto = arrival_checks(claims, checks)
    rows = _listed_check_rows(claims, auto, pd.DataFrame()) if len(auto) else []
    return {cid: row["check_id"] for row, (_, chk) in zip(rows, auto.iterrows(), strict=True)
            if row["status"] == "inconsistent" for cid in _cited_by_check(chk)}


def _disagreement_reasons(disagreements: pd.DataFrame | None) -> dict[str, str]:
    if disagreements is None or disagreements.empty:
        return {}
    rows = disagreements[disagreements["uncurated"].astype(bool)]
    return {r.claim_id: f"{DISAGREES}: the article states rank {r.other_value} for {r.province} in {r.year}, the "
                        f"official table {r.reference_value} (panel_disagreements; {r.note.split('; ', 1)[-1]})"
            for r in rows.itertuples()}


def review_queue(claims: pd.DataFrame, codebook: pd.DataFrame, checks: pd.DataFrame,
                 disagreements: pd.DataFrame | None = None,
                 timeline_review: pd.DataFrame | None = None) -> pd.DataFrame:
    """Claims that measure something and that no codebook row and no audit check cites, and date claims that
    no row of the reviewed timeline covers (``timeline_review``), each with a ``reason``.

    First the ranks that disagree with the official table (``disagreements``: ``panel_disagreements``'s
    uncurated rows), then the figures the audit finds inconsistent on arrival, then the rest; last the
    unreviewed dates. ``reason`` also says whether the article is new (nothing of it is cited yet: review
    all of it) or curated (some of its claims are cited; this one was left out or missed).
    """
    cited = set(codebook["claim_id"]) | _covered_claims(checks)
    curated = {c[:3] for c in cited}
    queue = claims[claims["kind"].isin(REVIEWED_KINDS) & ~claims["claim_id"].isin(cited)].copy()
    queue["reason"] = [
        "not cited: the article has codebook rows or audit checks, none of which cites this claim"
        if doc_id[:3] in curated else
        "new article: no codebook row or audit check cites any claim of this article yet"
        for doc_id in queue["doc_id"]
    ]
    found = _arrival_findings(claims, checks)
    disagree = _disagreement_reasons(disagreements)
    queue["_order"] = [0 if c in disagree else 1 if c in found else 2 for c in queue["claim_id"]]
    queue["reason"] = [disagree.get(c, reason) + (f"; the audit finds it inconsistent on arrival ({found[c]})"
                                                  if c in found else "")
                       for c, reason in zip(queue["claim_id"], queue["reason"], strict=True)]
    if timeline_review is not None:
        dates = cases.unreviewed_date_claims(claims, timeline_review).assign(_order=3, reason=(
            f"{UNREVIEWED_DATE}: no row of data/codebook/timeline_events.csv reviews this date claim; the "
            "timeline shows it as unreviewed (notebook 05)"))
        queue = pd.concat([queue, dates], ignore_index=True) if len(dates) else queue
    queue = queue.sort_values("_order", kind="stable")
    return queue[REVIEW_QUEUE_COLUMNS].reset_index(drop=True)


def build_claims_review_queue(claims: pd.DataFrame, panel_disagreements: pd.DataFrame) -> pd.DataFrame:
    """Builder of the ``claims_review_queue`` table, from the claims and the panel's disagreements of the same
    build (ranks an article states that differ from the official table go first)."""
    return review_queue(claims, sources.load_codebook(), sources.load_audit_checks(), panel_disagreements,
                        sources.load_timeline_review())


# ---------------------------------------------------------------------------------------
# Recall against a hand-checked list

def recall_check(doc: corpus.Document, listed: pd.DataFrame) -> pd.DataFrame:
    """Compare the claims of one document with its hand-checked list (``sources.load_recall_check``).

    The list holds every digit-bearing expression of the article with a context string that
    occurs once in the raw text. One row per listed expression, with ``found`` (a claim
    starts at the same raw offset) and ``kind_ok`` (same kind).
    """
    where = listed.attrs.get("source", "recall check")
    found = extract(doc).set_index("start")
    rows = []
    for i, row in listed.iterrows():
        n = doc.raw.count(row["context"])
        if n != 1 or row["text"] not in row["context"]:
            raise CodebookError(f"{where} row {i + 1} (line {i + 2}): context {row['context']!r} occurs {n} times "
                                "(must occur once and contain the expression)")
        start = doc.raw.index(row["context"]) + row["context"].index(row["text"])
        hit = found.loc[start] if start in found.index else None
        rows.append({"text": row["text"], "expected_kind": row["kind"], "start": start,
                     "found": hit is not None, "extracted_text": "" if hit is None else hit["text"],
                     "extracted_kind": "" if hit is None else hit["kind"],
                     "kind_ok": hit is not None and hit["kind"] == row["kind"]})
    return pd.DataFrame(rows)


def select(table: pd.DataFrame, doc_ids, kind: str = "all") -> pd.DataFrame:
    """Rows of a claims-like table for the given documents and kind."""
    rows = table[table["doc_id"].isin(set(doc_ids))]
    if kind != "all" and "kind" in rows.columns:
        rows = rows[rows["kind"] == kind]
    return rows.reset_index(drop=True)


def per_document(table: pd.DataFrame) -> pd.DataFrame:
    """Count of claims per document and kind (all kinds as columns, zeros kept)."""
    counts = pd.crosstab(table["doc_id"], pd.Categorical(table["kind"], categories=list(vnnum.KINDS)), dropna=False)
    counts.columns = [str(c) for c in counts.columns]
    counts.index.name = "doc_id"
    counts["total"] = counts.sum(axis=1)
    return counts
