from pathlib import Path

import pytest

from helpers import files, sources


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


def test_string_table_names_the_file_and_missing_columns(tmp_path):
    table = tmp_path / "review.csv"
    table.write_text("claim_id,note\n001-000107,\n", encoding="utf-8")
    read = sources._string_table(table, ["claim_id", "note"], "review file")
    assert read.to_dict("records") == [{"claim_id": "001-000107", "note": ""}]
    with pytest.raises(sources.SourceError, match=r"review.csv: missing column\(s\) \['label'\]"):
        sources._string_table(table, ["claim_id", "label"], "review file")
    with pytest.raises(sources.SourceError, match=r"absent.csv: review file not found; restore it with `git checkout"):
        sources._string_table(tmp_path / "absent.csv", ["claim_id"], "review file")


def test_written_files_get_the_usual_mode(tmp_path):
    target = files.write_text(tmp_path / "t.txt", "x")
    assert target.stat().st_mode & 0o777 == files.default_mode()
