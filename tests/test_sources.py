import shutil

import pandas as pd
import pytest

from helpers import paths, sources


def test_raw_inputs_match_manifest():
    table = sources.verify_raw()
    assert len(table) == len([p for p in paths.RAW.rglob("*") if p.is_file()]) - 1
    corpus = table[table["path"].str.startswith("corpus/") & table["path"].str.endswith(".txt")]
    assert len(corpus) == 5


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
    assert csvs == set(sources.LOADERS)
    for path, load in sources.LOADERS.items():
        table = load()
        assert len(table) > 0, path


def test_dti_year_files_have_one_row_per_unit_and_codes():
    for year in sources.DTI_YEARS:
        table = sources.load_dti_year(year)
        assert sorted(table["gso_code"]) == sorted(sources.provinces.load_reference()["gso_code"])


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
        sources.load_dti_year(2022, bad)


def test_duplicate_unit_year_is_named(tmp_path):
    # line 3 (Hồ Chí Minh) becomes a second Đà Nẵng row
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(2, "TP. Hồ Chí Minh", "Đà Nẵng"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv rows \[1, 2\] \(lines \[2, 3\]\), columns \['year', 'gso_code'\]: duplicate unit and year \[2022, '48'\]"):
        sources.load_dti_year(2022, bad)


def test_rank_64_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(63, "2022,63,", "2022,64,"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv row 63 \(line 64\), column rank: value 64 fails rank within 1..63"):
        sources.load_dti_year(2022, bad)


def test_score_above_one_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(1, "0.8002", "1.2"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv row 1 \(line 2\), column dti_score: value 1.2 fails score within \[0, 1\]"):
        sources.load_dti_year(2022, bad)


def test_unknown_province_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(3, "Quảng Ninh", "Quang Nimh"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv row 3 \(line 4\), column province: unknown province 'Quang Nimh'.*did you mean \['Quảng Ninh'"):
        sources.load_dti_year(2022, bad)


def test_text_in_a_number_column_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(1, "0.8002", "0.80o2"))
    with pytest.raises(sources.SourceError, match=r"row 1 \(line 2\), column dti_score: '0.80o2' is not a number"):
        sources.load_dti_year(2022, bad)


def test_stray_comma_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(1, "0.8002", "0,8002"))
    with pytest.raises(sources.SourceError, match=r"dti_2022.csv row 1 \(line 2\): 20 fields, the header has 19"):
        sources.load_dti_year(2022, bad)


def test_broken_competition_tie_is_named(tmp_path):
    # 2022 has Thanh Hóa and Yên Bái tied at 15, then 17: a 16 cannot follow
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(17, "2022,17,", "2022,16,"))
    with pytest.raises(sources.SourceError, match=r"column rank.*rank 15 is shared by 2 units, so rank\(s\) \[16\] cannot occur"):
        sources.load_dti_year(2022, bad)


def test_higher_score_with_worse_rank_is_named(tmp_path):
    # give Quảng Ninh (rank 3) a score above Đà Nẵng's (rank 1)
    bad = _broken(tmp_path, "dti_2022.csv", _replace_line(3, "0.7024", "0.9024"))
    with pytest.raises(sources.SourceError, match=r"row 3 \(line 4\), column rank: .*higher score never has a worse rank"):
        sources.load_dti_year(2022, bad)


def test_incomplete_score_year_is_named(tmp_path):
    bad = _broken(tmp_path, "dti_scores_2022_2024.csv", lambda lines: lines[:-1])
    with pytest.raises(sources.SourceError, match=r"year 2024 has 62 units, expected all 63"):
        sources.load_dti_scores(bad)


def test_34unit_names_resolve_through_merger(tmp_path):
    table = sources.load_dti_34units()
    assert table.set_index("province").loc["Cà Mau", "new_unit_code_2025"] == "96"
    lines_edit = _replace_line(1, "TP. Hà Nội", "Bạc Liêu")  # an old unit is not a 2025 unit
    bad = _broken(tmp_path, "dti_2024_34units.csv", lines_edit)
    with pytest.raises(sources.SourceError, match=r"row 1 \(line 2\), column province: unknown 2025 unit 'Bạc Liêu'"):
        sources.load_dti_34units(bad)


def test_competition_rank_problems():
    assert sources.competition_rank_problems(pd.Series([1, 2, 2, 4])) == []
    assert sources.competition_rank_problems(pd.Series([1, 2, 2, 3]))  # 3 after a 2-way tie at 2
    assert sources.competition_rank_problems(pd.Series([1, None, 5])) == []  # partial list


def test_derived_values_keep_their_text():
    table = sources.load_derived_candidates()
    odd = table[table["number"].isna()]
    assert odd["value"].tolist() == ["24?"]
