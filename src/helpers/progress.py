"""Glue between the DTI panel and ``helpers.measurement`` for the progress notebook (07).

The notebook asks whether provinces that start last make real progress. This module turns the
panel into the three complete rounds the measurement model is fitted on, and the model's output
into the tables the notebook shows: the model and its sensitivity, the two named benchmarks
(``measurement.NOISE_ONLY`` and ``measurement.TYPICAL_CHURN``, never mixed up), rank intervals,
who really moved, the pre-specified tests, power, the tail check, and what the published main
indices and the articles' policy timelines say about the two cases. Figures are drawn by
``plots.progress``; the values the findings page cites are rounded by ``findings.progress``.

The words are the glossary's (``site/methods.md``): *last place* is rank n; *bottom k* the ranks
above n − k (``bottom_k``); the *cohort* the bottom k of the first round, followed whatever their
later rank; *progress* a true-score change credibly above zero (local false sign rate); *catch-up
beyond the usual* a rise that beats typical churn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import measurement as m
from . import panel, params, stats, study
from . import trajectories as tj

# scipy.stats (0.4 s to import) is imported by the functions that use it: the notebooks that only record
# findings import this module without drawing on it.

#: The two within-round scales, as the notebook and the figures name them.
SCALE_LABELS = {"standardised": "standardised scores", "normal_scores": "normal scores of the ranks"}
#: Classes of a province's true-score change (lfsr-controlled) and of its move against typical churn.
PROGRESS, DECLINE, NO_CREDIBLE_CHANGE = "progress", "decline", "no credible change"
BEYOND_RISE, BEYOND_FALL, WITHIN = "rise beyond typical churn", "fall beyond typical churn", "within typical churn"
#: Smallest and largest bottom cohort (``bottom_k``), as in the trajectories notebook.
BOTTOM_K = tj.BOTTOM_K
#: Fewest bootstrap draws the notebook accepts, and the most (run time).
N_BOOT = (200, 5000)
#: Assumed first- and last-round reliabilities of the sensitivity grid.
GRID = (0.85, 0.9, 0.95, 1.0)
#: Error rates: the average local false sign rate of the "progress" selection, the false
#: discovery rate of the typical-churn outlier screen, the one-sided level of the tests.
LFSR_ALPHA, BH_Q, TEST_ALPHA = 0.05, 0.05, 0.05


def pair_label(a, b) -> str:
    """How a period is named in every table and figure (``2022→2024``)."""
    return f"{a}→{b}"


# --------------------------------------------------------------------------------------------
# parameters and data


def model_rounds(complete: list[int], start: int, end: int) -> list[int]:
    """The complete rounds from ``start`` to ``end``: the model needs exactly three."""
    if start not in complete:
        raise params.ParameterError("start", start, ", ".join(str(r) for r in complete[:-2]),
                                    problem="not a complete round")
    chosen = [r for r in complete if start <= r <= end]
    if end not in complete or len(chosen) != 3:
        later = [str(r) for r in complete if r > start]
        raise params.ParameterError("end", end, "the third complete round from start: " + (", ".join(later) or "none"),
                                    problem=f"the three-wave model needs three complete rounds, got {chosen}")
    return chosen


def check_progress_parameters(*, start, end, scale, bottom_k, benchmark_rank, focus_provinces, n_boot,
                              complete: list[int], n_units: int) -> tuple[list[int], list[str]]:
    """Check the progress notebook's parameters; return the model's rounds and the focus GSO codes.

    Every error is a ``params.ParameterError`` naming the parameter, the bad value and the
    allowed values.
    """
    params.choice("scale", scale, list(m.SCALES))
    params.whole_number("bottom_k", bottom_k, *BOTTOM_K)
    params.whole_number("benchmark_rank", benchmark_rank, 1, n_units)
    params.whole_number("n_boot", n_boot, *N_BOOT)
    if isinstance(start, bool) or not isinstance(start, int):
        raise params.ParameterError("start", start, ", ".join(str(r) for r in complete))
    if isinstance(end, bool) or not isinstance(end, int):
        raise params.ParameterError("end", end, ", ".join(str(r) for r in complete))
    return model_rounds(complete, start, end), params.province_list("focus_provinces", focus_provinces)


def model_scores(dti_panel: pd.DataFrame, rounds: list[int]) -> pd.DataFrame:
    """Overall DTI scores of every province (GSO code) in the model's rounds, from the complete backbone."""
    scores = tj.index_values(dti_panel, None, "dti")[rounds]
    return scores.rename_axis("gso_code")


