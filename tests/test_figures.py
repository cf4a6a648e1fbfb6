import hashlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from helpers import figures, plots


def _draw():
    figures.use_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="Bạc Liêu")
    ax.set_title("Bến Tre, Đồng bằng sông Cửu Long")
    ax.legend()
    figures.add_source(fig, "test", method_note=True)
    return fig


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_save_is_byte_identical_across_runs(figure_dir):
    figures.save(_draw(), "probe")
    first = figures.saved_paths("probe")
    digests = {p.suffix: _digest(p) for p in first}
    plt.close("all")
    figures.save(_draw(), "probe")
    second = figures.saved_paths("probe")
    assert {p.suffix: _digest(p) for p in second} == digests
    assert sorted(p.name for p in figure_dir.iterdir()) == ["probe.json", "probe.png", "probe.svg"]
    plt.close("all")


def test_saved_files_carry_no_software_or_date(figure_dir):
    figures.save(_draw(), "meta")
    png, svg = figures.saved_paths("meta")
    assert b"Software" not in png.read_bytes()
    text = svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in text and "Matplotlib v" not in text
    plt.close("all")


@pytest.mark.parametrize("bad", ["", "sub/dir", "name.png"])
def test_bad_figure_name_is_rejected(figure_dir, bad):
    fig = _draw()
    with pytest.raises(ValueError, match="bare file stem"):
        figures.save(fig, bad)
    plt.close("all")


def test_focus_colours():
    """The palette lives in helpers.plots only; Bạc Liêu (95) keeps its colour, Hà Nội (01) is grey."""
    assert plots.colour_of("95") != plots.colour_of("01") == plots.OTHER
    assert not hasattr(figures, "colour_for") and not hasattr(figures, "FOCUS_COLOURS")


def test_a_figure_without_caption_is_refused_and_a_left_title_is_one(figure_dir):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [2, 1])
    with pytest.raises(ValueError, match="no caption"):
        figures.save(fig, "untitled")
    assert not (figure_dir / "untitled.png").exists()
    ax.set_title("A title on the left", loc="left")
    figures.save(fig, "titled")
    assert figures.read_index_entry(figure_dir / "titled.json")["caption"] == "A title on the left"
    plt.close("all")


def test_index_entry_records_caption_source_and_notebook(figure_dir, monkeypatch):
    monkeypatch.setenv(figures.NOTEBOOK_ENV, "notebooks/99_probe.ipynb")
    figures.save(_draw(), "entry")
    entry = figures.read_index_entry(figure_dir / "entry.json")
    assert entry == {
        "name": "entry",
        "caption": "Bến Tre, Đồng bằng sông Cửu Long",
        "source": "test",
        "method_note": True,
        "notebook": "notebooks/99_probe.ipynb",
        "formats": ["png", "svg"],
    }
    plt.close("all")
