import pandas as pd
import pytest

from helpers import claims, panel, sources, stats, study, tables


@pytest.fixture(scope="module")
def built():
    return panel.build_panel(claims.build_claims())


def test_backbone_ranks_reproduce_the_official_2022_list(built):
    computed = built[(built["rank_method"] == "computed_from_scores") & (built["year"] == 2022)]
    official = sources.load_dti_round(study.PROVINCES, 2022).set_index("gso_code")["rank"]
    assert len(computed) == 63 and official.notna().sum() == 63
    pd.testing.assert_series_equal(
        computed.set_index("gso_code")["rank"].sort_index(), official.sort_index(), check_names=False
    )


def test_backbone_means_reproduce_published_means(built):
    summary = sources.load_published_summary()
    means = summary[(summary["statistic"] == "mean_provincial_dti") & (summary["value"] != "")]
    backbone = built[built["rank_method"] == "computed_from_scores"]
    for year in (2023, 2024):
        published = float(means.loc[means["year"] == year, "value"].item())
        assert round(backbone.loc[backbone["year"] == year, "score"].mean(), 4) == published


def test_competition_rank_ties():
    ranks = stats.competition_rank(pd.Series([0.9, 0.8, 0.8, 0.7]))
    assert ranks.tolist() == [1, 2, 2, 4]


def test_panel_keys_and_kinds(built):
    assert list(built.columns) == panel.PANEL_COLUMNS
    assert not built.duplicated(["year", "gso_code", "measure", "source_kind", "source"]).any()
    assert set(built["source_kind"]) <= set(panel.SOURCE_KINDS)
    assert (built["n_units"] == 63).all()
    assert built["gso_code"].str.fullmatch(r"\d{2}").all()
    # computed ranks only on the complete overall scores, never on derived rows
    computed = built[built["rank_method"] == "computed_from_scores"]
    assert set(computed["source_kind"]) == {"official"} and set(computed["measure"]) == {"dti"}
    assert sorted(computed["year"].unique()) == [2022, 2023, 2024]


def test_derived_only_flagged_and_unusable_text_left_out(built):
    raw = sources.load_derived_candidates()
    derived = built[built["source_kind"] == "derived"]
    # every numeric candidate is present, as derived, with its derivation in the note
    assert derived["note"].str.startswith("derived: ").all()
    n_numeric = raw["number"].notna().sum()
    n_values = derived["rank"].notna().sum() + derived["score"].notna().sum()
    assert n_values == n_numeric
    # "24?" (assessment year unknown) does not enter
    dien_bien = built[(built["province"] == "Điện Biên") & (built["year"] == 2023)]
    assert "derived" not in set(dien_bien["source_kind"])


def test_bac_lieu_2023_last_and_2022_derived_rank_agrees(built):
    bl = built[(built["gso_code"] == "95") & (built["measure"] == "dti")]
    assert bl.loc[(bl["year"] == 2023) & (bl["source_kind"] == "official"), "rank"].tolist() == [63]
    derived_2022 = bl[(bl["year"] == 2022) & (bl["source_kind"] == "derived")]["rank"].item()
    assert derived_2022 == bl[(bl["year"] == 2022) & (bl["rank_method"] == "computed_from_scores")]["rank"].item()


def test_disagreements_list_every_difference(built):
    table = panel.disagreements(built)
    # recompute independently: per key, values of non-reference rows that differ
    expected = set()
    for (year, code, measure), g in built.groupby(["year", "gso_code", "measure"]):
        for field in ("rank", "score"):
            vals = g[field].dropna()
            if vals.nunique() > 1:
                expected.add((year, code, measure, field))
    got = set(map(tuple, table[["year", "gso_code", "measure", "field"]].itertuples(index=False)))
    assert got == expected
    kon_tum = table[(table["gso_code"] == "62") & (table["year"] == 2022)]
    assert "rounding to 2 decimals" in kon_tum["note"].item()


def test_disagreements_never_average():
    rows = pd.DataFrame({
        "year": [2021, 2021], "gso_code": ["95", "95"], "province": ["Bạc Liêu"] * 2,
        "measure": ["dti", "dti"], "rank": pd.array([63, 62], dtype="Int64"), "score": [float("nan")] * 2,
        "source_kind": ["news", "corpus"], "rank_method": ["published", "published"],
        "source": ["https://a", "doc:1-2"], "n_units": [63, 63], "note": ["", ""],
    })
    table = panel.disagreements(rows)
    assert table[["reference_value", "other_value", "reference_kind", "other_kind"]].values.tolist() == [
        ["63", "62", "news", "corpus"]
    ]


