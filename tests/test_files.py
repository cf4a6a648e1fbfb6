from pathlib import Path

import pytest

from helpers import files


def test_write_text_replaces_the_target(tmp_path):
    target = tmp_path / "sub" / "page.html"
    files.write_text(target, "Bạc Liêu\n")
    files.write_text(target, "Bến Tre\n")
    assert target.read_text(encoding="utf-8") == "Bến Tre\n"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old\n", encoding="utf-8")

    def broken(tmp):
        Path(tmp).write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        files.write_atomic(target, broken)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_read_string_table_names_the_file_and_missing_columns(tmp_path):
    table = tmp_path / "review.csv"
    table.write_text("claim_id,note\n001-000107,\n", encoding="utf-8")
    read = files.read_string_table(table, ["claim_id", "note"])
    assert read.to_dict("records") == [{"claim_id": "001-000107", "note": ""}]
    with pytest.raises(KeyError, match=r"review.csv: missing column\(s\) \['label'\]"):
        files.read_string_table(table, ["claim_id", "label"], KeyError)
    with pytest.raises(ValueError, match="absent.csv: review file not found"):
        files.read_string_table(tmp_path / "absent.csv", ["claim_id"], what="review file")