def complete_rounds(dti_panel: pd.DataFrame) -> list[int]:
    return panel.complete_years(dti_panel)


# --------------------------------------------------------------------------------------------
# the measurement model


def fit_scales(scores: pd.DataFrame, primary: str, *, n_boot: int, seed: int = m.DEFAULT_SEED) -> dict:
    """The model fitted on both scales, the ``primary`` scale first (same seed, same resamples)."""
    order = [primary, *[s for s in m.SCALES if s != primary]]
    return {scale: m.fit_simplex(scores, scale=scale, n_boot=n_boot, seed=seed) for scale in order}


def _parameter_names(rounds) -> dict[str, str]:
    a, b, c = rounds
    return {"reliability": f"reliability ({b})", "stability_12": f"stability {pair_label(a, b)}",
            "stability_23": f"stability {pair_label(b, c)}", "stability_13": f"stability {pair_label(a, c)}"}


def model_table(fits: dict) -> pd.DataFrame:
    """Reliability and stabilities on each scale: estimate, interval over all bootstrap draws,
    interval over the admissible draws, the share admissible and the reliability's admissible
    range [max(r12, r23), 1] (stability ≤ 1 bounds it from below)."""
    rows = []
    for scale, fit in fits.items():
        summary = fit.summary().set_index("parameter")
        adm = fit.admissible_range()
        for key, label in _parameter_names(fit.rounds).items():
            s = summary.loc[key]
            rows.append({"scale": scale, "parameter": label, "estimate": s["estimate"], "ci_low": s["ci_low"],
                         "ci_high": s["ci_high"], "admissible_low": s["ci_low_admissible"],
                         "admissible_high": s["ci_high_admissible"], "share_admissible": s["share_admissible"],
                         "range_low": adm["low"] if key == "reliability" else np.nan,
                         "range_high": adm["high"] if key == "reliability" else np.nan})
    return pd.DataFrame(rows)


def sensitivity_table(fit: m.SimplexFit, values=GRID) -> pd.DataFrame:
    """Stabilities under assumed first- and last-round reliabilities (the middle one is identified)."""
    grid = m.sensitivity_grid(fit, values, values)
    names = _parameter_names(fit.rounds)
    keep = ["rho1", "rho3", "stability_12", "stability_23", "stability_13", "admissible", "share_admissible"]
    out = grid[keep].rename(columns={k: v for k, v in names.items() if k in keep})
    return out.rename(columns={"rho1": f"assumed reliability {fit.rounds[0]}",
                               "rho3": f"assumed reliability {fit.rounds[2]}"})


def raw_scale_reliabilities(scores: pd.DataFrame) -> pd.Series:
    """Wiley & Wiley's (1970) reliabilities on the raw scores: a raw-scale sensitivity only, not
    comparable with the within-round scales (the raw spread changes with the method)."""
    return m.wiley_wiley_reliabilities(scores).rename("reliability (raw scores, Wiley & Wiley; not comparable)")


# --------------------------------------------------------------------------------------------
# the two benchmarks


def benchmarks(fit: m.SimplexFit, start_ranks: list[int], periods: list[tuple], *, n_sims: int = 4000,
               seed: int = m.DEFAULT_SEED) -> dict:
    """Noise only and typical churn for each starting rank and period, conditional on the starting
    rank (``given="ranks"``); keyed by (period label, start rank, benchmark name)."""
    out = {}
    for a, b in periods:
        for rank in start_ranks:
            for bench in (m.noise_only(fit, rank, a, b, n_sims=n_sims, seed=seed),
                          m.typical_churn(fit, rank, a, b, n_sims=n_sims, seed=seed)):
                out[(pair_label(a, b), rank, bench.name)] = bench
    return out


def benchmark_table(benches: dict) -> pd.DataFrame:
    """One row per period, starting rank and benchmark: expected later rank and its interval."""
    rows = [{"period": period, "start_rank": rank, "benchmark": name, "expected_rank": b.expected,
             "low": b.interval[0], "high": b.interval[1], "level": b.level, "draws": len(b.later_ranks)}
            for (period, rank, name), b in benches.items()]
    return pd.DataFrame(rows)


def starters(fit: m.SimplexFit, start, end, start_rank: int) -> pd.DataFrame:
    """The provinces observed at ``start_rank`` in ``start``, with their rank in ``end``."""
    ranks = pd.DataFrame({"start_rank": stats.competition_rank(fit.scores[start]),
                          "end_rank": stats.competition_rank(fit.scores[end])})
    return ranks[ranks["start_rank"] == start_rank]


