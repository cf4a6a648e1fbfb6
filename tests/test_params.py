"""One validator for every notebook parameter: the message names the parameter, the value and what is allowed."""

import pytest

from helpers import params
from helpers.run import pipeline


@pytest.mark.parametrize("slug,code", [("bac-lieu", "95"), ("baclieu", "95"), ("ho-chi-minh", "79"),
                                       ("tp-ho-chi-minh", "79"), ("ben-tre", "83")])
def test_one_resolver_accepts_slugs_and_their_ascii_aliases(slug, code):
    assert params.province("province", slug) == code


@pytest.mark.parametrize("value,pattern", [
    ("nghe-ann", r"parameter province='nghe-ann': unknown province; allowed: an ASCII slug .*did you mean 'nghe-an'"),
    ("", r"parameter province='': allowed: an ASCII slug"),
    (7, r"parameter province=7: allowed: an ASCII slug"),
])
def test_bad_province_names_parameter_value_and_allowed(value, pattern):
    with pytest.raises(params.ParameterError, match=pattern):
        params.province("province", value)


@pytest.mark.parametrize("text", [",", " , ", ""])
def test_an_empty_list_is_refused_with_the_parameter_named(text):
    value = pipeline.parse_value("provinces", text)  # as it arrives from `-p provinces ,`
    with pytest.raises(params.ParameterError, match=r"parameter provinces=.*allowed: 'all' or comma-separated"):
        params.province_list("provinces", value, allow_all=True)


def test_a_list_names_the_bad_member_and_refuses_repeats():
    assert params.province_list("focus_provinces", "bac-lieu, ben-tre") == ["95", "83"]
    with pytest.raises(params.ParameterError, match=r"parameter focus_provinces='nghe-ann'"):
        params.province_list("focus_provinces", "bac-lieu,nghe-ann")
    with pytest.raises(params.ParameterError, match="listed twice"):
        params.province_list("focus_provinces", "bac-lieu,baclieu")


def test_choice_and_whole_number():
    assert params.choice("kind", "percent", ["all", "percent"]) == "percent"
    with pytest.raises(params.ParameterError, match=r"parameter kind='': allowed: 'all', 'percent'"):
        params.choice("kind", "", ["all", "percent"])
    with pytest.raises(params.ParameterError, match=r"parameter kind='percnt'.*did you mean 'percent'"):
        params.choice("kind", "percnt", ["all", "percent"])
    assert params.whole_number("bottom_k", 5, 1, 20) == 5
    for bad in (0, 21, True, "5", 2.5):
        with pytest.raises(params.ParameterError, match="a whole number from 1 to 20"):
            params.whole_number("bottom_k", bad, 1, 20)
