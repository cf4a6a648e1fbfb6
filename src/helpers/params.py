"""Notebook parameters: one validator per kind of parameter, one error for all of them.

Every notebook's second cell turns its parameters into what the helpers take (provinces
become GSO codes here, at the edge) with the functions below. A bad value raises
``ParameterError``, whose message names the parameter, the bad value and the allowed values
(and the closest allowed ones for a misspelling).
"""

from __future__ import annotations

import ast
import difflib
import json
import unicodedata

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

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback (in Lab, and first in plain papermill's error):
        the parameter, the bad value and what is allowed, on one line."""
        return [f"ParameterError: {self}"]


def _assigned(source: str) -> set[str]:
    """The names a cell's source assigns at its top level (``x = 1``, ``x: int = 1``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    targets = [t for node in tree.body if isinstance(node, ast.Assign) for t in node.targets]
    targets += [node.target for node in tree.body if isinstance(node, ast.AnnAssign)]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def check_injected() -> None:
    """Stop when papermill injected a parameter the notebook does not declare (papermill only logs it).

    Called first in every notebook's validation cell. In a kernel, the cells run so far are in
    IPython's ``In``: the last cell papermill injected (it starts with ``# Parameters``) follows the
    notebook's own ``parameters`` cell, and every name it assigns must be assigned there too.
    Outside papermill (JupyterLab, plain Python) there is nothing to check.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is part of the environment
        return
    shell = get_ipython()
    history = list(shell.user_ns.get("In", [])) if shell is not None else []
    injected = [i for i, source in enumerate(history) if i > 0 and source.startswith("# Parameters\n")]
    if not injected:
        return
    declared = _assigned(history[injected[-1] - 1])
    unknown = sorted(_assigned(history[injected[-1]]) - declared)
    if unknown:
        raise ParameterError(unknown[0], shell.user_ns.get(unknown[0]), "the notebook's parameters: "
                             + ", ".join(sorted(declared)), _closest(unknown[0], sorted(declared)),
                             "not a parameter of this notebook")


def _folded(text) -> str:
    """``text`` without diacritics, case or separators: ``Bạc Liêu``, ``BAC-LIEU`` → ``baclieu``."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).lower()


def _closest(value, allowed: list) -> list[str]:
    """The allowed values closest to ``value``, diacritics, capitals and separators aside."""
    by_fold: dict[str, str] = {}
    for a in allowed:
        by_fold.setdefault(_folded(a), str(a))
    folded = _folded(value)
    if folded in by_fold:
        return [by_fold[folded]]
    return [by_fold[f] for f in difflib.get_close_matches(folded, list(by_fold), n=3, cutoff=0.5)]


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


def _listed(value) -> list[str] | None:
    """The members of a list parameter: a comma-separated string (``"bac-lieu,ben-tre"``), a JSON list
    in a string (``'["bac-lieu"]'``) or a list (papermill reads ``-p x '["a"]'`` as one); else ``None``."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    if isinstance(value, list | tuple):
        return [v.strip() for v in value] if all(isinstance(v, str) for v in value) else None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return None


def province_list(name: str, value, *, allow_all: bool = False) -> list[str]:
    """GSO codes of a comma-separated list of slugs (``"all"`` gives every unit if allowed)."""
    allowed = ("'all' or " if allow_all else "") + "comma-separated ASCII slugs such as 'bac-lieu,ben-tre'"
    parts = _listed(value)
    if parts is None or not parts:
        raise ParameterError(name, value, allowed)
    if allow_all and parts == ["all"]:
        return sorted(_provinces.load_reference()["gso_code"])
    codes = [province(name, part) for part in parts]
    if len(set(codes)) != len(codes):
        raise ParameterError(name, value, allowed, problem="a province is listed twice")
    return codes


def _same_type(value, allowed: list) -> bool:
    """``value`` has the type of the allowed values (``2022.0``, ``"2022"`` or ``True`` is no year)."""
    return all(type(value) is type(a) for a in allowed)


def choice(name: str, value, allowed: list) -> object:
    """``value`` if it is one of ``allowed`` and of their type (an int parameter takes no float or text)."""
    listed = ", ".join(repr(a) for a in allowed)
    if allowed and not _same_type(value, allowed):
        kind = _KINDS.get(type(allowed[0]), type(allowed[0]).__name__)
        raise ParameterError(name, value, listed, problem=f"{kind} is needed, not {type(value).__name__} "
                             f"(write {allowed[0]!r}, not {value!r})")
    if value not in allowed:
        raise ParameterError(name, value, listed, _closest(value, allowed))
    return value


_KINDS = {int: "a whole number", str: "text", float: "a number"}


def province_among(name: str, value, codes, what: str) -> str:
    """GSO code of the province slug ``value``, which must be one of ``codes`` (described by ``what``)."""
    code = province(name, value)
    if code not in set(codes):
        slugs = sorted(_provinces.slugify(_provinces.name_of(c)) for c in codes)
        raise ParameterError(name, value, f"a province {what}: " + ", ".join(slugs),
                             problem=f"{_provinces.name_of(code)} is not {what}")
    return code


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
    if _listed(value) == ["all"]:
        return meta.copy()
    in_corpus = set(meta["gso_code"]) - {""}
    absent = [c for c in codes if c not in in_corpus]
    if absent:
        allowed = "'all' or slugs of provinces with an article: " + ", ".join(
            sorted(_provinces.slugify(_provinces.name_of(c)) for c in in_corpus))
        raise ParameterError(name, value, allowed, problem="the corpus has no article about "
                                    + ", ".join(_provinces.name_of(c) for c in absent))
    return meta[meta["gso_code"].isin(codes)].copy()
