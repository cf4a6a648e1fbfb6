"""Province names and the 2025 crosswalk.

- ``load_reference()``: the 63 pre-2025 units (``data/raw/provinces/provinces.csv``).
- ``resolve(name)``: canonical GSO code (2-digit string) for any spelling seen in the
  sources: with or without "TP."/"Tỉnh"/"Thành phố", with or without diacritics, hyphens
  or spaces, English names, and every alias in ``provinces.csv``.
- ``slugify``/``from_slug``: ASCII slugs for notebook parameters (``bac-lieu``).
- ``crosswalk()``/``resolve_unit(name)``: the 2025 reorganisation (63 → 34). Names of
  the 34 new units are resolved **only** through ``merger_2025.csv``, never through the
  63-unit aliases ("Cà Mau" after 2025 is Bạc Liêu + Cà Mau).

An unknown name raises ``UnknownProvinceError`` that suggests the closest names.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from pathlib import Path

import pandas as pd

from . import paths, study

#: Where the reference table and the merger come from (``sources`` reads them; a ``path``
#: argument below replaces them, e.g. a broken copy in a test).
REFERENCE = "data/raw/provinces/provinces.csv"
MERGER = "data/raw/provinces/merger_2025.csv"

# Administrative prefixes dropped before comparing names ("TP. Đà Nẵng" = "Đà Nẵng").
_PREFIX = re.compile(r"^(thanh pho|tp|tinh)(?=[^a-z]|$)[^a-z0-9]*")


class UnknownProvinceError(KeyError, ValueError):
    """A name, slug or code that matches no province (the message suggests close ones)."""

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0]) if self.args else ""


def slugify(name: str) -> str:
    """ASCII slug of a Vietnamese name: ``"Bạc Liêu"`` → ``"bac-lieu"``."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d").replace("\u00d0", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def closest(value: str, choices: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` choices closest to ``value`` (compared as slugs)."""
    by_slug = {slugify(c): c for c in choices}
    hits = difflib.get_close_matches(slugify(value), list(by_slug), n=n, cutoff=0.5)
    return [by_slug[h] for h in hits]


def key(name: str) -> str:
    """Comparison key of a name: NFC, no diacritics, no prefix, no spaces/hyphens/dots.

    ``"TP. Đà Nẵng"``, ``"Da Nang"`` and ``"Đà  Nẵng"`` all give ``"danang"``; ``"Hoà Bình"``
    and ``"Hòa Bình"`` both give ``"hoabinh"``.
    """
    if not isinstance(name, str):
        raise TypeError(f"province name must be a string, got {type(name).__name__} {name!r}")
    slug = slugify(unicodedata.normalize("NFC", name)).replace("-", " ")
    slug = _PREFIX.sub("", slug)
    return re.sub(r"[^a-z0-9]", "", slug)


def _key(path: Path | None) -> str:
    return str(path) if path else ""


def _shown(path: Path | str | None, default: str) -> str:
    return paths.relative(path) if path else default


@functools.cache
def _reference(path: str) -> pd.DataFrame:
    from . import sources  # sources resolves names through this module

    table = sources.load_provinces(Path(path)) if path else sources.load_provinces()
    table["slug"] = table["name_vi"].map(slugify)
    return table


def load_reference(path: Path | None = None) -> pd.DataFrame:
    """The 63 pre-2025 units, one row each, ``gso_code`` as a 2-digit string, plus ``slug``."""
    return _reference(_key(path)).copy()


@functools.cache
def _alias_index(path: str) -> dict[str, str]:
    table = _reference(path)
    index: dict[str, str] = {}
    for row in table.itertuples(index=False):
        names = [row.name_vi, row.name_ascii, *row.aliases.split(";")]
        for name in names:
            if not name.strip():
                continue
            k = key(name)
            if index.get(k, row.gso_code) != row.gso_code:
                raise ValueError(
                    f"{_shown(path, REFERENCE)}: alias {name!r} of {row.name_vi} ({row.gso_code}) "
                    f"also names unit {index[k]}; remove the ambiguous alias"
                )
            index[k] = row.gso_code
    return index


def resolve(name: str, path: Path | None = None) -> str:
    """GSO code of a pre-2025 province from any spelling the sources use.

    Raises ``UnknownProvinceError`` with the closest names when nothing matches.
    """
    index = _alias_index(_key(path))
    k = key(name)
    if k in index:
        return index[k]
    names = load_reference(path)["name_vi"].tolist()
    hint = closest(re.sub(r"^(tp|tinh|thanh pho)\W+", "", slugify(name).replace("-", " ")), names)
    raise UnknownProvinceError(
        f"unknown province {name!r}: not one of the 63 pre-2025 units or their aliases in "
        f"{_shown(path, REFERENCE)}" + (f"; did you mean {hint}?" if hint else "; see the name_vi column")
    )


def name_of(gso_code: str, path: Path | None = None) -> str:
    """Canonical Vietnamese name (``name_vi``) of a GSO code."""
    table = _reference(_key(path))
    hit = table.loc[table["gso_code"] == gso_code, "name_vi"]
    if hit.empty:
        raise UnknownProvinceError(
            f"unknown GSO code {gso_code!r}: expected one of the 63 2-digit codes in {_shown(path, REFERENCE)}"
        )
    return hit.iloc[0]


def from_slug(slug: str, path: Path | None = None) -> str:
    """GSO code of an ASCII slug such as ``bac-lieu`` (as used for notebook parameters)."""
    table = _reference(_key(path))
    if not isinstance(slug, str):
        raise UnknownProvinceError(f"province slug must be a string like 'bac-lieu', got {slug!r}")
    hit = table.loc[table["slug"] == slug, "gso_code"]
    if hit.empty and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        # an ASCII alias in slug form ("ho-chi-minh", "hue", "brvt")
        code = _alias_index(_key(path)).get(key(slug))
        if code:
            return code
    if hit.empty:
        hint = closest(slug, table["slug"].tolist())
        raise UnknownProvinceError(
            f"unknown province slug {slug!r}: expected an ASCII slug of a pre-2025 province such "
            "as 'bac-lieu' or 'ben-tre'" + (f"; did you mean {hint}?" if hint else "")
        )
    return hit.iloc[0]


def slugs(path: Path | None = None) -> list[str]:
    """All 63 allowed slugs, in GSO-code order."""
    return _reference(_key(path))["slug"].tolist()


# --- 2025 reorganisation --------------------------------------------------------------

@functools.cache
def _merger(path: str, reference: str) -> pd.DataFrame:
    from . import sources

    table = sources.load_merger(Path(path)) if path else sources.load_merger()
    ref = _reference(reference)
    if sorted(table["gso_code"]) != sorted(ref["gso_code"]):
        raise sources.SourceError(f"{_shown(path, MERGER)}: does not list each of the 63 units exactly once")
    per_unit = table.groupby("new_unit_code_2025")["new_unit_short"].nunique()
    if (per_unit > 1).any():
        raise sources.SourceError(f"{_shown(path, MERGER)}: a 2025 code names more than one new unit")
    return table


def crosswalk(path: Path | None = None, reference: Path | None = None) -> pd.DataFrame:
    """Old unit → 2025 unit: gso_code, province, new_unit, unit_code, constituents, unchanged.

    ``unit_code`` is the 2025 unit's own key (``study.unit_code``: "U96" for the merged Cà Mau),
    distinct from every pre-2025 GSO code; join post-2025 data on it, never on ``gso_code``.
    """
    table = _merger(_key(path), _key(reference))
    ref = _reference(_key(reference)).set_index("gso_code")["name_vi"]
    out = pd.DataFrame(
        {
            "gso_code": table["gso_code"],
            "province": table["gso_code"].map(ref),
            "new_unit": table["new_unit_short"],
            "unit_code": table["new_unit_code_2025"].map(study.unit_code),
            "constituents": table["constituents"],
            "unchanged": table["unchanged"] == "yes",
        }
    )
    return out.sort_values("gso_code", ignore_index=True)


@functools.cache
def _new_unit_index(path: str, reference: str) -> dict[str, tuple[str, str]]:
    table = _merger(path, reference)
    index: dict[str, tuple[str, str]] = {}
    for row in table.drop_duplicates("new_unit_code_2025").itertuples(index=False):
        for name in (row.new_unit_2025, row.new_unit_short):
            index[key(name)] = (study.unit_code(row.new_unit_code_2025), row.new_unit_short)
    return index


def resolve_unit(name: str, path: Path | None = None, reference: Path | None = None) -> str:
    """Key (``unit_code``) of one of the 34 units of 2025, from the names in ``merger_2025.csv`` only.

    ``"Cà Mau"`` here means the merged unit ("U96": Bạc Liêu + Cà Mau); an old name that is
    not also a new unit (``"Bạc Liêu"``) is an error, never silently mapped.
    """
    index = _new_unit_index(_key(path), _key(reference))
    k = key(name)
    if k in index:
        return index[k][0]
    units = sorted({v[1] for v in index.values()})
    hint = closest(name, units)
    raise UnknownProvinceError(
        f"unknown 2025 unit {name!r}: not one of the {study.UNITS.n_units} new units in "
        f"{_shown(path, MERGER)} (old province names are not new units; follow them through "
        "crosswalk())" + (f"; did you mean {hint}?" if hint else "")
    )


def unit_name(unit_code: str, path: Path | None = None, reference: Path | None = None) -> str:
    """Short name of the 2025 unit with that key (``"U96"`` → ``"Cà Mau"``)."""
    index = _new_unit_index(_key(path), _key(reference))
    for code, name in index.values():
        if code == unit_code:
            return name
    raise UnknownProvinceError(f"unknown 2025 unit code {unit_code!r}")
