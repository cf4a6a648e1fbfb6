"""Figures of the progress notebook (07): the two benchmarks, the league table with rank
intervals, who really moved, and power. Every figure names the benchmark or test it shows."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import figures
from .. import measurement as m
from .. import progress as pg
from . import (
    BAND,
    BENCHMARK_COLOURS,
    CHANGE_COLOURS,
    INK,
    OTHER,
    REFERENCE_LINE,
    ROW_SHADE,
    mark_labels,
    rank_ticks,
    spread_labels,
)

SOURCE = "overall DTI scores of the 63 provinces"


def interval_text(bench: m.RankBenchmark) -> str:
    """How a benchmark's interval is written in a figure (and matched by the site's tests)."""
    low, high = bench.interval
    return f"{bench.name}: {bench.level:.0%} of draws at ranks {low:.0f}–{high:.0f}"


def _benchmark_panel(ax, noise: m.RankBenchmark, churn: m.RankBenchmark, movers: pd.DataFrame,
                     colours: dict[str, str], names: pd.Series) -> None:
    n = noise.n_units
    churn_share = pd.Series(churn.later_ranks).value_counts(normalize=True).reindex(range(1, n + 1), fill_value=0)
    ax.fill_between(churn_share.index, churn_share.values, step="mid", color=BENCHMARK_COLOURS[churn.name], lw=0)
    noise_share = pd.Series(noise.later_ranks).value_counts(normalize=True).sort_index()
    ax.bar(noise_share.index, noise_share.values, width=0.45, color=BENCHMARK_COLOURS[noise.name])
    top = float(max(churn_share.max(), noise_share.max()))
    for i, bench in enumerate((churn, noise)):  # the two intervals, labelled where they are drawn
        low, high = bench.interval
        y = top * (1.1 + 0.2 * i)
        ax.plot([low - 0.45, high + 0.45], [y, y], color=BENCHMARK_COLOURS[bench.name], lw=5, solid_capstyle="butt")
        ax.annotate(interval_text(bench), (high + 0.45, y), xytext=(0, 5), textcoords="offset points", ha="right",
                    va="bottom", fontsize=9, color=INK)
    ax.set_ylim(0, top * 1.45)
    placed = spread_labels([0.55 * top] * len(movers), 0.09 * top, 0.1 * top, top)
    for (code, row), y in zip(movers.iterrows(), placed, strict=True):
        colour = colours.get(code, INK)
        ax.axvline(row["end_rank"], color=colour, lw=2, ymax=1.02 / 1.45)
        ax.annotate(f"{names[code]}: {row['end_rank']:.0f}", (row["end_rank"], y), xytext=(-5, 0), ha="right",
                    textcoords="offset points", fontsize=10, color=colour, va="center", fontweight="bold")
    ax.set_xlim(0.5, n + 0.5)
    ax.set_xlabel(f"rank in the later round (1 = best, {n} = last)")


def benchmarks(benches: dict, period: str, start_ranks: list[int], movers: dict[int, pd.DataFrame],
               colours: dict[str, str], names: pd.Series) -> Figure:
    """Noise only and typical churn for each starting rank in ``period`` (``pg.benchmarks``), with
    the later ranks of the provinces that started there (``movers``: ``pg.starters`` per rank)."""
    fig, axes = plt.subplots(1, len(start_ranks), figsize=(4.9 * len(start_ranks), 5.0), squeeze=False)
    for ax, rank in zip(axes[0], start_ranks, strict=True):
        noise, churn = benches[(period, rank, m.NOISE_ONLY)], benches[(period, rank, m.TYPICAL_CHURN)]
        _benchmark_panel(ax, noise, churn, movers[rank], colours, names)
        where = "last place" if rank == noise.n_units else f"rank {rank}"
        ax.set_title(f"Starting at {where} in {period.split('→')[0]}", fontsize=11)
    axes[0, 0].set_ylabel("share of draws")
    handles = [plt.Rectangle((0, 0), 1, 1, color=BENCHMARK_COLOURS[name], label=name)
               for name in (m.NOISE_ONLY, m.TYPICAL_CHURN)]
    fig.legend(handles=handles, loc="upper center", ncol=2, frameon=False, fontsize=10, bbox_to_anchor=(0.5, 0.9))
    fig.suptitle(f"Where a province starting low lands {period} under noise only and under typical churn\n"
                 "(conditional on the starting rank)", fontsize=12)
    fig.subplots_adjust(top=0.75, bottom=0.26, wspace=0.22)
    draws = len(next(iter(benches.values())).later_ranks)
    figures.add_source(fig, f"{SOURCE}, rounds of the measurement model; {draws:,} seeded draws per benchmark, the "
                            "reliability (noise only) or the observed correlation (typical churn) drawn from "
                            "its bootstrap draws. Bars at the top: the two intervals.", method_note=True)
    figures.attach_data(fig, benchmark_data(benches, period, start_ranks, movers, names))
    return fig


def benchmark_data(benches: dict, period: str, start_ranks: list[int], movers: dict[int, pd.DataFrame],
                   names: pd.Series) -> pd.DataFrame:
    """What ``benchmarks`` draws, one row per bar or line: each benchmark's share of draws at each later
    rank with its interval, and each starter's observed later rank."""
    rows = []
    for rank in start_ranks:
        for name in (m.NOISE_ONLY, m.TYPICAL_CHURN):
            bench = benches[(period, rank, name)]
            share = pd.Series(bench.later_ranks).value_counts(normalize=True).reindex(
                range(1, bench.n_units + 1), fill_value=0)
            low, high = bench.interval
            rows += [{"start_rank": rank, "layer": name, "province": "", "later_rank": r, "share_of_draws": v,
                      "interval_low": low, "interval_high": high} for r, v in share.items()]
        for code, row in movers[rank].iterrows():
            rows.append({"start_rank": rank, "layer": "observed", "province": names[code],
                         "later_rank": row["end_rank"], "share_of_draws": None, "interval_low": None,
                         "interval_high": None})
    return pd.DataFrame(rows).assign(period=period)[["period", "start_rank", "layer", "province", "later_rank",
                                                     "share_of_draws", "interval_low", "interval_high"]]


