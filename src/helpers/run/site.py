"""The study as a site: ``build/site/`` from the committed, executed notebooks (``make report``).

Sphinx with myst-nb renders the notebooks' stored outputs (``nb_execution_mode = "off"``: no
notebook runs a second time) beside the pages in ``site/`` (findings, methods, data, references,
how to cite, province profiles). The build is incremental, the way Sphinx is:

1. *Stage.* ``build/site-src/`` receives ``site/*``, the numbered notebooks and the derived tables,
   each copied only when its size or date differs and with its date kept, so Sphinx sees a
   changed date exactly when the source changed. Pages are generated there (the table of raw
   files, the table of the 63 units, ...), rewritten only when their text changes; among them each
   profile made by ``make profiles`` (``build/profiles/<slug>.ipynb``) becomes ``profiles/<slug>.ipynb``,
   a page of the site (``profile_page``: titled with its province, no parameter cell, no code).
2. *Build.* ``sphinx-build`` with its environment kept in ``build/site-doctrees/`` re-reads only
   the changed sources and the pages that glue values from a changed notebook (``site/conf.py``
   records those dependencies), and writes only what changed.

Command line: ``python -m helpers.run.site [--out DIR] [--notebooks DIR] [--profiles DIR] [--fresh]``.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from .. import files, paths, provinces, sources, study, tables
from ..exceptions import StudyError
from . import errors, explorer, render

SITE_SOURCES = paths.ROOT / "site"
OUT = paths.BUILD / "site"
PROFILES = paths.BUILD / "profiles"
FIGURES = paths.ROOT / "figures"
CITATION = paths.ROOT / "CITATION.cff"
#: Files of site/ that are notes for maintainers, not pages (listed in conf.py's exclude_patterns too).
NOT_STAGED = {"__pycache__"}


#: A value cited from a notebook: {glue:text}`notebooks/04_trajectories.ipynb::rho_first:.2f`.
GLUE_REF = re.compile(r"\{glue(?::\w+)?\}`([^`:]+\.ipynb)::(\w+)")


class SiteFailed(StudyError, RuntimeError):
    """Sphinx stopped; its own messages say why."""


def staging(out: Path) -> Path:
    """Where the sources of the site in ``out`` are staged (beside it, under build/)."""
    return out.parent / f"{out.name}-src"


def doctrees(out: Path) -> Path:
    return out.parent / f"{out.name}-doctrees"


def copy_if_changed(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` with its date, unless both already agree in size and date."""
    if target.is_file():
        a, b = source.stat(), target.stat()
        if a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns:
            return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return True


def write_if_changed(target: Path, text: str) -> bool:
    """Write ``text`` to ``target`` only when it differs, so an unchanged page keeps its date."""
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    files.write_text(target, text)
    return True


def mirror(pairs: dict[Path, Path], folder: Path, keep: set[Path] = frozenset()) -> int:
    """Copy each source to its target; remove other files under ``folder`` (but ``keep``). Return copies."""
    copied = sum(copy_if_changed(s, t) for s, t in pairs.items())
    wanted = {t.resolve() for t in pairs.values()} | {k.resolve() for k in keep}
    for stale in [p for p in folder.rglob("*") if p.is_file() and p.resolve() not in wanted]:
        stale.unlink()
    return copied


def raw_files_page() -> str:
    """A Markdown table of every raw file of the manifest: path, source, size and SHA-256."""
    manifest = sources.read_manifest()
    rows = ["| file | source | bytes | SHA-256 |", "|---|---|---:|---|"]
    for r in manifest.itertuples():
        source = render.text(r.source).replace("|", "\\|")
        rows.append(f"| `data/raw/{r.path}` | {source} | {int(r.bytes):,} | `{r.sha256}` |")
    return "\n".join(rows) + "\n"


def derived_tables_page() -> str:
    """A Markdown table of every derived table of the registry, each offered for download, with the
    first paragraph of its loader's docstring (so a new table appears without editing the page)."""
    rows = ["| table | content |", "|---|---|"]
    for name, table in tables.TABLES.items():
        doc = inspect.getdoc(tables.TABLE_LOADERS[name]) or ""
        text = " ".join(doc.split("\n\n")[0].split()).replace("|", "\\|")
        rows.append(f"| {{download}}`{table.file.name} <data/{table.file.name}>` | {text} |")
    return "\n".join(rows) + "\n"


