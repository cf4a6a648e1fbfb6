"""The conda environment file and the pip pins must describe the same environment."""

import re
import sys

import yaml

from helpers import paths


def _pins(lines):
    return {line.strip() for line in lines if line.strip() and not line.strip().startswith(("#", "-"))}


def test_environment_yml_lists_exactly_the_requirements_pins():
    req = _pins((paths.ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    conda_pins = _pins(pip_section)
    assert req, "requirements.txt has no pins"
    assert conda_pins == req, (
        f"only in requirements.txt: {sorted(req - conda_pins)}; "
        f"only in environment.yml: {sorted(conda_pins - req)}"
    )
    assert "python=3.11" in env["dependencies"]


def test_every_requirement_is_pinned_exactly():
    lines = _pins((paths.ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    loose = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line)]
    assert loose == []


def test_direct_requirements_are_all_pinned():
    direct = _pins((paths.ROOT / "requirements.in").read_text(encoding="utf-8").splitlines())
    pinned = {pin.split("==")[0].lower().replace("_", "-") for pin in
              _pins((paths.ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())}
    missing = {d for d in direct if d.lower().replace("_", "-") not in pinned}
    assert missing == set()


def test_running_python_is_3_11():
    assert sys.version_info[:2] == (3, 11)


def test_no_registry_address_in_pins():
    for name in ("requirements.txt", "requirements.in", "environment.yml"):
        text = (paths.ROOT / name).read_text(encoding="utf-8")
        options = [line for line in text.splitlines() if re.match(r"\s*(-\s+)?--", line)]
        assert options == [] and "://" not in text, name  # no pip options (index, find-links), no URLs


def test_reading_a_notebook_does_not_build_the_iri_grammars():
    """nbformat (through jsonschema) would import rfc3987-syntax, which builds some forty Lark parsers at
    import (about 1.6 s per process); the environment leaves it out (requirements.in)."""
    import subprocess

    code = "import sys, nbformat, papermill; print(sorted(m for m in ('rfc3987_syntax', 'lark') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout

