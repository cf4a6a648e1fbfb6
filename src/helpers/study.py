"""The study's constants, in one place: its two sets of units, the index's measures, the cases,
and the few facts about the sources that no data file states.

Everything else (which rounds exist, how many units a table holds, which rounds are complete)
is derived from the data: a round of the index is a file listed in ``data/raw/MANIFEST.csv``
whose path matches a unit set's ``round_file`` or ``score_file`` pattern, and a round is
complete when every unit of its set has a score. A new round therefore enters as data plus a
manifest row (README, "Adding a DTI round").

``tests/test_architecture.py`` fails on a year or a unit count written as a number anywhere
else in ``src/helpers``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class UnitSet:
    """One set of units the ministry ranks: the 63 provinces (to mid-2025) or the 34 units (after).

    ``key`` is the column that identifies a unit in every table of the set; ``name_column`` the
    column of the unit's name in the set's raw score files. ``round_file`` and ``score_file`` are
    regular expressions of paths under ``data/raw`` (as the manifest lists them): per-round tables
    in the common DTI layout (one row per unit, ranks and scores as stated by the sources), and
    complete score tables with a ``year`` column (the backbone from which ranks are computed).
    ``panel`` is the name of the set's derived panel table.
    """

    name: str
    n_units: int
    label: str
    key: str
    name_column: str
    round_file: str
    score_file: str
    panel: str

    def round_year(self, path: str) -> int | None:
        """The year of a per-round file of this set (``dti/dti_2024.csv`` → 2024), else ``None``."""
        match = re.fullmatch(self.round_file, path)
        return int(match.group("year")) if match else None

    def is_score_file(self, path: str) -> bool:
        return re.fullmatch(self.score_file, path) is not None


#: The 63 provinces and centrally run cities ranked until the 2025 reorganisation.
PROVINCES = UnitSet(
    name="provinces_63", n_units=63, label="63 provinces", key="gso_code", name_column="province",
    round_file=r"dti/dti_(?P<year>\d{4})\.csv", score_file=r"dti/dti_scores_\d{4}(_\d{4})?\.csv",
    panel="dti_panel",
)
#: The 34 units formed by the 2025 reorganisation (the ministry re-ranked DTI 2024 on them).
UNITS = UnitSet(
    name="units_34", n_units=34, label="34 units", key="unit_code", name_column="new_unit",
    round_file=r"dti/dti_(?P<year>\d{4})_34units\.csv", score_file=r"dti/dti_\d{4}_34units_scores\.csv",
    panel="dti_panel_34",
)
UNIT_SETS = {unit_set.name: unit_set for unit_set in (PROVINCES, UNITS)}

#: A unit formed in 2025 is keyed ``U`` + its 2025 code in the merger table ("U96" is the merged
#: Cà Mau, Bạc Liêu + Cà Mau), never by a bare GSO code: "96" is the pre-2025 province Cà Mau.
UNIT_PREFIX = "U"


def unit_code(code_2025: str) -> str:
    """The key of a 2025 unit from its code in the merger table: ``"96"`` → ``"U96"``."""
    return f"{UNIT_PREFIX}{code_2025}"


#: The year the 63 provinces were merged into 34 units.
MERGER_YEAR = 2025

#: Overall DTI, the three pillars, the eight main indices (five foundation, three activity):
#: (measure, rank column, score column) in the per-round files.
FOUNDATION = ["awareness", "institutions", "infrastructure", "human_resources", "cybersecurity"]
ACTIVITY = ["gov_activity", "econ_activity", "soc_activity"]
MAIN_INDICES = FOUNDATION + ACTIVITY
DTI_MEASURES: list[tuple[str, str | None, str]] = [
    ("dti", "rank", "dti_score"),
    ("gov", "gov_rank", "gov_score"),
    ("econ", "econ_rank", "econ_score"),
    ("soc", "soc_rank", "soc_score"),
    *[(index, None, index) for index in MAIN_INDICES],
]
#: Weights of the main indices in the overall score under the 2021-2022 method (published); the
#: rounds they are checked on are those whose main indices are published with scores.
WEIGHTS = {**{m: 0.10 for m in FOUNDATION}, "gov_activity": 0.20, "econ_activity": 0.15, "soc_activity": 0.15}

#: The main case (Bạc Liêu, last in DTI 2021) and the comparison case (Bến Tre), by GSO code.
MAIN_CASE = "95"
COMPARISON_CASE = "83"
CASES = (MAIN_CASE, COMPARISON_CASE)

#: Facts about the sources that no file states in a column.
#: The first DTI round (the index began with the 2020 assessment).
FIRST_DTI_ROUND = 2020
#: The earliest year of any source of the study (the population series).
EARLIEST_SOURCE_YEAR = 2011
#: The one year of the IT-application and e-government ranking used as a pre-DTI reference.
EGOV_YEAR = 2017
#: PAPI e-governance rounds with a known problem: 2018 has two sub-dimensions only (not
#: comparable), 2019's third sub-dimension is off-scale.
PAPI_FLAGS = {2018: "not_comparable_2018", 2019: "off_scale_2019"}
PAPI_OFF_SCALE = 2019
PAPI_NOT_COMPARABLE = 2018

#: English names of the six socio-economic regions of the General Statistics Office (the ``region`` column of
#: data/raw/provinces/provinces.csv), as the GSO's English-language Statistical Yearbook of Viet Nam names them.
REGION_NAMES_EN = {
    "Đồng bằng sông Hồng": "Red River Delta",
    "Trung du và miền núi phía Bắc": "Northern Midlands and Mountain Areas",
    "Bắc Trung Bộ và duyên hải miền Trung": "North Central and Central Coastal Areas",
    "Tây Nguyên": "Central Highlands",
    "Đông Nam Bộ": "South East",
    "Đồng bằng sông Cửu Long": "Mekong River Delta",
}
