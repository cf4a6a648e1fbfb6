"""One executed notebook as a standalone HTML page that needs no network (runs with --html-dir).

nbconvert's lab template, minus the scripts it would load from a CDN (require.js, MathJax,
Mermaid: ``templates/offline_lab.html.j2``); the page works from ``file://``. The study's pages,
the province profiles among them, are built by Sphinx (``helpers.run.site``); this renderer serves
``--html-dir`` of the runner.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

from .. import files

TEMPLATES = Path(__file__).resolve().parent / "templates"


def text(value) -> str:
    """``value`` as HTML text: the one place where text the study writes into a page of its own (the
    site's generated pages) is escaped.

    What Sphinx, myst-nb and nbconvert render from a notebook's outputs is escaped by them (pandas
    tables, text); ``tests/test_hostile_markup.py`` puts markup into every free-text input and finds
    none of it live in any page.
    """
    return html.escape("" if value is None else str(value))


@functools.cache
def _exporter():
    """One exporter per process: loading the templates costs more than rendering a profile."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATES)],
                        template_file="offline_lab.html.j2")


def render_notebook(nb, target: Path, title: str | None = None) -> Path:
    """Render an executed notebook (a NotebookNode) to a standalone HTML file titled ``title``."""
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title or Path(target).stem}})
    files.write_text(target, body)
    return target
