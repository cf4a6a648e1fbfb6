"""Figure style, source lines and deterministic saving.

Colours and markers are chosen in ``helpers.plots`` (the one visual vocabulary), never here.

Two runs of the same code give byte-identical files: PNG carries no ``Software`` tag, SVG
uses a fixed hash salt and no date, and every file is written to a temporary name first
and moved into place only when complete.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text
import pandas as pd
from cycler import cycler

from . import files, paths, plots

FONT = "DejaVu Sans"  # ships with matplotlib and covers Vietnamese diacritics
FORMATS = ("png", "svg")
DPI = 150
PAD_INCHES = 0.1  # savefig's default padding around a tight bounding box

NOTEBOOK_ENV = paths.NOTEBOOK_ENV

#: seaborn's theme, ``seaborn.set_theme(context="notebook", style="whitegrid", font=FONT)``, as the matplotlib
#: settings it makes (its ``axes_style``, ``plotting_context`` and "deep" palette). Applied from here, a notebook
#: does not import seaborn to draw: that import brings scipy.stats with it, 0.6 s in every kernel.
#: ``tests/test_figures.py`` checks this against seaborn itself. Left out: ``image.cmap`` (seaborn's "rocket",
#: which exists only once seaborn is imported; every figure here names its colour map) and seaborn's colour
#: codes (no figure uses a one-letter colour).
SEABORN_THEME = {
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.facecolor": "white",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "axes.labelsize": 12,
    "axes.linewidth": 1.25,
    "axes.prop_cycle": cycler(color=["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3",
                                     "#8c8c8c", "#ccb974", "#64b5cd"]),
    "axes.spines.bottom": True,
    "axes.spines.left": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "axes.titlesize": 12,
    "figure.facecolor": "white",
    "font.family": FONT,
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "font.size": 12,
    "grid.color": ".8",
    "grid.linestyle": "-",
    "grid.linewidth": 1,
    "legend.fontsize": 11,
    "legend.title_fontsize": 12,
    "lines.linewidth": 1.5,
    "lines.markersize": 6,
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "patch.linewidth": 1,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.direction": "out",
    "xtick.labelsize": 11,
    "xtick.major.size": 6,
    "xtick.major.width": 1.25,
    "xtick.minor.size": 4,
    "xtick.minor.width": 1,
    "xtick.top": False,
    "ytick.color": ".15",
    "ytick.direction": "out",
    "ytick.labelsize": 11,
    "ytick.left": False,
    "ytick.major.size": 6,
    "ytick.major.width": 1.25,
    "ytick.minor.size": 4,
    "ytick.minor.width": 1,
    "ytick.right": False,
}


def use_style() -> None:
    """Apply the project's theme (seaborn's, ``SEABORN_THEME``) and table display (call once at the top of a notebook).

    Tables show every cell in full: provenance (a source URL, a file line) is never cut to "...".
    """
    pd.set_option("display.max_colwidth", None)
    _one_draw_per_shown_figure()
    matplotlib.rcParams.update(SEABORN_THEME)
    matplotlib.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "svg.hashsalt": "dti-vietnam",
            "figure.autolayout": False,
            "axes.titleweight": "bold",
        }
    )


#: The names of the inline backend, which shows a notebook's figures as images in its outputs.
INLINE_BACKENDS = ("inline", "module://matplotlib_inline.backend_inline")


def _one_draw_per_shown_figure() -> None:
    """In a kernel with the inline backend, disconnect pyplot's REPL hook. After each cell that hook draws every
    open figure, to refresh its window; the inline backend then draws the figure again to show it as an image.
    A notebook has no window, so the hook's draw is wasted: a third of the drawing of a province profile,
    whose figures are shown and not saved. The backend is resolved first, since resolving it installs the hook.
    """
    if matplotlib.get_backend(auto_select=False) in INLINE_BACKENDS:
        plt.switch_backend(matplotlib.get_backend())
        plt.uninstall_repl_displayhook()


class WrappedText(matplotlib.text.Text):
    """A text that matplotlib wraps to the figure's width (``wrap=True``), with the same lines, found faster.

    Matplotlib's wrapping (``Text._get_wrapped_text``) puts on each line as many words as fit; to find them
    it measures every prefix of the words left (a text layout each), at every draw: for a long source line,
    a seventh of the time of a province profile. Widths grow with the words, so the same lines follow from
    one measurement of a line that fits and a bisection for one that does not. ``tests/test_figures.py``
    checks that both give the same lines.
    """

    def _get_wrapped_text(self):
        if not self.get_wrap() or self.get_usetex():
            return super()._get_wrapped_text()
        width = self._get_wrap_line_width()
        lines = []
        for given in self.get_text().split("\n"):
            words = given.split(" ")
            while words:
                if len(words) == 1 or self._get_rendered_text_width(" ".join(words)) <= width:
                    lines.append(" ".join(words))
                    break
                low, high = 2, len(words)  # the fewest words, at least two, that are too wide
                while low < high:
                    middle = (low + high) // 2
                    if self._get_rendered_text_width(" ".join(words[:middle])) > width:
                        high = middle
                    else:
                        low = middle + 1
                lines.append(" ".join(words[:low - 1]))
                words = words[low - 1:]
        return "\n".join(lines)


def add_source(fig: matplotlib.figure.Figure, source: str, *, method_note: bool = False) -> None:
    """Write a source line (and, for DTI across rounds, the method caveat) under the figure."""
    text = f"Source: {source}"
    if method_note:
        text += f"\n{plots.METHOD_NOTE}"
    line = fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7, color=plots.INK, wrap=True)
    line.__class__ = WrappedText  # the same lines, found with fewer measurements
    fig._study_source = source  # read by save() for the figure's index entry
    fig._study_method_note = method_note


def attach_data(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> matplotlib.figure.Figure:
    """Attach the table a figure plots, exactly as drawn; ``save`` writes it as ``<name>.csv`` beside the
    figure. Plot helpers call this with the frame they draw (one row per mark, plain columns)."""
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise ValueError("a figure's data must be a non-empty DataFrame")
    fig._study_data = data.reset_index(drop=True)
    return fig


def data_of(fig: matplotlib.figure.Figure) -> pd.DataFrame | None:
    """The table attached to ``fig`` by ``attach_data`` (None when nothing is attached)."""
    return getattr(fig, "_study_data", None)


def _csv(data: pd.DataFrame) -> str:
    """The figure's data as CSV text: no index, ``\n`` line ends, floats at full precision, so that the
    same frame always gives the same bytes."""
    return data.to_csv(index=False, lineterminator="\n")


def _metadata(fmt: str) -> dict:
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    if fmt == "pdf":
        return {"CreationDate": None, "Producer": None, "Creator": None}
    raise ValueError(f"unsupported figure format {fmt!r}; use one of png, svg, pdf")


def _title(fig: matplotlib.figure.Figure) -> str:
    """The figure's suptitle, else the first axes title (centre, left or right)."""
    if fig._suptitle is not None and fig._suptitle.get_text():
        return fig._suptitle.get_text()
    titles = [ax.get_title(loc) for ax in fig.axes for loc in ("center", "left", "right") if ax.get_title(loc)]
    return titles[0] if titles else ""


