"""Notebook dependencies come from the import graph of the helpers package."""

import json

from helpers import deps


def _notebook(path, source):
    nb = {"cells": [{"cell_type": "code", "source": source, "metadata": {}, "outputs": []}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_notebook_imports_are_found_in_every_form():
    src = "from helpers import corpus, figures as f\nimport helpers.sources\nfrom helpers.paths import ROOT\n"
    assert deps.direct_imports(src, package_relative=False) == {"corpus", "figures", "sources", "paths"}


def test_closure_follows_relative_imports():
    # corpus imports paths at module level and provinces inside a function
    assert {"corpus", "paths", "provinces", "__init__"} <= deps.closure({"corpus"})
    assert "pipeline" not in deps.closure({"corpus"})


def test_rules_name_only_what_a_notebook_uses(tmp_path):
    nb = _notebook(tmp_path / "07_probe.ipynb", "from helpers import paths\n")
    text = deps.rules([nb])
    line = next(l for l in text.splitlines() if l.startswith("build/stamps/07_probe.done:"))
    assert line.split(":", 1)[1].split() == ["src/helpers/__init__.py", "src/helpers/paths.py"]
    assert any(l.startswith("build/stamps/data.done:") and "src/helpers/build.py" in l for l in text.splitlines())
