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
