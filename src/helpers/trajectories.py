"""Glue between the DTI panel and ``helpers.stats`` for the trajectories notebook.

Turns the long panel (``panel.load_panel()``) and the other indices
(``panel.load_other_indices()``) into wide tables (units × rounds), finds the units that were
ever in the bottom of a round, compares their observed moves with the regression-to-the-mean
benchmark, and draws the trajectory figure. Nothing here fills a gap: a unit without a value
in a round has no value in the wide table.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import panel, provinces, stats

N_UNITS = 63

#: Indices the catch-up analysis can run on, with their name in figures and allowed rounds.
INDICES = {
    "dti": "DTI overall",
    "papi_egov": "PAPI e-governance",
}
#: Rounds usable for the catch-up analysis: DTI needs full cross-sections (2022-2024); PAPI
#: e-governance 2018 has only two sub-dimensions (not comparable) and is left out.
ROUNDS = {"dti": [2022, 2023, 2024], "papi_egov": [2019, 2020, 2021, 2022, 2023, 2024]}
PAPI_OFF_SCALE = 2019

MARKERS = {"official": "o", "news": "s", "corpus": "D", "derived": "^", "computed": "o",
           "off-scale 2019": "X", "egov 2017": "P"}


class ParameterError(ValueError):
    """A notebook parameter has a value it cannot take (the message names it and what is allowed)."""


def validate_parameters(focus: str, baseline, comparison, index: str, bottom_k) -> list[str]:
    """Check the notebook's parameters; return the focus provinces' GSO codes.

    Every error names the parameter, the bad value and the allowed values.
    """
    if index not in INDICES:
        raise ParameterError(f"index={index!r} is not allowed; allowed: {sorted(INDICES)}")
    allowed = ROUNDS[index]
    for name, value in (("baseline", baseline), ("comparison", comparison)):
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise ParameterError(f"{name}={value!r} is not a usable round of {index!r}; allowed: {allowed}")
    if comparison <= baseline:
        raise ParameterError(f"comparison={comparison!r} must be later than baseline={baseline!r}; "
                             f"allowed rounds of {index!r}: {allowed}")
    if isinstance(bottom_k, bool) or not isinstance(bottom_k, int) or not 1 <= bottom_k <= 20:
        raise ParameterError(f"bottom_k={bottom_k!r} is not allowed; allowed: an integer from 1 to 20")
    if not isinstance(focus, str) or not focus.strip():
        raise ParameterError(f"focus={focus!r} is not allowed; allowed: comma-separated slugs such as 'bac-lieu,ben-tre'")
    codes = []
    for slug in [s.strip() for s in focus.split(",") if s.strip()]:
        try:
            codes.append(provinces.from_slug(slug))
        except provinces.UnknownProvinceError as error:
            raise ParameterError(f"focus: {error}") from None
    if len(set(codes)) != len(codes):
        raise ParameterError(f"focus={focus!r} names a province twice")
    return codes


def _prefer(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """One row per unit-round with ``value``: the panel's preferred source first."""
    frame = frame.dropna(subset=[value]).copy()
    frame["_p"] = [panel.PRIORITY.get((k, r), 9) for k, r in zip(frame["source_kind"], frame["rank_method"])]
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

    DTI scores come from the complete 2022-2024 backbone (other rounds have no full scores).
    Missing unit-rounds stay missing.
    """
    if index == "dti":
        rows = dti_panel[(dti_panel["measure"] == "dti") & (dti_panel["source_kind"] != "derived")]
        rows = _prefer(rows, "score").rename(columns={"score": "value"})
    elif index == "papi_egov":
        rows = other_index(other, "papi_egov", exclude_flags=("not_comparable_2018",))
    else:
        raise ValueError(f"index {index!r}: expected one of {sorted(INDICES)}")
    table = wide(rows, "value")
    return table[[c for c in table.columns if c in ROUNDS[index]]]


def wide(long: pd.DataFrame, value: str) -> pd.DataFrame:
    """Units (GSO code) × rounds table of ``value``; missing unit-rounds stay missing."""
    table = long.dropna(subset=[value]).pivot(index="gso_code", columns="year", values=value)
    table.columns = [int(c) for c in table.columns]
    return table.astype(float).sort_index()


def complete_rounds(table: pd.DataFrame, n_units: int = N_UNITS) -> list[int]:
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


def bottom_units(ranks: pd.DataFrame, k: int, n_units: int = N_UNITS) -> pd.DataFrame:
    """Units ranked in the last ``k`` places (rank > n − k) of any round: unit, round, rank."""
    if not 1 <= k < n_units:
        raise ValueError(f"bottom k must be between 1 and {n_units - 1}, got {k}")
    stacked = ranks.stack().rename("rank").reset_index()
    stacked.columns = ["gso_code", "year", "rank"]
    hits = stacked[stacked["rank"] > n_units - k]
    return hits.sort_values(["year", "rank", "gso_code"]).reset_index(drop=True)


def consecutive_persistence(ranks: pd.DataFrame, n_units: int = N_UNITS) -> pd.DataFrame:
    """Spearman correlation (with its Fisher-z SE) of each pair of consecutive full rounds."""
    full = complete_rounds(ranks, n_units)
    rows = []
    for a, b in zip(full, full[1:]):
        if b == a + 1:
            res = stats.rank_correlation(ranks[a], ranks[b], "spearman")
            rows.append({"from": a, "to": b, "rho_s": res["estimate"], "se_fisher_z": res["se_fisher_z"],
                         "ci_low": res["ci_low"], "ci_high": res["ci_high"], "n": res["n"]})
    return pd.DataFrame(rows)


def moves_against_benchmark(ranks: pd.DataFrame, units: list[str], persistence: pd.DataFrame, *,
                            n_units: int = N_UNITS, draws: int = 4000, seed: int = stats.DEFAULT_SEED,
                            level: float = 0.90) -> pd.DataFrame:
    """Each observed one-round move of ``units`` compared with the regression-to-the-mean benchmark.

    A move needs a rank in two consecutive rounds (no bridging over a missing round). The
    persistence of a pair of full rounds is its own Spearman estimate; for a pair without
    full cross-sections (e.g. 2021→2022) the mean of the measured consecutive estimates is
    used and the row says so (``rho_basis = "assumed: mean of measured"``), with the largest
    measured standard error. The benchmark carries that uncertainty (``rho_se_fisher_z``).
    ``beats_benchmark`` is true only when the observed next rank is better than the lower
    end of the benchmark interval (i.e. fewer than (1 − level)/2 of chance draws do as well).
    """
    if persistence.empty:
        raise ValueError("no pair of consecutive full rounds to measure persistence on")
    measured = persistence.set_index(["from", "to"])
    rho_mean = float(persistence["rho_s"].mean())
    se_max = float(persistence["se_fisher_z"].max())
    rows = []
    for unit in units:
        if unit not in ranks.index:
            continue
        series = ranks.loc[unit]
        for a in ranks.columns:
            b = a + 1
            if b not in ranks.columns or pd.isna(series.get(a)) or pd.isna(series.get(b)):
                continue
            if (a, b) in measured.index:
                rho, se, basis = measured.loc[(a, b), "rho_s"], measured.loc[(a, b), "se_fisher_z"], "measured"
            else:
                rho, se, basis = rho_mean, se_max, "assumed: mean of measured"
            bench = stats.rtm_benchmark(float(rho), n_units, int(series[a]), rho_se_fisher_z=float(se),
                                        draws=draws, seed=seed, level=level)
            low, high = bench.interval
            rows.append({"gso_code": unit, "from": a, "to": b, "rank_from": int(series[a]),
                         "rank_to": int(series[b]), "places_gained": int(series[a] - series[b]),
                         "rho_s": float(rho), "rho_basis": basis,
                         "expected_rank": bench.expected, "interval_low": low, "interval_high": high,
                         "p_as_good": bench.p_at_least_as_good(series[b]),
                         "beats_benchmark": bool(series[b] < low)})
    return pd.DataFrame(rows)


def _segments(years: list[int], values: list[float], breaks: frozenset = frozenset()):
    """Runs of consecutive years with values: lines are drawn within a run, never across a gap.

    A year in ``breaks`` ends a run (no line from it to the next year, e.g. a scale change).
    """
    run: list[tuple[int, float]] = []
    for y, v in zip(years, values):
        if pd.isna(v):
            if run:
                yield run
            run = []
            continue
        if run and (y != run[-1][0] + 1 or run[-1][0] in breaks):
            yield run
            run = []
        run.append((y, v))
    if run:
        yield run


def plot_trajectories(ax, long: pd.DataFrame, units: list[str], colours: dict[str, str], *,
                      n_units: int = N_UNITS, label_end: bool = True, breaks=()) -> None:
    """Rank of each unit by round: lines only between consecutive observed rounds, markers by source kind.

    ``long`` has columns gso_code, province, year, rank and ``kind`` (a key of ``MARKERS``).
    """
    for unit in units:
        rows = long[long["gso_code"] == unit].sort_values("year")
        if rows.empty:
            continue
        colour = colours[unit]
        years = rows["year"].astype(int).tolist()
        for run in _segments(years, rows["rank"].tolist(), frozenset(breaks)):
            if len(run) > 1:
                ax.plot([y for y, _ in run], [v for _, v in run], color=colour, lw=1.6, alpha=0.9, zorder=2)
        for kind, sub in rows.dropna(subset=["rank"]).groupby("kind"):
            hollow = kind in ("derived", "off-scale 2019")
            ax.scatter(sub["year"], sub["rank"], marker=MARKERS.get(kind, "o"), s=36,
                       facecolor="white" if hollow else colour, edgecolor=colour,
                       linewidth=1.0 if hollow else 0.6, zorder=3)
        if label_end:
            last = rows.dropna(subset=["rank"]).iloc[-1]
            ax.annotate(last["province"], (last["year"], last["rank"]), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=7, color=colour)
    ax.set_ylim(n_units + 2, -1)
    ax.set_ylabel(f"rank (1 = best, {n_units} = last)")


def unit_colours(units: list[str], names: dict[str, str], focus_colours: dict[str, str]) -> dict[str, str]:
    """Focus provinces keep their project colour; other units get distinct colours in a fixed order."""
    palette = plt.get_cmap("tab10").colors
    others = [u for u in sorted(units) if names.get(u) not in focus_colours]
    colours = {u: matplotlib_hex(palette[i % len(palette)]) for i, u in enumerate(others)}
    for u in units:
        if names.get(u) in focus_colours:
            colours[u] = focus_colours[names[u]]
    return colours


def matplotlib_hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c * 255)):02x}" for c in rgb[:3])


def quantile_transitions(ranks: pd.DataFrame, a: int, b: int, k: int, n_units: int = N_UNITS):
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
    papi_ranks["kind"] = np.where(papi_ranks["year"] == PAPI_OFF_SCALE, "off-scale 2019", "computed")
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


__all__ = [n for n in dir() if not n.startswith("_") and n not in {"annotations", "np", "pd", "plt"}]
