"""Vietnamese numeric expressions: find, parse, classify and qualify them.

Numbers follow Babel's ``vi`` locale: "." groups thousands and "," is the decimal mark
("1.234" is one thousand two hundred and thirty-four, "1,5" is one and a half). Thousands
grouped by spaces ("1 234 567") are one number.

Each expression gets a ``kind``:

``count``        a number of things ("1.412 trạm", "gần 4.180 thành viên", "1,5 triệu thuê bao", "ba huyện")
``percent``      "84,59%", "năm mươi phần trăm"
``ratio``        a/b of the same thing ("1.542/1.823 DVCTT", "5/7 huyện", "một nửa", "hai phần ba"), a rate
                 ("114,01 thuê bao/100 dân") or a multiplier, a/1 with unit "times" ("gấp 3 lần", "tăng 1,8
                 lần", "gấp đôi", "gấp rưỡi")
``rank``         a position in a ranking ("xếp thứ 63/63", "58 trên 63", "hạng 5", "top 10", "7/34"), or a
                 rank group, qualifier ``at_most`` ("nhóm 10 tỉnh dẫn đầu"; "10 địa phương cuối bảng" has
                 unit "provinces from the bottom": a rank counted from the bottom)
``rank_change``  a move in a ranking, signed ("tăng 5 bậc" = +5, "giảm 3 bậc" = -3)
``money``        a sum with its currency (VND, USD, EUR) and tỷ / triệu / nghìn scales ("333 tỷ đồng", "100.000đ");
                 the spoken shorthand "15k" (15 000) and "2tr", "1tr5" (2 000 000, 1 500 000) is VND
``measure``      a quantity in a unit of measurement ("5.000ha", "120km", "50MW"), including an index score
                 in points ("0,4836 điểm", unit "points")
``date``         dd/mm/yyyy, dd-mm-yyyy, dd/mm, tháng m/yyyy, m/yyyy, quý III/2023, năm yyyy, yyyy-yyyy periods,
                 and the first N months of a year ("6 tháng đầu năm 2024" = "2024-01/2024-06", unit "period")
``doc_ref``      a document number ("Nghị định số 82/2024/NĐ-CP", "Luật số 20/2023/QH15", "Nghị quyết 09/2021")
``other``        labels, durations, levels, phone numbers and what cannot be read ("Chợ 4.0", "4G", "COVID-19",
                 "hơn 3 tháng", "cấp độ 3" (unit "level", value 3), "1900 1234", "ngày 31/4/2024"); ``note``
                 gives the reason

A range ("khoảng 30 - 40%", "từ 15 đến 20%", "2.000-3.000") keeps the kind of its ends, leaves
``value`` empty and sets ``low`` and ``high`` (a scale or currency after the second end applies to
both: "1,5 đến 2 triệu đồng" is 1 500 000 to 2 000 000 VND; a scale word after the first end is its
own: "450 tỷ đến 500 tỷ đồng", "500 triệu đến 1 tỷ đồng").

``qualifier`` comes from the words before the number (longest match first): ``more_than`` (hơn,
trên), ``less_than`` (dưới, chưa đến), ``approx`` (khoảng, gần, ước đạt, trên dưới), ``at_least``
(ít nhất, không dưới, tối thiểu; or "trở lên" after it), ``at_most`` (không quá, tối đa; or "trở
xuống" after it), else ``exact``. A negation reverses the comparative it precedes. A date is a
bound when a word before it says so: ``less_than`` (trước: "trước ngày 31/12/2025"), ``more_than``
(sau), ``at_most`` (chậm nhất, muộn nhất), ``at_least`` (sớm nhất); else ``exact``.

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

Numbers written as words are read up to the billions ("ba", "mười hai", "hai mươi lăm", "ba trăm",
"một nghìn rưỡi", "hai tỷ đồng"), with the fractions "một nửa" and "một phần ba" (any "X phần Y")
and the multipliers "gấp đôi", "gấp rưỡi", "gấp ba (lần)". A number in words is an expression only
where the words after it say what it counts: a known noun ("ba huyện"), a duration ("Bốn năm
trước": ``other``, 4 years), "lần", a currency, "phần trăm"; or where it is a compound ("ba trăm").
"một" alone is the article "a", and an ordinal or a name ("thứ hai", "tháng Năm", "Ba Tri") is not a
number.

The unit of a count is the English name of a known noun (``UNITS``), else the whole Vietnamese noun
after the number: a noun of ``NOUNS`` ("cán bộ", "hồ sơ", "địa phương", "lượt truy cập"), else at
most two words, stopping at a verb or function word (``STOP_WORDS``), so that a unit is never a
syllable of a longer word nor a verb ("đã"); it is empty when a verb or punctuation follows.

``find_expressions`` never raises: an expression that cannot be read becomes ``other`` with the
reason in ``note``.
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
_RANGE_SEP = r"(?:\s?[-–]\s?|\s(?:đến|tới)\s)"


def _phrases(text: str) -> frozenset[str]:
    """The words of ``text``, "_" joining the syllables of one word ("cán_bộ" is "cán bộ")."""
    return frozenset(w.replace("_", " ") for w in text.split())


#: Verbs and function words (whole words): a unit stops before them, and "điểm" before one is a score.
STOP_WORDS = _phrases("""
    đã đang sẽ được bị là có và với của cho trong tại ở từ đến tới để theo về trên dưới thì mà nhưng còn cũng
    đều vẫn chưa không đạt tăng giảm so bằng như nên vì do khi sau trước này đó kia nào các những mỗi một mới
    hiện nay đưa nhằm gồm chiếm trở lên xuống hơn nhất rất hoặc hay lại ra vào qua thêm nữa tiếp đây ấy thuộc
    đối toàn cả nhiều ít khác xếp đứng cao thấp bán mua thu nộp cấp năm tháng ngày tham_gia sử_dụng thực_hiện
    hoàn_thành triển_khai kết_nối phủ_sóng ghi_nhận giải_quyết cung_cấp hỗ_trợ đào_tạo tập_huấn phê_duyệt
    tiếp_nhận chuyển_đổi đăng_ký thành_lập đầu_tư được_giao chia_sẻ cho_biết dẫn_đầu
    """)
_STOP_RE = "|".join(re.escape(w) for w in sorted(STOP_WORDS, key=len, reverse=True))
_W_FIRST = r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)(?!\w)"
_W_NEXT = (r"(?:một|mốt|hai|ba|bốn|tư|năm|lăm|nhăm|sáu|bảy|tám|chín|mười|mươi|trăm|chục|linh|lẻ"
           r"|nghìn|ngàn|triệu|tỷ|tỉ|rưỡi)(?!\w)")
#: A number written in words ("ba", "hai mươi lăm", "một nghìn rưỡi"); ``words_value`` reads it.
WORDS = rf"(?i:{_W_FIRST}(?:\s{_W_NEXT})*)"
_W_TAIL = rf"(?i:phần\străm(?!\w)|phần\s(?:{_W_FIRST}|tư(?!\w))(?:\s{_W_NEXT})*|nửa(?!\w))"
_SHORT = r"[0-9]{1,3}(?:,[0-9]+)?(?:k|tr)[0-9]{0,3}"
_PATTERN = re.compile(
    rf"""
      (?<!\w)(?P<rankchg>(?i:tăng|giảm|tụt|lên|xuống|thăng|rớt|sụt)(?:\s(?:thêm|tiếp))?\s[0-9]{{1,2}}\s
                         (?:bậc|hạng|vị\strí))(?!\w)
    | (?<!\w)(?P<quarter>[Qq]uý\s(?:IV|I{{1,3}}|[1-4])(?:/|\s(?:năm\s)?)(?:19|20)[0-9]{{2}})(?![0-9])
    | (?<![\w/.,])(?P<months>(?P<mo_n>[0-9]{{1,2}}|{WORDS})\stháng\s(?:đầu\s)?năm\s
                             (?P<mo_y>(?:19|20)[0-9]{{2}}))(?![0-9])
    | (?<!\w)(?P<mult>(?i:gấp)\s(?:(?P<mx>đôi|rưỡi)(?!\w)|(?P<mn>{NUM})(?:\s?[-–]\s?(?P<mn2>{NUM}))?(?![0-9])
                                |(?P<mw>{WORDS}))(?:\slần)?)(?![\w%])
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
    | (?P<short>{_SHORT}(?:{_RANGE_SEP}{_SHORT})?)(?![\w%])
    | (?P<times>(?P<tn>{NUM})\slần)(?!\w)
    | (?P<qty>(?P<dollar>\$\s?)?(?P<n1>{NUM})(?P<pct1>\s?%)?
             (?:(?P<scale1>(?:\s{_SCALE_WORDS})+)?{_RANGE_SEP}{_NOT_YEAR}(?P<n2>{NUM}))?
             (?P<scale>(?:\s{_SCALE_WORDS})*)
             (?:\s?(?P<pct>%|phần\s+trăm)|\s?(?P<cur>{_CURRENCY_WORDS})|\s?(?P<measure>{_MEASURE_WORDS})
                |\s(?P<points>điểm)(?=\s*(?:$|[^\w\s]|[0-9]|(?:{_STOP_RE})(?!\w))))?
      )(?![\w%])
    | (?P<label_digits>[0-9]+[{_L}]\w*)
    )
    | (?<!\w)(?P<wnum>(?P<wn>{WORDS})(?:\s(?P<wtail>{_W_TAIL}))?)
    """,
    re.VERBOSE,
)
_GROUPS = ("rankchg", "quarter", "months", "mult", "label_hyphen", "label_letters", "docref", "phone", "period",
           "dmy", "my", "per", "ontotal", "frac", "short", "times", "qty", "label_digits", "wnum")

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
_MONEY_CUES_SPOKEN = ("lãi", "thu nhập", "lương", "cước", "phí")
_DATE_BOUNDS = {"trước": "less_than", "sau": "more_than", "chậm nhất": "at_most", "muộn nhất": "at_most",
                "sớm nhất": "at_least"}
_LEVEL_CUES = ("cấp độ", "mức độ", "level")
#: Words before "N điểm" that make it a score (a decimal score needs none): else it counts places.
_SCORE_CUES = ("chỉ số", "điểm số", "số điểm", "tổng điểm", "dti", "pci", "papi", "par index", "sipas", "ict index",
               "đạt", "tăng", "giảm", "được", "chấm")
_RANK_GROUP_NOUNS = r"(?:tỉnh(?:,\s*thành(?:\s+phố)?)?|thành\s+phố|địa\s+phương|đơn\s+vị)"
_RANK_GROUP_TOP = ("dẫn đầu", "đứng đầu", "đầu bảng", "cao nhất", "tốt nhất")
_RANK_GROUP_BOTTOM = ("cuối bảng", "xếp cuối", "đứng cuối", "thấp nhất", "cuối cùng")
#: Words before a multiplier "N lần" (else it counts occasions: "tổ chức 3 lần").
_TIMES_CUES = ("tăng", "giảm", "gấp", "cao", "thấp", "lớn", "nhỏ", "nhiều", "ít", "hơn", "bằng", "tương đương", "vượt")
#: Words before a number in words that make it an ordinal or a name ("thứ hai", "tháng Năm", "tổ 5").
_WORDS_NOT_AFTER = ("thứ", "tháng", "số", "hạng", "lớp", "phường", "quận", "tổ", "khu", "ấp", "khóm", "đội", "cấp",
                    "mức", "độ", "điều", "khoản", "chương", "phần", "bài", "kỳ", "khóa", "top", "nhóm")
#: Words before "năm" that make it the year, not five ("trong năm", "mỗi năm", "cả năm").
_YEAR_NOT_FIVE_AFTER = ("trong", "mỗi", "hằng", "hàng", "cả", "cuối", "đầu", "giữa", "qua", "sang", "nửa", "hết",
                        "vào", "năm", "của", "từng", "này", "nhiều", "các", "những", "từ", "đến", "tới", "trước",
                        "sau", "một", "là")

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
#: Other nouns counted in this domain, recorded as written (whole words; longest first). The
#: one-word ones stop a unit after one word ("4 đợt tập huấn" counts "đợt").
NOUNS = _phrases("""
    cán_bộ công_chức viên_chức hồ_sơ địa_phương đơn_vị cơ_quan trường_học bệnh_viện trạm_y_tế lượt_truy_cập
    văn_bản giao_dịch thiết_bị máy_tính điện_thoại gian_hàng website trang_web ứng_dụng nền_tảng
    cơ_sở_dữ_liệu cơ_sở học_sinh sinh_viên giáo_viên bác_sĩ nhân_viên lao_động đoàn_viên đại_biểu
    thị_trấn thị_xã thành_phố hội_nghị hội_thảo mô_hình sáng_kiến đề_tài nhiệm_vụ chương_trình kế_hoạch
    công_trình tuyến_cáp camera thôn ấp phường quận đợt lần buổi lớp khóa chuyến cuộc ngành sở trường
    bản trang ca căn tuyến kênh cổng nhóm đoàn ban phòng vụ điểm
    """)
_LEXICON = sorted(set(UNITS) | NOUNS, key=len, reverse=True)
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


def date_bound(text: str, start: int) -> str:
    """Qualifier of a date from the word before it ("trước", "sau", "chậm nhất", ...), else ``exact``."""
    before = _before(text, start).rstrip()
    m = re.search(r"(?<!\w)(trước|sau|chậm nhất|muộn nhất|sớm nhất)(?:\s+(?:hết\s+)?(?:ngày|tháng|năm))?$", before)
    return _DATE_BOUNDS[m.group(1)] if m else "exact"


def _ends_with(before: str, cues) -> bool:
    before = before.rstrip(" (")
    return any(re.search(rf"(?<!\w){re.escape(c)}(?:\s+số)?$", before) for c in cues)


def _known_noun(after: str, english: bool = True) -> tuple[str, str]:
    """(unit, words) of the known noun that ``after`` (lower case) starts with, longest first, or ("", "").

    The unit is the English name of a noun of ``UNITS`` (with ``english``), else the noun as written.
    """
    for noun in _LEXICON:
        if after.startswith(noun) and not re.match(r"\w", after[len(noun):len(noun) + 1]):
            return (UNITS[noun] if english and noun in UNITS else noun), noun
    return "", ""


def _is_stop(words: list[str], i: int) -> bool:
    return words[i] in STOP_WORDS or " ".join(words[i:i + 2]) in STOP_WORDS


def unit_after(text: str, end: int) -> str:
    """Unit of the noun after a count: the English name of a known noun (``UNITS``), else the whole
    noun as written (``NOUNS``), else the next word or two up to a verb or function word; "" if a
    verb, a function word or punctuation comes first. Never a syllable of a longer known word."""
    raw = _after(text, end, 40).lstrip()
    after = raw.lower()
    unit, _ = _known_noun(after)
    if unit:
        return unit
    acronym = re.match(r"[A-ZĐ]{2,}(?!\w)", raw)  # "7 DN viễn thông": the acronym is the noun
    if acronym:
        return acronym.group(0).lower()
    m = re.match(r"[^\W\d_]+(?:[ \u00a0][^\W\d_]+){0,3}", after)  # words up to punctuation or a digit
    words = m.group(0).split() if m else []
    if not words or _is_stop(words, 0):
        return ""
    if len(words) == 1:
        return words[0]
    _, noun = _known_noun(" ".join(words[1:]), english=False)  # a counting word and its noun: "lượt xem"
    if noun:
        return f"{words[0]} {noun}"
    return words[0] if _is_stop(words, 1) else f"{words[0]} {words[1]}"


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

    def make(self, kind: str, end: int | None = None, **kw) -> Expression:
        """The expression of this match, of ``kind``; ``end`` shortens or extends its span."""
        kw.setdefault("qualifier", self.qualifier)
        if kw.get("ambiguity") and not kw.get("note"):
            kw["note"] = kw["ambiguity"]
        end = self.end if end is None else end
        return Expression(self.start, end, self.text[self.start:end], kind, **kw)

    def date(self, **kw) -> Expression:
        """A date, qualified by the bound before it ("trước ngày 31/12/2025" is ``less_than``)."""
        return self.make("date", qualifier=date_bound(self.text, self.start), **kw)

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
    return f.date(date_iso=f"{year:04d}-Q{quarter}", date_precision="quarter",
                  extra={"year": year, "month": None, "day": None, "quarter": quarter})


def _period(f: _Found) -> Expression:
    a, b = re.split(r"\s?[-–]\s?", f.tok)
    return f.date(date_iso=f"{a}/{b}", date_precision="year", unit="period",
                  extra={"year": int(a), "month": None, "day": None})


def _day_month_year(f: _Found) -> Expression:
    day, month, year = (int(x) for x in re.split(r"[/-]", f.tok))
    if not _real_date(year, month, day):
        return f.other(f"impossible date (day {day}, month {month}, year {year})", unit="unparsed date")
    return f.date(**_date(day, month, year))


def _month_year(f: _Found) -> Expression:
    if _ends_with(f.before, _DOC_CUES):
        return _doc_ref(f)
    month, year = (int(x) for x in f.tok.split("/"))
    if 1 <= month <= 12:
        return f.date(**_date(None, month, year))
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
        return f.date(**_date(int(a), int(b), None))
    if not grouped and date_cue:
        return f.other(f"impossible date (day {a_txt}, month {b_txt})", unit="unparsed date")
    return f.make("ratio", value=a, denominator=b, unit=noun or unit_after(f.text, f.end))


def _factor(words: str | None) -> int:
    factor = 1
    for word in (words or "").split():
        factor *= _SCALES[word]
    return factor


def _money_cue(text: str, start: int) -> bool:
    """A money word (doanh thu, vốn, kinh phí, lãi, ...) in the clause before ``start``."""
    clause = _clause_before(text, start)
    return any(re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", clause) for cue in _MONEY_CUES + _MONEY_CUES_SPOKEN)


def _tail(f: _Found) -> tuple[str, str, int, str]:
    """(kind, unit, scale factor, note) from the words after the number(s); kind "" if none."""
    g = f.m.group
    factor = _factor(g("scale"))
    if g("pct1") or g("pct"):
        return "percent", "percent", factor, ""
    currency = g("cur") or g("dollar")
    if currency:
        return "money", _CURRENCIES[re.sub(r"\s+", " ", currency.strip()).lower()], factor, ""
    if g("measure"):
        return "measure", _MEASURES[g("measure").lower()], factor, ""
    if g("points"):
        return "measure", "points", factor, "an index score in points"
    if factor == 1:
        return "", "", 1, ""
    noun, _ = _known_noun(_after(f.text, f.end).lstrip().lower())
    if not noun and _money_cue(f.text, f.start):
        return "money", "VND", factor, "currency not stated: VND assumed from the words before"
    return "count", unit_after(f.text, f.end), factor, ""


def _reading_context(kind: str, factor: int) -> str:
    """The ``read_number`` context of a quantity of this kind and scale."""
    if kind in ("percent", "measure") or factor != 1:
        return "measure"
    return "sum" if kind == "money" else "count"


def _join(*notes: str) -> str:
    return "; ".join(dict.fromkeys(n for n in notes if n))


def _is_score(f: _Found) -> bool:
    """"0,4836 điểm", "đạt 45 điểm": a score; "xây dựng 12 điểm tại các xã" counts places."""
    if "," in f.m.group("n1") or "," in (f.m.group("n2") or ""):
        return True
    clause = _clause_before(f.text, f.start)
    return any(re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", clause) for cue in _SCORE_CUES)


def _quantity(f: _Found) -> Expression:
    if f.m.group("points") and not f.m.group("scale") and not _is_score(f):
        number_end = f.m.end("n2") if f.m.group("n2") else f.m.end("n1")
        shorter = _PATTERN.match(f.text, f.start, number_end)  # the number alone, read without "điểm"
        if shorter and shorter.group("qty") and not shorter.group("points"):
            return _quantity(_Found(f.text, shorter, "qty"))
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
    """"30 - 40%", "15 đến 20%", "2.000-3.000", "1,5 đến 2 triệu đồng", "450 tỷ đến 500 tỷ đồng"; "ngày 20-10"
    is a date."""
    n1, n2 = f.m.group("n1"), f.m.group("n2")
    kind, unit, factor, note = _tail(f)
    factor1 = _factor(f.m.group("scale1")) if f.m.group("scale1") else factor
    if not kind and re.fullmatch(r"[0-9]{1,2}-[0-9]{1,2}", f.tok) and _ends_with(f.before, _DATE_CUES):
        day, month = int(n1), int(n2)
        if _valid_day_month(day, month):
            return f.date(**_date(day, month, None))
    kind = kind or "count"
    try:
        low = read_number(n1, _reading_context(kind, factor1))
        high = read_number(n2, _reading_context(kind, factor))
    except ValueError:
        return f.other("not a vi-locale number at one end of the range", unit="unparsed range")
    if low.value * factor1 > high.value * factor:
        return f.other("not a range: the first end exceeds the second", unit="unparsed range")
    if kind == "count" and factor == 1:
        unit = unit_after(f.text, f.end)
    span = f"range {canonical(low.value * factor1)} to {canonical(high.value * factor)}"
    ambiguity = _join(low.ambiguity, high.ambiguity)
    return f.make(kind, low=low.value * factor1, high=high.value * factor, unit=unit,
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
    if _is_level(f.before):
        return f.make("other", value=reading.value, unit="level", qualifier="exact",
                      note="a level (an ordinal category), not a count")
    group = _rank_group(f, reading.value)
    if group:
        return group
    if re.fullmatch(r"(?:19|20)[0-9]{2}", f.tok):
        return f.date(**_date(None, None, int(f.tok)))
    dur = re.match(r"[^\W\d_]+", _after(f.text, f.end, 12).lstrip().lower())
    if dur and dur.group(0) in _DURATIONS:
        return f.make("other", value=reading.value, unit=_DURATIONS[dur.group(0)], note="duration")
    return f.make("count", value=reading.value, unit=unit_after(f.text, f.end), note=reading.note,
                  ambiguity=reading.ambiguity)


def _is_level(before: str) -> bool:
    """"cấp độ 3", "mức độ 4", and the next of a list ("mức độ 3, 4")."""
    return _ends_with(before, _LEVEL_CUES) or bool(re.search(
        r"(?<!\w)(?:cấp độ|mức độ|level)\s+[0-9]+(?:\s*(?:,|và|hoặc)\s*[0-9]+)*\s*(?:,|và|hoặc)\s*$", before))


def _rank_group(f: _Found, value: Decimal) -> Expression | None:
    """"top 10", "nhóm 10 tỉnh dẫn đầu", "10 địa phương cuối bảng": a rank of at most N (from the top or
    the bottom); None if the words around the number do not say so."""
    words = "|".join(_RANK_GROUP_TOP + _RANK_GROUP_BOTTOM)
    after = _after(f.text, f.end, 90).lower()
    m = re.match(rf"\s+{_RANK_GROUP_NOUNS}(?:\s+[^\W\d_]+){{0,5}}?\s+({words})(?!\w)", after)
    if not m and not _ends_with(f.before, ("top",)):
        return None
    if m and m.group(1) in _RANK_GROUP_BOTTOM:
        return f.make("rank", value=value, qualifier="at_most", unit="provinces from the bottom",
                      note=f"rank group: among the last {canonical(value)}")
    return f.make("rank", value=value, qualifier="at_most", unit="provinces",
                  note=f"rank group: among the first {canonical(value)}")


def _first_months(f: _Found) -> Expression:
    """"6 tháng đầu năm 2024", "9 tháng năm 2024": the months from January, as a period."""
    n_txt, year = f.m.group("mo_n"), int(f.m.group("mo_y"))
    n, used = (Decimal(n_txt), 1) if n_txt.isdigit() else words_value(n_txt.split())
    if n is None or used != len(n_txt.split()) or not 1 <= n <= 12:
        return f.other(f"not a number of months of a year ({n_txt!r})", unit="unparsed date")
    n = int(n)
    return f.date(date_iso=f"{year:04d}-01/{year:04d}-{n:02d}", date_precision="month", unit="period",
                  note=f"the first {n} months of {year}", extra={"year": year, "month": 1, "day": None})


def _is_multiplier(f: _Found, end: int) -> bool:
    """Whether "N lần" before ``end`` multiplies ("tăng 1,8 lần", "gấp 3 lần", "2 lần so với") or counts."""
    last = " ".join(re.findall(r"[^\W\d_]+", _clause_before(f.text, f.start))[-3:])
    cue = any(re.search(rf"(?<!\w){re.escape(c)}(?!\w)", last) for c in _TIMES_CUES)
    return cue or bool(re.match(r"\s*,?\s*so\s(?:với|cùng)", _after(f.text, end).lower()))


def _times_or_count(f: _Found, value: Decimal, end: int, number_end: int, note: str = "") -> Expression:
    """A multiplier (a ratio to 1, unit "times") when the words say so, else a count of occasions."""
    if _is_multiplier(f, end):
        return f.make("ratio", end=end, value=value, denominator=Decimal(1), unit="times",
                      note=_join(f"a multiplier: {canonical(value)} times", note))
    return f.make("count", end=number_end, value=value, unit="lần", note=note)


def _multiplier(f: _Found) -> Expression | None:
    """"gấp đôi" (2), "gấp rưỡi" (1,5), "gấp 3 lần", "gấp ba": a ratio to 1 with unit "times"."""
    g = f.m.group
    end = f.end
    if g("mx"):
        value = Decimal(2) if g("mx").lower() == "đôi" else Decimal("1.5")
    elif g("mn2"):
        low, high = (read_number(g(n), "measure").value for n in ("mn", "mn2"))
        if low > high:
            return f.other("not a range: the first end exceeds the second", unit="unparsed range")
        return f.make("ratio", low=low, high=high, denominator=Decimal(1), unit="times",
                      note=f"a multiplier: range {canonical(low)} to {canonical(high)} times")
    elif g("mn"):
        value = read_number(g("mn"), "measure").value
    else:
        tokens = g("mw").split()
        value, used = words_value(tokens)
        if used < len(tokens):
            end = f.m.start("mw") + len(" ".join(tokens[:used]))
    return f.make("ratio", end=end, value=value, denominator=Decimal(1), unit="times",
                  note=f"a multiplier: {canonical(value)} times")


def _times(f: _Found) -> Expression:
    """"tăng 1,8 lần" (a multiplier) or "tổ chức 3 lần" (a count of occasions)."""
    try:
        reading = read_number(f.m.group("tn"), "measure")
    except ValueError:
        return f.other("not a vi-locale number")
    return _times_or_count(f, reading.value, f.end, f.m.end("tn"), reading.note)


def _short_value(token: str) -> Decimal:
    """"15k" = 15 000, "2tr" = 2 000 000, "1tr5" = 1 500 000 (the digits after "tr" are tenths)."""
    num, scale, digits = re.fullmatch(r"([0-9]{1,3}(?:,[0-9]+)?)(k|tr)([0-9]*)", token).groups()
    value = parse_number(num)
    if digits:
        if "," in num:
            raise ValueError(f"{token!r}: a decimal before and digits after the scale")
        value += Decimal(f"0.{digits}")
    return value * (1000 if scale == "k" else 10**6)


def _shorthand(f: _Found) -> Expression:
    """Spoken shorthand for sums of VND: "15k", "2tr", "1tr5 đến 2tr"."""
    note = "spoken shorthand (k = nghìn, tr = triệu): VND assumed"
    try:
        values = [_short_value(t) for t in re.split(_RANGE_SEP, f.tok)]
    except ValueError as exc:
        return f.other(f"not a vi-locale number ({exc})")
    if len(values) == 1:
        return f.make("money", value=values[0], unit="VND", note=note)
    low, high = values
    if low > high:
        return f.other("not a range: the first end exceeds the second", unit="unparsed range")
    return f.make("money", low=low, high=high, unit="VND",
                  note=_join(f"range {canonical(low)} to {canonical(high)}", note))


_WORD_DIGITS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
                "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def _digit_fits(tok: str, prev: str | None, nxt: str | None) -> bool:
    """Whether a digit word is a digit here: "lăm" after mười/mươi, "mốt"/"tư" after mươi, and "năm"
    after another number word only before mươi/trăm/a scale or after linh ("mười năm" is ten years)."""
    if tok in ("lăm", "nhăm"):
        return prev in ("mười", "mươi")
    if tok in ("mốt", "tư"):
        return prev == "mươi"
    if tok == "năm" and prev is not None:
        return prev in ("linh", "lẻ") or nxt in ("mươi", "trăm", *_SCALES)
    return True


def _word_step(tok: str, state: dict, nxt: str | None) -> bool:
    """Read one number word into ``state``; False if it cannot continue the number."""
    prev, kind = state["prev"], state["kind"]
    if tok in _WORD_DIGITS and _digit_fits(tok, prev, nxt):
        if kind in ("mười", "mươi", "linh"):
            state["group"] += _WORD_DIGITS[tok]
            state["kind"] = "unit"
        elif kind in (None, "trăm", "scale") and state["digit"] is None:
            state["digit"], state["kind"] = _WORD_DIGITS[tok], "digit"
        else:
            return False
    elif tok == "mười" and kind in (None, "trăm", "scale"):
        state["group"] += 10
        state["kind"] = "mười"
    elif tok in ("mươi", "chục", "trăm") and kind == "digit":
        state["group"] += state["digit"] * (100 if tok == "trăm" else 10)
        state["digit"], state["kind"] = None, ("trăm" if tok == "trăm" else "mươi" if tok == "mươi" else "chục")
    elif tok in ("linh", "lẻ") and kind == "trăm":
        state["kind"] = "linh"
    elif tok in _SCALES and kind == "scale" and _SCALES[tok] > state["scale"]:  # "hai nghìn tỷ"
        state["total"] *= _SCALES[tok]
        state["scale"] *= _SCALES[tok]
    elif tok in _SCALES and kind in ("digit", "unit", "mười", "mươi", "chục", "trăm"):
        state["total"] += (state["group"] + (state["digit"] or 0)) * _SCALES[tok]
        state.update(group=0, digit=None, kind="scale", scale=_SCALES[tok])
    elif tok == "rưỡi" and kind in ("scale", "trăm"):
        state["total" if kind == "scale" else "group"] += Decimal(state["scale"]) / 2 if kind == "scale" else 50
        state["kind"] = "rưỡi"
    else:
        return False
    state["prev"] = tok
    return True


def words_value(tokens: list[str]) -> tuple[Decimal | None, int]:
    """Value of a number written in words and how many of ``tokens`` it takes.

    >>> words_value("hai mươi lăm".split()), words_value("ba trăm".split()), words_value("ba năm".split())
    ((Decimal('25'), 3), (Decimal('300'), 2), (Decimal('3'), 1))

    A digit left after a hundred or a scale word is its tenth ("ba trăm hai" = 320, "một triệu hai"
    = 1 200 000), as spoken. (None, 0) if the first word is not a number.
    """
    state = {"total": Decimal(0), "group": 0, "digit": None, "prev": None, "kind": None, "scale": 1}
    used, before_digit = 0, None
    low = [t.lower() for t in tokens]
    for i, tok in enumerate(low):
        kind = state["kind"]
        if not _word_step(tok, state, low[i + 1] if i + 1 < len(low) else None):
            break
        used = i + 1
        if state["kind"] == "digit":
            before_digit = kind
    if not used:
        return None, 0
    digit = state["digit"] or 0
    if state["digit"] is not None and before_digit in ("trăm", "scale"):
        digit = Decimal(digit) * (10 if before_digit == "trăm" else Decimal(state["scale"]) / 10)
    value = state["total"] + state["group"] + digit
    return (Decimal(value) if value else None), used


def _noun_unit_after(text: str, end: int) -> str:
    """Unit of the noun after a fraction, past "số" ("một nửa số thủ tục" counts procedures)."""
    m = re.match(r"\s+số(?=\s)", text[end:end + 10])
    return unit_after(text, end + m.end()) if m else unit_after(text, end)


def _words_tail(f: _Found, value: Decimal, tail: str) -> Expression | None:
    """"năm mươi phần trăm", "một nửa", "hai phần ba": a percent or a fraction written in words."""
    if tail.startswith("phần trăm"):
        return f.make("percent", value=value, unit="percent", note="written in words")
    if tail == "nửa":
        if value != 1:
            return None
        return f.make("ratio", value=Decimal(1), denominator=Decimal(2),
                      unit=_noun_unit_after(f.text, f.end), note="a half, written in words")
    den_tokens = tail.split()[1:]
    den, used = words_value(["bốn" if t == "tư" else t for t in den_tokens[:1]] + den_tokens[1:])  # "phần tư"
    if den is None:
        return None
    start = f.m.start("wtail") + len("phần ")
    end = start + len(" ".join(f.text[start:].split()[:used])) if used < len(den_tokens) else f.end
    return f.make("ratio", end=end, value=value, denominator=den, unit=_noun_unit_after(f.text, end),
                  note="a fraction written in words")


def _not_a_number_word(f: _Found, first: str, used: int, tail: bool) -> bool:
    """An ordinal or a name ("thứ hai", "tháng Năm"), the article "một", or the year ("trong năm")."""
    last = re.findall(r"[^\W\d_]+", f.before[-20:])[-1:]
    if last and last[0] in _WORDS_NOT_AFTER:
        return True
    inside = re.search(r"[^\W\d_][ \u00a0]*\Z", f.text[max(0, f.start - 3):f.start])
    following = re.match(r"\s+([^\W\d_])", f.text[f.end:f.end + 3])
    if (inside and f.tok[0].isupper()) or (following and following.group(1).isupper()):
        return True  # a name: "huyện Năm Căn", "Hai Bà Trưng"
    if used == 1 and first == "một" and not tail:
        return True
    return used == 1 and first == "năm" and bool(last) and last[0] in _YEAR_NOT_FIVE_AFTER


def _words_counted(f: _Found, value: Decimal, end: int, compound: bool) -> Expression | None:
    """A number in words by what follows it: a currency, a duration, "lần", a noun; None if nothing."""
    after = f.text[end:end + 40]
    cur = re.match(rf"\s?({_CURRENCY_WORDS})(?!\w)", after)
    if cur:
        return f.make("money", end=end + cur.end(), value=value, unit=_CURRENCIES[cur.group(1).lower()],
                      note="written in words")
    word = re.match(r"\s+([^\W\d_]+)", after)
    word = word.group(1).lower() if word else ""
    if word in _DURATIONS:
        return f.make("other", end=end, value=value, unit=_DURATIONS[word], note="duration, written in words")
    if word == "lần":
        return _times_or_count(f, value, end + re.match(r"\s+lần", after).end(), end, "written in words")
    noun, _ = _known_noun(after.lstrip().lower())
    if value >= 1000 and not noun and _money_cue(f.text, f.start):
        return f.make("money", end=end, value=value, unit="VND",
                      note="written in words; currency not stated: VND assumed from the words before")
    if noun or compound:
        return f.make("count", end=end, value=value, unit=unit_after(f.text, end), note="written in words")
    return None


def _words(f: _Found) -> Expression | None:
    """A number written in words ("ba huyện", "hai mươi lăm doanh nghiệp", "một phần ba"); None where
    the words are not a number (see the module docstring)."""
    tokens = f.m.group("wn").split()
    value, used = words_value(tokens)
    tail = f.m.group("wtail") if used == len(tokens) else None
    if value is None or _not_a_number_word(f, tokens[0].lower(), used, bool(tail)):
        return None
    if tail:
        return _words_tail(f, value, tail.lower())
    end = f.m.start("wn") + len(" ".join(tokens[:used]))
    return _words_counted(f, value, end, compound=used > 1)


_HANDLERS = {
    "rankchg": _rank_change, "quarter": _quarter, "months": _first_months, "mult": _multiplier,
    "short": _shorthand, "times": _times, "wnum": _words, "label_hyphen": _label, "label_letters": _label,
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
            expr = _HANDLERS[group](_Found(text, m, group))
        except Exception as exc:  # one unreadable expression must not stop the rest
            found.append(Expression(m.start(group), m.end(group), m.group(group), "other", unit="unparsed",
                                    note=f"unparsed ({type(exc).__name__}: {exc})"))
            continue
        if expr is not None:  # words that are not a number ("một số", "năm nay") give None
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
