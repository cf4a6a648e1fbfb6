"""Figures of the claims notebook (02)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import claims, figures
from . import EXPRESSION_COLOURS, STATUS_COLOURS


def by_kind(chosen: pd.DataFrame) -> Figure:
    """Numeric expressions per article (``claims.select`` rows), stacked by kind."""
    counts = claims.per_document(chosen).drop(columns="total")
    counts = counts.loc[:, counts.sum() > 0]
    fig, ax = plt.subplots(figsize=(9, 3.8))
    left = pd.Series(0, index=counts.index)
    for kind in counts.columns:
        ax.barh([d[:3] for d in counts.index], counts[kind], left=left, label=kind, color=EXPRESSION_COLOURS[kind])
        left = left + counts[kind]
    ax.invert_yaxis()
    ax.set_xlabel("numeric expressions found")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("document")
    ax.set_title("Numeric expressions per article, by kind")
    ax.legend(ncol=8, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    fig.subplots_adjust(bottom=0.3)
    figures.add_source(fig, "news corpus (data/raw/corpus), claims extracted by helpers.claims")
    figures.attach_data(fig, counts.rename_axis("document").reset_index()
                        .melt(id_vars="document", var_name="kind", value_name="expressions"))
    return fig


def audit(audit_rows: pd.DataFrame) -> Figure:
    """Rows of the consistency audit per check, stacked by status (legend outside the bars)."""
    order = list(claims.STATUSES)
    table = pd.crosstab(audit_rows["check"], audit_rows["status"]).reindex(columns=order, fill_value=0)
    fig, ax = plt.subplots(figsize=(8, 3.4))
    left = pd.Series(0, index=table.index)
    for status in order:
        ax.barh(table.index, table[status], left=left, color=STATUS_COLOURS[status], label=status)
        left = left + table[status]
    ax.set_xlabel("audit rows")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # rows are counted, never fractional
    ax.set_title("Consistency audit of the articles' figures")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="status",
              title_fontsize=8)
    fig.subplots_adjust(bottom=0.25, left=0.22, right=0.8)
    figures.add_source(fig, "news corpus; population: statistics office via data/raw/provinces; "
                            "audit by helpers.claims")
    figures.attach_data(fig, table.rename_axis(index="check", columns=None).reset_index()
                        .melt(id_vars="check", var_name="status", value_name="audit_rows"))
    return fig
