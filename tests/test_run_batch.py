"""Many runs of one notebook on warm kernels: isolation, determinism, failures."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from helpers.run import batch


def _template(path):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_code_cell("value = 0  # a number", metadata={"tags": ["parameters"]}),
        new_code_cell("assert 'leftover' not in globals(), 'namespace leaked from an earlier run'\n"
                      "if value < 0:\n    raise ValueError('negative')\nleftover = value\nprint(value * 2)"),
    ]
    nbformat.write(nb, path)
    return path


def _outputs(path):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def test_each_run_gets_its_parameters_and_a_clean_namespace(tmp_path):
    """On the default number of kernels (two per core, so several), whichever kernel ran a run, after whichever
    others, leaves no trace in its output."""
    assert batch.default_workers() >= 2
    runs = {f"u{i}": {"value": i} for i in range(5)}
    result = batch.run_batch(_template(tmp_path / "t.ipynb"), runs, tmp_path / "out")
    assert result.failed == {}
    assert sorted(result.written) == sorted(runs)
    for key, params in runs.items():
        cells = _outputs(result.written[key])
        assert cells[-1].outputs[0]["text"] == f"{params['value'] * 2}\n"
        # counts start at 1 whatever kernel ran it and how many runs came before
        assert [c.execution_count for c in cells] == [1, 2, 3]


def test_failures_are_reported_and_write_nothing(tmp_path):
    runs = {"ok": {"value": 1}, "bad": {"value": -1}}
    result = batch.run_batch(_template(tmp_path / "t.ipynb"), runs, tmp_path / "out", workers=1)
    assert list(result.written) == ["ok"]
    assert "negative" in result.failed["bad"]
    assert not (tmp_path / "out" / "bad.ipynb").exists()


def test_a_shown_figure_is_not_drawn_again_by_pyplots_hook(tmp_path):
    """In a kernel, ``figures.use_style()`` disconnects pyplot's REPL hook, which drew every open figure after
    each cell before the inline backend drew it again to show it; the figure is still shown."""
    nb = nbformat.read(_template(tmp_path / "t.ipynb"), as_version=4)
    nb.cells[1:] = [
        new_code_cell("from helpers import figures\nimport matplotlib.pyplot as plt\nfigures.use_style()\n"
                      "fig, ax = plt.subplots()\nax.plot([1, value])"),
        new_code_cell("print(plt._draw_all_if_interactive in get_ipython().events.callbacks['post_execute'])"),
    ]
    nbformat.write(nb, tmp_path / "t.ipynb")
    result = batch.run_batch(tmp_path / "t.ipynb", {"one": {"value": 2}}, tmp_path / "out", workers=1)
    assert result.failed == {}
    cells = _outputs(result.written["one"])
    assert any("image/png" in out.get("data", {}) for out in cells[-2].outputs)
    assert cells[-1].outputs[0]["text"] == "False\n"
