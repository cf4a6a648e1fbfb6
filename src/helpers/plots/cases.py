"""Figures of the cases notebook (05): indicators side by side, policy timelines with DTI ranks,
and the 34 units of 2025. Each takes the tables of ``helpers.cases`` and the two provinces'
GSO codes; each province keeps its colour (``focus_colours``) in every figure."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import cases, figures, provinces, study
from . import INK, KIND_OFFSET, MUTED, OTHER, ROW_SHADE, focus_colours, kind_handles, marker_kwargs, text_on

#: Horizontal offset of a DTI rank marker within its year, by source kind (so that two sources
#: of one year stay visible side by side).
SCALED_UNITS = ("%", "% of stated base")
#: The unit types of the indicator figure, one panel (and one scale) each, in this order.
UNIT_TYPES = {"percent": "Percentages (0–100)", "per 100 inhabitants": "Per 100 inhabitants",
              "count": "Counts and amounts (log scale; the unit is written at each value)"}
#: Marker of each of the two provinces, so that the provinces differ in shape as well as colour.
PROVINCE_MARKERS = ("o", "s")


def unit_type(cell: pd.Series) -> str:
    """Which panel of the indicator figure a stated value belongs to (``UNIT_TYPES``)."""
    unit = cell["shown_unit"]
    if unit in SCALED_UNITS:
        return "percent"
    return "per 100 inhabitants" if "per 100 inhabitants" in unit else "count"


def indicator_data(cells: pd.DataFrame) -> pd.DataFrame:
    """The values the indicator figure draws: one row per stated value, with its unit type and, where the
    stated value is a number, that number (``value``; a rank such as ``27 of 63`` keeps its text only)."""
    stated = cells[cells["reported"]].copy()
    stated["unit_type"] = stated.apply(unit_type, axis=1)
    stated["value"] = pd.to_numeric(stated["shown_value"].str.replace(",", "", regex=False), errors="coerce")
    stated["label"] = stated["indicator"].str.replace("_", " ").str.replace(r" percent$", "", regex=True)
    return stated[["unit_type", "pillar", "indicator", "label", "province", "gso_code", "value", "shown_value",
                   "shown_unit", "as_of", "as_of_basis"]].reset_index(drop=True)


def _unit_panel(ax, rows: pd.DataFrame, kind: str, codes: list[str], colours: dict[str, str]) -> None:
    labels = list(dict.fromkeys(rows["label"]))
    y = {label: i for i, label in enumerate(labels)}
    for i in range(len(labels)):
        if i % 2:
            ax.axhspan(i - 0.5, i + 0.5, color=ROW_SHADE, zorder=0)
    pillars = rows.drop_duplicates("label")["pillar"].tolist()
    for i in range(1, len(pillars)):
        if pillars[i] != pillars[i - 1]:
            ax.axhline(i - 0.5, color=INK, lw=0.6)
    for start in [i for i in range(len(pillars)) if i == 0 or pillars[i] != pillars[i - 1]]:
        ax.text(1.02, start - 0.4, cases.PILLAR_LABELS[pillars[start]].replace(" ", "\n"),
                transform=ax.get_yaxis_transform(), ha="left", va="top", fontsize=8, style="italic", color=INK)
    for code, marker in zip(codes, PROVINCE_MARKERS, strict=False):
        mine = rows[(rows["gso_code"] == code) & rows["value"].notna()]
        offset = -0.14 if code == codes[0] else 0.14
        ax.scatter(mine["value"], mine["label"].map(y) + offset, marker=marker, s=42, color=colours[code],
                   zorder=3, edgecolor="white", linewidth=0.5)
        if kind != "percent":
            for row in mine.itertuples():
                unit = "" if kind == "per 100 inhabitants" else f" {row.shown_unit}"
                ax.annotate(f"{row.shown_value}{unit}", (row.value, y[row.label] + offset), xytext=(5, 0),
                            textcoords="offset points", va="center", fontsize=7.5, color=colours[code])
        for row in rows[(rows["gso_code"] == code) & rows["value"].isna()].itertuples():  # e.g. a rank "27 of 63"
            ax.text(0.01, y[row.label] + offset, f"{row.shown_value} ({row.shown_unit})", va="center", fontsize=7.5,
                    color=colours[code], transform=ax.get_yaxis_transform())
    ax.set_yticks(range(len(labels)), labels, fontsize=8.5)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_title(UNIT_TYPES[kind], loc="left", fontsize=10)
    if kind == "percent":
        ax.set_xlim(-2, 102)
        ax.set_xlabel("% (of the indicator's own base)", fontsize=8.5)
    elif kind == "count":
        ax.set_xscale("log")
        ax.set_xlim(float(rows["value"].min()) / 2, float(rows["value"].max()) * 40)
    else:
        ax.set_xlim(0, float(rows["value"].max()) * 1.35)
        ax.set_xlabel("per 100 inhabitants", fontsize=8.5)
    ax.tick_params(axis="x", labelsize=8)


def indicators(cells: pd.DataFrame, codes: list[str]) -> Figure:
    """The indicators the articles state for the two provinces (``cases.indicator_cells``), as dot plots
    by unit type (percentages, per 100 inhabitants, counts and amounts), each on its own scale; a row with
    one marker is an indicator only one province states. As-of dates are in the table beside it."""
    colours = focus_colours(codes)
    data = indicator_data(cells)
    kinds = [k for k in UNIT_TYPES if (data["unit_type"] == k).any()]
    heights = [data.loc[data["unit_type"] == k, "label"].nunique() + 1.6 for k in kinds]
    fig, axes = plt.subplots(len(kinds), 1, figsize=(8.5, 0.26 * sum(heights) + 1.8),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, kind in zip(axes[:, 0], kinds, strict=True):
        _unit_panel(ax, data[data["unit_type"] == kind], kind, codes, colours)
    handles = [Line2D([], [], ls="", marker=marker, markersize=7, color=colours[code],
                      label=provinces.name_of(code)) for code, marker in zip(codes, PROVINCE_MARKERS, strict=False)]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.01, 1 - 0.55 / fig.get_figheight()), ncol=2,
               frameon=False, fontsize=9)
    fig.suptitle("Indicators the articles state, by unit type (each panel on its own scale)", x=0.01, ha="left",
                 fontweight="bold", fontsize=11)
    fig.subplots_adjust(left=0.42, right=0.87, top=1 - 1.0 / fig.get_figheight(),
                        bottom=0.75 / fig.get_figheight(), hspace=0.3)
    figures.add_source(fig, "news corpus (data/raw/corpus) via data/processed/claims.csv and "
                            "data/codebook/indicators.csv; per 100 inhabitants with the statistics office's average "
                            "population of the as-of year (data/raw/provinces/area_population_2011_2025.csv); "
                            "'% of stated base' = a count stated as a of b")
    figures.attach_data(fig, data.drop(columns=["label"]))
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
    rank_rows = [pd.DataFrame({"province": provinces.name_of(code), "layer": "DTI rank", "year": r["year"],
                               "rank": r["rank"], "source_kind": r["source_kind"]})
                 for code, r in ranks.items() if code in colours and len(r)]
    event_rows = pd.DataFrame({"province": placed["gso_code"].map(provinces.name_of), "layer": "event",
                               "label": placed["label"], "role": placed["role"], "x_start": placed["x_start"],
                               "x_end": placed["x_end"]})
    figures.attach_data(fig, pd.concat([*rank_rows, event_rows], ignore_index=True))
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
    marked_units = {key[0]: provinces.name_of(code) for key, (code, _) in marked.items()}
    figures.attach_data(fig, pd.DataFrame({"year": year, "rank": units["rank"].to_numpy(),
                                           "unit_code": units["unit_code"].to_numpy(),
                                           "unit": units["new_unit"].to_numpy(), "score": units["score"].to_numpy(),
                                           "absorbed_case": units["unit_code"].map(marked_units).fillna("")}))
    return fig