def _league_panel(ax, rows: pd.DataFrame, highlight: dict[str, str], k: int) -> None:
    n = len(rows)
    y = np.arange(n)
    ax.axvspan(n - k + 0.5, n + 0.5, color=BAND, alpha=0.6, zorder=0)
    for i in range(0, n, 2):
        ax.axhspan(i - 0.5, i + 0.5, color=ROW_SHADE, zorder=0)
    colour = [highlight.get(c, OTHER) for c in rows["gso_code"]]
    ax.hlines(y, rows["true_rank_low"], rows["true_rank_high"], colors=colour, lw=2.2, zorder=2)
    ax.scatter(rows["true_rank_median"], y, s=14, color=colour, zorder=3)
    ax.scatter(rows["observed_rank"], y, s=16, marker="|", color=INK, zorder=4)
    for i, row in enumerate(rows.itertuples()):  # the highlighted provinces' intervals, as the findings cite them
        if row.gso_code in highlight:
            ax.annotate(f"{row.true_rank_low:.0f}–{row.true_rank_high:.0f}", (row.true_rank_low, i), xytext=(-5, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=7,
                        color=highlight[row.gso_code], fontweight="bold")
    ax.set_yticks(y, [f"{p} ({r:.0f})" for p, r in zip(rows["province"], rows["observed_rank"], strict=True)],
                  fontsize=6.2)
    mark_labels(ax, rows["gso_code"], highlight)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0.5, n + 0.5)
    ax.tick_params(axis="y", length=0, pad=2)
    ax.set_xlabel("true rank (1 = best)", fontsize=8)


def league_table(rows: pd.DataFrame, highlight: dict[str, str], k: int, scale: str) -> Figure:
    """Every province's 90% interval of its true rank in each round, in the order of its observed
    rank (``pg.league_rows``), in the style of Goldstein & Spiegelhalter (1996); ``highlight``
    colours the cases and writes their intervals; the band marks the bottom k."""
    rounds = sorted(rows["round"].unique())
    fig, axes = plt.subplots(1, len(rounds), figsize=(4.6 * len(rounds), 12.8))
    for ax, rnd in zip(np.atleast_1d(axes), rounds, strict=True):
        _league_panel(ax, rows[rows["round"] == rnd], highlight, k)
        ax.set_title(f"DTI {rnd}", fontsize=10)
    level = rows["level"].iloc[0]
    handles = [Line2D([], [], color=OTHER, lw=2.2, marker="o", markersize=4,
                      label=f"{level:.0%} interval and median of the true rank"),
               Line2D([], [], color=INK, ls="", marker="|", markersize=8, label="observed rank"),
               plt.Rectangle((0, 0), 1, 1, color=BAND, alpha=0.6, label=f"bottom {k}")]
    fig.legend(handles=handles, loc="upper center", ncol=3, frameon=False, fontsize=8, bbox_to_anchor=(0.5, 0.982))
    fig.suptitle(f"Rank intervals of every province, each round ({pg.SCALE_LABELS[scale]}); names with the "
                 "observed rank", fontsize=11, y=0.995)
    fig.subplots_adjust(top=0.93, bottom=0.06, left=0.1, right=0.99, wspace=0.55)
    figures.add_source(fig, f"{SOURCE}; true ranks from the measurement model, all rounds used, the provinces "
                            "ranked jointly in each draw, the reliability drawn from its admissible bootstrap draws.",
                       method_note=True)
    figures.attach_data(fig, rows[["round", "gso_code", "province", "observed_rank", "true_rank_low",
                                   "true_rank_median", "true_rank_high", "level"]])
    return fig


