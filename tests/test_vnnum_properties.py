"""Property-based tests of the Vietnamese numeric parser (hypothesis, derandomised).

Every run draws the same examples (``derandomize=True``) and keeps no example database; the
caches hypothesis writes go to the system temporary folder, not the working tree. Show the number of examples with
``pytest tests/test_vnnum_properties.py --hypothesis-show-statistics``.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from helpers import vnnum

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hypothesis-vnnum")

EXAMPLES = 400
REPRODUCIBLE = settings(derandomize=True, database=None, deadline=None, max_examples=EXAMPLES,
                        suppress_health_check=[HealthCheck.too_slow])

#: Characters that reach the number patterns: digits, separators, signs and Vietnamese words.
NUMERIC_ALPHABET = "0123456789 .,/-–%$()\n" + "đồngtỷriệunghìnquýIVhạngbậctăngiảmtrêndướikhônghơnUSDhaCOVID"
QUALIFIERS = {"": "exact", "hơn ": "more_than", "khoảng ": "approx", "không dưới ": "at_least",
              "không quá ": "at_most", "chưa đến ": "less_than", "trên dưới ": "approx"}


def check_well_formed(text: str) -> list[vnnum.Expression]:
    found = vnnum.find_expressions(text)
    last_end = 0
    for e in found:
        assert text[e.start:e.end] == e.text
        assert e.start >= last_end, "expressions overlap"
        last_end = e.end
        assert e.kind in vnnum.KINDS
        if e.low is not None or e.high is not None:
            assert e.value is None and e.low <= e.high
        if e.unit == "unparsed":
            assert e.kind == "other" and e.note.startswith("unparsed")
    return found


@REPRODUCIBLE
@given(st.text())
def test_never_raises_on_arbitrary_unicode(text):
    check_well_formed(text)


@REPRODUCIBLE
@given(st.text(alphabet=NUMERIC_ALPHABET, max_size=60))
def test_never_raises_on_number_like_text(text):
    check_well_formed(text)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999"), places=2)


def vi(value: Decimal) -> str:
    return format_decimal(value, locale=vnnum.LOCALE)


@REPRODUCIBLE
@given(amounts, st.sampled_from(sorted(QUALIFIERS)),
       st.sampled_from([("%", "percent", 1), (" tỷ đồng", "money", 10**9), (" triệu USD", "money", 10**6),
                        (" đồng", "money", 1), (" người", "count", 1), (" ha", "measure", 1)]))
def test_generated_vi_amounts_read_back(value, qualifier, suffix):
    tail, kind, factor = suffix
    token = vi(value)
    e = check_well_formed(f"Năm nay tỉnh đạt {qualifier}{token}{tail} theo báo cáo.")[0]
    span = token if kind == "count" else token + tail  # a count's noun is not part of the expression
    assert (e.text, e.kind, e.value, e.qualifier) == (span, kind, value * factor, QUALIFIERS[qualifier])
    reads_two_ways = re.fullmatch(r"[0-9]{1,3}\.[0-9]{3}", token) and (kind in ("percent", "measure") or factor > 1)
    assert bool(e.ambiguity) == bool(reads_two_ways)


@REPRODUCIBLE
@given(st.integers(0, 99), st.integers(1, 99), st.sampled_from(["1", "25", "75", "05"]))
def test_decimal_points_before_a_percent_are_read_and_noted(whole, _, fraction):
    e = check_well_formed(f"tăng {whole}.{fraction}% so với cùng kỳ")[0]
    assert (e.kind, e.value) == ("percent", Decimal(f"{whole}.{fraction}"))
    assert "decimal point" in e.note


@REPRODUCIBLE
@given(st.integers(1, 10**6), st.integers(0, 10**6), st.sampled_from(["%", " doanh nghiệp", " tỷ đồng"]),
       st.sampled_from([" - ", "-", " đến "]))
def test_generated_ranges_keep_both_ends(low, width, tail, sep):
    high = low + width
    text = f"khoảng {vi(Decimal(low))}{sep}{vi(Decimal(high))}{tail} mỗi năm"
    found = check_well_formed(text)
    factor = 10**9 if "tỷ" in tail else 1
    if 1900 <= high <= 2099:  # a bare year never closes a range
        return
    e = found[0]
    assert (e.low, e.high, e.value, e.qualifier) == (low * factor, high * factor, None, "approx")


@REPRODUCIBLE
@given(st.integers(1, 31), st.integers(1, 12), st.integers(1990, 2040))
def test_generated_dates_are_checked_against_the_calendar(day, month, year):
    e = check_well_formed(f"Văn bản ký ngày {day}/{month}/{year} tại tỉnh.")[0]
    try:
        expected = datetime.date(year, month, day).isoformat()
    except ValueError:
        assert (e.kind, e.date_iso) == ("other", "")
    else:
        assert (e.kind, e.date_iso) == ("date", expected)


@REPRODUCIBLE
@given(st.integers(1, 100), st.integers(1, 100), st.sampled_from(["huyện", "xã", "dân số", "điểm"]))
def test_shares_of_things_are_ratios_not_dates(a, b, noun):
    e = check_well_formed(f"Có {a}/{b} {noun} đã hoàn thành.")[0]
    assert (e.kind, e.value, e.denominator) == ("ratio", Decimal(a), Decimal(b))


@REPRODUCIBLE
@given(st.sampled_from(["tăng", "giảm", "tụt", "lên", "thăng"]), st.integers(1, 62))
def test_rank_changes_are_signed(verb, places):
    e = check_well_formed(f"Năm nay tỉnh {verb} {places} bậc so với năm trước.")[0]
    sign = -1 if verb in ("giảm", "tụt") else 1
    assert (e.kind, e.value) == ("rank_change", Decimal(sign * places))


#: Number words, nouns and cue words of the parser, to build sentences of words and digits.
WORD_PIECES = ["một", "hai", "ba", "bốn", "năm", "mười", "mươi", "lăm", "tư", "trăm", "linh", "nghìn", "triệu",
               "tỷ", "rưỡi", "nửa", "phần", "trăm", "gấp", "đôi", "lần", "điểm", "tháng", "đầu", "năm", "trước",
               "ngày", "nhóm", "tỉnh", "dẫn", "đầu", "cuối", "bảng", "cấp", "độ", "mức", "huyện", "cán", "bộ",
               "đồng", "k", "tr", "đến", "-", ",", ".", "Hai", "Năm", "thứ", "số", "12", "1,5", "2024", "30/6/2025",
               "3tr5", "15k", "0,45"]


@REPRODUCIBLE
@given(st.lists(st.sampled_from(WORD_PIECES), max_size=14), st.sampled_from([" ", ""]))
def test_never_raises_on_words_and_numbers(pieces, glue):
    text = " ".join(pieces) if glue else "".join(pieces)
    for e in check_well_formed(text):
        assert e.kind != "other" or e.unit != "unparsed", e