def api_page() -> str:
    """The public Python API (``helpers.api``), generated from its docstrings: each function's
    signature, its documentation and its examples (which run as tests in ``make test``)."""
    from .. import api

    def first_paragraph(obj) -> str:
        return " ".join((inspect.getdoc(obj) or "").split("\n\n")[0].split()).replace("|", "\\|")

    parts = [(inspect.getdoc(api) or "").replace("is enough::", "is enough:"), ""]
    for name in (n for n in api.PUBLIC if not n.startswith("load_")):
        func = getattr(api, name)
        signature = str(inspect.signature(func)).replace("'", "")
        doc = inspect.getdoc(func) or ""
        parts += [f"## {name}", "", f"`helpers.{name}{signature}`", "", "```text", doc, "```", ""]
    parts += ["## One loader per derived table", "", "| function | table |", "|---|---|"]
    parts += [f"| `helpers.{n}()` | {first_paragraph(getattr(api, n))} |" for n in api.PUBLIC if n.startswith("load_")]
    return "\n".join(parts) + "\n"


def units_page(profiles: set[str]) -> str:
    """An HTML table of the 63 pre-2025 units, each linked to its profile page when there is one."""
    units = provinces.load_reference().sort_values("gso_code")
    rows = []
    for u in units.itertuples():
        name = render.text(u.name_vi)
        link = f'<a href="profiles/{u.slug}.html">{name}</a>' if u.slug in profiles else name
        merged = render.text(u.merged_2025_into) if u.merged_2025_into else "(unchanged)"
        rows.append(f"<tr><td>{u.gso_code}</td><td>{link}</td><td>{render.text(u.region)}</td>"
                    f"<td>{merged}</td></tr>")
    head = "<tr><th>GSO code</th><th>province</th><th>region</th><th>2025 unit</th></tr>"
    return ('<table class="table units">\n<thead>' + head + "</thead>\n<tbody>\n" + "\n".join(rows)
            + "\n</tbody>\n</table>\n")


#: The figure that carries the study's main finding, shown on the front page (``lead_figure``).
LEAD_FIGURE = "07_benchmarks"


def lead_figure(entries: list[dict], name: str = LEAD_FIGURE) -> str:
    """The front page's figure (included by site/index.md): the image with its caption (title and the
    takeaway the notebook computed) as alt text and caption, and a link to every figure with its data."""
    entry = next((e for e in entries if e["name"] == name), None)
    if entry is None:
        return "\n"
    text = _figure(entry).split("\n", 1)[1]  # without the figures page's label
    return text.replace(" Files: ", " All figures, with the data they plot: {doc}`figures`. Files: ", 1)


#: The numbered notebooks a profile draws on (by stem), linked from every profile page.
PROFILE_SOURCES = {"03_data": "the data and its coverage", "04_trajectories": "ranks over the rounds",
                   "06_geography": "maps and main indices"}
#: Cells of an executed profile that are not shown on the site: its parameters as written and as injected.
HIDDEN_CELLS = {"parameters", "injected-parameters"}