def starter_summary(movers: dict[int, pd.DataFrame], ranks: dict[str, int], names: pd.Series) -> dict:
    """For each named starting rank (``{"last": 63, "rank": 58}``), the province(s) that started
    there and the later rank of the first: ``{"last": ("Bắc Kạn", 32), ...}`` (none: left out)."""
    out = {}
    for key, rank in ranks.items():
        rows = movers[rank]
        if len(rows):
            out[key] = (", ".join(names[c] for c in rows.index), int(rows["end_rank"].iloc[0]))
    return out


# --------------------------------------------------------------------------------------------
# rank intervals and the tails


def rank_intervals(fits: dict, *, k: int, n_samples: int = 2000, seed: int = m.DEFAULT_SEED) -> pd.DataFrame:
    """Rank intervals of every province and round on each scale (``measurement.rank_intervals``)."""
    return pd.concat([m.rank_intervals(fit, k=k, n_samples=n_samples, seed=seed).assign(scale=scale)
                      for scale, fit in fits.items()], ignore_index=True)


def skewness(scores: pd.DataFrame) -> pd.Series:
    """Skewness of each round's raw scores (negative: a long lower tail)."""
    from scipy import stats as sps
    return scores.apply(lambda col: float(sps.skew(col.to_numpy(dtype=float), bias=False))).rename("skewness")


def tail_table(intervals: pd.DataFrame, codes: list[str], names: pd.Series) -> pd.DataFrame:
    """P(bottom k) and P(last) of the given provinces in every round, one column per scale: how
    much the bottom of the ranking depends on the scale (standardised scores keep the long lower
    tail of a skewed round; normal scores spread the bottom evenly)."""
    rows = intervals[intervals["gso_code"].isin(codes)]
    table = rows.pivot_table(index=["gso_code", "round", "observed_rank"], columns="scale",
                             values=["p_bottom_k", "p_last"], sort=False)
    table.columns = [f"{v} ({s})" for v, s in table.columns]
    table = table.reset_index()
    table.insert(1, "province", table["gso_code"].map(names))
    return table.sort_values(["round", "observed_rank"]).reset_index(drop=True)