def test_corpus_ranks_from_codebook_fixture():
    codebook = pd.DataFrame({
        "indicator_id": ["i1", "i2", "i3"],
        "province": ["Bạc Liêu", "Bạc Liêu", "Bạc Liêu"], "gso_code": ["95", "95", "95"],
        "indicator": ["dti_rank", "dti_gov_rank", "population"],
        "pillar": ["", "gov", ""], "unit": ["rank", "rank", "people"],
        "as_of": ["2021", "2021", "2019"], "claim_id": ["c1", "c2", "c3"],
        "value": ["63", "60", "907236"], "denominator": ["63", "63", ""], "note": ["", "", ""],
    })
    claims = pd.DataFrame({"claim_id": ["c1", "c2", "c3"], "doc_id": ["001_x", "001_x", "002_y"],
                           "start": [10, 50, 5], "end": [40, 80, 9]})
    rows = panel.corpus_ranks(codebook, claims)
    assert rows[["year", "gso_code", "measure", "rank", "source_kind", "source"]].values.tolist() == [
        [2021, "95", "dti", 63, "corpus", "001_x:10-40"],
        [2021, "95", "gov", 60, "corpus", "001_x:50-80"],
    ]
    bad = codebook.assign(denominator=["34", "63", ""])
    with pytest.raises(sources.SourceError, match=r"codebook row 1 \(indicator_id i1\), column denominator: '34'"):
        panel.corpus_ranks(bad, claims)
    with pytest.raises(sources.SourceError, match="column claim_id: 'c2' is not in the claims table"):
        panel.corpus_ranks(codebook, claims[claims["claim_id"] != "c2"])


def test_cross_section_complete_and_partial(built):
    s = panel.cross_section(built, 2022, "dti", "rank")
    assert len(s) == 63 and not s.attrs["partial"] and s.index.is_unique
    with pytest.raises(panel.PartialDataError, match=r"gov rank 2023: only \d+/63 units"):
        panel.cross_section(built, 2023, "gov", "rank")
    part = panel.cross_section(built, 2021, "dti", "rank", allow_partial=True)
    assert part.attrs["partial"] and "partial" in part.name and len(part) < 63
    with pytest.raises(ValueError, match="measure='xyz'"):
        panel.cross_section(built, 2022, "xyz")


def test_coverage_shares(built):
    cov = panel.coverage(built)
    official_2022 = cov[(cov["year"] == 2022) & (cov["measure"] == "dti") & (cov["source_kind"] == "official")]
    assert official_2022["share"].item() == 1.0
    assert (cov["share"] <= 1).all()


def test_34_units_follow_old_units_through_crosswalk():
    units = panel.unit_scores(panel.build_panel_34(), 2024)
    cw = panel.build_crosswalk()
    assert len(units) == 34 and units["rank"].min() == 1
    joined = cw.merge(units, on=["unit_code", "new_unit"], how="left", validate="many_to_one")
    assert joined["score"].notna().all()
    assert joined.set_index("gso_code").loc["95", "new_unit"] == "Cà Mau"
    stated = units.dropna(subset=["published_rank"])
    assert (stated["published_rank"] == stated["rank"]).all()


def test_other_indices_flags():
    other = panel.build_other_indices()
    assert set(other["index"]) == {"egov_2017", "papi_egov"}
    papi = other[other["index"] == "papi_egov"]
    assert (papi.loc[papi["year"] == 2018, "flag"] == "not_comparable_2018").all()
    assert (papi.loc[papi["year"] == 2019, "flag"] == "off_scale_2019").all()
    assert (papi.loc[papi["year"] >= 2020, "flag"] == "").all()
    assert papi["rank"].isna().all()
    egov = other[other["index"] == "egov_2017"].set_index("gso_code")
    assert egov.loc["95", "rank"] == 51 and egov.loc["83", "rank"] == 57 and pd.isna(egov.loc["83", "value"])


def test_load_panel_round_trip(built):
    loaded = tables.load_dti_panel()
    assert loaded["gso_code"].str.len().eq(2).all()
    assert len(loaded) == len(built)


def test_disagreements_say_which_ranks_nobody_has_curated():
    table = tables.load_panel_disagreements()
    cited = set(sources.load_codebook()["claim_id"])
    assert table["uncurated"].dtype == bool
    # A row of the panel itself is curated (a corpus row cites its codebook claim); an uncurated row is a
    # rank an article states that no codebook row cites, against the official backbone.
    assert set(table.loc[~table["uncurated"] & (table["claim_id"] != ""), "claim_id"]) <= cited
    uncurated = table[table["uncurated"]]
    assert not set(uncurated["claim_id"]) & cited and (uncurated["claim_id"] != "").all()
    assert (uncurated["reference_rank_method"] == "computed_from_scores").all()
    assert (uncurated["other_kind"] == "corpus").all() and uncurated["note"].str.startswith("uncurated").all()
