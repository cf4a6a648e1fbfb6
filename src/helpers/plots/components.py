"""Figures of the eight main indices behind the DTI.

Functions take the tables of ``helpers.components`` and return a matplotlib Figure; they do
not save. Focus provinces keep the colours of ``helpers.plots``; every other unit is grey.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import components, figures, provinces, study
from . import INK, MARKER_EDGE, OTHER, REFERENCE_LINE, ROW_SHADE, focus_colours

#: Source of the main-index values.
MAIN_SOURCE = ("DTI main-index tables of the official ranking pages (dti.gov.vn), 2022–2024, as printed in a "
               "public repository's notebook")
ROWS = [*study.MAIN_INDICES, "dti"]
GROUP_STYLE = {
    "top five": {"marker": "o", "offset": -0.2, "fill": True},
    "bottom five": {"marker": "s", "offset": 0.2, "fill": False},
}


def _panel(ax, table: pd.DataFrame, colour: str) -> None:
    """One year: a row per index, top five above, bottom five below, the focus province on the line."""
    y = np.arange(len(ROWS))
    for group, style in GROUP_STYLE.items():
        part = table[(table["group"] == group) & ~table["is_focus"]]
        for row in part.itertuples(index=False):
            values = [getattr(row, m) for m in ROWS]
            ax.scatter(values, y + style["offset"], marker=style["marker"], s=30, linewidths=0.9, zorder=3,
                       facecolors=OTHER if style["fill"] else "white", edgecolors=MARKER_EDGE)
    focus = table[table["is_focus"]].iloc[0]
    ax.scatter([focus[m] for m in ROWS], y, marker="D", s=62, color=colour, edgecolors="white",
               linewidths=0.8, zorder=4)
    for i in y:
        ax.axhspan(i - 0.45, i + 0.45, color=ROW_SHADE if i % 2 else "white", zorder=0)
    ax.axhline(len(study.MAIN_INDICES) - 0.5, color=INK, lw=0.8)
    ax.set_yticks(y, [components.LABELS[m] for m in ROWS])
    ax.set_ylim(len(ROWS) - 0.5, -0.5)
    ax.set_xlim(0, 1.02)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("score (0–1)")


def focus_beside_extremes(table: pd.DataFrame, *, source: str = MAIN_SOURCE) -> Figure:
    """A province's eight indices and overall DTI beside the published top five and bottom
    five, one panel per year. ``table``: ``components.focus_beside_extremes`` of each year
    stacked (``year``, ``gso_code``, ``group``, ``is_focus``, the indices, ``dti``, ``dti_rank``)."""
    years = sorted(table["year"].unique())
    code = table.loc[table["is_focus"], "gso_code"].unique()
    if len(code) != 1:
        raise ValueError(f"expected one focus province across the years, got {list(code)}")
    code, name = code[0], provinces.name_of(code[0])
    colour = focus_colours([code])[code]
    fig, axes = plt.subplots(1, len(years), figsize=(11, 6.4), sharey=True)
    fig.subplots_adjust(left=0.15, right=0.99, top=0.8, bottom=0.2, wspace=0.06)
    for ax, year in zip(np.atleast_1d(axes), years, strict=True):
        part = table[table["year"] == year]
        _panel(ax, part, colour)
        rank = int(part.loc[part["is_focus"], "dti_rank"].iloc[0])
        ax.set_title(f"{year}: {name} ranked {rank} of 63", fontsize=11)
    fig.suptitle(f"{name}'s eight main indices beside the published top five and bottom five",
                 fontsize=13, fontweight="bold", y=0.985)
    fig.text(0.5, 0.925, "The source prints only the units ranked 1–5 and 59–63: the middle 53 units are not in "
             f"the source,\nso the figure cannot place {name} among all 63 on any index. Compare within a year only.",
             ha="center", va="top", fontsize=9.5, color=INK)
    handles = [Line2D([], [], ls="", marker="D", ms=8, color=colour, mec="white", label=name),
               Line2D([], [], ls="", marker="o", ms=6, mfc=OTHER, mec=MARKER_EDGE, label="top five (ranks 1–5)"),
               Line2D([], [], ls="", marker="s", ms=6, mfc="white", mec=MARKER_EDGE,
                      label=f"bottom five (ranks 59–63), other than {name}")]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.55, 0.065), ncol=3, frameon=False, fontsize=9)
    figures.add_source(fig, source, method_note=True)
    figures.attach_data(fig, table[["year", "gso_code", "unit_name", "group", "is_focus", *ROWS, "dti_rank"]])
    return fig


def index_correlations(corr: pd.DataFrame, *, year: int, source: str = MAIN_SOURCE) -> Figure:
    """Spearman correlation of each main index with the overall DTI, with its interval.

    ``corr``: ``components.index_correlations`` (``label``, ``estimate``, ``ci_low``,
    ``ci_high``, ``n``); drawn in the order of the table, strongest at the top.
    """
    ordered = corr.sort_values("estimate", ascending=False, ignore_index=True)
    n = int(ordered["n"].iloc[0])
    y = np.arange(len(ordered))
    fig, ax = plt.subplots(figsize=(9, 5.6))
    fig.subplots_adjust(left=0.22, right=0.97, top=0.83, bottom=0.2)
    ax.hlines(y, ordered["ci_low"], ordered["ci_high"], color=INK, lw=1.6, zorder=2)
    ax.scatter(ordered["estimate"], y, s=42, color=INK, zorder=3)
    for i, row in ordered.iterrows():
        ax.text(row["ci_high"] + 0.02, i, f"{row['estimate']:.2f}", va="center", fontsize=9, color=INK)
    ax.axvline(0, color=REFERENCE_LINE, lw=0.8)
    ax.set_yticks(y, ordered["label"])
    ax.set_ylim(len(ordered) - 0.5, -0.5)
    ax.set_xlim(-0.2, 1.0)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Spearman's ρ with the overall DTI (95% interval, Fisher z)")
    fig.suptitle(f"Rank correlation of each main index with the overall DTI, {year} (n = {n})",
                 fontsize=13, fontweight="bold", y=0.975)
    fig.text(0.5, 0.915, f"The {n} units of 2025 in the {year} round. The {year} weights are not published "
             "and are not estimated here;\na correlation is not a weight. Intervals express noise, not sampling "
             "of provinces.", ha="center", va="top", fontsize=9, color=INK)
    figures.add_source(fig, source)
    figures.attach_data(fig, ordered.assign(year=year)[["year", "label", "estimate", "ci_low", "ci_high", "n"]])
    return fig
