"""Numeric claims of the corpus, the indicator codebook built on them, and their audit.

* ``build_claims()``: one row per numeric expression of every article, with offsets into
  the RAW file (``raw[start:end] == text``) and a stable ``claim_id`` (``000-001234`` =
  document prefix and raw start offset).
* ``load_codebook()``: the hand-curated ``data/codebook/indicators.csv`` joined with the
  claims it cites; it stops if a codebook value differs from the value parsed at its span.
* ``build_consistency_audit()``: shares recomputed from the counts an article gives, sums
  of parts, rates against official population, and the same indicator across articles.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import corpus, files, paths, vnnum

CODEBOOK_DIR = paths.DATA / "codebook"
CODEBOOK = CODEBOOK_DIR / "indicators.csv"
AUDIT_CHECKS = CODEBOOK_DIR / "audit_checks.csv"

CLAIM_COLUMNS = [
    "claim_id", "doc_id", "start", "end", "text", "kind", "value", "denominator", "unit",
    "qualifier", "date_iso", "date_precision", "note", "sentence",
]
CODEBOOK_COLUMNS = [
    "indicator_id", "province", "indicator", "pillar", "unit", "as_of", "as_of_basis",
    "claim_id", "value", "denominator", "note",
]
PILLARS = ("digital_government", "digital_economy", "digital_society", "dti")
DTI_RANKS = ("dti_rank", "dti_gov_rank", "dti_econ_rank", "dti_soc_rank")
AS_OF_BASES = ("text", "publication", "unknown")
AUDIT_COLUMNS = [
    "check_id", "check", "doc_id", "start", "end", "claim_id", "stated", "qualifier",
    "recomputed", "status", "explanation", "evidence",
]
STATUSES = ("consistent", "inconsistent", "unverifiable")


class CodebookError(ValueError):
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
                "unit": expr.unit,
                "qualifier": expr.qualifier,
                "date_iso": expr.date_iso,
                "date_precision": expr.date_precision,
                "note": expr.note,
                "sentence": sentence,
            }
        )
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def build_claims() -> pd.DataFrame:
    """Builder of ``data/processed/claims.csv``: every numeric expression of the corpus."""
    table = pd.concat([extract(d) for d in corpus.load_documents()], ignore_index=True)
    if table["claim_id"].duplicated().any():
        raise CodebookError(f"duplicate claim ids: {table.loc[table['claim_id'].duplicated(), 'claim_id'].tolist()}")
    return table


def read_claims() -> pd.DataFrame:
    """The committed claims table, values kept as strings (blank = none)."""
    path = paths.PROCESSED / "claims.csv"
    if not path.is_file():
        raise CodebookError(f"{paths.relative(path)} is missing: run `make data`")
    return pd.read_csv(path, dtype=str, keep_default_na=False).astype({"start": int, "end": int})


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


# ---------------------------------------------------------------------------------------
# Codebook

def read_codebook(path: Path = CODEBOOK) -> pd.DataFrame:
    """Read and validate the codebook file (all cells as strings)."""
    book = files.read_string_table(path, CODEBOOK_COLUMNS, CodebookError, "codebook file")
    where = paths.relative(path)
    if book["indicator_id"].duplicated().any():
        raise CodebookError(f"{where}: duplicate indicator_id {book.loc[book['indicator_id'].duplicated(), 'indicator_id'].tolist()}")
    for i, row in book.iterrows():
        line = f"{where} row {i + 2} ({row['indicator_id']})"
        if row["pillar"] not in PILLARS:
            raise CodebookError(f"{line}: pillar {row['pillar']!r} is not one of {PILLARS}")
        if (row["pillar"] == "dti") != (row["indicator"] in DTI_RANKS):
            raise CodebookError(f"{line}: pillar 'dti' is for {DTI_RANKS} only (got {row['indicator']!r})")
        if row["as_of_basis"] not in AS_OF_BASES:
            raise CodebookError(f"{line}: as_of_basis {row['as_of_basis']!r} is not one of {AS_OF_BASES}")
        if row["as_of"] and not pd.Series([row["as_of"]]).str.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?").iloc[0]:
            raise CodebookError(f"{line}: as_of {row['as_of']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        if not row["unit"]:
            raise CodebookError(f"{line}: unit is blank; state it (e.g. 'services', 'percent', 'VND')")
    return book


def load_codebook(path: Path = CODEBOOK, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The codebook joined with the claims it cites (document, span, quoted sentence).

    Raises ``CodebookError`` naming the indicator, the claim and both values when a codebook
    value or denominator differs from what the parser reads at the cited span, or when the
    cited claim does not exist.
    """
    book = read_codebook(path)
    claims = build_claims() if claims is None else claims
    by_id = claims.set_index("claim_id")
    for _, row in book.iterrows():
        cid = row["claim_id"]
        if cid not in by_id.index:
            raise CodebookError(f"indicator {row['indicator_id']}: claim {cid!r} is not in the claims table")
        parsed = by_id.loc[cid]
        for col in ("value", "denominator"):
            if _decimal(row[col]) != _decimal(parsed[col]):
                raise CodebookError(
                    f"indicator {row['indicator_id']}: {col} {row[col]!r} in the codebook differs from "
                    f"{parsed[col]!r} parsed at claim {cid} ({parsed['text']!r} in {parsed['doc_id']})"
                )
    joined = book.merge(
        claims[["claim_id", "doc_id", "start", "end", "text", "kind", "qualifier", "sentence"]],
        on="claim_id", how="left", validate="many_to_one",
    )
    return joined


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


