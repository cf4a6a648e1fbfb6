"""Claims table, codebook provenance, consistency audit, recall."""

from decimal import Decimal

import pytest

from helpers import claims, corpus, paths, sources, tables, vnnum


@pytest.fixture(scope="module")
def table():
    return claims.build_claims()


@pytest.fixture(scope="module")
def raws():
    return {d.doc_id: d.raw for d in sources.load_corpus_documents()}


@pytest.fixture(scope="module")
def curated(table):
    """The claims of the curated articles (those the codebook cites): the articles these tests were written
    on, whatever else the corpus holds (an article just added waits in the review queue)."""
    articles = {cid[:3] for cid in sources.load_codebook()["claim_id"]}
    return table[table["doc_id"].str[:3].isin(articles)]


def test_every_claim_text_is_its_raw_span(table, raws):
    assert len(table) > 100
    for _, row in table.iterrows():
        assert raws[row["doc_id"]][row["start"]:row["end"]] == row["text"], row["claim_id"]


def test_claim_ids_are_doc_and_raw_start(table):
    assert table["claim_id"].is_unique
    for _, row in table.iterrows():
        assert row["claim_id"] == f"{row['doc_id'][:3]}-{row['start']:06d}"


def test_kinds_and_dates_columns(table):
    assert set(table["kind"]) <= set(vnnum.KINDS)
    dates = table[table["kind"] == "date"]
    assert (dates["date_iso"] != "").all() and set(dates["date_precision"]) <= {"day", "month", "quarter", "year"}
    assert (table.loc[table["kind"] != "date", "date_iso"] == "").all()
    # The workshop of 002 ("ngày 23/10") has no year: it stays blank, never guessed.
    d = table[(table["doc_id"].str.startswith("002")) & (table["text"] == "23/10")].iloc[0]
    assert (d["kind"], d["date_iso"], d["date_precision"]) == ("date", "--10-23", "day")


def test_ranges_and_ambiguities_are_columns():
    doc = corpus.Document("900_test", "Tỷ lệ đạt khoảng 30 - 40% số hộ. Vốn đầu tư 1.500 tỷ đồng. "
                                      "Có 1,500 người tham gia. Tỉnh tăng 5 bậc.")
    rows = claims.extract(doc).set_index("text")
    assert list(claims.extract(doc).columns) == claims.CLAIM_COLUMNS
    assert rows.loc["30 - 40%", ["kind", "value", "low", "high", "qualifier"]].tolist() == [
        "percent", "", "30", "40", "approx"]
    assert rows.loc["1.500 tỷ đồng", "value"] == "1500000000000"
    assert "decimal point" in rows.loc["1.500 tỷ đồng", "ambiguity"]
    assert rows.loc["1,500", ["value", "ambiguity"]].tolist() == [
        "1.5", "',' read as the vi decimal mark; as a thousands separator it would be 1500"]
    assert rows.loc["tăng 5 bậc", ["kind", "value", "low", "ambiguity"]].tolist() == ["rank_change", "5", "", ""]


def test_the_curated_articles_hold_no_range_or_ambiguous_reading(curated):
    # The three columns are new; for the curated articles they are blank, so no other cell changed.
    assert len(curated) > 100
    assert (curated[["low", "high", "ambiguity"]] == "").all().all()


def test_no_date_or_document_number_is_a_ratio(curated):
    ratios = curated[curated["kind"] == "ratio"]
    assert set(ratios["text"]) == {"891.688/958.805", "1.542/1.823", "1.483/1.542", "114,01 thuê bao/100 dân"}
    assert set(curated.loc[curated["kind"] == "doc_ref", "text"]) == {"06", "07", "01-NQ/TU", "82/2024/NĐ-CP"}


def test_boilerplate_is_not_extracted(table, raws):
    raw = raws["001_3c913e5edb0545a5"]
    related = raw.index("- Hội nghị trực tuyến toàn quốc")
    assert not (table[table["doc_id"] == "001_3c913e5edb0545a5"]["start"] >= related).any()
    assert "58" in raw[related:]  # the related-article list does hold numbers


def test_eth_spelling_is_found_in_raw_offsets(table, raws):
    # 000 writes "Ðến nay" with U+00D0; the sentence is cleaned, the span is raw.
    row = table[(table["doc_id"].str.startswith("000")) & (table["text"] == "100%")].iloc[0]
    assert "Đến nay" in row["sentence"] and "\u00d0" not in row["sentence"]