def profile_page(notebook: Path, name: str, notebooks: set[str], explorer: bool) -> str:
    """An executed profile notebook as a page of the site: titled with its province, without its
    parameter cells, with no code shown (every code cell tagged ``remove-input``), and an opening cell
    (the last paragraph of the notebook's, its reading note) that links the table of all units, the
    notebooks it draws on and the explorer (when there is one)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if not HIDDEN_CELLS & set(c.get("metadata", {}).get("tags", []))]
    for cell in cells:
        if cell["cell_type"] == "code":
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            cell["metadata"]["tags"] = [*tags, "remove-input"] if "remove-input" not in tags else tags
    drawn = [f"[{what}](../notebooks/{stem}.ipynb)" for stem, what in PROFILE_SOURCES.items() if stem in notebooks]
    links = [f"[all {study.PROVINCES.n_units} provinces](../profiles.md)", *drawn]
    if explorer:
        links.append("[the interactive explorer](../explorer.md)")
    first = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown")
    note = "".join(cells[first]["source"]).strip().split("\n\n")[-1]  # the reading note; the rest speaks to Lab
    note = "" if note.startswith("#") else f"{note}\n\n"
    cells[first] = {**cells[first], "source": f"# {name}: province profile\n\nWhat the study holds about {name}. "
                                              f"{note}See also: {'; '.join(links)}.\n"}
    nb["cells"] = cells
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def notebook_page(notebook: Path, *, profiles: bool, explorer: bool) -> str:
    """A numbered notebook as a page of the site: the notebook as executed, with a closing cell that links
    the pages built around it (the explorer, the province profiles and the figures, as the site has them)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    links = ["[every figure with the data it plots](../figures.md)"]
    if profiles:
        links.insert(0, f"[the profiles of the {study.PROVINCES.n_units} provinces](../profiles.md)")
    if explorer:
        links.insert(0, "[the interactive explorer of the DTI ranks](../explorer.md)")
    nb["cells"] = [*nb["cells"], {"cell_type": "markdown", "id": "site-see-also", "metadata": {},
                                  "source": f"**See also:** {'; '.join(links)}.\n"}]
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def stage_notebook(source: Path, target: Path, **links: bool) -> bool:
    """Stage a numbered notebook as its page (``notebook_page``), dated as the notebook, as a copy would be,
    unless the page is already there with that text and date: Sphinx re-reads exactly the pages whose
    notebook is newer (or whose links changed). Return whether it was written."""
    date, text = source.stat().st_mtime_ns, notebook_page(source, **links)
    if target.is_file() and target.stat().st_mtime_ns == date and target.read_text(encoding="utf-8") == text:
        return False
    files.write_text(target, text)
    os.utime(target, ns=(date, date))
    return True


def profiles_toctree(names: dict[str, str]) -> str:
    """The profiles (``names`` by slug) under the profiles page in the navigation, each by its province's
    name (hidden on the page: its table of units links them)."""
    if not names:
        return "\n"
    entries = "\n".join(f"{name} <profiles/{slug}>" for slug, name in names.items())
    return "```{toctree}\n:hidden:\n:maxdepth: 1\n\n" + entries + "\n```\n"


def _figure(entry: dict) -> str:
    """One figure of the figures page: the image with its caption as alt text, the caption (title in bold,
    then the takeaway), the source line and links to its files (the CSV holds the data it plots)."""
    name = entry["name"]
    title = entry.get("title") or entry.get("caption") or name
    caption = " ".join((entry.get("caption") or title).split())
    takeaway = entry.get("takeaway") or ""
    note = " The DTI method changed between rounds." if entry.get("method_note") else ""
    formats = entry.get("formats", ["png"])
    labels = {"csv": "CSV (data plotted)"}
    downloads = ", ".join(f"{{download}}`{labels.get(fmt, fmt.upper())} <figures/{name}.{fmt}>`" for fmt in formats)
    lead = f"**{render.text(title.rstrip(' .'))}.**" + (f" {render.text(takeaway)}" if takeaway else "")
    source = (entry.get("source") or "not recorded").rstrip()
    source += "" if source.endswith(".") else "."
    return (f"(fig-{name})=\n```{{figure}} figures/{name}.png\n:alt: {caption}\n:width: 100%\n\n"
            f"{lead} Source: {render.text(source)}{note} Files: {downloads}.\n```\n")


def notebook_title(notebook: Path) -> str:
    """The text of a notebook's first heading (its title on the site), else its file stem."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            first = "".join(cell["source"]).lstrip().splitlines()[0]
            return first.lstrip("#").strip() if first.startswith("#") else notebook.stem
    return notebook.stem


def figures_page(entries: list[dict], notebooks: list[Path]) -> str:
    """A page with every saved figure, its caption and source line, grouped by the notebook that drew it."""
    parts = ["# Figures\n", "Every figure of the study with its caption and the source of its data, by notebook. "
             "Figures that span DTI rounds compare ranks or within-year standardised scores, because the DTI "
             "method changed between rounds.\n"]
    for nb in notebooks:
        mine = [e for e in entries if Path(e.get("notebook", "")).name == nb.name]
        if mine:
            parts.append(f"## {notebook_title(nb)}\n\nDrawn in {{doc}}`this notebook <notebooks/{nb.stem}>`.\n")
            parts += [_figure(e) for e in mine]
    return "\n".join(parts)


def recorded(notebook: Path) -> set[str]:
    """The names of the values a notebook records with ``myst_nb.glue`` (in its stored outputs)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return {out["metadata"]["scrapbook"]["name"] for cell in nb["cells"] for out in cell.get("outputs", [])
            if "scrapbook" in out.get("metadata", {})}


