"""Faults under real use (issue 19): typed parameters, SIGTERM, a full disk, --fresh, odd raw names,
deterministic profiles. Each case checks the message seen and that outputs keep their bytes.

One project copy serves the whole module (``copy``); the cases that run something restore what
they change. Commands run in the copy are forked from a warm interpreter (``conftest.run_module``), except
the SIGTERM case's run, a process of its own to signal. The slowest: the two profile sweeps and the two runs
of plain papermill (2–3 s each).
"""

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from conftest import copy_project, run_module
from helpers import files, params, paths, trajectories
from helpers.run import errors, pipeline, site

pytestmark = pytest.mark.slow

OUTPUTS = ("data/processed", "figures", "notebooks")


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for d in OUTPUTS for p in sorted((root / d).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("faults") / "project"
    copy_project(root)
    return root


def _env(root: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "CI": "1"}
    env.pop("VERBOSE", None)
    return env


def _run(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python -m <args>`` in the copy with CI set, forked from a warm interpreter (``conftest.run_module``)."""
    return run_module(root, *args, timeout=timeout, CI="1")


def _error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


# --- typed parameters -------------------------------------------------------------------

@pytest.mark.parametrize("value", [2022.0, "2022", True])
def test_a_year_is_an_int(value):
    with pytest.raises(params.ParameterError, match=r"parameter ranking_year=.*: a whole number is needed, not "
                       r"\w+ .*; allowed: 2022, 2023, 2024$"):
        params.choice("ranking_year", value, [2022, 2023, 2024])


def test_a_later_round_is_an_int_too():
    rounds = {"dti": [2022, 2023, 2024], "papi_egov": [2019, 2020]}
    with pytest.raises(params.ParameterError, match=r"parameter comparison=2024.0: allowed: a round of 'dti' later than baseline=2022: 2023, 2024"):
        trajectories.check_trajectory_parameters("bac-lieu", 2022, 2024.0, "dti", 5, rounds)


def test_string_parameters_are_kept_as_typed():
    typed = pipeline.typed_parameters([paths.NOTEBOOKS / "02_claims.ipynb"], [("recall_document", "004")])
    assert typed == {"recall_document": "004"}
    typed = pipeline.typed_parameters([paths.NOTEBOOKS / "03_data.ipynb"], [("ranking_year", "2023")])
    assert typed == {"ranking_year": 2023}


@pytest.mark.parametrize("typed", ["Bạc Liêu", "BAC-LIEU", "bac lieu", "Bac_Lieu"])
def test_suggestions_allow_for_diacritics_and_capitals(typed):
    with pytest.raises(params.ParameterError, match=r"did you mean 'bac-lieu'\?$"):
        params.province("province", typed)


def test_component_province_is_checked_in_the_validation_cell():
    with pytest.raises(params.ParameterError, match=r"parameter component_province='ha-noi': Hà Nội is not printed "
                       r"among.*allowed: a province printed among .*: bac-lieu"):
        params.province_among("component_province", "ha-noi", {"95"}, "printed among the top or bottom five")


def test_plain_papermill_names_the_parameter_first(copy, tmp_path):
    """Through plain papermill (no runner), the error papermill prints names the parameter."""
    before = _snapshot(copy)
    result = _run(copy, "papermill", "--no-progress-bar", "-k", pipeline.KERNEL, "notebooks/03_data.ipynb",
                  str(tmp_path / "out.ipynb"), "-p", "ranking_year", "2022.0")
    assert result.returncode != 0
    first = next(line for line in result.stderr.splitlines() if "Error" in line and "papermill" not in line)
    assert "ParameterError: parameter ranking_year=2022.0: a whole number is needed" in first, result.stderr[-2000:]
    assert _snapshot(copy) == before


def test_plain_papermill_stops_an_unknown_injected_parameter(copy, tmp_path):
    """papermill only logs "Passed unknown parameter"; the validation cell stops the run."""
    result = _run(copy, "papermill", "--no-progress-bar", "-k", pipeline.KERNEL, "notebooks/profile.ipynb",
                  str(tmp_path / "out.ipynb"), "-p", "provnce", "ca-mau")
    assert result.returncode != 0
    first = next(line for line in result.stderr.splitlines() if "Error" in line and "papermill" not in line)
    assert first == ("ParameterError: parameter provnce='ca-mau': not a parameter of this notebook; allowed: the "
                     "notebook's parameters: province; did you mean 'province'?"), result.stderr[-2000:]


def test_check_injected_outside_papermill_checks_nothing():
    params.check_injected()  # no kernel, no injected cell: nothing to check


# --- SIGTERM, a full disk ------------------------------------------------------------------

def test_sigterm_during_a_notebook_run_cleans_up(copy):
    """SIGTERM while a cell runs: 01_corpus with a last cell that marks that it started, then waits (a copy of the
    notebook beside it, removed after), so that the signal comes during the run however fast the kernel is."""
    held = copy / "notebooks/01_corpus_held.ipynb"
    started = copy / "build/held-cell-started"
    nb = nbformat.read(copy / "notebooks/01_corpus.ipynb", as_version=4)
    nb.cells.append(new_code_cell(f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(120)"))
    nbformat.write(nb, held)
    try:
        before = _snapshot(copy)
        run = subprocess.Popen([sys.executable, "-m", "helpers.run.pipeline", "run", "notebooks/01_corpus_held.ipynb",
                                "-p", "provinces", "ben-tre"], cwd=copy, env=_env(copy), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not started.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the run never reached its last cell"
        assert list((copy / "build").glob("run-01_corpus_held-*")), "no staging folder during the run"
        run.send_signal(signal.SIGTERM)
        _, stderr = run.communicate(timeout=60)
        assert run.returncode == 143, stderr
        assert "the notebook run: terminated; nothing it would have written was changed." in stderr
        assert "Traceback" not in stderr
        assert list((copy / "build").glob("run-*")) == []
        assert not (copy / "build/runs").exists() or not any((copy / "build/runs").rglob("*.ipynb"))
        assert _snapshot(copy) == before
    finally:
        held.unlink()
        started.unlink(missing_ok=True)


def test_a_full_disk_names_the_file_being_written(tmp_path, capsys):
    target = tmp_path / "build" / "run-03_data-x" / "figures" / "03_coverage.png"

    def full(tmp):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(SystemExit), errors.reported("the notebook run"):
        files.write_atomic(target, full)
    line = capsys.readouterr().err.splitlines()[0]
    assert line == (f"error: {target}: No space left on device (the disk holding {target.parent} is full: free "
                    "space there); free space on that disk, then run the command again")
    assert list(target.parent.iterdir()) == []  # no temporary file left


def test_long_messages_are_one_capped_line():
    line = errors.one_line("a\nb " + "x" * 5000)
    assert "\n" not in line and line.startswith("a b xxx") and line.endswith("… and 4404 more characters "
                                                                             "(VERBOSE=1 shows all)")


# --- the site's --fresh, raw names ---------------------------------------------------------

def test_fresh_refuses_a_folder_the_site_did_not_create(copy, tmp_path):
    mine = tmp_path / "papers"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work", encoding="utf-8")
    result = _run(copy, "helpers.run.site", "--out", str(mine), "--fresh")
    assert result.returncode == 1
    assert _error_lines(result) == [f"error: {mine}: --fresh deletes only a folder the site build created (it holds "
                                    ".study-site); this one was not, so nothing was deleted: choose a new or empty "
                                    "--out folder"]
    assert (mine / "thesis.tex").read_text(encoding="utf-8") == "years of work"


def test_fresh_deletes_a_folder_the_site_made(tmp_path):
    made = tmp_path / "site"
    made.mkdir()
    (made / site.MARKER).write_text("", encoding="utf-8")
    (made / "index.html").write_text("old", encoding="utf-8")
    site.check_ours(made)  # no error: it may go


@pytest.mark.parametrize("name,message", [
    ("dti/dti scores 2025.csv", r"data/raw/dti/dti scores 2025.csv: a raw file's path may hold only ASCII letters, "
                                r"digits, '.', '_', '-' and '/' \(no space, no '..'\): rename the file"),
])
def test_manifest_add_refuses_a_name_make_cannot_handle(copy, name, message):
    manifest = (copy / "data/raw/MANIFEST.csv").read_bytes()
    path = copy / "data/raw" / name
    path.write_text("year\n2025\n", encoding="utf-8")
    try:
        result = _run(copy, "helpers.run.manifest", "add", f"data/raw/{name}", "--source", "test")
    finally:
        path.unlink()
    assert result.returncode == 1
    import re
    assert re.search(message, _error_lines(result)[0]), result.stderr
    assert (copy / "data/raw/MANIFEST.csv").read_bytes() == manifest


def test_manifest_add_refuses_a_symbolic_link(copy):
    link = copy / "data/raw/dti/hostname.csv"
    link.symlink_to("/etc/hostname")
    try:
        result = _run(copy, "helpers.run.manifest", "add", "data/raw/dti/hostname.csv", "--source", "x")
    finally:
        link.unlink()
    assert _error_lines(result) == ["error: data/raw/dti/hostname.csv: a symbolic link; copy the file itself under "
                                    "data/raw/ and record the copy"]


# --- deterministic profiles -----------------------------------------------------------------

def test_profiles_are_byte_identical_across_sweeps(copy):
    """The cause was the cell papermill injects: nbformat gave it a random id in every run."""
    sweeps = []
    for _ in range(2):
        result = _run(copy, "helpers.run.profile_sweep", "ca-mau", "ben-tre")
        assert result.returncode == 0, result.stderr
        sweeps.append({p.name: p.read_bytes() for p in sorted((copy / "build/profiles").iterdir())})
    assert set(sweeps[0]) == {"ca-mau.ipynb", "ben-tre.ipynb"}  # the site makes them pages (helpers.run.site)
    assert sweeps[0] == sweeps[1]
