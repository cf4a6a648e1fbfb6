"""The estimators recover known answers on synthetic panels (all seeded)."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers import stats


def _bivariate(n, r, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = r * x + math.sqrt(1 - r**2) * rng.standard_normal(n)
    idx = [f"u{i:04d}" for i in range(n)]
    return pd.Series(x, index=idx), pd.Series(y, index=idx)


def _noise_panel(n, rounds, seed, reliability=0.0, spread=None):
    """y_it = sqrt(rel)·mu_i + sqrt(1 − rel)·e_it (unit variance); optional per-round scale."""
    rng = np.random.default_rng(seed)
    mu = rng.standard_normal(n)
    cols = {}
    for j, t in enumerate(rounds):
        y = math.sqrt(reliability) * mu + math.sqrt(1 - reliability) * rng.standard_normal(n)
        cols[t] = y * (spread[j] if spread else 1.0)
    return pd.DataFrame(cols, index=[f"u{i:04d}" for i in range(n)])


# ---------------------------------------------------------------- rank persistence

def test_rank_correlations_recover_population_values():
    r = 0.6
    x, y = _bivariate(4000, r, seed=1)
    table = stats.rank_persistence(x, y).set_index("method")
    spearman_true = 6 / math.pi * math.asin(r / 2)
    kendall_true = 2 / math.pi * math.asin(r)
    assert table.loc["spearman", "estimate"] == pytest.approx(spearman_true, abs=0.03)
    assert table.loc["kendall", "estimate"] == pytest.approx(kendall_true, abs=0.03)
    for m, truth in (("spearman", spearman_true), ("kendall", kendall_true)):
        assert table.loc[m, "ci_low"] < truth < table.loc[m, "ci_high"]
    assert (table["n"] == 4000).all()


def test_rank_correlation_intervals_cover_at_nominal_rate_for_63_units():
    r, reps = 0.7, 400
    truth = {"spearman": 6 / math.pi * math.asin(r / 2), "kendall": 2 / math.pi * math.asin(r)}
    hits = {"spearman": 0, "kendall": 0}
    for rep in range(reps):
        x, y = _bivariate(63, r, seed=100 + rep)
        for m in hits:
            res = stats.rank_correlation(x, y, m)
            hits[m] += res["ci_low"] <= truth[m] <= res["ci_high"]
    for m, h in hits.items():
        assert 0.91 <= h / reps <= 0.985, (m, h / reps)


def test_rank_correlation_uses_only_paired_units_and_reports_n():
    a = pd.Series([1, 2, 3, 4, 5, 6, 7, np.nan], index=list("abcdefgh"))
    b = pd.Series([2, 1, 3, 4, 6, 5, 7], index=list("abcdefg")).iloc[::-1]  # order does not matter
    res = stats.rank_correlation(a, b, "spearman")
    assert res["n"] == 7
    assert res["estimate"] == pytest.approx(1 - 6 * 4 / (7 * 48))  # two swapped pairs: Σd² = 4
    with pytest.raises(ValueError, match="method must be"):
        stats.rank_correlation(a, b, "pearson")


# ---------------------------------------------------------------- regression to the mean

def test_spearman_to_pearson_inverts_the_bivariate_normal_relation():
    for r in (0.0, 0.3, 0.8, 1.0):
        rho_s = 6 / math.pi * math.asin(r / 2)
        assert stats.spearman_to_pearson(rho_s) == pytest.approx(r)


def test_rtm_benchmark_limits_are_known():
    # perfect persistence: last stays last; no persistence: expected rank is the middle
    fixed = stats.rtm_benchmark(1.0, 63, draws=500, seed=3)
    assert fixed.expected == 63 and fixed.interval == (63, 63)
    memoryless = stats.rtm_benchmark(0.0, 63, draws=4000, seed=3)
    assert memoryless.expected == pytest.approx(32, abs=0.8)
    low, high = memoryless.interval
    assert low < 10 and high > 55


def test_rtm_benchmark_agrees_with_analytic_approximation_and_is_monotone():
    expected = [stats.rtm_benchmark(rho, 63, draws=4000, seed=5).expected for rho in (0.5, 0.8, 0.95)]
    analytic = [stats.rtm_expected_rank(rho, 63) for rho in (0.5, 0.8, 0.95)]
    assert expected == sorted(expected)  # stronger persistence → stays nearer the bottom
    for sim, ana in zip(expected, analytic, strict=True):
        assert sim == pytest.approx(ana, abs=1.5)


def test_rtm_benchmark_is_reproducible_and_judges_rises():
    a = stats.rtm_benchmark(0.85, 63, draws=2000, seed=11)
    b = stats.rtm_benchmark(0.85, 63, draws=2000, seed=11)
    assert np.array_equal(a.next_ranks, b.next_ranks)
    # a rise of a few places is ordinary; a jump to the top half is not
    low, high = a.interval
    assert low < 60 and high == 63  # a rise of up to 3 places from last is ordinary
    assert a.p_at_least_as_good(60) > 0.2
    assert a.p_at_least_as_good(low) >= 0.05 > a.p_at_least_as_good(low - 1)
    assert a.p_at_least_as_good(30) < 0.01
    with pytest.raises(ValueError, match="start_rank"):
        stats.rtm_benchmark(0.8, 63, start_rank=64)


def test_rtm_benchmark_widens_with_uncertain_persistence():
    sure = stats.rtm_benchmark(0.8, 63, draws=4000, seed=13)
    unsure = stats.rtm_benchmark(0.8, 63, rho_se_fisher_z=0.15, draws=4000, seed=13)
    assert unsure.next_ranks.std() > sure.next_ranks.std()
    assert unsure.interval[0] <= sure.interval[0]


def test_simulated_rankings_have_the_requested_spearman_correlation():
    # the generator behind the benchmark: check its rank correlation equals the input
    rho_s = 0.8
    r = stats.spearman_to_pearson(rho_s)
    x, y = _bivariate(20000, r, seed=9)
    assert stats.rank_correlation(x, y)["estimate"] == pytest.approx(rho_s, abs=0.01)


# ---------------------------------------------------------------- beta- and sigma-convergence

def test_beta_convergence_recovers_a_known_slope():
    rng = np.random.default_rng(21)
    n = 3000
    x = pd.Series(rng.normal(0, 1, n))
    change = 0.5 - 0.3 * x + rng.normal(0, 0.2, n) * (1 + x.abs())  # heteroskedastic errors
    res = stats.beta_convergence(x, x + change)
    assert res["slope"] == pytest.approx(-0.3, abs=0.02)
    assert res["ci_low"] < -0.3 < res["ci_high"]
    assert res["n"] == n


def test_beta_slope_splits_exactly_into_rtm_and_dispersion_parts():
    panel = _noise_panel(200, [1, 2], seed=4, reliability=0.6, spread=[1.0, 0.7])
    res = stats.beta_convergence(panel[1], panel[2])
    assert res["slope"] == pytest.approx(res["rtm_slope"] + res["excess"], abs=1e-10)
    assert res["slope"] == pytest.approx(res["r"] * res["sd_ratio"] - 1, abs=1e-10)


def test_pure_noise_shows_beta_convergence_that_regression_to_the_mean_explains():
    # no unit has any lasting level: every round is fresh noise with the same spread
    panel = _noise_panel(500, [2022, 2023], seed=8, reliability=0.0)
    res = stats.beta_convergence(panel[2022], panel[2023])
    # strong, "significant" beta-convergence appears ...
    assert res["slope"] == pytest.approx(-1, abs=0.1)
    assert res["ci_high"] < -0.8
    # ... and it is exactly what regression to the mean predicts with r ≈ 0
    assert res["rtm_slope"] == pytest.approx(res["slope"], abs=0.1)
    assert res["excess_ci_low"] < 0 < res["excess_ci_high"]
    # sigma: the spread did not shrink
    sigma = stats.dispersion_by_year(panel)
    assert sigma.loc[1, "ratio_ci_low"] < 1 < sigma.loc[1, "ratio_ci_high"]
    # ranks: the bottom unit's next rank is the middle on average, which the benchmark predicts
    ranks = panel.rank(ascending=False, method="min")
    persistence = stats.rank_correlation(ranks[2022], ranks[2023])["estimate"]
    bench = stats.rtm_benchmark(persistence, len(panel), draws=2000, seed=2)
    assert bench.expected == pytest.approx((len(panel) + 1) / 2, rel=0.15)


def test_persistent_levels_give_beta_equal_to_reliability_minus_one():
    panel = _noise_panel(4000, [1, 2], seed=6, reliability=0.8)
    res = stats.beta_convergence(panel[1], panel[2])
    assert res["slope"] == pytest.approx(-0.2, abs=0.03)
    assert res["excess"] == pytest.approx(0, abs=0.03)


def test_sigma_convergence_recovers_a_known_shrinking_spread():
    panel = _noise_panel(3000, ["a", "b", "c"], seed=12, reliability=0.5, spread=[2.0, 1.5, 1.0])
    panel = panel + 10  # positive mean so the CV is defined
    table = stats.dispersion_by_year(panel, n_boot=500).set_index("round")
    assert table.loc["a", "sd"] == pytest.approx(2.0, rel=0.05)
    assert table.loc["c", "sd_ratio_to_first"] == pytest.approx(0.5, rel=0.05)
    assert table.loc["c", "ratio_ci_high"] < 1
    assert table.loc["a", "ratio_ci_low"] == table.loc["a", "ratio_ci_high"] == 1
    assert (table["n"] == 3000).all()


def test_dispersion_uses_the_balanced_panel_only():
    panel = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "y": [2.0, 3, 4, 5, 6, np.nan]})
    table = stats.dispersion_by_year(panel, n_boot=200)
    assert (table["n"] == 5).all()
    assert table.loc[0, "sd"] == pytest.approx(np.std([1, 2, 3, 4, 5], ddof=1))


# ---------------------------------------------------------------- transitions

def test_quantile_groups_for_63_units():
    groups = stats.quantile_group(pd.Series(range(1, 64)), 5)
    assert groups.value_counts().sort_index().tolist() == [13, 13, 12, 13, 12]
    assert groups.iloc[0] == 1 and groups.iloc[-1] == 5
    tied = stats.quantile_group(pd.Series([1, 2, 2, 4]), 2)
    assert tied.tolist() == [1, 1, 1, 2]


def test_transition_matrix_recovers_a_known_chain():
    truth = np.array([[0.7, 0.2, 0.1], [0.2, 0.6, 0.2], [0.1, 0.2, 0.7]])
    rng = np.random.default_rng(31)
    start = pd.Series(np.repeat([1, 2, 3], 3000))
    end = pd.Series([rng.choice(3, p=truth[g - 1]) + 1 for g in start])
    counts, shares = stats.transition_matrix(start, end, 3)
    assert counts.to_numpy().sum() == 9000
    assert counts.sum(axis=1).tolist() == [3000, 3000, 3000]
    assert np.allclose(shares.to_numpy(), truth, atol=0.03)
    assert stats.shorrocks_index(shares) == pytest.approx((3 - 2.0) / 2, abs=0.03)


def test_transition_matrix_keeps_empty_groups_and_identity():
    groups = pd.Series([1, 1, 2, 4])
    counts, shares = stats.transition_matrix(groups, groups, 4)
    assert counts.shape == (4, 4)
    assert np.array_equal(np.diag(counts), [2, 1, 0, 1])
    assert shares.loc[3].isna().all()  # no unit started in group 3: a gap, not a zero
    full = pd.Series([1, 2, 3, 4])
    assert stats.shorrocks_index(stats.transition_matrix(full, full, 4)[1]) == 0  # nobody moves


# ---------------------------------------------------------------- panel model

def test_cohort_fixed_effects_recover_a_known_gain():
    rounds = [2022, 2023, 2024]
    panel = _noise_panel(600, rounds, seed=41, reliability=0.7)
    cohort = list(panel.index[::5])  # chosen independently of the values
    panel.loc[cohort, 2023] += 0.3
    panel.loc[cohort, 2024] += 0.6
    table = stats.cohort_fixed_effects(panel, cohort, 2022).set_index("round")
    assert table.loc[2023, "estimate"] == pytest.approx(0.3, abs=0.08)
    assert table.loc[2024, "estimate"] == pytest.approx(0.6, abs=0.08)
    assert table.loc[2024, "ci_low"] < 0.6 < table.loc[2024, "ci_high"]
    assert table.loc[2024, "n_cohort"] == 120 and table.loc[2024, "n_obs"] == 1800


def test_cohort_selected_at_the_bottom_gains_only_what_rtm_predicts():
    rounds = [2022, 2023, 2024]
    panel = _noise_panel(600, rounds, seed=43, reliability=0.7)
    cohort = list(panel[2022].nsmallest(60).index)  # selected on the baseline value
    table = stats.cohort_fixed_effects(panel, cohort, 2022).set_index("round")
    # an apparent, "significant" gain appears ...
    assert (table["ci_low"] > 0).all()
    # ... and regression to the mean accounts for it
    assert np.allclose(table["excess"], 0, atol=0.15)
    with pytest.raises(ValueError, match="baseline"):
        stats.cohort_fixed_effects(panel, cohort, 2020)
