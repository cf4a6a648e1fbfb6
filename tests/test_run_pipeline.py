"""The notebook runner: atomic outputs, clear failures, parameter checks."""

import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from helpers import params, paths
from helpers.run import errors, pipeline


def _notebook(path, *sources, params="value = 1  # a number"):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(new_code_cell(params, metadata={"tags": ["parameters"]}))
    nb.cells += [new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


FIGURE = """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from helpers import figures
fig, ax = plt.subplots(); ax.plot([value, 2]); ax.set_title("probe")
figures.save(fig, "probe", formats=("png",));
"""


def test_success_writes_notebook_and_figure_without_run_metadata(tmp_path):
    nb = _notebook(tmp_path / "ok.ipynb", FIGURE, "print(value * 2)")
    out = pipeline.run_notebook(nb, parameters={"value": 21}, figure_dir=tmp_path / "fig", progress_bar=False)
    result = nbformat.read(out, as_version=4)
    assert "papermill" not in result.metadata
    assert all("execution" not in c.metadata and "papermill" not in c.metadata for c in result.cells)
    assert result.cells[-1].outputs[0]["text"] == "42\n"
    assert (tmp_path / "fig" / "probe.png").is_file()


def test_failure_leaves_previous_outputs_and_names_the_cell(tmp_path):
    nb = _notebook(tmp_path / "bad.ipynb", FIGURE, "raise ValueError('broken input')")
    before = nb.read_bytes()
    with pytest.raises(errors.NotebookFailed, match=r"bad.ipynb: cell 2 .*ValueError: broken input"):
        pipeline.run_notebook(nb, figure_dir=tmp_path / "fig", progress_bar=False)
    assert nb.read_bytes() == before
    assert not (tmp_path / "fig").exists()
    assert not list(paths.BUILD.glob("run-bad-*"))


def test_stderr_output_fails_the_run(tmp_path):
    nb = _notebook(tmp_path / "warn.ipynb", "import warnings; warnings.warn('careful')")
    with pytest.raises(errors.NotebookFailed, match="wrote to stderr"):
        pipeline.run_notebook(nb, figure_dir=tmp_path / "fig", progress_bar=False)


def test_unknown_parameter_stops_before_running(tmp_path):
    nb = _notebook(tmp_path / "p.ipynb", "print(value)")
    expected = r"parameter valeu=3: .*has no such parameter; allowed: value \(default 1\)"
    with pytest.raises(params.ParameterError, match=expected):
        pipeline.run_notebook(nb, parameters={"valeu": 3}, progress_bar=False)


def test_strip_run_metadata():
    nb = new_notebook()
    nb.metadata["papermill"] = {"start_time": "x"}
    run = {"execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"}, "papermill": {"duration": 1}}
    nb.cells.append(new_code_cell("1", metadata=run))
    stripped = pipeline.strip_run_metadata(nb)
    assert "papermill" not in stripped.metadata and stripped.cells[0].metadata == {}


def test_bad_province_slug_stops_a_real_notebook_and_writes_nothing(tmp_path):
    out = tmp_path / "profile_out.ipynb"
    with pytest.raises(errors.NotebookFailed, match=r"profile.ipynb: cell \d+ .*bac-lieu"):
        pipeline.run_notebook(paths.NOTEBOOKS / "profile.ipynb", parameters={"province": "bac-lieux"},
                              output=out, figure_dir=tmp_path / "fig", html_dir=tmp_path / "html",
                              progress_bar=False)
    assert not out.exists() and not (tmp_path / "fig").exists() and not (tmp_path / "html").exists()


def test_a_parameter_run_writes_under_build_runs_never_the_committed_copy(tmp_path, monkeypatch):
    nb = _notebook(tmp_path / "nb.ipynb", FIGURE)
    before = nb.read_bytes()
    monkeypatch.setattr(pipeline, "RUNS", tmp_path / "runs")
    assert pipeline.main(["run", str(nb), "-p", "value", "3"]) == 0
    folder = tmp_path / "runs" / "nb--value=3"
    assert (folder / "nb.ipynb").is_file() and (folder / "figures" / "probe.png").is_file()
    assert nb.read_bytes() == before


@pytest.mark.parametrize("text,value", [("2022", 2022), ("bac-lieu", "bac-lieu"), ("", ""), (",", ","),
                                        ("[a, b]", "[a, b]")])
def test_command_line_values_are_scalars_or_kept_as_text(text, value):
    assert pipeline.parse_value("p", text) == value


def test_outputs_are_readable_by_others(tmp_path):
    nb = _notebook(tmp_path / "m.ipynb", FIGURE)
    out = pipeline.run_notebook(nb, output=tmp_path / "o.ipynb", figure_dir=tmp_path / "fig", progress_bar=False)
    assert out.stat().st_mode & 0o777 == 0o644 or out.stat().st_mode & 0o044
    assert (tmp_path / "fig" / "probe.png").stat().st_mode & 0o044


def test_outputs_on_another_filesystem_are_published(tmp_path):
    other = Path("/dev/shm")
    if not other.is_dir() or os.stat(other).st_dev == os.stat(paths.BUILD.parent).st_dev:
        pytest.skip("no second filesystem (tmpfs) here")
    target = Path(tempfile.mkdtemp(dir=other))
    try:
        nb = _notebook(tmp_path / "x.ipynb", FIGURE)
        out = pipeline.run_notebook(nb, output=target / "x.ipynb", figure_dir=target / "fig",
                                    html_dir=target / "html", progress_bar=False)
        assert out.is_file() and (target / "fig" / "probe.png").is_file() and (target / "html" / "x.html").is_file()
    finally:
        shutil.rmtree(target, ignore_errors=True)


def test_unwritable_target_gives_one_message_and_changes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CI", "1")  # no progress bar on stderr
    nb = _notebook(tmp_path / "y.ipynb", FIGURE)
    (tmp_path / "blocked").write_text("a file where the figure folder should be")
    with pytest.raises(SystemExit) as stop:
        pipeline.main(["run", str(nb), "--output", str(tmp_path / "out.ipynb"),
                       "--figure-dir", str(tmp_path / "blocked" / "fig")])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and "blocked" in err
    assert not (tmp_path / "out.ipynb").exists()


def test_a_run_records_the_data_files_its_kernel_opened(tmp_path):
    reads = """
from helpers import provinces, tables
tables.load_crosswalk_2025()
tables.load_units_34()  # read by a library outside Python's open(): recorded by hand
open(provinces.__file__).close()  # not a data file: not recorded
"""
    nb = _notebook(tmp_path / "reads.ipynb", reads)
    out = pipeline.run_notebook(nb, figure_dir=tmp_path / "fig", progress_bar=False)
    recorded = nbformat.read(out, as_version=4).metadata["study"]["reads"]
    assert "data/processed/crosswalk_2025.csv" in recorded and "data/processed/units_34.geojson" in recorded
    assert all(r.startswith(paths.RECORDED_PREFIXES) for r in recorded) and recorded == sorted(set(recorded))


def test_each_committed_notebook_declares_what_its_last_run_recorded():
    import json

    from helpers.run import declared

    for notebook in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        listed = declared.reads(notebook)
        assert listed == sorted(set(listed)) and all((paths.ROOT / p).is_file() for p in listed), notebook.name
        assert json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["study"]["reads"] == listed
