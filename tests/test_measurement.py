"""The measurement model, its benchmarks, rank intervals, "who moved", and power (helpers.measurement)."""

import ast
import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from helpers import measurement as m
from helpers import paths, stats

ROUNDS = ("a", "b", "c")


def simulate(rng, n_units, rho, beta12, beta23, *, level=50.0, spread=10.0):
    """Raw scores of a three-round quasi-simplex with equal reliability ``rho``; also the true scores."""
    t1 = math.sqrt(rho) * rng.standard_normal(n_units)
    t2 = beta12 * t1 + math.sqrt(rho * (1 - beta12**2)) * rng.standard_normal(n_units)
    t3 = beta23 * t2 + math.sqrt(rho * (1 - beta23**2)) * rng.standard_normal(n_units)
    true = np.c_[t1, t2, t3]
    observed = true + math.sqrt(1 - rho) * rng.standard_normal((n_units, 3))
    index = pd.Index([f"u{i:02d}" for i in range(n_units)], name="unit")
    return (pd.DataFrame(level + spread * observed, index=index, columns=list(ROUNDS)),
            pd.DataFrame(level + spread * true, index=index, columns=list(ROUNDS)))


def exact_sample(rng, n_units, corr):
    """Data whose sample correlation matrix is exactly ``corr``."""
    x = rng.standard_normal((n_units, 3))
    x -= x.mean(axis=0)
    x = x @ np.linalg.inv(np.linalg.cholesky(np.cov(x, rowvar=False))).T
    x = x @ np.linalg.cholesky(corr).T
    return pd.DataFrame(x * 7 + 40, index=[f"u{i:02d}" for i in range(n_units)], columns=list(ROUNDS))


def population(rho, beta12, beta23, rho1=None, rho3=None):
    rho1 = rho if rho1 is None else rho1
    rho3 = rho if rho3 is None else rho3
    r12 = beta12 * math.sqrt(rho1 * rho)
    r23 = beta23 * math.sqrt(rho * rho3)
    r13 = beta12 * beta23 * math.sqrt(rho1 * rho3)
    return r12, r23, r13


@pytest.fixture(scope="module")
def fitted():
    scores, _ = simulate(np.random.default_rng(7), 50, 0.85, 0.85, 0.8)
    return m.fit_simplex(scores, n_boot=300, seed=11)


# --------------------------------------------------------------------------------------------
# formulas


def test_heise_recovers_population_parameters_exactly():
    r12, r23, r13 = population(0.8, 0.9, 0.7)
    out = m.heise(r12, r23, r13)
    assert out["reliability"] == pytest.approx(0.8, abs=1e-12)
    assert out["stability_12"] == pytest.approx(0.9, abs=1e-12)
    assert out["stability_23"] == pytest.approx(0.7, abs=1e-12)
    assert out["stability_13"] == pytest.approx(0.63, abs=1e-12)


def test_middle_reliability_is_identified_whatever_the_outer_ones():
    r12, r23, r13 = population(0.9, 0.8, 0.75, rho1=0.7, rho3=0.95)
    assert m.heise(r12, r23, r13)["reliability"] == pytest.approx(0.9, abs=1e-12)
    right = m.simplex_parameters(r12, r23, r13, 0.7, 0.95).iloc[0]
    assert right["stability_12"] == pytest.approx(0.8, abs=1e-12)
    assert right["stability_23"] == pytest.approx(0.75, abs=1e-12)
    assert right["stability_13"] == pytest.approx(0.8 * 0.75, abs=1e-12)
    assert right["admissible"]


def test_fit_on_a_sample_with_exact_correlations_returns_the_population_values():
    r12, r23, r13 = population(0.85, 0.9, 0.8)
    corr = np.array([[1, r12, r13], [r12, 1, r23], [r13, r23, 1]])
    fit = m.fit_simplex(exact_sample(np.random.default_rng(1), 40, corr), n_boot=50)
    assert fit.estimate["reliability_2"] == pytest.approx(0.85, abs=1e-10)
    assert fit.estimate["stability_12"] == pytest.approx(0.9, abs=1e-10)
    assert fit.estimate["stability_23"] == pytest.approx(0.8, abs=1e-10)
    assert fit.rounds == ROUNDS and fit.n_units == 40


