"""Vietnamese numeric expressions: find, parse, classify and qualify them.

Numbers follow Babel's ``vi`` locale: "." groups thousands and "," is the decimal mark
("1.234" is one thousand two hundred and thirty-four, "1,5" is one and a half). A token that
is not a well-formed ``vi`` number ("4.0" in "Chợ 4.0") is a label, not a quantity.

Each expression gets a ``kind``:

``count``    a number of things ("1.412 trạm", "gần 4.180 thành viên")
``percent``  "84,59%"
``ratio``    a/b of the same thing ("1.542/1.823 DVCTT") or a rate ("114,01 thuê bao/100 dân")
``rank``     n/63 ("xếp thứ 63/63", "xếp hạng 27/63")
``money``    a sum in VND with tỷ / triệu / nghìn scales ("333 tỷ đồng")
``date``     dd/mm/yyyy, dd/mm, tháng m/yyyy, m/yyyy, năm yyyy, yyyy-yyyy periods
``doc_ref``  a document number ("Nghị định số 82/2024/NĐ-CP", "01-NQ/TU", "Chỉ thị số 07")
``other``    labels and durations ("Chợ 4.0", "4G", "K12", "hơn 3 tháng")

A date or a document number is never a ratio: document numbers are matched first, and a
slash expression is a ratio only when it cannot be a day/month date or a rank.

Only expressions written with digits are found; numbers written as words ("ba", "Bốn năm")
are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

LOCALE = "vi"
KINDS = ("count", "percent", "ratio", "rank", "money", "date", "doc_ref", "other")
QUALIFIERS = ("exact", "more_than", "less_than", "approx", "at_least", "at_most")

#: Number of provinces ranked by the DTI before the 2025 merger (the rank denominator).
N_PROVINCES = 63

_L = "A-Za-zÀ-ỹĐđ"  # letters of Vietnamese in NFC
NUM = r"\d+(?:[.,]\d+)*"
_PATTERN = re.compile(
    rf"""
    (?<![\w/.,])(?:
      (?P<docref>\d+(?:/\d{{4}})?[/-][A-ZĐ]{{2}}[{_L}]*(?:[-/][A-ZĐ][{_L}]*)*)
    | (?P<range>(?:19|20)\d{{2}}\s?[-–]\s?(?:19|20)\d{{2}})(?![\d/])
    | (?P<dmy>\d{{1,2}}/\d{{1,2}}/\d{{4}})(?![\d/])
    | (?P<my>\d{{1,2}}/\d{{4}})(?![\d/])
    | (?P<per>{NUM}(?:\s[^\W\d_]+){{1,2}}/\d+\s(?:dân|người|hộ))(?!\w)
    | (?P<frac>{NUM}/{NUM})(?![\d/])
    | (?P<pct>{NUM}\s?(?:%|phần\s+trăm))
    | (?P<money>{NUM}(?:\s(?:nghìn|ngàn|triệu|tỷ|tỉ))*\s(?:đồng|VNĐ|VND))(?!\w)
    | (?P<label>\d+[{_L}][\w]*)
    | (?P<num>{NUM})(?![\w])
    )
    | (?<![\w])(?P<label2>[{_L}]+\d[\w]*)
    """,
    re.VERBOSE,
)

_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}

# Words before a number (lower-case; longest first) and the qualifier they give.
_QUALIFIER_WORDS = [
    ("ước đạt", "approx"), ("ước tính", "approx"), ("xấp xỉ", "approx"), ("gần như", "approx"),
    ("chưa đến", "less_than"), ("chưa tới", "less_than"), ("không quá", "at_most"),
    ("ít nhất", "at_least"), ("tối thiểu", "at_least"), ("tối đa", "at_most"),
    ("hơn", "more_than"), ("trên", "more_than"), ("ngoài", "more_than"),
    ("gần", "approx"), ("khoảng", "approx"), ("ước", "approx"), ("chừng", "approx"),
    ("dưới", "less_than"), ("đạt", "exact"),
]
_DATE_CUES = ("ngày", "sáng", "chiều", "trưa", "tối", "đêm", "hôm", "từ", "đến")
_RANK_CUES = ("xếp hạng", "xếp thứ", "đứng thứ", "hạng", "thứ hạng")
_DOC_CUES = ("nghị định", "nghị quyết", "quyết định", "chỉ thị", "thông tư", "đề án",
             "kế hoạch", "công văn", "luật", "thông báo", "chương trình")
_LABEL_CUES = ("bài", "phần", "chương", "điều", "khoản", "phiên bản")
_DURATIONS = {"tháng": "months", "năm": "years", "ngày": "days", "tuần": "weeks",
              "giờ": "hours", "phút": "minutes", "quý": "quarters"}

#: Vietnamese nouns after a count and the English unit recorded for them (longest first).
UNITS = {
    "thuê bao": "subscribers", "thành viên": "members", "tổ công nghệ số": "teams",
    "tổ cđs": "teams", "tổ": "teams", "dvctt": "services", "dịch vụ công": "services",
    "thủ tục": "procedures", "dự án": "projects", "doanh nghiệp": "enterprises",
    "trạm": "stations", "hộ dân": "households", "hộ": "households", "người": "people",
    "sản phẩm": "products", "tài khoản": "accounts", "cá nhân": "individuals",
    "tổ chức": "organisations", "máy": "devices", "phần mềm": "software systems",
    "điểm cầu": "conference points", "cấp": "levels", "lĩnh vực": "fields",
    "chỉ tiêu": "indicators", "phương tiện": "channels", "trụ cột": "pillars",
    "học viên": "trainees", "xã": "communes", "huyện": "districts", "tỉnh": "provinces",
    "số dân": "people",
}


_PER_WHO = {"dân": "inhabitants", "người": "people", "hộ": "households"}


@dataclass(frozen=True)
class Expression:
    """One numeric expression found in a text; ``start``/``end`` index that text."""

    start: int
    end: int
    text: str
    kind: str
    value: Decimal | None = None
    denominator: Decimal | None = None
    unit: str = ""
    qualifier: str = "exact"
    date_iso: str = ""
    date_precision: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict, compare=False)


def parse_number(token: str) -> Decimal:
    """Parse a number written the Vietnamese way (Babel ``vi``), strictly.

    >>> parse_number("1.234"), parse_number("1,5"), parse_number("1.482.176")
    (Decimal('1234'), Decimal('1.5'), Decimal('1482176'))

    Raises ``ValueError`` for a token that is not a well-formed ``vi`` number ("4.0").
    """
    try:
        return parse_decimal(token, locale=LOCALE, strict=True)
    except NumberFormatError as exc:
        raise ValueError(f"{token!r} is not a number in the vi locale ({exc})") from exc


def canonical(value: Decimal | None) -> str:
    """Plain decimal string without exponent or trailing zeros ("333000000000", "84.59")."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _before(text: str, start: int, chars: int = 40) -> str:
    return text[max(0, start - chars):start].lower()


