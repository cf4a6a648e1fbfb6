import hashlib
import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import figures, paths, plots
from helpers.run import site


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
        "title": "Bến Tre, Đồng bằng sông Cửu Long",
        "takeaway": "",
        "caption": "Bến Tre, Đồng bằng sông Cửu Long",
        "source": "test",
        "method_note": True,
        "notebook": "notebooks/99_probe.ipynb",
        "formats": ["png", "svg"],
    }
    plt.close("all")


def _with_data():
    fig = _draw()
    figures.attach_data(fig, pd.DataFrame({"year": [1, 2, 3], "rank": [3.0, 1.0, 2.0], "province": ["Bạc Liêu"] * 3}))
    return fig


def test_the_data_plotted_is_saved_as_csv_beside_the_figure_byte_identically(figure_dir):
    figures.save(_with_data(), "data", takeaway="The rank rose from 3 to 2.")
    csv = figure_dir / "data.csv"
    first = csv.read_bytes()
    assert first == "year,rank,province\n1,3.0,Bạc Liêu\n2,1.0,Bạc Liêu\n3,2.0,Bạc Liêu\n".encode()
    assert figures.read_index_entry(figure_dir / "data.json")["formats"] == ["png", "svg", "csv"]
    plt.close("all")
    figures.save(_with_data(), "data", takeaway="The rank rose from 3 to 2.")
    assert csv.read_bytes() == first
    plt.close("all")


def test_the_caption_is_the_title_and_the_takeaway(figure_dir):
    figures.save(_with_data(), "cap", takeaway="  Bạc Liêu rose\n two places. ")
    entry = figures.read_index_entry(figure_dir / "cap.json")
    assert entry["title"] == "Bến Tre, Đồng bằng sông Cửu Long"
    assert entry["takeaway"] == "Bạc Liêu rose two places."
    assert entry["caption"] == "Bến Tre, Đồng bằng sông Cửu Long. Bạc Liêu rose two places."
    plt.close("all")


def test_empty_figure_data_is_refused():
    fig = _draw()
    with pytest.raises(ValueError, match="non-empty"):
        figures.attach_data(fig, pd.DataFrame())
    plt.close("all")


def test_the_figures_page_uses_the_caption_as_alt_text_and_links_the_csv():
    entry = {"name": "04_x", "title": "Ranks <b>by</b> round", "takeaway": "Bạc Liêu rose & fell.",
             "caption": "Ranks <b>by</b> round. Bạc Liêu rose & fell.", "source": "s", "method_note": False,
             "notebook": "notebooks/04_x.ipynb", "formats": ["png", "svg", "csv"]}
    text = site._figure(entry)
    alt = re.search(r"^:alt: (.*)$", text, re.M).group(1)
    assert alt == entry["caption"]  # docutils escapes the attribute when it writes the page
    assert "**Ranks &lt;b&gt;by&lt;/b&gt; round.** Bạc Liêu rose &amp; fell." in text
    assert "{download}`CSV (data plotted) <figures/04_x.csv>`" in text


#: The columns each committed figure's CSV must hold: the values its marks are drawn from.
PLOTTED = {
    "01_corpus_sizes": {"article", "characters", "sentences"},
    "02_claims_by_kind": {"document", "kind", "expressions"},
    "02_claims_audit": {"check", "status", "audit_rows"},
    "03_coverage": {"source_kind", "year", "measure", "percent_of_units"},
    "03_ranking_by_region": {"region_en", "rank", "province"},
    "04_trajectories": {"index", "province", "year", "rank", "kind"},
    "04_typical_churn": {"pair", "rank_next_round", "share_of_draws", "interval_low", "interval_high"},
    "04_sigma": {"index", "round"},
    "04_transitions": {"units", "row_share"},
    "04_triangulation": {"dti_rank", "papi_rank", "province"},
    "05_indicators": {"unit_type", "indicator", "province", "value", "shown_unit"},
    "05_timeline": {"province", "year", "rank", "x_start", "x_end"},
    "05_merger": {"unit", "score", "rank"},
    "06_component_correlations": {"label", "estimate", "ci_low", "ci_high"},
    "06_component_extremes": {"year", "group", "dti"},
    "06_map_dti_rank": {"year", "province", "rank"},
    "06_map_dti_rank_change": {"province", "places_moved_up"},
    "06_map_dti_34units": {"unit", "score", "rank"},
    "07_benchmarks": {"layer", "later_rank", "share_of_draws"},
    "07_league_table": {"round", "province", "true_rank_low", "true_rank_high", "observed_rank"},
    "07_who_moved": {"province", "mean", "ci_low", "ci_high", "change_class"},
    "07_churn_bands": {"province", "start_rank", "end_rank", "churn_low", "churn_high", "placement"},
    "07_power": {"test", "delta", "power"},
}


