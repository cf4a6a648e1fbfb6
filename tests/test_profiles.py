"""Province profile tables trace to the reference data, the panel and the codebook."""

import pandas as pd
import pytest

from helpers import paths, profile_sections, provinces, tables
from helpers.run import profile_sweep

BAC_LIEU = provinces.from_slug("bac-lieu")


def test_identity_values_come_from_the_reference_table():
    raw = pd.read_csv(paths.RAW / "provinces" / "provinces.csv", dtype=str).set_index("gso_code").loc[BAC_LIEU]
    facts = profile_sections.identity(BAC_LIEU).set_index("fact")["value"]
    assert facts["name"] == raw["name_vi"] == "Bạc Liêu"
    assert facts["population, 2019 census"].replace(",", "") == raw["population_2019_census"]
    assert facts["region"] == raw["region"]


def test_merger_follows_bac_lieu_into_ca_mau_with_the_34_unit_result():
    row = profile_sections.merger(BAC_LIEU, tables.load_crosswalk_2025(), tables.load_dti_panel_34()).iloc[0]
    merger = pd.read_csv(paths.RAW / "provinces" / "merger_2025.csv", dtype=str).set_index("gso_code").loc[BAC_LIEU]
    assert row["new unit (2025)"] == merger["new_unit_short"]
    assert row["unit code"] == "U" + merger["new_unit_code_2025"] and row["round"] == 2024
    assert "Cà Mau" in row["merged with"]
    units34 = pd.read_csv(paths.PROCESSED / "dti_panel_34.csv", dtype={"unit_code": str})
    backbone = units34[(units34["rank_method"] == "computed_from_scores") & (units34["year"] == 2024)]
    expected = backbone.loc[backbone["unit_code"] == "U" + merger["new_unit_code_2025"], "rank"].iloc[0]
    assert row["DTI rank among 34 units"] == expected


def test_dti_history_keeps_every_source_including_the_corpus_rank():
    hist = profile_sections.dti_history(BAC_LIEU, tables.load_dti_panel())
    corpus = hist[hist["source_kind"] == "corpus"]
    assert set(corpus["year"]) == {2021} and set(corpus["rank"]) == {63}
    assert set(hist.loc[hist["source_kind"] == "official", "year"]) >= {2022, 2023, 2024}


def test_corpus_evidence_is_empty_for_a_province_without_articles():
    codebook = tables.load_codebook()
    assert profile_sections.corpus_evidence(provinces.from_slug("ha-noi"), codebook).empty
    assert not profile_sections.corpus_evidence(BAC_LIEU, codebook).empty


def test_profile_index_links_every_written_page():
    units = provinces.load_reference().sort_values("gso_code").head(3)
    written = {units["slug"].iloc[0]: paths.BUILD / "x.ipynb"}
    page = profile_sweep._index_page(units, written)
    assert page.count("<a href=") == 1 and page.count("(failed)") == 2


def test_profile_sweep_refuses_an_unknown_slug_and_writes_nothing(capsys):
    index = profile_sweep.PROFILES / "index.html"
    before = index.read_bytes() if index.is_file() else None
    with pytest.raises(SystemExit) as stop:
        profile_sweep.main(["nghe-ann"])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "parameter province='nghe-ann'" in err and "did you mean 'nghe-an'" in err
    assert (index.read_bytes() if index.is_file() else None) == before
