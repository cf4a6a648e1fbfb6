"""A new DTI round is data, not code: on a copy of the project, add a round by data files and
manifest rows only, then run the data build and the notebooks that use the rounds.

The round is made up (``tests/data/new_round/``, see its README): a "2025" round of the 34 units
(complete scores, a per-round file, the eight main indices) and a hypothetical "2025" round of the
63 provinces. Nothing under ``src/`` or ``notebooks/`` is touched; the test checks that it is not.
The new round must reach the 34-unit panel, a map of its own, the components analysis (06), the
merged units' profiles, the trajectories (04) and the findings' counts of rounds (03).
"""

import ast
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import copy_project, run_module

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "data" / "new_round"
SOURCE = "made-up DTI round for tests/test_add_round.py; not an observation"
NOTEBOOKS = ["03_data", "04_trajectories", "06_geography"]


def _code_digest(root: Path) -> str:
    files = sorted(p for d in ("src", "notebooks") for p in (root / d).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".ipynb")
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """A copy of the project after the steps of the README's "Adding a DTI round"."""
    root = copy_project(tmp_path_factory.mktemp("round") / "project")
    code_before = _code_digest(root)
    steps = {}
    for fixture in sorted(FIXTURES.glob("*.csv")):
        target = f"data/raw/dti/{fixture.name}"
        shutil.copyfile(fixture, root / target)
        steps[f"add {fixture.name}"] = run_module(root, "helpers.run.manifest", "add", target, "--source", SOURCE)
    steps["build"] = run_module(root, "helpers.run.build")
    for name in NOTEBOOKS:
        steps[name] = run_module(root, "helpers.run.pipeline", "run", f"notebooks/{name}.ipynb", "--in-place")
    steps["profile"] = run_module(root, "helpers.run.pipeline", "run", "notebooks/profile.ipynb", "-p", "province", "ca-mau")
    return root, steps, code_before


def _glued(notebook: Path) -> dict:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = ast.literal_eval(out["data"]["application/papermill.record/text/plain"])
    return values


def test_every_step_succeeds_without_a_change_of_code(added):
    root, steps, code_before = added
    for name, result in steps.items():
        assert result.returncode == 0, (name, result.stderr[-2000:])
    assert _code_digest(root) == code_before


def test_the_round_is_in_the_34_unit_panel(added):
    root, _, _ = added
    panel = pd.read_csv(root / "data/processed/dti_panel_34.csv", dtype={"unit_code": str})
    backbone = panel[(panel["measure"] == "dti") & (panel["rank_method"] == "computed_from_scores")]
    assert backbone.groupby("year")["unit_code"].nunique().to_dict() == {2024: 34, 2025: 34}
    main = panel[(panel["year"] == 2025) & (panel["measure"] != "dti")]
    assert main["unit_code"].nunique() == 34 and main["measure"].nunique() == 8


def test_the_round_has_its_map_and_the_63_rounds_theirs(added):
    root, _, _ = added
    for suffix in ("png", "svg", "json"):
        assert (root / f"figures/06_map_dti_34units_2025.{suffix}").is_file()
    entry = json.loads((root / "figures/06_map_dti_rank.json").read_text(encoding="utf-8"))
    assert entry["title"] == "DTI rank of the 63 provinces, 2022–2025"
    assert entry["caption"].startswith(entry["title"] + ". ") and "2025: " in entry["takeaway"]
    assert "scores 2022–2025 for 63 provinces and 2024–2025 for 34 units" in entry["source"]
    new = json.loads((root / "figures/06_map_dti_34units_2025.json").read_text(encoding="utf-8"))
    assert new["title"] == "DTI 2025 on the 34 units of 2025"


def test_the_components_analysis_takes_the_round(added):
    root, _, _ = added
    values = _glued(root / "notebooks/06_geography.ipynb")
    assert values["index_year"] == 2025
    assert values["bottom_regions_2025"] >= 1  # the last complete round of the 63 is the made-up one
    units = pd.read_csv(root / "data/processed/units_main_indices.csv")
    assert sorted(units["year"].unique()) == [2024, 2025]
    merged = pd.read_csv(root / "data/processed/merged_mean_check.csv")
    assert sorted(merged["year"].unique()) == [2024, 2025] and merged["passes"].all()


def test_the_merged_units_profiles_show_the_round(added):
    root, _, _ = added
    run = next((root / "build" / "runs").glob("profile--*ca-mau*"))
    nb = json.loads(next(run.glob("*.ipynb")).read_text(encoding="utf-8"))
    shown = "".join("".join(o.get("data", {}).get("text/plain", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "U96" in shown and "2025" in shown


def test_the_findings_count_the_rounds(added):
    root, _, _ = added
    values = _glued(root / "notebooks/03_data.ipynb")
    assert (values["n_rounds_34"], values["n_complete_rounds"], values["last_complete_round"]) == (2, 4, 2025)
    assert _glued(root / "notebooks/04_trajectories.ipynb")["rho_n"] == 63
