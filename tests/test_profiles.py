"""Province profile tables trace to the reference data, the panel and the codebook."""

import json

import nbformat
import pandas as pd
import pytest

from helpers import paths, profile_sections, provinces, study, tables
from helpers.run import profile_sweep, site

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


def test_units_page_links_every_profile_written_and_only_those():
    page = site.units_page({"bac-lieu", "ben-tre"})
    assert page.count("<a href=") == 2
    assert '<a href="profiles/bac-lieu.html">Bạc Liêu</a>' in page and '<a href="profiles/ben-tre.html">' in page
    assert page.count("<tr><td>") == study.PROVINCES.n_units


def _executed_profile(tmp_path):
    """A profile notebook as papermill leaves it: its parameters cell, the injected one, code cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Province profile\n\nRun it in Lab.\n\nA dash is a value no source states."),
                nbformat.v4.new_code_cell('province: str = "bac-lieu"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell('province = "ha-giang"', metadata={"tags": ["injected-parameters"]}),
                nbformat.v4.new_code_cell("profile_sections.identity(gso_code)")]
    path = tmp_path / "ha-giang.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_profile_page_is_titled_with_its_province_without_parameters_or_code(tmp_path):
    page = json.loads(site.profile_page(_executed_profile(tmp_path), "Hà Giang", {"03_data"}, explorer=False))
    sources = ["".join(c["source"]) for c in page["cells"]]
    assert sources[0].startswith("# Hà Giang: province profile\n\nWhat the study holds about Hà Giang. A dash is a value "
                                 "no source states.")
    assert "Lab" not in sources[0]
    assert "[all 63 provinces](../profiles.md)" in sources[0] and "(../notebooks/03_data.ipynb)" in sources[0]
    assert "../notebooks/04_trajectories.ipynb" not in sources[0]  # only notebooks of the site are linked
    assert "explorer" not in sources[0]
    assert not any("province" in s and "=" in s for s in sources)  # neither parameters cell is left
    code = [c for c in page["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1 and "remove-input" in code[0]["metadata"]["tags"]
    with_explorer = site.profile_page(_executed_profile(tmp_path), "Hà Giang", set(), explorer=True)
    assert "[the interactive explorer](../explorer.md)" in with_explorer


def test_profile_tables_have_no_index_no_missing_marker_and_link_their_sources():
    history = profile_sections.readable_history(profile_sections.dti_history(BAC_LIEU, tables.load_dti_panel()))
    html = history._repr_html_()
    assert "<th></th>" not in html and "<NA>" not in html and "NaN" not in html and "nan<" not in html
    assert list(history.frame.columns[:2]) == ["year", "DTI rank"]
    assert '<a href="https://dti.gov.vn/xep-hang-2022" title="https://dti.gov.vn/xep-hang-2022">dti.gov.vn</a>' in html
    assert profile_sections.MISSING in html  # the 2022 published row states no score
    assert "<NA>" not in repr(history) and "NaN" not in repr(history)


def test_profile_tables_escape_their_text():
    table = profile_sections.Table(pd.DataFrame({"text": ['<script>alert(1)</script> see https://a.vn/x?a=1&b=2'],
                                                 "n": [pd.NA]}))
    html = table._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://a.vn/x?a=1&amp;b=2" title="https://a.vn/x?a=1&amp;b=2">a.vn</a>' in html and f"<td>{profile_sections.MISSING}</td>" in html


def test_every_profile_table_reads_for_a_province_with_and_without_data():
    for code in (BAC_LIEU, provinces.from_slug("ha-noi")):
        tables_shown = [profile_sections.readable_other(profile_sections.other_history(code, tables.load_other_indices())),
                        profile_sections.readable_merger(profile_sections.merger(code, tables.load_crosswalk_2025(),
                                                                                 tables.load_dti_panel_34())),
                        profile_sections.readable_main_indices(profile_sections.main_indices(code,
                                                                                            tables.load_main_indices())),
                        profile_sections.readable_evidence(profile_sections.corpus_evidence(code, tables.load_codebook()))]
        for table in tables_shown:
            html = table._repr_html_()
            assert "<NA>" not in html and "NaN" not in html and "_" not in "".join(table.frame.columns)


def _folder_state(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*")} if folder.is_dir() else None


def test_profile_sweep_refuses_an_unknown_slug_and_writes_nothing(capsys):
    before = _folder_state(profile_sweep.PROFILES)
    with pytest.raises(SystemExit) as stop:
        profile_sweep.main(["nghe-ann"])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "parameter province='nghe-ann'" in err and "did you mean 'nghe-an'" in err
    assert _folder_state(profile_sweep.PROFILES) == before


@pytest.mark.parametrize("given", [["--kernels"], ["--kernels", "0"], ["--kernels", "two", "bac-lieu"]])
def test_a_bad_kernel_count_stops_the_sweep_with_one_line_before_anything_runs(given, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(profile_sweep, "PROFILES", tmp_path / "profiles")
    with pytest.raises(SystemExit) as stopped:
        profile_sweep.main(given)
    assert stopped.value.code == 1
    error = capsys.readouterr().err.splitlines()
    assert error[0] == "error: --kernels takes a whole number of kernels, 1 or more, e.g. --kernels 2"
    assert not (tmp_path / "profiles").exists()
