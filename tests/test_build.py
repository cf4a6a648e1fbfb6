"""Derived tables: the committed files are exactly what the builders produce now."""

import pandas as pd
import pytest

from helpers import build, paths


@pytest.mark.parametrize("name,spec", build.BUILDERS or [pytest.param(None, None, marks=pytest.mark.skip("no builders yet"))])
def test_committed_table_equals_fresh_build(tmp_path, name, spec):
    fresh = build.builder(spec)()
    build.write_csv(fresh, tmp_path / name)
    committed = paths.PROCESSED / name
    assert committed.is_file(), f"{name} is missing: run `make data`"
    assert (tmp_path / name).read_bytes() == committed.read_bytes(), f"{name} is stale: run `make data`"


def test_write_csv_is_atomic_and_deterministic(tmp_path):
    table = pd.DataFrame({"province": ["Bạc Liêu", "Bến Tre"], "score": [0.5123, 0.1]})
    build.write_csv(table, tmp_path / "t.csv")
    first = (tmp_path / "t.csv").read_bytes()
    build.write_csv(table, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == first
    assert first.decode("utf-8") == "province,score\nBạc Liêu,0.5123\nBến Tre,0.1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
