"""Figures of the cases notebook (05): indicators side by side, policy timelines with DTI ranks,
and the 34 units of 2025. Each takes the tables of ``helpers.cases`` and the two provinces'
GSO codes; each province keeps its colour (``focus_colours``) in every figure."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .. import cases, figures, provinces, study
from . import ACCENT, INK, KIND_OFFSET, MUTED, OTHER, focus_colours, kind_handles, marker_kwargs, text_on

#: Horizontal offset of a DTI rank marker within its year, by source kind (so that two sources
#: of one year stay visible side by side).
BASIS_MARK = {"text": "", "publication": " (pub.)", "unknown": ""}
SCALED_UNITS = ("%", "% of stated base")
INDICATOR_NOTE = (
    "As-of dates: '(pub.)' = the article presents the figure as current, so its publication date; orange = the two "
    "provinces report at different dates.\n'/100 inh.' = per 100 inhabitants, with the statistics office's average "
    "population of the as-of year; '% of base' = a count stated as a of b.\nBars: percentages and per-100-inhabitant "
    "values (scale 100 or the row's largest value).")


def _scaled(cell: pd.Series) -> bool:
    unit = cell["shown_unit"]
    return bool(cell["reported"]) and (unit in SCALED_UNITS or "per 100 inhabitants" in unit)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _indicator_row(ax, y: float, row: pd.DataFrame, cols: dict[str, float], colours: dict[str, str]) -> None:
    """One indicator: per province its value (with a bar where it is a share or rate) and as-of date."""
    scale = max([100.0] + [_number(row.at[c, "shown_value"]) for c in cols if c in row.index and _scaled(row.loc[c])])
    for code, x in cols.items():
        cell = row.loc[code]
        if not cell["reported"]:
            ax.text(x, y, "not reported", fontsize=7.5, style="italic", color=OTHER, va="center")
            continue
        text_x = x
        if _scaled(cell):
            width = 0.08 * _number(cell["shown_value"]) / scale
            ax.barh(y, width, left=x, height=0.55, color=colours[code], alpha=0.75)
            text_x = x + 0.085
        date = (cell["as_of"] or "date unknown") + BASIS_MARK[cell["as_of_basis"]]
        unit = cell["shown_unit"].replace(" per 100 inhabitants", " /100 inh.").replace("% of stated base", "% of base")
        ax.text(text_x, y, f"{cell['shown_value']} {unit}", fontsize=7.5, va="center")
        ax.text(x + 0.225, y, date, fontsize=7, va="center", color=ACCENT if cell["dates_differ"] else INK)


def indicators(cells: pd.DataFrame, codes: list[str]) -> Figure:
    """The side-by-side figure of ``cases.indicator_cells``: one row per indicator, grouped by
    pillar, a column per province; "not reported" where a province does not state it."""
    colours = focus_colours(codes)
    indicators_ = cells[["pillar", "indicator"]].drop_duplicates()
    n_rows = len(indicators_) + indicators_["pillar"].nunique()
    fig, ax = plt.subplots(figsize=(12, 0.27 * n_rows + 1.6))
    ax.set_xlim(0, 1)
    ax.set_ylim(n_rows + 0.5, -1.5)
    ax.axis("off")
    cols = {code: 0.37 + i * 0.315 for i, code in enumerate(colours)}
    for code, x in cols.items():
        ax.text(x, -1, provinces.name_of(code), fontsize=10, fontweight="bold", color=colours[code], va="center")
    y = 0
    for pillar in cases.PILLAR_ORDER:
        rows = indicators_[indicators_["pillar"] == pillar]
        if rows.empty:
            continue
        ax.text(0, y, cases.PILLAR_LABELS[pillar], fontsize=9.5, fontweight="bold", va="center")
        ax.axhline(y + 0.5, color=OTHER, lw=0.6)
        y += 1
        for indicator in rows["indicator"]:
            ax.text(0.005, y, indicator.replace("_", " "), fontsize=7.5, va="center")
            _indicator_row(ax, y, cells[cells["indicator"] == indicator].set_index("gso_code"), cols, colours)
            y += 1
    ax.text(0, n_rows + 0.3, INDICATOR_NOTE, fontsize=7, color=INK, va="top")
    ax.set_title("Indicators the articles state, side by side (normalised where a base exists)", loc="left")
    fig.subplots_adjust(left=0.02, right=0.99, top=0.96, bottom=0.08)
    figures.add_source(fig, "news corpus (data/raw/corpus) via data/processed/claims.csv and "
                            "data/codebook/indicators.csv; population: statistics office, "
                            "data/raw/provinces/area_population_2011_2025.csv")
    return fig


def _event_label(group: pd.DataFrame) -> str:
    label = group["label"].iloc[0]
    docs = sorted({d for d in group["document"] if d})
    return label + (f" («{'», «'.join(docs)}»)" if docs else "")


def _rank_panel(ax, ranks: pd.DataFrame, name: str, colour: str) -> None:
    """Overall DTI ranks of one province as known, one marker per source kind, mid-way through the year."""
    n_units = study.PROVINCES.n_units
    ax.set_ylim(n_units + 3, -6)
    ax.set_yticks([1, n_units // 3, 2 * n_units // 3, n_units])
    ax.set_ylabel(f"DTI rank\n(of {n_units})", fontsize=8)
    ax.set_title(name, loc="left", color=colour)
    if ranks.empty:
        ax.text(0.5, 0.5, "no DTI rank held", transform=ax.transAxes, ha="center", color=OTHER)
        return
    for kind, part in ranks.groupby("source_kind"):
        ax.scatter(part["year"] + 0.5 + KIND_OFFSET[kind], part["rank"].astype(float), s=36,
                   **marker_kwargs(kind, colour))
    for row in ranks.drop_duplicates("year").itertuples():
        ax.annotate(f"{row.rank}/{row.n_units}", (row.year + 0.5, float(row.rank)), textcoords="offset points",
                    xytext=(0, 7), ha="center", fontsize=7)
    handles, labels = kind_handles([k for k in KIND_OFFSET if k in set(ranks["source_kind"])], colour)
    ax.legend(handles, labels, fontsize=7, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=4,
              title="DTI rank source:", title_fontsize=7, frameon=False, alignment="right")


def _event_panel(ax, events: pd.DataFrame, placed: pd.DataFrame, keys: list[str], name: str, colour: str) -> None:
    """Dated policy events of one province, one lane per event: dot = occurrence, bar = period,
    triangle = target horizon; events without a year are listed under the lanes."""
    if not keys:
        ax.text(0.5, 0.5, "no placed event" if len(events) else f"no dated event: the corpus has no article "
                f"about {name}", transform=ax.transAxes, ha="center", va="center", color=OTHER, fontsize=8)
        ax.set_yticks([])
    for lane, key in enumerate(keys):
        for row in placed[placed["event_key"] == key].itertuples():
            mid = (row.x_start + row.x_end) / 2
            if row.role == "period":
                ax.barh(lane, row.x_end - row.x_start, left=row.x_start, height=0.5, color=colour, alpha=0.25)
            elif row.role == "target":
                ax.scatter(mid, lane, marker="v", color=colour, s=40, zorder=3)
            else:
                ax.plot([row.x_start, row.x_end], [lane, lane], color=colour, lw=3, alpha=0.5)
                ax.scatter(mid, lane, marker="o", color=colour, s=30, zorder=3)
    if keys:
        labels = [textwrap.shorten(_event_label(placed[placed["event_key"] == k]), 95) for k in keys]
        ax.set_yticks(range(len(keys)), labels, fontsize=7)
        ax.set_ylim(len(keys) - 0.5, -0.5)
    unplaced = events[events["x_start"].isna()]
    if len(unplaced):
        ax.text(1.0, -0.02, "not placed (year not stated): " + "; ".join(
            f"{r.label} ({r.date}, claim {r.claim_id})" for r in unplaced.itertuples()),
            transform=ax.transAxes, ha="right", va="top", fontsize=6.5, color=INK)


def _time_range(placed: pd.DataFrame, ranks: dict[str, pd.DataFrame]) -> tuple[float, float]:
    xs = list(placed["x_start"]) + list(placed["x_end"])
    xs += [float(r["year"].min()) for r in ranks.values() if len(r)] + [float(r["year"].max()) + 1
                                                                         for r in ranks.values() if len(r)]
    return (min(xs) - 0.3, max(xs) + 0.3) if xs else (2019.7, 2025.3)


def timeline(events: pd.DataFrame, ranks: dict[str, pd.DataFrame], codes: list[str]) -> Figure:
    """Per province: overall DTI ranks as known (``cases.dti_ranks``, by GSO code; marker =
    source kind) above its dated policy events (rows of the ``timeline`` table) on one time axis."""
    colours = focus_colours(codes)
    placed = events[events["x_start"].notna()]
    lanes = {c: placed[placed["gso_code"] == c]["event_key"].drop_duplicates().tolist() for c in colours}
    heights = [h for c in colours for h in (2.0, max(1.0, 0.38 * len(lanes[c])))]
    height = sum(heights) + 1.6
    fig, axes = plt.subplots(len(heights), 1, figsize=(12, height), sharex=True,
                             gridspec_kw={"height_ratios": heights, "hspace": 0.35})
    for i, (code, colour) in enumerate(colours.items()):
        name = provinces.name_of(code)
        _rank_panel(axes[2 * i], ranks.get(code, pd.DataFrame()), name, colour)
        _event_panel(axes[2 * i + 1], events[events["gso_code"] == code], placed[placed["gso_code"] == code],
                     lanes[code], name, colour)
    axes[-1].set_xlim(*_time_range(placed, ranks))
    axes[-1].set_xlabel("year (DTI ranks drawn mid-way through their assessment year; events: dot = occurrence, "
                        "bar = period, ▼ = target horizon)", fontsize=8)
    fig.suptitle("Policy timelines from the articles and DTI ranks as known", x=0.01, ha="left", fontweight="bold")
    fig.subplots_adjust(left=0.40 if any(lanes.values()) else 0.08, right=0.98, top=1 - 0.75 / height,
                        bottom=1.1 / height)
    figures.add_source(fig, "DTI ranks: data/processed/dti_panel.csv (a source per row); events: date claims of the "
                            "news corpus (data/processed/claims.csv) reviewed in data/codebook/timeline_events.csv",
                       method_note=True)
    return fig


def merger(units: pd.DataFrame, summaries: dict[str, pd.DataFrame], codes: list[str]) -> Figure:
    """The 34 units by score in one round (``panel.unit_scores``), the cases' new units marked, with
    their constituents written in the bar (``cases.merger_summary``, by GSO code)."""
    year = int(units["year"].iloc[0])
    colours = focus_colours(codes)
    units = units.sort_values(["rank", "unit_code"])
    marked = {}
    for code, summary in summaries.items():
        first = summary.iloc[0]
        marked[(first["unit_code"], first["new_unit"])] = (code, " + ".join(summary["constituent"]))
    bar_colours = []
    fig, ax = plt.subplots(figsize=(9, 7.5))
    for i, r in enumerate(units.itertuples()):
        hit = marked.get((r.unit_code, r.new_unit))
        bar_colours.append(colours[hit[0]] if hit else MUTED)
        if hit:  # constituents inside the bar, so a long list never crowds the unit names
            ax.text(0.01, i, hit[1], color=text_on(bar_colours[-1]), fontsize=7, fontweight="bold", va="center",
                    ha="left", zorder=3)
    ax.barh(range(len(units)), units["score"], color=bar_colours, zorder=2)
    ax.grid(axis="y", visible=False)
    ax.set_yticks(range(len(units)), [f"{r.rank}. {r.new_unit}" for r in units.itertuples()], fontsize=7)
    ax.set_ylim(len(units) - 0.5, -0.5)
    ax.set_xlabel(f"DTI {year} score of the {len(units)} units (0–1)")
    fig.suptitle(f"DTI {year} of the {len(units)} units of {study.MERGER_YEAR}: the cases' new units", x=0.01,
                 ha="left", fontweight="bold")
    figures.add_source(fig, "data/processed/dti_panel_34.csv (complete 34-unit scores, ranks computed by "
                            "competition ranking); data/raw/provinces/merger_2025.csv")
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    return fig
