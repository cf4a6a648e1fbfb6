"""Figures of the data notebook (03)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .. import figures, panel, provinces, study
from . import OTHER, SEQUENTIAL, focus_colours

#: Source kinds of the coverage figure, one panel each.
COVERAGE_KINDS = ("official", "news", "corpus", "derived")


def coverage(dti: pd.DataFrame) -> Figure:
    """Share of the 63 units with a value, year × measure, one heat map per source kind, stacked so
    that each cell is large enough for its number at page width.

    Cells print whole percentages without the sign (the title says so), so that 100 fits its cell.
    """
    import seaborn as sns  # here, not at the top: importing seaborn costs 0.6 s (scipy.stats), paid only by this figure

    fig, axes = plt.subplots(len(COVERAGE_KINDS), 1, figsize=(9.5, 12.4), sharex=True)
    rows = []
    for ax, kind in zip(axes, COVERAGE_KINDS, strict=True):
        matrix = panel.coverage_matrix(dti, kind) * 100
        sns.heatmap(matrix, ax=ax, vmin=0, vmax=100, cmap=SEQUENTIAL, cbar=False,
                    annot=matrix.map(lambda v: f"{v:.0f}" if v else ""), fmt="", annot_kws={"fontsize": 11},
                    linewidths=0.8, linecolor="white")
        ax.set_title(kind, loc="left", fontsize=12)
        ax.set_xlabel("")
        ax.set_ylabel("assessment year", fontsize=10)
        ax.tick_params(axis="y", rotation=0, labelsize=10)
        rows.append(matrix.rename_axis(index="year", columns="measure").stack().rename("percent_of_units")
                    .reset_index().assign(source_kind=kind))
    axes[-1].set_xlabel("measure", fontsize=10)
    axes[-1].tick_params(axis="x", rotation=45, labelsize=10)
    plt.setp(axes[-1].get_xticklabels(), ha="right", rotation_mode="anchor")
    fig.suptitle("DTI values held: % of the 63 pre-2025 units with a value, by source kind", y=0.985, fontsize=13)
    fig.subplots_adjust(top=0.94, bottom=0.17, hspace=0.32, right=0.86)
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=plt.Normalize(0, 100), cmap=SEQUENTIAL),
                       cax=fig.add_axes([0.89, 0.4, 0.02, 0.4]))
    bar.set_label("% of the 63 units", fontsize=10)
    figures.add_source(fig, "data/processed/dti_panel.csv (MIC/MST DTI results as transcribed with a URL per row; "
                            "corpus claims; derived candidates)", method_note=True)
    data = pd.concat(rows, ignore_index=True)[["source_kind", "year", "measure", "percent_of_units"]]
    figures.attach_data(fig, data)
    return fig


def region_label(region: str, sep: str = " ") -> str:
    """A GSO region in English, its Vietnamese name in brackets (``study.REGION_NAMES_EN``), joined by ``sep``."""
    english = study.REGION_NAMES_EN.get(region)
    return f"{english}{sep}({region})" if english else region


def ranking_by_region(ranking: pd.DataFrame, year: int, focus_code: str) -> Figure:
    """Overall rank of every unit in a complete year (``panel.ranking_by_region``) by region,
    regions ordered by their median rank and named in English (Vietnamese in brackets), the focus
    province marked."""
    order = ranking.groupby("region")["rank"].median().sort_values().index.tolist()
    n_units = len(ranking)
    fig, ax = plt.subplots(figsize=(9, 5.2))
    others = ranking[ranking["gso_code"] != focus_code]
    ax.scatter(others["rank"], others["region"].map(order.index), color=OTHER, s=22, label="other units")
    mine = ranking[ranking["gso_code"] == focus_code]
    name = provinces.name_of(focus_code)
    ax.scatter(mine["rank"], mine["region"].map(order.index), color=focus_colours([focus_code])[focus_code], s=60,
               label=f"{name} ({int(mine['rank'].iloc[0])}/{n_units})", zorder=3)
    ax.set_yticks(range(len(order)), [region_label(r, "\n") for r in order], fontsize=9)
    ax.invert_xaxis()
    ax.set_xlabel(f"overall DTI rank {year} (1 = best; right is better)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize=8, frameon=False)
    ax.set_title(f"DTI {year}: overall rank of the {n_units} units by region")
    figures.add_source(fig, "dti_scores_2022_2024.csv (official results, repository copy), ranks computed by "
                            "competition ranking; regions from provinces.csv, English names of the GSO")
    fig.subplots_adjust(bottom=0.27)
    data = ranking.assign(region_en=ranking["region"].map(study.REGION_NAMES_EN),
                          focus=ranking["gso_code"] == focus_code)
    figures.attach_data(fig, data[["gso_code", "province", "region", "region_en", "rank", "focus"]])
    return fig
