"""Rank persistence, the regression-to-the-mean benchmark, convergence, transitions, a panel model.

Conventions used throughout:

* A *cross-section* is a ``pandas.Series`` indexed by unit (e.g. GSO code). Two cross-sections
  are aligned on their index; only units present (non-missing) in both enter a statistic, and
  the number that did is always returned as ``n``.
* A *wide panel* is a ``DataFrame`` with one row per unit and one column per round. Statistics
  that need every round use only the units observed in all of them (a balanced panel); they
  return how many units that was. Nothing is ever interpolated.
* Ranks follow the DTI: 1 is best, ``n`` is last. Scores follow the index: higher is better.
* Random numbers come from ``numpy.random.default_rng(seed)``; the same seed gives the same
  result, so notebook outputs are identical across runs.

Every public function states the assumption under which its interval or benchmark is valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# scipy.stats and statsmodels (about a second to import) are imported by the functions that use them:
# the data build needs only ``competition_rank`` of this module.

DEFAULT_SEED = 20240701
DEFAULT_LEVEL = 0.95

#: Fieller, Hartley and Pearson (1957): var(atanh(tau)) ≈ 0.437 / (n - 4) for Kendall's tau.
_FIELLER_KENDALL = 0.437


# --------------------------------------------------------------------------------------------
# helpers


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    from scipy import stats as sps
    return float(sps.norm.ppf(0.5 + level / 2))


def _pair(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Units present in both cross-sections, as two float columns ``a`` and ``b``."""
    both = pd.concat({"a": a, "b": b}, axis=1, join="inner").dropna()
    return both.astype(float)


def balanced(wide: pd.DataFrame) -> pd.DataFrame:
    """Rows of a wide panel observed in every column (the units a balanced statistic may use)."""
    return wide.dropna(how="any").astype(float)


def standardise(values: pd.Series) -> pd.Series:
    """Within-round z-scores: (value − mean) / SD (ddof = 1) over the non-missing units."""
    values = values.astype(float)
    return (values - values.mean()) / values.std(ddof=1)


def competition_rank(scores: pd.Series) -> pd.Series:
    """Ranks from scores, higher score better, ties sharing the best rank ("1224" ranking)."""
    return scores.rank(ascending=False, method="min")


# --------------------------------------------------------------------------------------------
# rank persistence


def rank_correlation(a: pd.Series, b: pd.Series, method: str = "spearman", *,
                     level: float = DEFAULT_LEVEL) -> dict:
    """Spearman's rho or Kendall's tau-b between two cross-sections, with a Fisher-z interval.

    Assumption: the units are a sample of independent pairs from a population with a smooth
    (roughly bivariate-normal) dependence. The interval transforms the estimate with
    ``atanh`` and uses the standard error of Bonett & Wright (2000) for Spearman,
    ``sqrt((1 + r²/2) / (n − 3))``, and of Fieller, Hartley & Pearson (1957) for Kendall,
    ``sqrt(0.437 / (n − 4))``. For a full census of provinces the "population" is the
    process that generates the rankings, so the interval expresses how much the
    correlation could move under comparable noise, not sampling of provinces.
    Works on ranks or scores alike (both coefficients depend on order only); ties are
    handled as scipy does (mid-ranks; tau-b).
    """
    pair = _pair(a, b)
    n = len(pair)
    if method == "spearman":
        if n < 5:
            raise ValueError(f"Spearman interval needs at least 5 paired units, got {n}")
        from scipy import stats as sps
        est = float(sps.spearmanr(pair["a"], pair["b"]).statistic)
        se = math.sqrt((1 + est**2 / 2) / (n - 3))
    elif method == "kendall":
        if n < 6:
            raise ValueError(f"Kendall interval needs at least 6 paired units, got {n}")
        from scipy import stats as sps
        est = float(sps.kendalltau(pair["a"], pair["b"]).statistic)
        se = math.sqrt(_FIELLER_KENDALL / (n - 4))
    else:
        raise ValueError(f"method must be 'spearman' or 'kendall', got {method!r}")
    z = _z(level)
    centre = math.atanh(max(min(est, 0.999999), -0.999999))
    return {
        "method": method,
        "estimate": est,
        "se_fisher_z": se,
        "ci_low": math.tanh(centre - z * se),
        "ci_high": math.tanh(centre + z * se),
        "n": n,
    }


