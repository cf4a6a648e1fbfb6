"""The Vietnamese numeric parser, on real corpus expressions and tricky cases."""

from decimal import Decimal

import pytest

from helpers import vnnum


def one(text):
    return vnnum.parse(text)


@pytest.mark.parametrize("token,value", [
    ("1.234", Decimal("1234")),          # "." groups thousands
    ("1,5", Decimal("1.5")),             # "," is the decimal mark
    ("1.234,5", Decimal("1234.5")),
    ("1.482.176", Decimal("1482176")),   # corpus 004
    ("114,01", Decimal("114.01")),
])
def test_numbers_follow_the_vi_locale(token, value):
    assert vnnum.parse_number(token) == value


@pytest.mark.parametrize("token", ["4.0", "12.34", "1.23"])
def test_malformed_grouping_is_not_a_number(token):
    with pytest.raises(ValueError, match="not a number in the vi locale"):
        vnnum.parse_number(token)


def test_label_like_chợ_4_0_is_other():
    e = one("mô hình chợ 4.0 không dùng tiền mặt")
    assert (e.text, e.kind) == ("4.0", "other")


@pytest.mark.parametrize("text,iso,precision", [
    ("ngày 15/9/2022", "2022-09-15", "day"),
    ("ngày 10/7/2024 của Chính phủ", "2024-07-10", "day"),
    ("hết tháng 7/2024", "2024-07", "month"),
    ("đến năm 2030", "2030", "year"),
    ("giai đoạn 2021-2025", "2021/2025", "year"),
])
def test_dates(text, iso, precision):
    e = vnnum.find_expressions(text)[0]
    assert (e.kind, e.date_iso, e.date_precision) == ("date", iso, precision)


@pytest.mark.parametrize("text,month,day", [
    ("hội thảo ngày 23/10", 10, 23), ("Chiều 15/9, Đoàn", 9, 15), ("(8/10)", 10, 8),
])
def test_day_month_without_year_keeps_year_blank(text, month, day):
    e = vnnum.find_expressions(text)[0]
    assert e.kind == "date" and e.date_precision == "day"
    assert e.date_iso == f"--{month:02d}-{day:02d}"
    assert e.extra["year"] is None
    assert e.denominator is None


@pytest.mark.parametrize("text,token,kind", [
    ("theo Nghị định số 82/2024/NĐ-CP ngày 10/7/2024", "82/2024/NĐ-CP", "doc_ref"),
    ("Nghị quyết số 01-NQ/TU về chuyển đổi số", "01-NQ/TU", "doc_ref"),
    ("Quyết định 749/QĐ-TTg của Thủ tướng", "749/QĐ-TTg", "doc_ref"),
    ("Chỉ thị số 07 về chuyển đổi số", "07", "doc_ref"),
    ("theo Đề án 06", "06", "doc_ref"),
    ("Quyết định số 12/5", "12/5", "doc_ref"),
])
def test_document_numbers_are_doc_refs_not_ratios(text, token, kind):
    found = vnnum.find_expressions(text)
    first = found[0]
    assert (first.text, first.kind) == (token, kind)
    assert all(e.kind != "ratio" for e in found)


@pytest.mark.parametrize("text", ["ngày 23/10", "15/9/2022", "Nghị định số 82/2024/NĐ-CP", "01-NQ/TU",
                                  "Quyết định 749/QĐ-TTg", "tháng 7/2024", "(10/10)"])
def test_dates_and_document_numbers_never_come_out_as_ratios(text):
    assert all(e.kind != "ratio" for e in vnnum.find_expressions(text))


@pytest.mark.parametrize("text,value", [("xếp hạng 63/63 tỉnh", 63), ("xếp thứ 27/63", 27), ("đứng thứ 5/63", 5)])
def test_ranks(text, value):
    e = vnnum.find_expressions(text)[0]
    assert (e.kind, e.value, e.denominator) == ("rank", Decimal(value), Decimal(63))


def test_ratio_with_grouped_numbers():
    e = one("tổng số DVCTT của Bến Tre là 1.542/1.823 DVCTT")
    assert (e.kind, e.value, e.denominator, e.unit) == ("ratio", Decimal(1542), Decimal(1823), "services")


def test_rate_per_100_inhabitants():
    e = one("mật độ sử dụng là 114,01 thuê bao/100 dân")
    assert (e.kind, e.value, e.denominator) == ("ratio", Decimal("114.01"), Decimal(100))
    assert e.unit == "subscribers per 100 inhabitants"


@pytest.mark.parametrize("text,qualifier", [
    ("đạt hơn 95%", "more_than"), ("đạt trên 70%", "more_than"), ("đạt gần 96%", "approx"),
    ("khoảng 30.000 hộ dân", "approx"), ("ước đạt 740.498 thuê bao", "approx"), ("ước 5 tỷ đồng", "approx"),
    ("đạt 84,59%", "exact"), ("có 1.412 trạm", "exact"), ("ít nhất 3 dự án", "at_least"),
    ("dưới 10%", "less_than"), ("Hơn 3 tháng nay", "more_than"),
])
def test_qualifiers(text, qualifier):
    assert one(text).qualifier == qualifier


