"""The values the notebooks record for the findings page are shown where they are computed: a table of
name, value and meaning (``helpers.findings.record``), one row anchored ``value-<name>`` per value."""

import html
import json
import re

import pytest

from helpers import findings, paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _recorded(notebook) -> tuple[list[str], str]:
    """The names a notebook records (its glue outputs) and the HTML of its other outputs."""
    names, shown = [], []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                names.append(meta["name"])
            elif "text/html" in out.get("data", {}):
                shown.append("".join(out["data"]["text/html"]))
    return names, "\n".join(shown)


def test_every_recorded_name_of_every_notebook_has_a_meaning():
    names = [name for nb in NOTEBOOKS for name in _recorded(nb)[0]]
    assert len(names) > 300  # the seven notebooks record about four hundred values
    meanings = {name: findings.meaning(name) for name in names}
    assert {name: m for name, m in meanings.items() if len(m.split()) < 3} == {}
    assert all("{" not in m and "None" not in m for m in meanings.values())


def test_every_notebook_shows_each_value_it_records_in_an_anchored_row():
    for nb in NOTEBOOKS:
        names, shown = _recorded(nb)
        for name in names:
            row = re.search(rf'<tr id="value-{name}"><td><code>{name}</code></td><td>([^<]*)</td><td>([^<]+)</td>', shown)
            assert row, f"{nb.name}: {name} is recorded but not shown in its table"
            assert html.unescape(row.group(2)) == findings.meaning(name)


def test_the_values_table_escapes_its_text_and_anchors_every_row():
    table = findings.values_table({"n_articles": 4, "progress_names": "<b>Bạc Liêu</b> & Bến Tre"})
    assert '<tr id="value-n_articles"><td><code>n_articles</code></td><td>4</td>' in table
    assert "&lt;b&gt;Bạc Liêu&lt;/b&gt; &amp; Bến Tre" in table and "<b>" not in table
    assert table.count("<tr id=") == 2


def test_an_interval_end_is_described_by_the_value_it_bounds():
    assert findings.meaning("rho_first_low").startswith("lower end of the interval of: Spearman")
    assert findings.meaning("tri_high") == f"upper end of the interval of: {findings.meaning('tri_rho')}"
    assert findings.meaning("stab_12_other_adm_low").endswith("on the other scale")
    assert "Bạc Liêu" in findings.meaning("tc_95_lfsr")


def test_a_name_without_a_meaning_is_refused_with_its_name():
    with pytest.raises(KeyError, match="no_such_value"):
        findings.meaning("no_such_value")
