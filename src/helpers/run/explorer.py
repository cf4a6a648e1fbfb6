"""The site's interactive explorer of DTI ranks: map, chart and table tabs, with source and download.

Modelled on Our World in Data's grapher. The data are ``helpers.explorer.explorer_data()`` (the
registered derived tables, nothing recomputed); this module draws them as an HTML fragment that
``site/explorer.md`` includes raw, generated during the site build (``helpers.run.site.stage``
writes ``_generated/explorer.html``).

The charts are Vega-Lite specifications written with Altair and drawn in the browser by Vega-Embed.
We chose Vega-Lite because it is maintained (by the University of Washington's Interactive Data Lab and
the Vega project, with Altair as its Python API), because a specification is data (JSON, validated by
Altair against the Vega-Lite schema, byte-stable) rather than generated code, because it draws
GeoJSON choropleths, hovers and parameters that the page's own controls set, and because its
JavaScript (Vega, Vega-Lite and Vega-Embed, about 1 MB) is small beside Plotly's bundle (about 4.5 MB)
and comes as one vendored file: ``vl_convert.javascript_bundle()`` (the vl-convert package, which
Altair uses to save charts with their JavaScript inline). The bundle is written into the page, so
nothing loads from another host and the page works from ``file://``.

Text from inputs (names, sources) enters the page only as JSON inside ``<script
type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and the page's script writes it with
``textContent``; the few names in the server-rendered markup are escaped by Jinja's autoescape.
Same inputs, same bytes: no date, path or random identifier is written.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jinja2

from .. import explorer, files, geo, paths, study
from ..plots import rank_ticks

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Where the script bundle is kept between builds (making it takes seconds; it depends only on the pins).
VENDOR = paths.BUILD / "vendor"
#: Colours: Okabe–Ito blue for the picked unit, vermilion for the bottom band, a grey for units without
#: a rank in a partial round; the map's ranks on viridis reversed, the worst ranks darkest.
LINE, BAND, UNKNOWN = "#0072B2", "#D55E00", "#d9d9d9"
#: The typical-churn band: the grey of that benchmark in the progress notebook's figures, darker to show on white.
CHURN = "#9a9a9a"
#: Points of the chart: filled in a complete round, hollow in a partial one.
FILLS = {"complete": LINE, "partial": "white"}
MAP_SIZE = (380, 620)
CHART_HEIGHT = 420
WORD = {study.PROVINCES.name: "Province", study.UNITS.name: "Unit"}


def _json(value) -> str:
    """JSON for a ``<script type="application/json">`` element: no NaN, markup characters escaped."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _tooltip(unit_set: dict) -> list:
    import altair as alt

    word = WORD.get(unit_set["id"], "Unit")
    return [alt.Tooltip("name:N", title=word), alt.Tooltip("year:O", title="Round"),
            alt.Tooltip("rank_text:N", title="Rank"), alt.Tooltip("score:Q", title="Score (0–1)", format=".4f"),
            alt.Tooltip("round_text:N", title="Round held"), alt.Tooltip("source_text:N", title="Source")]


def _labelled(chart, n_units: int):
    """Add the tooltip's text fields to a chart of the ``rows`` data."""
    return chart.transform_calculate(
        rank_text=f"datum.rank + ' of {n_units}'",
        round_text="datum.round == 'complete' ? 'complete' : "
                   "'partial: ' + datum.known + ' of ' + datum.of + ' ranks known'",
        source_text="datum.source_kind + (datum.rank_method == 'computed_from_scores' ? ', rank computed from the "
                    "complete scores' : ', rank as published')")


