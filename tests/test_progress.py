"""The progress notebook's glue (helpers.progress) and the values it records (findings.progress,
findings.case_record): the model on both scales, the two named benchmarks, rank intervals, who
really moved, the pre-specified tests and power, the cases' main indices and timelines."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers import cases, findings, params, provinces, study, tables
from helpers import measurement as m
from helpers import progress as pg

N_BOOT = 300  # enough for the checks below, fast


@pytest.fixture(scope="module")
def real():
    """The notebook's default analysis on the study's data, with fewer draws."""
    dti_panel = tables.load_dti_panel()
    rounds = pg.model_rounds(pg.complete_rounds(dti_panel), 2022, 2024)
    scores = pg.model_scores(dti_panel, rounds)
    fits = pg.fit_scales(scores, "standardised", n_boot=N_BOOT)
    names = provinces.load_reference().set_index("gso_code")["name_vi"]
    return {"panel": dti_panel, "rounds": rounds, "scores": scores, "fits": fits, "fit": fits["standardised"],
            "names": names, "n": len(scores)}


def _simulated(seed=3, n_units=60, rho=0.9, beta12=0.9, beta23=0.85):
    rng = np.random.default_rng(seed)
    t1 = math.sqrt(rho) * rng.standard_normal(n_units)
    t2 = beta12 * t1 + math.sqrt(rho * (1 - beta12**2)) * rng.standard_normal(n_units)
    t3 = beta23 * t2 + math.sqrt(rho * (1 - beta23**2)) * rng.standard_normal(n_units)
    observed = np.c_[t1, t2, t3] + math.sqrt(1 - rho) * rng.standard_normal((n_units, 3))
    return pd.DataFrame(50 + 10 * observed, index=pd.Index([f"u{i:02d}" for i in range(n_units)], name="gso_code"),
                        columns=[1, 2, 3])


# --- parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,message", [
    ({"start": 2021}, r"start=2021: not a complete round; allowed: 2022"),
    ({"end": 2023}, r"end=2023: the three-wave model needs three complete rounds, got \[2022, 2023\]"),
    ({"scale": "ranks"}, r"scale='ranks': allowed: 'standardised', 'normal_scores'"),
    ({"bottom_k": 0}, r"bottom_k=0: allowed: a whole number from 1 to 20"),
    ({"benchmark_rank": 64}, r"benchmark_rank=64: allowed: a whole number from 1 to 63"),
    ({"n_boot": 10}, r"n_boot=10: allowed: a whole number from 200 to 5000"),
    ({"focus_provinces": "bac-liu"}, r"did you mean 'bac-lieu'"),
])
def test_parameter_errors_name_the_parameter_and_the_allowed_values(kwargs, message):
    good = {"start": 2022, "end": 2024, "scale": "standardised", "bottom_k": 5, "benchmark_rank": 58,
            "focus_provinces": "bac-lieu,ben-tre", "n_boot": 2000}
    with pytest.raises(params.ParameterError, match=message):
        pg.check_progress_parameters(**(good | kwargs), complete=[2022, 2023, 2024], n_units=63)


def test_valid_parameters_give_the_rounds_and_gso_codes():
    rounds, codes = pg.check_progress_parameters(
        start=2022, end=2024, scale="normal_scores", bottom_k=5, benchmark_rank=58,
        focus_provinces="bac-lieu,ben-tre,bac-kan", n_boot=2000, complete=[2022, 2023, 2024], n_units=63)
    assert rounds == [2022, 2023, 2024] and codes == ["95", "83", "06"]


def test_the_model_takes_three_of_four_complete_rounds():
    assert pg.model_rounds([2022, 2023, 2024, 2025], 2023, 2025) == [2023, 2024, 2025]


# --- the model -------------------------------------------------------------------------------

def test_model_table_has_both_scales_the_primary_first_and_the_admissible_range(real):
    table = pg.model_table(real["fits"])
    assert list(table["scale"].unique()) == ["standardised", "normal_scores"]
    rel = table[table["parameter"] == "reliability (2023)"].iloc[0]
    est = real["fit"].estimate
    assert rel["range_low"] == pytest.approx(max(est["r12"], est["r23"]))
    assert rel["range_low"] <= rel["admissible_low"] <= rel["estimate"] <= rel["admissible_high"] <= 1
    assert rel["ci_low"] < rel["admissible_low"] and rel["ci_high"] > 1  # draws above 1 exist and are dropped
    assert set(table["parameter"]) == {"reliability (2023)", "stability 2022→2023", "stability 2023→2024",
                                       "stability 2022→2024"}


def test_sensitivity_grid_keeps_the_identified_middle_and_names_the_assumed_rounds(real):
    grid = pg.sensitivity_table(real["fit"])
    assert len(grid) == len(pg.GRID) ** 2
    assert {"assumed reliability 2022", "assumed reliability 2024"} <= set(grid.columns)
    # a higher assumed first-round reliability lowers the first stability (β12 = r12/√(ρ1ρ2))
    by_rho1 = grid.groupby("assumed reliability 2022")["stability 2022→2023"].first()
    assert by_rho1.is_monotonic_decreasing


def test_the_raw_scale_check_is_labelled_not_comparable(real):
    raw = pg.raw_scale_reliabilities(real["scores"])
    assert "not comparable" in raw.name and raw[2023] == pytest.approx(real["fit"].estimate["reliability_2"])


# --- the two benchmarks ----------------------------------------------------------------------

def test_benchmarks_are_named_and_noise_only_is_the_narrower(real):
    n = real["n"]
    benches = pg.benchmarks(real["fit"], [n, 58], [(2022, 2024)], n_sims=1000)
    table = pg.benchmark_table(benches)
    assert set(table["benchmark"]) == {m.NOISE_ONLY, m.TYPICAL_CHURN}
    for rank in (n, 58):
        rows = table[table["start_rank"] == rank].set_index("benchmark")
        noise, churn = rows.loc[m.NOISE_ONLY], rows.loc[m.TYPICAL_CHURN]
        assert churn["low"] < noise["low"] and noise["high"] <= churn["high"]
        assert churn["expected_rank"] < noise["expected_rank"] < rank + 0.5  # both regress from the start
    assert benches[("2022→2024", n, m.NOISE_ONLY)].given == "ranks"  # conditional on the starting rank


def test_starters_are_the_provinces_observed_at_the_rank(real):
    movers = {r: pg.starters(real["fit"], 2022, 2024, r) for r in (real["n"], 58)}
    assert movers[real["n"]].index.tolist() == ["06"] and int(movers[real["n"]]["end_rank"].iloc[0]) == 32
    summary = pg.starter_summary(movers, {"last": real["n"], "rank": 58}, real["names"])
    assert summary == {"last": ("Bắc Kạn", 32), "rank": ("Cà Mau", 26)}


# --- rank intervals and tails -----------------------------------------------------------------

def test_rank_intervals_cover_every_province_round_and_scale(real):
    intervals = pg.rank_intervals(real["fits"], k=5, n_samples=400)
    assert len(intervals) == real["n"] * 3 * 2
    assert (intervals["true_rank_low"] <= intervals["true_rank_high"]).all()
    per_draw = intervals.groupby(["scale", "round"])[["p_last", "p_bottom_k"]].sum()
    assert np.allclose(per_draw["p_last"], 1) and np.allclose(per_draw["p_bottom_k"], 5)
    league = pg.league_rows(intervals, "standardised", real["names"])
    assert league.groupby("round")["observed_rank"].is_monotonic_increasing.all()
    tails = pg.tail_table(intervals, ["95"], real["names"])
    assert list(tails.columns[-4:]) == ["p_bottom_k (standardised)", "p_bottom_k (normal_scores)",
                                        "p_last (standardised)", "p_last (normal_scores)"]


def test_skewness_says_which_rounds_have_a_long_lower_tail(real):
    skew = pg.skewness(real["scores"])
    assert skew[2023] < 0 and skew[2024] < 0


# --- who really moved -------------------------------------------------------------------------

def test_a_planted_jump_is_progress_and_beyond_typical_churn():
    scores = _simulated(n_units=150, rho=0.95, beta12=0.95, beta23=0.95)  # one jump barely moves the correlations
    last = scores[1].idxmin()
    scores.loc[last, [2, 3]] = scores[[2, 3]].max() + 1  # from last place to the top, and it stays
    fit = m.fit_simplex(scores, n_boot=N_BOOT)
    moved = pg.who_moved(fit, 1, 3, n_samples=1000, n_sims=8000)  # p can reach 1/8001, below BH's 0.05/150
    assert moved.loc[last, "change_class"] == pg.PROGRESS and moved.loc[last, "churn_class"] == pg.BEYOND_RISE
    assert moved.attrs == {"start": 1, "end": 3, "level": m.DEFAULT_LEVEL, "churn_level": m.DEFAULT_LEVEL}


def test_classes_follow_the_lfsr_selection_and_the_bars_add_up(real):
    moved = pg.who_moved(real["fit"], 2022, 2024, n_samples=1000, n_sims=1000)
    change = m.true_change(real["fit"], 2022, 2024, n_samples=1000)
    assert ((moved["change_class"] != pg.NO_CREDIBLE_CHANGE) == change["selected"]).all()
    assert (moved.loc[moved["change_class"] == pg.PROGRESS, "mean"] > 0).all()
    assert (moved.loc[moved["change_class"] == pg.DECLINE, "mean"] < 0).all()
    counts = pg.bar_counts(moved)["provinces"]
    table = pg.movers_table(moved, real["names"])
    assert counts.iloc[0] + counts.iloc[1] <= len(table) <= counts.iloc[:4].sum()
    assert counts.iloc[-1] == real["n"]
    assert set(table["province"]) >= {"Bắc Kạn", "Hà Giang", "Cà Mau"}  # wherever they started
    secondary = pg.one_round_check(real["fit"], n_samples=500, n_sims=500)
    assert list(secondary.columns) == ["2022→2023", "2023→2024"]


def test_the_prespecified_hypotheses_name_their_provinces(real):
    tests = pg.prespecified(real["fit"], 2022, 2024, k=5, names=real["names"])
    assert tests["provinces"].iloc[0] == "Bắc Kạn" and tests["n"].tolist() == [1, 5]
    assert "Bạc Liêu" in tests["provinces"].iloc[1] and (tests["df"] == real["n"] - 3).all()


def test_the_residual_check_of_one_province_is_its_ancova_t(real):
    tests = pg.prespecified(real["fit"], 2022, 2024, k=5, names=real["names"])
    check = pg.residual_check(real["fit"], 2022, 2024, tests["units"].iloc[0])
    assert check.index.tolist() == ["06"] and check["n"].iloc[0] == real["n"]
    assert check["studentized_residual"].iloc[0] == pytest.approx(tests["t"].iloc[0])
    assert check["rank"].iloc[0] == 1 and 0 < check["shapiro_p"].iloc[0] <= 1


def test_power_grows_from_the_size_to_the_target(real):
    curves = pg.power(real["fit"], 2022, 2024, k=5, reps=300)
    table = pg.power_table(curves)
    assert table["reached"].all() and table["delta"].iloc[0] < table["delta"].iloc[1]  # a cohort is easier
    for curve in curves.values():
        assert curve.curve["power"].iloc[0] < 0.12 and curve.curve["power"].iloc[-1] > curve.target


# --- the two cases ----------------------------------------------------------------------------

def test_bac_lieu_2022_cybersecurity_is_below_every_bottom_five_peer():
    main = tables.load_main_indices()
    profile = pg.main_index_profile(main, study.MAIN_CASE, 5)
    weakest = profile[profile["year"] == 2022].iloc[0]
    assert weakest["measure"] == "cybersecurity" and weakest["below_every_peer"] and weakest["peers"] == 4
    # against the raw published rows: the other provinces of the 2022 bottom five, their cybersecurity scores
    rows = main[(main["year"] == 2022) & (main["units"] == study.PROVINCES.n_units)]
    bottom = rows[(rows["measure"] == "dti") & (rows["rank"] > study.PROVINCES.n_units - 5)]["gso_code"]
    cyber = rows[(rows["measure"] == "cybersecurity") & rows["gso_code"].isin(bottom)].set_index("gso_code")["score"]
    assert cyber[study.MAIN_CASE] < cyber.drop(study.MAIN_CASE).min() == weakest["peer_low"]


def test_a_province_with_ranks_only_is_ordered_by_its_worst_rank():
    profile = pg.main_index_profile(tables.load_main_indices(), study.COMPARISON_CASE, 5)
    assert profile["score"].isna().all() and profile["rank"].is_monotonic_decreasing
    assert profile["peers"].eq(0).all() and not profile["below_every_peer"].any()


def test_policy_milestones_one_row_per_event_and_the_first_dated_commitment():
    timeline = tables.load_timeline()
    milestones = pg.policy_milestones(timeline, study.COMPARISON_CASE)
    assert milestones["event_key"].is_unique
    assert len(milestones) == timeline.loc[timeline["gso_code"] == study.COMPARISON_CASE, "event_key"].nunique()
    first = pg.first_commitment(milestones)
    assert first["event_type"] == "resolution" and first["first_dated"] == "2020-10-20"
    assert pg.first_commitment(milestones.iloc[0:0]).empty


# --- the values the findings page cites ------------------------------------------------------

def _plain(values: dict) -> None:
    for name, value in values.items():
        assert type(value) in (int, float, str), f"{name}: {type(value).__name__}"


def test_progress_values_are_plain_rounded_and_named_for_the_page(real):
    fit, names, n = real["fit"], real["names"], real["n"]
    ranks = {"last": n, "rank": 58}
    benches = pg.benchmarks(fit, list(ranks.values()), [(2022, 2024)], n_sims=1000)
    movers = {r: pg.starters(fit, 2022, 2024, r) for r in ranks.values()}
    moved = pg.who_moved(fit, 2022, 2024, n_samples=1000, n_sims=1000)
    values = findings.progress(
        model=pg.model_table(real["fits"]), primary="standardised", n_boot=N_BOOT, grid=pg.sensitivity_table(fit),
        benchmarks=pg.benchmark_table(benches), period="2022→2024", ranks=ranks,
        starters=pg.starter_summary(movers, ranks, names), moved=moved, focus=["95", "06"], names=names,
        scale_check=pg.scale_check(real["fits"], 2022, 2024, n_samples=500, n_sims=500),
        tests=pg.prespecified(fit, 2022, 2024, k=5, names=names), curves=pg.power(fit, 2022, 2024, k=5, reps=300),
        residuals=pg.residual_check(fit, 2022, 2024, ["06"]), intervals=pg.rank_intervals(real["fits"], k=5, n_samples=400), prefixes={"95": "a"},
        skew=pg.skewness(real["scores"]))
    _plain(values)
    assert values["rel"] == round(float(fit.estimate["reliability_2"]), 2) and values["model_boot"] == N_BOOT
    assert values["rel_range_low"] <= values["rel_adm_low"] <= values["rel"] <= values["rel_adm_high"] <= 1
    assert (values["noise_last_high"], values["churn_last_high"], values["bench_level"]) == (n, n, 90)
    assert values["last_starter"] == "Bắc Kạn" and values["last_starter_verdict"] == "better than both intervals"
    assert values["rank_starter_verdict"] == "better than the noise-only interval, inside typical churn"
    assert values["tc_06_class"] == pg.PROGRESS and values["pre_last_names"] == "Bắc Kạn"
    assert values["n_progress"] == int((moved["change_class"] == pg.PROGRESS).sum())
    assert values["progress_names"].startswith("Bắc Kạn, ")  # from the lowest start up
    assert 0 <= values["ri_a_2023_last"] <= 1 and "ri_a_2023_last_other" in values
    assert (values["lfsr_alpha"], values["bh_q"], values["power_target"]) == (5, 5, 80)
    assert (values["resid_rank"], values["resid_n"], values["resid_p_floor"]) == (1, n, round(1 / n, 3))


def test_the_verdict_reads_the_two_intervals():
    assert findings._verdict(32, 60, 39) == "better than both intervals"
    assert findings._verdict(26, 47, 24) == "better than the noise-only interval, inside typical churn"
    assert findings._verdict(61, 60, 39) == "inside both intervals"


def test_case_values_name_the_weakest_index_and_the_first_commitment():
    codes = list(study.CASES)
    timeline = tables.load_timeline()
    milestones = {c: pg.policy_milestones(timeline, c) for c in codes}
    values = findings.case_record(
        profiles={c: pg.main_index_profile(tables.load_main_indices(), c, 5) for c in codes},
        milestones=milestones, commitments={c: pg.first_commitment(milestones[c]) for c in codes},
        documents=cases.corpus_documents(codes, tables.load_corpus_documents()),
        cells=cases.indicator_cells(tables.load_codebook(), codes, tables.load_population()),
        prefixes={study.MAIN_CASE: "a", study.COMPARISON_CASE: "b"})
    _plain(values)
    assert values["mi_a_2022_index"] == "cybersecurity" and values["mi_a_2022_score"] < values["mi_a_2022_peer_low"]
    assert values["mi_a_2022_versus_peers"] == "below that of each of the other 4 provinces in the bottom 5"
    assert values["mi_b_2021_rank"] >= 50 and "mi_b_2021_score" not in values  # ranks only were published
    assert values["pol_b_first_date"] == "2020-10-20" and values["pol_b_first_document"] == "01-NQ/TU"
    assert values["ind_both"] < min(values["ind_a_n"], values["ind_b_n"]) and values["art_a_n"] > values["art_b_n"]
