"""Case comparison: every value traces to a claim span or a data row; the timeline is reviewed."""

from decimal import Decimal

import matplotlib
import pandas as pd
import pytest

from helpers import cases, claims, corpus, panel, params, paths, provinces, sources, tables, vnnum

matplotlib.use("Agg")

PAIR = ["95", "83"]  # Bạc Liêu, Bến Tre (GSO codes)
BAC_LIEU, BEN_TRE = PAIR


@pytest.fixture(scope="module")
def all_claims():
    return tables.load_claims()


@pytest.fixture(scope="module")
def book(all_claims):
    return claims.codebook_with_claims(sources.load_codebook(), all_claims)


@pytest.fixture(scope="module")
def cells(book):
    return cases.indicator_cells(book, PAIR, tables.load_population())


@pytest.fixture(scope="module")
def dti():
    return tables.load_dti_panel()


@pytest.fixture(scope="module")
def units():
    return panel.unit_scores(tables.load_dti_panel_34(), 2024)


# --- parameters -------------------------------------------------------------------------

def _validate_pair(province_a, province_b) -> dict:
    """Run the cases notebook's parameter and validation cells with the given pair."""
    import json

    cells = json.loads((paths.NOTEBOOKS / "05_cases.ipynb").read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    namespace: dict = {}
    exec(code[0], namespace)
    namespace.update(province_a=province_a, province_b=province_b)
    exec(code[1], namespace)
    return namespace


def test_the_notebook_pair_accepts_slugs_and_rejects_with_closest(capsys):
    assert _validate_pair("bac-lieu", "ben-tre")["codes"] == ["95", "83"]
    with pytest.raises(params.ParameterError, match=r"province_b='ben-tr'.*did you mean 'ben-tre'"):
        _validate_pair("bac-lieu", "ben-tr")
    with pytest.raises(params.ParameterError, match="province_a=7"):
        _validate_pair(7, "ben-tre")
    with pytest.raises(params.ParameterError, match="same province"):
        _validate_pair("ben-tre", "ben-tre")


# --- indicators ---------------------------------------------------------------------------

def test_every_value_in_the_comparison_figure_traces_to_its_source(cells, all_claims):
    """Walk the figure's data table: each shown value comes from the claim span (re-parsed
    from the raw article) or is recomputed from that value and the population row it names."""
    docs = {d.doc_id: d.raw for d in sources.load_corpus_documents()}
    population = pd.read_csv(paths.RAW / "provinces" / "area_population_2011_2025.csv", dtype=str,
                             keep_default_na=False)
    by_id = all_claims.set_index("claim_id")
    reported = cells[cells["reported"]]
    assert len(reported) > 40
    for _, cell in reported.iterrows():
        claim = by_id.loc[cell["claim_id"]]
        raw = docs[claim["doc_id"]]
        span = raw[int(claim["start"]):int(claim["end"])]
        assert span == cell["text"]
        parsed = vnnum.parse(corpus.normalise(raw[max(0, int(claim["start"]) - 40):int(claim["end"])]))
        assert parsed.value == Decimal(cell["value"]), (cell["indicator"], span)
        shown = Decimal(cell["shown_value"].split(" of ")[0].replace(",", ""))
        value = Decimal(cell["value"])
        if cell["population_source"]:
            line = int(cell["population_source"].split(" line ")[1].split(" ")[0])
            row = population.iloc[line - 2]
            assert row["gso_code"] == cell["gso_code"] and row["name_vi"] == cell["province"] and row["year"] == str(cell["population_year"])
            expected = value / (Decimal(row["avg_population_thousand"]) * 1000) * 100
            assert abs(shown - expected) <= Decimal("0.005")
        elif cell["shown_unit"] == "% of stated base":
            expected = value / Decimal(cell["denominator"]) * 100
            assert abs(shown - expected) <= Decimal("0.05")
        elif cell["shown_unit"] == "billion VND":
            assert shown * 10**9 == value
        else:
            assert shown == value, (cell["indicator"], shown, value)
        assert cases.source_of(cell, all_claims).startswith(f"claim {cell['claim_id']}")


def test_source_of_rejects_a_value_the_span_does_not_hold(cells, all_claims):
    cell = cells[cells["reported"]].iloc[0].copy()
    cell["value"] = str(Decimal(cell["value"]) + 1)
    with pytest.raises(cases.CaseError, match="parses to"):
        cases.source_of(cell, all_claims)


def test_indicator_reported_by_one_province_is_kept_and_said(cells):
    fibre = cells[cells["indicator"] == "households_fibre_broadband_percent"].set_index("gso_code")
    assert not fibre.at[BAC_LIEU, "reported"]
    assert "not reported" in fibre.at[BAC_LIEU, "note"] and "Bến Tre" in fibre.at[BAC_LIEU, "note"]
    assert fibre.at[BEN_TRE, "shown_value"] == "72.81"
    assert fibre.at[BAC_LIEU, "province"] == "Bạc Liêu"  # the name rides along as a label
    # every indicator has one row per province
    assert (cells.groupby("indicator")["gso_code"].apply(sorted) == [sorted(PAIR)] * cells["indicator"].nunique()).all()


def test_different_dates_are_flagged_and_latest_statement_shown(cells):
    teams = cells[cells["indicator"] == "community_digital_teams_commune"].set_index("gso_code")
    assert teams["dates_differ"].all()
    assert teams.at[BAC_LIEU, "as_of"] == "2023" and teams.at[BEN_TRE, "as_of"] == "2024-10-08"
    # members per inhabitant use the population of each figure's own year (001's "gần 4.180" counts the
    # members of other teams, not comparable with 004's total: a separate indicator)
    by = cells.set_index(["indicator", "gso_code"])
    assert by.at[("community_digital_team_members_other_teams", BAC_LIEU), "population_year"] == 2023
    assert by.at[("community_digital_team_members", BEN_TRE), "population_year"] == 2024
    # Bạc Liêu states fibre to communes in 003 (2022-09-15) and 000 (2023): the later is shown
    fibre = cells[(cells["indicator"] == "communes_with_fibre_percent") & (cells["gso_code"] == BAC_LIEU)].iloc[0]
    assert fibre["claim_id"] == "000-001429" and "003-003524" in fibre["also_stated"]


def test_normalisation_rules(cells):
    row = cells.set_index(["indicator", "gso_code"])
    assert row.loc[("telecom_subscribers", BAC_LIEU), "shown_unit"] == "subscribers per 100 inhabitants"
    assert row.loc[("online_public_services", BEN_TRE), "shown_unit"] == "% of stated base"
    # a stated rate stays as stated; counts without a base stay counts; unknown year is not normalised
    assert row.loc[("mobile_subscribers_per_100_inhabitants", BEN_TRE), "shown_value"] == "114.01"
    assert row.loc[("community_digital_teams_commune", BAC_LIEU), "shown_value"] == "64"
    assert row.loc[("enterprises_e_tax_percent", BAC_LIEU), "as_of"] == ""


def test_population_comes_from_the_matching_row():
    pop = cases.population(BEN_TRE, 2024, tables.load_population())
    raw = pd.read_csv(paths.RAW / "provinces" / "area_population_2011_2025.csv", dtype=str, keep_default_na=False)
    line = int(pop["source"].split(" line ")[1].split(" ")[0])
    assert raw.iloc[line - 2]["gso_code"] == BEN_TRE and raw.iloc[line - 2]["year"] == "2024"
    assert pop["population"] == int(Decimal(raw.iloc[line - 2]["avg_population_thousand"]) * 1000)
    with pytest.raises(cases.CaseError, match=r"Bến Tre \(83\) 2030"):
        cases.population(BEN_TRE, 2030, tables.load_population())


def test_pair_without_corpus_gives_empty_cells(book):
    meta = sources.load_corpus_metadata()
    absent = [c for c in sorted(provinces.load_reference()["gso_code"]) if c not in set(meta["gso_code"])][:2]
    assert len(absent) == 2  # two of the 63 units without any article in the corpus
    assert cases.indicator_cells(book, absent, tables.load_population()).empty
    docs = cases.corpus_documents([absent[0], BAC_LIEU], meta)
    assert docs["articles"].tolist() == [0, int((meta["province"] == "Bạc Liêu").sum())] and docs.at[1, "articles"] > 0
    assert docs["province"].tolist() == [provinces.name_of(absent[0]), "Bạc Liêu"]


# --- timeline -----------------------------------------------------------------------------

def test_every_date_claim_is_reviewed_or_queued_and_no_date_is_typed(all_claims):
    review = cases.check_timeline_review(sources.load_timeline_review())
    dates = all_claims[all_claims["kind"] == "date"]
    assert set(review["claim_id"]) <= set(dates["claim_id"])
    # An article with a reviewed date has every date reviewed; a date of an article nobody has reviewed
    # yet waits in the review queue (and enters the timeline as unreviewed).
    reviewed_articles = {cid[:3] for cid in review["claim_id"]}
    assert set(dates.loc[dates["claim_id"].str[:3].isin(reviewed_articles), "claim_id"]) <= set(review["claim_id"])
    unreviewed = set(cases.unreviewed_date_claims(all_claims, review)["claim_id"])
    assert unreviewed == set(dates["claim_id"]) - set(review["claim_id"])
    queue = tables.load_claims_review_queue()
    assert set(queue.loc[queue["kind"] == "date", "claim_id"]) == unreviewed
    assert queue.loc[queue["kind"] == "date", "reason"].str.startswith(claims.UNREVIEWED_DATE).all()
    assert not review["label"].str.contains(r"\d").any()
    assert "date" not in " ".join(review.columns.drop(["document_claim"]))  # no date column to type into


def test_timeline_dates_come_from_claims(all_claims):
    timeline = cases.timeline(all_claims, sources.load_corpus_metadata(), sources.load_timeline_review())
    by_id = all_claims.set_index("claim_id")
    resolution = timeline[(timeline["event_key"] == "bt-resolution-dt") & (timeline["role"] == "event")].iloc[0]
    assert resolution["date"] == by_id.at[resolution["claim_id"], "date_iso"] == "2020-10-20"
    assert resolution["document"] == "01-NQ/TU"
    # a day-month without a year and without a publication year is listed, never placed
    workshop = timeline[timeline["claim_id"] == "002-000338"].iloc[0]
    assert pd.isna(workshop["x_start"]) and "year not stated" in workshop["date"]
    # the ministry's visit takes its year from the article's publication date (reviewed)
    visit = timeline[timeline["claim_id"] == "003-000006"].iloc[0]
    assert visit["date"] == "2022-09-15" and "publication" in visit["dated_by"]


def test_automatic_classification():
    sentence = "năm 2021, Ban Thường vụ Tỉnh ủy đã ban hành Chỉ thị số 07 về chuyển đổi số giai đoạn đến năm 2025"
    assert cases.classify_event(sentence, 4, 8, "2021") == ("directive", "event")
    start = sentence.index("2025")
    assert cases.classify_event(sentence, start, start + 4, "2025")[1] == "target"
    assert cases.classify_event("tính đến giữa năm 2023, có 73 điểm", 18, 22, "2023") == ("other", "event")
    assert cases.classify_event("giai đoạn 2021-2025", 10, 19, "2021/2025")[1] == "period"


def test_review_must_follow_the_extractor(tmp_path, all_claims):
    review = pd.read_csv(paths.CODEBOOK / "timeline_events.csv", dtype=str, keep_default_na=False)
    stale = review.copy()
    stale.loc[0, "auto_type"] = "visit" if stale.loc[0, "auto_type"] != "visit" else "plan"
    stale.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(cases.CaseError, match="changed since the review"):
        cases.timeline(all_claims, sources.load_corpus_metadata(), sources.load_timeline_review(tmp_path / "t.csv"))
    review.iloc[1:].to_csv(tmp_path / "m.csv", index=False)
    missing = review.loc[0, "claim_id"]  # a date claim without a review row enters as unreviewed, never silently
    meta, partial = sources.load_corpus_metadata(), sources.load_timeline_review(tmp_path / "m.csv")
    events = cases.timeline(all_claims, meta, partial).set_index("claim_id")
    full = cases.timeline(all_claims, meta, sources.load_timeline_review()).set_index("claim_id")
    assert not events.at[missing, "reviewed"]
    assert events["reviewed"].drop(missing).sort_index().equals(full["reviewed"].drop(missing, errors="ignore").sort_index())
    assert events.at[missing, "label"] == "unreviewed date"
    before = cases.review_summary(all_claims, meta, sources.load_timeline_review())["unreviewed"].sum()
    assert cases.review_summary(all_claims, meta, partial)["unreviewed"].sum() == before + 1
    queue = claims.review_queue(all_claims, sources.load_codebook(), sources.load_audit_checks(),
                                timeline_review=partial)
    assert queue.set_index("claim_id").at[missing, "reason"].startswith(claims.UNREVIEWED_DATE)
    typed = review.copy()
    typed.loc[0, "label"] = "Directive of 2021"
    typed.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(cases.CaseError, match="holds a digit"):
        cases.check_timeline_review(sources.load_timeline_review(tmp_path / "d.csv"))


def test_place_without_year_is_not_guessed():
    assert cases.place("--10-23", "day", "publication", "")["x_start"] is None
    assert cases.place("--10-23", "day", "none", "2023")["x_start"] is None
    assert cases.place("--10-10", "day", "publication", "2024-10-08")["date"] == "2024-10-10"
    assert cases.place("2021/2025", "year", "claim", "")["x_end"] == 2026.0


def test_month_periods_and_quarters_are_placed():
    # "9 tháng đầu năm 2024" and "quý III/2024", as the parser writes them: from the first day to the end.
    months = cases.place("2024-01/2024-09", "month", "claim", "")
    assert (months["x_start"], months["dated_by"]) == (2024.0, "claim (period)")
    assert months["x_end"] == cases.place("2024-10", "month", "claim", "")["x_start"]
    quarter = cases.place("2024-Q3", "quarter", "claim", "")
    assert quarter["x_start"] == cases.place("2024-07", "month", "claim", "")["x_start"]
    assert quarter["x_end"] == months["x_end"] and quarter["date"] == "2024-Q3"
    assert cases.place("2024-Q4", "quarter", "claim", "")["x_end"] == 2025.0
    with pytest.raises(cases.CaseError, match="is not a date_iso"):
        cases.place("2024-Q5", "quarter", "claim", "")


# --- ranks and merger -----------------------------------------------------------------------

def test_dti_ranks_keep_every_source(dti):
    ranks = cases.dti_ranks("95", dti)
    assert set(ranks["source_kind"]) == {"official", "news", "corpus", "derived"}
    corpus_rows = ranks[ranks["source_kind"] == "corpus"]
    assert corpus_rows["year"].tolist() == [2021, 2021] and (corpus_rows["rank"] == 63).all()


def test_merger_summary_through_the_crosswalk(dti, units):
    cw = provinces.crosswalk()
    summary = cases.merger_summary("95", dti, units, cw)
    assert summary["constituent"].tolist() == ["Bạc Liêu", "Cà Mau"]
    assert set(summary["new_unit"]) == {"Cà Mau"}
    on_disk = pd.read_csv(paths.PROCESSED / "dti_panel_34.csv", dtype={"unit_code": str})
    on_disk = on_disk[(on_disk["rank_method"] == "computed_from_scores") & (on_disk["year"] == 2024)]
    row = on_disk[(on_disk["unit_code"] == "U96") & (on_disk["new_unit"] == "Cà Mau")].iloc[0]
    assert (summary["new_unit_rank_of_34"] == row["rank"]).all()
    backbone = dti[(dti["year"] == 2024) & (dti["measure"] == "dti") & (dti["rank_method"] == "computed_from_scores")]
    assert summary.iloc[0]["dti_rank_of_63"] == backbone.set_index("gso_code").at["95", "rank"]
    ben_tre = cases.merger_summary("83", dti, units, cw)
    assert ben_tre["constituent"].tolist()[0] == "Bến Tre" and len(ben_tre) == 3
    unchanged = cases.merger_summary(provinces.from_slug("ha-noi"), dti, units, cw)
    assert len(unchanged) == 1 and bool(unchanged["unchanged"].iloc[0])
