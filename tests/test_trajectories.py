"""Glue of the trajectories notebook: gaps stay gaps, bottom units, moves against typical churn."""

import numpy as np
import pandas as pd
import pytest

from helpers import params, stats, study, tables
from helpers import trajectories as tj
from helpers.plots import trajectories as draw

#: The rounds the study's data hold (the notebook passes ``tj.index_rounds`` of the loaded tables).
ROUNDS = tj.index_rounds(tables.load_dti_panel(), tables.load_other_indices())


def test_segments_never_bridge_a_gap_or_a_break():
    years = [2020, 2021, 2022, 2023, 2024]
    runs = list(draw._segments(years, [5.0, np.nan, 3.0, 2.0, 1.0]))
    assert runs == [[(2020, 5.0)], [(2022, 3.0), (2023, 2.0), (2024, 1.0)]]
    runs = list(draw._segments([2017, 2020, 2021], [1.0, 2.0, 3.0]))
    assert runs == [[(2017, 1.0)], [(2020, 2.0), (2021, 3.0)]]  # 2017 -> 2020 is not consecutive
    runs = list(draw._segments([2019, 2020, 2021], [1.0, 2.0, 3.0], frozenset({2019})))
    assert runs == [[(2019, 1.0)], [(2020, 2.0), (2021, 3.0)]]


def test_bottom_units_of_every_round():
    ranks = pd.DataFrame({2022: [1.0, 2, 3, 4], 2023: [4.0, 3, 2, np.nan]}, index=["a", "b", "c", "d"])
    bottom = tj.bottom_units(ranks, 1, n_units=4)
    assert bottom[["gso_code", "year", "rank"]].values.tolist() == [["d", 2022, 4.0], ["a", 2023, 4.0]]
    with pytest.raises(ValueError, match="bottom k"):
        tj.bottom_units(ranks, 4, n_units=4)


def _ranks_from(panel):
    return panel.rank(ascending=False, method="min")


def _two_rounds(seed: int, n: int) -> pd.DataFrame:
    """Scores of ``n`` units in two rounds, the second the first plus noise."""
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal(n)
    return pd.DataFrame({2022: latent, 2023: latent + 0.3 * rng.standard_normal(n)},
                        index=[f"{i:02d}" for i in range(n)])


def test_moves_against_typical_churn_flag_only_real_jumps():
    n = 63
    scores = _two_rounds(7, n)
    ranks = _ranks_from(scores)
    last = ranks[2022].idxmax()
    # a genuine jump: the last unit moves to the top half
    scores.loc[last, 2023] = scores[2023].median() + 0.5
    ranks = _ranks_from(scores)
    persistence = tj.consecutive_persistence(ranks, n_units=n)
    assert persistence[["from", "to"]].values.tolist() == [[2022, 2023]]
    runner_up = ranks[2022].nlargest(2).index[1]
    moves = tj.moves_against_typical_churn(ranks, [last, runner_up], persistence, n_units=n, draws=2000)
    jump = moves.set_index("gso_code").loc[last]
    assert jump["rank_from"] == n and jump["beats_typical_churn"] and jump["p_as_good"] < 0.05
    assert jump["rho_basis"] == "measured" and jump["judgement"] == tj.BEYOND_RISE
    assert not moves.set_index("gso_code").loc[runner_up, "beats_typical_churn"]


def test_a_fall_beyond_typical_churn_is_judged_as_a_fall():
    n = 63
    scores = _two_rounds(8, n)
    first = scores[2022].idxmax()
    scores.loc[first, 2023] = scores[2023].min() - 1  # the best unit drops to last place
    ranks = _ranks_from(scores)
    moves = tj.moves_against_typical_churn(ranks, [first], tj.consecutive_persistence(ranks, n_units=n),
                                           n_units=n, draws=2000).iloc[0]
    assert moves["judgement"] == tj.BEYOND_FALL and not moves["beats_typical_churn"]
    assert moves["p_as_bad"] < 0.05 < moves["p_as_good"]


