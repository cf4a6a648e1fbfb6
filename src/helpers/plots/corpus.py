"""Figures of the corpus notebook (01)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .. import figures
from . import OTHER, focus_colours


def sizes(table: pd.DataFrame) -> Figure:
    """Characters and sentences of each article (``corpus.describe``), coloured by province (grey
    for an article about a place that is not one of the 63 units)."""
    colours = focus_colours(sorted({code for code in table["gso_code"] if code}))
    labels = [f"{r.outlet if r.outlet != 'unknown' else 'outlet unknown'} ({r.published or 'year unknown'})"
              for r in table.itertuples()]
    bar_colours = [colours.get(code, OTHER) for code in table["gso_code"]]
    fig, (ax_chars, ax_sents) = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    ax_chars.barh(labels, table["characters"], color=bar_colours)
    ax_chars.set_xlabel("characters (NFC)")
    ax_sents.barh(labels, table["sentences"], color=bar_colours)
    ax_sents.set_xlabel("sentences")
    ax_chars.invert_yaxis()
    places = table[["province", "gso_code"]].drop_duplicates().sort_values("province")
    names = places["province"].tolist()
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours.get(code, OTHER)) for code in places["gso_code"]]
    fig.legend(handles, names, title="province", loc="lower center", ncols=len(names), fontsize=9,
               title_fontsize=9, bbox_to_anchor=(0.5, 0.05))
    fig.suptitle(f"The corpus: {len(table)} Vietnamese news article(s) on provincial digital transformation")
    figures.add_source(fig, "data/raw/corpus (articles and metadata.csv); counts by helpers.corpus")
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    figures.attach_data(fig, pd.DataFrame({"article": labels, "province": table["province"].to_numpy(),
                                           "characters": table["characters"].to_numpy(),
                                           "sentences": table["sentences"].to_numpy()}))
    return fig