def test_codebook_values_equal_parsed_values_at_their_spans(table, raws):
    book = claims.codebook_with_claims(sources.load_codebook(), table)
    by_id = table.set_index("claim_id")
    assert len(book) >= 40
    for _, row in book.iterrows():
        c = by_id.loc[row["claim_id"]]
        span = raws[c["doc_id"]][c["start"]:c["end"]]
        parsed = vnnum.parse(corpus.normalise(span))
        assert Decimal(row["value"]) == parsed.value, row["indicator_id"]
        assert (Decimal(row["denominator"]) if row["denominator"] else None) == parsed.denominator


def test_codebook_interface(table):
    book = claims.codebook_with_claims(sources.load_codebook(), table)
    # Each indicator is of the province its article is about (any of the study's units, see the codebook README).
    articles = sources.load_corpus_metadata().set_index("doc_id")
    assert (book["gso_code"] == articles.loc[book["doc_id"], "gso_code"].to_numpy()).all()
    assert (book["gso_code"] != "").all()
    assert set(book["pillar"]) <= set(claims.PILLARS)
    ranks = book[book["pillar"] == "dti"]
    assert set(ranks["indicator"]) <= set(claims.DTI_RANKS)
    assert (ranks["denominator"] == "63").all() and (ranks["as_of"] == "2021").all()
    assert book["as_of"].str.fullmatch(r"(\d{4}(-\d{2}(-\d{2})?)?)?").all()
    assert (book["unit"] != "").all()
    assert book["indicator"].str.fullmatch(r"[a-z0-9_]+").all()


def test_codebook_mismatch_names_indicator_claim_and_values(tmp_path, table):
    book = sources.load_codebook()
    i = book.index[book["indicator_id"] == "bt-004-mobile_subscribers"][0]
    book.loc[i, "value"] = "1482177"
    bad = tmp_path / "indicators.csv"
    book.to_csv(bad, index=False)
    expected = (r"indicators.csv row \d+ \(line \d+, bt-004-mobile_subscribers\): value '1482177'"
                r".*'1482176' parsed at claim 004-\d{6}")
    with pytest.raises(claims.CodebookError, match=expected):
        claims.codebook_with_claims(sources.load_codebook(bad), table)


def test_codebook_unknown_claim_and_bad_pillar(tmp_path, table):
    book = sources.load_codebook()
    b1 = book.copy()
    b1.loc[0, "claim_id"] = "000-999999"
    b1.to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(claims.CodebookError, match="claim '000-999999' is not in the claims table"):
        claims.codebook_with_claims(sources.load_codebook(tmp_path / "a.csv"), table)
    b2 = book.copy()
    b2.loc[0, "pillar"] = "economy"
    b2.to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(claims.CodebookError, match=r"b.csv row 1 \(line 2, .*pillar 'economy'"):
        claims.codebook_with_claims(sources.load_codebook(tmp_path / "b.csv"), table)


def test_judge_respects_precision_and_qualifier():
    assert claims.judge(Decimal("84.59"), "84,59", "exact", Decimal(1542) / Decimal(1823) * 100)[0] == "consistent"
    assert claims.judge(Decimal("84.6"), "84,6", "exact", Decimal("84.5858"))[0] == "consistent"
    assert claims.judge(Decimal("84.58"), "84,58", "exact", Decimal("84.5858"))[0] == "inconsistent"
    assert claims.judge(Decimal(95), "95", "more_than", Decimal("93.0"))[0] == "inconsistent"
    assert claims.judge(Decimal(95), "95", "more_than", Decimal("95.2"))[0] == "consistent"
    assert claims.judge(Decimal(96), "96", "approx", Decimal("95.1"))[0] == "consistent"


def _queue(table):
    return claims.build_claims_review_queue(table, tables.load_panel_disagreements())


def test_audit_recomputes_from_the_articles_numbers(table):
    audit = claims.build_consistency_audit(table, _queue(table))
    assert set(audit["status"]) <= set(claims.STATUSES)
    by = audit.set_index("check_id")
    # 1.542/1.823 = 84.586 %: consistent with the stated 84,59 %.
    assert by.loc["share-004-online-services", "status"] == "consistent"
    recomputed = Decimal(by.loc["share-004-online-services", "recomputed"])
    assert abs(recomputed - Decimal(1542) * 100 / Decimal(1823)) < Decimal("0.0001")
    # 1.483/1.542 = 96.2 %, not the stated 80,2 %.
    assert by.loc["share-004-national-portal", "status"] == "inconsistent"
    assert by.loc["sum-003-smart-city-projects", "status"] == "consistent"
    assert by.loc["cross-dti_rank-001-003", "status"] == "consistent"
    bad = audit[audit["status"] == "inconsistent"]
    assert bad["explanation"].str.contains("Inconsistent: ").all()
    # every percent and ratio claim is audited once at least (as stated, or as the base of a check)
    pr = set(table.loc[table["kind"].isin(["percent", "ratio"]), "claim_id"])
    checks = sources.load_audit_checks()
    bases = set(checks["numerator_claims"]) | set(claims.arrival_checks(table, checks)["numerator_claims"])
    assert pr <= set(audit["claim_id"]) | bases


