"""The public Python API, the project's kernel and the interactive paths, as a researcher meets them."""

import json
import re

import pytest

import helpers
from helpers import figures, params, paths


def test_import_helpers_offers_the_api_and_says_so():
    names = dir(helpers)
    for name in ("load", "table_names", "dti_ranks", "dti_scores", "province_table", "load_dti_panel",
                 "load_claims", "load_crosswalk_2025"):
        assert name in names, name
    from helpers import load_dti_panel  # the one-call loader, from the package itself

    assert len(load_dti_panel()) > 0
    doc = helpers.__doc__
    assert "helpers.api" in doc and "tables" in doc and "``pipeline``" not in doc
    with pytest.raises(AttributeError):
        helpers.no_such_function  # noqa: B018


def test_every_public_function_has_a_docstring_with_an_example():
    from helpers import api

    for name in api.PUBLIC:
        doc = getattr(api, name).__doc__ or ""
        assert doc.strip(), name
        if not name.startswith("load_"):  # the table loaders are documented by their table
            assert ">>>" in doc, name


def test_unknown_table_lists_the_tables():
    with pytest.raises(helpers.api.UnknownTableError, match=r"unknown table 'dti_pannel'; the tables are: .*dti_panel"):
        helpers.load("dti_pannel")


def test_ranks_by_year_have_province_names_for_both_unit_sets():
    ranks, units = helpers.dti_ranks(), helpers.dti_ranks(34)
    assert ranks.index.name == "province" and len(ranks) == 63 and ranks.loc["Bạc Liêu", 2021] == 63
    assert units.index.name == "new_unit" and len(units) == 34
    with pytest.raises(helpers.exceptions.StudyError, match="units=40"):
        helpers.dti_ranks(40)


def test_every_notebook_runs_on_the_projects_kernel_registered_inside_the_venv():
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    kernel = re.search(r"^KERNEL_NAME := (\S+)$", makefile, re.M).group(1)
    assert "ipykernel install --sys-prefix --name $(KERNEL_NAME)" in makefile and "--user" not in makefile
    from helpers.run import pipeline

    assert kernel == pipeline.KERNEL
    specs = {json.loads(nb.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
             for nb in paths.NOTEBOOKS.glob("*.ipynb")}
    displays = {json.loads(nb.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["display_name"]
                for nb in paths.NOTEBOOKS.glob("*.ipynb")}
    assert specs == {kernel} and len(displays) == 1


def test_an_interactive_run_saves_in_a_folder_of_its_notebook_and_parameters(monkeypatch):
    source = json.loads((paths.NOTEBOOKS / "03_data.ipynb").read_text(encoding="utf-8"))["cells"]
    cell = "".join(next(c for c in source if "parameters" in c["metadata"].get("tags", []))["source"])
    monkeypatch.chdir(paths.NOTEBOOKS)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    namespace = {"In": ["", cell], "focus_province": "ben-tre", "ranking_year": 2023}
    monkeypatch.setattr(figures, "_user_namespace", lambda: namespace)
    notebook, folder = figures.interactive_run()  # as under nbconvert or jupyter execute
    assert notebook == "notebooks/03_data.ipynb"
    assert folder == paths.INTERACTIVE / "03_data--focus_province=ben-tre,ranking_year=2023"
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/04_trajectories.ipynb")  # as JupyterLab names it
    namespace.update({"baseline": 2022})
    assert figures.interactive_run()[0] == "notebooks/04_trajectories.ipynb"
    monkeypatch.delenv("JPY_SESSION_NAME")
    namespace["In"] = ["print(1)"]  # a kernel that ran no notebook's parameters cell
    assert figures.interactive_run() == ("", paths.INTERACTIVE / "unnamed")


@pytest.mark.parametrize("value", ['["ha-giang"]', ["ha-giang"], "ha-giang", " ha-giang , "])
def test_a_list_parameter_is_a_comma_list_or_a_json_list(value):
    assert params.province_list("focus_provinces", value) == ["02"]