def test_wiley_wiley_equals_heise_when_raw_spreads_are_equal_and_differs_otherwise():
    r12, r23, r13 = population(0.8, 0.9, 0.85)
    corr = np.array([[1, r12, r13], [r12, 1, r23], [r13, r23, 1]])
    data = exact_sample(np.random.default_rng(2), 30, corr)
    assert m.wiley_wiley_reliabilities(data).to_numpy() == pytest.approx([0.8, 0.8, 0.8], abs=1e-10)
    wider_last = data.assign(c=data["c"] * 2)
    ww = m.wiley_wiley_reliabilities(wider_last)
    assert ww["b"] == pytest.approx(0.8, abs=1e-10)
    assert ww["c"] > 0.8  # same error variance, more true variance


def test_normal_scores_follow_blom_and_van_der_waerden_with_shared_ties():
    values = pd.Series([10.0, 30.0, 20.0, 30.0, np.nan])
    blom = m.normal_scores(values)
    n = 4
    assert blom.iloc[1] == pytest.approx(stats_norm_ppf(1 - (1 - 0.375) / (n + 0.25)))
    assert blom.iloc[1] == blom.iloc[3]  # tied for first
    assert blom.iloc[0] == pytest.approx(stats_norm_ppf(1 - (4 - 0.375) / (n + 0.25)))
    assert np.isnan(blom.iloc[4])
    vdw = m.normal_scores(values, method="van_der_waerden")
    assert vdw.iloc[2] == pytest.approx(stats_norm_ppf(1 - 3 / (n + 1)))
    with pytest.raises(ValueError, match="normal_method must be one of"):
        m.normal_scores(values, method="ranks")


def stats_norm_ppf(p):
    from scipy.stats import norm

    return float(norm.ppf(p))


# --------------------------------------------------------------------------------------------
# inputs


def test_a_round_with_missing_values_is_named_in_the_error():
    scores, _ = simulate(np.random.default_rng(3), 20, 0.8, 0.9, 0.9)
    scores.loc[["u03", "u07"], "b"] = np.nan
    with pytest.raises(ValueError, match=r"round b is not complete: 2 of 20 units have no value \(u03, u07\)"):
        m.fit_simplex(scores, n_boot=20)


def test_the_model_needs_exactly_three_present_rounds():
    scores, _ = simulate(np.random.default_rng(3), 20, 0.8, 0.9, 0.9)
    with pytest.raises(ValueError, match="exactly three rounds; got 2"):
        m.fit_simplex(scores[["a", "b"]], n_boot=20)
    with pytest.raises(ValueError, match=r"round\(s\) \['d'\] not in the table"):
        m.fit_simplex(scores, ["a", "b", "d"], n_boot=20)
    with pytest.raises(ValueError, match="scale must be one of"):
        m.fit_simplex(scores, scale="ranks", n_boot=20)


def test_rounds_are_picked_from_a_wider_table():
    scores, _ = simulate(np.random.default_rng(3), 20, 0.8, 0.9, 0.9)
    wider = scores.assign(z=np.nan)
    fit = m.fit_simplex(wider, ["a", "b", "c"], n_boot=20)
    assert fit.rounds == ROUNDS
    with pytest.raises(ValueError, match="round z is not complete"):
        m.fit_simplex(wider, ["a", "b", "z"], n_boot=20)


# --------------------------------------------------------------------------------------------
# admissibility


def test_admissibility_flags_stability_and_reliability_above_one():
    table = m.simplex_parameters([0.8, 0.6, 0.7], [0.7, 0.7, 0.7], [0.6, 0.65, 0.4])
    # row 0: rho = 0.933, stabilities < 1; row 1: r13 > r12 so stability_23 > 1; row 2: rho = 1.225
    assert table["admissible"].tolist() == [True, False, False]
    assert table.loc[1, "stability_23"] > 1
    assert table.loc[2, "reliability_2"] > 1


