"""All of the study's drawing, with one visual vocabulary.

Each submodule draws the figures of one subject (``plots.corpus``, ``plots.trajectories``,
``plots.maps`` ...) from tables it is given; notebooks call them and save the result with
``helpers.figures.save``. The vocabulary below is the only place where a colour or a
marker is chosen:

- a **source kind** (official, computed from official scores, news, corpus, derived) has
  one marker and one fill everywhere (``SOURCE_KIND_STYLE``);
- a **focus province** has one colour everywhere (``focus_colours``): Bạc Liêu, Bến Tre
  and Bắc Kạn keep fixed colours, any other focus province takes the next colour of a
  qualitative palette, so ten focus provinces never share a colour; every other unit is
  ``OTHER`` grey.
Provinces are GSO codes here as everywhere inside helpers; names appear only on labels.
"""

from __future__ import annotations

#: Fixed colours of the study's recurring provinces, by GSO code.
FIXED_COLOURS = {
    "95": "#c0392b",  # Bạc Liêu
    "83": "#2471a3",  # Bến Tre
    "06": "#7d3c98",  # Bắc Kạn
}
#: Colours for further focus provinces, in order (colour-blind-safe qualitative palette,
#: without the greys and without hues close to the fixed three).
PALETTE = ["#e69f00", "#009e73", "#56b4e9", "#d55e00", "#cc79a7", "#8c6d31",
           "#17becf", "#bcbd22", "#1b9e77", "#7570b3", "#e7298a", "#66a61e"]
OTHER = "#a6a6a6"
INK = "#444444"

#: One marker and fill per source kind, in every figure.
SOURCE_KIND_STYLE = {
    "official": {"marker": "o", "filled": True, "label": "official"},
    "computed": {"marker": "o", "filled": True, "label": "computed from official scores"},
    "news": {"marker": "s", "filled": True, "label": "news report"},
    "corpus": {"marker": "D", "filled": False, "label": "corpus article"},
    "derived": {"marker": "^", "filled": False, "label": "derived (implied by a source)"},
}

METHOD_NOTE = ("DTI method changed between rounds: compare ranks or within-year standardised "
               "scores, not raw scores.")


def focus_colours(codes: list[str]) -> dict[str, str]:
    """A distinct colour for each focus province (GSO codes), stable across figures."""
    colours: dict[str, str] = {}
    spare = iter(c for c in PALETTE)
    for code in codes:
        if code in colours:
            continue
        colours[code] = FIXED_COLOURS.get(code) or next(spare, OTHER)
    return colours


def colour_of(code: str, focus: dict[str, str] | None = None) -> str:
    """Colour of one province: its focus colour, its fixed colour, else ``OTHER``."""
    if focus and code in focus:
        return focus[code]
    return FIXED_COLOURS.get(code, OTHER)


def marker_kwargs(kind: str, colour: str) -> dict:
    """``scatter`` keyword arguments for one source kind in one colour."""
    style = SOURCE_KIND_STYLE[kind]
    fill = colour if style["filled"] else "white"
    return {"marker": style["marker"], "facecolors": fill, "edgecolors": colour}
