"""A new article is checked the day it arrives, before anyone curates it: the audit pairs a percent with
the counts of its clause and a total with its parts, a rank an article states is compared with the
official DTI table, and the review queue puts a disagreement first. Also: the codebook accepts any unit
of the study (its README and its loader agree), a profile counts articles not yet curated, and the
review queue's units are whole words.

The short articles below are written for these tests (planted errors, fictional figures); none is
part of the corpus.
"""

import re

import pandas as pd
import pytest

from helpers import claims, corpus, findings, panel, paths, profile_sections, provinces, sources, study, tables, vnnum

N = study.PROVINCES.n_units


def _claims(*texts: str, first: int = 900) -> pd.DataFrame:
    docs = [corpus.Document(f"{first + i}_test", text) for i, text in enumerate(texts)]
    return pd.concat([claims.extract(d) for d in docs], ignore_index=True)


def _audit(table: pd.DataFrame) -> pd.DataFrame:
    """The audit of ``table`` with no curation at all: no codebook row, no listed check."""
    book, checks = sources.load_codebook().iloc[0:0], sources.load_audit_checks().iloc[0:0]
    return claims.consistency_audit(table, book, checks, sources.load_area_population())


def _row(audit: pd.DataFrame, table: pd.DataFrame, text: str) -> pd.Series:
    cid = table.set_index("text").at[text, "claim_id"]
    return audit.set_index("claim_id").loc[cid]


# --- a percent against its counts ------------------------------------------------------------

def test_a_percent_five_points_off_its_ratio_is_inconsistent():
    table = _claims("Trong năm, toàn tỉnh tiếp nhận 1.150/1.380 hồ sơ trực tuyến, đạt 88,3%.")
    row = _row(_audit(table), table, "88,3%")
    assert (row["check"], row["status"]) == ("share", "inconsistent")
    assert row["check_id"].startswith("auto-share-") and row["recomputed"].startswith("83.33")
    assert "before any curation" in row["explanation"] and "'1.150/1.380'" in row["evidence"]
    assert "no counts" not in row["explanation"]


def test_a_numerator_and_its_base_are_paired():
    table = _claims("Có 1.150 hồ sơ trên tổng số 1.380 hồ sơ được nộp trực tuyến, đạt 88,3%.",
                    "Trong tổng số 1.380 hồ sơ có 1.150 hồ sơ trực tuyến, chiếm 83,3%.")
    audit = _audit(table)
    first, second = (audit[(audit["doc_id"] == d) & audit["check_id"].str.startswith("auto-share-")]
                     for d in ("900_test", "901_test"))
    assert first["status"].tolist() == ["inconsistent"] and second["status"].tolist() == ["consistent"]
    assert "'1.150' and '1.380'" in first["explanation"].iloc[0]


def test_shares_that_agree_are_not_flagged_and_each_clause_is_paired_apart():
    table = _claims("Hiện có 168/193 xã có cáp quang, đạt 87%; có 452 trên tổng số 520 cơ quan sử dụng "
                    "chữ ký số, đạt tỷ lệ 86,9%.")
    audit = _audit(table)
    assert _row(audit, table, "87%")["status"] == _row(audit, table, "86,9%")["status"] == "consistent"
    assert _row(audit, table, "87%")["evidence"].startswith(table.set_index("text").at["168/193", "claim_id"])


def test_a_percent_of_other_things_is_not_paired_and_the_counts_are_named():
    table = _claims("Toàn tỉnh có 2.310/2.500 cơ quan dùng văn bản điện tử và hơn 86% người dân có điện thoại.",
                    "Tỷ lệ hồ sơ trực tuyến đạt 68,4%.")
    audit = _audit(table)
    percent = _row(audit, table, "86%")
    assert percent["status"] == "unverifiable" and "gives counts: '2.310/2.500' (92.4%)" in percent["explanation"]
    assert "no counts" not in percent["explanation"]
    alone = _row(audit, table, "68,4%")
    assert alone["status"] == "unverifiable" and "no counts" in alone["explanation"]


def test_one_ratio_and_two_percents_flag_none_when_one_agrees():
    # 004's sentence: 1.542/1.823 is 84,59% of all procedures; the 100% is of the eligible ones.
    table = _claims("Tổng số DVCTT là 1.542/1.823 DVCTT, đạt 100% đối với những TTHC đủ điều kiện, đạt 84,59% "
                    "so với tổng số TTHC.")
    audit = _audit(table)
    assert _row(audit, table, "84,59%")["status"] == "consistent"
    assert _row(audit, table, "100%")["status"] == "unverifiable"


# --- parts against a total -------------------------------------------------------------------

