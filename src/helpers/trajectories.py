"""Glue between the DTI panel and ``helpers.stats`` for the trajectories notebook.

Turns the long panel (``tables.load_dti_panel()``) and the other indices
(``tables.load_other_indices()``) into wide tables (units × rounds), finds the units that were
ever in the bottom k of a round, compares their observed one-round moves with *typical churn*
conditional on the starting rank (how much the ranking usually moves, real change and error
together; the *noise only* benchmark needs the measurement model of ``helpers.progress``) and
states the key findings (the figures are drawn by ``plots.trajectories``).
Nothing here fills a gap: a unit without a value in a round has no value in the wide table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import panel, params, provinces, stats, study

#: Indices the catch-up analysis can run on, with their name in figures.
CATCH_UP_INDICES = {
    "dti": "DTI overall",
    "papi_egov": "PAPI e-governance",
}
#: Number of rank groups of the transition matrix (5: quintiles).
QUANTILE_GROUPS = 5
#: Smallest and largest bottom cohort (``bottom_k``).
BOTTOM_K = (1, 20)


def index_rounds(dti_panel: pd.DataFrame, other: pd.DataFrame) -> dict[str, list[int]]:
    """Rounds usable for the catch-up analysis, from the data: the DTI rounds with full
    cross-sections (every province scored), and the PAPI e-governance rounds except the one with
    two sub-dimensions only (``study.PAPI_NOT_COMPARABLE``)."""
    papi = other[(other["index"] == "papi_egov") & (other["year"] != study.PAPI_NOT_COMPARABLE)]
    return {"dti": panel.complete_years(dti_panel), "papi_egov": sorted(int(y) for y in papi["year"].unique())}


def check_trajectory_parameters(focus_provinces, baseline, comparison, index: str, bottom_k,
                                rounds: dict[str, list[int]]) -> list[str]:
    """Check the trajectories notebook's parameters with ``helpers.params`` against the rounds the
    data hold (``index_rounds``); return the focus provinces' GSO codes.

    Every error is a ``params.ParameterError`` naming the parameter, the bad value and the
    allowed values.
    """
    params.choice("index", index, list(CATCH_UP_INDICES))
    held = rounds[index]
    params.choice("baseline", baseline, held[:-1])
    later = [r for r in held if r > baseline]
    if type(comparison) is not int or comparison not in later:  # 2024.0 or "2024" is no round
        raise params.ParameterError("comparison", comparison, f"a round of {index!r} later than baseline={baseline}: "
                                    + ", ".join(str(r) for r in later))
    params.whole_number("bottom_k", bottom_k, *BOTTOM_K)
    return params.province_list("focus_provinces", focus_provinces)


def _prefer(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """One row per unit-round with ``value``: the panel's preferred source first."""
    frame = frame.dropna(subset=[value]).copy()
    frame["_p"] = [panel.PRIORITY.get((k, r), 9)
                   for k, r in zip(frame["source_kind"], frame["rank_method"], strict=True)]
    frame = frame.sort_values(["year", "gso_code", "_p", "source"], kind="stable")
    return frame.drop_duplicates(["year", "gso_code"], keep="first").drop(columns="_p")


def dti_long(dti_panel: pd.DataFrame, measure: str = "dti", *, include_derived: bool = False) -> pd.DataFrame:
    """One ranked row per unit and round for ``measure``, preferred source first.

    Columns: year, gso_code, province, rank, kind (the source kind). Derived values (implied
    by a source, not stated) are left out unless ``include_derived``.
    """
    rows = dti_panel[dti_panel["measure"] == measure]
    if rows.empty:
        raise ValueError(f"measure {measure!r} is not in the panel; measures: {sorted(dti_panel['measure'].unique())}")
    if not include_derived:
        rows = rows[rows["source_kind"] != "derived"]
    out = _prefer(rows, "rank")[["year", "gso_code", "province", "rank", "source_kind"]]
    out = out.rename(columns={"source_kind": "kind"})
    out["rank"] = out["rank"].astype(float)
    return out.sort_values(["year", "gso_code"]).reset_index(drop=True)