def test_admissible_range_and_draws(fitted):
    rng_ = fitted.admissible_range()
    assert rng_["low"] == pytest.approx(max(fitted.estimate["r12"], fitted.estimate["r23"]))
    assert rng_["high"] == 1.0
    draws = fitted.admissible_draws()
    assert len(draws) == int(fitted.draws["admissible"].sum()) > 0
    assert draws["admissible"].all()
    assert (draws["reliability_2"] <= 1 + 1e-9).all()
    assert (draws[["stability_12", "stability_23"]] <= 1 + 1e-9).all().all()
    # stability <= 1 bounds the (equal) reliability from below
    assert (draws["reliability_2"] >= np.maximum(draws["r12"], draws["r23"]) - 1e-9).all()
    summary = fitted.summary().set_index("parameter")
    assert summary["share_admissible"].iloc[0] == pytest.approx(fitted.draws["admissible"].mean())
    assert summary.loc["reliability", "ci_high_admissible"] <= 1 + 1e-9


def test_functions_built_on_the_model_refuse_inadmissible_draws(fitted):
    assert not fitted.draws["admissible"].all()  # this fixture has some
    with pytest.raises(ValueError, match="not admissible; pass fit.admissible_draws"):
        m.rank_intervals(fitted, draws=fitted.draws, n_samples=50)
    with pytest.raises(ValueError, match="not admissible"):
        m.noise_only(fitted, 5, "a", "c", draws=fitted.draws, n_sims=200)


def test_sensitivity_grid_matches_the_fit_on_the_diagonal(fitted):
    rho = float(fitted.estimate["reliability_2"])
    grid = m.sensitivity_grid(fitted, [rho, 1.0], [rho, 0.9])
    same = grid.iloc[0]
    assert same["stability_12"] == pytest.approx(fitted.estimate["stability_12"])
    assert same["stability_23"] == pytest.approx(fitted.estimate["stability_23"])
    assert len(grid) == 4
    # a more reliable first round means less stable true scores from it
    assert grid.iloc[2]["stability_12"] < same["stability_12"]


# --------------------------------------------------------------------------------------------
# determinism


def test_same_seed_same_bytes_and_another_seed_differs():
    scores, _ = simulate(np.random.default_rng(5), 30, 0.85, 0.85, 0.8)
    one, two = (m.fit_simplex(scores, n_boot=100, seed=3) for _ in range(2))
    numbers = [f.draws.drop(columns="admissible").to_numpy(dtype=float) for f in (one, two)]
    assert numbers[0].tobytes() == numbers[1].tobytes()
    assert (one.draws["admissible"] == two.draws["admissible"]).all()
    assert not one.draws.equals(m.fit_simplex(scores, n_boot=100, seed=4).draws)
    calls = [
        lambda s: m.rank_intervals(one, n_samples=100, seed=s),
        lambda s: m.true_change(one, "a", "c", n_samples=100, seed=s),
        lambda s: m.churn_outliers(one, "a", "c", n_sims=200, seed=s),
        lambda s: m.power_last_place(one, "a", "c", deltas=[0, 1, 2], reps=50, seed=s).curve,
    ]
    for call in calls:
        first, again = call(9), call(9)
        pd.testing.assert_frame_equal(first, again)
        numeric = first.select_dtypes("number").to_numpy()
        assert numeric.tobytes() == again.select_dtypes("number").to_numpy().tobytes()
    bench = [m.typical_churn(one, 30, "a", "c", n_sims=300, seed=s).later_ranks for s in (1, 1, 2)]
    assert bench[0].tobytes() == bench[1].tobytes() != bench[2].tobytes()


# --------------------------------------------------------------------------------------------
# benchmarks