def test_last_place_churn_is_the_benchmark_the_moves_from_last_are_judged_by():
    dti_ranks = tj.wide(tj.dti_long(tables.load_dti_panel()), "rank")
    consecutive = tj.consecutive_persistence(dti_ranks)
    followed = sorted(set(tj.bottom_units(dti_ranks, 5)["gso_code"]))
    moves = tj.judged_moves(tj.moves_against_typical_churn(dti_ranks, followed, consecutive, draws=500))
    churn = tj.last_place_churn(moves, consecutive, draws=500)
    from_last = moves[moves["rank_from"] == study.PROVINCES.n_units]
    assert set(churn) == {tj.pair_label(a, b) for a, b in zip(from_last["from"], from_last["to"], strict=True)}
    for row in from_last.to_dict("records"):
        assert churn[tj.pair_label(row["from"], row["to"])].interval == (row["interval_low"], row["interval_high"])
    table = tj.churn_table(churn, consecutive)
    assert table.loc["2021->2022", "basis"] == tj.ASSUMED and table.loc["2022->2023", "basis"] == tj.MEASURED


def test_moves_without_a_full_cross_section_use_the_assumed_persistence():
    ranks = pd.DataFrame({2021: [np.nan] * 5 + [5.0], 2022: [1.0, 2, 3, 4, 5, 6]},
                         index=list("abcdef"))
    persistence = pd.DataFrame([{"from": 2022, "to": 2023, "rho_s": 0.8, "se_fisher_z": 0.15}])
    moves = tj.moves_against_typical_churn(ranks, ["f", "a"], persistence, n_units=6, draws=500)
    assert len(moves) == 1  # unit a has no 2021 rank: no move, no guess
    assert moves.loc[0, "rho_basis"].startswith("assumed") and moves.loc[0, "rho_s"] == 0.8


@pytest.mark.parametrize("args,message", [
    (("bac-liu", 2022, 2024, "dti", 5), r"focus_provinces='bac-liu': unknown province.*did you mean 'bac-lieu'"),
    (("bac-lieu,bac-lieu", 2022, 2024, "dti", 5), r"focus_provinces='bac-lieu,bac-lieu': a province is listed twice"),
    (("bac-lieu", 2021, 2024, "dti", 5), r"baseline=2021: allowed: 2022, 2023;"),
    (("bac-lieu", 2023, 2022, "dti", 5), r"comparison=2022: allowed: a round of 'dti' later than baseline=2023: 2024$"),
    (("bac-lieu", 2022, 2024, "papi", 5), r"index='papi': allowed: 'dti', 'papi_egov'"),
    (("bac-lieu", 2022, 2024, "dti", 0), r"bottom_k=0: allowed: a whole number from 1 to 20"),
    (("bac-lieu", 2022, 2024, "dti", True), r"bottom_k=True: allowed: a whole number from 1 to 20"),
])
def test_parameter_errors_name_the_parameter_and_allowed_values(args, message):
    with pytest.raises(params.ParameterError, match=message):
        tj.check_trajectory_parameters(*args, ROUNDS)


def test_valid_parameters_give_gso_codes():
    assert tj.check_trajectory_parameters("bac-lieu, ben-tre,da-nang", 2020, 2024, "papi_egov", 5, ROUNDS) == [
        "95", "83", "48"]


def test_round_table_rounds_floats_only():
    table = tj.round_table(pd.DataFrame({"x": [0.123456], "n": [63]}), 2)
    assert table.loc[0, "x"] == 0.12 and table["n"].dtype.kind == "i"


def test_standardised_columns_have_zero_mean_unit_sd():
    z = tj.standardised(pd.DataFrame({1: [1.0, 2, 3, 10], 2: [5.0, 5, 6, 8]}))
    assert np.allclose(z.mean(), 0) and np.allclose(z.std(ddof=1), 1)
    assert stats.competition_rank(pd.Series([0.5, 0.7, 0.7, 0.1])).tolist() == [3, 1, 1, 4]


# --- the notebook's tables and key findings ------------------------------------------------