def rank_persistence(a: pd.Series, b: pd.Series, *, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Spearman and Kendall correlations of two cross-sections (one row each); see ``rank_correlation``."""
    return pd.DataFrame([rank_correlation(a, b, m, level=level) for m in ("spearman", "kendall")])


# --------------------------------------------------------------------------------------------
# regression to the mean


def spearman_to_pearson(rho_s: float) -> float:
    """Pearson correlation of a bivariate normal whose Spearman correlation is ``rho_s``.

    Exact for the bivariate normal: rho_s = (6/π)·asin(r/2), so r = 2·sin(π·rho_s/6).
    """
    if not -1 <= rho_s <= 1:
        raise ValueError(f"a rank correlation lies in [-1, 1], got {rho_s!r}")
    return 2 * math.sin(math.pi * rho_s / 6)


def _check_rank(n_units: int, start_rank: int) -> None:
    if n_units < 3:
        raise ValueError(f"n_units must be at least 3, got {n_units}")
    if not 1 <= start_rank <= n_units:
        raise ValueError(f"start_rank must be between 1 and n_units={n_units}, got {start_rank}")


def rtm_expected_rank(rho_s: float, n_units: int, start_rank: int | None = None) -> float:
    """Analytic approximation of the expected next rank of the unit now at ``start_rank``.

    Assumption (the "no real change" null): latent performance in two rounds is bivariate
    normal with Spearman correlation ``rho_s`` and the same spread in both rounds, and ranks
    are drawn from it. The unit's current latent value is put at the Blom normal score of its
    rank, z = Φ⁻¹(1 − (r − 0.375)/(n + 0.25)); its next value is N(ρz, 1 − ρ²) (ρ the Pearson
    equivalent of ``rho_s``); the expected share of units it beats is Φ(ρz / √(2 − ρ²)).
    ``start_rank`` defaults to last place (``n_units``). The simulation in ``rtm_benchmark``
    is exact for finite n; this formula is a check on it.
    """
    start_rank = n_units if start_rank is None else start_rank
    _check_rank(n_units, start_rank)
    r = spearman_to_pearson(rho_s)
    from scipy import stats as sps
    z = sps.norm.ppf(1 - (start_rank - 0.375) / (n_units + 0.25))
    share_beaten = sps.norm.cdf(r * z / math.sqrt(2 - r**2))
    return float(1 + (n_units - 1) * (1 - share_beaten))


def draws_interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` interval of simulated draws (inverted-CDF quantiles, so the ends are draws)."""
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail], method="inverted_cdf")
    return float(low), float(high)


@dataclass(frozen=True)
class RTMBenchmark:
    """Simulated distribution of the next rank of a unit under regression to the mean only."""

    rho_s: float
    n_units: int
    start_rank: int
    next_ranks: np.ndarray  # one simulated next rank per draw
    level: float

    @property
    def expected(self) -> float:
        return float(self.next_ranks.mean())

    @property
    def interval(self) -> tuple[float, float]:
        return draws_interval(self.next_ranks, self.level)

    def p_at_least_as_good(self, observed_rank: float) -> float:
        """Share of draws in which the unit does as well as or better than ``observed_rank``.

        A small value means the observed rise is larger than regression to the mean alone
        would usually give.
        """
        return float((self.next_ranks <= observed_rank).mean())

    def summary(self) -> dict:
        low, high = self.interval
        return {"rho_s": self.rho_s, "n_units": self.n_units, "start_rank": self.start_rank,
                "expected_next_rank": self.expected, "low": low, "high": high,
                "level": self.level, "draws": len(self.next_ranks)}