def test_typical_churn_is_conditional_on_starting_last():
    n, rho_s = 50, 0.7
    r = stats.spearman_to_pearson(rho_s)
    last = m.later_rank_distribution(r, n, n_units=n, n_sims=4000, seed=1)
    # pooled over all starting ranks, the rank change averages zero: an unconditional benchmark
    # would centre the last unit on staying last
    pooled = [m.later_rank_distribution(r, k, n_units=n, n_sims=200, seed=k).later_ranks.mean() - k
              for k in range(1, n + 1)]
    assert abs(np.mean(pooled)) < 1.0
    assert last.expected < n - 3  # regression to the mean pulls the last unit up
    assert last.expected == pytest.approx(stats.rtm_expected_rank(rho_s, n), abs=1.5)
    low, high = last.interval
    assert high == n and low < n - 15  # wide, and shifted upward
    assert 0 < last.p_at_least_as_good(n - 10) < 1


def test_noise_only_is_narrower_than_typical_churn_and_both_are_named(fitted):
    n = fitted.n_units
    noise = m.noise_only(fitted, n, "a", "c", n_sims=2000)
    churn = m.typical_churn(fitted, n, "a", "c", n_sims=2000)
    assert noise.name == m.NOISE_ONLY and churn.name == m.TYPICAL_CHURN
    assert noise.interval[0] > churn.interval[0]
    assert noise.expected > churn.expected
    observed = m.typical_churn(fitted, n, "a", "c", given="scores", n_sims=500)
    assert observed.given == "scores" and observed.summary()["start_rank"] == n
    with pytest.raises(ValueError, match="start_rank must be between 1 and"):
        m.typical_churn(fitted, n + 1, "a", "c", n_sims=200)
    with pytest.raises(ValueError, match="must come before"):
        m.typical_churn(fitted, 3, "c", "a", n_sims=200)


# --------------------------------------------------------------------------------------------
# rank intervals and who moved


def test_rank_probabilities_add_up_and_a_near_perfect_index_pins_ranks():
    scores, _ = simulate(np.random.default_rng(8), 25, 0.999, 0.9, 0.9)
    fit = m.fit_simplex(scores, n_boot=200, seed=2)
    known = m.simplex_parameters(*population(0.999, 0.9, 0.9))  # the true parameters as the only draw
    table = m.rank_intervals(fit, draws=known, k=3, n_samples=400, seed=1)
    for _, part in table.groupby("round"):
        assert part["p_last"].sum() == pytest.approx(1.0)
        assert part["p_bottom_k"].sum() == pytest.approx(3.0)
    assert ((table["true_rank_low"] <= table["observed_rank"]) & (table["observed_rank"] <= table["true_rank_high"])).mean() > 0.95
    assert (table["true_rank_high"] - table["true_rank_low"]).median() <= 2
    own = m.rank_intervals(fit, k=3, n_samples=200, seed=1, conditioning="own_round")
    assert own.shape == table.shape
    with pytest.raises(ValueError, match="conditioning must be one of"):
        m.rank_intervals(fit, n_samples=10, conditioning="neighbours")


def test_true_change_table_is_coherent(fitted):
    table = m.true_change(fitted, "a", "c", n_samples=400, seed=3)
    assert (table["p_positive"] + table["p_negative"]).to_numpy() == pytest.approx(1.0)
    assert (table["lfsr"] <= 0.5).all()
    assert ((table["ci_low"] <= table["mean"]) & (table["mean"] <= table["ci_high"])).all()
    again = m.select_by_lfsr(table["lfsr"], 0.05)
    assert (again["selected"] == table["selected"]).all()
    if table["selected"].any():
        assert table.loc[table["selected"], "lfsr"].mean() <= 0.05


