"""The HTML report: each executed notebook rendered to HTML, and an index of figures.

``build/report/index.html`` shows every figure with its caption and source line, grouped
by the notebook that drew it, with links to the notebook (HTML and .ipynb) and to the
derived tables it reads. Command line: ``python -m helpers.report index``.
"""

from __future__ import annotations

import html
import json
import os
import sys
from pathlib import Path

from .. import files, paths

REPORT = paths.BUILD / "report"
NOTEBOOK_HTML = REPORT / "notebooks"

# Marks the page once every image has loaded or failed, so a headless browser can check.
_IMAGE_CHECK = """<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
  document.body.setAttribute("data-images", String(imgs.length));
  document.body.setAttribute("data-images-broken",
                             broken.map(function (i) { return i.getAttribute("src"); }).join(" "));
  document.body.setAttribute("data-checked", "yes");
});
</script>"""

_STYLE = """<style>
body { font-family: "DejaVu Sans", sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
figure { margin: 1.5em 0; border-top: 1px solid #ddd; padding-top: 1em; }
figure img { max-width: 100%; }
figcaption { font-size: 0.9em; }
.source { color: #555; font-size: 0.85em; }
.links a { margin-right: 1em; }
</style>"""


def render_notebook(nb, target: Path, title: str | None = None) -> Path:
    """Render an executed notebook (a NotebookNode) to a standalone HTML file titled ``title``."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title or Path(target).stem}})
    files.write_text(target, body)
    return target


def _rel(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()


def processed_tables_used_by(notebook: Path) -> list[Path]:
    """Derived tables a notebook declares that it reads (its ``reads`` metadata)."""
    from .declared import reads

    return [paths.ROOT / p for p in reads(notebook) if p.startswith("data/processed/")]


def build_index(
    notebooks: list[Path],
    figure_dir: Path | None = None,
    target: Path = REPORT / "index.html",
    html_dir: Path = NOTEBOOK_HTML,
) -> Path:
    """Write the report's index page; return its path."""
    figure_dir = figure_dir or paths.ROOT / "figures"
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(figure_dir.glob("*.json"))]
    by_notebook: dict[str, list[dict]] = {}
    for e in entries:
        by_notebook.setdefault(e.get("notebook", ""), []).append(e)
    here = target.parent
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Vietnam provincial DTI study: report</title>",
        _STYLE,
        "</head><body>",
        "<h1>From last place to later progress: Vietnam's provincial Digital Transformation Index</h1>",
        "<p>Every figure of the study with its caption and source, by notebook. DTI methodology changed "
        "between rounds: figures that span rounds compare ranks or within-year standardised scores.</p>",
    ]
    for nb in notebooks:
        rel_nb = paths.relative(nb)
        html_page = html_dir / f"{nb.stem}.html"
        parts.append(f'<section id="{html.escape(nb.stem)}"><h2>{html.escape(nb.stem)}</h2>')
        links = [f'<a href="{_rel(html_page, here)}">notebook (HTML)</a>',
                 f'<a href="{_rel(nb, here)}">notebook (.ipynb)</a>']
        links += [f'<a href="{_rel(t, here)}">data: {html.escape(t.name)}</a>'
                  for t in processed_tables_used_by(nb)]
        parts.append(f'<p class="links">{" ".join(links)}</p>')
        for e in by_notebook.get(rel_nb, []):
            img = figure_dir / f"{e['name']}.png"
            caption = html.escape(e.get("caption") or e["name"])
            source = html.escape(e.get("source") or "")
            note = " DTI method changed between rounds." if e.get("method_note") else ""
            name = e["name"]
            file_links = ", ".join(
                f'<a href="{_rel(figure_dir / (name + "." + fmt), here)}">{fmt}</a>'
                for fmt in e.get("formats", ["png"])
            )
            parts.append(
                f'<figure id="{html.escape(name)}"><img src="{_rel(img, here)}" alt="{caption}">'
                f'<figcaption><b>{caption}</b><br><span class="source">Source: {source}.{note} '
                f"Files: {file_links}</span></figcaption></figure>"
            )
        parts.append("</section>")
    orphans = [e for k, v in by_notebook.items() if k not in {paths.relative(n) for n in notebooks} for e in v]
    if orphans:
        parts.append("<section><h2>Figures from other runs</h2><ul>")
        parts += [f"<li>{html.escape(e['name'])} ({html.escape(e.get('notebook') or 'unknown')})</li>" for e in orphans]
        parts.append("</ul></section>")
    parts += [_IMAGE_CHECK, "</body></html>"]
    files.write_text(target, "\n".join(parts) + "\n")
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "index":
        print("usage: python -m helpers.report index [NOTEBOOK ...]", file=sys.stderr)
        return 2
    notebooks = [Path(a) for a in argv[1:]] or sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    target = build_index([n.resolve() for n in notebooks])
    print(f"report: open {paths.relative(target)} in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
