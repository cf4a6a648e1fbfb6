"""The derived tables in ``data/processed/``: what builds each one, and the one loader of each.

This is the only module that reads ``data/processed/``. Each table has exactly one
builder, named in ``TABLES`` (``module:function``), and one loader here, ``load_<name>``.
A builder reads raw and codebook inputs through ``sources`` and receives the tables of the
same build that it ``needs`` as keyword arguments (never from disk); the build driver
(``helpers.run.build``, ``make data``) runs them in dependency order and publishes all the
tables of one build together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths


class TableMissing(FileNotFoundError):
    """A derived table has not been built yet."""


@dataclass(frozen=True)
class Table:
    """One derived table: its name (file stem), builder and the tables its builder needs."""

    name: str
    builder: str
    needs: tuple[str, ...] = ()
    suffix: str = ".csv"

    @property
    def file(self) -> Path:
        return paths.PROCESSED / f"{self.name}{self.suffix}"


#: Every derived table, in an order in which each comes after the tables it needs.
TABLES: dict[str, Table] = {t.name: t for t in [
    Table("claims", "claims:build_claims"),
    Table("claims_review_queue", "claims:build_claims_review_queue", needs=("claims",)),
    Table("consistency_audit", "claims:build_consistency_audit", needs=("claims", "claims_review_queue")),
    Table("crosswalk_2025", "panel:build_crosswalk"),
    Table("dti_panel", "panel:build_panel", needs=("claims",)),
    Table("panel_disagreements", "panel:build_disagreements", needs=("dti_panel",)),
    Table("dti_2024_34units", "panel:build_34units"),
    Table("other_indices", "panel:build_other_indices"),
    Table("provinces_63", "geo:build_provinces_63", suffix=".geojson"),
    Table("units_34", "geo:build_units_34", needs=("provinces_63",), suffix=".geojson"),
]}


def _built(name: str) -> Path:
    table = TABLES[name]
    if not table.file.is_file():
        raise TableMissing(f"{paths.relative(table.file)} has not been built; run `make data`")
    return table.file


def _read_csv(name: str, **kwargs) -> pd.DataFrame:
    frame = pd.read_csv(_built(name), keep_default_na=False, encoding="utf-8", **kwargs)
    frame.attrs["source"] = paths.relative(TABLES[name].file)
    return frame


def _read_geojson(name: str):
    import geopandas

    frame = geopandas.read_file(_built(name))
    frame.attrs["source"] = paths.relative(TABLES[name].file)
    return frame


def load_claims() -> pd.DataFrame:
    """``claims.csv``: every numeric expression of the corpus, text cells as strings."""
    return _read_csv("claims", dtype=str).astype({"start": int, "end": int})


def load_claims_review_queue() -> pd.DataFrame:
    """``claims_review_queue.csv``: claims that measure something and that no codebook row or audit check
    cites yet (a new article's figures, or a curated article's figures left out), with a ``reason``."""
    return _read_csv("claims_review_queue", dtype=str).astype({"start": int, "end": int})


def load_consistency_audit() -> pd.DataFrame:
    """``consistency_audit.csv``: every check of the claims, with its status and explanation."""
    return _read_csv("consistency_audit", dtype=str).astype({"start": int, "end": int})


def load_crosswalk_2025() -> pd.DataFrame:
    """``crosswalk_2025.csv``: each pre-2025 unit and the 2025 unit it joined."""
    table = _read_csv("crosswalk_2025", dtype=str)
    table["unchanged"] = table["unchanged"] == "True"
    return table


def load_dti_panel() -> pd.DataFrame:
    """``dti_panel.csv``: every DTI rank and score held, one row per unit, year, measure and source."""
    table = _read_csv("dti_panel", dtype={"gso_code": str, "source": str, "note": str, "rank_method": str,
                                          "province": str},
                      na_values={"rank": [""], "score": [""]})
    table["rank"] = table["rank"].astype("Int64")
    table["score"] = table["score"].astype(float)
    return table


def load_panel_disagreements() -> pd.DataFrame:
    """``panel_disagreements.csv``: where two sources state different values."""
    return _read_csv("panel_disagreements", dtype={"gso_code": str, "reference_value": str, "other_value": str},
                     na_values={"difference": [""]})


def load_dti_2024_34units() -> pd.DataFrame:
    """``dti_2024_34units.csv``: DTI 2024 of the 34 units formed in 2025."""
    table = _read_csv("dti_2024_34units", dtype={"new_unit_code_2025": str, "source": str, "published_source": str},
                      na_values={"published_rank": [""], "published_score": [""]})
    table["published_rank"] = table["published_rank"].astype("Int64")
    return table


def load_other_indices() -> pd.DataFrame:
    """``other_indices.csv``: the 2017 e-government ranking and PAPI e-governance values."""
    table = _read_csv("other_indices", dtype={"gso_code": str, "flag": str, "source": str},
                      na_values={"value": [""], "rank": [""]})
    table["rank"] = table["rank"].astype("Int64")
    return table


def load_provinces_63():
    """``provinces_63.geojson``: one polygon per pre-2025 province, property ``gso_code``."""
    return _read_geojson("provinces_63")


def load_units_34():
    """``units_34.geojson``: one polygon per 2025 unit, with its 2025 code, name and the GSO codes it joins."""
    return _read_geojson("units_34")


#: The loader of each table, by name.
LOADERS = {name: globals()[f"load_{name}"] for name in TABLES}