def test_parts_that_do_not_add_up_are_flagged():
    table = _claims("Toàn tỉnh có tổng số 1.250 trạm BTS, gồm 430 trạm 4G và 800 trạm 3G.",
                    "Tỉnh có 11 dự án, trong đó có 1 dự án hạ tầng, 1 dự án an ninh và 9 dự án của các ngành.",
                    "Tỉnh có 300 doanh nghiệp số, trong đó 120 doanh nghiệp công nghệ và 90 doanh nghiệp thương mại.",
                    "Tỉnh có 30 xã, trong đó 20 xã vùng cao và 25 xã biên giới.")
    audit = _audit(table).set_index(["doc_id", "check"])
    assert audit.loc[("900_test", "sum"), ["stated", "recomputed", "status"]].tolist() == [
        "1250", "1230", "inconsistent"]
    assert audit.loc[("901_test", "sum_at_most"), "status"] == "consistent"  # 1 + 1 + 9 = 11
    assert audit.loc[("902_test", "sum_at_most"), "status"] == "consistent"  # "trong đó": some of the 300
    assert audit.loc[("903_test", "sum_at_most"), "status"] == "inconsistent"  # 45 of 30


def test_a_listed_check_replaces_the_check_found_on_arrival():
    table = tables.load_claims()
    checks = sources.load_audit_checks()
    auto = claims.arrival_checks(table, checks)
    listed = {c for _, chk in checks.iterrows() for c in claims._cited_by_check(chk)}
    assert not {c for _, chk in auto.iterrows() for c in claims._cited_by_check(chk)} & listed
    # The curated articles' figures are covered by their listed checks: no check found on arrival there.
    curated = {cid[:3] for cid in sources.load_codebook()["claim_id"]}
    assert auto.empty or not auto["stated_claim"].str[:3].isin(curated).any()


# --- a rank against the official table ----------------------------------------------------------

def _documents(table: pd.DataFrame, code: str, published: str = "2024-03-14") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": sorted(table["doc_id"].unique()), "gso_code": code, "published": published,
                         "date_precision": "day"})


def _official(dti: pd.DataFrame, code: str, year: int) -> int:
    rows = dti[(dti["gso_code"] == code) & (dti["year"] == year) & (dti["measure"] == "dti")
               & (dti["rank_method"] == "computed_from_scores")]
    return int(rows["rank"].iloc[0])


@pytest.fixture(scope="module")
def dti():
    return tables.load_dti_panel()


def test_a_stated_rank_that_the_official_table_does_not_give_is_listed_and_queued_first(dti):
    code = provinces.from_slug("ha-giang")
    year = panel.complete_years(dti)[1]
    wrong = _official(dti, code, year) % N + 1  # any other rank of the table
    table = _claims(f"Năm {year}, tỉnh xếp thứ {wrong}/{N} về chỉ số chuyển đổi số cấp tỉnh (DTI).")
    stated = panel.stated_ranks(table, _documents(table, code), cited=set())
    found = panel.rank_disagreements(stated, dti)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["year"], row["gso_code"], row["field"]) == (year, code, "rank")
    assert (row["other_value"], row["reference_value"]) == (str(wrong), str(_official(dti, code, year)))
    assert row["uncurated"] and row["note"].startswith("uncurated") and row["reference_rank_method"] == \
        "computed_from_scores"
    queue = claims.review_queue(table, sources.load_codebook().iloc[0:0], sources.load_audit_checks().iloc[0:0],
                                found)
    assert queue.iloc[0]["claim_id"] == row["claim_id"]
    assert queue.iloc[0]["reason"].startswith("disagrees with the official table")
    assert queue.iloc[1:]["reason"].str.startswith("new article").all()


def test_a_rank_that_agrees_another_index_a_pillar_or_a_curated_one_is_not_listed(dti):
    code = provinces.from_slug("ha-giang")
    year = panel.complete_years(dti)[-1]
    right, other = _official(dti, code, year), _official(dti, code, year) % N + 1
    table = _claims(f"Năm {year}, tỉnh xếp thứ {right}/{N} về chuyển đổi số.",
                    f"Năm {year}, hệ thống giải quyết thủ tục hành chính của tỉnh xếp hạng {other}/{N}.",
                    f"Năm {year}, chỉ số DTI xếp thứ {right}/{N}, trong đó chính quyền số xếp thứ {other}/{N}.",
                    f"Năm {year}, tỉnh xếp thứ {other}/{N} về chuyển đổi số.")
    cited = {table.loc[table["doc_id"] == "903_test", "claim_id"].iloc[-1]}
    stated = panel.stated_ranks(table, _documents(table, code), cited)
    assert set(stated["doc_id"]) == {"900_test", "902_test"} and (stated["rank"] == right).all()
    assert panel.rank_disagreements(stated, dti).empty