def missing_values(pages: list[Path], notebooks: list[Path]) -> dict[str, list[str]]:
    """For each notebook that pages cite, the cited names it does not record (empty: all there)."""
    by_name = {f"notebooks/{nb.name}": nb for nb in notebooks}
    cited: dict[str, set[str]] = {}
    for page in pages:
        for notebook, key in GLUE_REF.findall(page.read_text(encoding="utf-8")):
            cited.setdefault(notebook, set()).add(key)
    return {nb: sorted(keys - (recorded(by_name[nb]) if nb in by_name else set()))
            for nb, keys in sorted(cited.items()) if keys - (recorded(by_name[nb]) if nb in by_name else set())}


def status_page(missing: dict[str, list[str]]) -> str:
    """A warning shown on the findings page while cited values are missing from the notebooks."""
    if not missing:
        return "\n"
    lines = [f"- `{nb}`: {', '.join(keys)}" for nb, keys in missing.items()]
    return ("```{admonition} Values missing from this build\n:class: warning\n"
            "Some values this page cites are not recorded by the notebooks yet and show as gaps: the notebooks "
            "need the final cells listed in `site/glue_cells.md`.\n\n" + "\n".join(lines) + "\n```\n")


def stage(src: Path, notebooks: list[Path], profiles_dir: Path) -> int:
    """Fill ``src`` with everything the site is built from; return the number of files copied."""
    pairs = {p: src / p.relative_to(SITE_SOURCES) for p in SITE_SOURCES.rglob("*")
             if p.is_file() and not NOT_STAGED & set(p.relative_to(SITE_SOURCES).parts)}
    pairs |= {t.file: src / "data" / t.file.name for t in tables.TABLES.values() if t.file.is_file()}
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIGURES.glob("*.json"))]
    pairs |= {f: src / "figures" / f.name for e in entries for fmt in e.get("formats", ["png"])
              if (f := FIGURES / f"{e['name']}.{fmt}").is_file()}
    pairs[CITATION] = src / CITATION.name
    units = provinces.load_reference().sort_values("gso_code")
    executed = {p.stem for p in profiles_dir.glob("*.ipynb")}
    profiles = {u.slug: u.name_vi for u in units.itertuples() if u.slug in executed}
    has_explorer = (SITE_SOURCES / "explorer.md").is_file()
    staged = {nb.stem for nb in notebooks}
    missing = missing_values(sorted(SITE_SOURCES.glob("*.md")), notebooks)
    generated = {src / "figures.md": figures_page(entries, notebooks),
                 src / "_generated" / "lead_figure.md": lead_figure(entries),
                 src / "_generated" / "status.md": status_page(missing),
                 src / "_generated" / "raw_files.md": raw_files_page(),
                 src / "_generated" / "derived_tables.md": derived_tables_page(),
                 src / "_generated" / "api.md": api_page(),
                 src / "_generated" / "units.html": units_page(set(profiles)),
                 src / "_generated" / "explorer.html": explorer.page(set(profiles)),
                 src / "_generated" / "profiles_toc.md": profiles_toctree(profiles)}
    generated |= {src / "profiles" / f"{slug}.ipynb": profile_page(profiles_dir / f"{slug}.ipynb", name, staged,
                                                                   has_explorer) for slug, name in profiles.items()}
    written = sum(write_if_changed(target, text) for target, text in generated.items())
    pages = {nb: src / "notebooks" / nb.name for nb in notebooks}
    written += sum(stage_notebook(nb, target, profiles=bool(profiles), explorer=has_explorer)
                   for nb, target in pages.items())
    (src / "_extra").mkdir(parents=True, exist_ok=True)
    for notebook, keys in missing.items():
        print(f"site: {notebook} lacks {len(keys)} cited values ({', '.join(keys[:4])}, ...): "
              "add the cell listed in site/glue_cells.md", file=sys.stderr)
    return written + mirror(pairs, src, keep={*generated, *pages.values()})


