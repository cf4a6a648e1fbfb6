"""Figures of the data notebook (03)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .. import figures, panel, provinces
from . import OTHER, SEQUENTIAL, focus_colours

#: Source kinds of the coverage figure, one panel each.
COVERAGE_KINDS = ("official", "news", "corpus", "derived")


def coverage(dti: pd.DataFrame) -> Figure:
    """Share of the 63 units with a value, year × measure, one heat map per source kind.

    Cells print whole percentages without the sign (the title says so), so that 100 fits its cell.
    """
    fig, axes = plt.subplots(1, len(COVERAGE_KINDS), figsize=(15, 5.6), sharey=True)
    for ax, kind in zip(axes, COVERAGE_KINDS, strict=True):
        matrix = panel.coverage_matrix(dti, kind) * 100
        sns.heatmap(matrix, ax=ax, vmin=0, vmax=100, cmap=SEQUENTIAL, cbar=ax is axes[-1],
                    cbar_kws={"label": "% of the 63 units"},
                    annot=matrix.map(lambda v: f"{v:.0f}" if v else ""), fmt="", annot_kws={"fontsize": 6.5},
                    linewidths=0.5, linecolor="white")
        ax.set_title(kind)
        ax.set_xlabel("measure")
        ax.set_ylabel("assessment year" if ax is axes[0] else "")
    fig.suptitle("DTI values held: % of the 63 pre-2025 units with a value, by source kind", y=1.02)
    figures.add_source(fig, "data/processed/dti_panel.csv (MIC/MST DTI results as transcribed with a URL per row; "
                            "corpus claims; derived candidates)", method_note=True)
    fig.subplots_adjust(bottom=0.42)
    return fig


def ranking_by_region(ranking: pd.DataFrame, year: int, focus_code: str) -> Figure:
    """Overall rank of every unit in a complete year (``panel.ranking_by_region``) by region,
    regions ordered by their median rank, the focus province marked."""
    order = ranking.groupby("region")["rank"].median().sort_values().index.tolist()
    n_units = len(ranking)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    others = ranking[ranking["gso_code"] != focus_code]
    ax.scatter(others["rank"], others["region"].map(order.index), color=OTHER, s=22, label="other units")
    mine = ranking[ranking["gso_code"] == focus_code]
    name = provinces.name_of(focus_code)
    ax.scatter(mine["rank"], mine["region"].map(order.index), color=focus_colours([focus_code])[focus_code], s=60,
               label=f"{name} ({int(mine['rank'].iloc[0])}/{n_units})", zorder=3)
    ax.set_yticks(range(len(order)), order)
    ax.invert_xaxis()
    ax.set_xlabel(f"overall DTI rank {year} (1 = best; right is better)")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(f"DTI {year}: overall rank of the {n_units} units by region")
    figures.add_source(fig, "dti_scores_2022_2024.csv (official results, repository copy), ranks computed by "
                            "competition ranking; regions from provinces.csv")
    fig.subplots_adjust(bottom=0.2)
    return fig
