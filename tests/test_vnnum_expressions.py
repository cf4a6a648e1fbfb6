"""The Vietnamese numeric parser on a hand-checked list of expressions the corpus lacks.

``tests/data/vnnum_expressions.csv`` holds one written sentence per row, the expression
expected in it (``target``) and its expected reading. A blank cell in ``value``,
``denominator``, ``low``, ``high`` or ``date_iso`` means "none"; a blank ``ambiguous`` means
"not checked". Per-kind accuracy (the share of rows read right, grouped by expected kind):

    PYTHONPATH=src python tests/test_vnnum_expressions.py [path/to/vnnum.py]

With a path, that file is loaded in place of ``helpers.vnnum`` (to measure another version).
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import vnnum

CASES = Path(__file__).parent / "data" / "vnnum_expressions.csv"
FIELDS = ("kind", "value", "denominator", "low", "high", "qualifier", "date_iso")


def load_cases(path: Path = CASES) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _number(cell: str) -> Decimal | None:
    return Decimal(cell) if cell else None


def _expected(case: dict) -> dict:
    return {name: _number(case[name]) if name in ("value", "denominator", "low", "high") else case[name]
            for name in FIELDS}


def _reading(expr) -> dict:
    return {name: getattr(expr, name, None) or (None if name in ("value", "denominator", "low", "high") else "")
            for name in FIELDS}


def mismatches(case: dict, find_expressions=vnnum.find_expressions) -> list[str]:
    """What the parser got wrong on one case ([] if it is right)."""
    at = case["sentence"].find(case["target"])
    try:
        found = find_expressions(case["sentence"])
    except Exception as exc:  # a crash is a wrong reading, reported as such
        return [f"raised {type(exc).__name__}: {exc}"]
    expr = next((e for e in found if e.start == at), None)
    if expr is None:
        return [f"no expression starts at {case['target']!r}; found {[e.text for e in found]}"]
    wrong = [] if expr.text == case["target"] else [f"text {expr.text!r}"]
    got, want = _reading(expr), _expected(case)
    wrong += [f"{name} {got[name]!r} (expected {want[name]!r})" for name in FIELDS if got[name] != want[name]]
    if case["ambiguous"]:
        flagged = bool(getattr(expr, "ambiguity", ""))
        if flagged != (case["ambiguous"] == "yes"):
            wrong.append(f"ambiguity {getattr(expr, 'ambiguity', '')!r} (expected {case['ambiguous']})")
    return wrong


def accuracy_by_kind(find_expressions=vnnum.find_expressions, cases: list[dict] | None = None) -> dict:
    """{expected kind: (right, total)} over the case list, plus ``"all"``."""
    cases = load_cases() if cases is None else cases
    right, total = Counter(), Counter()
    for case in cases:
        ok = not mismatches(case, find_expressions)
        for key in (case["kind"], "all"):
            total[key] += 1
            right[key] += ok
    return {k: (right[k], total[k]) for k in sorted(total, key=lambda k: (k == "all", k))}


def format_accuracy(table: dict) -> str:
    lines = ["| kind | right | total | accuracy |", "|---|---:|---:|---:|"]
    lines += [f"| {k} | {r} | {n} | {r / n:.0%} |" for k, (r, n) in table.items()]
    return "\n".join(lines)


def _load_module(path: str):
    spec = importlib.util.spec_from_file_location("vnnum_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_case_list_is_large_and_well_formed():
    cases = load_cases()
    assert len(cases) >= 80
    for case in cases:
        assert case["target"] in case["sentence"], case
        assert case["kind"] in vnnum.KINDS, case
        assert case["ambiguous"] in ("", "yes", "no"), case


@pytest.mark.parametrize("case", load_cases(), ids=lambda c: f"{c['group']}:{c['target']}")
def test_expression_reads_as_hand_checked(case):
    assert mismatches(case) == []


if __name__ == "__main__":
    module = _load_module(sys.argv[1]) if len(sys.argv) > 1 else vnnum
    print(format_accuracy(accuracy_by_kind(module.find_expressions)))
