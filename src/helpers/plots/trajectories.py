"""Figures of the trajectories notebook (04): ranks over rounds, typical churn of last place,
dispersion, quintile transitions and the DTI–PAPI triangulation."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .. import figures, provinces, stats, study
from .. import trajectories as tj
from . import (
    CAVEAT_BAND,
    INK,
    MUTED,
    OTHER,
    SAFE_FURTHER,
    SEQUENTIAL,
    SOURCE_KIND_STYLE,
    focus_colours,
    kind_handles,
    spread_labels,
)

#: Source kinds in the trajectory figure's legend, in this order.
TRAJECTORY_KINDS = ["official", "news", "corpus", "derived", "egov 2017", "computed", "off-scale 2019"]
#: Smallest vertical distance between two end labels, in rank places.
LABEL_GAP = 2.0


def highlighted(dti: pd.DataFrame, units: list[str], focus: list[str], n_units: int = study.PROVINCES.n_units,
                limit: int = 3 + SAFE_FURTHER) -> list[str]:
    """The units a focus + context figure colours: the focus provinces, then the followed units that
    were last (rank ``n_units``) in a DTI round of ``dti`` (``trajectory_rows``' long DTI rows), in
    order of that round; at most ``limit`` (the colours that stay apart for colour-blind readers)."""
    last = dti[(dti["rank"] == n_units) & dti["gso_code"].isin(units)].sort_values(["year", "gso_code"])
    chosen = list(dict.fromkeys([*focus, *last["gso_code"]]))
    return chosen[:limit]


def unit_colours(units: list[str], focus: list[str]) -> dict[str, str]:
    """The colour of each followed unit: the highlighted ones (``focus``) their study colours, every other
    followed unit ``OTHER`` grey (context)."""
    colours = focus_colours(list(focus))
    return {u: colours.get(u, OTHER) for u in [*focus, *sorted(u for u in units if u not in focus)]}


def _segments(years: list[int], values: list[float], breaks: frozenset = frozenset()):
    """Runs of consecutive years with values: lines are drawn within a run, never across a gap.

    A year in ``breaks`` ends a run (no line from it to the next year, e.g. a scale change).
    """
    run: list[tuple[int, float]] = []
    for y, v in zip(years, values, strict=True):
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


def _end_labels(ax, ends: list[tuple[str, int, float, str]], n_units: int) -> None:
    """Name each unit at its last point; labels sharing a round are spread so none overlap."""
    by_year: dict[int, list] = {}
    for end in ends:
        by_year.setdefault(end[1], []).append(end)
    for year, group in by_year.items():
        # many labels in one round (a large cohort): a smaller gap and font, so all fit on the axis
        gap = min(LABEL_GAP, (n_units + 1) / max(len(group) - 1, 1))
        placed = spread_labels([rank for _, _, rank, _ in group], gap, 0, n_units + 1)
        for (name, _, rank, colour), y in zip(group, placed, strict=True):
            ax.annotate(name, (year, rank), xytext=(year + 0.22, y), textcoords="data", va="center",
                        fontsize=max(5.0, 7 * gap / LABEL_GAP),
                        color=colour, arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.5, "alpha": 0.6}
                        if abs(y - rank) > 0.5 else None)


def draw_ranks(ax, long: pd.DataFrame, units: list[str], colours: dict[str, str], *,
               n_units: int = study.PROVINCES.n_units, label_end: bool = True, breaks=()) -> None:
    """Rank of each unit by round on ``ax``: lines only between consecutive observed rounds,
    markers by source kind (``long``: gso_code, province, year, rank, kind). Units in ``OTHER`` grey
    are context: drawn thinner, underneath, and not named; every coloured unit is named at its end."""
    ends = []
    for unit in sorted(units, key=lambda u: colours[u] != OTHER):  # context first, underneath
        rows = long[long["gso_code"] == unit].sort_values("year").dropna(subset=["rank"])
        if rows.empty:
            continue
        colour = colours[unit]
        context = colour == OTHER
        z = 1 if context else 3
        for run in _segments(rows["year"].astype(int).tolist(), rows["rank"].tolist(), frozenset(breaks)):
            if len(run) > 1:
                ax.plot([y for y, _ in run], [v for _, v in run], color=colour, lw=1.0 if context else 2.0,
                        alpha=0.7 if context else 0.95, zorder=z)
        for kind, sub in rows.groupby("kind"):
            style = SOURCE_KIND_STYLE[kind]
            ax.scatter(sub["year"], sub["rank"], marker=style["marker"], s=18 if context else 40, zorder=z + 1,
                       edgecolor=colour, facecolor=colour if style["filled"] else "white",
                       linewidth=0.6 if style["filled"] else 1.0)
        if not context:
            last = rows.iloc[-1]
            ends.append((last["province"], int(last["year"]), float(last["rank"]), colour))
    if label_end:
        _end_labels(ax, ends, n_units)
    ax.set_ylim(n_units + 2, -1)
    ax.set_ylabel(f"rank (1 = best, {n_units} = last)")


def trajectories(rows: dict[str, pd.DataFrame], units: list[str], focus: list[str], bottom_k: int) -> Figure:
    """DTI (with the 2017 e-government rank) and PAPI e-governance ranks of the followed units
    (``tj.trajectory_rows``: every unit ever in the bottom ``bottom_k`` of a DTI round, and the focus
    provinces), one panel each: the focus provinces and the units that were last in a round in
    colour and named (``highlighted``), the other followed units grey."""
    shown = highlighted(rows["dti"], units, focus)
    colours = unit_colours(units, shown)
    fig, axes = plt.subplots(1, 2, figsize=(11.5, 6.4), sharey=True, gridspec_kw={"width_ratios": [1.25, 1]})
    draw_ranks(axes[0], rows["dti"], units, colours)
    draw_ranks(axes[1], rows["papi_egov"], units, colours, breaks=[study.PAPI_OFF_SCALE])
    axes[0].set_title("DTI overall rank\n(2017: IT-application/e-government ranking)", fontsize=10)
    axes[1].set_title("PAPI e-governance rank\n(computed from values)", fontsize=10)
    for ax, panel in zip(axes, ("dti", "papi_egov"), strict=True):
        years = sorted(int(y) for y in rows[panel]["year"].unique())
        ax.set_xticks(years)
        ax.set_xlim(years[0] - 0.5, years[-1] + 1.2)
    axes[1].set_ylabel("")
    for ax in axes:
        ax.set_xlabel("round")
    handles, labels = kind_handles(TRAJECTORY_KINDS)
    handles.append(Line2D([], [], color=OTHER, lw=1.0))
    labels.append(f"grey: the other {len(colours) - len(shown)} units ever in the bottom {bottom_k}")
    fig.legend(handles, labels, loc="upper center", ncol=4, frameon=False, fontsize=8, bbox_to_anchor=(0.5, 1.0))
    fig.suptitle(f"Ranks of the units ever in the bottom {bottom_k} of a DTI round: the focus provinces and "
                 "the units once last in colour", y=1.05, fontsize=11)
    fig.subplots_adjust(top=0.84, bottom=0.16, wspace=0.22)
    figures.add_source(fig, "DTI panel (ministry results, news, corpus articles, derived values as marked); 2017 "
                            "IT-application/e-government ranking; PAPI e-governance (third-party copy of PAPI data).",
                       method_note=True)
    data = pd.concat([rows[panel][rows[panel]["gso_code"].isin(units)].assign(index=label)
                      for panel, label in (("dti", "DTI"), ("papi_egov", "PAPI e-governance"))], ignore_index=True)
    data = data.dropna(subset=["rank"]).assign(highlighted=lambda d: d["gso_code"].isin(shown))
    figures.attach_data(fig, data.sort_values(["index", "gso_code", "year", "kind"])[
        ["index", "gso_code", "province", "year", "rank", "kind", "highlighted"]])
    return fig


def churn_interval_text(bench: stats.RTMBenchmark) -> str:
    """How a typical-churn interval is written in the figure (and matched by the site's tests)."""
    low, high = bench.interval
    return f"typical churn: {bench.level:.0%} of draws at ranks {low:.0f}–{high:.0f}"


#: Rank places shown to the left of the lowest of a panel's interval and observed ranks.
CHURN_MARGIN = 6


def _churn_panel(ax, label: str, bench: stats.RTMBenchmark, moves: pd.DataFrame, colours: dict[str, str],
                 n_units: int) -> pd.DataFrame:
    """One pair of rounds: the share of draws at each later rank, the interval, and a line per unit that
    started last, named beside it (names spread apart when two land close). The axis starts a few places
    above the interval and the observed ranks; the share of draws at better ranks is written at the left
    edge. Returns the rows drawn."""
    counts = pd.Series(bench.next_ranks).value_counts(normalize=True).sort_index()
    low, high = bench.interval
    a, b = (int(x) for x in label.split("->"))
    started = moves[(moves["rank_from"] == n_units) & (moves["from"] == a) & (moves["to"] == b)]
    started = started.sort_values(["rank_to", "gso_code"])
    left = max(1, int(min([low, *started["rank_to"]])) - CHURN_MARGIN)
    shown = counts[counts.index >= left]
    ax.bar(shown.index, shown.values, color=MUTED, width=0.9)
    top = float(counts.max())
    ax.plot([low - 0.45, high + 0.45], [top * 1.12] * 2, color=INK, lw=4, solid_capstyle="butt")
    ax.annotate(churn_interval_text(bench), (n_units + 0.4, top * 1.12), xytext=(0, 5), textcoords="offset points",
                ha="right", va="bottom", fontsize=7, color=INK)
    hidden = float(counts[counts.index < left].sum())
    if hidden > 0:
        ax.annotate(f"← {hidden:.1%} of draws\nat ranks 1–{left - 1}", (left - 0.5, top * 0.5), xytext=(3, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=7, color=INK)
    placed = spread_labels([top * 0.85] * len(started), top * 0.13, top * 0.2, top * 0.95)
    for row, y in zip(started.to_dict("records"), placed, strict=True):
        colour = colours.get(row["gso_code"], OTHER)
        ax.axvline(row["rank_to"], color=colour, lw=2.2, ymax=1.0 / 1.4)
        ax.annotate(f"{provinces.name_of(row['gso_code'])}: {row['rank_to']}", (row["rank_to"], y),
                    xytext=(-5, 0), textcoords="offset points", ha="right", va="center", fontsize=8.5,
                    color=colour, fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
    ax.set_ylim(0, top * 1.4)
    ax.set_xlim(left - 0.5, n_units + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.set_title(f"from last place, {pair_label_arrow(label)}", fontsize=9)
    ax.set_xlabel("rank next round (1 = best)")
    bars = pd.DataFrame({"pair": pair_label_arrow(label), "layer": "typical churn", "province": "",
                         "rank_next_round": counts.index, "share_of_draws": counts.values,
                         "interval_low": low, "interval_high": high})
    lines = pd.DataFrame({"pair": pair_label_arrow(label), "layer": "observed",
                          "province": [provinces.name_of(c) for c in started["gso_code"]],
                          "rank_next_round": started["rank_to"].to_numpy(), "share_of_draws": None,
                          "interval_low": low, "interval_high": high})
    return pd.concat([bars, lines], ignore_index=True)


def pair_label_arrow(label: str) -> str:
    """``2022->2023`` as the figures write it (``2022→2023``)."""
    return label.replace("->", "→")


def typical_churn(churn: dict[str, stats.RTMBenchmark], moves: pd.DataFrame, colours: dict[str, str],
                  n_units: int = study.PROVINCES.n_units) -> Figure:
    """Typical churn of last place for each pair of rounds in which a unit started last
    (``tj.last_place_churn``), with the later ranks of those units (``moves``): one panel per pair,
    each with its own interval, the one the moves table judges the move by."""
    fig, axes = plt.subplots(1, len(churn), figsize=(4.4 * len(churn), 4.0), squeeze=False)
    drawn = [_churn_panel(ax, label, bench, moves, colours, n_units)
             for ax, (label, bench) in zip(axes[0], churn.items(), strict=True)]
    axes[0, 0].set_ylabel("share of draws")
    fig.suptitle("Typical churn, conditional on the starting rank: where last place lands next round, and where "
                 "the last-placed units went", fontsize=10)
    fig.subplots_adjust(top=0.82, bottom=0.27, wspace=0.28)
    draws = len(next(iter(churn.values())).next_ranks)
    figures.add_source(fig, f"DTI panel, ranks 2021-2024; typical churn simulated from each pair's Spearman "
                            f"correlation (2021: the mean of the measured ones), {draws:,} seeded draws; real change "
                            "and measurement error together, not 'chance'.", method_note=True)
    figures.attach_data(fig, pd.concat(drawn, ignore_index=True))
    return fig


def sigma(dispersion: pd.DataFrame, n_dti: int, n_papi: int) -> Figure:
    """Spread across units by round with bootstrap intervals (``stats.dispersion_by_year`` rows
    with an ``index`` column): DTI as coefficient of variation, PAPI as standard deviation."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, (name, sub) in zip(axes, dispersion.groupby("index", sort=False), strict=True):
        is_cv = name.startswith("DTI")
        column, low, high = ("cv", "cv_ci_low", "cv_ci_high") if is_cv else ("sd", "sd_ci_low", "sd_ci_high")
        ax.errorbar(sub["round"], sub[column], yerr=[sub[column] - sub[low], sub[high] - sub[column]],
                    fmt="o-", color=INK, capsize=3)
        ax.set_title(f"{name}: {'coefficient of variation' if is_cv else 'standard deviation'}", fontsize=10)
        ax.set_xlabel("round")
        ax.set_xticks(sub["round"].tolist())
    axes[1].axvspan(study.PAPI_OFF_SCALE - 0.4, study.PAPI_OFF_SCALE + 0.4, color=CAVEAT_BAND, alpha=0.2,
                    label=f"{study.PAPI_OFF_SCALE} off-scale")
    axes[1].legend(fontsize=8, frameon=False)
    fig.suptitle("Sigma-convergence: spread across units by round (95% bootstrap intervals)", fontsize=11)
    fig.subplots_adjust(bottom=0.25, wspace=0.3, top=0.84)
    figures.add_source(fig, f"DTI overall scores 2022-2024 (n={n_dti}); PAPI e-governance, units observed every "
                            f"year 2019-2024 (n={n_papi}); 95% bootstrap intervals.", method_note=True)
    figures.attach_data(fig, dispersion.reset_index(drop=True))
    return fig


def transitions(counts: pd.DataFrame, shares: pd.DataFrame, index: str, baseline: int, comparison: int,
                n: int) -> Figure:
    """Moves between quantile groups (``tj.quantile_transitions``): counts, shaded by row share."""
    k = len(counts)
    fig, ax = plt.subplots(figsize=(5.4, 4.6))
    ax.imshow(shares.to_numpy(dtype=float), cmap=SEQUENTIAL, vmin=0, vmax=1)
    for i in range(k):
        for j in range(k):
            ax.text(j, i, int(counts.iloc[i, j]), ha="center", va="center", fontsize=10,
                    color="white" if shares.iloc[i, j] > 0.5 else "black")
    ax.set_xticks(range(k), [str(g) for g in range(1, k + 1)])
    ax.set_yticks(range(k), [str(g) for g in range(1, k + 1)])
    ax.set_xlabel(f"group in {comparison} (1 = top)")
    ax.set_ylabel(f"group in {baseline}")
    ax.set_title(f"{tj.CATCH_UP_INDICES[index]}: moves between {k} rank groups (counts)", fontsize=10)
    ax.grid(False)
    fig.subplots_adjust(bottom=0.22)
    figures.add_source(fig, f"{tj.CATCH_UP_INDICES[index]}, units observed in every round {baseline}-{comparison} "
                            f"(n={n}); shading = row share.", method_note=(index == "dti"))
    figures.attach_data(fig, pd.DataFrame(
        [{f"group_{baseline}": i + 1, f"group_{comparison}": j + 1, "units": int(counts.iloc[i, j]),
          "row_share": float(shares.iloc[i, j])} for i in range(k) for j in range(k)]))
    return fig


def triangulation(tri: pd.DataFrame, corr: pd.DataFrame, focus: list[str], year: int) -> Figure:
    """DTI rank against PAPI e-governance rank in one year (``tj.triangulation``), focus provinces
    labelled in their colours, every other unit grey."""
    colours = focus_colours(focus)
    fig, ax = plt.subplots(figsize=(6.2, 5.6))
    ax.scatter(tri["dti_rank"], tri["papi_rank"], s=20, color=OTHER)
    for code in focus:
        if code in tri.index:
            point = (tri.loc[code, "dti_rank"], tri.loc[code, "papi_rank"])
            ax.scatter(*point, s=46, color=colours[code], zorder=3)
            ax.annotate(provinces.name_of(code), point, xytext=(5, 4), textcoords="offset points", fontsize=8,
                        color=colours[code])
    sp = corr.loc["spearman"]
    ax.set_title(f"DTI {year} vs PAPI e-governance {year}: Spearman {sp['estimate']:.2f} "
                 f"[{sp['ci_low']:.2f}, {sp['ci_high']:.2f}], n={int(sp['n'])}", fontsize=9)
    ax.set_xlabel(f"DTI {year} rank (1 = best)")
    ax.set_ylabel(f"PAPI e-governance {year} rank (computed; 1 = best)")
    ax.invert_xaxis()
    ax.invert_yaxis()
    fig.subplots_adjust(bottom=0.18)
    figures.add_source(fig, f"DTI panel (ranks computed from the complete {year} scores); PAPI e-governance "
                            "(third-party copy of PAPI data), ranks computed among observed units.")
    data = tri[["dti_rank", "papi_rank"]].rename_axis("gso_code").reset_index()
    data.insert(1, "province", data["gso_code"].map(provinces.name_of))
    figures.attach_data(fig, data.assign(focus=data["gso_code"].isin(focus)))
    return fig
