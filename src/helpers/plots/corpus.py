"""Figures of the corpus notebook (01)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .. import figures, provinces
from . import focus_colours


def sizes(table: pd.DataFrame) -> Figure:
    """Characters and sentences of each article (``corpus.describe``), coloured by province."""
    codes = {name: provinces.resolve(name) for name in table["province"].unique()}
    colours = focus_colours(sorted(codes.values()))
    labels = [f"{r.outlet if r.outlet != 'unknown' else 'outlet unknown'} ({r.published or 'year unknown'})"
              for r in table.itertuples()]
    bar_colours = [colours[codes[p]] for p in table["province"]]
    fig, (ax_chars, ax_sents) = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    ax_chars.barh(labels, table["characters"], color=bar_colours)
    ax_chars.set_xlabel("characters (NFC)")
    ax_sents.barh(labels, table["sentences"], color=bar_colours)
    ax_sents.set_xlabel("sentences")
    ax_chars.invert_yaxis()
    names = sorted(codes)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[codes[n]]) for n in names]
    fig.legend(handles, names, title="province", loc="lower center", ncols=len(names), fontsize=9,
               title_fontsize=9, bbox_to_anchor=(0.5, 0.05))
    fig.suptitle(f"The corpus: {len(table)} Vietnamese news article(s) on provincial digital transformation")
    figures.add_source(fig, "data/raw/corpus (articles and metadata.csv); counts by helpers.corpus")
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    return fig
