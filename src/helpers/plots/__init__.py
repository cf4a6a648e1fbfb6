"""All of the study's drawing, with one visual vocabulary.

Each submodule draws the figures of one subject (``plots.corpus``, ``plots.claims``,
``plots.data``, ``plots.trajectories``, ``plots.cases``, ``plots.profile_ranks``) from tables it is
given: one function per figure, returning a matplotlib Figure with its source line already
added (``figures.add_source``) and not saved; notebooks call them and save the result with
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
    "06": "#d08c00",  # Bắc Kạn: a dark orange, told apart from the red and the blue under colour blindness
}
#: Colours for further focus provinces, in order. The first ``SAFE_FURTHER`` stay apart from the fixed three
#: and from ``OTHER`` grey for readers with deuteranopia or protanopia (``tests/test_palettes.py``): a figure
#: that colours a few units and greys the rest (focus + context) takes its colours from there.
PALETTE = ["#332288", "#882255", "#e69f00", "#009e73", "#56b4e9", "#d55e00", "#cc79a7", "#8c6d31",
           "#17becf", "#bcbd22", "#1b9e77", "#7570b3", "#e7298a", "#66a61e"]
#: Further distinct colours when a figure follows more units than ``PALETTE`` holds (e.g. every
#: unit ever in the bottom 20): lighter and darker variants, still no greys.
EXTENDED = ["#ff7f0e", "#2ca02c", "#8c564b", "#e377c2",
            "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2",
            "#dbdb8d", "#9edae5", "#393b79", "#637939", "#843c39", "#7b4173",
            "#5254a3", "#8ca252", "#bd9e39", "#ad494a", "#a55194", "#6b6ecf", "#b5cf6b",
            "#e7ba52", "#d6616b", "#ce6dbd", "#9c9ede", "#cedb9c", "#e7cb94", "#e7969c", "#de9ed6"]
OTHER = "#a6a6a6"
#: How many of ``PALETTE`` (after the fixed three) a focus + context figure may use.
SAFE_FURTHER = 2
#: Lighter grey for bars of units that are only context (e.g. the other 2025 units).
MUTED = "#c8c8c8"
INK = "#444444"
#: Background band (e.g. a benchmark interval) and the accent that flags a caveat in a figure.
BAND = "#dddddd"
ACCENT = "#d35400"
#: Band that marks a round with a known measurement problem (PAPI 2019 off-scale).
CAVEAT_BAND = "#f5b041"
#: The two benchmarks (``measurement.NOISE_ONLY``, ``measurement.TYPICAL_CHURN``), in every figure:
#: noise only dark, typical churn light (told apart by lightness, whatever the colour vision).
BENCHMARK_COLOURS = {"noise only": INK, "typical churn": MUTED}
#: Who really moved: a credible rise (progress), a credible fall (decline), neither: Okabe–Ito blue and
#: vermillion, apart from each other and from the grey for readers with deuteranopia or protanopia too.
CHANGE_COLOURS = {"progress": "#0072b2", "decline": "#d55e00", "no credible change": OTHER}
#: Maps: land without a value, borders between polygons, the edge of other units.
NO_DATA = "#f0f0f0"
BORDER = "#ffffff"
EDGE = "#bbbbbb"
#: Row shading and reference lines of dot plots; marker edges of the extremes.
ROW_SHADE = "#f4f4f4"
REFERENCE_LINE = "#999999"
MARKER_EDGE = "#6f6f6f"
#: Sequential colour map for shares (coverage, transition shares).
SEQUENTIAL = "Blues"
#: Status of a consistency-audit row: blue and vermillion (Okabe & Ito), told apart by readers with
#: deuteranopia or protanopia too (``tests/test_palettes.py`` simulates both), and grey.
STATUS_COLOURS = {"consistent": "#0072B2", "inconsistent": "#D55E00", "unverifiable": "#BBBBBB"}
#: Kind of a numeric expression (``vnnum.KINDS``): Paul Tol's "muted" qualitative scheme, designed to
#: stay distinct for colour-blind readers, and a pale grey for ``other``.
EXPRESSION_COLOURS = {"count": "#332288", "percent": "#88CCEE", "ratio": "#44AA99", "rank": "#117733",
                      "rank_change": "#999933", "money": "#DDCC77", "measure": "#CC6677", "date": "#882255",
                      "doc_ref": "#AA4499", "other": "#DDDDDD"}

#: One marker and fill per source kind, in every figure.
SOURCE_KIND_STYLE = {
    "official": {"marker": "o", "filled": True, "label": "official"},
    "computed": {"marker": "o", "filled": True, "label": "computed from official scores"},
    "news": {"marker": "s", "filled": True, "label": "news report"},
    "corpus": {"marker": "D", "filled": False, "label": "corpus article"},
    "derived": {"marker": "^", "filled": False, "label": "derived (implied by a source)"},
    "egov 2017": {"marker": "P", "filled": True, "label": "2017 e-government ranking"},
    "off-scale 2019": {"marker": "X", "filled": False, "label": "PAPI 2019 (third sub-dimension off-scale)"},
}

#: Side-by-side positions of the source kinds within one year (fraction of a year), so that two
#: sources stating a value for the same year do not hide each other.
KIND_OFFSET = {"official": -0.15, "news": -0.05, "corpus": 0.05, "derived": 0.15}

METHOD_NOTE = ("DTI method changed between rounds: compare ranks or within-year standardised "
               "scores, not raw scores.")


def focus_and_context() -> dict[str, str]:
    """The colours of a focus + context figure: the fixed three, the first ``SAFE_FURTHER`` of ``PALETTE``
    and the ``OTHER`` grey of the context (checked for colour-blind readers by ``tests/test_palettes.py``)."""
    return {**FIXED_COLOURS, **{f"further {i + 1}": c for i, c in enumerate(PALETTE[:SAFE_FURTHER])}, "context": OTHER}


def focus_colours(codes: list[str]) -> dict[str, str]:
    """A distinct colour for each focus province (GSO codes), stable across figures."""
    colours: dict[str, str] = {}
    spare = (c for c in [*PALETTE, *EXTENDED] if c not in FIXED_COLOURS.values())
    for code in codes:
        if code in colours:
            continue
        colours[code] = FIXED_COLOURS.get(code) or next(spare, None) or _generated(len(colours))
    return colours


def _generated(i: int) -> str:
    """A further distinct colour (golden-ratio hues) once every listed colour is taken."""
    import colorsys

    r, g, b = colorsys.hsv_to_rgb((0.11 + i * 0.618034) % 1.0, 0.65, 0.75)
    return "#" + "".join(f"{round(c * 255):02x}" for c in (r, g, b))


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


def kind_handles(kinds: list[str], colour: str = INK) -> tuple[list, list[str]]:
    """Legend handles and labels for source kinds, in the markers of ``SOURCE_KIND_STYLE``."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], ls="", marker=SOURCE_KIND_STYLE[k]["marker"], markersize=6, markeredgecolor=colour,
                      markerfacecolor=colour if SOURCE_KIND_STYLE[k]["filled"] else "white") for k in kinds]
    return handles, [SOURCE_KIND_STYLE[k]["label"] for k in kinds]