def map_spec(unit_set: dict) -> dict:
    """The choropleth of one unit set: rank in the round ``year`` (a parameter the page sets), units
    without a rank that round in grey, the unit ``pick`` outlined."""
    import altair as alt

    n = unit_set["n_units"]
    year = alt.param(name="year", value=unit_set["default_year"])
    pick = alt.param(name="pick", value=unit_set["units"][0]["code"])
    shapes, rows, units = alt.Data(name="shapes"), alt.Data(name="rows"), alt.Data(name="units")
    base = (alt.Chart(shapes).mark_geoshape(fill=UNKNOWN, stroke="white", strokeWidth=0.6)
            .transform_lookup(lookup="properties.code", from_=alt.LookupData(units, "code", ["name"]))
            .transform_calculate(rank_text="'not known in this round'")
            .encode(tooltip=[alt.Tooltip("name:N", title=WORD.get(unit_set["id"], "Unit")),
                             alt.Tooltip("rank_text:N", title="Rank")]))
    ranked = (_labelled(alt.Chart(rows), n).transform_filter("datum.year == year")
              .transform_lookup(lookup="code", from_=alt.LookupData(shapes, "properties.code"), as_="geo")
              .mark_geoshape(stroke="white", strokeWidth=0.6)
              .encode(shape="geo:G", tooltip=_tooltip(unit_set),
                      color=alt.Color("rank:Q", scale=alt.Scale(scheme="viridis", reverse=True, domain=[1, n]),
                                      legend=alt.Legend(title=["Rank", "(1 = best)"], values=rank_ticks(n),
                                                        gradientLength=240, orient="right"))))
    outline = (alt.Chart(shapes).transform_filter("datum.properties.code == pick")
               .mark_geoshape(filled=False, stroke="black", strokeWidth=2.2).properties(name="outline"))
    chart = alt.layer(base, ranked, outline).add_params(year, pick).project(type="mercator")
    return _finish(chart.properties(width=MAP_SIZE[0], height=MAP_SIZE[1]))


