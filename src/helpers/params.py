"""Notebook parameters: one validator per kind of parameter, one error for all of them.

Every notebook's second cell turns its parameters into what the helpers take (provinces
become GSO codes here, at the edge) with the functions below. A bad value raises
``ParameterError``, whose message names the parameter, the bad value and the allowed values
(and the closest allowed ones for a misspelling).
"""

from __future__ import annotations

import difflib

import pandas as pd

from . import provinces as _provinces
from .exceptions import StudyError


class ParameterError(StudyError, ValueError):
    """A notebook parameter has a value the notebook cannot use."""

    def __init__(self, name: str, value, allowed: str, hint: list[str] | None = None, problem: str = ""):
        self.name, self.value = name, value
        text = f"parameter {name}={value!r}: {problem + '; ' if problem else ''}allowed: {allowed}"
        if hint:
            text += f"; did you mean {', '.join(repr(h) for h in hint)}?"
        super().__init__(text)


def _closest(value, allowed: list[str]) -> list[str]:
    return difflib.get_close_matches(str(value), [str(a) for a in allowed], n=3, cutoff=0.5)


def province(name: str, value) -> str:
    """GSO code of one province given as an ASCII slug (``bac-lieu``, ``tp-ho-chi-minh``)."""
    allowed = "an ASCII slug of a pre-2025 province such as 'bac-lieu' or 'ben-tre'"
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(name, value, allowed)
    try:
        return _provinces.from_slug(value.strip())
    except _provinces.UnknownProvinceError:
        raise ParameterError(name, value, allowed + " (all 63: see data/raw/provinces/provinces.csv)",
                             _closest(value.strip(), _provinces.slugs()), "unknown province") from None


def province_list(name: str, value, *, allow_all: bool = False) -> list[str]:
    """GSO codes of a comma-separated list of slugs (``"all"`` gives every unit if allowed)."""
    allowed = ("'all' or " if allow_all else "") + "comma-separated ASCII slugs such as 'bac-lieu,ben-tre'"
    if not isinstance(value, str) or not value.strip(" ,"):
        raise ParameterError(name, value, allowed)
    if allow_all and value.strip() == "all":
        return sorted(_provinces.load_reference()["gso_code"])
    codes = [province(name, part) for part in value.split(",") if part.strip()]
    if len(set(codes)) != len(codes):
        raise ParameterError(name, value, allowed, problem="a province is listed twice")
    return codes


def choice(name: str, value, allowed: list) -> object:
    """``value`` if it is one of ``allowed``."""
    if value not in allowed:
        raise ParameterError(name, value, ", ".join(repr(a) for a in allowed), _closest(value, allowed))
    return value


def whole_number(name: str, value, low: int, high: int) -> int:
    """``value`` as an int within ``low..high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(name, value, f"a whole number from {low} to {high}")
    return value


def articles_about(meta: pd.DataFrame, name: str, value) -> pd.DataFrame:
    """Metadata rows of the articles about the provinces a notebook parameter lists.

    ``value`` is ``"all"`` (every article of the corpus, also one about a place that is not one of
    the 63 units) or comma-separated ASCII slugs, checked with ``province_list``; a province without
    any article in the corpus is a ``params.ParameterError`` too, naming the provinces that have one.
    """
    codes = province_list(name, value, allow_all=True)
    if value.strip() == "all":
        return meta.copy()
    in_corpus = set(meta["gso_code"]) - {""}
    absent = [c for c in codes if c not in in_corpus]
    if absent:
        allowed = "'all' or slugs of provinces with an article: " + ", ".join(
            sorted(_provinces.slugify(_provinces.name_of(c)) for c in in_corpus))
        raise ParameterError(name, value, allowed, problem="the corpus has no article about "
                                    + ", ".join(_provinces.name_of(c) for c in absent))
    return meta[meta["gso_code"].isin(codes)].copy()
