"""Tell real progress from noise: a measurement model of the index, two benchmarks, rank
intervals, who really moved, and power.

Scales. Every function works on one within-round scale of a units × rounds table:

* ``"standardised"``: z-scores of the index scores (``stats.standardise``);
* ``"normal_scores"``: Blom (default) or van der Waerden normal scores of the competition
  ranks, i.e. the Gaussian-copula scale of the rankings (only the order of units is used).

Only relative positions are modelled: a "change" is a change relative to the average unit of
the round; growth shared by every unit is invisible on both scales.

Measurement model (Heise 1969, the three-wave quasi-simplex). For rounds t = 1, 2, 3 the
observed value is ``X_t = T_t + E_t``; true scores follow a lag-one chain
``T_2 = β12·T_1 + ζ_2``, ``T_3 = β23·T_2 + ζ_3``; the errors ``E_t`` are independent of each
other, of the true scores and across units. On the within-round scale ``var X_t = 1`` and
``var T_t = ρ_t`` (the reliability), so with the observed correlations r12, r23, r13::

    r12 = β12·√(ρ1ρ2),  r23 = β23·√(ρ2ρ3),  r13 = β12·β23·√(ρ1ρ3)
    ρ2  = r12·r23 / r13                        (identified, whatever ρ1 and ρ3 are)
    β12 = r13 / r23,  β23 = r13 / r12,  β13 = r13² / (r12·r23)   (if ρ1 = ρ2 = ρ3)

The model is just identified: three correlations, three parameters, exact fit. Only the middle
round's reliability is identified; equal reliability in all rounds (Heise) is an assumption.
Wiley & Wiley (1970) assume equal *error variances* in the raw metric instead: ρ2 is the same,
ρ1 and ρ3 follow from the raw variances (``wiley_wiley_reliabilities``). ``sensitivity_grid``
and ``assume_reliabilities`` show what other values of ρ1 and ρ3 imply.

What "error" means here: ``E_t`` is every part of a round's between-unit variance that is not
carried forward to the next round. That includes scoring noise, one-round method effects (an
indicator or weight used in one round only) and one-off real shocks that do not persist. A
persistent method bias (the same tilt in every round) is carried forward and therefore counts
as true score. "Reliability" is the share of a round's variance that persists, not agreement
with an ideal measure.

Admissibility. A stability above 1 or a reliability above 1 is impossible. Under equal
reliabilities, stability ≤ 1 means ρ ≥ max(r12, r23), so the admissible range of the
reliability is [max(r12, r23), 1]. Bootstrap draws outside it occur; they are flagged
(column ``admissible``) and every function built on the model uses admissible draws only.

Two benchmarks, never mixed up:

* ``NOISE_ONLY`` ("noise only"): true scores unchanged; observed scores move by measurement
  error only. Observed start and later values are then bivariate normal with correlation
  √(ρ_start·ρ_later), the reliability drawn from its admissible bootstrap draws.
* ``TYPICAL_CHURN`` ("typical churn"): the index's usual movement, real change and error
  together: bivariate normal (a Gaussian copula on normal scores) with the *observed*
  correlation of the two rounds, drawn from its bootstrap draws. Always conditional on the
  starting score or rank (regression to the mean included), never unconditional.

Common assumptions: units are independent; true and observed values are jointly normal on the
chosen scale; the bootstrap resamples units as exchangeable draws (for a census of provinces the
"population" is the process that generates rounds, not a sample of provinces).
Ranks follow the index: 1 is best, n (taken from the data) is last. Every random function takes a
``seed`` for ``numpy.random.default_rng``; the same inputs give the same output bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import stats
from .exceptions import StudyError

# scipy.stats (0.4 s to import) is imported by the functions that use it: the notebooks that only record
# findings import this module without drawing on it.


class ModelError(StudyError, ValueError):
    """Input the measurement model cannot use (too few rounds or units, a gap, a bad level or draws)."""


DEFAULT_SEED = stats.DEFAULT_SEED
DEFAULT_LEVEL = 0.90
SCALES = ("standardised", "normal_scores")
#: Offset a of the normal scores Φ⁻¹(1 − (r − a)/(n + 1 − 2a)).
NORMAL_METHODS = {"blom": 0.375, "van_der_waerden": 0.0}
NOISE_ONLY = "noise only"
TYPICAL_CHURN = "typical churn"
CONDITIONING = ("all_rounds", "own_round")
GIVEN = ("ranks", "scores")
#: Fewest units the three-wave model is fitted on.
MIN_UNITS = 8
_TOL = 1e-9
_REL = ("reliability_1", "reliability_2", "reliability_3")
_STAB = ("stability_12", "stability_23", "stability_13")


# --------------------------------------------------------------------------------------------
# scales and input checks


def _check_level(level: float, name: str = "level") -> None:
    if not 0 < level < 1:
        raise ModelError(f"{name} must be between 0 and 1, got {level!r}")


def _blom(n_units: int, method: str = "blom") -> np.ndarray:
    """Normal scores of ranks 1..n (best first, so decreasing)."""
    from scipy import stats as sps
    if method not in NORMAL_METHODS:
        raise ModelError(f"normal_method must be one of {sorted(NORMAL_METHODS)}, got {method!r}")
    a = NORMAL_METHODS[method]
    ranks = np.arange(1, n_units + 1, dtype=float)
    return sps.norm.ppf(1 - (ranks - a) / (n_units + 1 - 2 * a))


def normal_scores(values: pd.Series, method: str = "blom") -> pd.Series:
    """Normal scores of the competition ranks of one round (higher value, higher score).

    Blom: Φ⁻¹(1 − (r − 3/8)/(n + 1/4)); van der Waerden: Φ⁻¹(1 − r/(n + 1)), with r the
    competition rank (1 = best, ties share the best rank, ``stats.competition_rank``) and n the
    number of non-missing values. Missing values stay missing.
    """
    from scipy import stats as sps
    if method not in NORMAL_METHODS:
        raise ModelError(f"normal_method must be one of {sorted(NORMAL_METHODS)}, got {method!r}")
    a = NORMAL_METHODS[method]
    rank = stats.competition_rank(values.astype(float))
    n = int(rank.notna().sum())
    out = sps.norm.ppf(1 - (rank.to_numpy(dtype=float) - a) / (n + 1 - 2 * a))
    return pd.Series(out, index=values.index, name=values.name)


def to_scale(scores: pd.DataFrame, scale: str = "standardised", normal_method: str = "blom") -> pd.DataFrame:
    """Each column on the within-round ``scale``: ``"standardised"`` or ``"normal_scores"``."""
    if scale == "standardised":
        return scores.apply(stats.standardise)
    if scale == "normal_scores":
        return scores.apply(normal_scores, method=normal_method)
    raise ModelError(f"scale must be one of {SCALES}, got {scale!r}")


def complete_three_rounds(scores: pd.DataFrame, rounds=None) -> pd.DataFrame:
    """The three rounds of ``scores`` the model is fitted on, checked to be complete.

    ``rounds`` defaults to all columns. Raises ``ValueError`` naming the problem when there are
    not exactly three rounds, a round is absent, or a round lacks a value for some unit (the
    model never fills a gap: pass only complete rounds).
    """
    rounds = list(scores.columns) if rounds is None else list(rounds)
    if len(rounds) != 3:
        raise ModelError(f"the three-wave model needs exactly three rounds; got {len(rounds)}: {rounds}")
    absent = [r for r in rounds if r not in scores.columns]
    if absent:
        raise ModelError(f"round(s) {absent} not in the table; its rounds are {list(scores.columns)}")
    data = scores[rounds].astype(float)
    problems = []
    for r in rounds:
        missing = [str(u) for u in data.index[data[r].isna()]]
        if missing:
            shown = ", ".join(missing[:10]) + (", …" if len(missing) > 10 else "")
            problems.append(f"round {r} is not complete: {len(missing)} of {len(data)} units have no value ({shown})")
    if problems:
        raise ModelError("the three-wave model needs every unit in every round; " + "; ".join(problems))
    if len(data) < MIN_UNITS:
        raise ModelError(f"the three-wave model needs at least {MIN_UNITS} units, got {len(data)}")
    flat = [r for r in rounds if data[r].nunique() < 2]
    if flat:
        raise ModelError(f"round(s) {flat} have no spread across units")
    return data


# --------------------------------------------------------------------------------------------
# the three-wave model


def heise(r12, r23, r13) -> dict:
    """Heise's (1969) reliability and stabilities from the three correlations (equal reliabilities).

    ``reliability = r12·r23/r13`` (of the middle round, and by assumption of all three);
    ``stability_12 = r13/r23``, ``stability_23 = r13/r12``, ``stability_13 = r13²/(r12·r23)``:
    the correlations of the true scores. Works on floats or arrays; no admissibility check.
    """
    r12, r23, r13 = (np.asarray(v, dtype=float) for v in (r12, r23, r13))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {"reliability": r12 * r23 / r13, "stability_12": r13 / r23,
                "stability_23": r13 / r12, "stability_13": r13**2 / (r12 * r23)}


def simplex_parameters(r12, r23, r13, rho1=None, rho3=None) -> pd.DataFrame:
    """Quasi-simplex parameters for each set of correlations, one row each, with admissibility.

    The middle reliability is ``ρ2 = r12·r23/r13``; ``rho1`` and ``rho3`` (scalars or arrays)
    are the *assumed* reliabilities of the first and last round, equal to ρ2 when omitted
    (Heise). Stabilities are the true-score correlations ``β12 = r12/√(ρ1ρ2)``,
    ``β23 = r23/√(ρ2ρ3)``, ``β13 = r13/√(ρ1ρ3)`` (= β12·β23). A row is ``admissible`` when every
    reliability lies in (0, 1], every |stability| ≤ 1 and the correlation matrix is positive
    definite.
    """
    r12, r23, r13 = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (r12, r23, r13))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho2 = r12 * r23 / r13
        rho1 = rho2 if rho1 is None else np.broadcast_to(np.asarray(rho1, dtype=float), rho2.shape)
        rho3 = rho2 if rho3 is None else np.broadcast_to(np.asarray(rho3, dtype=float), rho2.shape)
        columns = {"r12": r12, "r23": r23, "r13": r13,
                   "reliability_1": rho1, "reliability_2": rho2, "reliability_3": rho3,
                   "stability_12": r12 / np.sqrt(rho1 * rho2),
                   "stability_23": r23 / np.sqrt(rho2 * rho3),
                   "stability_13": r13 / np.sqrt(rho1 * rho3)}
    columns["admissible"] = _admissible(columns)
    return pd.DataFrame(columns)


def _admissible(columns) -> np.ndarray:
    rel = np.column_stack([np.asarray(columns[c], dtype=float) for c in _REL])
    stab = np.column_stack([np.asarray(columns[c], dtype=float) for c in _STAB])
    r12, r23, r13 = (np.asarray(columns[c], dtype=float) for c in ("r12", "r23", "r13"))
    det = 1 - r12**2 - r23**2 - r13**2 + 2 * r12 * r23 * r13
    finite = np.isfinite(rel).all(axis=1) & np.isfinite(stab).all(axis=1) & np.isfinite(det)
    with np.errstate(invalid="ignore"):
        ok = (rel > 0).all(axis=1) & (rel <= 1 + _TOL).all(axis=1) & (np.abs(stab) <= 1 + _TOL).all(axis=1)
    return finite & ok & (det > _TOL)


def is_admissible(params: pd.DataFrame) -> np.ndarray:
    """Boolean per row: reliabilities in (0, 1], |stabilities| ≤ 1, correlations positive definite."""
    return _admissible({c: params[c].to_numpy(dtype=float) for c in ("r12", "r23", "r13", *_REL, *_STAB)})


def _corr3(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pearson r12, r23, r13 of arrays shaped draws × units × 3."""
    c = x - x.mean(axis=1, keepdims=True)
    ss = np.sqrt((c**2).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        def r(a, b):
            return (c[..., a] * c[..., b]).sum(axis=1) / (ss[..., a] * ss[..., b])
        return r(0, 1), r(1, 2), r(0, 2)


def wiley_wiley_reliabilities(scores: pd.DataFrame, rounds=None) -> pd.Series:
    """Reliabilities of the three rounds under Wiley & Wiley's (1970) equal error variances.

    On the raw scores (not standardised): ``ρ2 = s12·s23/(s13·s22)`` (equal to Heise's),
    error variance ``θ = s22·(1 − ρ2)`` assumed the same in all rounds, ``ρ_t = 1 − θ/s_tt``.
    When the spread of the raw scores changes between rounds this gives unequal reliabilities:
    an alternative to Heise's equal reliabilities for ``assume_reliabilities``.
    """
    data = complete_three_rounds(scores, rounds)
    s = np.cov(data.to_numpy(), rowvar=False, ddof=1)
    rho2 = s[0, 1] * s[1, 2] / (s[0, 2] * s[1, 1])
    theta = s[1, 1] * (1 - rho2)
    return pd.Series([1 - theta / s[t, t] for t in range(3)], index=list(data.columns), name="reliability")


@dataclass(frozen=True)
class SimplexFit:
    """A fitted three-wave model: point estimates, bootstrap draws and the data on its scale.

    ``estimate`` and each row of ``draws`` hold r12, r23, r13, reliability_1..3,
    stability_12/23/13 and ``admissible``; 1, 2, 3 are the positions of ``rounds``.
    """

    scale: str
    rounds: tuple
    scores: pd.DataFrame  # units × the three rounds, on ``scale``
    estimate: pd.Series
    draws: pd.DataFrame
    level: float
    seed: int
    normal_method: str = "blom"

    @property
    def n_units(self) -> int:
        return len(self.scores)

    def positions(self, start, end) -> tuple[int, int]:
        """Positions (0, 1 or 2) of two rounds of the fit, the first earlier than the second."""
        for r in (start, end):
            if r not in self.rounds:
                raise ModelError(f"round {r!r} is not one of the fitted rounds {list(self.rounds)}")
        i, j = self.rounds.index(start), self.rounds.index(end)
        if i >= j:
            raise ModelError(f"start round {start!r} must come before end round {end!r}")
        return i, j

    def admissible_draws(self) -> pd.DataFrame:
        """Bootstrap draws inside the admissible region (all reliabilities and stabilities ≤ 1)."""
        return self.draws[self.draws["admissible"]].reset_index(drop=True)

    def admissible_range(self) -> dict:
        """Admissible range of the (equal) reliability: [max(r12, r23), 1], and whether ρ̂ is in it."""
        low = float(max(abs(self.estimate["r12"]), abs(self.estimate["r23"])))
        rho = float(self.estimate["reliability_2"])
        return {"low": low, "high": 1.0, "estimate": rho, "estimate_admissible": bool(low <= rho <= 1)}

    def summary(self) -> pd.DataFrame:
        """Point estimate and percentile intervals (all draws; admissible draws) of each parameter."""
        tail = (1 - self.level) / 2
        adm = self.draws["admissible"].to_numpy()
        d, e = self.draws, self.estimate
        lower = np.maximum(np.abs(d["r12"]), np.abs(d["r23"])).to_numpy()
        rows = {"reliability": (e["reliability_2"], d["reliability_2"].to_numpy()),
                "stability_12": (e["stability_12"], d["stability_12"].to_numpy()),
                "stability_23": (e["stability_23"], d["stability_23"].to_numpy()),
                "stability_13": (e["stability_13"], d["stability_13"].to_numpy()),
                "reliability_lower_bound": (max(abs(e["r12"]), abs(e["r23"])), lower)}
        out = []
        for name, (point, values) in rows.items():
            ok = np.isfinite(values)
            lo, hi = np.quantile(values[ok], [tail, 1 - tail]) if ok.any() else (np.nan, np.nan)
            alo, ahi = np.quantile(values[adm], [tail, 1 - tail]) if adm.any() else (np.nan, np.nan)
            out.append({"parameter": name, "estimate": float(point), "ci_low": lo, "ci_high": hi,
                        "ci_low_admissible": alo, "ci_high_admissible": ahi})
        frame = pd.DataFrame(out)
        frame["share_admissible"] = float(adm.mean())
        frame["n_units"], frame["n_boot"], frame["scale"], frame["level"] = (
            self.n_units, len(self.draws), self.scale, self.level)
        return frame


def fit_simplex(scores: pd.DataFrame, rounds=None, *, scale: str = "standardised", normal_method: str = "blom",
                n_boot: int = 2000, seed: int = DEFAULT_SEED, level: float = DEFAULT_LEVEL) -> SimplexFit:
    """Fit Heise's three-wave model to three complete rounds, with a unit bootstrap.

    Estimates the reliability of the index (the share of a round's between-unit variance that is
    carried forward; "error" is the rest: noise, one-round method effects and one-off shocks,
    while a persistent method bias counts as true score) separately from the stability of the
    true scores. ``scores`` is units × rounds (raw index scores); ``rounds`` picks three of its
    columns (default: all, which must be three). The data are put on ``scale`` once (see
    ``to_scale``); each of ``n_boot`` draws resamples units with replacement, recomputes the
    three correlations and the parameters, and is flagged ``admissible`` or not. Assumptions:
    see the module docstring (lag-one simplex, independent errors, equal reliabilities unless
    ``assume_reliabilities`` is used). Null: none; this is estimation.
    """
    _check_level(level)
    if n_boot < 10:
        raise ModelError(f"n_boot must be at least 10, got {n_boot}")
    data = complete_three_rounds(scores, rounds)
    z = to_scale(data, scale, normal_method)
    x = z.to_numpy()
    estimate = simplex_parameters(*_corr3(x[None])).iloc[0]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    draws = simplex_parameters(*_corr3(x[idx]))
    return SimplexFit(scale, tuple(data.columns), z, estimate, draws, level, seed, normal_method)


def assume_reliabilities(draws: pd.DataFrame, rho1, rho3) -> pd.DataFrame:
    """The same correlations under assumed first- and last-round reliabilities ``rho1``, ``rho3``.

    ρ2 stays identified by the data; stabilities and admissibility are recomputed (see
    ``simplex_parameters``). Pass the result as ``draws`` to any function below to carry the
    assumption through (e.g. Wiley & Wiley's reliabilities from ``wiley_wiley_reliabilities``).
    """
    return simplex_parameters(draws["r12"], draws["r23"], draws["r13"], rho1, rho3)


def sensitivity_grid(fit: SimplexFit, rho1_values=(0.8, 0.85, 0.9, 0.95, 1.0),
                     rho3_values=(0.8, 0.85, 0.9, 0.95, 1.0)) -> pd.DataFrame:
    """Stabilities as functions of assumed first- and last-round reliabilities, given ρ2.

    One row per (ρ1, ρ3): the point stabilities β12 = r12/√(ρ1ρ2), β23 = r23/√(ρ2ρ3),
    β13 = r13/√(ρ1ρ3), whether they are admissible, the share of bootstrap draws admissible under
    the assumption and percentile intervals over those draws. Shows how much the conclusions
    lean on the untestable equal-reliability assumption.
    """
    tail = (1 - fit.level) / 2
    rows = []
    for rho1 in rho1_values:
        for rho3 in rho3_values:
            point = assume_reliabilities(fit.estimate.to_frame().T, rho1, rho3).iloc[0]
            boot = assume_reliabilities(fit.draws, rho1, rho3)
            ok = boot[boot["admissible"]]
            row = {"rho1": float(rho1), "rho2": float(point["reliability_2"]), "rho3": float(rho3),
                   **{s: float(point[s]) for s in _STAB}, "admissible": bool(point["admissible"]),
                   "share_admissible": float(boot["admissible"].mean())}
            for s in _STAB:
                lo, hi = np.quantile(ok[s], [tail, 1 - tail]) if len(ok) else (np.nan, np.nan)
                row[f"{s}_low"], row[f"{s}_high"] = float(lo), float(hi)
            rows.append(row)
    return pd.DataFrame(rows)


def _usable(draws: pd.DataFrame) -> pd.DataFrame:
    """Draws a measurement-model function may use: admissible, at least one."""
    if len(draws) == 0:
        raise ModelError("no draws given")
    if "admissible" in draws.columns and not draws["admissible"].all():
        raise ModelError(f"{int((~draws['admissible']).sum())} of {len(draws)} draws are not admissible; "
                         "pass fit.admissible_draws() (or draws[draws['admissible']])")
    return draws.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# benchmarks: noise only and typical churn


def _ranks_desc(values: np.ndarray, axis: int = 1) -> np.ndarray:
    """Ranks along ``axis``, largest value = 1 (continuous values: no ties)."""
    order = np.argsort(-values, axis=axis, kind="stable")
    ranks = np.empty_like(order)
    shape = [1] * values.ndim
    shape[axis] = values.shape[axis]
    positions = np.broadcast_to(np.arange(1, values.shape[axis] + 1).reshape(shape), values.shape)
    np.put_along_axis(ranks, order, positions, axis=axis)
    return ranks


@dataclass(frozen=True)
class RankBenchmark:
    """Simulated distribution of the later rank of the unit starting at ``start_rank``."""

    name: str
    start_rank: int
    n_units: int
    later_ranks: np.ndarray
    level: float
    given: str

    @property
    def expected(self) -> float:
        return float(self.later_ranks.mean())

    @property
    def interval(self) -> tuple[float, float]:
        return stats.draws_interval(self.later_ranks, self.level)

    def p_at_least_as_good(self, observed_rank: float) -> float:
        """Share of draws in which the unit reaches ``observed_rank`` or better under the benchmark."""
        return float((self.later_ranks <= observed_rank).mean())

    def summary(self) -> dict:
        low, high = self.interval
        return {"benchmark": self.name, "start_rank": self.start_rank, "n_units": self.n_units,
                "given": self.given, "expected_rank": self.expected, "low": low, "high": high,
                "level": self.level, "draws": len(self.later_ranks)}


def later_rank_distribution(corr, start_rank: int, *, n_units: int | None = None, start_scores=None,
                            name: str = "custom", n_sims: int = 4000, seed: int = DEFAULT_SEED,
                            level: float = DEFAULT_LEVEL, normal_method: str = "blom") -> RankBenchmark:
    """Later rank of the unit starting at ``start_rank`` when later = corr·start + √(1 − corr²)·ε.

    Conditional on the starting configuration: every unit's start value is fixed, at the normal
    scores of ranks 1..``n_units`` (``start_scores`` omitted: conditional on the starting ranks,
    a Gaussian copula) or at ``start_scores`` (conditional on observed standardised scores).
    Each simulated round draws every unit's later value given its own start value, independently
    across units, and ranks all units jointly. ``corr`` is a number or an array of draws (one
    picked at random per simulation, which carries its uncertainty).
    """
    _check_level(level)
    if start_scores is None:
        if n_units is None:
            raise ModelError("give n_units (from the data) or start_scores")
        start, unit = _blom(int(n_units), normal_method), int(start_rank) - 1
        if not 0 <= unit < n_units:
            raise ModelError(f"start_rank must be between 1 and {n_units}, got {start_rank}")
    else:
        start = np.asarray(start_scores, dtype=float)
        ranks = stats.competition_rank(pd.Series(start)).to_numpy()
        hits = np.flatnonzero(ranks == start_rank)
        if len(hits) != 1:
            raise ModelError(f"no single unit has starting rank {start_rank} (ranks 1..{len(start)}, ties share)")
        unit = int(hits[0])
    corr = np.atleast_1d(np.asarray(corr, dtype=float))
    if len(corr) == 0 or not np.all(np.isfinite(corr)) or np.any(np.abs(corr) > 1):
        raise ModelError("corr must be finite correlations in [-1, 1]")
    rng = np.random.default_rng(seed)
    r = corr[rng.integers(0, len(corr), n_sims)][:, None]
    later = r * start[None, :] + np.sqrt(1 - r**2) * rng.standard_normal((n_sims, len(start)))
    own = later[:, unit]
    ranks_later = 1 + (later > own[:, None]).sum(axis=1)
    given = "ranks" if start_scores is None else "scores"
    return RankBenchmark(name, int(start_rank), len(start), ranks_later.astype(float), level, given)


def _start_scores(fit: SimplexFit, start, given: str):
    if given not in GIVEN:
        raise ModelError(f"given must be one of {GIVEN}, got {given!r}")
    return None if given == "ranks" else fit.scores[start].to_numpy()


def noise_only(fit: SimplexFit, start_rank: int, start, end, *, draws: pd.DataFrame | None = None,
               given: str = "ranks", n_sims: int = 4000, seed: int = DEFAULT_SEED,
               level: float = DEFAULT_LEVEL) -> RankBenchmark:
    """The "noise only" benchmark: later rank if true scores did not change at all.

    Null: every unit's true score is the same in ``start`` and ``end``; observed values differ
    by measurement error only, so they are bivariate normal with correlation √(ρ_start·ρ_end),
    the reliabilities drawn from ``draws`` (default: the fit's admissible draws). A move outside
    this interval is more than measurement error, which is not yet more than typical churn.
    ``given="ranks"``: start at the normal scores of ranks 1..n; ``"scores"``: at the observed
    start values of the fit.
    """
    i, j = fit.positions(start, end)
    d = _usable(fit.admissible_draws() if draws is None else draws)
    corr = np.sqrt(d[_REL[i]].to_numpy() * d[_REL[j]].to_numpy())
    return later_rank_distribution(corr, start_rank, n_units=fit.n_units, start_scores=_start_scores(fit, start, given),
                                   name=NOISE_ONLY, n_sims=n_sims, seed=seed, level=level,
                                   normal_method=fit.normal_method)


def typical_churn(fit: SimplexFit, start_rank: int, start, end, *, draws: pd.DataFrame | None = None,
                  given: str = "ranks", n_sims: int = 4000, seed: int = DEFAULT_SEED,
                  level: float = DEFAULT_LEVEL) -> RankBenchmark:
    """The "typical churn" benchmark: later rank if the unit moves as units usually move.

    Null: start and later values are bivariate normal with the observed correlation of the two
    rounds (on normal scores: a Gaussian copula of the rankings), drawn from its bootstrap draws
    (default: all the fit's draws; the measurement model is not needed). Conditional on the
    starting rank (``given="ranks"``) or the observed starting scores (``"scores"``), so
    regression to the mean is part of the benchmark. A rise beyond it is unusual movement.
    """
    i, j = fit.positions(start, end)
    d = fit.draws if draws is None else draws
    if len(d) == 0:
        raise ModelError("no draws given")
    corr = d[f"r{i + 1}{j + 1}"].to_numpy()
    return later_rank_distribution(corr, start_rank, n_units=fit.n_units, start_scores=_start_scores(fit, start, given),
                                   name=TYPICAL_CHURN, n_sims=n_sims, seed=seed, level=level,
                                   normal_method=fit.normal_method)


# --------------------------------------------------------------------------------------------
# true scores given the observed rounds


def _posterior(fit: SimplexFit, draws: pd.DataFrame, conditioning: str) -> tuple[np.ndarray, np.ndarray]:
    """Posterior means (draws × units × 3) and covariances (draws × 3 × 3) of the true scores.

    Under the model, observed X (covariance R, unit diagonal) and true T (covariance R with the
    reliabilities on the diagonal, Σ_T) are jointly normal with cov(T, X) = Σ_T, so
    T | x ~ N(Σ_T R⁻¹ x, Σ_T − Σ_T R⁻¹ Σ_T). ``"own_round"`` drops the other rounds:
    T_t | x_t ~ N(ρ_t·x_t, ρ_t(1 − ρ_t)).
    """
    if conditioning not in CONDITIONING:
        raise ModelError(f"conditioning must be one of {CONDITIONING}, got {conditioning!r}")
    n_draws = len(draws)
    corr = np.zeros((n_draws, 3, 3))
    if conditioning == "all_rounds":
        for (a, b), col in {(0, 1): "r12", (1, 2): "r23", (0, 2): "r13"}.items():
            corr[:, a, b] = corr[:, b, a] = draws[col].to_numpy()
    sigma_t = corr.copy()
    for t in range(3):
        corr[:, t, t] = 1.0
        sigma_t[:, t, t] = draws[_REL[t]].to_numpy()
    gain_t = np.linalg.solve(corr, sigma_t)  # R⁻¹ Σ_T, the transpose of Σ_T R⁻¹
    cov = sigma_t - sigma_t @ gain_t
    cov = (cov + np.swapaxes(cov, 1, 2)) / 2
    means = fit.scores.to_numpy() @ gain_t  # units × rounds, for each draw
    return means, cov


def sample_true_scores(fit: SimplexFit, *, draws: pd.DataFrame | None = None, n_samples: int = 2000,
                       seed: int = DEFAULT_SEED, conditioning: str = "all_rounds") -> np.ndarray:
    """Draws of every unit's true scores, samples × units × rounds, on the fit's scale.

    Each sample takes one admissible parameter draw at random (so the reliability's uncertainty
    is carried) and draws all units' true scores from their normal posterior given the observed
    values: given all three rounds under the simplex model (``"all_rounds"``, default) or the
    one-round shrinkage N(ρ·z, ρ(1 − ρ)) (``"own_round"``). Units are independent given the
    parameters.
    """
    d = _usable(fit.admissible_draws() if draws is None else draws)
    rng = np.random.default_rng(seed)
    pick = d.iloc[rng.integers(0, len(d), n_samples)]
    means, cov = _posterior(fit, pick, conditioning)
    w, v = np.linalg.eigh(cov)
    root = v * np.sqrt(np.clip(w, 0, None))[:, None, :]
    noise = rng.standard_normal(means.shape)
    return means + noise @ np.swapaxes(root, 1, 2)


def rank_intervals(fit: SimplexFit, *, draws: pd.DataFrame | None = None, k: int = 5, n_samples: int = 2000,
                   seed: int = DEFAULT_SEED, level: float = DEFAULT_LEVEL,
                   conditioning: str = "all_rounds") -> pd.DataFrame:
    """Interval of each unit's true rank in each round, and its chance of being in the bottom k or last.

    In each sample of ``sample_true_scores`` all units are ranked jointly on their true scores
    (1 = best). Per unit and round: the observed rank, the median and ``level`` interval of the
    true rank, ``p_bottom_k`` (true rank > n − k) and ``p_last``. By default the posterior uses
    all three rounds (a unit's other rounds inform its true score through the stabilities).
    Assumptions: those of the measurement model; the rank uncertainty is that of the true
    scores given the observed ones, not sampling of units.
    """
    _check_level(level)
    n = fit.n_units
    if not 1 <= k < n:
        raise ModelError(f"k must be between 1 and {n - 1}, got {k}")
    ranks = _ranks_desc(sample_true_scores(fit, draws=draws, n_samples=n_samples, seed=seed,
                                           conditioning=conditioning), axis=1)
    tail = (1 - level) / 2
    low, mid, high = np.quantile(ranks, [tail, 0.5, 1 - tail], axis=0, method="inverted_cdf")
    p_bottom, p_last = (ranks > n - k).mean(axis=0), (ranks == n).mean(axis=0)
    unit = fit.scores.index.name or "unit"
    frames = []
    for t, rnd in enumerate(fit.rounds):
        frames.append(pd.DataFrame({
            unit: fit.scores.index, "round": rnd,
            "observed_rank": stats.competition_rank(fit.scores[rnd]).to_numpy(),
            "true_rank_median": mid[:, t], "true_rank_low": low[:, t], "true_rank_high": high[:, t],
            "p_bottom_k": p_bottom[:, t], "p_last": p_last[:, t], "k": k, "level": level}))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# who really moved


def select_by_lfsr(lfsr: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Select units while controlling the average local false sign rate at ``alpha``.

    Stephens (2017): a unit's s-value is the mean lfsr of all units whose lfsr is at most its
    own; selecting every unit with s-value ≤ ``alpha`` gives the largest set whose average
    lfsr (the expected share of wrong signs among the selected) is at most ``alpha``.
    """
    _check_level(alpha, "alpha")
    values = lfsr.to_numpy(dtype=float)
    if np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        raise ModelError("lfsr values must lie in [0, 1] with none missing")
    ordered = np.sort(values)
    running = np.cumsum(ordered) / np.arange(1, len(ordered) + 1)
    svalue = running[np.searchsorted(ordered, values, side="right") - 1]
    return pd.DataFrame({"lfsr": values, "svalue": svalue, "selected": svalue <= alpha}, index=lfsr.index)


def true_change(fit: SimplexFit, start, end, *, draws: pd.DataFrame | None = None, alpha: float = 0.05,
                n_samples: int = 4000, seed: int = DEFAULT_SEED, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Posterior of each unit's true-score change from ``start`` to ``end`` given all three rounds.

    True and observed scores of the three rounds are jointly normal under the fitted simplex;
    conditioning on a unit's three observed values gives a normal posterior for T_end − T_start
    in each parameter draw; mixing over admissible draws carries the parameters' uncertainty.
    Returned per unit: observed change, posterior mean and SD, ``level`` credible interval,
    P(change > 0), P(change < 0), the local false sign rate lfsr = min of the two (Stephens 2017),
    the s-value and ``selected`` (average lfsr ≤ ``alpha`` over the selected, ``select_by_lfsr``).
    The change is relative to the average unit (the scale is within-round). Null of the
    selection: the sign is wrong; a unit is not "credibly moved" when it is not selected.
    Calibration (simulated, 60 units, reliability 0.9): 90% intervals cover about 86% (the unit
    bootstrap understates the reliability's uncertainty; with known parameters 89%); the
    selected units' wrong-sign share stayed at about 5%.
    """
    from scipy import stats as sps
    _check_level(level)
    i, j = fit.positions(start, end)
    d = _usable(fit.admissible_draws() if draws is None else draws)
    rng = np.random.default_rng(seed)
    means, cov = _posterior(fit, d.iloc[rng.integers(0, len(d), n_samples)], "all_rounds")
    m = means[:, :, j] - means[:, :, i]
    s = np.sqrt(np.clip(cov[:, j, j] + cov[:, i, i] - 2 * cov[:, i, j], 0, None))[:, None]
    safe = np.where(s > 0, s, 1.0)
    p_up = np.where(s > 0, sps.norm.cdf(m / safe), (m > 0) + 0.5 * (m == 0)).mean(axis=0)
    sample = m + s * rng.standard_normal(m.shape)
    tail = (1 - level) / 2
    low, high = np.quantile(sample, [tail, 1 - tail], axis=0)
    out = pd.DataFrame({
        "start_rank": stats.competition_rank(fit.scores[start]).to_numpy(),
        "end_rank": stats.competition_rank(fit.scores[end]).to_numpy(),
        "observed_change": (fit.scores[end] - fit.scores[start]).to_numpy(),
        "mean": m.mean(axis=0), "sd": np.sqrt((s**2).mean() + m.var(axis=0)),
        "ci_low": low, "ci_high": high, "p_positive": p_up, "p_negative": 1 - p_up,
    }, index=fit.scores.index)
    out["lfsr"] = np.minimum(out["p_positive"], out["p_negative"])
    sel = select_by_lfsr(out["lfsr"], alpha)
    out["svalue"], out["selected"] = sel["svalue"], sel["selected"]
    out["level"] = level
    return out


def benjamini_hochberg(p_values: pd.Series, q: float = 0.05) -> pd.DataFrame:
    """Benjamini–Hochberg (1995) step-up: adjusted p-values and rejections at false discovery rate ``q``.

    Valid for independent or positively dependent p-values (PRDS); with other dependence it is
    a screening rule.
    """
    _check_level(q, "q")
    p = p_values.to_numpy(dtype=float)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ModelError("p-values must lie in [0, 1] with none missing")
    m = len(p)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return pd.DataFrame({"p_value": p, "p_adjusted": adjusted, "rejected": adjusted <= q}, index=p_values.index)


def churn_outliers(fit: SimplexFit, start, end, *, draws: pd.DataFrame | None = None, q: float = 0.05,
                   direction: str = "rise", n_sims: int = 4000, seed: int = DEFAULT_SEED,
                   level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Outlier detection against typical churn, with Benjamini–Hochberg over all units.

    Each unit's p-value is the chance, under typical churn conditional on every unit's observed
    start value (bivariate normal with the observed correlation, drawn from ``draws``, default
    all bootstrap draws), of a later rank at least as good (``direction="rise"``) or at least as
    bad (``"fall"``) as the observed one: p = (1 + count)/(1 + n_sims). ``outlier`` marks BH
    rejections at ``q``. This flags unusual movers; it is not the measurement model's "who truly
    moved" (``true_change``). Rank-based p-values are mildly dependent, so BH is a screen.
    """
    if direction not in ("rise", "fall"):
        raise ModelError(f"direction must be 'rise' or 'fall', got {direction!r}")
    i, j = fit.positions(start, end)
    d = fit.draws if draws is None else draws
    corr = d[f"r{i + 1}{j + 1}"].to_numpy()
    rng = np.random.default_rng(seed)
    r = corr[rng.integers(0, len(corr), n_sims)][:, None]
    xs = fit.scores[start].to_numpy()
    sim = _ranks_desc(r * xs[None, :] + np.sqrt(1 - r**2) * rng.standard_normal((n_sims, len(xs))), axis=1)
    observed = stats.competition_rank(fit.scores[end]).to_numpy()
    hits = (sim <= observed) if direction == "rise" else (sim >= observed)
    p = pd.Series((1 + hits.sum(axis=0)) / (1 + n_sims), index=fit.scores.index)
    tail = (1 - level) / 2
    low, high = np.quantile(sim, [tail, 1 - tail], axis=0, method="inverted_cdf")
    bh = benjamini_hochberg(p, q)
    return pd.DataFrame({"start_rank": stats.competition_rank(fit.scores[start]).to_numpy(),
                         "end_rank": observed, "expected_end_rank": sim.mean(axis=0),
                         "end_rank_low": low, "end_rank_high": high, "p_value": bh["p_value"],
                         "p_adjusted": bh["p_adjusted"], "outlier": bh["rejected"]}, index=fit.scores.index)


def _shift_test(x: np.ndarray, y: np.ndarray, cohort: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ANCOVA mean shift of the ``cohort`` units: y = a + b·x + shift·cohort + e, per row.

    Arrays are rows × units (one row per data set). Returns the shift, its OLS standard error
    and the pooled within-group slope b; residual degrees of freedom are units − 3.
    """
    n, k = x.shape[1], cohort.sum(axis=1)

    def means(v):
        inside = (v * cohort).sum(axis=1) / k
        return inside, (v * ~cohort).sum(axis=1) / (n - k)

    (xc, xo), (yc, yo) = means(x), means(y)
    dx = x - np.where(cohort, xc[:, None], xo[:, None])
    dy = y - np.where(cohort, yc[:, None], yo[:, None])
    sxx = (dx**2).sum(axis=1)
    slope = (dx * dy).sum(axis=1) / sxx
    shift = (yc - yo) - slope * (xc - xo)
    s2 = ((dy - slope[:, None] * dx) ** 2).sum(axis=1) / (n - 3)
    return shift, np.sqrt(s2 * (1 / k + 1 / (n - k) + (xc - xo) ** 2 / sxx)), slope


def excess_gain_test(fit: SimplexFit, start, end, units) -> dict:
    """Does a set of units gain more than typical churn predicts from their starting values?

    Typical churn is the linear regression of the end value on the start value (bivariate
    normal: slope = the correlation on the standardised scale). The test is the ANCOVA
    mean-shift t-test: end = a + b·start + excess·[unit in the set] + e, so the set is judged
    against the line of the other units (its own shift does not dilute the benchmark) and the
    test is exact, given the start values, under the normal typical-churn null; one-sided for
    a gain, with units − 3 degrees of freedom. ``excess`` is in SDs of the end round's scale.
    Conditioning on start values removes regression to the mean, including for units selected
    for a low start. Null: the set moves as typical churn predicts (excess 0).
    """
    from scipy import stats as sps
    fit.positions(start, end)
    units = list(units)
    missing = [u for u in units if u not in fit.scores.index]
    if not units or missing:
        raise ModelError(f"units must be non-empty and in the fit; not found: {missing}")
    if len(units) > fit.n_units - 3:
        raise ModelError(f"the test needs at least 3 units outside the set, got {fit.n_units - len(units)}")
    cohort = fit.scores.index.isin(units)[None, :]
    xs, xe = fit.scores[start].to_numpy()[None, :], fit.scores[end].to_numpy()[None, :]
    shift, se, slope = (float(v[0]) for v in _shift_test(xs, xe, cohort))
    df = fit.n_units - 3
    ranks_s, ranks_e = stats.competition_rank(fit.scores[start]), stats.competition_rank(fit.scores[end])
    end_mean = float(fit.scores.loc[units, end].mean())
    return {"units": units, "n": len(units), "slope": slope, "start_mean": float(fit.scores.loc[units, start].mean()),
            "end_mean": end_mean, "expected_end_mean": end_mean - shift, "excess": shift, "se": se,
            "t": shift / se, "df": df, "p_value": float(sps.t.sf(shift / se, df)),
            "start_rank_mean": float(ranks_s[units].mean()), "end_rank_mean": float(ranks_e[units].mean())}


def prespecified_tests(fit: SimplexFit, start, end, *, k: int = 5) -> pd.DataFrame:
    """The two pre-specified hypotheses, each tested on its own (outside any multiple-testing family).

    1. The unit(s) last in ``start``: did it gain more than typical churn predicts?
    2. The bottom-``k`` cohort of ``start`` (rank > n − k): is its mean excess gain positive?
    Both use ``excess_gain_test`` (one-sided, conditional on start values).
    """
    n = fit.n_units
    if not 1 <= k < n:
        raise ModelError(f"k must be between 1 and {n - 1}, got {k}")
    ranks = stats.competition_rank(fit.scores[start])
    last = list(ranks.index[ranks == ranks.max()])
    bottom = list(ranks.index[ranks > n - k])
    rows = [{"hypothesis": f"last in {start}: gain beats typical churn to {end}",
             **excess_gain_test(fit, start, end, last)},
            {"hypothesis": f"bottom {k} in {start}: mean excess gain beats typical churn to {end}",
             **excess_gain_test(fit, start, end, bottom)}]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# power


@dataclass(frozen=True)
class PowerCurve:
    """Power of the "gain beats typical churn" test by the size of an excess true gain."""

    hypothesis: str
    cohort_size: int
    alpha: float
    target: float
    reps: int
    curve: pd.DataFrame  # delta, power, rank_places

    def minimum_detectable(self) -> dict:
        """Smallest excess true gain with power ≥ target (linear interpolation on the grid)."""
        c = self.curve
        above = np.flatnonzero(c["power"].to_numpy() >= self.target)
        if not len(above):
            return {"delta": math.nan, "rank_places": math.nan, "reached": False}
        i = int(above[0])
        if i == 0:
            return {"delta": float(c["delta"].iloc[0]), "rank_places": float(c["rank_places"].iloc[0]), "reached": True}
        p0, p1 = c["power"].iloc[i - 1], c["power"].iloc[i]
        w = (self.target - p0) / (p1 - p0) if p1 > p0 else 1.0
        pick = {col: float(c[col].iloc[i - 1] + w * (c[col].iloc[i] - c[col].iloc[i - 1]))
                for col in ("delta", "rank_places")}
        return {**pick, "reached": True}

    def summary(self) -> dict:
        return {"hypothesis": self.hypothesis, "cohort_size": self.cohort_size, "alpha": self.alpha,
                "target": self.target, "reps": self.reps, **self.minimum_detectable()}


def _rows_to_scale(x: np.ndarray, scale: str, normal_method: str = "blom") -> np.ndarray:
    """Each row (one simulated round of all units) on the within-round scale."""
    if scale == "standardised":
        return (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, ddof=1, keepdims=True)
    return _blom(x.shape[1], normal_method)[_ranks_desc(x, axis=1) - 1]


def _simulate_world(fit: SimplexFit, i: int, j: int, reps: int, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed start values, true later values and later errors under the fitted point estimate."""
    est = fit.estimate
    if not bool(est["admissible"]):
        raise ModelError("the point estimate is not admissible: power cannot be simulated from it")
    rho_s, rho_e = float(est[_REL[i]]), float(est[_REL[j]])
    beta = float(est[f"r{i + 1}{j + 1}"]) / math.sqrt(rho_s * rho_e)
    shape = (reps, fit.n_units)
    true_s = math.sqrt(rho_s) * rng.standard_normal(shape)
    true_e = beta * math.sqrt(rho_e / rho_s) * true_s + math.sqrt(rho_e * (1 - beta**2)) * rng.standard_normal(shape)
    obs_s = true_s + math.sqrt(1 - rho_s) * rng.standard_normal(shape)
    err_e = math.sqrt(1 - rho_e) * rng.standard_normal(shape)
    return obs_s, true_e, err_e


def _power_curve(fit: SimplexFit, start, end, k: int, deltas, reps: int, alpha: float, target: float,
                 seed: int, hypothesis: str) -> PowerCurve:
    """Simulated power of ``excess_gain_test`` for the bottom k selected on the observed start rank."""
    from scipy import stats as sps
    _check_level(alpha, "alpha")
    _check_level(target, "target")
    if not 1 <= k <= fit.n_units - 3:
        raise ModelError(f"k must be between 1 and {fit.n_units - 3}, got {k}")
    i, j = fit.positions(start, end)
    deltas = np.round(np.arange(0, 3.0001, 0.05), 2) if deltas is None else np.asarray(deltas, dtype=float)
    rng = np.random.default_rng(seed)
    obs_s, true_e, err_e = _simulate_world(fit, i, j, reps, rng)
    zs = _rows_to_scale(obs_s, fit.scale, fit.normal_method)
    rows = np.arange(reps)[:, None]
    cohort = np.argsort(obs_s, axis=1, kind="stable")[:, :k]  # lowest observed start values
    member = np.zeros(obs_s.shape, dtype=bool)
    member[rows, cohort] = True
    crit = sps.t.isf(alpha, fit.n_units - 3)

    def run(delta: float) -> tuple[float, float]:
        shifted = true_e.copy()
        shifted[rows, cohort] += delta
        ze = _rows_to_scale(shifted + err_e, fit.scale, fit.normal_method)
        shift, se, _ = _shift_test(zs, ze, member)
        return float((shift / se > crit).mean()), float(_ranks_desc(ze, axis=1)[rows, cohort].mean())

    base_rank = run(0.0)[1]
    results = [run(float(d)) for d in deltas]
    curve = pd.DataFrame({"delta": deltas, "power": [p for p, _ in results],
                          "rank_places": [base_rank - rk for _, rk in results]})
    return PowerCurve(hypothesis, k, alpha, target, reps, curve)


def power_bottom_cohort(fit: SimplexFit, start, end, *, k: int = 5, deltas=None, reps: int = 1000,
                        alpha: float = 0.05, target: float = 0.8, seed: int = DEFAULT_SEED) -> PowerCurve:
    """Power of "the bottom-k cohort's gain beats typical churn" by the cohort's excess true gain.

    Each replicate simulates all units under the fitted model (point estimate), selects the
    bottom k on the *observed* start value, adds ``delta`` (in SDs of the observed start-round
    scale) to their true later scores beyond the model's dynamics, and applies
    ``excess_gain_test`` (the ANCOVA mean-shift t-test) at one-sided ``alpha``. ``curve``
    holds power and the extra rank places gained (mean later rank of the cohort at delta 0
    minus at delta); ``minimum_detectable()`` the smallest delta with power ≥ ``target``.
    This is design power under the model, not post-hoc observed power.
    """
    return _power_curve(fit, start, end, k, deltas, reps, alpha, target, seed,
                        f"bottom {k} in {start}: mean excess gain beats typical churn to {end}")


def power_last_place(fit: SimplexFit, start, end, *, deltas=None, reps: int = 1000, alpha: float = 0.05,
                     target: float = 0.8, seed: int = DEFAULT_SEED) -> PowerCurve:
    """Power of "the last-placed unit's progress beats typical churn" by its excess true rise.

    As ``power_bottom_cohort`` with a cohort of one: the unit last on the *observed* start value
    in each replicate gets a true rise of ``delta`` beyond the model's dynamics.
    """
    return _power_curve(fit, start, end, 1, deltas, reps, alpha, target, seed,
                        f"last in {start}: gain beats typical churn to {end}")
