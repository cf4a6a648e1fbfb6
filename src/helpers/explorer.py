"""The data of the site's interactive explorer (``site/explorer.md``, drawn by ``helpers.run.explorer``).

Everything here comes from the registered derived tables (``helpers.tables``: ``dti_panel``,
``dti_panel_34``, ``provinces_63``, ``units_34``, ``crosswalk_2025``); nothing is computed from raw
files, and no value is filled in. For each unit set of the study (the 63 provinces, the 34 units of
2025):

- ``rounds``: every year in which the set's panel holds an overall DTI rank, marked *complete* when
  every unit has a score that year (``panel.complete_years``) and *partial* otherwise, with the
  number of ranks known. The years come from the data, so a new round appears by itself.
- ``rows``: one overall rank per unit and year, chosen as ``helpers.dti_ranks`` chooses it (official
  first, then news, then the corpus; values a source only implies, *derived*, are left out), with
  the score, the kind of source and the source of that same row.
- ``bottom``: the *bottom five* band (glossary: the last ``BOTTOM_K`` places) and last place, from
  the set's number of units.
- ``bands`` and ``band``: the *typical churn* benchmark of each province, as the progress notebook
  computes and plots it (``figures/07_churn_bands.csv``, the data of its figure): the interval of
  its last-round rank if it moved as provinces usually move, given its first-round score. Only the
  63 provinces have it (the measurement model needs three complete rounds of one unit set); the 34
  units have none, and the page says so.
- ``shapes``: the set's boundaries, simplified as a coverage (neighbours keep their shared edges)
  and rounded, to keep the page small.
"""

from __future__ import annotations

import pandas as pd

from . import panel, paths, provinces, study, tables

#: The width of the bottom band: the glossary's "bottom five" (``bottom_k`` = 5, the notebooks' default).
BOTTOM_K = 5
BOTTOM_LABEL = "bottom five"
#: Tolerance of the coverage simplification, in degrees (about 2 km), and decimals kept (about 100 m).
TOLERANCE = 0.02
DECIMALS = 3
#: The column of a unit's name in each set's panel.
NAMES = panel.NAME_COLUMNS
#: The typical-churn band of the 63 provinces: the data of the progress notebook's figure.
CHURN_BANDS = paths.ROOT / "figures" / "07_churn_bands.csv"
BAND_COLUMNS = ("gso_code", "start_round", "end_round", "start_rank", "end_rank", "churn_low", "churn_high", "level")


def chosen_rows(table: pd.DataFrame, unit_set: study.UnitSet) -> pd.DataFrame:
    """One overall DTI rank per unit and year of a panel (either set): the preferred source's row
    (``panel.PRIORITY``), derived values left out. Columns: year, code, name, rank, score,
    source_kind, rank_method, source; sorted by year and rank."""
    rows = table[(table["measure"] == "dti") & (table["source_kind"] != "derived") & table["rank"].notna()]
    rows = panel._order(rows).drop_duplicates(["year", unit_set.key])
    out = rows.rename(columns={unit_set.key: "code", NAMES[unit_set.name]: "name"})
    out = out[["year", "code", "name", "rank", "score", "source_kind", "rank_method", "source"]]
    out = out.astype({"year": int, "rank": int})
    return out.sort_values(["year", "rank", "code"], ignore_index=True)


def rounds(rows: pd.DataFrame, table: pd.DataFrame, unit_set: study.UnitSet) -> list[dict]:
    """Every year with an overall rank: ``year``, ``complete`` (every unit scored), ``known`` (ranks held)."""
    complete = set(panel.complete_years(table))
    known = rows.groupby("year")["code"].nunique()
    return [{"year": int(year), "complete": int(year) in complete, "known": int(n), "of": unit_set.n_units}
            for year, n in known.sort_index().items()]


def _number(value):
    """A JSON-ready number: ``None`` for a blank, an ``int`` for a whole number."""
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def records(rows: pd.DataFrame, rounds_held: list[dict]) -> list[dict]:
    """The rows as JSON-ready records (blank score: ``None``), each with its round's ``round``
    ("complete" or "partial"), ``known`` ranks and number of units (``of``)."""
    by_year = {r["year"]: r for r in rounds_held}
    return [{"year": int(r.year), "code": r.code, "name": r.name, "rank": int(r.rank), "score": _number(r.score),
             "source_kind": r.source_kind, "rank_method": r.rank_method, "source": r.source,
             "round": "complete" if by_year[r.year]["complete"] else "partial",
             "known": by_year[r.year]["known"], "of": by_year[r.year]["of"]}
            for r in rows.itertuples(index=False)]


def _round(coords, decimals: int):
    if isinstance(coords, (int, float)):
        return round(float(coords), decimals)
    return [_round(c, decimals) for c in coords]


def shapes(frame, key: str, *, tolerance: float = TOLERANCE, decimals: int = DECIMALS) -> dict:
    """A GeoJSON FeatureCollection of ``frame``'s polygons, property ``code`` = ``frame[key]``, simplified
    as a coverage (shared edges stay shared) and with coordinates rounded; sorted by code."""
    frame = frame.sort_values(key, ignore_index=True)
    simplified = frame.geometry.simplify_coverage(tolerance)
    features = []
    for code, geometry in zip(frame[key], simplified, strict=True):
        shape = geometry.__geo_interface__
        features.append({"type": "Feature", "properties": {"code": str(code)},
                         "geometry": {"type": shape["type"], "coordinates": _round(shape["coordinates"], decimals)}})
    return {"type": "FeatureCollection", "features": features}