def rtm_benchmark(rho_s: float, n_units: int, start_rank: int | None = None, *,
                  rho_se_fisher_z: float = 0.0, draws: int = 4000, seed: int = DEFAULT_SEED,
                  level: float = 0.90) -> RTMBenchmark:
    """Where a unit ranked ``start_rank`` (default: last) is expected to rank next round by chance.

    Assumption (the "no real change" null): each round's ranking is the order of a latent
    score; the latent scores of two rounds are bivariate normal with the same spread and a
    Spearman correlation ``rho_s`` (converted to the Pearson correlation of the normal,
    see ``spearman_to_pearson``), independently across units. Each draw simulates
    ``n_units`` units, takes the unit ranked ``start_rank`` in the first round and records
    its rank in the second. A rise from last that stays inside the interval is what
    regression to the mean alone produces, and should not be called progress.

    With ``rho_se_fisher_z > 0`` the uncertainty of the persistence estimate is carried
    into the benchmark: each draw uses its own correlation, ``tanh(atanh(rho_s) + se·N(0, 1))``
    (the Fisher-z interval of ``rank_correlation``), so the interval widens accordingly.
    """
    start_rank = n_units if start_rank is None else int(start_rank)
    _check_rank(n_units, start_rank)
    if draws < 100:
        raise ValueError(f"draws must be at least 100, got {draws}")
    if rho_se_fisher_z < 0:
        raise ValueError(f"rho_se_fisher_z must be >= 0, got {rho_se_fisher_z}")
    spearman_to_pearson(rho_s)  # validates the range
    rng = np.random.default_rng(seed)
    first = rng.standard_normal((draws, n_units))
    noise = rng.standard_normal((draws, n_units))
    if rho_se_fisher_z > 0:
        centre = math.atanh(min(max(rho_s, -0.999999), 0.999999))
        rho_draws = np.tanh(centre + rho_se_fisher_z * rng.standard_normal(draws))
    else:
        rho_draws = np.full(draws, float(rho_s))
    r = (2 * np.sin(np.pi * rho_draws / 6))[:, None]
    second = r * first + np.sqrt(np.clip(1 - r**2, 0.0, None)) * noise
    # the unit at rank k (1 = best) is the k-th largest first-round score
    order = np.argsort(-first, axis=1, kind="stable")
    unit = order[:, start_rank - 1]
    own = second[np.arange(draws), unit]
    next_ranks = 1 + (second > own[:, None]).sum(axis=1)
    return RTMBenchmark(float(rho_s), int(n_units), start_rank, next_ranks.astype(float), level)


# --------------------------------------------------------------------------------------------
# beta- and sigma-convergence


def beta_convergence(initial: pd.Series, final: pd.Series, *, level: float = DEFAULT_LEVEL,
                     n_boot: int = 2000, seed: int = DEFAULT_SEED) -> dict:
    """OLS of the change (final − initial) on the initial level, with HC3 robust standard errors.

    Assumption: a linear conditional mean of the change, independent units, errors whose
    variance may differ across units (HC3, MacKinnon & White 1985). A negative slope
    ("beta-convergence") is *not* evidence of catching up by itself. The OLS slope equals
    exactly ``r · s_final / s_initial − 1`` (r the Pearson correlation, s the SDs), which
    splits into

    * ``rtm_slope = r − 1``: what regression to the mean gives when the spread does not
      change (negative whenever r < 1, e.g. about −1 for pure noise), and
    * ``excess = r · (s_final / s_initial − 1)``: the part due to a change of spread, i.e.
      sigma-convergence. Only a negative excess points to real catching up.

    On ranks or within-year standardised scores the spreads are equal by construction,
    so the slope *is* ``r − 1`` and carries no information beyond persistence.
    The excess gets a percentile interval from a seeded bootstrap over units.
    """
    pair = _pair(initial, final)
    n = len(pair)
    if n < 5:
        raise ValueError(f"beta-convergence needs at least 5 paired units, got {n}")
    x, y = pair["a"].to_numpy(), pair["b"].to_numpy()
    import statsmodels.api as sm
    fit = sm.OLS(y - x, sm.add_constant(x)).fit(cov_type="HC3")
    ci = fit.conf_int(alpha=1 - level)
    r = float(np.corrcoef(x, y)[0, 1])
    sd_ratio = float(y.std(ddof=1) / x.std(ddof=1))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    bx, by = x[idx], y[idx]
    bx_c, by_c = bx - bx.mean(axis=1, keepdims=True), by - by.mean(axis=1, keepdims=True)
    sx, sy = np.sqrt((bx_c**2).sum(axis=1)), np.sqrt((by_c**2).sum(axis=1))
    ok = (sx > 0) & (sy > 0)
    br = (bx_c * by_c).sum(axis=1)[ok] / (sx[ok] * sy[ok])
    excess_boot = br * (sy[ok] / sx[ok] - 1)
    tail = (1 - level) / 2
    ex_low, ex_high = np.quantile(excess_boot, [tail, 1 - tail])
    return {
        "slope": float(fit.params[1]),
        "se_hc3": float(fit.bse[1]),
        "ci_low": float(ci[1, 0]),
        "ci_high": float(ci[1, 1]),
        "p_value": float(fit.pvalues[1]),
        "n": n,
        "r": r,
        "sd_ratio": sd_ratio,
        "rtm_slope": r - 1,
        "excess": r * (sd_ratio - 1),
        "excess_ci_low": float(ex_low),
        "excess_ci_high": float(ex_high),
    }