def test_lfsr_selection_keeps_the_average_at_the_level():
    lfsr = pd.Series([0.01, 0.02, 0.2, 0.03, 0.5, 0.03], index=list("pqrstu"))
    out = m.select_by_lfsr(lfsr, 0.05)
    # sorted: .01 .02 .03 .03 .2 .5 -> running means .01 .015 .02 .0225 .058 .135
    assert out["selected"].tolist() == [True, True, False, True, False, True]
    assert out.loc["s", "svalue"] == pytest.approx(0.0225)
    assert out.loc[out["selected"], "lfsr"].mean() <= 0.05
    with pytest.raises(ValueError, match="lfsr values must lie in"):
        m.select_by_lfsr(pd.Series([0.1, np.nan]))


def test_benjamini_hochberg_matches_statsmodels():
    p = pd.Series(np.random.default_rng(4).uniform(size=30) ** 3, index=[f"u{i}" for i in range(30)])
    ours = m.benjamini_hochberg(p, 0.1)
    rejected, adjusted, _, _ = multipletests(p.to_numpy(), alpha=0.1, method="fdr_bh")
    assert ours["p_adjusted"].to_numpy() == pytest.approx(adjusted)
    assert (ours["rejected"].to_numpy() == rejected).all()


def test_churn_outliers_flag_a_planted_jump():
    scores, _ = simulate(np.random.default_rng(6), 60, 0.95, 0.95, 0.95)
    worst = scores["a"].idxmin()
    scores.loc[worst, "c"] = scores["c"].max() + 0.01  # from last to first
    fit = m.fit_simplex(scores, n_boot=200, seed=1)
    table = m.churn_outliers(fit, "a", "c", n_sims=2000, seed=2)
    assert table.loc[worst, "outlier"]
    assert table.loc[worst, "p_value"] == table["p_value"].min()
    assert table["p_value"].between(0, 1).all()
    assert table["outlier"].sum() <= 2
    tests = m.prespecified_tests(fit, "a", "c", k=4)
    assert tests.loc[0, "units"] == [worst] and tests.loc[0, "p_value"] < 0.01
    assert tests.loc[1, "n"] == 4


def test_excess_gain_is_the_ancova_mean_shift(fitted):
    import statsmodels.api as sm

    units = list(fitted.scores.index[:3])
    res = m.excess_gain_test(fitted, "a", "b", units)
    design = pd.DataFrame({"const": 1.0, "start": fitted.scores["a"],
                           "cohort": fitted.scores.index.isin(units).astype(float)})
    ols = sm.OLS(fitted.scores["b"], design).fit()
    assert res["excess"] == pytest.approx(ols.params["cohort"])
    assert res["se"] == pytest.approx(ols.bse["cohort"])
    assert res["p_value"] == pytest.approx(ols.pvalues["cohort"] / 2 if ols.params["cohort"] > 0
                                           else 1 - ols.pvalues["cohort"] / 2)
    assert res["df"] == fitted.n_units - 3
    with pytest.raises(ValueError, match="not found"):
        m.excess_gain_test(fitted, "a", "b", ["nobody"])


# --------------------------------------------------------------------------------------------
# power


def test_power_has_the_right_size_and_grows_with_the_gain(fitted):
    cohort = m.power_bottom_cohort(fitted, "a", "c", k=5, deltas=[0, 0.5, 1, 1.5, 2, 3], reps=600, seed=1)
    power = cohort.curve["power"].to_numpy()
    assert power[0] == pytest.approx(0.05, abs=0.025)  # size under no excess gain
    assert (np.diff(power) >= -0.02).all() and power[-1] > 0.9
    assert cohort.curve["rank_places"].iloc[0] == 0
    last = m.power_last_place(fitted, "a", "c", deltas=np.arange(0, 4.01, 0.5), reps=600, seed=1)
    found, found_last = cohort.minimum_detectable(), last.minimum_detectable()
    assert found["reached"] and found_last["reached"]
    assert found["delta"] < found_last["delta"]  # five units are easier to judge than one
    assert found_last["rank_places"] > 0
    none = m.power_last_place(fitted, "a", "c", deltas=[0, 0.1], reps=100, seed=1).minimum_detectable()
    assert not none["reached"] and math.isnan(none["delta"])


