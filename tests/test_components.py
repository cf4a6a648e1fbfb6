"""The eight main indices: published weights, merged-unit means, the 2024 table of 34 units."""

import pandas as pd
import pytest

from conftest import save_twice
from helpers import components, provinces, sources, study


@pytest.fixture(scope="module")
def main():
    return sources.load_main_indices()


@pytest.fixture(scope="module")
def table34(main):
    return components.units_table(main, provinces.crosswalk(), 2024)


def test_weights_sum_to_one():
    assert sum(components.WEIGHTS.values()) == pytest.approx(1.0)
    assert set(components.WEIGHTS) == set(sources.MAIN_INDICES)


def test_weights_reproduce_every_published_2022_row(main):
    check = components.weights_check(main, 2022)
    assert len(check) == 10 and check["passes"].all(), check
    assert check["difference"].abs().max() <= components.TOLERANCE
    assert check.set_index("gso_code").loc["95", "line"] == 70  # Bạc Liêu's DTI, CSV line 70


def test_weights_on_2023_are_reported_separately(main):
    """The 2023 method had about 95 indicators, yet the printed rows also fit the 2022 weights
    (largest gap 0.000065, Bạc Liêu): the table shows every row with its difference."""
    check = components.weights_check(main, 2023)
    assert len(check) == 10 and set(check["year"]) == {2023}
    assert check["passes"].all(), check
    assert check.loc[check["difference"].abs().idxmax(), "gso_code"] == "95"


def test_a_breaking_row_is_reported_not_dropped(main):
    broken = main.copy()
    i = broken.index[(broken["year"] == 2022) & (broken["gso_code"] == "95") & (broken["measure"] == "dti")][0]
    broken.loc[i, "score"] = 0.4600
    check = components.weights_check(broken, 2022)
    assert len(check) == 10
    row = check.set_index("gso_code").loc["95"]
    assert not row["passes"] and row["difference"] == pytest.approx(0.44782 - 0.46)
    assert check["passes"].sum() == 9


def test_each_34_unit_score_is_the_mean_of_its_provinces(main):
    scores = sources.load_dti_scores()
    cw = provinces.crosswalk()
    published = main[(main["units"] == 34) & (main["measure"] == "dti")][["unit_code", "score", "line"]]
    check = components.merged_mean_check(published, scores, cw, 2024)
    assert len(check) == 34 and check["passes"].all(), check[~check["passes"]]
    assert check.set_index("new_unit")["gso_codes"]["Cà Mau"] == "95;96"
    other = sources.load_dti_scores(study.UNITS).rename(columns={"dti_score": "score"})
    assert components.merged_mean_check(other, scores, cw, 2024)["passes"].all()


def test_complete_2024_table_of_34_units(table34, main):
    assert len(table34) == 34 and table34["unit_code"].is_unique
    assert table34[[*study.MAIN_INDICES, "dti"]].notna().all().all()
    assert table34["dti_rank"].tolist() == list(range(1, 35))
    # every value traces back to its CSV line
    raw = main.set_index("line")
    for measure in [*study.MAIN_INDICES, "dti"]:
        lines = table34[f"line_{measure}"]
        assert (raw.loc[lines, "score"].to_numpy() == table34[measure].to_numpy()).all()
        assert (raw.loc[lines, "measure"] == measure).all()
    assert table34.set_index("new_unit").loc["Cà Mau", "gso_codes"] == "95;96"


@pytest.mark.parametrize("year, rank", [(2022, 60), (2023, 63)])
def test_bac_lieu_beside_top_and_bottom_five(main, year, rank):
    table = components.focus_beside_extremes(main, year, "95")
    assert len(table) == 10 and table["is_focus"].sum() == 1
    assert table.loc[table["is_focus"], "dti_rank"].item() == rank
    assert (table["group"] == "top five").sum() == 5
    assert table[study.MAIN_INDICES].notna().all().all()


def test_a_province_outside_the_printed_ranks_is_refused(main):
    with pytest.raises(ValueError, match="middle 53 units are not in the source"):
        components.focus_beside_extremes(main, 2022, "83")  # Bến Tre, not printed


def test_index_correlations_have_intervals(table34):
    corr = components.index_correlations(table34)
    assert corr["measure"].tolist() == study.MAIN_INDICES and (corr["n"] == 34).all()
    assert ((corr["ci_low"] <= corr["estimate"]) & (corr["estimate"] <= corr["ci_high"])).all()
    assert corr["estimate"].between(-1, 1).all()


def test_thirds_leave_out_the_middle(table34):
    thirds = components.thirds_comparison(table34)
    assert (thirds["n_top"] == 11).all() and (thirds["n_bottom"] == 11).all()
    top = table34.nsmallest(11, "dti_rank")
    assert thirds.set_index("measure").loc["awareness", "mean_top"] == pytest.approx(top["awareness"].mean())
    assert isinstance(thirds, pd.DataFrame) and thirds["mean_gap"].notna().all()


# --- component figures: smoke tests (draw, save twice, same bytes) ---------------------


def test_component_figure_focus_beside_extremes(figure_dir, main):
    from helpers.plots import components as plots

    table = pd.concat([components.focus_beside_extremes(main, y, "95") for y in (2022, 2023)], ignore_index=True)
    fig = plots.focus_beside_extremes(table)
    assert any("middle 53 units are not in the source" in t.get_text() for t in fig.texts)
    save_twice(fig, "component_bac_lieu_extremes")


def test_component_figure_correlations(figure_dir, table34):
    from helpers.plots import components as plots

    fig = plots.index_correlations(components.index_correlations(table34), year=2024)
    save_twice(fig, "component_index_correlations")
