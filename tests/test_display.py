"""Tables for readers (``helpers.display``): human headers, no index, no <NA>, decisive columns first."""

import pandas as pd

from helpers import display


def test_a_table_for_readers_has_human_headers_units_and_no_missing_markers():
    df = pd.DataFrame({"rank_to": pd.array([58, None], dtype="Int64"), "province": ["Bạc Liêu", "Bắc Kạn"],
                       "beats_typical_churn": [False, True], "score": [0.5, float("nan")]})
    html = display.table(df, first=["province", "beats_typical_churn"], units={"score": "0–1"}).data
    headers = [h.split("</th>")[0] for h in html.split("<th>")[1:]]
    assert headers == ["Province", "Beats typical churn", "Rank to", "Score (0–1)"]
    assert "&lt;NA&gt;" not in html and "NaN" not in html and "<NA>" not in html
    assert html.count(f"<td>{display.MISSING}</td>") == 2
    assert "<td>yes</td>" in html and "<td>no</td>" in html
    assert "<th></th>" not in html  # no index column
    assert display.table(df).data == display.table(df).data  # no random ids


def test_markup_in_a_cell_is_escaped():
    html = display.table(pd.DataFrame({"name": ["<script>x</script>"]})).data
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_meaningful_index_is_kept_as_a_column_and_a_default_one_dropped():
    counts = pd.Series([3, 2], index=pd.Index(["official", "news"], name="source_kind"), name="rows")
    assert list(display.frame(counts).columns) == ["Source kind", "Rows"]
    plain = pd.DataFrame({"a": [1, 2]})
    assert list(display.frame(plain).columns) == ["A"]
    assert list(display.frame(plain.iloc[1:]).columns) == ["A"]  # a filtered table's row numbers are not shown
    labelled = pd.DataFrame({"estimate": [0.9]}, index=["reliability"])
    assert list(display.frame(labelled).columns) == ["Row", "Estimate"]
    wide = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("p_last", "a"), ("p_last", "b")]))
    assert list(display.frame(wide).columns) == ["P last a", "P last b"]


def test_headers_write_acronyms_in_capitals():
    assert display.header("gso_code") == "GSO code"
    assert display.header("dti_rank_of_63") == "DTI rank of 63"
    assert display.header("ci_low") == "CI low"
