"""Glue of the trajectories notebook: gaps stay gaps, bottom units, moves against the benchmark."""

import numpy as np
import pandas as pd
import pytest

from helpers import stats
from helpers import trajectories as tj


def test_segments_never_bridge_a_gap_or_a_break():
    years = [2020, 2021, 2022, 2023, 2024]
    runs = list(tj._segments(years, [5.0, np.nan, 3.0, 2.0, 1.0]))
    assert runs == [[(2020, 5.0)], [(2022, 3.0), (2023, 2.0), (2024, 1.0)]]
    runs = list(tj._segments([2017, 2020, 2021], [1.0, 2.0, 3.0]))
    assert runs == [[(2017, 1.0)], [(2020, 2.0), (2021, 3.0)]]  # 2017 -> 2020 is not consecutive
    runs = list(tj._segments([2019, 2020, 2021], [1.0, 2.0, 3.0], frozenset({2019})))
    assert runs == [[(2019, 1.0)], [(2020, 2.0), (2021, 3.0)]]


def test_bottom_units_of_every_round():
    ranks = pd.DataFrame({2022: [1.0, 2, 3, 4], 2023: [4.0, 3, 2, np.nan]}, index=["a", "b", "c", "d"])
    bottom = tj.bottom_units(ranks, 1, n_units=4)
    assert bottom[["gso_code", "year", "rank"]].values.tolist() == [["d", 2022, 4.0], ["a", 2023, 4.0]]
    with pytest.raises(ValueError, match="bottom k"):
        tj.bottom_units(ranks, 4, n_units=4)


def _ranks_from(panel):
    return panel.rank(ascending=False, method="min")


def test_moves_against_benchmark_flag_only_real_jumps():
    rng = np.random.default_rng(7)
    n = 63
    latent = rng.standard_normal(n)
    scores = pd.DataFrame({2022: latent, 2023: latent + 0.3 * rng.standard_normal(n)},
                          index=[f"{i:02d}" for i in range(n)])
    ranks = _ranks_from(scores)
    last = ranks[2022].idxmax()
    # a genuine jump: the last unit moves to the top half
    scores.loc[last, 2023] = scores[2023].median() + 0.5
    ranks = _ranks_from(scores)
    persistence = tj.consecutive_persistence(ranks, n_units=n)
    assert persistence[["from", "to"]].values.tolist() == [[2022, 2023]]
    runner_up = ranks[2022].nlargest(2).index[1]
    moves = tj.moves_against_benchmark(ranks, [last, runner_up], persistence, n_units=n, draws=2000)
    jump = moves.set_index("gso_code").loc[last]
    assert jump["rank_from"] == n and jump["beats_benchmark"] and jump["p_as_good"] < 0.05
    assert jump["rho_basis"] == "measured"
    assert not moves.set_index("gso_code").loc[runner_up, "beats_benchmark"]


def test_moves_without_a_full_cross_section_use_the_assumed_persistence():
    ranks = pd.DataFrame({2021: [np.nan] * 5 + [5.0], 2022: [1.0, 2, 3, 4, 5, 6]},
                         index=list("abcdef"))
    persistence = pd.DataFrame([{"from": 2022, "to": 2023, "rho_s": 0.8, "se_fisher_z": 0.15}])
    moves = tj.moves_against_benchmark(ranks, ["f", "a"], persistence, n_units=6, draws=500)
    assert len(moves) == 1  # unit a has no 2021 rank: no move, no guess
    assert moves.loc[0, "rho_basis"].startswith("assumed") and moves.loc[0, "rho_s"] == 0.8


@pytest.mark.parametrize("args,message", [
    (("bac-liu", 2022, 2024, "dti", 5), r"focus: .*did you mean \['bac-lieu'"),
    (("bac-lieu", 2021, 2024, "dti", 5), r"baseline=2021 .* allowed: \[2022, 2023, 2024\]"),
    (("bac-lieu", 2023, 2022, "dti", 5), r"comparison=2022 must be later than baseline=2023"),
    (("bac-lieu", 2022, 2024, "papi", 5), r"index='papi' .* allowed: \['dti', 'papi_egov'\]"),
    (("bac-lieu", 2022, 2024, "dti", 0), r"bottom_k=0 .* integer from 1 to 20"),
])
def test_parameter_errors_name_the_parameter_and_allowed_values(args, message):
    with pytest.raises(tj.ParameterError, match=message):
        tj.validate_parameters(*args)


def test_valid_parameters_give_gso_codes():
    assert tj.validate_parameters("bac-lieu, ben-tre,da-nang", 2020, 2024, "papi_egov", 5) == ["95", "83", "48"]


def test_round_table_rounds_floats_only():
    table = tj.round_table(pd.DataFrame({"x": [0.123456], "n": [63]}), 2)
    assert table.loc[0, "x"] == 0.12 and table["n"].dtype.kind == "i"


def test_standardised_columns_have_zero_mean_unit_sd():
    z = tj.standardised(pd.DataFrame({1: [1.0, 2, 3, 10], 2: [5.0, 5, 6, 8]}))
    assert np.allclose(z.mean(), 0) and np.allclose(z.std(ddof=1), 1)
    assert stats.competition_rank(pd.Series([0.5, 0.7, 0.7, 0.1])).tolist() == [3, 1, 1, 4]