def who_moved(moved: pd.DataFrame, names: pd.Series, highlight) -> Figure:
    """Each province's true-score change over the period of ``moved`` (``pg.who_moved``), with its
    credible interval, coloured by the bar it clears; a ring marks a move beyond typical churn. The
    provinces in ``highlight`` (codes) are named in bold, not in their case colours: here colour means
    the bar cleared, and Bến Tre's blue or Bạc Liêu's red would read as progress or decline."""
    rows = moved.sort_values("mean").reset_index()
    y = np.arange(len(rows))
    colour = [CHANGE_COLOURS[c] for c in rows["change_class"]]
    fig, ax = plt.subplots(figsize=(7.4, 12.2))
    ax.axvline(0, color=REFERENCE_LINE, lw=0.8)
    ax.hlines(y, rows["ci_low"], rows["ci_high"], colors=colour, lw=2)
    ax.scatter(rows["mean"], y, s=16, color=colour, zorder=3)
    beyond = rows[rows["churn_class"] != pg.WITHIN]
    ax.scatter(beyond["mean"], beyond.index, s=90, facecolors="none", edgecolors=INK, zorder=4)
    labels = [f"{names[c]} ({s:.0f}→{e:.0f})" for c, s, e in zip(rows["gso_code"], rows["start_rank"],
                                                                    rows["end_rank"], strict=True)]
    ax.set_yticks(y, labels, fontsize=6.5)
    mark_labels(ax, rows["gso_code"], highlight, coloured=False)
    ax.set_ylim(-0.8, len(rows) - 0.2)
    counts = rows["change_class"].value_counts()
    handles = [Line2D([], [], color=CHANGE_COLOURS[c], lw=2, marker="o", markersize=4,
                      label=f"{c}: {int(counts.get(c, 0))}") for c in (pg.PROGRESS, pg.DECLINE, pg.NO_CREDIBLE_CHANGE)]
    handles.append(Line2D([], [], ls="", marker="o", markerfacecolor="none", markeredgecolor=INK, markersize=9,
                          label=f"beyond typical churn (BH, q = {pg.BH_Q}): {len(beyond) or 'none'}"))
    ax.legend(handles=handles, loc="lower right", fontsize=7.5, frameon=True, framealpha=0.9,
              title=f"average lfsr ≤ {pg.LFSR_ALPHA}", title_fontsize=7.5)
    period = pg.pair_label(moved.attrs["start"], moved.attrs["end"])
    ax.set_xlabel(f"true-score change {period}, relative to the average province (SD)")
    ax.set_title(f"Who really moved {period}: posterior change with {moved.attrs['level']:.0%} credible interval",
                 fontsize=10)
    fig.subplots_adjust(left=0.3, right=0.98, top=0.96, bottom=0.07)
    figures.add_source(fig, f"{SOURCE}; measurement model given all three rounds; names with the observed ranks "
                            "(start→end).", method_note=True)
    data = rows.assign(province=rows["gso_code"].map(names), beyond_typical_churn=rows["churn_class"] != pg.WITHIN)
    figures.attach_data(fig, data[["gso_code", "province", "start_rank", "end_rank", "mean", "ci_low", "ci_high",
                                   "change_class", "beyond_typical_churn"]])
    return fig


def churn_placement(moved: pd.DataFrame) -> pd.Series:
    """Where each province's later rank fell against its typical-churn interval (``pg.who_moved``'s
    ``churn_low``–``churn_high``): *above* (a better rank than the interval), *inside* or *below*."""
    return pd.Series(np.where(moved["end_rank"] < moved["churn_low"], "above",
                              np.where(moved["end_rank"] > moved["churn_high"], "below", "inside")),
                     index=moved.index, name="placement")