def test_recall_against_hand_checked_list():
    doc_id, listed = sources.load_recall_check("004")
    r = claims.recall_check(next(d for d in sources.load_corpus_documents() if d.doc_id == doc_id), listed)
    assert len(r) >= 50
    assert r["found"].mean() >= 0.95
    assert (r.loc[r["found"], "extracted_text"] == r.loc[r["found"], "text"]).all()
    assert r["kind_ok"].mean() >= 0.95


def test_committed_codebook_files_exist():
    assert (paths.DATA / "codebook" / "README.md").is_file()


# ---------------------------------------------------------------------------------------
# The codebook and audit after an independent read of the articles

@pytest.fixture(scope="module")
def audit(table):
    return claims.build_consistency_audit(table, _queue(table)).set_index("check_id")


@pytest.fixture(scope="module")
def book(table):
    return claims.codebook_with_claims(sources.load_codebook(), table).set_index("indicator_id")


def test_three_disagreements_of_000_to_002_are_found(audit):
    # 001: 300 households given accounts, but 30 selling + 150 buying accounts.
    row = audit.loc["sum-001-ecommerce-accounts"]
    assert (row["claim_id"], row["stated"], row["recomputed"], row["status"]) == ("001-006256", "300", "180",
                                                                                  "inconsistent")
    # 000: 'gần 96%' integrated with citizen-ID data, more than the 891.688/958.805 linked to citizen IDs.
    row = audit.loc["share-000-health-insurance-within-id-link"]
    assert (row["check"], row["claim_id"], row["status"]) == ("share_at_most", "000-001255", "inconsistent")
    assert Decimal(row["recomputed"]) < Decimal(96) - Decimal("1.92")
    # 002: all public schools cashless; 000: only 'một số cơ sở giáo dục'.
    row = audit.loc["cashless-schools-000-002"]
    assert (row["check"], row["claim_id"], row["status"]) == ("all_vs_some", "002-000848", "inconsistent")
    assert "một số cơ sở giáo dục" in row["explanation"] and row["evidence"].startswith("000-001270 sentence")
    # The self-contradiction of 000's health figures stays found, and says it is one.
    assert audit.loc["share-000-health-id", "status"] == "inconsistent"
    assert "contradicts itself" in audit.loc["share-000-health-id", "explanation"]


def test_population_base_of_the_health_ratio_is_checked(audit):
    row = audit.loc["base-000-health-id-population"]
    assert (row["check"], row["claim_id"], row["stated"], row["status"]) == (
        "base_vs_population", "000-001912", "958805", "inconsistent")
    # Bạc Liêu's 2022 and 2024 averages (921 810 and 928 680) bound the official population.
    assert (row["recomputed_low"], row["recomputed_high"]) == ("921810", "928680")


def test_rate_is_judged_on_the_population_interval(table, audit):
    row = audit.loc["rate-004-mobile-density"]
    low, high = Decimal(row["recomputed_low"]), Decimal(row["recomputed_high"])
    # 1.482.176 subscribers over the 2024 and 2023 averages (1 306 270 and 1 299 330 inhabitants).
    assert abs(low - Decimal(1482176) / Decimal(1306270) * 100) < Decimal("0.0001")
    assert abs(high - Decimal(1482176) / Decimal(1299330) * 100) < Decimal("0.0001")
    assert row["recomputed"] == "" and low < Decimal("114.01") < high and row["status"] == "consistent"
    # Against the 2024 average alone the same rate would be called inconsistent.
    checks = sources.load_audit_checks()
    checks.loc[checks["check_id"] == "rate-004-mobile-density", "population"] = "Bến Tre|2024"
    one_year = claims.consistency_audit(table, sources.load_codebook(), checks,
                                        sources.load_area_population()).set_index("check_id")
    assert one_year.loc["rate-004-mobile-density", "status"] == "inconsistent"
    assert one_year.loc["rate-004-mobile-density", "recomputed_low"] == ""