def index_values(dti_panel: pd.DataFrame, other: pd.DataFrame, index: str) -> pd.DataFrame:
    """Units × rounds of the index's values: DTI overall scores or PAPI e-governance values.

    DTI scores come from the complete backbone (other rounds have no full scores); ``other`` is
    needed for PAPI only (``None`` will do for DTI). Missing unit-rounds stay missing.
    """
    if index == "dti":
        rows = dti_panel[(dti_panel["measure"] == "dti") & (dti_panel["source_kind"] != "derived")]
        rows = _prefer(rows, "score").rename(columns={"score": "value"})
        held = panel.complete_years(dti_panel)
    elif index == "papi_egov":
        rows = other_index(other, "papi_egov", exclude_flags=(study.PAPI_FLAGS[study.PAPI_NOT_COMPARABLE],))
        held = index_rounds(dti_panel, other)[index]
    else:
        raise ValueError(f"index {index!r}: expected one of {sorted(CATCH_UP_INDICES)}")
    table = wide(rows, "value")
    return table[[c for c in table.columns if c in held]]


def wide(long: pd.DataFrame, value: str) -> pd.DataFrame:
    """Units (GSO code) × rounds table of ``value``; missing unit-rounds stay missing."""
    table = long.dropna(subset=[value]).pivot(index="gso_code", columns="year", values=value)
    table.columns = [int(c) for c in table.columns]
    return table.astype(float).sort_index()


def complete_rounds(table: pd.DataFrame, n_units: int = study.PROVINCES.n_units) -> list[int]:
    """Rounds in which every one of ``n_units`` units has a value (full cross-sections)."""
    return [c for c in table.columns if table[c].notna().sum() == n_units]


def standardised(table: pd.DataFrame) -> pd.DataFrame:
    """Within-round z-scores of each column (see ``stats.standardise``)."""
    return table.apply(stats.standardise)


def ranks_from_values(table: pd.DataFrame) -> pd.DataFrame:
    """Competition ranks within each round, higher value better (for indices without ranks)."""
    return table.apply(stats.competition_rank)


