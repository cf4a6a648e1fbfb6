"""Vietnamese numeric expressions: find, parse, classify and qualify them.

Numbers follow Babel's ``vi`` locale: "." groups thousands and "," is the decimal mark
("1.234" is one thousand two hundred and thirty-four, "1,5" is one and a half). Thousands
grouped by spaces ("1 234 567") are one number.

Each expression gets a ``kind``:

``count``        a number of things ("1.412 trạm", "gần 4.180 thành viên", "1,5 triệu thuê bao")
``percent``      "84,59%"
``ratio``        a/b of the same thing ("1.542/1.823 DVCTT", "5/7 huyện") or a rate ("114,01 thuê bao/100 dân")
``rank``         a position in a ranking ("xếp thứ 63/63", "58 trên 63", "hạng 5", "top 10", "7/34")
``rank_change``  a move in a ranking, signed ("tăng 5 bậc" = +5, "giảm 3 bậc" = -3)
``money``        a sum with its currency (VND, USD, EUR) and tỷ / triệu / nghìn scales ("333 tỷ đồng", "100.000đ")
``measure``      a physical quantity with its unit ("5.000ha", "120km", "50MW")
``date``         dd/mm/yyyy, dd-mm-yyyy, dd/mm, tháng m/yyyy, m/yyyy, quý III/2023, năm yyyy, yyyy-yyyy periods
``doc_ref``      a document number ("Nghị định số 82/2024/NĐ-CP", "Luật số 20/2023/QH15", "Nghị quyết 09/2021")
``other``        labels, durations, phone numbers and what cannot be read ("Chợ 4.0", "4G", "COVID-19",
                 "hơn 3 tháng", "1900 1234", "ngày 31/4/2024"); ``note`` gives the reason

A range ("khoảng 30 - 40%", "từ 15 đến 20%", "2.000-3.000") keeps the kind of its ends, leaves
``value`` empty and sets ``low`` and ``high`` (a scale or currency after the second end applies to
both: "1,5 đến 2 triệu đồng" is 1 500 000 to 2 000 000 VND).

``qualifier`` comes from the words before the number (longest match first): ``more_than`` (hơn,
trên), ``less_than`` (dưới, chưa đến), ``approx`` (khoảng, gần, ước đạt, trên dưới), ``at_least``
(ít nhất, không dưới, tối thiểu; or "trở lên" after it), ``at_most`` (không quá, tối đa; or "trở
xuống" after it), else ``exact``. A negation reverses the comparative it precedes.

Rules for slashes. Document numbers are matched first, then a word before the number decides
(a document word makes any slash expression a ``doc_ref``, a rank word a ``rank``, a date word an
impossible date ``other``). Otherwise a/b is a rank when b is 63 (provinces before the 2025
merger) or 34 (after it) and a <= b; a day/month date when it is a valid one and no count noun
follows ("5/7 huyện", "1/3 dân số", "10/10 điểm" are ratios); else a ratio. Dates are checked
against the calendar (29/2 only in leap years).

Scale words multiply ("1,5 triệu" = 1 500 000). With a currency the result is ``money``; without
one it is ``money`` in VND only when a money word (doanh thu, vốn, kinh phí, ngân sách, ...) comes
before it in the clause, and ``note`` says the currency was assumed; otherwise it is a ``count``
("1,2 triệu người"). "top 10" is a rank with qualifier ``at_most``. A number after "điện thoại",
"hotline", "đường dây nóng" or "tổng đài", and any 0xxx xxx xxx or 1800/1900 xxxx number, is a phone
number (``other``).

Ambiguity policy. A well-formed ``vi`` number is read the ``vi`` way; where the context decides
otherwise or leaves a second reading open, the expression records it (``read_number``):

* a "." followed by other than three digits ("1.5%", "2.75%", "3.2 tỷ USD") cannot group thousands;
  where a fractional value makes sense (before %, a scale word, a currency or a unit of measure)
  it is read as a decimal point and ``note`` says so; elsewhere ("Chợ 4.0") the token is a label;
* a single "." followed by exactly three digits ("1.500 tỷ", "1.200%", "5.000ha") reads both ways
  where a fractional value makes sense: the ``vi`` reading (thousands) is kept and ``ambiguity``
  (copied to ``note``) gives the decimal reading. Counts of things and sums without a scale word
  ("1.412 trạm", "1.200 USD") are not ambiguous: their decimal reading is not plausible;
* a single "," followed by exactly three digits in a count ("1,500 người") is kept as the ``vi``
  decimal (1.5) and ``ambiguity`` gives the English thousands reading (1500).

``ambiguity`` is empty for every other expression, so a reader can list exactly the readings that
rest on the convention; a document that writes decimal points the English way throughout shows
up as a run of "decimal point" notes.

Only expressions written with digits are found; numbers written as words ("ba", "Bốn năm") are
not. ``find_expressions`` never raises: an expression that cannot be read becomes ``other`` with
the reason in ``note``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

from . import study

LOCALE = "vi"
KINDS = ("count", "percent", "ratio", "rank", "rank_change", "money", "measure", "date", "doc_ref", "other")

#: Number of provinces ranked by the DTI before the 2025 merger (the rank denominator).
N_PROVINCES = study.PROVINCES.n_units
#: Number of provincial units after the 2025 merger.
N_PROVINCES_2025 = study.UNITS.n_units
RANK_DENOMINATORS = (N_PROVINCES, N_PROVINCES_2025)

_L = "A-Za-zÀ-ỹĐđ"  # letters of Vietnamese in NFC
_SP = "[ \u00a0\u202f]"  # a space inside a space-grouped number
_PLAIN = r"[0-9]+(?:[.,][0-9]+)*"
NUM = rf"(?:[1-9][0-9]{{0,2}}(?:{_SP}[0-9]{{3}})+(?![0-9])(?:,[0-9]+)?|{_PLAIN})"
_NOT_YEAR = r"(?!(?:19|20)[0-9]{2}(?![0-9]))"
_SCALE_WORDS = r"(?:nghìn|ngàn|triệu|tỷ|tỉ)"
_CURRENCY_WORDS = r"(?:đồng|VNĐ|VND|USD|EUR|[Ee]uro|đô\sla(?:\sMỹ)?|đô-la|đ)"
_MEASURE_WORDS = r"(?:km2|km²|km|ha|m2|m²|MWh|MW|kWh|kW|GB|TB|Mbps|Gbps|tấn|kg)"
_PATTERN = re.compile(
    rf"""
      (?<!\w)(?P<rankchg>(?i:tăng|giảm|tụt|lên|xuống|thăng|rớt|sụt)(?:\s(?:thêm|tiếp))?\s[0-9]{{1,2}}\s
                         (?:bậc|hạng|vị\strí))(?!\w)
    | (?<!\w)(?P<quarter>[Qq]uý\s(?:IV|I{{1,3}}|[1-4])(?:/|\s(?:năm\s)?)(?:19|20)[0-9]{{2}})(?![0-9])
    | (?<![\w-])(?P<label_hyphen>[{_L}]\w*(?:-\w+)*-[0-9]\w*)
    | (?<!\w)(?P<label_letters>[{_L}]+[0-9]\w*)
    | (?<![\w/.,])(?:
      (?P<docref>[0-9]+(?:/[0-9]{{4}})?[/-][A-ZĐ]{{2}}\w*(?:[-/][A-ZĐ]\w*)*)
    | (?P<phone>(?:0[0-9]{{2,3}}(?:[ .-][0-9]{{3,4}}){{2}}|0[0-9]{{9,10}}|1[89]00(?:[ .]?[0-9]{{2,4}}){{1,2}}))(?![0-9])
    | (?P<period>(?:19|20)[0-9]{{2}}\s?[-–]\s?(?:19|20)[0-9]{{2}})(?![0-9/])
    | (?P<dmy>[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}|[0-9]{{1,2}}-[0-9]{{1,2}}-(?:19|20)[0-9]{{2}})(?![0-9/-])
    | (?P<my>[0-9]{{1,2}}/[0-9]{{4}})(?![0-9/])
    | (?P<per>{_PLAIN}(?:\s[^\W\d_]+){{1,2}}/[0-9]+\s(?:dân|người|hộ))(?!\w)
    | (?P<ontotal>[0-9]{{1,3}}\strên\s(?:tổng\ssố\s)?[0-9]{{1,3}})(?![0-9/%]|[.,][0-9]|\w)
    | (?P<frac>{_PLAIN}/{_PLAIN})(?![0-9/])
    | (?P<qty>(?P<dollar>\$\s?)?(?P<n1>{NUM})(?P<pct1>\s?%)?
             (?:(?:\s?[-–]\s?|\s(?:đến|tới)\s){_NOT_YEAR}(?P<n2>{NUM}))?
             (?P<scale>(?:\s{_SCALE_WORDS})*)
             (?:\s?(?P<pct>%|phần\s+trăm)|\s?(?P<cur>{_CURRENCY_WORDS})|\s?(?P<measure>{_MEASURE_WORDS}))?
      )(?![\w%])
    | (?P<label_digits>[0-9]+[{_L}]\w*)
    )
    """,
    re.VERBOSE,
)
_GROUPS = ("rankchg", "quarter", "label_hyphen", "label_letters", "docref", "phone", "period", "dmy", "my",
           "per", "ontotal", "frac", "qty", "label_digits")

_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_CURRENCIES = {"đồng": "VND", "vnđ": "VND", "vnd": "VND", "đ": "VND", "usd": "USD", "đô la": "USD",
               "đô la mỹ": "USD", "đô-la": "USD", "$": "USD", "eur": "EUR", "euro": "EUR"}
_MEASURES = {"km2": "square kilometres", "km²": "square kilometres", "km": "kilometres", "ha": "hectares",
             "m2": "square metres", "m²": "square metres", "mwh": "megawatt hours", "mw": "megawatts",
             "kwh": "kilowatt hours", "kw": "kilowatts", "gb": "gigabytes", "tb": "terabytes",
             "mbps": "megabits per second", "gbps": "gigabits per second", "tấn": "tonnes", "kg": "kilograms"}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}

# Words before a number (lower-case) and the qualifier they give; the longest match wins.
_QUALIFIER_WORDS = {
    "ước đạt": "approx", "ước tính": "approx", "xấp xỉ": "approx", "gần như": "approx", "trên dưới": "approx",
    "gần": "approx", "khoảng": "approx", "ước": "approx", "chừng": "approx",
    "chưa đến": "less_than", "chưa tới": "less_than", "chưa đầy": "less_than", "dưới": "less_than",
    "ít hơn": "less_than", "thấp hơn": "less_than",
    "hơn": "more_than", "trên": "more_than", "ngoài": "more_than", "nhiều hơn": "more_than",
    "cao hơn": "more_than", "vượt": "more_than",
    "ít nhất": "at_least", "tối thiểu": "at_least", "không dưới": "at_least", "không ít hơn": "at_least",
    "không thấp hơn": "at_least", "chưa dưới": "at_least",
    "tối đa": "at_most", "không quá": "at_most", "không vượt quá": "at_most", "không hơn": "at_most",
    "không nhiều hơn": "at_most", "không cao hơn": "at_most", "không vượt": "at_most", "không trên": "at_most",
    "đạt": "exact",
}
_QUALIFIER_AFTER = {"trở lên": "at_least", "trở xuống": "at_most"}
_DATE_CUES = ("ngày", "sáng", "chiều", "trưa", "tối", "đêm", "hôm", "tháng")
_RANK_CUES = ("xếp hạng", "xếp thứ", "đứng thứ", "hạng", "thứ hạng", "vị trí")
_DOC_CUES = ("nghị định", "nghị quyết", "quyết định", "chỉ thị", "thông tư", "đề án",
             "kế hoạch", "công văn", "luật", "thông báo", "chương trình")
_LABEL_CUES = ("bài", "phần", "chương", "điều", "khoản", "phiên bản")
_PHONE_CUES = ("điện thoại", "đường dây nóng", "hotline", "tổng đài", "số máy", "fax", "đt", "sđt")
_MONEY_CUES = ("doanh thu", "vốn", "đầu tư", "kinh phí", "ngân sách", "giá trị", "trị giá", "mức giá", "có giá",
               "chi phí", "chi tiêu", "tổng mức", "lợi nhuận", "kim ngạch", "nộp", "tiền")
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
#: Nouns after a/b that make it a share of things, not a day/month date (besides ``UNITS``).
FRACTION_NOUNS = {"dân số": "population", "điểm": "points", "sở": "departments", "ngành": "sectors",
                  "đơn vị": "units", "cơ quan": "agencies", "địa phương": "localities", "trường": "schools"}
#: Nouns after a/63 or a/34 that still make it a rank of provinces.
_PROVINCE_NOUNS = ("provinces", "localities")
_PER_WHO = {"dân": "inhabitants", "người": "people", "hộ": "households"}


@dataclass(frozen=True)
class Expression:
    """One numeric expression found in a text; ``start``/``end`` index that text.

    ``low``/``high`` are set for a range (then ``value`` is None); ``ambiguity`` is empty unless the
    number reads two ways (see the module's ambiguity policy) and then gives the reading not taken.
    """

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
    low: Decimal | None = None
    high: Decimal | None = None
    ambiguity: str = ""
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Reading:
    """A number token read: its value, a note on how, and the reading not taken (if any)."""

    value: Decimal
    note: str = ""
    ambiguity: str = ""


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


def read_number(token: str, context: str = "count") -> Reading:
    """Read a number token under the ambiguity policy of this module.

    ``context`` says what the number measures: ``"count"`` (whole things: "." only groups
    thousands), ``"sum"`` (money without a scale word: a decimal point is accepted) or
    ``"measure"`` (percent, scale word, unit: a decimal point is accepted and "1.500" is ambiguous).
    Raises ``ValueError`` for a token that cannot be read in that context.
    """
    compact = re.sub(_SP, "", token)
    if compact != token:
        return Reading(Decimal(compact.replace(",", ".")), note="thousands grouped by spaces")
    try:
        value = parse_number(token)
    except ValueError:
        if context != "count" and re.fullmatch(r"[0-9]+\.[0-9]+", token):
            return Reading(Decimal(token), note="'.' read as a decimal point (it cannot group thousands here); "
                                                "the vi locale writes ','")
        raise
    if context == "measure" and re.fullmatch(r"[0-9]{1,3}\.[0-9]{3}", token):
        return Reading(value, ambiguity=f"'.' read as the vi thousands separator; as a decimal point "
                                        f"it would be {canonical(Decimal(token))}")
    if context == "count" and re.fullmatch(r"[0-9]{1,3},[0-9]{3}", token):
        return Reading(value, ambiguity=f"',' read as the vi decimal mark; as a thousands separator "
                                        f"it would be {token.replace(',', '')}")
    return Reading(value)


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


def _clause_before(text: str, start: int, chars: int = 60) -> str:
    """The words before ``start`` back to the last sentence or clause break (lower case)."""
    return re.split(r"[.;!?:\n](?:\s|$)", _before(text, start, chars))[-1]


def qualifier_before(text: str, start: int) -> str:
    """Qualifier from the words just before ``start`` ("hơn", "không dưới", "ước đạt", ...)."""
    before = _before(text, start).rstrip()
    best = ""
    for words in _QUALIFIER_WORDS:
        if len(words) > len(best) and re.search(rf"(?<!\w){re.escape(words)}$", before):
            best = words
    return _QUALIFIER_WORDS.get(best, "exact")


def qualifier_after(text: str, end: int) -> str:
    """Qualifier from the words just after ``end`` ("trở lên", "trở xuống"), or ``""``."""
    m = re.match(r"(?:\s*[^\W\d_]+){0,2}?\s*(trở lên|trở xuống)(?!\w)", _after(text, end, 30).lower())
    return _QUALIFIER_AFTER[m.group(1)] if m else ""


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


def _noun_after(text: str, end: int) -> str:
    """English name of a known count noun right after ``end`` (``UNITS``, ``FRACTION_NOUNS``), or ``""``."""
    after = _after(text, end, 30).lstrip().lower()
    nouns = {**UNITS, **FRACTION_NOUNS}
    for noun in sorted(nouns, key=len, reverse=True):
        if re.match(rf"{re.escape(noun)}(?!\w)", after):
            return nouns[noun]
    return ""


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except (ValueError, OverflowError):
        return False
    return True


def _valid_day_month(day: int, month: int) -> bool:
    """A day/month that exists in some year (29/2 included)."""
    return _real_date(2000, month, day)


def _date(day: int | None, month: int | None, year: int | None) -> dict:
    if day is not None:
        iso = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        return {"date_iso": iso, "date_precision": "day",
                "extra": {"year": year, "month": month, "day": day}}
    if month is not None:
        return {"date_iso": f"{year:04d}-{month:02d}", "date_precision": "month",
                "extra": {"year": year, "month": month, "day": None}}
    return {"date_iso": f"{year:04d}", "date_precision": "year",
            "extra": {"year": year, "month": None, "day": None}}


class _Found:
    """One regex match with its context: the matched group, the words around it, its qualifier."""

    def __init__(self, text: str, m: re.Match, group: str):
        self.text, self.m, self.group = text, m, group
        self.tok, self.start, self.end = m.group(group), m.start(group), m.end(group)
        self.before = _before(text, self.start)
        self.qualifier = qualifier_before(text, self.start)
        if self.qualifier == "exact":
            self.qualifier = qualifier_after(text, self.end) or "exact"

    def make(self, kind: str, **kw) -> Expression:
        kw.setdefault("qualifier", self.qualifier)
        if kw.get("ambiguity") and not kw.get("note"):
            kw["note"] = kw["ambiguity"]
        return Expression(self.start, self.end, self.tok, kind, **kw)

    def other(self, note: str, unit: str = "label") -> Expression:
        return self.make("other", unit=unit, qualifier="exact", note=note)


def _label(f: _Found) -> Expression:
    return f.make("other", unit="label", qualifier="exact")


def _doc_ref(f: _Found) -> Expression:
    return f.make("doc_ref", unit="document number", qualifier="exact")


def _phone(f: _Found) -> Expression:
    return f.other("a phone number, not a figure", unit="phone number")


def _rank_change(f: _Found) -> Expression:
    verb, places = re.match(r"(\S+)(?:\s(?:thêm|tiếp))?\s([0-9]+)", f.tok).groups()
    sign = -1 if verb.lower() in ("giảm", "tụt", "xuống", "rớt", "sụt") else 1
    return f.make("rank_change", value=Decimal(sign * int(places)), unit="places")


def _quarter(f: _Found) -> Expression:
    q_txt, y_txt = re.fullmatch(r"[Qq]uý\s(IV|I{1,3}|[1-4])\D+([0-9]{4})", f.tok).groups()
    quarter, year = _ROMAN.get(q_txt) or int(q_txt), int(y_txt)
    return f.make("date", qualifier="exact", date_iso=f"{year:04d}-Q{quarter}", date_precision="quarter",
                  extra={"year": year, "month": None, "day": None, "quarter": quarter})


def _period(f: _Found) -> Expression:
    a, b = re.split(r"\s?[-–]\s?", f.tok)
    return f.make("date", date_iso=f"{a}/{b}", date_precision="year", unit="period",
                  qualifier="exact", extra={"year": int(a), "month": None, "day": None})


def _day_month_year(f: _Found) -> Expression:
    day, month, year = (int(x) for x in re.split(r"[/-]", f.tok))
    if not _real_date(year, month, day):
        return f.other(f"impossible date (day {day}, month {month}, year {year})", unit="unparsed date")
    return f.make("date", qualifier="exact", **_date(day, month, year))


def _month_year(f: _Found) -> Expression:
    if _ends_with(f.before, _DOC_CUES):
        return _doc_ref(f)
    month, year = (int(x) for x in f.tok.split("/"))
    if 1 <= month <= 12:
        return f.make("date", qualifier="exact", **_date(None, month, year))
    return f.other(f"impossible date (month {month})", unit="unparsed date")


def _per(f: _Found) -> Expression:
    num, rest = f.tok.split(None, 1)
    what, per = rest.rsplit("/", 1)
    per_n, who = per.split(None, 1)
    return f.make("ratio", value=parse_number(num), denominator=parse_number(per_n),
                  unit=f"{UNITS.get(what.lower(), what)} per {per_n} {_PER_WHO[who]}")


def _on_total(f: _Found) -> Expression:
    """"58 trên 63": a rank out of the provinces, else a share ("3 trên 5 xã")."""
    a, b = (Decimal(x) for x in re.findall(r"[0-9]+", f.tok))
    if 1 <= a <= b and (b in RANK_DENOMINATORS or _ends_with(f.before, _RANK_CUES + ("thứ",))):
        return f.make("rank", value=a, denominator=b, unit="provinces")
    return f.make("ratio", value=a, denominator=b, unit=_noun_after(f.text, f.end) or unit_after(f.text, f.end))


def _fraction(f: _Found) -> Expression:
    a_txt, b_txt = f.tok.split("/")
    grouped = any(ch in f.tok for ch in ".,")
    try:
        a, b = parse_number(a_txt), parse_number(b_txt)
    except ValueError:
        return f.other("a side of '/' is not a vi-locale number", unit="unparsed slash expression")
    if _ends_with(f.before, _RANK_CUES):
        return f.make("rank", value=a, denominator=b, unit="provinces")
    if _ends_with(f.before, _DOC_CUES):
        return _doc_ref(f)
    if f.tok == "24/7":
        return f.other("24/7 (around the clock), not a figure")
    noun = _noun_after(f.text, f.end)
    if not grouped and b in RANK_DENOMINATORS and 1 <= a <= b and noun in ("", *_PROVINCE_NOUNS):
        return f.make("rank", value=a, denominator=b, unit="provinces")
    date_cue = _ends_with(f.before, _DATE_CUES)
    if not grouped and _valid_day_month(int(a), int(b)) and (date_cue or not noun):
        return f.make("date", qualifier="exact", **_date(int(a), int(b), None))
    if not grouped and date_cue:
        return f.other(f"impossible date (day {a_txt}, month {b_txt})", unit="unparsed date")
    return f.make("ratio", value=a, denominator=b, unit=noun or unit_after(f.text, f.end))


def _tail(f: _Found) -> tuple[str, str, int, str]:
    """(kind, unit, scale factor, note) from the words after the number(s); kind "" if none."""
    g = f.m.group
    factor = 1
    for word in g("scale").split():
        factor *= _SCALES[word]
    if g("pct1") or g("pct"):
        return "percent", "percent", factor, ""
    currency = g("cur") or g("dollar")
    if currency:
        return "money", _CURRENCIES[re.sub(r"\s+", " ", currency.strip()).lower()], factor, ""
    if g("measure"):
        return "measure", _MEASURES[g("measure").lower()], factor, ""
    if factor == 1:
        return "", "", 1, ""
    clause = _clause_before(f.text, f.start)
    if any(re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", clause) for cue in _MONEY_CUES):
        return "money", "VND", factor, "currency not stated: VND assumed from the words before"
    return "count", unit_after(f.text, f.end), factor, ""


def _reading_context(kind: str, factor: int) -> str:
    """The ``read_number`` context of a quantity of this kind and scale."""
    if kind in ("percent", "measure") or factor != 1:
        return "measure"
    return "sum" if kind == "money" else "count"


def _join(*notes: str) -> str:
    return "; ".join(dict.fromkeys(n for n in notes if n))


def _quantity(f: _Found) -> Expression:
    if f.m.group("n2"):
        return _range(f)
    kind, unit, factor, note = _tail(f)
    if not kind:
        return _plain_number(f)
    try:
        reading = read_number(f.m.group("n1"), _reading_context(kind, factor))
    except ValueError:
        return f.other("not a vi-locale number")
    return f.make(kind, value=reading.value * factor, unit=unit, note=_join(reading.note, note, reading.ambiguity),
                  ambiguity=reading.ambiguity)


def _range(f: _Found) -> Expression:
    """"30 - 40%", "15 đến 20%", "2.000-3.000", "1,5 đến 2 triệu đồng"; "ngày 20-10" is a date."""
    n1, n2 = f.m.group("n1"), f.m.group("n2")
    kind, unit, factor, note = _tail(f)
    if not kind and re.fullmatch(r"[0-9]{1,2}-[0-9]{1,2}", f.tok) and _ends_with(f.before, _DATE_CUES):
        day, month = int(n1), int(n2)
        if _valid_day_month(day, month):
            return f.make("date", qualifier="exact", **_date(day, month, None))
    kind = kind or "count"
    try:
        low, high = (read_number(n, _reading_context(kind, factor)) for n in (n1, n2))
    except ValueError:
        return f.other("not a vi-locale number at one end of the range", unit="unparsed range")
    if low.value > high.value:
        return f.other("not a range: the first end exceeds the second", unit="unparsed range")
    if kind == "count" and factor == 1:
        unit = unit_after(f.text, f.end)
    span = f"range {canonical(low.value * factor)} to {canonical(high.value * factor)}"
    ambiguity = _join(low.ambiguity, high.ambiguity)
    return f.make(kind, low=low.value * factor, high=high.value * factor, unit=unit,
                  note=_join(span, low.note, high.note, note, ambiguity), ambiguity=ambiguity)


def _plain_number(f: _Found) -> Expression:
    if _ends_with(f.before, _PHONE_CUES):
        return _phone(f)
    try:
        reading = read_number(f.tok)
    except ValueError:
        return f.make("other", unit="label", qualifier="exact", note="not a vi-locale number")
    if _ends_with(f.before, _DOC_CUES):
        return _doc_ref(f)
    if _ends_with(f.before, _LABEL_CUES):
        return _label(f)
    if _ends_with(f.before, _RANK_CUES):
        return f.make("rank", value=reading.value, unit="provinces")
    if _ends_with(f.before, ("top",)):
        return f.make("rank", value=reading.value, unit="provinces", qualifier="at_most")
    if re.fullmatch(r"(?:19|20)[0-9]{2}", f.tok):
        return f.make("date", qualifier="exact", **_date(None, None, int(f.tok)))
    dur = re.match(r"[^\W\d_]+", _after(f.text, f.end, 12).lstrip().lower())
    if dur and dur.group(0) in _DURATIONS:
        return f.make("other", value=reading.value, unit=_DURATIONS[dur.group(0)], note="duration")
    return f.make("count", value=reading.value, unit=unit_after(f.text, f.end), note=reading.note,
                  ambiguity=reading.ambiguity)


_HANDLERS = {
    "rankchg": _rank_change, "quarter": _quarter, "label_hyphen": _label, "label_letters": _label,
    "docref": _doc_ref, "phone": _phone, "period": _period, "dmy": _day_month_year, "my": _month_year,
    "per": _per, "ontotal": _on_total, "frac": _fraction, "qty": _quantity, "label_digits": _label,
}


def find_expressions(text: str) -> list[Expression]:
    """Every numeric expression in ``text`` (normalised), in order of position. Never raises:
    an expression that cannot be read becomes ``other`` with the reason in ``note``."""
    found = []
    for m in _PATTERN.finditer(text):
        group = next(g for g in _GROUPS if m.group(g) is not None)
        try:
            found.append(_HANDLERS[group](_Found(text, m, group)))
        except Exception as exc:  # one unreadable expression must not stop the rest
            found.append(Expression(m.start(group), m.end(group), m.group(group), "other", unit="unparsed",
                                    note=f"unparsed ({type(exc).__name__}: {exc})"))
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