def test_bad_population_span_is_named(table):
    checks = sources.load_audit_checks()
    checks.loc[checks["check_id"] == "rate-004-mobile-density", "population"] = "Bến Tre|2024-2023"
    with pytest.raises(claims.CodebookError, match=r"rate-004-mobile-density: population 'Bến Tre\|2024-2023'"):
        claims.consistency_audit(table, sources.load_codebook(), checks, sources.load_area_population())


def test_judge_interval():
    assert claims.judge_interval(Decimal("114.01"), "114,01", "exact", Decimal("113.47"), Decimal("114.07"))[0] \
        == "consistent"
    assert claims.judge_interval(Decimal("114.01"), "114,01", "exact", Decimal("113.13"), Decimal("113.47"))[0] \
        == "inconsistent"
    # an end inside the stated tolerance is enough
    assert claims.judge_interval(Decimal(96), "96", "approx", Decimal(0), Decimal("94.5"))[0] == "consistent"
    assert claims.judge_interval(Decimal(96), "96", "approx", Decimal(0), Decimal("93"))[0] == "inconsistent"
    assert claims.judge_interval(Decimal(95), "95", "more_than", Decimal(90), Decimal(94))[0] == "inconsistent"
    assert claims.judge_interval(Decimal(95), "95", "less_than", Decimal(90), Decimal(94))[0] == "consistent"


def test_all_vs_some_needs_the_quoted_words_in_the_cited_sentence(table):
    checks = sources.load_audit_checks()
    i = checks.index[checks["check_id"] == "cashless-schools-000-002"][0]
    bad = checks.copy()
    bad.loc[i, "quoted"] = "một số trường học"  # not in the sentence of 000-001270
    with pytest.raises(claims.CodebookError, match="cashless-schools-000-002: all_vs_some needs"):
        claims.consistency_audit(table, sources.load_codebook(), bad, sources.load_area_population())
    below = checks.copy()
    below.loc[i, "stated_claim"] = "002-001002"  # 'trên 70%' of social allowances: not "all"
    audit = claims.consistency_audit(table, sources.load_codebook(), below, sources.load_area_population())
    assert audit.set_index("check_id").loc["cashless-schools-000-002", "status"] == "consistent"


def test_notes_after_the_independent_read(book):
    money = book.loc["bl-003-smart_city_scheme_approved_total_investment"]
    assert money["indicator"] == "smart_city_scheme_approved_total_investment" and money["text"] == "333 tỷ đồng"
    assert "tổng mức đầu tư" in money["note"] and "not money spent" in money["note"]
    bl, bt = book.loc["bl-001-community_digital_team_members_other_teams"], book.loc[
        "bt-004-community_digital_team_members"]
    assert bl["indicator"] != bt["indicator"]  # not the same measure
    assert "508 Tổ" in bl["note"] and "7.183" in bl["note"] and "Not comparable" in bl["note"]
    assert "4.180" in bt["note"] and "Not comparable" in bt["note"]
    for ind in ("bl-000-health_records_linked_to_citizen_id_percent", "bl-000-health_records_linked_to_citizen_id"):
        assert "same measure" in book.loc[ind, "note"] and "contradict" in book.loc[ind, "note"]
        assert "share-000-health-id" in book.loc[ind, "note"]


def test_004_dating_agrees_with_its_metadata(book):
    meta = sources.load_corpus_metadata().set_index("doc_id").loc["004_98bd25edb4421de0"]
    assert "as of July 2024" not in meta["notes"] and "presented as current at publication" in meta["notes"]
    rows = book[book["doc_id"] == "004_98bd25edb4421de0"]
    dated = rows[rows["as_of_basis"] == "text"]
    assert list(dated["text"]) == ["11.633"] and list(dated["as_of"]) == ["2024-07"]
    assert (rows.loc[rows["as_of_basis"] == "publication", "as_of"] == meta["published"]).all()


def test_quotes_in_codebook_notes_are_the_articles_words():
    import re

    text = "\n".join(corpus.normalise(d.raw) for d in sources.load_corpus_documents())
    for table in (sources.load_codebook(), sources.load_audit_checks()):
        for _, row in table.iterrows():
            notes = " ".join(row.get(c, "") for c in ("note", "if_inconsistent", "quoted"))
            for quote in re.findall(r"(?<![\w])'([^']+)'(?!\w)", notes):
                if not re.search("[À-ỹĐđ]", quote):
                    continue  # English or a claim's text alone
                for part in (p.strip() for p in quote.split("...")):
                    assert part in text, (row.iloc[0], part)