def league_rows(intervals: pd.DataFrame, scale: str, names: pd.Series) -> pd.DataFrame:
    """The league table of one scale: every province and round, with its name, ordered by round and rank."""
    rows = intervals[intervals["scale"] == scale].copy()
    rows["province"] = rows["gso_code"].map(names)
    return rows.sort_values(["round", "observed_rank", "gso_code"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# who really moved


def _classify(change: pd.DataFrame) -> pd.Series:
    return pd.Series(np.where(~change["selected"], NO_CREDIBLE_CHANGE,
                              np.where(change["mean"] > 0, PROGRESS, DECLINE)), index=change.index)


def who_moved(fit: m.SimplexFit, start, end, *, n_samples: int = 4000, n_sims: int = 4000,
              seed: int = m.DEFAULT_SEED) -> pd.DataFrame:
    """Every province's true-score change from ``start`` to ``end`` (posterior given all three
    rounds, ``measurement.true_change``) and its move against typical churn (``churn_outliers``
    in both directions, Benjamini–Hochberg over all provinces as an outlier screen).

    ``change_class``: *progress* / *decline* when the change is selected at an average local
    false sign rate of ``LFSR_ALPHA``, else *no credible change*. ``churn_class``: *rise* or
    *fall beyond typical churn* when the BH screen at ``BH_Q`` flags it, else *within*.
    """
    change = m.true_change(fit, start, end, alpha=LFSR_ALPHA, n_samples=n_samples, seed=seed)
    rise = m.churn_outliers(fit, start, end, q=BH_Q, direction="rise", n_sims=n_sims, seed=seed)
    fall = m.churn_outliers(fit, start, end, q=BH_Q, direction="fall", n_sims=n_sims, seed=seed)
    out = change[["start_rank", "end_rank", "observed_change", "mean", "ci_low", "ci_high", "p_positive",
                  "lfsr", "svalue"]].copy()
    out["change_class"] = _classify(change)
    out["churn_low"], out["churn_high"] = rise["end_rank_low"], rise["end_rank_high"]
    out["p_churn_rise"], out["p_churn_rise_bh"] = rise["p_value"], rise["p_adjusted"]
    out["p_churn_fall"], out["p_churn_fall_bh"] = fall["p_value"], fall["p_adjusted"]
    out["churn_class"] = np.where(rise["outlier"], BEYOND_RISE, np.where(fall["outlier"], BEYOND_FALL, WITHIN))
    out.attrs.update({"start": start, "end": end, "level": float(change["level"].iloc[0]),
                      "churn_level": m.DEFAULT_LEVEL})
    return out


def movers_table(moved: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """The provinces that clear a bar (progress or decline; beyond typical churn), wherever they
    started, most credible first, with their names."""
    named = moved.assign(province=moved.index.map(names))
    cleared = named[(named["change_class"] != NO_CREDIBLE_CHANGE) | (named["churn_class"] != WITHIN)]
    order = cleared.sort_values(["change_class", "lfsr", "start_rank"], kind="stable")
    columns = ["province", "start_rank", "end_rank", "mean", "ci_low", "ci_high", "lfsr", "change_class",
               "p_churn_rise", "p_churn_fall", "churn_class"]
    return order[columns]


def bar_counts(moved: pd.DataFrame) -> pd.DataFrame:
    """How many provinces clear each bar, in the period of ``moved``."""
    return pd.DataFrame({"provinces": [int((moved["change_class"] == PROGRESS).sum()),
                                       int((moved["change_class"] == DECLINE).sum()),
                                       int((moved["churn_class"] == BEYOND_RISE).sum()),
                                       int((moved["churn_class"] == BEYOND_FALL).sum()), len(moved)]},
                        index=[f"{PROGRESS} (average lfsr ≤ {LFSR_ALPHA})", f"{DECLINE} (average lfsr ≤ {LFSR_ALPHA})",
                               f"{BEYOND_RISE} (BH, q = {BH_Q})", f"{BEYOND_FALL} (BH, q = {BH_Q})", "provinces"])


def scale_check(fits: dict, start, end, **kwargs) -> pd.DataFrame:
    """How many provinces clear each bar on each scale (the primary scale first)."""
    return pd.concat({scale: bar_counts(who_moved(fit, start, end, **kwargs))["provinces"]
                      for scale, fit in fits.items()}, axis=1)


def one_round_check(fit: m.SimplexFit, **kwargs) -> pd.DataFrame:
    """How many provinces clear each bar in each one-round period (secondary: they add up to the
    first-to-last period)."""
    a, b, c = fit.rounds
    return pd.concat({pair_label(x, y): bar_counts(who_moved(fit, x, y, **kwargs))["provinces"]
                      for x, y in ((a, b), (b, c))}, axis=1)


def prespecified(fit: m.SimplexFit, start, end, *, k: int, names: pd.Series) -> pd.DataFrame:
    """The two hypotheses fixed in advance, each tested on its own (``measurement.prespecified_tests``):
    the province last in ``start``, and the bottom-k cohort of ``start``; ``units`` keeps their codes."""
    tests = m.prespecified_tests(fit, start, end, k=k)
    tests.insert(1, "provinces", [", ".join(names[u] for u in units) for units in tests["units"]])
    keep = ["hypothesis", "provinces", "n", "start_rank_mean", "end_rank_mean", "excess", "se", "t", "df", "p_value",
            "units"]
    return tests[keep]


def residual_check(fit: m.SimplexFit, start, end, units: list[str]) -> pd.DataFrame:
    """How far the tests' normal errors hold: OLS of the later score on the earlier one over all
    units; per named unit, its externally studentized residual (for one unit, the t of its
    ANCOVA test) and its rank among all units (1 = largest); for all, the residuals' skewness and
    the Shapiro–Wilk p-value. A unit whose residual is the largest of n has, without any
    assumption about the errors' shape, a p-value of at least 1/n."""
    import statsmodels.api as sm
    from scipy import stats as sps

    fit.positions(start, end)
    ols = sm.OLS(fit.scores[end].to_numpy(), sm.add_constant(fit.scores[start].to_numpy())).fit()
    studentized = pd.Series(ols.get_influence().resid_studentized_external, index=fit.scores.index)
    ranks = studentized.rank(ascending=False, method="min")
    return pd.DataFrame({"studentized_residual": studentized[units], "rank": ranks[units].astype(int),
                         "n": fit.n_units, "residual_skewness": float(sps.skew(ols.resid)),
                         "shapiro_p": float(sps.shapiro(ols.resid).pvalue)}, index=pd.Index(units, name="gso_code"))


# --------------------------------------------------------------------------------------------
# power


def power(fit: m.SimplexFit, start, end, *, k: int, reps: int = 2000, seed: int = m.DEFAULT_SEED) -> dict:
    """Simulated power of the two pre-specified tests (selection on the observed start rank)."""
    return {"cohort": m.power_bottom_cohort(fit, start, end, k=k, reps=reps, alpha=TEST_ALPHA, seed=seed),
            "last": m.power_last_place(fit, start, end, reps=reps, alpha=TEST_ALPHA, seed=seed)}


def power_table(curves: dict) -> pd.DataFrame:
    """The smallest excess true gain each test detects with the target power, in SDs and rank places."""
    return pd.DataFrame([c.summary() for c in curves.values()])[
        ["hypothesis", "cohort_size", "alpha", "target", "reps", "delta", "rank_places", "reached"]]


# --------------------------------------------------------------------------------------------
# the two cases: published main indices and policy timelines


def main_index_profile(main_indices: pd.DataFrame, code: str, k: int) -> pd.DataFrame:
    """The province's published main indices of the 63 provinces, each with the bottom-k peers' range.

    One row per round and main index the sources publish for the province: its score (or rank
    where only ranks are published), and, where the round publishes the bottom k with scores and
    the province is among them, the lowest and highest score of its bottom-k peers (the other
    provinces of the bottom k) and whether the province's score is below every peer's. Rows are
    ordered weakest first within each round (lowest score, else worst rank).
    """
    provinces = main_indices[main_indices["units"] == study.PROVINCES.n_units]
    main = provinces[provinces["measure"].isin(study.MAIN_INDICES)]
    overall = provinces[provinces["measure"] == "dti"]
    rows = []
    for year, part in main[main["gso_code"] == code].groupby("year"):
        bottom = overall[(overall["year"] == year) & (overall["rank"] > study.PROVINCES.n_units - k)]
        peers = set(bottom["gso_code"]) - {code}
        in_bottom = code in set(bottom["gso_code"])
        for row in part.itertuples():
            peer = main[(main["year"] == year) & (main["measure"] == row.measure) & main["gso_code"].isin(peers)]
            rows.append({"year": int(year), "measure": row.measure, "score": float(row.score),
                         "rank": float(row.rank) if pd.notna(row.rank) else np.nan,
                         "peers": len(peer) if in_bottom else 0,
                         "peer_low": peer["score"].min() if in_bottom else np.nan,
                         "peer_high": peer["score"].max() if in_bottom else np.nan})
    table = pd.DataFrame(rows, columns=["year", "measure", "score", "rank", "peers", "peer_low", "peer_high"])
    table["below_every_peer"] = (table["peers"] > 0) & (table["score"] < table["peer_low"])
    table["_key"] = table["score"].fillna(-table["rank"])
    return table.sort_values(["year", "_key"], kind="stable").drop(columns="_key").reset_index(drop=True)


def policy_milestones(timeline: pd.DataFrame, code: str) -> pd.DataFrame:
    """A province's reviewed policy events, one row per event key: its first dated occurrence,
    its period and its furthest target horizon, as the articles state them (no date is typed in)."""
    rows = timeline[timeline["gso_code"] == code]
    out = []
    for key, part in rows.groupby("event_key", sort=False):
        occurred = part[part["role"] == "event"].dropna(subset=["x_start"]).sort_values("x_start")
        period = part[part["role"] == "period"]
        target = part[part["role"] == "target"].dropna(subset=["x_start"]).sort_values("x_start")
        documents = sorted({str(d) for d in part["document"].dropna() if str(d).strip()})
        out.append({"event_key": key, "event_type": part["event_type"].iloc[0], "label": part["label"].iloc[0],
                    "document": ", ".join(documents), "first_dated": occurred["date"].iloc[0] if len(occurred) else "",
                    "first_x": float(occurred["x_start"].iloc[0]) if len(occurred) else np.nan,
                    "period": period["date"].iloc[0] if len(period) else "",
                    "horizon": target["date"].iloc[-1] if len(target) else "", "claims": len(part)})
    table = pd.DataFrame(out)
    return table.sort_values(["first_x", "event_key"], na_position="last", kind="stable").reset_index(drop=True)


def first_commitment(milestones: pd.DataFrame, kinds=("resolution", "directive", "decision", "plan")) -> pd.Series:
    """The earliest dated provincial commitment (a resolution, directive, decision or plan with a
    dated occurrence), else an empty row."""
    dated = milestones[milestones["event_type"].isin(kinds) & milestones["first_x"].notna()]
    return dated.iloc[0] if len(dated) else pd.Series(dtype=object)
