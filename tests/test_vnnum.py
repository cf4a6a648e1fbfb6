"""The Vietnamese numeric parser, on real corpus expressions and tricky cases."""

import re
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


@pytest.mark.parametrize("text,token,kind,value,unit", [
    ("Tỉnh có mười hai huyện", "mười hai", "count", 12, "districts"),
    ("có hai mươi lăm doanh nghiệp", "hai mươi lăm", "count", 25, "enterprises"),
    ("đào tạo ba trăm cán bộ", "ba trăm", "count", 300, "cán bộ"),
    ("Hai huyện ven biển", "Hai", "count", 2, "districts"),
    ("có hai triệu người dùng", "hai triệu", "count", 2_000_000, "people"),
    ("một nghìn rưỡi hộ", "một nghìn rưỡi", "count", 1500, "households"),
    ("vốn đầu tư hai nghìn tỷ đồng", "hai nghìn tỷ đồng", "money", 2 * 10**12, "VND"),
    ("Bốn năm trước, ngày 20/10/2020", "Bốn", "other", 4, "years"),
    ("đã hai lần tổ chức", "hai", "count", 2, "lần"),
    ("tăng hai lần so với năm trước", "hai lần", "ratio", 2, "times"),
])
def test_numbers_written_in_words(text, token, kind, value, unit):
    e = vnnum.find_expressions(text)[0]
    assert (e.text, e.kind, e.value, e.unit) == (token, kind, Decimal(value), unit)


@pytest.mark.parametrize("text", [
    "Một số xã đã hoàn thành", "một trong những địa phương", "Trong năm tỉnh đã cấp chứng thư số",
    "Năm nay, tỉnh có thêm doanh nghiệp", "Lần thứ hai tỉnh tổ chức", "tháng Hai năm nay",
    "Quận Hai Bà Trưng", "huyện Ba Tri", "huyện Năm Căn", "hai bên ký kết", "hàng trăm hộ dân",
    "triển khai một phần", "Chủ đề “Năm dữ liệu số”",
])
def test_words_that_are_not_numbers_are_not_found(text):
    assert vnnum.find_expressions(text) == []


@pytest.mark.parametrize("tokens,value,used", [
    ("hai mươi lăm", 25, 3), ("mười lăm", 15, 2), ("ba mươi tư", 34, 3), ("hai mươi mốt", 21, 3),
    ("một trăm linh năm", 105, 4), ("ba trăm năm mươi", 350, 4), ("ba trăm hai", 320, 3),
    ("mười năm", 10, 1), ("hai nghìn năm trăm", 2500, 4), ("một triệu hai", 1_200_000, 3),
    ("hai chục", 20, 2), ("hai triệu rưỡi", 2_500_000, 3), ("hai ba", 2, 1),
])
def test_words_value(tokens, value, used):
    assert vnnum.words_value(tokens.split()) == (Decimal(value), used)


@pytest.mark.parametrize("text,token,value,denominator", [
    ("hơn một nửa số thủ tục", "một nửa", 1, 2), ("khoảng một phần ba", "một phần ba", 1, 3),
    ("ba phần tư số xã", "ba phần tư", 3, 4), ("Một phần mười ngân sách", "Một phần mười", 1, 10),
])
def test_fractions_in_words_are_ratios(text, token, value, denominator):
    e = vnnum.find_expressions(text)[0]
    assert (e.text, e.kind, e.value, e.denominator) == (token, "ratio", value, denominator)


@pytest.mark.parametrize("text,token,value", [
    ("tăng gấp đôi", "gấp đôi", "2"), ("gấp rưỡi năm 2023", "gấp rưỡi", "1.5"), ("gấp 3 lần", "gấp 3 lần", "3"),
    ("gấp ba lần", "gấp ba lần", "3"), ("tăng 1,8 lần", "1,8 lần", "1.8"), ("cao hơn 2 lần", "2 lần", "2"),
    ("tăng 3 lần so với năm trước", "3 lần", "3"),
])
def test_multipliers_are_ratios_to_one(text, token, value):
    e = vnnum.find_expressions(text)[0]
    assert (e.text, e.kind, e.value, e.denominator, e.unit) == (token, "ratio", Decimal(value), 1, "times")


def test_a_multiplier_range_and_a_count_of_occasions():
    e = one("tăng gấp 2-3 lần")
    assert (e.kind, e.low, e.high, e.value) == ("ratio", 2, 3, None)
    e = vnnum.find_expressions("Hội thi được tổ chức 3 lần")[0]
    assert (e.text, e.kind, e.value, e.unit) == ("3", "count", 3, "lần")


@pytest.mark.parametrize("text,token,value,low,high", [
    ("bán được khoảng 2tr", "2tr", 2_000_000, None, None), ("món 15k", "15k", 15_000, None, None),
    ("lãi 1tr5", "1tr5", 1_500_000, None, None), ("1tr5 đến 2tr", "1tr5 đến 2tr", None, 1_500_000, 2_000_000),
    ("500k/tháng", "500k", 500_000, None, None),
])
def test_spoken_shorthand_is_money_in_vnd(text, token, value, low, high):
    e = vnnum.find_expressions(text)[0]
    assert (e.text, e.kind, e.value, e.low, e.high, e.unit) == (token, "money", value, low, high, "VND")
    assert "shorthand" in e.note