def dispersion_by_year(wide: pd.DataFrame, *, level: float = DEFAULT_LEVEL, n_boot: int = 2000,
                       seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Sigma-convergence: the spread across units in each round, on the balanced panel.

    For each column: n, mean, SD (ddof = 1), coefficient of variation (SD / mean) and the
    ratio of the SD to the first column's SD, each with a percentile interval from a seeded
    bootstrap that resamples whole units (so the rounds stay paired). Assumption: units are
    exchangeable draws; the values of different rounds are on a comparable scale (not true
    for raw DTI scores across a method change: then only the CV, and only loosely, is
    comparable). A ratio whose interval lies below 1 is sigma-convergence.
    """
    data = balanced(wide)
    n = len(data)
    if n < 5 or data.shape[1] < 1:
        raise ValueError(f"dispersion needs at least 5 units observed in every round, got {n}")
    values = data.to_numpy()
    rng = np.random.default_rng(seed)
    boot = values[rng.integers(0, n, size=(n_boot, n))]  # draws × units × rounds
    b_sd = boot.std(axis=1, ddof=1)
    b_mean = boot.mean(axis=1)
    tail = (1 - level) / 2

    def ci(arr):
        return np.quantile(arr, [tail, 1 - tail], axis=0)

    sd, mean = values.std(axis=0, ddof=1), values.mean(axis=0)
    sd_ci, cv_ci = ci(b_sd), ci(b_sd / b_mean)
    ratio_ci = ci(b_sd / b_sd[:, [0]])
    return pd.DataFrame({
        "round": list(data.columns),
        "n": n,
        "mean": mean,
        "sd": sd,
        "sd_ci_low": sd_ci[0], "sd_ci_high": sd_ci[1],
        "cv": sd / mean,
        "cv_ci_low": cv_ci[0], "cv_ci_high": cv_ci[1],
        "sd_ratio_to_first": sd / sd[0],
        "ratio_ci_low": ratio_ci[0], "ratio_ci_high": ratio_ci[1],
    })


# --------------------------------------------------------------------------------------------
# transitions


def quantile_group(rank: pd.Series, k: int, n_units: int | None = None) -> pd.Series:
    """Quantile group of each rank: 1 = best fifth (for k = 5) … k = bottom.

    Groups are cut by position, ``floor((rank − 1)·k / n) + 1``, so with 63 units and k = 5
    they hold 13, 13, 12, 13, 12 units. Tied units share a group. ``n_units`` defaults to the
    number of non-missing ranks.
    """
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    n = int(rank.notna().sum()) if n_units is None else n_units
    bad = rank.dropna()[(rank.dropna() < 1) | (rank.dropna() > n)]
    if len(bad):
        raise ValueError(f"ranks must lie in 1..{n}; found {sorted(bad.unique())[:5]}")
    group = np.floor((rank - 1) * k / n) + 1
    return group.astype("Int64")


def transition_matrix(from_group: pd.Series, to_group: pd.Series, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts and row shares of moves between quantile groups (rows: from, columns: to).

    Only units with a group in both rounds count. Assumption for reading the shares as
    probabilities: a first-order, time-homogeneous Markov chain over the groups, with units
    moving independently; with 63 units each row rests on about a dozen moves.
    """
    pair = pd.concat({"from": from_group, "to": to_group}, axis=1, join="inner").dropna()
    labels = list(range(1, k + 1))
    counts = pd.crosstab(pd.Categorical(pair["from"].astype(int), categories=labels),
                         pd.Categorical(pair["to"].astype(int), categories=labels),
                         dropna=False)
    counts.index.name, counts.columns.name = "from", "to"
    counts.index, counts.columns = labels, labels
    counts.index.name, counts.columns.name = "from", "to"
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0)
    return counts, shares


