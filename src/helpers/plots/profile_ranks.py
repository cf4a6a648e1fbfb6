"""Figure of the province profile notebook."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .. import figures, provinces, study
from . import KIND_OFFSET, focus_colours, marker_kwargs


def dti_ranks(history: pd.DataFrame, code: str, rounds: list[int], n_units: int = study.PROVINCES.n_units) -> Figure:
    """Overall DTI rank of one province by round (``profile_sections.dti_history``), one marker per source
    kind, on the axis of every DTI round the panel holds (``rounds``)."""
    name = provinces.name_of(code)
    colour = focus_colours([code])[code]
    fig, ax = plt.subplots(figsize=(7.5, 3))
    for kind, rows in history.dropna(subset=["rank"]).groupby("source_kind"):
        ax.scatter(rows["year"] + KIND_OFFSET.get(kind, 0.0), rows["rank"].astype(float), label=kind, s=36,
                   **marker_kwargs(kind, colour))
    ax.set_ylim(n_units + 3, -2)  # room for a marker at rank 1 or at the last rank
    ax.set_xlim(min(rounds) - 0.5, max(rounds) + 0.5)
    ax.set_xticks(list(rounds))
    ax.set_ylabel(f"rank of {n_units} (1 = best)")
    ax.set_title(f"{name}: DTI overall rank by round")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="source")
    else:
        ax.text(0.5, 0.5, "no DTI rank held", transform=ax.transAxes, ha="center")
    figures.add_source(fig, "data/processed/dti_panel.csv", method_note=True)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig
