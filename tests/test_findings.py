"""The values the findings page cites: names, plain types, rounding as shown."""

import pandas as pd
import pytest

from helpers import findings


def _plain(values: dict) -> None:
    for name, value in values.items():
        assert type(value) in (int, float, str), f"{name}: {type(value).__name__} (glue shows its repr)"


def _trajectory_inputs() -> dict:
    consecutive = pd.DataFrame({"from": [2022, 2023], "to": [2023, 2024], "rho_s": [0.8612, 0.7749],
                                "se_fisher_z": [0.1, 0.1], "ci_low": [0.7649, 0.6251], "ci_high": [0.9151, 0.8651],
                                "n": [63, 63]})
    churn = pd.DataFrame({"spearman": [0.86, 0.77], "expected_next_rank": [60.8712, 59.12],
                          "low": [54.0, 47.0], "high": [63.0, 63.0], "level": [0.9, 0.9], "draws": [4000, 4000]},
                         index=["2022->2023", "2023->2024"])
    within, rise, fall = "within typical churn", "rise beyond typical churn", "fall beyond typical churn"
    moves = pd.DataFrame({"gso_code": ["06", "95", "06", "83"], "from": [2022, 2023, 2023, 2021],
                          "to": [2023, 2024, 2024, 2022], "rank_from": [63, 63, 58, 31], "rank_to": [58, 60, 32, 51],
                          "interval_low": [54.0, 47.0, 31.0, 11.0], "interval_high": [63.0, 63.0, 62.0, 52.0],
                          "p_as_good": [0.15, 0.4, 0.04, 0.95], "p_as_bad": [0.9, 0.7, 0.97, 0.0661],
                          "judgement": [within, within, rise, fall],
                          "rho_basis": ["measured", "measured", "measured", "assumed: mean of measured"]})
    beta = pd.DataFrame({"slope": [-0.3281], "ci_low": [-0.549], "ci_high": [-0.107], "rtm_slope": [-0.3281],
                         "excess": [0.0], "excess_ci_low": [-0.12], "excess_ci_high": [0.143], "n": [63]})
    fe = pd.DataFrame({"round": [2023, 2024], "estimate": [0.044, 0.5744], "ci_low": [-0.9, -0.567],
                       "ci_high": [1.0, 1.715], "rtm_expected": [0.3, 0.696], "excess": [-0.256, -0.122]})
    counts = pd.DataFrame([[7, 6, 0, 0, 0], [4, 2, 4, 3, 0], [3, 2, 3, 2, 2], [0, 0, 2, 7, 4], [0, 2, 3, 1, 6]],
                          index=range(1, 6), columns=range(1, 6))
    tri = pd.DataFrame({"estimate": [0.389, 0.27], "ci_low": [0.14, 0.1], "ci_high": [0.594, 0.4], "n": [62, 62]},
                       index=pd.Index(["spearman", "kendall"], name="method"))
    ranks = pd.DataFrame({2022: range(1, 64), 2023: range(1, 64)})
    return dict(consecutive=consecutive, churn=churn, moves=moves, beta=beta, cohort_effects=fe,
                cohort=["a", "b", "c", "d", "e"], transitions=counts, shorrocks=0.7512, triangulation=tri,
                dti_ranks=ranks)


def test_trajectory_values_are_plain_and_rounded_as_shown():
    values = findings.trajectories(**_trajectory_inputs())
    _plain(values)
    assert values["rho_first"] == 0.86 and values["rho_last_low"] == 0.63 and values["rho_n"] == 63
    assert (values["churn_level"], values["ci_level"], values["churn_draws"]) == (90, 95, 4000)
    assert (values["moves_n"], values["moves_rising_beyond"], values["moves_falling_beyond"]) == (4, 1, 1)
    assert (values["moves_from_last"], values["moves_from_last_beyond"]) == (2, 0)
    # the two cases' moves, keyed by the study's case order (Bạc Liêu case_a, Bến Tre case_b)
    assert (values["move_case_a_2023_2024_low"], values["move_case_a_2023_2024_high"]) == (47, 63)
    assert values["move_case_b_2021_2022_judgement"] == "fall beyond typical churn" and values["move_case_b_2021_2022_p_bad"] == 0.066
    assert values["move_case_b_2021_2022_basis"].startswith("assumed")
    assert not any(key.startswith("rtm_") for key in values), "the benchmark is typical churn, not 'chance'"
    assert values["beta_slope"] == values["beta_rtm_slope"] == -0.33
    assert (values["cohort_n"], values["cohort_gain"], values["cohort_rtm"]) == (5, 0.57, 0.7)
    assert (values["shorrocks"], values["bottom_stayed"], values["bottom_total"]) == (0.75, 6, 12)
    assert (values["tri_rho"], values["tri_n"], values["n_units"]) == (0.39, 62, 63)


def test_case_values_take_the_official_rank_and_the_merger_rows():
    ranks = {"95": pd.DataFrame({"year": [2021, 2022, 2022, 2024], "rank": [63, 61, 60, 58],
                                       "source_kind": ["corpus", "derived", "official", "official"]})}
    merger = pd.DataFrame({"case_code": ["95", "95"], "case": ["Bạc Liêu", "Bạc Liêu"], "constituent": ["Bạc Liêu", "Cà Mau"],
                           "role": ["case", "partner"], "dti_rank_of_63": [58, 26], "year": [2024, 2024],
                           "dti_score": [0.56289, 0.7277], "new_unit": ["Cà Mau", "Cà Mau"],
                           "new_unit_rank_of_34": [28, 28], "new_unit_score": [0.64531, 0.64531]})
    units = pd.DataFrame({"new_unit": [f"u{i}" for i in range(34)]})
    values = findings.cases(ranks=ranks, merger=merger, units=units, prefixes={"95": "case_a"})
    _plain(values)
    assert values["case_a_rank_2022"] == 60  # the official row, not the derived one
    assert (values["case_a_rank_2021"], values["case_a_rank_2024"]) == (63, 58)
    assert (values["case_a_new_unit"], values["case_a_new_rank"], values["n_units_2025"]) == ("Cà Mau", 28, 34)
    assert (values["case_a_partners"], values["case_a_partner_best_rank"]) == (1, 26)
    assert values["case_a_new_score"] == 0.6453


def test_data_values_count_stated_overall_ranks_per_partial_year():
    dti = pd.DataFrame({"year": [2020, 2020, 2021, 2021, 2021], "gso_code": ["01", "02", "01", "01", "95"],
                        "measure": ["dti", "dti", "dti", "gov", "dti"], "rank": [1, None, 3, 4, 63],
                        "source_kind": ["news", "news", "derived", "news", "corpus"]})
    complete = pd.DataFrame({"year": [2022], "gso_code": ["01"], "measure": ["dti"], "rank": [1],
                             "source_kind": ["official"], "rank_method": ["computed_from_scores"]})
    dti = pd.concat([dti.assign(rank_method="published"), complete], ignore_index=True)
    units = complete.rename(columns={"gso_code": "unit_code"}).assign(year=2024)
    values = findings.data(pd.DataFrame({"path": ["a", "b"]}), {"x": 1}, dti, units)
    _plain(values)
    assert values == {"n_raw_files": 2, "n_schemas": 1, "ranks_known_2020": 1, "ranks_known_2021": 1,
                      "ranks_published_2020": 1, "ranks_published_2021": 0, "ranks_corpus_2020": 0,
                      "ranks_corpus_2021": 1, "corpus_rank_rows": 1, "n_rounds": 3, "n_complete_rounds": 1,
                      "first_complete_round": 2022, "last_complete_round": 2022, "n_rounds_34": 1}


def test_record_glues_without_display_and_shows_one_table(monkeypatch):
    glued, shown = [], []
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display=True: glued.append((name, value, display)))
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    findings.record({"n_articles": 1, "rho_first": 0.5})
    assert glued == [("n_articles", 1, False), ("rho_first", 0.5, False)]
    assert len(shown) == 1 and shown[0].data == findings.values_table({"n_articles": 1, "rho_first": 0.5})


def test_record_refuses_a_value_without_a_meaning_before_gluing_anything(monkeypatch):
    glued = []
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display=True: glued.append(name))
    with pytest.raises(KeyError, match="'b'"):
        findings.record({"n_articles": 1, "b": 0.5})
    assert glued == []



def test_cases_of_a_unit_the_merger_left_unchanged_have_no_partner_rank():
    from helpers import cases, tables
    from helpers import panel as panels

    panel, units = tables.load_dti_panel(), panels.unit_scores(tables.load_dti_panel_34(), 2024)
    ranks = {"01": cases.dti_ranks("01", panel)}
    merger = cases.merger_summary("01", panel, units, tables.load_crosswalk_2025())
    values = findings.cases(ranks=ranks, merger=merger, units=units, prefixes={"01": "case_a"})
    assert values["case_a_partners"] == 0 and "case_a_partner_best_rank" not in values
    assert values["case_a_new_unit"] == "Hà Nội"