# --------------------------------------------------------------------------------------------
# calibration by simulation


def test_known_reliability_and_true_changes_are_recovered_at_about_the_nominal_rate():
    """120 simulated panels of 60 units (reliability 0.9, stabilities 0.85 and 0.8), 90% intervals.

    Tolerances (stated): the reliability interval (percentile bootstrap, all draws) must cover
    the true value in 80-97% of panels; the true-change and true-rank intervals must cover the
    true values in 80-95% and 85-95% of unit-intervals; among units selected by average lfsr
    at 0.05 at most 8% may have the wrong sign. Measured when written: about 92%, 86%, 91% and
    5%. The true-change intervals are slightly narrow at this size because a 60-unit bootstrap
    understates the uncertainty of the reliability; with the true parameters they cover 89%.
    """
    rho, beta12, beta23, n_units, reps = 0.9, 0.85, 0.8, 60, 120
    rng = np.random.default_rng(7301)
    cover_rho, cover_change, cover_rank, wrong, selected = [], [], [], 0, 0
    for rep in range(reps):
        scores, true = simulate(rng, n_units, rho, beta12, beta23)
        fit = m.fit_simplex(scores, n_boot=200, seed=rep)
        row = fit.summary().set_index("parameter").loc["reliability"]
        cover_rho.append(row["ci_low"] <= rho <= row["ci_high"])
        if not len(fit.admissible_draws()):
            continue
        truth = (true - scores.mean()) / scores.std(ddof=1)  # true scores on the fit's scale
        change = truth["c"] - truth["a"]
        table = m.true_change(fit, "a", "c", n_samples=300, seed=rep)
        cover_change.append(((table["ci_low"] <= change) & (change <= table["ci_high"])).mean())
        wrong += int((table["selected"] & (np.sign(table["mean"]) != np.sign(change))).sum())
        selected += int(table["selected"].sum())
        ranks = m.rank_intervals(fit, n_samples=300, seed=rep)
        true_rank = pd.concat([stats.competition_rank(truth[r]) for r in ROUNDS]).to_numpy()
        cover_rank.append(((ranks["true_rank_low"] <= true_rank) & (true_rank <= ranks["true_rank_high"])).mean())
    assert 0.80 <= np.mean(cover_rho) <= 0.97
    assert 0.80 <= np.mean(cover_change) <= 0.95
    assert 0.85 <= np.mean(cover_rank) <= 0.95
    assert selected > 0 and wrong / selected <= 0.08


# --------------------------------------------------------------------------------------------
# house rules


def test_no_year_or_unit_count_literals_in_the_module():
    tree = ast.parse((paths.ROOT / "src" / "helpers" / "measurement.py").read_text(encoding="utf-8"))
    bad = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
           and isinstance(node.value, int) and not isinstance(node.value, bool)
           and (2017 <= node.value <= 2030 or node.value in (63, 34))]
    assert not bad


def test_the_normal_score_scale_runs_end_to_end():
    scores, _ = simulate(np.random.default_rng(12), 40, 0.9, 0.85, 0.85)
    fit = m.fit_simplex(scores, scale="normal_scores", normal_method="van_der_waerden", n_boot=200, seed=1)
    assert fit.scores["a"].max() == pytest.approx(stats_norm_ppf(40 / 41))
    assert fit.estimate["admissible"]
    bench = m.typical_churn(fit, 40, "a", "c", n_sims=500)
    assert bench.interval[1] == 40
    power = m.power_last_place(fit, "a", "c", deltas=[0, 4], reps=300, seed=2).curve["power"]
    assert power.iloc[0] < 0.12 and power.iloc[1] > power.iloc[0]


def test_the_model_s_errors_are_study_errors_that_still_read_as_value_errors():
    from helpers.exceptions import StudyError

    assert issubclass(m.ModelError, StudyError) and issubclass(m.ModelError, ValueError)
    with pytest.raises(m.ModelError, match="exactly three rounds"):
        m.complete_three_rounds(pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 1.0]}))