def churn_bands(moved: pd.DataFrame, names: pd.Series, highlight: dict[str, str]) -> Figure:
    """Each province's later rank against typical churn from its starting score (``pg.who_moved``):
    the interval of later ranks under the null that it moves as provinces usually move, its starting
    rank (open circle) and its observed later rank (dot); provinces ordered by starting rank."""
    start, end, level = moved.attrs["start"], moved.attrs["end"], moved.attrs["churn_level"]
    rows = moved.reset_index().sort_values(["start_rank", "gso_code"], ignore_index=True)
    n, y = len(rows), np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(7.4, 12.2))
    ax.hlines(y, rows["churn_low"] - 0.5, rows["churn_high"] + 0.5, colors=BENCHMARK_COLOURS[m.TYPICAL_CHURN],
              lw=6.5)
    ax.scatter(rows["start_rank"], y, s=22, facecolors="white", edgecolors=INK, lw=0.9, zorder=3)
    ax.scatter(rows["end_rank"], y, s=22, color=INK, zorder=4)
    labels = [f"{names[c]} ({s:.0f}→{e:.0f})" for c, s, e in zip(rows["gso_code"], rows["start_rank"],
                                                                    rows["end_rank"], strict=True)]
    ax.set_yticks(y, labels, fontsize=6.5)
    mark_labels(ax, rows["gso_code"], highlight)
    ax.set_ylim(n - 0.2, -0.8)
    ax.set_xlim(0.5, n + 0.5)
    ax.set_xticks(rank_ticks(n))
    period = pg.pair_label(start, end)
    ax.set_xlabel(f"rank in {end} (1 = best, {n} = last)")
    ax.set_title(f"Against typical churn, {period}: each province's {end} rank and where it would land\n"
                 f"if it moved as provinces usually move ({level:.0%} interval)", fontsize=10, pad=18)
    handles = [Line2D([], [], color=BENCHMARK_COLOURS[m.TYPICAL_CHURN], lw=6.5,
                      label=f"typical churn: {level:.0%} of simulated {end} ranks"),
               Line2D([], [], ls="", marker="o", markerfacecolor="white", markeredgecolor=INK, markersize=5,
                      label=f"rank in {start}"),
               Line2D([], [], ls="", marker="o", color=INK, markersize=5, label=f"rank in {end}")]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=7.5,
              frameon=False, borderaxespad=0.2)
    fig.subplots_adjust(left=0.3, right=0.98, top=0.93, bottom=0.075)
    figures.add_source(fig, f"{SOURCE}; null: the {start} and {end} scores are bivariate normal with the observed "
                            f"correlation (bootstrap draws), given every province's {start} score; unadjusted "
                            f"intervals (the outlier screen of 07_who_moved adjusts for {n} provinces).",
                       method_note=True)
    data = rows.assign(province=rows["gso_code"].map(names), start_round=start, end_round=end, level=level,
                       placement=churn_placement(rows))
    figures.attach_data(fig, data[["gso_code", "province", "start_round", "end_round", "start_rank", "end_rank",
                                   "churn_low", "churn_high", "level", "placement"]])
    return fig


def power(curves: dict) -> Figure:
    """Power of the two pre-specified tests by the excess true gain (``pg.power``), with the
    smallest gain detected with the target power."""
    fig, ax = plt.subplots(figsize=(7.6, 5.2))
    styles = {"cohort": ("-", INK), "last": ("--", INK)}
    target = next(iter(curves.values())).target
    ax.axhline(target, color=REFERENCE_LINE, lw=0.8)
    for key, curve in curves.items():
        ls, colour = styles[key]
        mdd = curve.minimum_detectable()
        who = "last-placed province" if curve.cohort_size == 1 else f"bottom-{curve.cohort_size} cohort"
        ax.plot(curve.curve["delta"], curve.curve["power"], ls=ls, color=colour,
                label=f"{who}: {target:.0%} power at {mdd['delta']:.2f} SD (≈{mdd['rank_places']:.0f} places)")
        ax.plot([mdd["delta"]] * 2, [0, target], ls=":", color=colour, lw=0.8)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, float(max(c.curve["delta"].max() for c in curves.values())))
    ax.set_xlabel("excess true gain beyond typical churn (SD of the starting round)")
    ax.set_ylabel(f"power (one-sided test at {pg.TEST_ALPHA:.0%})")
    ax.set_title("What the data could detect: power of the two pre-specified tests", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1, fontsize=8, frameon=False)
    fig.subplots_adjust(bottom=0.36)
    reps = next(iter(curves.values())).reps
    figures.add_source(fig, f"simulated under the fitted measurement model, {reps:,} replicates per gain, the cohort "
                            "selected on its observed starting rank in every replicate; design power, not "
                            "observed power.", method_note=True)
    figures.attach_data(fig, pd.concat([c.curve[["delta", "power"]].assign(
        test="last-placed province" if c.cohort_size == 1 else f"bottom-{c.cohort_size} cohort")
        for c in curves.values()], ignore_index=True)[["test", "delta", "power"]])
    return fig