def test_without_a_year_in_the_sentence_the_article_date_gives_it(dti):
    code = provinces.from_slug("ha-giang")
    year = panel.complete_years(dti)[-1]
    table = _claims(f"Tỉnh xếp thứ {_official(dti, code, year) % N + 1}/{N} về chuyển đổi số.")
    stated = panel.stated_ranks(table, _documents(table, code, published=f"{year}-06-01"), set())
    assert stated["year"].tolist() == [year] and "publication date" in stated["year_basis"].iloc[0]
    undated = panel.stated_ranks(table, _documents(table, code).assign(date_precision="unknown"), set())
    assert undated.empty  # no year, no comparison
    elsewhere = panel.stated_ranks(table, _documents(table, ""), set())
    assert elsewhere.empty  # an article about a place that is not one of the units


# --- the codebook accepts any unit of the study ---------------------------------------------

def test_the_codebook_readme_and_its_loader_agree_on_the_province_column(tmp_path):
    readme = (paths.CODEBOOK / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `province` |"))
    assert f"any of the {N} units of the study" in row and "data/raw/provinces/provinces.csv" in row
    reference = pd.read_csv(paths.RAW / "provinces" / "provinces.csv", dtype=str, keep_default_na=False)
    assert len(reference) == N
    book = sources.load_codebook()
    many = pd.concat([book.iloc[[0]].drop(columns="gso_code")] * N, ignore_index=True)
    many["province"] = reference["name_vi"].tolist()
    many["indicator_id"] = [f"x-{i}" for i in range(N)]
    many.to_csv(tmp_path / "indicators.csv", index=False)
    loaded = sources.load_codebook(tmp_path / "indicators.csv")
    assert loaded["gso_code"].tolist() == reference["gso_code"].tolist()
    many.loc[1, "province"] = "Hòa An"  # not one of the units
    many.to_csv(tmp_path / "indicators.csv", index=False)
    with pytest.raises(sources.SourceError, match=r"indicators.csv row 2 \(line 3\), column province: unknown"):
        sources.load_codebook(tmp_path / "indicators.csv")


# --- wording from data ----------------------------------------------------------------------

def test_a_profile_counts_the_articles_and_says_when_none_is_curated():
    documents, book = tables.load_corpus_documents(), tables.load_codebook()
    bac_lieu = provinces.from_slug("bac-lieu")
    n = int((documents["gso_code"] == bac_lieu).sum())
    assert profile_sections.corpus_status(bac_lieu, documents, book).startswith(f"Bạc Liêu: {n} articles, ")
    absent = next(c for c in sorted(provinces.load_reference()["gso_code"]) if c not in set(documents["gso_code"]))
    assert "has no article about" in profile_sections.corpus_status(absent, documents, book)
    one_more = pd.concat([documents, documents.iloc[[0]].assign(doc_id="999_new", gso_code=absent)])
    assert profile_sections.corpus_status(absent, one_more, book) == (
        f"{provinces.name_of(absent)}: 1 article, none curated yet; its figures wait in the review queue "
        "(data/processed/claims_review_queue.csv).")


def test_notebooks_and_pages_never_say_the_five_articles():
    pages = [*sorted(paths.NOTEBOOKS.glob("*.ipynb")), *sorted((paths.ROOT / "site").glob("*.md")),
             paths.ROOT / "README.md"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"\b(?:the |of the )?five (?:news )?articles\b", text, re.I), page.name


# --- units are words ----------------------------------------------------------------------

def test_the_review_queue_units_are_whole_words_of_the_text():
    """A figure's unit is the English name the parser gives a known noun, or words of its sentence, never a
    syllable of a longer word ("địa", "hồ", "đơn", "cán", "đã")."""
    queue = tables.load_claims_review_queue()
    figures = queue[queue["kind"].isin(claims.REVIEWED_KINDS) & (queue["unit"] != "")]
    english = {*vnnum.UNITS.values(), *vnnum.FRACTION_NOUNS.values(), "percent", "VND", "USD", "EUR", "provinces",
               "provinces from the bottom", "places", "times", "points", "level"}
    for row in figures.itertuples():
        if row.unit in english or " per " in row.unit:
            continue
        assert re.search(rf"(?<!\w){re.escape(row.unit)}(?!\w)", corpus.normalise(row.sentence).lower()), (
            row.claim_id, row.unit)


def test_the_corpus_size_is_counted_for_the_data_page():
    documents = tables.load_corpus_documents()
    values = findings.corpus(documents)
    assert all(type(v) in (int, str) for v in values.values())
    assert values["n_articles"] == len(documents) == len(sources.load_corpus_metadata())
    assert sum(int(part.split(" about ")[0]) for part in values["articles_by_place"].split(", ")) == len(documents)