def save(
    fig: matplotlib.figure.Figure,
    name: str,
    *,
    formats: tuple[str, ...] = FORMATS,
    caption: str | None = None,
    takeaway: str = "",
    data: pd.DataFrame | None = None,
    show: bool = True,
) -> None:
    """Save ``fig`` as ``<figure_dir>/<name>.<fmt>`` for each format (see ``saved_paths``).

    Also writes ``<name>.csv``, the data the figure plots (``data``, else the frame a plot helper
    attached with ``attach_data``), and ``<name>.json`` with the title (``caption``, else the figure's
    title; a figure without either is refused, since the report's index lists it by its caption), the
    ``takeaway`` (one sentence that states what the figure shows, its numbers formatted from the data
    by the caller), the caption (title and takeaway: the figure's caption and alt text on the site), the
    source line given to ``add_source``, the notebook that drew it and the files written, for the
    report's index. In a notebook (``show``), the saved PNG is displayed and the figure closed, so it
    is not drawn a third time by the inline backend. SVG text stays text (``svg.fonttype: none``, font
    DejaVu Sans): smaller files, searchable labels. Returns nothing, so that a notebook cell ending with
    it shows no output but the figure.

    ``name`` is a file stem such as ``"01_corpus_sizes"`` (no directory, no suffix).
    """
    if not name or Path(name).name != name or "." in name:
        raise ValueError(f"figure name {name!r} must be a bare file stem such as '01_corpus_sizes'")
    title = " ".join((caption if caption is not None else _title(fig)).split())
    if not title:
        raise ValueError(f"figure {name!r} has no caption: give it a title or pass caption=")
    takeaway = " ".join(takeaway.split())
    data = data if data is not None else data_of(fig)
    notebook = os.environ.get(NOTEBOOK_ENV, "")
    interactive = None
    if not os.environ.get(paths.FIGURE_DIR_ENV):  # outside the runner: a folder for this run
        notebook, interactive = interactive_run()
    out_dir = paths.figure_dir(interactive)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = _write_files(fig, out_dir, name, formats, data)
    entry = {
        "name": name,
        "title": title,
        "takeaway": takeaway,
        "caption": full_caption(title, takeaway),
        "source": getattr(fig, "_study_source", ""),
        "method_note": getattr(fig, "_study_method_note", False),
        "notebook": notebook,
        "formats": written,
    }
    text = json.dumps(entry, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    files.write_text(out_dir / f"{name}.json", text)
    if show and "png" in formats:
        _show_saved(fig, out_dir / f"{name}.png")


def _write_files(fig: matplotlib.figure.Figure, out_dir: Path, name: str, formats: tuple[str, ...],
                 data: pd.DataFrame | None) -> list[str]:
    """Write the figure in each format, and its data as CSV when it has any; return the formats written."""
    # Lay the figure out once and reuse its tight bounding box for every format (savefig's
    # bbox_inches="tight" would draw the figure an extra time per format).
    fig.draw_without_rendering()
    bbox = fig.get_tightbbox().padded(PAD_INCHES)
    for fmt in formats:
        def write(tmp, fmt=fmt):
            with matplotlib.rc_context({"svg.hashsalt": "dti-vietnam", "svg.fonttype": "none"}):
                fig.savefig(tmp, format=fmt, metadata=_metadata(fmt), bbox_inches=bbox, dpi=DPI)

        files.write_atomic(out_dir / f"{name}.{fmt}", write)
    if data is None:
        return list(formats)
    files.write_text(out_dir / f"{name}.csv", _csv(data))
    return [*formats, "csv"]


def full_caption(title: str, takeaway: str) -> str:
    """A figure's caption: its title, then the takeaway sentence (the title alone when there is none)."""
    title = title.rstrip(" .")
    return f"{title}. {takeaway}" if takeaway else title


def _current_notebook() -> Path | None:
    """The notebook this kernel runs: JupyterLab names it (``$JPY_SESSION_NAME``); under nbconvert or
    ``jupyter execute`` it is the notebook of the working folder whose parameters cell this kernel ran."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        here = Path.cwd() / Path(session).name
        return here if here.is_file() else Path(session)
    ran = set(_user_namespace().get("In", []))
    for candidate in sorted(Path.cwd().glob("*.ipynb")):
        if _parameters_cell(candidate) in ran:
            return candidate
    return None


def _user_namespace() -> dict:
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _parameters_cell(notebook: Path) -> str | None:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return None
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    return "".join(tagged[0]["source"]) if tagged else None


def _parameter_values(notebook: Path) -> dict:
    """The current value of each name the notebook's parameters cell assigns (as the kernel holds it)."""
    source = _parameters_cell(notebook) or ""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    names = [t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
             for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)]
    namespace = _user_namespace()
    return {name: namespace[name] for name in names if name in namespace}


def interactive_run() -> tuple[str, Path]:
    """Where an interactive run (JupyterLab, nbconvert, ``jupyter execute``) saves its figures:
    ``build/interactive/<notebook>--<parameters>/``, named as the runner names its runs, and the
    notebook, as the sidecar records it (``""`` when it cannot be told)."""
    notebook = _current_notebook()
    if notebook is None:
        return "", paths.INTERACTIVE / "unnamed"
    return paths.relative(notebook), paths.INTERACTIVE / paths.run_label(notebook.stem, _parameter_values(notebook))


def _show_saved(fig: matplotlib.figure.Figure, png: Path) -> None:
    """In a notebook, show the saved PNG and close the figure, instead of drawing it again."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:  # pragma: no cover - IPython is part of the environment
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    display(Image(data=png.read_bytes(), width=int(fig.get_figwidth() * fig.get_dpi())))
    plt.close(fig)


def saved_paths(name: str, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Where ``save(fig, name, formats=formats)`` writes its files."""
    return [paths.figure_dir() / f"{name}.{fmt}" for fmt in formats]


def read_index_entry(path: Path) -> dict:
    """The sidecar written by ``save`` for one figure."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