def _after(text: str, end: int, chars: int = 40) -> str:
    return text[end:end + chars]


def qualifier_before(text: str, start: int) -> str:
    """Qualifier from the words just before ``start`` ("hơn", "gần", "ước đạt", ...)."""
    before = _before(text, start).rstrip()
    for words, qualifier in _QUALIFIER_WORDS:
        if re.search(rf"(?<!\w){re.escape(words)}$", before):
            return qualifier
    return "exact"


def _ends_with(before: str, cues) -> bool:
    before = before.rstrip(" (")
    return any(re.search(rf"(?<!\w){re.escape(c)}(?:\s+số)?$", before) for c in cues)


def unit_after(text: str, end: int) -> str:
    """English unit for the noun after a count, or the Vietnamese words themselves."""
    after = _after(text, end, 30).lstrip().lower()
    for noun in sorted(UNITS, key=len, reverse=True):
        if re.match(rf"{re.escape(noun)}(?!\w)", after):
            return UNITS[noun]
    m = re.match(r"[^\W\d_]+", after)
    return m.group(0) if m else ""


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def _date(span_text: str, day: int | None, month: int | None, year: int | None) -> dict:
    if day is not None:
        iso = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        return {"date_iso": iso, "date_precision": "day",
                "extra": {"year": year, "month": month, "day": day}}
    if month is not None:
        return {"date_iso": f"{year:04d}-{month:02d}", "date_precision": "month",
                "extra": {"year": year, "month": month, "day": None}}
    return {"date_iso": f"{year:04d}", "date_precision": "year",
            "extra": {"year": year, "month": None, "day": None}}