def rank_ticks(n_units: int) -> list[int]:
    """Ticks of a rank axis: first, every tenth, last (no tick crowding the last). Used by the figures and
    by the site's explorer."""
    return [1, *[t for t in range(10, n_units, 10) if n_units - t >= 5], n_units]


def mark_labels(ax, codes, highlight, *, coloured: bool = True) -> None:
    """Set in bold the y tick labels of ``ax`` (one per code of ``codes``) whose province is in ``highlight``,
    and in its colour (``highlight[code]``) when ``coloured``."""
    for label, code in zip(ax.get_yticklabels(), codes, strict=True):
        if code in highlight:
            label.set_fontweight("bold")
            if coloured:
                label.set_color(highlight[code])


def spread_labels(positions: list[float], min_gap: float, low: float, high: float) -> list[float]:
    """Label positions moved apart so that neighbours are at least ``min_gap`` apart, within
    ``low..high``, each as close to its own point as that allows (order is kept)."""
    if not positions:
        return []
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [float(positions[i]) for i in order]
    for _ in range(len(placed)):  # forward then backward passes until nothing moves
        for j in range(1, len(placed)):
            placed[j] = max(placed[j], placed[j - 1] + min_gap)
        placed[-1] = min(placed[-1], high)
        for j in range(len(placed) - 2, -1, -1):
            placed[j] = min(placed[j], placed[j + 1] - min_gap)
        placed[0] = max(placed[0], low)
    out = [0.0] * len(placed)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (relative luminance, WCAG)."""
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "white"