def _committed():
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(site.FIGURES.glob("*.json"))]


def test_every_committed_figure_has_its_data_as_csv_with_the_plotted_columns():
    entries = _committed()
    assert entries
    for entry in entries:
        name = entry["name"]
        assert "csv" in entry["formats"], name
        data = pd.read_csv(site.FIGURES / f"{name}.csv")
        assert len(data), name
        wanted = PLOTTED[max((p for p in PLOTTED if name.startswith(p)), key=len)]
        assert wanted <= set(data.columns), (name, wanted - set(data.columns))


def test_every_committed_figure_states_a_takeaway_in_its_caption():
    for entry in _committed():
        assert entry["takeaway"], entry["name"]
        assert entry["caption"] != entry["title"], entry["name"]
        assert entry["caption"] == figures.full_caption(entry["title"], entry["takeaway"]), entry["name"]


def test_the_front_page_shows_the_lead_figure_with_its_caption():
    entries = _committed()
    lead = next(e for e in entries if e["name"] == site.LEAD_FIGURE)
    text = site.lead_figure(entries)
    assert text.startswith(f"```{{figure}} figures/{site.LEAD_FIGURE}.png\n")
    assert re.search(r"^:alt: (.*)$", text, re.M).group(1) == lead["caption"]
    assert "(fig-" not in text  # the figures page holds the figure's label
    assert "{include} _generated/lead_figure.md" in (site.SITE_SOURCES / "index.md").read_text(encoding="utf-8")


def test_the_theme_is_seaborns_and_a_notebook_draws_without_importing_seaborn():
    """``figures.SEABORN_THEME`` is what ``seaborn.set_theme`` sets, key for key, save the colour map only seaborn
    registers; the modules a notebook imports to draw do not import seaborn or scipy.stats."""
    import subprocess
    import sys

    import seaborn as sns

    with matplotlib.rc_context():
        sns.set_theme(context="notebook", style="whitegrid", font=figures.FONT)
        themed = dict(matplotlib.rcParams)
    with matplotlib.rc_context():
        matplotlib.rcParams.update(figures.SEABORN_THEME)
        ours = dict(matplotlib.rcParams)
    for rc in (themed, ours):  # the palette as RGB triples (seaborn gives floats, the theme hex codes)
        rc["axes.prop_cycle"] = [matplotlib.colors.to_rgb(c) for c in rc["axes.prop_cycle"].by_key()["color"]]
    differ = {k for k in themed if themed[k] != ours[k]}
    assert differ == {"image.cmap"} and themed["image.cmap"] == "rocket"
    code = ("import sys; from helpers import figures, findings, plots, tables; from helpers.plots import maps, "
            "progress, profile_ranks; figures.use_style(); "
            "print(sorted(m for m in ('seaborn', 'scipy.stats') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_source_line_wraps_as_matplotlib_wraps_it():
    """``figures.WrappedText`` gives the lines of matplotlib's own wrapping: every committed figure's source line
    and runs of words on a narrow figure at the SVG's resolution, the source lines with the method note on a wide
    one at the PNG's."""
    from matplotlib.text import Text

    entries = (paths.ROOT / "figures").glob("*.json")
    sources = sorted({json.loads(p.read_text(encoding="utf-8"))["source"] for p in entries})
    runs = [" ".join("w" * (i % 9 + 1) for i in range(n)) for n in (1, 2, 40)] + ["", "a  b   c", "x\n\ny"]
    cases = {(3.0, 72): [f"Source: {s}" for s in sources] + runs,
             (9.5, 150): [f"Source: {s}\n{plots.METHOD_NOTE}" for s in sources] + runs}
    compared = wrapped = 0
    for (width, dpi), texts in cases.items():
        fig = plt.figure(figsize=(width, 3), dpi=dpi)
        pairs = []
        for text in texts:
            ours = fig.text(0.01, 0.005, text, fontsize=7, wrap=True)
            ours.__class__ = figures.WrappedText
            pairs.append((ours, fig.text(0.01, 0.005, text, fontsize=7, wrap=True)))
        fig.canvas.draw()
        for ours, theirs in pairs:
            assert type(theirs) is Text
            assert ours._get_wrapped_text() == theirs._get_wrapped_text(), (width, dpi, theirs.get_text())
            compared += 1
            wrapped += theirs._get_wrapped_text().count("\n") > theirs.get_text().count("\n")
        plt.close(fig)
    assert compared == sum(map(len, cases.values())) and wrapped > 20  # the comparison covers lines that wrap