def chart_spec(unit_set: dict) -> dict:
    """The trajectory of the unit ``pick``: its rank in every round held, against the bottom band and
    last place; partial rounds drawn as hollow points."""
    import altair as alt

    n, band = unit_set["n_units"], unit_set["bottom"]
    years = [r["year"] for r in unit_set["rounds"]]
    kinds = [kind for kind, held in (("complete", True), ("partial", False))
             if any(r["complete"] == held for r in unit_set["rounds"])]
    pick = alt.param(name="pick", value=unit_set["units"][0]["code"])
    x = alt.X("year:O", title="DTI round (assessment year)", scale=alt.Scale(domain=years),
              axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(domain=[0.5, n + 0.5], reverse=True, nice=False, zero=False)
    y = alt.Y("rank:Q", title="Rank (1 = best)", scale=y_scale, axis=alt.Axis(values=rank_ticks(n), grid=True))
    marks = alt.Data(values=[{"top": band["first"] - 0.5, "bottom": band["last"] + 0.5, "last": band["last"],
                              "label": f"{band['label']} (ranks {band['first']}–{band['last']})",
                              "last_label": f"last place ({band['last']})"}])
    band_rect = alt.Chart(marks).mark_rect(color=BAND, opacity=0.16).encode(
        y=alt.Y("top:Q", scale=y_scale), y2="bottom:Q")
    band_text = alt.Chart(marks).mark_text(align="left", baseline="bottom", dx=4, dy=-2, color="#8a3a00").encode(
        x=alt.value(0), y=alt.Y("top:Q", scale=y_scale), text="label:N")
    last_rule = alt.Chart(marks).mark_rule(color=BAND, strokeDash=[5, 3]).encode(y=alt.Y("last:Q", scale=y_scale))
    last_text = alt.Chart(marks).mark_text(align="right", baseline="bottom", dy=-2, color="#8a3a00").encode(
        x=alt.value("width"), y=alt.Y("last:Q", scale=y_scale), text="last_label:N")
    mine = _labelled(alt.Chart(alt.Data(name="rows")), n).transform_filter("datum.code == pick")
    line = mine.mark_line(color=LINE, strokeWidth=2.5).encode(x=x, y=y)
    points = mine.mark_point(size=90, strokeWidth=2, color=LINE, opacity=1).encode(
        x=x, y=y, tooltip=_tooltip(unit_set),
        fill=alt.Fill("round:N", title="Round", scale=alt.Scale(domain=kinds, range=[FILLS[k] for k in kinds]),
                      legend=alt.Legend(orient="bottom", labelExpr="datum.label + ' round'")))
    labels = mine.mark_text(dy=-14, fontWeight="bold", color="#1a1a1a").encode(x=x, y=y, text="rank:Q")
    churn = _churn_layers(unit_set, years, y_scale)
    layers = [band_rect, last_rule, band_text, last_text, *churn, line, points, labels]
    chart = alt.layer(*layers).add_params(pick)
    return _finish(chart.properties(width="container", height=CHART_HEIGHT))


def _churn_layers(unit_set: dict, years: list[int], y_scale) -> list:
    """The picked province's typical-churn band (``helpers.explorer.churn_bands``) at its last round: the
    interval of ranks it would reach if it moved as provinces usually move, given its first-round score;
    nothing for a unit set without one."""
    import altair as alt

    band = unit_set.get("band")
    if not band:
        return []
    level = f"{band['level']:.0%}"
    mine = (alt.Chart(alt.Data(name="bands")).transform_filter("datum.code == pick")
            .transform_calculate(year="datum.end_year", top="datum.low - 0.5", bottom="datum.high + 0.5",
                                 range_text="'ranks ' + datum.low + '–' + datum.high",
                                 period_text="datum.start_year + '→' + datum.end_year",
                                 start_text="datum.start_rank + ' in ' + datum.start_year",
                                 label=f"'typical churn ({level})'"))
    x_at = alt.X("year:O", scale=alt.Scale(domain=years))
    bar = mine.mark_bar(color=CHURN, opacity=0.5, size=28).encode(
        x=x_at, y=alt.Y("top:Q", scale=y_scale), y2="bottom:Q",
        tooltip=[alt.Tooltip("period_text:N", title="Typical churn"),
                 alt.Tooltip("range_text:N", title=f"{level} of simulated ranks"),
                 alt.Tooltip("start_text:N", title="Starting rank"),
                 alt.Tooltip("end_rank:Q", title=f"Observed rank in {band['end']}")])
    text = mine.mark_text(align="right", baseline="bottom", dx=14, dy=-4, color="#4a4a4a").encode(
        x=x_at, y=alt.Y("top:Q", scale=y_scale), text="label:N")
    return [bar, text]


def _finish(chart) -> dict:
    chart = (chart.configure_view(stroke=None).configure(font="DejaVu Sans, Arial, sans-serif")
             .configure_axis(labelFontSize=12, titleFontSize=13).configure_legend(labelFontSize=12, titleFontSize=13)
             .configure_text(fontSize=12))
    spec = chart.to_dict()
    spec.pop("$schema", None)  # a URL of another host, never fetched: not written into the page
    return spec


@functools.cache
def bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script, as the pinned vl-convert package bundles them for
    the Vega-Lite version of the pinned Altair; kept in ``build/vendor/`` between builds. Made safe inside
    a <script> element, and its one HTML snippet with a ``src="..."`` (an image in a tooltip, unused
    here) written with an escaped quote so that no link checker reads it as a link of the page."""
    import altair as alt
    import vl_convert

    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    kept = VENDOR / f"vega-embed-bundle_vl-convert-{vl_convert.__version__}_vega-lite-{version}.js"
    if kept.is_file():
        return kept.read_text(encoding="utf-8")
    text = vl_convert.javascript_bundle(vl_version=version)
    text = text.replace("</script", "<\\/script").replace('<img src="${', '<img src=\\"${')
    files.write_text(kept, text)
    return text


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def page(profiles: set[str] = frozenset(), data: dict | None = None) -> str:
    """The explorer as an HTML fragment; ``profiles`` are the slugs whose profile page the site has."""
    data = explorer.explorer_data() if data is None else data
    specs = {s["id"]: {"map": map_spec(s), "chart": chart_spec(s)} for s in data["sets"]}
    data = {**data, "profiles": sorted(profiles), "credit": geo.BOUNDARY_CREDIT}
    template = _environment().get_template("explorer.html.j2")
    return template.render(sets=data["sets"], data=_json(data), specs=_json(specs), bundle=bundle(),
                           credit=geo.BOUNDARY_CREDIT)
