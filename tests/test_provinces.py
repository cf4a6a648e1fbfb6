import pytest

from helpers import paths, provinces


def test_reference_has_63_units_with_padded_codes():
    ref = provinces.load_reference()
    assert len(ref) == 63 and ref["gso_code"].is_unique
    assert ref["gso_code"].str.fullmatch(r"\d{2}").all()
    assert ref.loc[ref["gso_code"] == "95", "name_vi"].item() == "Bạc Liêu"


@pytest.mark.parametrize("spelling,code", [
    ("TP. Đà Nẵng", "48"), ("Đà Nẵng", "48"), ("Da Nang", "48"), ("Danang", "48"),
    ("Thừa Thiên - Huế", "46"), ("Thừa Thiên Huế", "46"), ("Thua Thien-Hue", "46"),
    ("Bà Rịa - Vũng Tàu", "77"), ("Bà Rịa – Vũng Tàu", "77"), ("BRVT", "77"),
    ("Hoà Bình", "17"), ("Hòa Bình", "17"), ("Thanh Hoá", "38"),
    ("TP.HCM", "79"), ("Ho Chi Minh City", "79"), ("Thành phố Hồ Chí Minh", "79"),
    ("Tỉnh Bạc Liêu", "95"), ("bac lieu", "95"), ("BAC-LIEU", "95"), ("  Bến Tre ", "83"),
])
def test_resolve_spellings(spelling, code):
    assert provinces.resolve(spelling) == code


def test_every_name_and_alias_resolves_to_its_own_row():
    ref = provinces.load_reference()
    for row in ref.itertuples():
        for name in [row.name_vi, row.name_ascii, *row.aliases.split(";")]:
            assert provinces.resolve(name) == row.gso_code, name


def test_unknown_name_suggests_closest():
    with pytest.raises(provinces.UnknownProvinceError, match=r"unknown province 'Bac Leu'.*did you mean \['Bạc Liêu'"):
        provinces.resolve("Bac Leu")


def test_slugs_round_trip_and_unknown_slug():
    ref = provinces.load_reference()
    for row in ref.itertuples():
        assert provinces.from_slug(provinces.slugify(row.name_vi)) == row.gso_code
    assert provinces.from_slug("bac-lieu") == "95"
    assert provinces.from_slug("ho-chi-minh") == "79"
    with pytest.raises(provinces.UnknownProvinceError):
        provinces.from_slug("Bạc Liêu")  # not a slug
    with pytest.raises(provinces.UnknownProvinceError, match=r"'bac-leu'.*did you mean \['bac-lieu'"):
        provinces.from_slug("bac-leu")


def test_slugify_and_closest_unchanged():
    assert provinces.slugify("Bạc Liêu") == "bac-lieu"
    assert provinces.slugify("Đắk Lắk") == "dak-lak"
    assert provinces.closest("ben tre", ["Bến Tre", "Bạc Liêu"]) == ["Bến Tre"]


def test_crosswalk_follows_every_old_unit():
    cw = provinces.crosswalk()
    assert len(cw) == 63 and cw["new_unit"].nunique() == 34
    row = cw.set_index("gso_code").loc["95"]
    assert (row["new_unit"], row["unit_code"]) == ("Cà Mau", "U96")
    assert cw.set_index("gso_code").loc["83", "new_unit"] == "Vĩnh Long"
    # constituents list exactly the old units that map to the same new unit
    for unit, part in cw.groupby("new_unit"):
        listed = {provinces.resolve(n) for n in part["constituents"].iloc[0].split(";")}
        assert listed == set(part["gso_code"]), unit
    assert cw.loc[cw["unchanged"], "constituents"].str.count(";").eq(0).all()


def test_new_units_resolve_only_through_the_merger_table():
    assert provinces.resolve_unit("Cà Mau") == "U96"
    assert provinces.resolve_unit("TP. Huế") == "U46"
    assert provinces.resolve_unit("Thành phố Hồ Chí Minh") == "U79"
    # "Bạc Liêu" is an old unit: never silently mapped to a new one
    with pytest.raises(provinces.UnknownProvinceError, match="old province names are not new units"):
        provinces.resolve_unit("Bạc Liêu")
    # and the 63-unit alias "TP. Huế" is still Thừa Thiên Huế for the old units
    assert provinces.resolve("TP. Huế") == "46"


def test_bad_reference_code_is_named(tmp_path):
    text = (paths.RAW / "provinces" / "provinces.csv").read_text(encoding="utf-8")
    bad = tmp_path / "provinces.csv"
    bad.write_text(text.replace("\n01,Hà Nội", "\n1,Hà Nội", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"provinces.csv row 1 \(line 2\), column gso_code: value '1' fails"):
        provinces.load_reference(bad)