def read_audit_checks(path: Path = AUDIT_CHECKS) -> pd.DataFrame:
    needed = ["check_id", "check", "stated_claim", "numerator_claims", "denominator_claim",
              "population", "note"]
    return files.read_string_table(path, needed, CodebookError, "audit check file")


def _population(province: str, year: int) -> tuple[Decimal, str]:
    path = paths.RAW / "provinces" / "area_population_2011_2025.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = table[(table["name_vi"] == province) & (table["year"] == str(year))]
    if len(row) != 1:
        raise CodebookError(f"{paths.relative(path)}: no single row for {province} {year}")
    thousands = Decimal(row["avg_population_thousand"].iloc[0])
    return thousands * 1000, f"{paths.relative(path)}: {province} {year} average population {row['avg_population_thousand'].iloc[0]} thousand"


def _fmt(x: Decimal, places: int = 2) -> str:
    return vnnum.canonical(round(x, places))


def build_consistency_audit() -> pd.DataFrame:
    """Builder of ``data/processed/consistency_audit.csv``.

    Rows: (1) each check listed in ``data/codebook/audit_checks.csv`` (a stated share
    against the counts given, a total against its parts, a rate against official
    population); (2) every pair of articles that state the same indicator for the same
    province in the codebook; (3) every other percent or ratio claim, as ``unverifiable``
    (the article gives nothing to recompute it from).
    """
    claims = build_claims()
    by_id = claims.set_index("claim_id")
    checks = read_audit_checks()
    rows = []
    covered: set[str] = set()

    def get(cid: str, check_id: str) -> pd.Series:
        if cid not in by_id.index:
            raise CodebookError(f"{paths.relative(AUDIT_CHECKS)} check {check_id}: claim {cid!r} is not in the claims table")
        return by_id.loc[cid]

    for _, chk in checks.iterrows():
        stated = get(chk["stated_claim"], chk["check_id"])
        parts = [get(c, chk["check_id"]) for c in chk["numerator_claims"].split(";") if c]
        covered.add(chk["stated_claim"])
        covered.update(c for c in chk["numerator_claims"].split(";") if c)
        if chk["denominator_claim"]:
            covered.add(chk["denominator_claim"])
        evidence = "; ".join(f"{p.name} {p['text']!r}" for p in parts)
        stated_value = Decimal(stated["value"])
        if chk["check"] == "share":
            # numerator / denominator × 100, where a ratio claim a/b gives both
            num = parts[0]
            if chk["denominator_claim"]:
                den_claim = get(chk["denominator_claim"], chk["check_id"])
                den = Decimal(den_claim["value"])
                evidence += f"; {den_claim.name} {den_claim['text']!r}"
            else:
                den = Decimal(num["denominator"])
            recomputed = Decimal(num["value"]) / den * 100
            stated_text = stated["text"].rstrip("%").strip()
            implied = f"the stated share implies a base of {_fmt(Decimal(num['value']) * 100 / stated_value, 0)} where the article gives {_fmt(den, 0)}"
        elif chk["check"] == "sum":
            recomputed = sum(Decimal(p["value"]) for p in parts)
            stated_text = stated["text"]
            implied = "the parts do not add up to the stated total"
        elif chk["check"] == "rate_vs_population":
            province, year = chk["population"].split("|")
            pop, source = _population(province, int(year))
            recomputed = Decimal(parts[0]["value"]) / pop * Decimal(stated["denominator"])
            stated_text = stated["text"].split()[0]
            evidence += f"; {source}"
            implied = (f"the stated rate implies a population of {_fmt(Decimal(parts[0]['value']) * Decimal(stated['denominator']) / stated_value, 0)} "
                       f"where the statistics office gives {_fmt(pop, 0)}")
        else:
            raise CodebookError(f"{paths.relative(AUDIT_CHECKS)} check {chk['check_id']}: unknown check {chk['check']!r}")
        status, rule = judge(stated_value, stated_text, stated["qualifier"], recomputed)
        explanation = f"{chk['note']} Recomputed {_fmt(recomputed)} vs stated {stated['text']!r} ({stated['qualifier']}); rule: {rule}."
        if status == "inconsistent":
            explanation += f" Inconsistent: {implied}."
            if chk.get("if_inconsistent", ""):
                explanation += f" {chk['if_inconsistent']}"
        rows.append({
            "check_id": chk["check_id"], "check": chk["check"], "doc_id": stated["doc_id"],
            "start": int(stated["start"]), "end": int(stated["end"]), "claim_id": stated.name,
            "stated": stated["value"], "qualifier": stated["qualifier"],
            "recomputed": _fmt(recomputed, 4), "status": status, "explanation": explanation,
            "evidence": evidence,
        })

    # Same indicator, same province, two articles.
    book = load_codebook(claims=claims)
    for (province, indicator), group in book.groupby(["province", "indicator"], sort=True):
        group = group.sort_values("claim_id")
        if group["doc_id"].nunique() < 2:
            continue
        first = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            if other["doc_id"] == first["doc_id"]:
                continue
            same = (_decimal(first["value"]) == _decimal(other["value"])
                    and _decimal(first["denominator"]) == _decimal(other["denominator"]))
            status = "consistent" if same else "inconsistent"
            dates = f"as of {first['as_of'] or 'unknown'} ({first['as_of_basis']}) and {other['as_of'] or 'unknown'} ({other['as_of_basis']})"
            explanation = (
                f"{province} {indicator}: {first['doc_id'][:3]} states {first['text']!r}, "
                f"{other['doc_id'][:3]} states {other['text']!r}, {dates}; "
                + ("the two articles agree." if same else "the two articles differ; the dates may explain it.")
            )
            rows.append({
                "check_id": f"cross-{indicator}-{first['doc_id'][:3]}-{other['doc_id'][:3]}",
                "check": "cross_document", "doc_id": other["doc_id"], "start": int(other["start"]),
                "end": int(other["end"]), "claim_id": other["claim_id"], "stated": other["value"],
                "qualifier": other["qualifier"], "recomputed": first["value"], "status": status,
                "explanation": explanation,
                "evidence": f"{first['claim_id']} {first['text']!r}; {other['claim_id']} {other['text']!r}",
            })

    # Every other percent or ratio: nothing in the article to recompute it from.
    for cid, c in by_id.iterrows():
        if c["kind"] not in ("percent", "ratio") or cid in covered:
            continue
        rows.append({
            "check_id": f"none-{cid}", "check": "none", "doc_id": c["doc_id"], "start": int(c["start"]),
            "end": int(c["end"]), "claim_id": cid, "stated": c["value"], "qualifier": c["qualifier"],
            "recomputed": "", "status": "unverifiable",
            "explanation": "The article gives no counts from which this " + c["kind"] + " could be recomputed.",
            "evidence": "",
        })
    audit = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    return audit.sort_values(["doc_id", "start", "check_id"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Recall against a hand-checked list

def recall_check(doc_prefix: str = "004") -> pd.DataFrame:
    """Compare the claims of one document with ``data/codebook/recall_check_<doc>.csv``.

    The hand-checked file lists every digit-bearing expression of the article with a
    context string that occurs once in the raw text. One row per listed expression, with
    ``found`` (a claim starts at the same raw offset) and ``kind_ok`` (same kind).
    """
    matches = sorted(CODEBOOK_DIR.glob(f"recall_check_{doc_prefix}*.csv"))
    if len(matches) != 1:
        raise CodebookError(f"expected one data/codebook/recall_check_{doc_prefix}*.csv, found {len(matches)}")
    path = matches[0]
    doc_id = path.stem.removeprefix("recall_check_")
    doc = next((d for d in corpus.load_documents() if d.doc_id == doc_id), None)
    if doc is None:
        raise CodebookError(f"{paths.relative(path)}: document {doc_id!r} is not in the corpus")
    listed = pd.read_csv(path, dtype=str, keep_default_na=False)
    found = extract(doc).set_index("start")
    rows = []
    for i, row in listed.iterrows():
        n = doc.raw.count(row["context"])
        if n != 1 or row["text"] not in row["context"]:
            raise CodebookError(f"{paths.relative(path)} row {i + 2}: context {row['context']!r} occurs {n} times "
                                "(must occur once and contain the expression)")
        start = doc.raw.index(row["context"]) + row["context"].index(row["text"])
        hit = found.loc[start] if start in found.index else None
        rows.append({"text": row["text"], "expected_kind": row["kind"], "start": start,
                     "found": hit is not None, "extracted_text": "" if hit is None else hit["text"],
                     "extracted_kind": "" if hit is None else hit["kind"],
                     "kind_ok": hit is not None and hit["kind"] == row["kind"]})
    return pd.DataFrame(rows)


def check_kind(kind: str) -> str:
    """Validate the notebook parameter ``kind``: ``"all"`` or one of ``vnnum.KINDS``."""
    import difflib

    if kind == "all" or kind in vnnum.KINDS:
        return kind
    hint = difflib.get_close_matches(str(kind), list(vnnum.KINDS), n=2, cutoff=0.5)
    raise ValueError(f"parameter kind={kind!r}: allowed 'all' or {list(vnnum.KINDS)}"
                     + (f"; did you mean {hint}?" if hint else ""))


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
