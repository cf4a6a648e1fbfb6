from pathlib import Path

from helpers import paths


def test_root_is_the_repository(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # the cwd must not matter
    assert (paths.ROOT / "pyproject.toml").is_file()
    assert paths.CORPUS == paths.ROOT / "data" / "raw" / "corpus"


def test_figure_dir_default_and_override(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.FIGURE_DIR_ENV, raising=False)
    assert paths.figure_dir() == paths.ROOT / "build" / "interactive"  # never the committed figures/
    run = paths.INTERACTIVE / "03_data--focus_province=ben-tre,ranking_year=2023"
    assert paths.figure_dir(run) == run  # an interactive run's own folder
    monkeypatch.setenv(paths.FIGURE_DIR_ENV, str(tmp_path))
    assert paths.figure_dir() == tmp_path and paths.figure_dir(run) == tmp_path  # the runner's staging wins


def test_relative_never_leaks_an_absolute_path():
    assert paths.relative(paths.ROOT / "data" / "raw") == "data/raw"
    assert paths.relative(Path("/somewhere/else/file.csv")) == "file.csv"


def test_relative_figure_dir_is_taken_from_the_root(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(paths.FIGURE_DIR_ENV, "build/somewhere")
    assert paths.figure_dir() == paths.ROOT / "build" / "somewhere"