def _classify(text: str, m: re.Match) -> Expression | None:
    group = m.lastgroup
    tok = m.group(group)
    start, end = m.start(group), m.end(group)
    before = _before(text, start)
    qual = qualifier_before(text, start)

    def make(kind, **kw):
        kw.setdefault("qualifier", qual)
        return Expression(start, end, tok, kind, **kw)

    if group == "docref":
        return make("doc_ref", unit="document number", qualifier="exact")
    if group == "range":
        a, b = re.split(r"\s?[-–]\s?", tok)
        return make("date", date_iso=f"{a}/{b}", date_precision="year", unit="period",
                    qualifier="exact", extra={"year": int(a), "month": None, "day": None})
    if group == "dmy":
        d, mo, y = (int(x) for x in tok.split("/"))
        if _valid_day_month(d, mo):
            return make("date", qualifier="exact", **_date(tok, d, mo, y))
        return make("other", unit="unparsed slash expression", qualifier="exact")
    if group == "my":
        mo, y = (int(x) for x in tok.split("/"))
        if 1 <= mo <= 12:
            return make("date", qualifier="exact", **_date(tok, None, mo, y))
        return make("other", unit="unparsed slash expression", qualifier="exact")
    if group == "per":
        num, rest = tok.split(None, 1)
        what, per = rest.rsplit("/", 1)
        per_n, who = per.split(None, 1)
        return make("ratio", value=parse_number(num), denominator=parse_number(per_n),
                    unit=f"{UNITS.get(what.lower(), what)} per {per_n} {_PER_WHO[who]}")
    if group == "frac":
        a_txt, b_txt = tok.split("/")
        grouped = any(ch in tok for ch in ".,")
        try:
            a, b = parse_number(a_txt), parse_number(b_txt)
        except ValueError:
            return make("other", unit="unparsed slash expression", qualifier="exact")
        if _ends_with(before, _RANK_CUES) or (b == N_PROVINCES and 1 <= a <= N_PROVINCES and not grouped):
            return make("rank", value=a, denominator=b, unit="provinces")
        if _ends_with(before, _DOC_CUES):
            return make("doc_ref", unit="document number", qualifier="exact")
        if not grouped and _valid_day_month(int(a), int(b)):
            return make("date", qualifier="exact", **_date(tok, int(a), int(b), None))
        return make("ratio", value=a, denominator=b, unit=unit_after(text, end))
    if group == "pct":
        num = re.match(NUM, tok).group(0)
        return make("percent", value=parse_number(num), unit="percent")
    if group == "money":
        parts = tok.split()
        value = parse_number(parts[0])
        for word in parts[1:-1]:
            value *= _SCALES[word]
        return make("money", value=value, unit="VND")
    if group in ("label", "label2"):
        return make("other", unit="label", qualifier="exact")
    # plain number
    try:
        value = parse_number(tok)
    except ValueError:
        return make("other", unit="label", qualifier="exact", note="not a vi-locale number")
    if _ends_with(before, _DOC_CUES):
        return make("doc_ref", unit="document number", qualifier="exact")
    if _ends_with(before, _LABEL_CUES):
        return make("other", unit="label", qualifier="exact")
    if _ends_with(before, _RANK_CUES):
        return make("rank", value=value, unit="provinces")
    if "." not in tok and "," not in tok and re.fullmatch(r"(?:19|20)\d{2}", tok):
        return make("date", qualifier="exact", **_date(tok, None, None, int(tok)))
    after = _after(text, end, 12).lstrip().lower()
    dur = re.match(r"[^\W\d_]+", after)
    if dur and dur.group(0) in _DURATIONS:
        return make("other", value=value, unit=_DURATIONS[dur.group(0)], note="duration")
    return make("count", value=value, unit=unit_after(text, end))


def find_expressions(text: str) -> list[Expression]:
    """Every numeric expression in ``text`` (normalised), in order of position."""
    found = []
    for m in _PATTERN.finditer(text):
        expr = _classify(text, m)
        if expr is not None:
            found.append(expr)
    return found


def parse(expression: str) -> Expression:
    """Classify a single expression given with its context words, e.g. ``"hơn 95%"``.

    The expression returned is the last one found (the words before it give the context).
    Raises ``ValueError`` if the text holds no numeric expression.
    """
    found = find_expressions(expression)
    if not found:
        raise ValueError(f"no numeric expression in {expression!r}")
    return found[-1]