def other_index(other: pd.DataFrame, index: str, *, exclude_flags: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of one index from ``load_other_indices()``, minus rows whose flag is excluded."""
    rows = other[other["index"] == index].copy()
    if rows.empty:
        raise ValueError(f"index {index!r} is not in the other indices; indices: {sorted(other['index'].unique())}")
    if exclude_flags and "flag" in rows.columns:
        rows = rows[~rows["flag"].fillna("").isin(exclude_flags)]
    return rows


def bottom_units(ranks: pd.DataFrame, k: int, n_units: int = study.PROVINCES.n_units) -> pd.DataFrame:
    """Units ranked in the last ``k`` places (rank > n − k) of any round: unit, round, rank."""
    if not 1 <= k < n_units:
        raise ValueError(f"bottom k must be between 1 and {n_units - 1}, got {k}")
    stacked = ranks.stack().rename("rank").reset_index()
    stacked.columns = ["gso_code", "year", "rank"]
    hits = stacked[stacked["rank"] > n_units - k]
    return hits.sort_values(["year", "rank", "gso_code"]).reset_index(drop=True)


def consecutive_persistence(ranks: pd.DataFrame, n_units: int = study.PROVINCES.n_units) -> pd.DataFrame:
    """Spearman correlation (with its Fisher-z SE) of each pair of consecutive full rounds."""
    full = complete_rounds(ranks, n_units)
    rows = []
    for a, b in zip(full, full[1:], strict=False):
        if b == a + 1:
            res = stats.rank_correlation(ranks[a], ranks[b], "spearman")
            rows.append({"from": a, "to": b, "rho_s": res["estimate"], "se_fisher_z": res["se_fisher_z"],
                         "ci_low": res["ci_low"], "ci_high": res["ci_high"], "n": res["n"]})
    return pd.DataFrame(rows)


#: What a one-round move is judged to be against typical churn (``moves_against_typical_churn``).
BEYOND_RISE, BEYOND_FALL, WITHIN = "rise beyond typical churn", "fall beyond typical churn", "within typical churn"
#: How a pair's persistence was found: measured on two complete rounds, or assumed.
MEASURED, ASSUMED = "measured", "assumed: mean of measured"


def pair_persistence(a: int, b: int, persistence: pd.DataFrame) -> tuple[float, float, str]:
    """Spearman ρ, its Fisher-z standard error and its basis for the pair of rounds ``a → b``: the
    pair's own estimate when both rounds are complete, else the mean of the measured estimates with
    the largest measured standard error (``ASSUMED``; e.g. 2021 → 2022, no complete 2021 round)."""
    if persistence.empty:
        raise ValueError("no pair of consecutive full rounds to measure persistence on")
    measured = persistence.set_index(["from", "to"])
    if (a, b) in measured.index:
        return float(measured.loc[(a, b), "rho_s"]), float(measured.loc[(a, b), "se_fisher_z"]), MEASURED
    return float(persistence["rho_s"].mean()), float(persistence["se_fisher_z"].max()), ASSUMED


def typical_churn(rank: int, a: int, b: int, persistence: pd.DataFrame, *, n_units: int = study.PROVINCES.n_units,
                  draws: int = 4000, seed: int = stats.DEFAULT_SEED, level: float = 0.90) -> stats.RTMBenchmark:
    """Typical churn, one round at a time, conditional on the starting rank: the later rank of the
    unit at ``rank`` in ``a`` when ranks move as much as the measured rank correlation of ``a → b``
    says (``stats.rtm_benchmark``, its uncertainty carried). The correlation holds real change and
    measurement error together: this is how much the ranking usually churns, not "chance" or "no
    real change" (notebook 07 separates the two with the measurement model)."""
    rho, se, _ = pair_persistence(a, b, persistence)
    return stats.rtm_benchmark(rho, n_units, int(rank), rho_se_fisher_z=se, draws=draws, seed=seed, level=level)


def _judge(bench: stats.RTMBenchmark, rank_to: float) -> str:
    low, high = bench.interval
    return BEYOND_RISE if rank_to < low else BEYOND_FALL if rank_to > high else WITHIN


def moves_against_typical_churn(ranks: pd.DataFrame, units: list[str], persistence: pd.DataFrame, *,
                            n_units: int = study.PROVINCES.n_units, draws: int = 4000, seed: int = stats.DEFAULT_SEED,
                            level: float = 0.90) -> pd.DataFrame:
    """Each observed one-round move of ``units`` against typical churn for its starting rank.

    A move needs a rank in two consecutive rounds (no bridging over a missing round). The
    persistence of the pair is its own Spearman estimate or, without complete cross-sections
    (e.g. 2021→2022), the mean of the measured ones (``pair_persistence``; ``rho_basis`` says
    which). ``p_as_good`` / ``p_as_bad``: the share of typical-churn draws at least as good / as
    bad as the observed later rank. ``judgement`` is a rise (or fall) beyond typical churn when
    the later rank lies outside the interval; ``beats_typical_churn`` marks the rises.
    """
    rows = []
    for unit in [u for u in units if u in ranks.index]:
        series = ranks.loc[unit]
        for a in ranks.columns:
            b = a + 1
            if b not in ranks.columns or pd.isna(series.get(a)) or pd.isna(series.get(b)):
                continue
            rho, _, basis = pair_persistence(a, b, persistence)
            bench = typical_churn(int(series[a]), a, b, persistence, n_units=n_units, draws=draws, seed=seed,
                                  level=level)
            low, high = bench.interval
            rows.append({"gso_code": unit, "from": a, "to": b, "rank_from": int(series[a]),
                         "rank_to": int(series[b]), "places_gained": int(series[a] - series[b]),
                         "rho_s": rho, "rho_basis": basis, "expected_rank": bench.expected, "interval_low": low,
                         "interval_high": high, "p_as_good": bench.p_at_least_as_good(series[b]),
                         "p_as_bad": float((bench.next_ranks >= series[b]).mean()),
                         "judgement": _judge(bench, series[b]), "beats_typical_churn": bool(series[b] < low)})
    return pd.DataFrame(rows)


def quantile_transitions(ranks: pd.DataFrame, a: int, b: int, k: int, n_units: int = study.PROVINCES.n_units):
    """Counts and shares of moves between quantile groups of rounds ``a`` and ``b`` (see stats)."""
    ga = stats.quantile_group(ranks[a], k, n_units)
    gb = stats.quantile_group(ranks[b], k, n_units)
    return stats.transition_matrix(ga, gb, k)


def round_table(frame: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Round float columns for display (counts stay integers)."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


def trajectory_rows(dti_panel: pd.DataFrame, other: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Ranks to draw, per figure panel: DTI overall (with the 2017 e-government rank) and PAPI.

    DTI rows keep their source kind (derived values included, marked ``derived``). The 2017
    ranking is a different index (kind ``egov 2017``). PAPI publishes no ranks: they are
    computed here within each year from the units observed that year (kind ``computed``;
    2019 marked ``off-scale 2019``).
    """
    names = provinces.load_reference().set_index("gso_code")["name_vi"]
    dti = dti_long(dti_panel, include_derived=True)
    egov = other_index(other, "egov_2017").dropna(subset=["rank"])
    egov = pd.DataFrame({"year": egov["year"].astype(int), "gso_code": egov["gso_code"],
                         "rank": egov["rank"].astype(float), "kind": "egov 2017"})
    papi = index_values(dti_panel, other, "papi_egov")
    papi_ranks = ranks_from_values(papi).stack().rename("rank").reset_index()
    papi_ranks.columns = ["gso_code", "year", "rank"]
    papi_ranks["kind"] = np.where(papi_ranks["year"] == study.PAPI_OFF_SCALE, "off-scale 2019", "computed")
    out = {"dti": pd.concat([egov, dti[["year", "gso_code", "rank", "kind"]]], ignore_index=True),
           "papi_egov": papi_ranks}
    for frame in out.values():
        frame["province"] = frame["gso_code"].map(names)
    return out


def index_tables(dti_panel: pd.DataFrame, other: pd.DataFrame, index: str, rounds: list[int]) -> dict:
    """Balanced panel of ``index`` over ``rounds``: values, within-round ranks and z-scores.

    Only units observed in every one of ``rounds`` are kept (``n`` says how many; ``dropped``
    lists the others). Ranks and z-scores are recomputed within this balanced set, so each
    round's ranks run from 1 to n.
    """
    values = index_values(dti_panel, other, index)
    missing = [r for r in rounds if r not in values.columns]
    if missing:
        raise ValueError(f"{index}: no values for round(s) {missing}")
    values = values[rounds]
    kept = stats.balanced(values)
    return {"values": kept, "ranks": ranks_from_values(kept), "z": standardised(kept), "n": len(kept),
            "dropped": sorted(set(values.index) - set(kept.index))}


# ---------------------------------------------------------------------------------------
# Tables of the notebook, one function each

def coverage_table(dti_panel: pd.DataFrame) -> pd.DataFrame:
    """Overall DTI ranks held per round and source kind (derived included), with the units
    that have a stated rank."""
    held = dti_long(dti_panel, include_derived=True).pivot_table(index="year", columns="kind", values="rank",
                                                                  aggfunc="count", fill_value=0)
    held["units with a stated rank"] = wide(dti_long(dti_panel), "rank").notna().sum()
    return held


def persistence_table(dti_ranks: pd.DataFrame, papi_ranks: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Spearman and Kendall correlations (with intervals and n) of every pair compared: full DTI
    rounds, the 2017 e-government ranking against DTI 2022, DTI against PAPI in the same round and
    consecutive PAPI rounds."""
    full = complete_rounds(dti_ranks)
    egov = other_index(other, "egov_2017").set_index("gso_code")["rank"].astype(float)
    pairs = [(f"DTI {a} vs DTI {b}", dti_ranks[a], dti_ranks[b]) for i, a in enumerate(full) for b in full[i + 1:]]
    first = full[0]
    pairs.append((f"e-gov {study.EGOV_YEAR} vs DTI {first}", egov, dti_ranks[first]))
    pairs += [(f"DTI {y} vs PAPI {y}", dti_ranks[y], papi_ranks[y]) for y in full if y in papi_ranks.columns]
    pairs += [(f"PAPI {a} vs PAPI {a + 1}" + (f" (off-scale {a})" if a == study.PAPI_OFF_SCALE else ""),
               papi_ranks[a], papi_ranks[a + 1]) for a in papi_ranks.columns[:-1]]
    long = pd.concat([stats.rank_persistence(x, y).assign(pair=name) for name, x, y in pairs])
    table = long.pivot_table(index="pair", columns="method", values=["estimate", "ci_low", "ci_high"], sort=False)
    table.columns = [f"{m} {v}" for v, m in table.columns]
    table = table[[f"{m} {v}" for m in ("spearman", "kendall") for v in ("estimate", "ci_low", "ci_high")]].round(2)
    table["n"] = long.groupby("pair", sort=False)["n"].first()
    return table


def pair_label(a: int, b: int) -> str:
    """How a pair of rounds is named in every table of the notebook."""
    return f"{a}->{b}"


def last_place_churn(moves: pd.DataFrame, persistence: pd.DataFrame, n_units: int = study.PROVINCES.n_units,
                     **kwargs) -> dict[str, stats.RTMBenchmark]:
    """Typical churn of last place for every pair of rounds in which a unit of ``moves`` started
    last, keyed by the pair's label: the very benchmarks the moves table judges those moves by."""
    pairs = moves.loc[moves["rank_from"] == n_units, ["from", "to"]].drop_duplicates().sort_values("from")
    return {pair_label(a, b): typical_churn(n_units, a, b, persistence, n_units=n_units, **kwargs)
            for a, b in pairs.itertuples(index=False)}


def churn_table(churn: dict[str, stats.RTMBenchmark], persistence: pd.DataFrame) -> pd.DataFrame:
    """Typical churn of last place by pair of rounds: the rank correlation used and its basis, the
    expected later rank and the interval, indexed by the pair's label."""
    rows = []
    for label, bench in churn.items():
        a, b = (int(x) for x in label.split("->"))
        rho, _, basis = pair_persistence(a, b, persistence)
        low, high = bench.interval
        rows.append({"pair": label, "spearman": rho, "basis": basis, "expected_next_rank": bench.expected,
                     "low": low, "high": high, "level": bench.level, "draws": len(bench.next_ranks)})
    return pd.DataFrame(rows).set_index("pair")


def beta_table(dti_panel: pd.DataFrame, other: pd.DataFrame, index: str, baseline: int,
               comparison: int) -> pd.DataFrame:
    """Beta-convergence of the selected index and rounds (standardised, ranks; raw values for
    PAPI) and of PAPI's raw values to 2024 from the off-scale year and the year after, indexed by panel."""
    def row(label, table, a, b):
        res = stats.beta_convergence(table[a], table[b])
        keep = ("slope", "se_hc3", "ci_low", "ci_high", "n", "r", "rtm_slope", "excess", "excess_ci_low",
                "excess_ci_high")
        return {"panel": label, **{k: res[k] for k in keep}}

    rounds = index_rounds(dti_panel, other)
    chosen = index_tables(dti_panel, other, index, [r for r in rounds[index] if baseline <= r <= comparison])
    label = f"{CATCH_UP_INDICES[index]} {pair_label(baseline, comparison)}"
    rows = [row(f"{label}, standardised", chosen["z"], baseline, comparison),
            row(f"{label}, ranks", chosen["ranks"], baseline, comparison)]
    if index == "papi_egov":
        rows.append(row(f"{label}, raw values", chosen["values"], baseline, comparison))
    last = rounds["papi_egov"][-1]
    for start in (study.PAPI_OFF_SCALE, study.PAPI_OFF_SCALE + 1):
        pair = index_tables(dti_panel, other, "papi_egov", [start, last])
        rows.append(row(f"PAPI e-governance {pair_label(start, last)}, raw values", pair["values"], start, last))
    return pd.DataFrame(rows).drop_duplicates("panel").set_index("panel")


SIGMA_COLUMNS = ["index", "round", "n", "mean", "sd", "sd_ci_low", "sd_ci_high", "cv", "cv_ci_low", "cv_ci_high",
                 "sd_ratio_to_first", "ratio_ci_low", "ratio_ci_high"]


def sigma_table(dti_panel: pd.DataFrame, other: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """Spread across units by round (``stats.dispersion_by_year``) of the raw DTI scores and PAPI
    e-governance values on their balanced panels, with the number of units of each."""
    rounds = index_rounds(dti_panel, other)
    dti = index_tables(dti_panel, other, "dti", rounds["dti"])
    papi = index_tables(dti_panel, other, "papi_egov", rounds["papi_egov"])
    table = pd.concat([stats.dispersion_by_year(dti["values"]).assign(index="DTI overall (raw score)"),
                       stats.dispersion_by_year(papi["values"]).assign(index="PAPI e-governance")])
    return table[SIGMA_COLUMNS].reset_index(drop=True), dti["n"], papi["n"]


def bottom_cohort(ranks: pd.DataFrame, baseline: int, bottom_k: int) -> list[str]:
    """Units in the last ``bottom_k`` places at baseline (ties kept)."""
    return list(ranks[baseline].nlargest(bottom_k, keep="all").index)


def triangulation_year(dti_ranks: pd.DataFrame) -> int:
    """The round of the DTI–PAPI triangulation: the first complete DTI round."""
    return complete_rounds(dti_ranks)[0]


def triangulation(dti_ranks: pd.DataFrame, papi_ranks: pd.DataFrame,
                  year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DTI and PAPI e-governance ranks of the units with both in ``year`` (default: the first
    complete DTI round), and their rank correlations indexed by method."""
    year = triangulation_year(dti_ranks) if year is None else year
    both = pd.concat({"dti_rank": dti_ranks[year], "papi_rank": papi_ranks[year]}, axis=1).dropna()
    correlations = stats.rank_persistence(both["dti_rank"], both["papi_rank"]).set_index("method")
    correlations.attrs["year"] = year
    return both, correlations


def _move(row: dict, interval: bool = False) -> str:
    text = f"{row['province']} {pair_label(row['from'], row['to'])}: {row['rank_from']}->{row['rank_to']}"
    if not interval:
        return text
    return text + (f" (typical churn, 90% of draws {row['interval_low']:.0f}-{row['interval_high']:.0f}: "
                   f"{row['judgement']})")


def key_findings(*, consecutive: pd.DataFrame, churn: pd.DataFrame, moves: pd.DataFrame, focus: list[str],
                 beta: pd.DataFrame, beta_panel: str, cohort_effects: pd.DataFrame, cohort: list[str],
                 transitions: pd.DataFrame, shorrocks: float, triangulation: pd.DataFrame, baseline: int,
                 comparison: int) -> list[str]:
    """The conclusion, one sentence per finding, every number taken from the tables computed
    above and found by its label (pair of rounds, panel, round, method), never by position.
    ``churn`` is ``churn_table``: typical churn of last place by pair of rounds."""
    persistence = consecutive.set_index("from")
    first, last = persistence.loc[persistence.index.min()], persistence.loc[persistence.index.max()]
    first_pair = pair_label(int(persistence.index.min()), int(first["to"]))
    bench = churn.loc[first_pair] if first_pair in churn.index else churn.sort_index().iloc[0]
    beyond = {j: "; ".join(_move(r) for r in moves[moves["judgement"] == j].to_dict("records")) or "none"
              for j in (BEYOND_RISE, BEYOND_FALL)}
    focus_moves = moves[moves["gso_code"].isin(focus)].to_dict("records")
    z = beta.loc[beta_panel]
    fe = cohort_effects.set_index("round").loc[comparison]
    k = len(transitions)
    sp, tri_year = triangulation.loc["spearman"], triangulation.attrs["year"]
    return [
        f"**Persistence.** Year-to-year DTI rank correlation: Spearman {first['rho_s']:.2f} [{first['ci_low']:.2f}, "
        f"{first['ci_high']:.2f}] for {first_pair} and {last['rho_s']:.2f} "
        f"[{last['ci_low']:.2f}, {last['ci_high']:.2f}] for {pair_label(persistence.index.max(), int(last['to']))} "
        f"(n = {int(last['n'])}).",
        f"**Typical churn.** Moving as provinces usually move (real change and error together, conditional on the "
        f"starting rank), a unit ranked last is expected at about {bench['expected_next_rank']:.1f} next round "
        f"(90% of draws {bench['low']:.0f}-{bench['high']:.0f}, {bench.name}). Rises beyond typical churn: "
        f"{beyond[BEYOND_RISE]}. Falls beyond typical churn: {beyond[BEYOND_FALL]}.",
        "**Focus provinces.** " + ("; ".join(_move(r, interval=True) for r in focus_moves)
                                   or "no consecutive stated ranks") + ".",
        f"**Beta-convergence** on {beta_panel}: slope {z['slope']:.2f} (HC3 95% CI {z['ci_low']:.2f} to "
        f"{z['ci_high']:.2f}, n = {int(z['n'])}), equal by construction to r - 1 = {z['rtm_slope']:.2f}: an "
        "identity of standardised values, not evidence of catch-up.",
        f"**Bottom cohort** ({len(cohort)} units at {baseline}): gain on the others by {comparison} of "
        f"{fe['estimate']:.2f} SD (95% CI {fe['ci_low']:.2f} to {fe['ci_high']:.2f}), of which "
        f"{fe['rtm_expected']:.2f} SD is expected from regression to the mean (excess {fe['excess']:.2f}).",
        f"**Mobility.** Shorrocks index {shorrocks:.2f} between {k} rank groups {pair_label(baseline, comparison)} "
        f"({int(transitions.loc[k, k])} of {int(transitions.loc[k].sum())} units of the bottom fifth stayed there).",
        f"**Triangulation.** DTI {tri_year} and PAPI e-governance {tri_year} rank correlation: "
        f"Spearman {sp['estimate']:.2f} [{sp['ci_low']:.2f}, {sp['ci_high']:.2f}], n = {int(sp['n'])}.",
    ]


def judged_moves(moves: pd.DataFrame) -> pd.DataFrame:
    """The moves compared with typical churn: those from the second DTI round on (a move from the
    first round, ``study.FIRST_DTI_ROUND``, is left out: no earlier round follows another with stated
    ranks on both sides)."""
    return moves[moves["from"] > study.FIRST_DTI_ROUND].reset_index(drop=True)
