import shutil

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