def shorrocks_index(shares: pd.DataFrame) -> float:
    """Shorrocks (1978) mobility index (k − trace P) / (k − 1): 0 = nobody moves, 1 = no memory."""
    k = shares.shape[0]
    return float((k - np.trace(shares.to_numpy())) / (k - 1))


# --------------------------------------------------------------------------------------------
# panel model


def cohort_fixed_effects(wide: pd.DataFrame, cohort: list, baseline, *,
                         level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Two-way fixed-effects OLS: does a cohort gain on the others after the baseline round?

    Model, on the balanced panel of ``wide`` (units × rounds, ideally within-year
    standardised values)::

        y_it = a_i + d_t + Σ_{t ≠ baseline} g_t · 1[t] · cohort_i + e_it

    with unit dummies ``a_i``, round dummies ``d_t`` and standard errors clustered by unit
    (errors may be correlated within a unit over rounds, independent across units). ``g_t`` is
    the cohort's change since the baseline minus everyone else's. Assumption: unit effects
    are constant and cohort membership is fixed. When the cohort is *selected on the
    baseline value* (e.g. the bottom five), ``g_t`` is biased by regression to the mean; the
    column ``rtm_expected`` gives that bias under no real change, ``(r_t − 1)·(ȳ_cohort −
    ȳ_others)`` at baseline with r_t the correlation of the baseline and round t (valid on
    standardised values, equal spread), and ``excess = g_t − rtm_expected``.
    """
    data = balanced(wide)
    if baseline not in data.columns:
        raise ValueError(f"baseline {baseline!r} is not a round of the panel; rounds: {list(data.columns)}")
    in_cohort = data.index.isin(cohort)
    if not in_cohort.any() or in_cohort.all():
        raise ValueError("the cohort must contain some but not all units of the balanced panel")
    long = data.stack().rename("y").reset_index()
    long.columns = ["unit", "round", "y"]
    long["unit"] = long["unit"].astype(str)
    long["round"] = long["round"].astype(str)
    long["cohort"] = long["unit"].isin([str(c) for c in cohort]).astype(float)
    unit_d = pd.get_dummies(long["unit"], prefix="u", dtype=float)
    round_d = pd.get_dummies(long["round"], prefix="t", dtype=float).drop(columns=f"t_{baseline}")
    later = [c for c in data.columns if c != baseline]
    effects = pd.DataFrame({f"g_{c}": (long["round"] == str(c)).astype(float) * long["cohort"] for c in later})
    X = pd.concat([unit_d, round_d, effects], axis=1)
    groups = pd.factorize(long["unit"])[0]
    import statsmodels.api as sm
    fit = sm.OLS(long["y"], X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    ci = fit.conf_int(alpha=1 - level)
    base = data[baseline]
    gap = base[in_cohort].mean() - base[~in_cohort].mean()
    rows = []
    for c in later:
        name = f"g_{c}"
        r = float(np.corrcoef(data[baseline], data[c])[0, 1])
        rtm = (r - 1) * gap
        rows.append({"round": c, "estimate": float(fit.params[name]), "se_cluster": float(fit.bse[name]),
                     "ci_low": float(ci.loc[name, 0]), "ci_high": float(ci.loc[name, 1]),
                     "n_units": len(data), "n_cohort": int(in_cohort.sum()), "n_obs": int(fit.nobs),
                     "rtm_expected": rtm, "excess": float(fit.params[name]) - rtm})
    return pd.DataFrame(rows)
