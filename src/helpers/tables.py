"""The derived tables in ``data/processed/``: what builds each one, and the one loader of each.

This is the only module that reads ``data/processed/``. Each table has exactly one
builder, named in ``TABLES`` (``module:function``), and one loader here, ``load_<name>``.
A builder reads raw and codebook inputs through ``sources`` and receives the tables of the
same build that it ``needs`` as keyword arguments (never from disk); the build driver
(``helpers.run.build``, ``make data``) runs them in dependency order and publishes all the
tables of one build together. It also reads the data a committed figure plots (``read_figure_data``),
which the site's explorer draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths
from .exceptions import StudyError


class TableMissing(StudyError, FileNotFoundError):
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
    Table("raw_inputs", "sources:build_raw_inputs"),
    Table("published_summary", "sources:build_published_summary"),
    Table("claims", "claims:build_claims"),
    Table("corpus_documents", "claims:build_corpus_documents"),
    Table("dti_panel", "panel:build_panel", needs=("claims",)),
    Table("panel_disagreements", "panel:build_disagreements", needs=("dti_panel", "claims", "corpus_documents")),
    Table("claims_review_queue", "claims:build_claims_review_queue", needs=("claims", "panel_disagreements")),
    Table("consistency_audit", "claims:build_consistency_audit", needs=("claims", "claims_review_queue")),
    Table("codebook", "claims:build_codebook", needs=("claims",)),
    Table("recall_check", "claims:build_recall_check", needs=("claims",)),
    Table("timeline", "cases:build_timeline", needs=("claims",)),
    Table("timeline_review", "cases:build_timeline_review", needs=("claims",)),
    Table("population", "cases:build_population"),
    Table("crosswalk_2025", "panel:build_crosswalk"),
    Table("dti_panel_34", "panel:build_panel_34"),
    Table("main_indices", "components:build_main_indices"),
    Table("weights_check", "components:build_weights_check", needs=("main_indices",)),
    Table("merged_mean_check", "components:build_merged_mean_check",
          needs=("main_indices", "dti_panel", "crosswalk_2025")),
    Table("units_main_indices", "components:build_units_main_indices", needs=("main_indices", "crosswalk_2025")),
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

    path = _built(name)
    paths.note_read(path)  # read by a library outside Python's open(): recorded by hand
    frame = geopandas.read_file(path)
    frame.attrs["source"] = paths.relative(TABLES[name].file)
    return frame


def load_raw_inputs() -> pd.DataFrame:
    """``raw_inputs.csv``: every raw file, its size, checksum (checked by the build), source and the
    rows of a table that passed its schema."""
    table = _read_csv("raw_inputs", dtype={"sha256": str, "source": str}, na_values={"rows": [""]})
    table["rows"] = table["rows"].astype("Int64")
    return table


def load_published_summary() -> pd.DataFrame:
    """``published_summary.csv``: the ministry's published statistics per round, as transcribed."""
    return _read_csv("published_summary", dtype={"value": str, "note": str})


def load_recall_check() -> pd.DataFrame:
    """``recall_check.csv``: each hand-listed expression of an article, found or not by the parser."""
    return _read_csv("recall_check", dtype={"doc_id": str})


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


def load_codebook() -> pd.DataFrame:
    """``codebook.csv``: the curated indicators joined with the claims they cite (text cells as strings)."""
    return _read_csv("codebook", dtype=str).astype({"start": int, "end": int})


def load_corpus_documents() -> pd.DataFrame:
    """``corpus_documents.csv``: one row per article, with its size."""
    return _read_csv("corpus_documents", dtype={"gso_code": str, "published": str})


def load_timeline() -> pd.DataFrame:
    """``timeline.csv``: the reviewed policy timeline, kept events placed on the time axis."""
    return _read_csv("timeline", dtype={"gso_code": str, "document": str, "note": str, "auto_type": str},
                     na_values={"x_start": [""], "x_end": [""]})


def load_timeline_review() -> pd.DataFrame:
    """``timeline_review.csv``: date claims per province, extracted, kept, dropped and changed."""
    return _read_csv("timeline_review", dtype={"gso_code": str})


def load_population() -> pd.DataFrame:
    """``population.csv``: area and average population of the units by year, with the raw ``file`` and ``line``."""
    return _read_csv("population", dtype={"gso_code": str}, na_values={"avg_population_thousand": [""],
                                                                      "area_km2": [""], "density_per_km2": [""]})


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
    """``panel_disagreements.csv``: where two sources state different values, and where a rank an article states
    (no codebook row cites it yet: ``uncurated``) differs from the official table."""
    table = _read_csv("panel_disagreements", dtype={"gso_code": str, "reference_value": str, "other_value": str,
                                                    "claim_id": str, "note": str},
                      na_values={"difference": [""]})
    table["uncurated"] = table["uncurated"].astype(str) == "True"
    return table


def load_dti_panel_34() -> pd.DataFrame:
    """``dti_panel_34.csv``: every DTI rank and score held for the 34 units of 2025 (overall, from the
    complete scores, the per-round files and the published main indices), one row per unit, year,
    measure and source; the shape of ``dti_panel.csv`` with ``unit_code`` and ``new_unit``."""
    table = _read_csv("dti_panel_34", dtype={"unit_code": str, "source": str, "note": str, "rank_method": str,
                                             "new_unit": str},
                      na_values={"rank": [""], "score": [""]})
    table["rank"] = table["rank"].astype("Int64")
    table["score"] = table["score"].astype(float)
    return table


def load_main_indices() -> pd.DataFrame:
    """``main_indices.csv``: the eight main indices and the overall DTI as published, every unit set
    (``units``), keyed by ``gso_code`` or ``unit_code``, with the raw ``file`` and ``line`` of each value."""
    table = _read_csv("main_indices", dtype={"gso_code": str, "unit_code": str, "note": str, "source_url": str},
                      na_values={"rank": [""], "score": [""]})
    table["rank"] = table["rank"].astype("Int64")
    return table


def load_weights_check() -> pd.DataFrame:
    """``weights_check.csv``: each published overall score of the 63 provinces recomputed from its
    eight main indices with the published weights, every round with published scores."""
    return _read_csv("weights_check", dtype={"gso_code": str}, na_values={"recomputed": [""], "difference": [""]})


def load_merged_mean_check() -> pd.DataFrame:
    """``merged_mean_check.csv``: each 2025 unit's published score against the mean of its former
    provinces' scores, every round both sets have."""
    return _read_csv("merged_mean_check", dtype={"unit_code": str, "gso_codes": str})


def load_units_main_indices() -> pd.DataFrame:
    """``units_main_indices.csv``: the complete main-index table of the 34 units, one row per unit and
    round, the indices wide, with the CSV line of every value."""
    return _read_csv("units_main_indices", dtype={"unit_code": str, "gso_codes": str})


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


def read_figure_data(path: Path) -> pd.DataFrame:
    """The data a figure plots, as its notebook saved it beside the figure (``figures/<name>.csv``, written by
    ``helpers.figures.save``): an output of the analysis, not a derived table; codes kept as text."""
    frame = pd.read_csv(path, dtype={"gso_code": str, "unit_code": str}, encoding="utf-8")
    frame.attrs["source"] = paths.relative(path)
    return frame


#: The loader of each table, by name.
TABLE_LOADERS = {name: globals()[f"load_{name}"] for name in TABLES}
