"""Province names and the 2025 crosswalk, for everyone but ``sources``.

- ``load_reference()``: the 63 pre-2025 units (``data/raw/provinces/provinces.csv``), plus ``slug``.
- ``resolve(name)``: canonical GSO code (2-digit string) for any spelling seen in the sources
  (see ``helpers.names``).
- ``slugify``/``from_slug``: ASCII slugs for notebook parameters (``bac-lieu``).
- ``crosswalk()``/``resolve_unit(name)``: the 2025 reorganisation (63 → 34). Names of the 34
  new units are resolved **only** through ``merger_2025.csv``, never through the 63-unit
  aliases ("Cà Mau" after 2025 is Bạc Liêu + Cà Mau).

Every function asks the one resolver of the study (``sources.reference()``, a
``names.Reference`` built from the validated tables); a ``path`` argument replaces a table
(e.g. a broken copy in a test). An unknown name raises ``UnknownProvinceError`` that suggests
the closest names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import names, sources
from .names import MERGER, REFERENCE, UnknownProvinceError, closest, key, slugify

__all__ = ["MERGER", "REFERENCE", "UnknownProvinceError", "closest", "crosswalk", "from_slug", "key",
           "load_reference", "name_of", "resolve", "resolve_unit", "slugify", "slugs", "unit_name"]


def _reference(path: Path | None = None, merger: Path | None = None) -> names.Reference:
    return sources.reference(str(path) if path else "", str(merger) if merger else "")


def load_reference(path: Path | None = None) -> pd.DataFrame:
    """The 63 pre-2025 units, one row each, ``gso_code`` as a 2-digit string, plus ``slug``."""
    return _reference(path).table.copy()


def resolve(name: str, path: Path | None = None) -> str:
    """GSO code of a pre-2025 province from any spelling the sources use.

    Raises ``UnknownProvinceError`` with the closest names when nothing matches.
    """
    return _reference(path).resolve(name)


def name_of(gso_code: str, path: Path | None = None) -> str:
    """Canonical Vietnamese name (``name_vi``) of a GSO code."""
    return _reference(path).name_of(gso_code)


def from_slug(slug: str, path: Path | None = None) -> str:
    """GSO code of an ASCII slug such as ``bac-lieu`` (as used for notebook parameters)."""
    return _reference(path).from_slug(slug)


def slugs(path: Path | None = None) -> list[str]:
    """All 63 allowed slugs, in GSO-code order."""
    return _reference(path).table["slug"].tolist()


def crosswalk(path: Path | None = None, reference: Path | None = None) -> pd.DataFrame:
    """Old unit → 2025 unit: gso_code, province, new_unit, unit_code, constituents, unchanged.

    ``unit_code`` is the 2025 unit's own key (``study.unit_code``: "U96" for the merged Cà Mau),
    distinct from every pre-2025 GSO code; join post-2025 data on it, never on ``gso_code``.
    ``path`` replaces the merger table, ``reference`` the reference table.
    """
    return _reference(reference, path).crosswalk()


def resolve_unit(name: str, path: Path | None = None, reference: Path | None = None) -> str:
    """Key (``unit_code``) of one of the 34 units of 2025, from the names in ``merger_2025.csv`` only.

    ``"Cà Mau"`` here means the merged unit ("U96": Bạc Liêu + Cà Mau); an old name that is
    not also a new unit (``"Bạc Liêu"``) is an error, never silently mapped.
    """
    return _reference(reference, path).resolve_unit(name)


def unit_name(unit_code: str, path: Path | None = None, reference: Path | None = None) -> str:
    """Short name of the 2025 unit with that key (``"U96"`` → ``"Cà Mau"``)."""
    return _reference(reference, path).unit_name(unit_code)