def sphinx(src: Path, out: Path, *, quiet: bool = True) -> int:
    """Run sphinx-build (incremental: environment kept in the doctree folder); return its exit code."""
    from myst_nb.ext.glue.crossref import read_glue_cache
    from sphinx.cmd.build import build_main
    from sphinx.deprecation import RemovedInSphinx11Warning

    read_glue_cache.cache_clear()  # myst-nb caches cited values per process; a second build must re-read them
    args = ["-b", "html", "-d", str(doctrees(out)), "-c", str(src)]
    with warnings.catch_warnings():
        # myst-nb, myst-parser and sphinx-book-theme still use APIs that Sphinx 9 deprecates (for Sphinx 11).
        warnings.filterwarnings("ignore", category=RemovedInSphinx11Warning)
        return build_main([*args, *(["-q"] if quiet else []), str(src), str(out)])


def build(out: Path = OUT, notebooks: list[Path] | None = None, profiles_dir: Path = PROFILES,
          *, fresh: bool = False, quiet: bool = True) -> Path:
    """Stage and build the site in ``out``; return its front page."""
    notebooks = notebooks if notebooks is not None else sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    folders = (out, staging(out), doctrees(out))
    if fresh:
        for folder in folders:
            check_ours(folder)
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    stage(staging(out), [Path(n) for n in notebooks], profiles_dir)
    code = sphinx(staging(out), out, quiet=quiet)
    if code != 0:
        raise SiteFailed(f"sphinx-build stopped with exit code {code}; its messages are above")
    for folder in folders:
        if folder.is_dir() and not (folder / MARKER).exists():
            (folder / MARKER).write_text("written by python -m helpers.run.site; --fresh may delete this folder\n",
                                         encoding="utf-8")
    return out / "index.html"


#: A file the site build leaves in each folder it creates; ``--fresh`` deletes no folder without it.
MARKER = ".study-site"


def check_ours(folder: Path) -> None:
    """Refuse (``SiteFailed``) to delete ``folder`` unless the site build made it: it is missing, empty,
    under the project's build/, or holds ``MARKER``."""
    folder = folder.resolve()
    if not folder.exists() or folder.is_relative_to(paths.BUILD.resolve()) or (folder / MARKER).is_file():
        return
    if folder.is_dir() and not any(folder.iterdir()):
        return
    raise SiteFailed(f"{folder}: --fresh deletes only a folder the site build created (it holds {MARKER}); "
                     "this one was not, so nothing was deleted: choose a new or empty --out folder")


def print_pdf(page: Path, target: Path) -> Path:
    """Print ``page`` to ``target`` with headless Chromium (Debian's ``chromium`` package)."""
    browser = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if browser is None:
        raise SiteFailed("printing needs Chromium: install Debian's chromium package")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pdf-profile-") as profile:
        done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               "--disable-background-networking", "--disable-component-update", "--disable-sync",
                               f"--user-data-dir={profile}", "--no-pdf-header-footer",
                               f"--print-to-pdf={target}", page.as_uri()],
                              capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not target.is_file():
        raise SiteFailed(f"Chromium could not print {paths.relative(page)}: {done.stderr.strip()[-300:]}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.run.site", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the site goes (default build/site)")
    parser.add_argument("--notebooks", type=Path, help="take the numbered notebooks from this folder")
    parser.add_argument("--profiles", type=Path, default=PROFILES, help="folder of executed profile notebooks")
    parser.add_argument("--fresh", action="store_true", help="forget the previous build and start over")
    parser.add_argument("--pdf", type=Path, help="also print the findings page to this PDF file")
    args = parser.parse_args(argv)
    notebooks = sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb")) if args.notebooks else None
    with errors.reported("the site build"):
        started = time.perf_counter()
        try:
            front = build(args.out.resolve(), notebooks, args.profiles.resolve(), fresh=args.fresh)
            if args.pdf:
                print(f"pdf: {paths.relative(print_pdf(front, args.pdf.resolve()))}")
        except SiteFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"site: {paths.relative(front)} built in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
