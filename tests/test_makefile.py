"""The Makefile's declared dependencies: touch each kind of input and see exactly what goes stale.

Each test works on a copy of the project (every file dated 2020) whose outputs are marked up
to date with ``make -t``; the data build runs for real there (a few seconds), notebooks never.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project, project_files
from helpers import paths
from helpers.run import declared

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
OLD = "2020-01-01 00:00"


def _make(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "CI": "1"}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=root, env=env, check=check,
                          capture_output=True, text=True)


def _stale(root: Path) -> list[str]:
    """What `make -n report` would run: 'data' (the data build) and the notebooks' stems."""
    lines = _make(root, "-n", "report").stdout.splitlines()
    found = ["data" for line in lines if "helpers.run.build" in line]
    found += [Path(line.split(" run ")[1].split()[0]).stem for line in lines if "helpers.run.pipeline run" in line]
    return found


def setup_hash(root: Path) -> str:
    """What the Makefile's set-up stamp holds: the sha256 of requirements.txt and pyproject.toml."""
    return hashlib.sha256((root / "requirements.txt").read_bytes() + (root / "pyproject.toml").read_bytes()).hexdigest()


def borrow_environment(root: Path) -> None:
    """``root/.venv``: the environment running the tests, entry by entry (symlinks), with a set-up stamp
    of its own, so that nothing is written into the real environment."""
    venv = root / ".venv"
    venv.mkdir()
    for entry in Path(sys.prefix).iterdir():
        if entry.name != ".setup-complete":
            (venv / entry.name).symlink_to(entry)
    stamp = venv / ".setup-complete"
    stamp.write_text(setup_hash(root) + "\n", encoding="utf-8")
    os.utime(stamp, (0, 0))  # older than the kernel spec: `make -t` touches nothing inside the real one


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A copy of the project dated 2020 whose outputs ``make -t`` marked up to date, made once for the module."""
    root = copy_project(tmp_path_factory.mktemp("prepared") / "project")
    borrow_environment(root)  # the environment running the tests
    subprocess.run(["find", ".", "-type", "f", "-not", "-path", "./.venv/*", "-exec", "touch", "-d", OLD, "{}", "+"],
                   cwd=root, check=True)
    (root / "build" / "stamps").mkdir(parents=True)
    (root / "build" / "report").mkdir()
    _make(root, "-t", "report")
    return root


@pytest.fixture
def project(prepared, tmp_path):
    """A copy of ``prepared`` for one test (file dates kept, links to the environment kept as links)."""
    root = shutil.copytree(prepared, tmp_path / "project", symlinks=True)
    assert _stale(root) == [], "a complete build must leave nothing to run"
    return root


def _readers(path: str) -> list[str]:
    return [nb.stem for nb in NOTEBOOKS if path in declared.reads(nb)]


#: Inputs touched with their bytes unchanged: a raw file and every codebook file.
TOUCHED = ["data/raw/dti/dti_2021.csv", *sorted(f"data/codebook/{p.name}"
                                               for p in (paths.ROOT / "data" / "codebook").glob("*.csv"))]


@pytest.mark.parametrize("path", TOUCHED)
def test_a_touched_input_makes_the_data_and_its_own_readers_stale(project, path):
    """Touched, an input of the data build makes it stale, and the notebooks that read the file itself. Once the
    build is marked done (``make -t``: the tables keep their dates, as a real build leaves tables whose bytes did
    not change, checked below), only those notebooks are left."""
    (project / path).touch()
    assert _stale(project) == ["data", *_readers(path)]
    _make(project, "-t", "data")
    assert _stale(project) == _readers(path)


def test_a_real_build_after_touched_inputs_keeps_every_table_s_date(project):
    """The data build after every input of ``TOUCHED`` was touched: no table's bytes change, so every table keeps
    its date and only the notebooks that read a touched file are stale. (Each input had a real build of its own
    before; the build reads the files' bytes, never their dates, so one build stands for all.)"""
    for path in TOUCHED:
        (project / path).touch()
    tables = {p: p.stat().st_mtime_ns for p in sorted((project / "data" / "processed").iterdir())}
    _make(project, "data")
    assert {p: p.stat().st_mtime_ns for p in tables} == tables
    assert _stale(project) == [nb.stem for nb in NOTEBOOKS if any(path in declared.reads(nb) for path in TOUCHED)]


def test_changed_audit_check_reruns_the_data_and_the_notebooks_of_the_audit_table(project):
    checks = project / "data/codebook/audit_checks.csv"
    checks.write_text(checks.read_text(encoding="utf-8").replace("in the same sentence.", "in one sentence.", 1),
                      encoding="utf-8")
    _make(project, "data")
    assert _stale(project) == _readers("data/processed/consistency_audit.csv")


def test_notebook_change_reruns_that_notebook_only(project):
    (project / NOTEBOOKS[-1].relative_to(paths.ROOT)).touch()
    assert _stale(project) == [NOTEBOOKS[-1].stem]


def test_helper_change_reruns_the_data_and_every_notebook(project):
    (project / "src/helpers/stats.py").touch()
    assert _stale(project) == ["data"] + [nb.stem for nb in NOTEBOOKS]


def test_runner_change_reruns_every_notebook_not_the_data(project):
    (project / "src/helpers/run/pipeline.py").touch()
    assert _stale(project) == [nb.stem for nb in NOTEBOOKS]


def test_missing_raw_file_stops_the_build_with_a_message(project):
    (project / "data/raw/dti/dti_2021.csv").unlink()
    result = _make(project, "report", check=False)
    assert result.returncode != 0
    assert "data/raw/dti/dti_2021.csv: listed in data/raw/MANIFEST.csv but missing" in result.stderr
    assert "git checkout -- data/raw/dti/dti_2021.csv" in result.stderr


def test_unlisted_raw_file_stops_the_build_with_a_message(project):
    (project / "data/raw/dti/extra.csv").write_text("year\n2024\n", encoding="utf-8")
    result = _make(project, "data", check=False)
    assert result.returncode != 0
    assert "dti/extra.csv: present under data/raw but not listed in MANIFEST.csv" in result.stderr


def test_clean_never_deletes_a_tracked_file(project):
    before = set(project_files())
    _make(project, "clean")
    assert all((project / p).is_file() for p in before if not p.startswith("build/"))


def _publishing(root: Path) -> list[str]:
    """Which publishing steps `make -n report` would run: 'profiles' and 'site'."""
    lines = _make(root, "-n", "report").stdout.splitlines()
    return [name for name, marker in (("profiles", "helpers.run.profile_sweep"), ("site", "helpers.run.site"))
            if any(marker in line for line in lines)]


def test_complete_build_publishes_nothing_again(project):
    assert _publishing(project) == []


@pytest.mark.parametrize("path", ["site/index.md", "site/conf.py", "src/helpers/run/site.py", "CITATION.cff"])
def test_site_input_change_rebuilds_the_site_only(project, path):
    (project / path).touch()
    assert _stale(project) == []
    assert _publishing(project) == ["site"]


def test_notebook_change_reruns_it_then_rebuilds_the_site(project):
    notebook = NOTEBOOKS[-1]
    (project / "notebooks" / notebook.name).touch()
    assert _stale(project) == [notebook.stem]
    assert _publishing(project) == ["site"]


def test_profile_notebook_change_reruns_the_profiles_and_the_site(project):
    (project / "notebooks/profile.ipynb").touch()
    assert _stale(project) == []
    assert _publishing(project) == ["profiles", "site"]


def test_profiles_rerun_when_a_file_the_profile_notebook_reads_changes(project):
    profile = paths.NOTEBOOKS / "profile.ipynb"
    reads = declared.reads(profile)
    assert "data/processed/provinces_63.geojson" in reads  # its locator map
    (project / "data/processed/provinces_63.geojson").touch()
    assert "helpers.run.profile_sweep" in _make(project, "-n", "report").stdout
    assert _stale(project) == _readers("data/processed/provinces_63.geojson")  # the notebooks: 06 only


def test_the_profile_sweep_starts_before_the_notebooks(project):
    """The longest job first: with the helpers changed, the sweep comes before every notebook's run."""
    (project / "src/helpers/study.py").touch()
    lines = _make(project, "-n", "report").stdout.splitlines()
    sweep = next(i for i, line in enumerate(lines) if "helpers.run.profile_sweep" in line)
    runs = [i for i, line in enumerate(lines) if "helpers.run.pipeline run" in line]
    assert len(runs) == len(NOTEBOOKS) and sweep < min(runs)


def test_report_runs_one_job_per_core_unless_told(project):
    outer = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "JOBS")}

    def phase_two(*args: str, env: dict | None = None) -> str:
        result = subprocess.run(["make", "--no-print-directory", *args, "-n", "report"], cwd=project, check=True,
                                capture_output=True, text=True, env={**outer, **(env or {})})
        return next(line for line in result.stdout.splitlines() if "site.done" in line and "--output-sync" in line)

    cores = len(os.sched_getaffinity(0))
    assert f" -j{cores} --output-sync=target " in phase_two()
    assert " -j1 --output-sync=target " in phase_two(env={"JOBS": "1"})
    given = subprocess.run(["make", "--no-print-directory", "-j2", "-n", "report"], cwd=project, check=True,
                           capture_output=True, text=True, env=outer)
    assert "forced in submake" not in given.stderr  # make's own -j is passed down, not overridden
    assert " -j" not in next(line for line in given.stdout.splitlines() if "--output-sync" in line)


