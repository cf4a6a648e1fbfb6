"""The interactive explorer (``site/explorer.md``): its data come from the derived tables, a new round
appears without a change of code, the page is byte-stable, escaped and self-contained, and in headless
Chromium it works from ``file://``: a province picked, a region hovered, the tabs switched, the data on
screen downloaded, with no console error. Screenshots go to ``build/screenshots/explorer_*.png``.
"""

import csv
import io
import re

import pandas as pd
import pytest

from helpers import api, explorer, panel, paths, study, tables
from helpers.run import explorer as page_module

SCREENSHOTS = paths.BUILD / "screenshots"
PAGES = paths.BUILD / "explorer-test"
SITE_PAGE = paths.BUILD / "site" / "explorer.html"
HOSTILE = '<img src=x onerror="document.title=1">&amp;'


@pytest.fixture(scope="module")
def data():
    return explorer.explorer_data()


def _set(data, unit_set):
    return next(s for s in data["sets"] if s["id"] == unit_set.name)


def _new_round(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """A constructed panel with one more complete round: the last complete round's backbone rows with
    the ranks reversed, as the next year (made up, for this test only)."""
    last = max(panel.complete_years(table))
    rows = table[(table["year"] == last) & (table["rank_method"] == "computed_from_scores")].copy()
    rows["year"] = last + 1
    rows["rank"] = (rows["rank"].max() + 1 - rows["rank"]).astype("Int64")
    rows["source"] = "made-up round for tests/test_explorer.py"
    return pd.concat([table, rows], ignore_index=True), last + 1


# ---- data ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("unit_set", [study.PROVINCES, study.UNITS], ids=lambda u: u.name)
def test_every_rank_is_the_one_the_api_gives_and_nothing_is_filled_in(data, unit_set):
    shown = _set(data, unit_set)
    ranks = api.dti_ranks(unit_set.n_units)
    names = {u["code"]: u["name"] for u in shown["units"]}
    assert len(names) == unit_set.n_units
    pairs = {(r["name"], r["year"]): r["rank"] for r in shown["rows"]}
    expected = {(name, year): int(rank) for (name, year), rank in ranks.stack().items() if pd.notna(rank)}
    assert pairs == expected
    assert all(r["source_kind"] != "derived" for r in shown["rows"])
    assert all(names[r["code"]] == r["name"] for r in shown["rows"])


def test_rounds_come_from_the_data_complete_and_partial(data):
    table = tables.load_dti_panel()
    provinces = _set(data, study.PROVINCES)
    years = sorted(int(y) for y in table.loc[(table["measure"] == "dti") & table["rank"].notna()
                                             & (table["source_kind"] != "derived"), "year"].unique())
    assert [r["year"] for r in provinces["rounds"]] == years
    complete = [r["year"] for r in provinces["rounds"] if r["complete"]]
    assert complete == panel.complete_years(table)
    assert provinces["default_year"] == max(complete)
    for r in provinces["rounds"]:
        assert r["known"] == sum(row["year"] == r["year"] for row in provinces["rows"])
        assert (r["known"] == study.PROVINCES.n_units) == r["complete"]
    assert any(not r["complete"] for r in provinces["rounds"]), "the partial rounds are shown, marked partial"


@pytest.mark.parametrize("unit_set", [study.PROVINCES, study.UNITS], ids=lambda u: u.name)
def test_bottom_band_and_shapes_follow_the_unit_set(data, unit_set):
    shown = _set(data, unit_set)
    assert shown["bottom"] == {"k": explorer.BOTTOM_K, "label": "bottom five", "first": unit_set.n_units - explorer.BOTTOM_K + 1,
                               "last": unit_set.n_units}
    codes = sorted(f["properties"]["code"] for f in shown["shapes"]["features"])
    assert codes == sorted(u["code"] for u in shown["units"])


def test_the_typical_churn_band_is_the_progress_notebook_s_and_only_the_63_provinces_have_one(data):
    provinces, units = _set(data, study.PROVINCES), _set(data, study.UNITS)
    figure_data = pd.read_csv(explorer.CHURN_BANDS, dtype={"gso_code": str}).set_index("gso_code")
    assert {b["code"] for b in provinces["bands"]} == {u["code"] for u in provinces["units"]} == set(figure_data.index)
    for band in provinces["bands"]:
        row = figure_data.loc[band["code"]]
        assert (band["low"], band["high"], band["start_rank"], band["end_rank"]) == (
            row["churn_low"], row["churn_high"], row["start_rank"], row["end_rank"])
        assert (band["start_year"], band["end_year"]) == (row["start_round"], row["end_round"])
        assert _rank(provinces, band["code"], band["end_year"]) == band["end_rank"]  # the chart's own point
    assert provinces["band"]["source"] == "figures/07_churn_bands.csv" and provinces["band"]["level"] == 0.9
    assert units["bands"] == [] and units["band"] is None


def test_a_band_file_without_its_columns_stops_with_one_line(tmp_path):
    broken = tmp_path / "07_churn_bands.csv"
    broken.write_text("gso_code,province,start_rank\n95,Bạc Liêu,60\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"07_churn_bands.csv: no typical-churn band to draw \(missing columns: "
                                         r"start_round, end_round, end_rank, churn_low, churn_high, level\); re-run"):
        explorer.explorer_data(bands_63=broken)
    assert explorer.churn_bands(tmp_path / "absent.csv") == ([], None)


def test_a_new_round_appears_without_a_change_of_code(data):
    table, year = _new_round(tables.load_dti_panel())
    grown = explorer.explorer_data(panel_63=table)
    provinces = _set(grown, study.PROVINCES)
    assert provinces["rounds"][-1] == {"year": year, "complete": True, "known": study.PROVINCES.n_units,
                                       "of": study.PROVINCES.n_units}
    assert provinces["default_year"] == year
    html = page_module.page(data=grown)
    assert f'"domain":[{",".join(str(r["year"]) for r in provinces["rounds"])}]' in html


# ---- the page ------------------------------------------------------------------------------------

def test_page_is_byte_stable_and_needs_no_other_host(data):
    first, second = page_module.page(data=data), page_module.page(data=data)
    assert first == second
    assert str(paths.ROOT) not in first
    assert not re.search(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=[\"']?(?:https?:)?//", first)
    specs = re.search(r'<script type="application/json" id="dx-specs">(.*?)</script>', first).group(1)
    assert "$schema" not in specs and "http" not in specs
    assert len(first.encode("utf-8")) < 2_500_000


def test_text_from_inputs_is_escaped(data):
    hostile = {**data, "sets": [dict(s) for s in data["sets"]]}
    target = hostile["sets"][0]
    target["units"] = [{**u, "name": HOSTILE} for u in target["units"]]
    target["rows"] = [{**r, "name": HOSTILE, "source": HOSTILE} for r in target["rows"]]
    html = page_module.page(data=hostile).replace(page_module.bundle(), "")  # the vendored library aside
    assert "<img" not in html and "onerror=\"" not in html


# ---- in headless Chromium -------------------------------------------------------------------------

def _standalone(fragment: str, name: str) -> str:
    PAGES.mkdir(parents=True, exist_ok=True)
    target = PAGES / name
    target.write_text('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>DTI explorer</title>'
                      '<style>body{font-family:"DejaVu Sans",sans-serif;max-width:1000px;margin:1rem auto}</style>'
                      f"</head><body>\n{fragment}</body></html>\n", encoding="utf-8")
    return target.as_uri()


class Watched:
    """A page whose console errors, page errors and requests to anything but the local file are kept."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1100, "height": 1000}, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors, self.outside = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        self.page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:"))
                     else self.outside.append(r.url))

    def ready(self, state: str | None = None):
        selector = "#dti-explorer[data-ready]" if state is None else f'#dti-explorer[data-ready="{state}"]'
        self.page.wait_for_selector(selector, state="attached", timeout=20_000)

    def shot(self, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.locator("#dti-explorer").screenshot(path=SCREENSHOTS / f"explorer_{name}.png")

    def close(self):
        self.context.close()


def _state(page) -> str:
    return page.get_attribute("#dti-explorer", "data-state")


def _rank(shown: dict, code: str, year: int) -> int | None:
    return next((r["rank"] for r in shown["rows"] if r["code"] == code and r["year"] == year), None)


def _hover_map(w: Watched, name: str):
    """Hover the map's region labelled with ``name`` (the topmost: ranked over grey); return the tooltip's text."""
    region = w.page.locator(f'#dx-map path[aria-label*="{name}"]').last
    region.hover()
    tooltip = w.page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    return tooltip.inner_text()


def _download(w: Watched) -> list[dict]:
    with w.page.expect_download() as info:
        w.page.click("#dx-download")
    text = info.value.path().read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _table(w: Watched) -> list[list[str]]:
    return w.page.eval_on_selector_all("#dx-table tbody tr",
                                       "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))")


def test_explorer_in_headless_chromium(browser, data):
    provinces = _set(data, study.PROVINCES)
    year, n = provinces["default_year"], study.PROVINCES.n_units
    case, other = study.MAIN_CASE, study.COMPARISON_CASE
    name = {u["code"]: u["name"] for u in provinces["units"]}
    w = Watched(browser)
    w.page.goto(_standalone(page_module.page(data=data), "explorer.html"))
    w.ready(f"{provinces['id']} {year} {case} map")
    assert w.page.locator("#dx-map svg path").count() >= 2 * n  # every region, grey below the ranked
    w.shot("map")

    tip = _hover_map(w, name[case])
    assert name[case] in tip and f"{_rank(provinces, case, year)} of {n}" in tip
    w.shot("map_hover")

    w.page.select_option("#dx-unit", other)
    w.ready(f"{provinces['id']} {year} {other} map")
    assert name[other] in w.page.inner_text("#dx-caption")

    w.page.click("#dx-tab-chart")
    w.ready(f"{provinces['id']} {year} {other} chart")
    assert w.page.is_hidden("#dx-panel-map") and w.page.is_visible("#dx-chart svg")
    ranks = [(r["year"], r["rank"]) for r in provinces["rows"] if r["code"] == other]
    caption = w.page.inner_text("#dx-caption")
    assert all(f"{rank} in {y}" in caption for y, rank in ranks)
    band = next(b for b in provinces["bands"] if b["code"] == other)
    assert f"Grey bar: typical churn, where {name[other]} would rank in {band['end_year']}" in caption
    assert f"simulated ranks: {band['low']}–{band['high']}; observed: {band['end_rank']})" in caption
    assert w.page.locator("#dx-chart svg path[aria-roledescription='bar']").count() == 1
    w.shot("chart")
    rows = _download(w)
    assert [(int(r["year"]), r["rank"]) for r in rows] == [
        (r["year"], str(_rank(provinces, other, r["year"]) or "")) for r in provinces["rounds"]]
    assert {r["name"] for r in rows} == {name[other]} and {r["last_place"] for r in rows} == {str(n)}
    with_band = [r for r in rows if r["typical_churn_low"]]
    assert [(int(r["year"]), int(r["typical_churn_from"]), int(r["typical_churn_low"]), int(r["typical_churn_high"]),
             r["typical_churn_source"]) for r in with_band] == [
        (band["end_year"], band["start_year"], band["low"], band["high"], "figures/07_churn_bands.csv")]

    w.page.click("#dx-tab-table")
    w.ready(f"{provinces['id']} {year} {other} table")
    shown = _table(w)
    assert len(shown) == n
    rows = _download(w)
    assert [(r["rank"], r["name"]) for r in rows] == [(s[0].split(" of ")[0], s[1]) for s in shown]
    assert {r["year"] for r in rows} == {str(year)} and all(r["source"] for r in rows)
    assert w.page.locator("#dx-table tr.dx-picked").inner_text().count(name[other]) == 1
    w.shot("table")

    partial = next(r for r in provinces["rounds"] if not r["complete"])
    w.page.select_option("#dx-year", str(partial["year"]))
    w.ready(f"{provinces['id']} {partial['year']} {other} table")
    rows = _download(w)
    assert sum(bool(r["rank"]) for r in rows) == partial["known"] and {r["round"] for r in rows} == {"partial"}
    w.page.click("#dx-tab-map")
    w.ready(f"{provinces['id']} {partial['year']} {other} map")
    assert "partial round" in w.page.inner_text("#dx-caption")
    w.shot("map_partial")

    assert w.errors == [] and w.outside == []
    w.close()


def test_the_34_units_and_a_new_round(browser):
    table, new_year = _new_round(tables.load_dti_panel())
    grown = explorer.explorer_data(panel_63=table)
    units = _set(grown, study.UNITS)
    w = Watched(browser)
    w.page.goto(_standalone(page_module.page(data=grown), "explorer_new_round.html"))
    w.ready()
    options = w.page.eval_on_selector_all("#dx-year option", "os => os.map(o => o.value)")
    assert options[0] == str(new_year)
    joined = next(u["unit_2025"] for u in _set(grown, study.PROVINCES)["units"] if u["code"] == study.MAIN_CASE)
    w.page.select_option("#dx-set", units["id"])
    w.ready(f"{units['id']} {units['default_year']} {joined} map")
    assert w.page.locator("#dx-map svg path").count() >= 2 * study.UNITS.n_units
    w.shot("units_34")
    target = next(u for u in _set(grown, study.PROVINCES)["units"] if u["code"] == study.COMPARISON_CASE)["unit_2025"]
    target_name = next(u["name"] for u in units["units"] if u["code"] == target)
    w.page.locator(f'#dx-map path[aria-label*="{target_name}"]').last.click()  # a click on the map picks the unit
    w.ready(f"{units['id']} {units['default_year']} {target} map")
    assert w.page.input_value("#dx-unit") == target
    joined = target
    w.page.click("#dx-tab-chart")
    w.ready(f"{units['id']} {units['default_year']} {joined} chart")
    assert w.page.locator("#dx-chart svg path[aria-roledescription='point']").count() == len(units["rounds"])
    assert "No typical-churn band: the measurement model behind it covers the 63 provinces only." in w.page.inner_text(
        "#dx-caption")
    assert w.page.locator("#dx-chart svg path[aria-roledescription='bar']").count() == 0
    w.shot("units_34_chart")
    assert w.errors == [] and w.outside == []
    w.close()


def test_the_built_site_page_loads_from_file_without_errors(browser):
    if not SITE_PAGE.is_file():
        pytest.skip("the site is not built (make report builds it)")
    w = Watched(browser)
    w.page.goto(SITE_PAGE.as_uri())
    w.ready()
    w.page.screenshot(path=SCREENSHOTS / "explorer_site.png", full_page=True)
    w.page.click("#dx-tab-chart")
    w.ready(w.page.get_attribute("#dti-explorer", "data-state"))
    width = w.page.eval_on_selector("#dx-chart svg", "svg => svg.getBoundingClientRect().width")
    assert width > 400, "the chart fills the page's column"
    assert w.page.is_hidden("#dx-panel-map") and w.page.is_hidden("#dx-panel-table")
    w.page.screenshot(path=SCREENSHOTS / "explorer_site_chart.png", full_page=True)
    assert w.errors == [] and w.outside == []
    w.close()