@pytest.mark.parametrize("text,token,low,high,kind", [
    ("từ 450 tỷ đến 500 tỷ đồng", "450 tỷ đến 500 tỷ đồng", 450 * 10**9, 500 * 10**9, "money"),
    ("từ 500 triệu đến 1 tỷ đồng", "500 triệu đến 1 tỷ đồng", 500 * 10**6, 10**9, "money"),
    ("1,2 triệu – 1,4 triệu người", "1,2 triệu – 1,4 triệu", 1_200_000, 1_400_000, "count"),
])
def test_a_scale_word_on_both_ends_is_one_range(text, token, low, high, kind):
    found = vnnum.find_expressions(text)
    assert len(found) == 1
    assert (found[0].text, found[0].kind, found[0].low, found[0].high) == (token, kind, low, high)


@pytest.mark.parametrize("text,iso", [
    ("trong 6 tháng đầu năm 2024", "2024-01/2024-06"), ("9 tháng năm 2024", "2024-01/2024-09"),
    ("Sáu tháng đầu năm 2023", "2023-01/2023-06"), ("12 tháng năm 2024", "2024-01/2024-12"),
])
def test_the_first_months_of_a_year_are_a_period(text, iso):
    found = vnnum.find_expressions(text)
    assert [(e.kind, e.date_iso, e.unit) for e in found] == [("date", iso, "period")]


@pytest.mark.parametrize("text,qualifier", [
    ("trước ngày 31/12/2025", "less_than"), ("trước 30/6/2025", "less_than"), ("Trước năm 2030", "less_than"),
    ("trước quý III/2025", "less_than"), ("Sau ngày 1/7/2025", "more_than"), ("chậm nhất ngày 15/7/2025", "at_most"),
    ("ngày 15/7/2025", "exact"), ("Bốn năm trước, ngày 20/10/2020", "exact"), ("từ 1/7/2024", "exact"),
])
def test_a_date_after_a_bound_word_is_a_bound(text, qualifier):
    e = [e for e in vnnum.find_expressions(text) if e.kind == "date"][0]
    assert e.qualifier == qualifier


@pytest.mark.parametrize("text,token,kind,value,unit", [
    ("DTI đạt 0,4836 điểm, xếp thứ 21/63", "0,4836 điểm", "measure", "0.4836", "points"),
    ("chỉ số đạt 45 điểm;", "45 điểm", "measure", "45", "points"),
    ("Xây dựng 12 điểm tại các xã", "12", "count", "12", "điểm"),
    ("Bạc Liêu có 73 điểm cầu", "73", "count", "73", "conference points"),
])
def test_an_index_score_in_points_is_a_measure_not_a_count(text, token, kind, value, unit):
    e = vnnum.find_expressions(text)[0]
    assert (e.text, e.kind, e.value, e.unit) == (token, kind, Decimal(value), unit)


@pytest.mark.parametrize("text,value,unit", [
    ("lọt vào nhóm 25 tỉnh dẫn đầu", 25, "provinces"), ("nằm trong top 15 địa phương", 15, "provinces"),
    ("thoát khỏi nhóm 10 địa phương cuối bảng", 10, "provinces from the bottom"),
    ("5 đơn vị có điểm thấp nhất", 5, "provinces from the bottom"),
])
def test_a_rank_group_is_a_rank_of_at_most_n(text, value, unit):
    e = vnnum.find_expressions(text)[0]
    assert (e.kind, e.value, e.qualifier, e.unit) == ("rank", value, "at_most", unit)


@pytest.mark.parametrize("text,values", [
    ("an toàn thông tin cấp độ 3", [3]), ("dịch vụ công mức độ 3, 4", [3, 4]), ("level 2", [2]),
])
def test_a_level_is_other_not_a_count(text, values):
    found = vnnum.find_expressions(text)
    assert [(e.kind, e.value, e.unit) for e in found] == [("other", v, "level") for v in values]


@pytest.mark.parametrize("text,unit", [
    ("có 1.245 cán bộ, công chức", "cán bộ"), ("tiếp nhận 152.340 hồ sơ trực tuyến", "hồ sơ"),
    ("có 12 đơn vị đạt", "đơn vị"), ("cho 8 địa phương.", "địa phương"), ("2,1 triệu lượt truy cập", "lượt truy cập"),
    ("4 đợt tập huấn", "đợt"), ("3 lượt xem video", "lượt xem"), ("5 chiếc điện thoại", "chiếc điện thoại"),
    ("27 hệ thống khác", "hệ thống"), ("7 DN viễn thông", "dn"), ("có 3 đã ký", ""), ("là 2.550 (đạt 69%)", ""),
    ("1.412 trạm", "stations"),
])
def test_a_unit_is_a_whole_noun_never_a_syllable_or_a_verb(text, unit):
    e = [e for e in vnnum.find_expressions(text) if e.kind in ("count", "ratio")][0]
    assert e.unit == unit
    whole_words = re.search(rf"(?<!\w){re.escape(e.unit)}(?!\w)", text.lower())
    assert e.unit in ("", *vnnum.UNITS.values()) or whole_words