# --- the environment: a stamp keyed by content, a broken environment rebuilt beside the old one ----------

def _plans_setup(root: Path) -> bool:
    return "scripts/setup_venv.sh" in _make(root, "-n", "report").stdout


def test_setup_stamp_ignores_file_dates(project):
    for name in ("requirements.txt", "pyproject.toml"):
        (project / name).touch()
    assert not _plans_setup(project)
    assert _stale(project) == []


def test_setup_stamp_follows_the_content(project):
    with (project / "requirements.txt").open("a", encoding="utf-8") as pins:
        pins.write("# a comment changes the content\n")
    assert _plans_setup(project)


def test_a_broken_environment_is_rebuilt_beside_and_kept_when_the_rebuild_fails(project):
    """A pin that is not installed makes the environment broken; offline (no package index), the rebuild
    fails and the environment in use stays as it was."""
    with (project / "requirements.txt").open("a", encoding="utf-8") as pins:
        pins.write("study-missing-package==1.0\n")
    stamp = project / ".venv/.setup-complete"
    stamp.write_text(setup_hash(project) + "\n", encoding="utf-8")  # as if it had been set up from these pins
    before = sorted(p.name for p in (project / ".venv").iterdir())
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "CI": "1", "PIP_NO_INDEX": "1",
           "PYTHON": str(Path(sys.base_prefix) / "bin" / "python3")}
    result = subprocess.run(["make", "--no-print-directory", "setup", f"PYTHON={env['PYTHON']}"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert ("setup: the environment is broken: study-missing-package is not installed; building a new one beside it"
            in result.stderr), result.stderr
    assert sorted(p.name for p in (project / ".venv").iterdir() if p.name != ".setup-complete") == \
        [n for n in before if n != ".setup-complete"]
    assert (project / ".venv/bin/python").exists()  # the environment in use is still there
    assert not (project / ".venv.new").exists() and not (project / ".venv.old").exists()


def test_a_raw_file_name_with_a_space_is_refused_with_a_message_not_a_make_error(project):
    (project / "data/raw/dti/dti scores 2025.csv").write_text("year\n2025\n", encoding="utf-8")
    result = _make(project, "data", check=False)
    assert result.returncode != 0
    assert "No rule to make target" not in result.stderr
    assert ("error: data/raw/dti/dti scores 2025.csv: a raw file's path may hold only ASCII letters, digits, '.', "
            "'_', '-' and '/' (no space, no '..'): rename the file") in result.stderr
