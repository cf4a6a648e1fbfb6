"""Province names: the one resolver of every spelling the sources use, over tables it is given.

``Reference(provinces, merger)`` takes the validated reference table of the 63 pre-2025 units
(``sources.load_provinces``) and the 2025 merger table (``sources.load_merger``) and resolves:

- a province name in any spelling the sources use (with or without "TP."/"Tỉnh"/"Thành phố",
  the English "province"/"city" of the map file, diacritics, hyphens or spaces, English names
  and every alias in ``provinces.csv``) to its GSO code;
- a 2025 unit's name to its key (``study.unit_code``: "U96"), **only** through the merger
  table, never through the 63-unit aliases ("Cà Mau" after 2025 is Bạc Liêu + Cà Mau);
- an ASCII slug (``bac-lieu``) to a GSO code.

Nothing here reads a file: ``sources`` builds the one ``Reference`` of the study and
``provinces`` offers it to the rest. An unknown name raises ``UnknownProvinceError`` with the
closest names; an alias that names two units raises ``AmbiguousAliasError``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from . import study
from .exceptions import StudyError

#: Where the reference table and the merger come from (named in messages).
REFERENCE = "data/raw/provinces/provinces.csv"
MERGER = "data/raw/provinces/merger_2025.csv"

# Administrative prefixes and the map file's English suffixes dropped before comparing names
# ("TP. Đà Nẵng" = "Đà Nẵng" = "Da Nang City").
_PREFIX = re.compile(r"^(thanh pho|tp|tinh)(?=[^a-z]|$)[^a-z0-9]*")
_SUFFIX = re.compile(r"[^a-z0-9]+(province|city)$")


class UnknownProvinceError(StudyError, KeyError, ValueError):
    """A name, slug or code that matches no province (the message suggests close ones)."""

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0]) if self.args else ""


class AmbiguousAliasError(StudyError, ValueError):
    """An alias of the reference table names two units."""


def slugify(name: str) -> str:
    """ASCII slug of a Vietnamese name: ``"Bạc Liêu"`` → ``"bac-lieu"``."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d").replace("\u00d0", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def closest(value: str, choices: list[str], n: int = 3) -> list[str]:
    """Up to ``n`` choices closest to ``value`` (compared as slugs, so capitals, diacritics and
    hyphens do not matter)."""
    by_slug = {slugify(c): c for c in choices}
    hits = difflib.get_close_matches(slugify(value), list(by_slug), n=n, cutoff=0.5)
    return [by_slug[h] for h in hits]


def key(name: str) -> str:
    """Comparison key of a name: NFC, no diacritics, no prefix or English suffix, no spaces/hyphens/dots.

    ``"TP. Đà Nẵng"``, ``"Da Nang"``, ``"Da Nang City"`` and ``"Đà  Nẵng"`` all give ``"danang"``;
    ``"Hoà Bình"`` and ``"Hòa Bình"`` both give ``"hoabinh"``.
    """
    if not isinstance(name, str):
        raise TypeError(f"province name must be a string, got {type(name).__name__} {name!r}")
    slug = slugify(unicodedata.normalize("NFC", name)).replace("-", " ")
    slug = _SUFFIX.sub("", _PREFIX.sub("", slug))
    return re.sub(r"[^a-z0-9]", "", slug)


def _alias_index(table: pd.DataFrame, shown: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for row in table.itertuples(index=False):
        for name in [row.name_vi, row.name_ascii, *row.aliases.split(";")]:
            if not name.strip():
                continue
            k = key(name)
            if index.get(k, row.gso_code) != row.gso_code:
                raise AmbiguousAliasError(
                    f"{shown}: alias {name!r} of {row.name_vi} ({row.gso_code}) also names unit {index[k]}; "
                    "remove the ambiguous alias")
            index[k] = row.gso_code
    return index


def _unit_index(merger: pd.DataFrame) -> dict[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for row in merger.drop_duplicates("new_unit_code_2025").itertuples(index=False):
        for name in (row.new_unit_2025, row.new_unit_short):
            index[key(name)] = (study.unit_code(row.new_unit_code_2025), row.new_unit_short)
    return index


class Reference:
    """The units of the study and every spelling of their names (see the module docstring)."""

    def __init__(self, provinces: pd.DataFrame, merger: pd.DataFrame, *, shown: str = REFERENCE,
                 merger_shown: str = MERGER):
        self.table = provinces.assign(slug=provinces["name_vi"].map(slugify))
        self.merger = merger
        self.shown, self.merger_shown = shown, merger_shown
        self.aliases = _alias_index(self.table, shown)
        self.units = _unit_index(merger)

    def resolve(self, name: str) -> str:
        """GSO code of a pre-2025 province from any spelling the sources use."""
        k = key(name)
        if k in self.aliases:
            return self.aliases[k]
        hint = closest(re.sub(r"^(tp|tinh|thanh pho)\W+", "", slugify(name).replace("-", " ")),
                       self.table["name_vi"].tolist())
        raise UnknownProvinceError(
            f"unknown province {name!r}: not one of the {len(self.table)} pre-2025 units or their aliases in "
            f"{self.shown}" + (f"; did you mean {hint}?" if hint else "; see the name_vi column"))

    def name_of(self, gso_code: str) -> str:
        """Canonical Vietnamese name (``name_vi``) of a GSO code."""
        hit = self.table.loc[self.table["gso_code"] == gso_code, "name_vi"]
        if hit.empty:
            raise UnknownProvinceError(f"unknown GSO code {gso_code!r}: expected one of the "
                                       f"{len(self.table)} 2-digit codes in {self.shown}")
        return hit.iloc[0]

    def from_slug(self, slug: str) -> str:
        """GSO code of an ASCII slug such as ``bac-lieu`` (as used for notebook parameters); a slug
        spelled with capitals, diacritics or spaces (``Bạc Liêu``, ``BAC-LIEU``) is suggested."""
        if not isinstance(slug, str):
            raise UnknownProvinceError(f"province slug must be a string like 'bac-lieu', got {slug!r}")
        hit = self.table.loc[self.table["slug"] == slug, "gso_code"]
        if hit.empty and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            code = self.aliases.get(key(slug))  # an ASCII alias in slug form ("ho-chi-minh", "hue", "brvt")
            if code:
                return code
        if hit.empty:
            hint = closest(slug, self.table["slug"].tolist())
            raise UnknownProvinceError(
                f"unknown province slug {slug!r}: expected an ASCII slug of a pre-2025 province such as "
                "'bac-lieu' or 'ben-tre'" + (f"; did you mean {hint}?" if hint else ""))
        return hit.iloc[0]

    def resolve_unit(self, name: str) -> str:
        """Key (``unit_code``) of one of the units of 2025, from the names of the merger table only."""
        k = key(name)
        if k in self.units:
            return self.units[k][0]
        hint = closest(name, sorted({v[1] for v in self.units.values()}))
        raise UnknownProvinceError(
            f"unknown 2025 unit {name!r}: not one of the {len({v[0] for v in self.units.values()})} new units in "
            f"{self.merger_shown} (old province names are not new units; follow them through crosswalk())"
            + (f"; did you mean {hint}?" if hint else ""))

    def unit_name(self, unit_code: str) -> str:
        """Short name of the 2025 unit with that key (``"U96"`` → ``"Cà Mau"``)."""
        for code, name in self.units.values():
            if code == unit_code:
                return name
        raise UnknownProvinceError(f"unknown 2025 unit code {unit_code!r}")

    def crosswalk(self) -> pd.DataFrame:
        """Old unit → 2025 unit: gso_code, province, new_unit, unit_code, constituents, unchanged."""
        names = self.table.set_index("gso_code")["name_vi"]
        out = pd.DataFrame({
            "gso_code": self.merger["gso_code"],
            "province": self.merger["gso_code"].map(names),
            "new_unit": self.merger["new_unit_short"],
            "unit_code": self.merger["new_unit_code_2025"].map(study.unit_code),
            "constituents": self.merger["constituents"],
            "unchanged": self.merger["unchanged"] == "yes",
        })
        return out.sort_values("gso_code", ignore_index=True)
