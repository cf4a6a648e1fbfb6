"""The data build: committed tables equal a fresh build; checksums first; all tables or none."""

import pytest

from helpers import sources, tables
from helpers.run import build, publish


@pytest.fixture(scope="module")
def built():
    return build.build_all(log=lambda *_: None)


@pytest.mark.parametrize("name", list(tables.TABLES))
def test_committed_table_equals_fresh_build(built, name):
    committed = tables.TABLES[name].file
    assert committed.is_file(), f"{name} is missing: run `make data`"
    assert build.file_bytes(tables.TABLES[name], built[name]) == committed.read_bytes(), f"{name} is stale"


@pytest.mark.parametrize("name", list(tables.TABLES))
def test_each_table_has_one_loader_that_reads_what_was_built(built, name):
    loaded = tables.TABLE_LOADERS[name]()
    assert len(loaded) == len(built[name])
    assert sorted(loaded.columns) == sorted(built[name].columns)


def test_builders_only_need_tables_built_before_them():
    seen: set[str] = set()
    for table in tables.TABLES.values():
        assert set(table.needs) <= seen, f"{table.name} needs {set(table.needs) - seen} before it is built"
        seen.add(table.name)


def test_replace_together_writes_nothing_when_staging_fails(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "blocker" / "b.csv"
    a.write_bytes(b"old\n")
    (tmp_path / "blocker").write_text("a file where a folder should be")
    with pytest.raises(OSError):
        publish.replace_together({a: b"new\n", b: b"new\n"})
    assert a.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "blocker"]


def test_unchanged_tables_keep_their_files(tmp_path):
    a = tmp_path / "a.csv"
    a.write_bytes(b"same\n")
    before = a.stat().st_mtime_ns
    assert publish.replace_together({a: b"same\n"}) == set()
    assert a.stat().st_mtime_ns == before


def test_a_changed_raw_file_stops_the_build_before_any_table_is_written(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(sources, "verify_raw", lambda: (_ for _ in ()).throw(sources.ChecksumError("x: changed")))
    monkeypatch.setattr(build, "build_all", lambda **_: calls.append(1))
    with pytest.raises(SystemExit) as stop:
        build.main([])
    assert stop.value.code == 1 and calls == []


def test_a_raw_table_is_validated_once_per_build_and_each_caller_gets_its_own_copy(monkeypatch):
    from helpers import sources

    reads = []
    original = sources._read
    monkeypatch.setattr(sources, "_read", lambda *a, **k: reads.append(a[0]) or original(*a, **k))
    with sources.remembering():
        first = sources.load_provinces()
        first.loc[0, "name_vi"] = "changed by a caller"
        second, third = sources.load_provinces(), sources.load_provinces()
    assert len(reads) == 1
    assert second.equals(third) and second is not third and second.loc[0, "name_vi"] != "changed by a caller"
    assert second.attrs == first.attrs
    sources.load_provinces()
    assert len(reads) == 2  # outside a build, every call reads the file