@pytest.mark.parametrize("text,value", [
    ("tổng mức đầu tư là 333 tỷ đồng", 333 * 10**9),
    ("trên 40 tỷ đồng", 40 * 10**9),
    ("1,5 triệu đồng", 1_500_000),
    ("250 nghìn đồng", 250_000),
    ("1,2 nghìn tỷ đồng", 1_200 * 10**9),
    ("500.000 đồng", 500_000),
])
def test_money_is_scaled_to_vnd(text, value):
    e = one(text)
    assert (e.kind, e.value, e.unit) == ("money", Decimal(value), "VND")


def test_percent_and_count_units():
    assert (one("đạt 72,81%").kind, one("đạt 72,81%").value) == ("percent", Decimal("72.81"))
    e = one("với gần 4.180 thành viên")
    assert (e.kind, e.value, e.unit, e.qualifier) == ("count", Decimal(4180), "members", "approx")


@pytest.mark.parametrize("text,token", [("phủ sóng 3G", "3G"), ("hệ thống K12 Online", "K12"), ("Bài 1: NHU CẦU", "1")])
def test_labels_are_other(text, token):
    e = vnnum.find_expressions(text)[0]
    assert (e.text, e.kind) == (token, "other")


def test_duration_is_other_not_count():
    e = one("Hơn 3 tháng nay")
    assert (e.kind, e.unit, e.value) == ("other", "months", Decimal(3))


def test_offsets_index_the_text():
    text = "Năm 2021, Bạc Liêu xếp hạng 63/63 tỉnh; có 1.412 trạm."
    for e in vnnum.find_expressions(text):
        assert text[e.start:e.end] == e.text


def test_canonical_strings():
    assert vnnum.canonical(Decimal("333000000000")) == "333000000000"
    assert vnnum.canonical(Decimal("84.590")) == "84.59"
    assert vnnum.canonical(None) == ""


def test_a_decimal_point_does_not_stop_the_extraction():
    found = vnnum.find_expressions("GRDP tăng 1.5%, toàn tỉnh có 1.412 trạm; ngày 15/9/2022 khai trương.")
    assert [(e.text, e.kind) for e in found] == [("1.5%", "percent"), ("1.412", "count"), ("15/9/2022", "date")]
    assert found[0].value == Decimal("1.5") and "decimal point" in found[0].note
    assert found[1].note == "" and found[1].ambiguity == ""


@pytest.mark.parametrize("text,value,other_reading", [
    ("tổng vốn 1.500 tỷ đồng", 1_500 * 10**9, "1.5"),
    ("tăng 1.200%", 1200, "1.2"),
    ("chuyển đổi 5.000ha đất lúa", 5000, "5"),
])
def test_a_dot_that_reads_two_ways_keeps_vi_and_records_the_other(text, value, other_reading):
    e = one(text)
    assert e.value == Decimal(value)
    assert f"would be {other_reading}" in e.ambiguity and e.note == e.ambiguity


@pytest.mark.parametrize("token,context,value,ambiguous", [
    ("1.412", "count", "1412", False), ("1.500", "sum", "1500", False), ("1.500", "measure", "1500", True),
    ("1.5", "measure", "1.5", False), ("1,500", "count", "1.5", True), ("1 234 567", "count", "1234567", False),
])
def test_read_number_contexts(token, context, value, ambiguous):
    reading = vnnum.read_number(token, context)
    assert reading.value == Decimal(value) and bool(reading.ambiguity) == ambiguous


def test_a_decimal_point_is_not_read_in_a_count():
    with pytest.raises(ValueError, match="not a number in the vi locale"):
        vnnum.read_number("4.0", "count")


def test_range_has_low_and_high_and_no_value():
    e = one("khoảng 30 - 40%")
    assert (e.kind, e.value, e.low, e.high, e.qualifier) == ("percent", None, 30, 40, "approx")
    assert e.note == "range 30 to 40"


def test_rank_change_is_its_own_kind_with_a_sign():
    assert "rank_change" in vnnum.KINDS and "measure" in vnnum.KINDS
    assert [e.value for e in vnnum.find_expressions("tăng 5 bậc, sau đó giảm 3 bậc")] == [5, -3]


def test_quarter_is_a_date_with_quarter_precision():
    e = one("trong quý III/2023")
    assert (e.date_iso, e.date_precision, e.extra["quarter"], e.extra["year"]) == ("2023-Q3", "quarter", 3, 2023)


@pytest.mark.parametrize("text,reason", [
    ("ngày 31/4/2024", "impossible date"), ("gọi 1900 1234", "phone number"), ("hotline 1022", "phone number"),
])
def test_what_is_not_a_figure_is_other_with_a_reason(text, reason):
    e = one(text)
    assert e.kind == "other" and reason in e.note