def units(unit_set: study.UnitSet, crosswalk: pd.DataFrame) -> list[dict]:
    """The units of a set in code order: ``code``, ``name`` and, for the 63 provinces, the ``slug`` of
    its profile and the ``unit_2025`` it joined; for the 34 units, the provinces it joins."""
    if unit_set is study.PROVINCES:
        reference = provinces.load_reference().sort_values("gso_code")
        joined = crosswalk.set_index("gso_code")["unit_code"]
        return [{"code": r.gso_code, "name": r.name_vi, "slug": r.slug, "unit_2025": joined.get(r.gso_code, "")}
                for r in reference.itertuples()]
    new = crosswalk.sort_values(["unit_code", "gso_code"]).groupby("unit_code", sort=True)
    return [{"code": code, "name": group["new_unit"].iloc[0], "joins": "; ".join(group["province"])}
            for code, group in new]


def bottom_band(unit_set: study.UnitSet, k: int = BOTTOM_K) -> dict:
    """The bottom-k band of a set (ranks ``first``..``last``) and its last place."""
    label = BOTTOM_LABEL if k == BOTTOM_K else f"bottom {k}"
    return {"k": k, "label": label, "first": unit_set.n_units - k + 1, "last": unit_set.n_units}


def churn_bands(path=CHURN_BANDS) -> tuple[list[dict], dict | None]:
    """The typical-churn band of each province (``code``, ``start_year``, ``end_year``, ``start_rank``,
    ``end_rank``, ``low``, ``high``) and what the band is (``label``, ``level``, the period, ``source``);
    none when the progress notebook has not drawn its figure. A file without the figure's columns
    stops with one line naming it."""
    path = paths.ROOT / path
    if not path.is_file():
        return [], None
    frame = tables.read_figure_data(path)
    missing = [c for c in BAND_COLUMNS if c not in frame.columns]
    if missing or frame.empty:
        raise ValueError(f"{paths.relative(path)}: no typical-churn band to draw "
                         f"({'missing columns: ' + ', '.join(missing) if missing else 'no rows'}); "
                         "re-run notebooks/07_progress.ipynb with `make report`")
    frame = frame.sort_values("gso_code", ignore_index=True)
    bands = [{"code": r.gso_code, "start_year": int(r.start_round), "end_year": int(r.end_round),
              "start_rank": int(r.start_rank), "end_rank": int(r.end_rank), "low": int(r.churn_low),
              "high": int(r.churn_high)} for r in frame.itertuples(index=False)]
    first = frame.iloc[0]
    band = {"label": "typical churn", "level": float(first["level"]), "start": int(first["start_round"]),
            "end": int(first["end_round"]), "source": paths.relative(path)}
    return bands, band


def unit_set_data(unit_set: study.UnitSet, table: pd.DataFrame, geometry, crosswalk: pd.DataFrame,
                  bands: tuple[list[dict], dict | None] = ([], None)) -> dict:
    """Everything the explorer shows of one unit set (see the module's docstring)."""
    rows = chosen_rows(table, unit_set)
    if rows.empty:
        raise ValueError(f"{table.attrs.get('source', unit_set.panel)}: no overall DTI rank to explore")
    rounds_held = rounds(rows, table, unit_set)
    complete = [r["year"] for r in rounds_held if r["complete"]]
    return {"id": unit_set.name, "label": unit_set.label, "n_units": unit_set.n_units,
            "rounds": rounds_held, "default_year": max(complete) if complete else rounds_held[-1]["year"],
            "units": units(unit_set, crosswalk), "rows": records(rows, rounds_held), "bottom": bottom_band(unit_set),
            "shapes": shapes(geometry, unit_set.key), "table": table.attrs.get("source", unit_set.panel),
            "bands": bands[0], "band": bands[1]}


def explorer_data(panel_63: pd.DataFrame | None = None, panel_34: pd.DataFrame | None = None,
                  geometry_63=None, geometry_34=None, crosswalk: pd.DataFrame | None = None,
                  bands_63=CHURN_BANDS) -> dict:
    """The explorer's data, both unit sets; a table not given is read through ``helpers.tables``, the
    63 provinces' typical-churn band from ``bands_63`` (the progress notebook's figure data)."""
    crosswalk = tables.load_crosswalk_2025() if crosswalk is None else crosswalk
    bands = {study.PROVINCES: churn_bands(bands_63), study.UNITS: ([], None)}
    given = {study.PROVINCES: (panel_63, geometry_63, tables.load_dti_panel, tables.load_provinces_63),
             study.UNITS: (panel_34, geometry_34, tables.load_dti_panel_34, tables.load_units_34)}
    sets = [unit_set_data(unit_set, table if table is not None else load_table(),
                          geometry if geometry is not None else load_geometry(), crosswalk, bands[unit_set])
            for unit_set, (table, geometry, load_table, load_geometry) in given.items()]
    return {"sets": sets, "default_unit": study.MAIN_CASE}
