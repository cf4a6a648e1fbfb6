"""The study's public Python API: every derived table by name, and the views a researcher wants first.

Everything here reads the derived tables of ``data/processed/`` (built by ``make data``) through
``helpers.tables``; nothing is computed from raw files. Each function is also an attribute of the
package, so ``import helpers`` is enough::

    >>> import helpers
    >>> "dti_panel" in helpers.table_names()
    True
    >>> int(helpers.dti_ranks().loc["Bạc Liêu", 2023])
    63

The examples of this module run as doctests in ``make test``.
"""

from __future__ import annotations

import pandas as pd

from . import panel, provinces, study, tables
from .exceptions import StudyError


class UnknownTableError(StudyError, KeyError):
    """A name that is not one of the registered derived tables (the message lists them)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def table_names() -> list[str]:
    """The names of the registered derived tables, in build order.

    >>> {"dti_panel", "dti_panel_34", "claims", "crosswalk_2025"} <= set(table_names())
    True
    """
    return list(tables.TABLES)


def load(name: str) -> pd.DataFrame:
    """One derived table by name (see ``table_names()``), as its loader reads it.

    >>> load("crosswalk_2025").set_index("province").loc["Bạc Liêu", "new_unit"]
    'Cà Mau'
    >>> load("dti_pannel")
    Traceback (most recent call last):
    ...
    helpers.api.UnknownTableError: unknown table 'dti_pannel'; the tables are: raw_inputs, ...
    """
    if name not in tables.TABLE_LOADERS:
        raise UnknownTableError(f"unknown table {name!r}; the tables are: {', '.join(table_names())}")
    return tables.TABLE_LOADERS[name]()


def _unit_set(units: int) -> study.UnitSet:
    sets = {u.n_units: u for u in study.UNIT_SETS.values()}
    if units not in sets:
        raise StudyError(f"units={units!r}: the study has sets of {sorted(sets)} units")
    return sets[units]


def _overall(units: int, value: str) -> pd.DataFrame:
    unit_set = _unit_set(units)
    table = tables.load_dti_panel() if unit_set is study.PROVINCES else tables.load_dti_panel_34()
    name = panel.NAME_COLUMNS[unit_set.name]
    rows = table[(table["measure"] == "dti") & (table["source_kind"] != "derived") & table[value].notna()]
    rows = panel._order(rows).drop_duplicates(["year", unit_set.key])
    wide = rows.pivot(index=name, columns="year", values=value)
    wide.columns = [int(c) for c in wide.columns]
    wide.columns.name, wide.index.name = "year", name
    return wide.astype("Int64") if value == "rank" else wide


def dti_ranks(units: int = study.PROVINCES.n_units) -> pd.DataFrame:
    """Overall DTI rank of every unit by year: one row per unit (its name), one column per year.

    ``units`` is 63 (the provinces, every round held; 2020 and 2021 partial) or 34 (the units of
    2025). One rank per unit and year, official first, then news, then the corpus; values that a
    source only implies (*derived*) are left out; a blank is a rank no source states.

    >>> ranks = dti_ranks()
    >>> ranks.loc["Bắc Kạn", [2022, 2024]].tolist()
    [63, 32]
    >>> int(dti_ranks(34).loc["Cà Mau", 2024])
    28
    """
    return _overall(units, "rank")


def dti_scores(units: int = study.PROVINCES.n_units) -> pd.DataFrame:
    """Overall DTI score (0–1) of every unit by year, shaped like ``dti_ranks``; scores of different
    rounds are not comparable (the method changed), ranks within a round are.

    >>> float(dti_scores().loc["Bạc Liêu", 2022])
    0.4478
    """
    return _overall(units, "score")


def province_table() -> pd.DataFrame:
    """The 63 pre-2025 provinces: GSO code, names, aliases, type, region, population, area, the 2025
    unit each joined, and the ASCII slug used by the notebooks' parameters.

    >>> province_table().set_index("slug").loc["ben-tre", "gso_code"]
    '83'
    """
    return provinces.load_reference()


def _table_loaders() -> dict:
    """``load_<name>`` for every registered table (the same functions as ``helpers.tables``)."""
    return {f"load_{name}": loader for name, loader in tables.TABLE_LOADERS.items()}


globals().update(_table_loaders())
#: The names ``import helpers`` offers (besides its modules).
PUBLIC = ["table_names", "load", "dti_ranks", "dti_scores", "province_table", *_table_loaders()]