@pytest.fixture(scope="module")
def analysis():
    """The trajectories notebook's default analysis (DTI, 2022 -> 2024, bottom 5, Bạc Liêu and Bến Tre)."""
    dti_panel, other = tables.load_dti_panel(), tables.load_other_indices()
    dti_ranks = tj.wide(tj.dti_long(dti_panel), "rank")
    papi_ranks = tj.ranks_from_values(tj.index_values(dti_panel, other, "papi_egov"))
    focus = ["95", "83"]
    followed = sorted(set(tj.bottom_units(dti_ranks, 5)["gso_code"]) | set(focus))
    consecutive = tj.consecutive_persistence(dti_ranks)
    moves = tj.moves_against_typical_churn(dti_ranks, followed, consecutive, draws=500)
    moves = tj.judged_moves(moves)
    moves.insert(1, "province", moves["gso_code"])
    churn = tj.churn_table(tj.last_place_churn(moves, consecutive, draws=500), consecutive)
    chosen = tj.index_tables(dti_panel, other, "dti", [2022, 2023, 2024])
    counts, shares = tj.quantile_transitions(chosen["ranks"], 2022, 2024, tj.QUANTILE_GROUPS, chosen["n"])
    cohort = tj.bottom_cohort(chosen["ranks"], 2022, 5)
    return {
        "consecutive": consecutive, "churn": churn, "moves": moves,
        "focus": focus, "beta": tj.beta_table(dti_panel, other, "dti", 2022, 2024),
        "beta_panel": "DTI overall 2022->2024, standardised",
        "cohort_effects": stats.cohort_fixed_effects(chosen["z"], cohort, 2022), "cohort": cohort,
        "transitions": counts, "shorrocks": stats.shorrocks_index(shares),
        "triangulation": tj.triangulation(dti_ranks, papi_ranks)[1], "baseline": 2022, "comparison": 2024,
    }


def test_key_findings_quote_the_tables_by_label(analysis):
    findings = tj.key_findings(**analysis)
    assert [f.split("**")[1] for f in findings] == ["Persistence.", "Typical churn.", "Focus provinces.",
                                                     "Beta-convergence", "Bottom cohort", "Mobility.",
                                                     "Triangulation."]
    first = analysis["consecutive"].set_index("from").loc[2022]
    assert f"Spearman {first['rho_s']:.2f}" in findings[0] and "2022->2023" in findings[0]
    z = analysis["beta"].loc["DTI overall 2022->2024, standardised"]
    assert f"slope {z['slope']:.2f}" in findings[3] and "not evidence of catch-up" in findings[3]
    assert "chance" not in " ".join(findings) and "typical churn" in findings[2]
    assert findings[5].startswith(f"**Mobility.** Shorrocks index {analysis['shorrocks']:.2f} between 5 rank groups")


def test_key_findings_do_not_depend_on_row_order(analysis):
    """Every table reversed (rows) gives the same sentences: rows are found by label, not position."""
    reversed_ = dict(analysis)
    for key in ("consecutive", "churn", "beta", "cohort_effects", "triangulation"):
        reversed_[key] = analysis[key].iloc[::-1]
    assert tj.key_findings(**reversed_) == tj.key_findings(**analysis)


def test_persistence_table_has_every_pair_with_n():
    dti_panel, other = tables.load_dti_panel(), tables.load_other_indices()
    dti_ranks = tj.wide(tj.dti_long(dti_panel), "rank")
    papi_ranks = tj.ranks_from_values(tj.index_values(dti_panel, other, "papi_egov"))
    table = tj.persistence_table(dti_ranks, papi_ranks, other)
    assert {"DTI 2022 vs DTI 2023", "DTI 2022 vs DTI 2024", "e-gov 2017 vs DTI 2022",
            "PAPI 2019 vs PAPI 2020 (off-scale 2019)"} <= set(table.index)
    assert table.loc["DTI 2022 vs DTI 2023", "n"] == study.PROVINCES.n_units
    assert (table["spearman ci_low"] <= table["spearman estimate"]).all()
