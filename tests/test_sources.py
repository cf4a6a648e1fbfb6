import shutil

import pandas as pd
import pytest

from helpers import paths, sources, study


def test_raw_inputs_match_manifest():
    table = sources.verify_raw()
    assert len(table) == len([p for p in paths.RAW.rglob("*") if p.is_file()]) - 1
    corpus = table[table["path"].str.startswith("corpus/") & table["path"].str.endswith(".txt")]
    assert sorted(corpus["path"]) == sorted(f"corpus/{f}" for f in sources.load_corpus_metadata()["file"])


@pytest.fixture
def raw_copy(tmp_path):
    target = tmp_path / "raw"
    shutil.copytree(paths.RAW, target)
    return target


def test_changed_file_is_named(raw_copy):
    victim = raw_copy / "dti" / "dti_2022.csv"
    victim.write_text(victim.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(sources.ChecksumError, match=r"dti/dti_2022.csv: sha256 .* does not match"):
        sources.verify_raw(raw_copy, raw_copy / "MANIFEST.csv")


def test_unlisted_file_is_named(raw_copy):
    (raw_copy / "extra.csv").write_text("a\n", encoding="utf-8")
    with pytest.raises(sources.ChecksumError, match="extra.csv: present .* not listed"):
        sources.verify_raw(raw_copy, raw_copy / "MANIFEST.csv")


def test_missing_file_is_named(raw_copy):
    (raw_copy / "corpus" / "metadata.csv").unlink()
    with pytest.raises(sources.ChecksumError, match="corpus/metadata.csv: listed .* not found"):
        sources.verify_raw(raw_copy, raw_copy / "MANIFEST.csv")


# --- schemas ----------------------------------------------------------------------------

def test_every_raw_table_has_a_loader_and_loads():
    csvs = {p for p in sources.read_manifest()["path"] if p.endswith(".csv")}
    assert csvs == set(sources.raw_loaders())
    for path, load in sources.raw_loaders().items():
        table = load()
        assert len(table) > 0, path


def test_dti_year_files_have_one_row_per_unit_and_codes():
    for year in sources.round_files(study.PROVINCES):
        table = sources.load_dti_round(study.PROVINCES, year)
        assert sorted(table["gso_code"]) == sorted(sources.reference().table["gso_code"])


def _broken(tmp_path, name, edit):
    """A copy of a raw DTI file with one edit applied to its text."""
    lines = (paths.RAW / "dti" / name).read_text(encoding="utf-8").splitlines(keepends=True)
    target = tmp_path / name
    target.write_text("".join(edit(lines)), encoding="utf-8")
    return target


def _replace_line(index, old, new):
    def edit(lines):
        assert old in lines[index]
        lines[index] = lines[index].replace(old, new, 1)
        return lines
    return edit


def test_missing_column_is_named(tmp_path):
    def drop_rank(lines):
        return [",".join(x for i, x in enumerate(line.split(",")) if i != 1) for line in lines]
    bad = _broken(tmp_path, "dti_2022.csv", drop_rank)
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv: missing column\(s\) \['rank'\]"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


def test_duplicate_unit_year_is_named(tmp_path):
    # line 3 (Hồ Chí Minh) becomes a second Đà Nẵng row
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(2, "TP. Hồ Chí Minh", "Đà Nẵng"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv rows \[1, 2\] \(lines \[2, 3\]\), columns \['year', 'gso_code'\]: duplicate unit and year \[2022, '48'\]"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


def test_rank_64_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(63, "2022,63,", "2022,64,"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv row 63 \(line 64\), column rank: value 64 fails rank within 1..63"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


def test_score_above_one_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(1, "0.8002", "1.2"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv row 1 \(line 2\), column dti_score: value 1.2 fails score within \[0, 1\]"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


def test_unknown_province_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(3, "Quảng Ninh", "Quang Nimh"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv row 3 \(line 4\), column province: unknown province 'Quang Nimh'.*did you mean \['Quảng Ninh'"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


def test_text_in_a_number_column_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(1, "0.8002", "0.80o2"))
    with pytest.raises(sources.SourceError, match=r"row 1 \(line 2\), column dti_score: '0.80o2' is not a number"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


READ_COLUMNS = {"name": "str", "year": "int", "score": "float", "rank": "int"}


def _csv(tmp_path, text: str):
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_parses_numbers_strips_them_and_leaves_blanks_missing(tmp_path):
    table = sources._read(_csv(tmp_path, "name,rank,score,year,note\nHo\u0300a An, 3 ,0.25,2022,x\nB,,,2023,\n"),
                          READ_COLUMNS)
    assert table["name"].tolist() == ["Hòa An", "B"]  # each cell in NFC, its spaces kept
    assert table["rank"].tolist()[0] == 3 and pd.isna(table["rank"].tolist()[1])
    assert str(table["rank"].dtype) == "Int64" and str(table["year"].dtype) == "Int64"
    assert table["score"].dtype == float and pd.isna(table["score"].iloc[1])
    assert table["note"].tolist() == ["x", ""] and table["line"].tolist() == [2, 3]


@pytest.mark.parametrize(("rows", "message"), [
    ("A,2022,0.5,2.5", r"row 1 \(line 2\), column rank: '2.5' is not a whole number"),
    ("A,2022,inf,1", r"row 1 \(line 2\), column score: 'inf' is not a finite number"),
    # the first bad column in the order the loader lists them, then its first bad row
    ("A,2022,0.5,x\nB,20x2,0.5,1\nC,2024,y,1", r"row 2 \(line 3\), column year: '20x2' is not a whole number"),
    ("A,2022,0.5,1\nB,2023,no,1\nC,2024,nan?,1", r"row 2 \(line 3\), column score: 'no' is not a number"),
])
def test_read_names_the_first_bad_number(tmp_path, rows, message):
    with pytest.raises(sources.SourceError, match=message):
        sources._read(_csv(tmp_path, f"name,year,score,rank\n{rows}\n"), READ_COLUMNS)


def test_stray_comma_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(1, "0.8002", "0,8002"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv row 1 \(line 2\): 20 fields, the header has 19"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


def test_broken_competition_tie_is_named(tmp_path):
    # 2022 has Thanh Hóa and Yên Bái tied at 15, then 17: a 16 cannot follow
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(17, "2022,17,", "2022,16,"))
    with pytest.raises(sources.SourceError, match=r"column rank.*rank 15 is shared by 2 units, so rank\(s\) \[16\] cannot occur"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


def test_higher_score_with_worse_rank_is_named(tmp_path):
    # give Quảng Ninh (rank 3) a score above Đà Nẵng's (rank 1)
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(3, "0.7024", "0.9024"))
    with pytest.raises(sources.SourceError, match=r"row 3 \(line 4\), column rank: .*higher score never has a worse rank"):
        sources.load_dti_round(study.PROVINCES, 2022, bad)


def _broken_papi(tmp_path, index, old, new):
    lines = (paths.RAW / "other_indices" / "papi_egovernance_2018_2024.csv").read_text(encoding="utf-8")
    target = tmp_path / "papi_egovernance_2018_2024.csv"
    target.write_text("".join(_replace_line(index, old, new)(lines.splitlines(keepends=True))), encoding="utf-8")
    return target


def test_papi_value_that_is_not_the_sum_of_its_sub_dimensions_is_named(tmp_path):
    bad = _broken_papi(tmp_path, 1, "Hà Nội,2018,3.3195,", "Hà Nội,2018,3.4195,")
    with pytest.raises(sources.SourceError, match=r"papi_egovernance_2018_2024.csv row 1 \(line 2\), column value: "
                       r"3.4195 is not the sum of its sub-dimensions \(3.3195\)"):
        sources.load_papi(bad)


def test_papi_sub_dimension_above_its_scale_is_named_before_the_sum(tmp_path):
    # Hà Giang 2019 (line 66): the second of three sub-dimensions above 10/3; the value no longer adds up either
    bad = _broken_papi(tmp_path, 65, ",1.863080382,", ",3.463080382,")
    with pytest.raises(sources.SourceError, match=r"row 65 \(line 66\), column sc82_internet_access: 3.463080382 is "
                       r"above 3.33, the top of PAPI's scale for one of 3 sub-dimensions"):
        sources.load_papi(bad)


def test_incomplete_score_year_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_scores_2022_2024.csv", lambda lines: lines[:-1])
    with pytest.raises(sources.SourceError, match=r"year 2024 has 62 units, expected all 63"):
        sources.load_dti_scores(study.PROVINCES, [bad])


def test_34unit_names_resolve_through_merger(tmp_path):
    table = sources.load_dti_round(study.UNITS, 2024)
    assert table.set_index("province").loc["Cà Mau", "unit_code"] == "U96"
    lines_edit = _replace_line(1, "TP. Hà Nội", "Bạc Liêu")  # an old unit is not a 2025 unit
    bad = _broken(tmp_path, "dti_2024_34units.csv", lines_edit)
    with pytest.raises(sources.SourceError, match=r"row 1 \(line 2\), column province: unknown 2025 unit 'Bạc Liêu'"):
        sources.load_dti_round(study.UNITS, 2024, bad)


def test_competition_rank_problems():
    assert sources.competition_rank_problems(pd.Series([1, 2, 2, 4])) == []
    assert sources.competition_rank_problems(pd.Series([1, 2, 2, 3]))  # 3 after a 2-way tie at 2
    assert sources.competition_rank_problems(pd.Series([1, None, 5])) == []  # partial list


def test_derived_values_keep_their_text():
    table = sources.load_derived_candidates()
    odd = table[table["number"].isna()]
    assert odd["value"].tolist() == ["24?"]


# --- main indices and map inputs ------------------------------------------------------

def test_main_indices_keys_and_coverage():
    table = sources.load_main_indices()
    full = table[(table["year"] == 2024) & (table["units"] == 34)]
    assert full.groupby("measure")["unit_code"].nunique().eq(34).all()
    assert (full["gso_code"] == "").all()
    old = table[table["units"] == 63]
    assert (old["gso_code"].str.fullmatch(r"\d{2}")).all() and (old["unit_code"] == "").all()
    cau_mau = full[full["unit_name"].str.contains("Cà Mau")]["unit_code"].unique().tolist()
    assert cau_mau == ["U96"]
    assert table.loc[0, "line"] == 2


def _broken_main(tmp_path, line, old, new):
    return _broken(tmp_path, "dti_main_indices_published.csv", _replace_line(line, old, new))


def test_main_indices_rank_beyond_units_is_named(tmp_path):
    bad = _broken_main(tmp_path, 195, "2024,34,TP. Hà Nội,dti,1,", "2024,34,TP. Hà Nội,dti,40,")
    with pytest.raises(sources.SourceError, match=r"row 195 \(line 196\), column rank: rank 40 exceeds units 34"):
        sources.load_main_indices([bad])


def test_main_indices_unknown_measure_is_named(tmp_path):
    bad = _broken_main(tmp_path, 1, ",awareness,", ",awarenes,")
    with pytest.raises(sources.SourceError, match=r"row 1 \(line 2\), column measure: value 'awarenes'"):
        sources.load_main_indices([bad])


def test_main_indices_old_name_is_not_a_2025_unit(tmp_path):
    bad = _broken_main(tmp_path, 195, "2024,34,TP. Hà Nội,", "2024,34,Bạc Liêu,")
    with pytest.raises(sources.SourceError, match=r"line 196\), column unit_name: unknown 2025 unit 'Bạc Liêu'"):
        sources.load_main_indices([bad])


def test_reference_points_cover_the_63_units_and_names_match_codes(tmp_path):
    table = sources.load_reference_points()
    assert len(table) == 63 and table.set_index("gso_code").loc["95", "name"] == "Bạc Liêu"
    lines = (paths.RAW / "geo" / "province_reference_points_63.csv").read_text(encoding="utf-8").splitlines(True)
    lines[1] = lines[1].replace("01,Hà Nội", "03,Hà Nội", 1)  # 03 is no GSO code
    bad = tmp_path / "points.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(sources.SourceError, match=r"row 1 \(line 2\), column gso_code: '03' but province 'Hà Nội'"):
        sources.load_reference_points(bad)


def test_echarts_text_is_the_map_file(tmp_path):
    assert "echarts.registerMap('越南'" in sources.read_echarts_text()
    other = tmp_path / "other.js"
    other.write_text("var x = 1;", encoding="utf-8")
    with pytest.raises(sources.SourceError, match="no echarts.registerMap"):
        sources.read_echarts_text(other)


def test_codebook_provinces_become_codes_and_an_unknown_one_is_named(tmp_path):
    book = sources.load_codebook()
    names = sources.reference()
    assert (book["gso_code"] == [names.resolve(p) for p in book["province"]]).all()
    assert book.loc[book["province"] == "Bạc Liêu", "gso_code"].eq("95").all() and len(book) > 0
    lines = (paths.CODEBOOK / "indicators.csv").read_text(encoding="utf-8").splitlines(True)
    lines[1] = lines[1].replace(",Bạc Liêu,", ",Bac Lieuu,", 1)
    (tmp_path / "indicators.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(sources.SourceError, match=r"indicators.csv row 1 \(line 2\), column province: unknown "
                                                  r"province 'Bac Lieuu'.*did you mean"):
        sources.load_codebook(tmp_path / "indicators.csv")


def test_corpus_metadata_codes_each_article_and_leaves_other_places_blank(tmp_path):
    meta = sources.load_corpus_metadata()
    assert meta["gso_code"].tolist()[:5] == ["95", "95", "95", "95", "83"]  # the study's first articles
    text = (paths.CORPUS / "metadata.csv").read_text(encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(text + "005_x,005_x.txt,outlet,,2024,year,Cả nước,title,note\n",
                                           encoding="utf-8")
    other = sources.load_corpus_metadata(tmp_path / "metadata.csv")
    assert other.set_index("doc_id").at["005_x", "gso_code"] == ""  # the whole country: not one of the 63
