"""The study's site (``helpers.run.site``, ``make report``): findings cited from notebook outputs,
pages that work from ``file://`` with no network, checked in headless Chromium.

The site is built once per session into a temporary folder from the committed notebooks (or from
the folder named by ``$SITE_NOTEBOOKS``), with the profile pages of ``build/profiles/`` (three are
rendered there first if missing). Screenshots go to ``build/site-screenshots/``.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import paths, provinces, sources, study, tables
from helpers.run import site

PAGES = paths.ROOT / "site"
FINDINGS = PAGES / "index.md"
NOTEBOOK_DIR = Path(os.environ.get("SITE_NOTEBOOKS") or paths.NOTEBOOKS)
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
PROFILE_SLUGS = ["bac-lieu", "ben-tre", "ca-mau"]
SCREENSHOTS = paths.BUILD / "site-screenshots"
GLUE_TEXT = re.compile(r"\{glue:text\}`([^`]+?\.ipynb)::(\w+):([^`]*)`")


def numbers_outside_glue(markdown: str) -> list[str]:
    """Numbers in a page's text that are not cited values: years, figure and section numbers aside."""
    text = re.sub(r"```\{toctree\}.*?```", " ", markdown, flags=re.S)  # page names
    text = re.sub(r"```\{include\}[^`]*```", " ", text)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)  # roles: glued values, links, citations
    text = re.sub(r"^\s*\d+\.\s", " ", text, flags=re.M)  # list item numbers
    text = re.sub(r"\b(?:Figure|figure|Section|section|§)\s+\d+(?:\.\d+)*", " ", text)
    text = re.sub(r"\b(?:19|20)\d\d\b", " ", text)  # years
    return re.findall(r"\d+(?:[.,]\d+)*", text)


def test_findings_text_cites_every_number():
    assert numbers_outside_glue(FINDINGS.read_text(encoding="utf-8")) == []


def test_number_detector_sees_a_typed_number():
    page = "Ranked {glue:text}`notebooks/05_cases.ipynb::case_a_rank_2021:d` in 2021 and 60 in 2022, ρ 0.86."
    assert numbers_outside_glue(page) == ["60", "0.86"]
    assert numbers_outside_glue("See Figure 3 and section 2 of 2024.") == []


def test_findings_cite_values_from_the_notebooks_that_record_them():
    text = (PAGES / "glue_cells.md").read_text(encoding="utf-8")
    cells = dict(re.findall(r"^## (notebooks/\S+\.ipynb)\n\n```python\n(.*?)```", text, re.S | re.M))
    cited = GLUE_TEXT.findall(FINDINGS.read_text(encoding="utf-8"))
    assert len(cited) >= 40
    for notebook, _key, fmt in cited:
        assert notebook in cells, f"{notebook}: no glue cell in site/glue_cells.md"
        assert fmt and fmt[-1] in "dfs", f"{notebook}: give every cited value a format (:d, :.2f, :s)"
    for notebook, code in cells.items():
        ast.parse(code)
        assert (paths.ROOT / notebook).is_file(), notebook


def _stored_values(notebook: Path) -> dict[str, str]:
    """The text/plain of every value a notebook records with myst_nb.glue, by name."""
    values = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                prefix = meta.get("mime_prefix", "")
                values[meta["name"]] = out["data"][prefix + "text/plain"]
    return values


def _shown(stored: str, fmt: str) -> str:
    value = ast.literal_eval(stored)
    value = int(value) if fmt.endswith("d") else float(value) if fmt[-1] in "f" else str(value)
    return format(value, fmt)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The site built from the notebooks into a temporary folder; returns its folder."""
    have = {p.stem for p in site.PROFILES.glob("*.html")}
    if not set(PROFILE_SLUGS) <= have:
        subprocess.run([sys.executable, "-m", "helpers.run.profile_sweep", *PROFILE_SLUGS], cwd=paths.ROOT, check=True,
                       capture_output=True, env={**os.environ, "CI": "1"})
    out = tmp_path_factory.mktemp("site") / "site"
    front = site.build(out, NOTEBOOKS, site.PROFILES, fresh=True)
    assert front.is_file()
    return out


def test_glued_values_equal_the_notebook_outputs(built):
    stored = {f"notebooks/{nb.name}": _stored_values(nb) for nb in NOTEBOOKS}
    cited = GLUE_TEXT.findall(FINDINGS.read_text(encoding="utf-8"))
    if not any(stored.values()):
        pytest.skip("the notebooks record no glued values yet: add the cells of site/glue_cells.md")
    missing = [(nb, key) for nb, key, _ in cited if key not in stored.get(nb, {})]
    assert missing == [], "cited but not recorded by the notebook"
    shown = re.findall(r'<span class="pasted-text">([^<]*)</span>', (built / "index.html").read_text(encoding="utf-8"))
    expected = [_shown(stored[nb][key], fmt) for nb, key, fmt in cited]
    assert shown == expected


def _html_pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.html") if "_static" not in p.relative_to(folder).parts)


EXTERNAL = re.compile(r"<(?:script|link|img|source|iframe)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.I)


def test_no_script_style_font_or_image_from_another_host(built):
    pages = _html_pages(built)
    assert len(pages) > 10
    offending = [paths.relative(p) for p in pages if EXTERNAL.search(p.read_text(encoding="utf-8"))]
    offending += [p.name for p in built.rglob("*.css") if re.search(r"(?:url\(|@import)\s*[\"']?(?:https?:)?//",
                                                                    p.read_text(encoding="utf-8", errors="replace"))]
    assert offending == []
    assert "mathjax" not in "".join(p.read_text(encoding="utf-8").lower() for p in pages)


def _local_targets(page: Path) -> list[str]:
    html = page.read_text(encoding="utf-8")
    links = re.findall(r"""\b(?:href|src)=["']([^"'#?]+)""", html)
    return [link for link in links if not re.match(r"^(?:[a-z]+:|//)", link)]


def test_every_local_link_resolves(built):
    broken = [(paths.relative(page), link) for page in _html_pages(built) for link in _local_targets(page)
              if not (page.parent / link).exists()]
    assert broken == []


def test_notebook_pages_show_outputs_without_error(built):
    for nb in NOTEBOOKS:
        page = (built / "notebooks" / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert "cell_output" in page, nb.name
        assert "output stderr" not in page and "output traceback" not in page, nb.name


def test_figures_page_shows_every_figure_with_caption_and_source(built):
    page = (built / "figures.html").read_text(encoding="utf-8")
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(site.FIGURES.glob("*.json"))]
    assert entries
    for e in entries:
        assert f'id="fig-{e["name"].replace("_", "-")}"' in page or f'id="fig-{e["name"]}"' in page, e["name"]
        assert (built / "_images" / f"{e['name']}.png").is_file(), e["name"]
    assert page.count("Source: ") >= len(entries)


def test_data_page_lists_every_raw_file_and_offers_every_table(built):
    page = (built / "data.html").read_text(encoding="utf-8")
    for row in sources.read_manifest().itertuples():
        assert row.sha256 in page and f"data/raw/{row.path}" in page, row.path
    for table in tables.TABLES.values():
        assert re.search(rf'href="_downloads/[0-9a-f]+/{table.file.name}"', page), table.name


def test_profiles_page_lists_every_unit(built):
    page = (built / "profiles.html").read_text(encoding="utf-8")
    units = provinces.load_reference()
    assert page.count("<tr><td>") == len(units) == study.PROVINCES.n_units
    for slug in PROFILE_SLUGS:
        assert f'href="profiles/{slug}.html"' in page and (built / "profiles" / f"{slug}.html").is_file()


def test_changed_notebook_rebuilds_its_page_not_the_others(built, tmp_path):
    copies = tmp_path / "notebooks"
    copies.mkdir()
    for nb in NOTEBOOKS:
        shutil.copy2(nb, copies / nb.name)
    out = tmp_path / "site"
    site.build(out, sorted(copies.glob("*.ipynb")), site.PROFILES)
    stamp = {p: p.stat().st_mtime_ns for p in _html_pages(out)}
    changed = copies / NOTEBOOKS[0].name
    os.utime(changed)  # as an edit or a new run would leave it: dated now
    site.build(out, sorted(copies.glob("*.ipynb")), site.PROFILES)
    rewritten = {p.relative_to(out).as_posix() for p, t in stamp.items() if p.stat().st_mtime_ns != t}
    assert f"notebooks/{NOTEBOOKS[0].stem}.html" in rewritten
    assert not any(f"notebooks/{nb.stem}.html" in rewritten for nb in NOTEBOOKS[1:]), sorted(rewritten)


# ---- headless Chromium -------------------------------------------------------------------

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Put first in <head>: records console errors and uncaught errors, then, once the page has loaded,
# marks <body> with the number of images and those that failed to load.
CHECK = """<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(String(e.message || e.type)); }, true);
(function () { var orig = console.error; console.error = function () {
  window.__errors.push(Array.prototype.join.call(arguments, " ")); return orig.apply(console, arguments); }; })();
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
  document.body.setAttribute("data-images", String(imgs.length));
  document.body.setAttribute("data-images-broken", broken.map(function (i) { return i.getAttribute("src"); }).join(" "));
  document.body.setAttribute("data-errors", window.__errors.join(" | "));
  document.body.setAttribute("data-checked", "yes");
});
</script>"""


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium package")
    pytest.skip("Chromium not installed (CI installs it)")


def _run(browser, args: list[str], profile: Path) -> subprocess.CompletedProcess:
    cmd = [browser, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line and ("Uncaught" in line or "rror" in line)
            or "Failed to load resource" in line or "net::ERR_" in line]


def _checked(browser, page: Path, profile: Path) -> dict[str, str]:
    """Open an instrumented copy of ``page`` (same folder, so its links hold); return <body>'s marks."""
    probe = page.with_name(f".probe-{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + CHECK, 1), encoding="utf-8")
    try:
        done = _run(browser, ["--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom",
                              probe.as_uri()], profile)
    finally:
        probe.unlink()
    body = re.search(r"<body([^>]*)>", done.stdout).group(1)
    marks = dict(re.findall(r'data-([\w-]+)="([^"]*)"', body))
    marks["log"] = "\n".join(_console_errors(done.stderr))
    return marks


def _pages_to_open(built: Path) -> list[Path]:
    return ([built / "index.html", built / "figures.html"] + [built / "notebooks" / f"{nb.stem}.html" for nb in NOTEBOOKS]
            + [built / "profiles" / f"{slug}.html" for slug in PROFILE_SLUGS])


def test_pages_load_in_headless_chromium_with_every_image_and_no_error(built, tmp_path):
    browser = _chromium()
    problems = []
    for page in _pages_to_open(built):
        marks = _checked(browser, page, tmp_path / "profile")
        name = page.relative_to(built).as_posix()
        if marks.get("checked") != "yes":
            problems.append(f"{name}: the page did not finish loading")
            continue
        if marks["images-broken"]:
            problems.append(f"{name}: images not loaded: {marks['images-broken']}")
        if marks["errors"] or marks["log"]:
            problems.append(f"{name}: console errors: {marks['errors']} {marks['log']}")
        if name.startswith("notebooks/") and int(marks["images"]) == 0 and "figure" in page.read_text(encoding="utf-8"):
            problems.append(f"{name}: no image shown")
    assert problems == []


def test_screenshots_of_the_front_page_notebooks_and_profiles(built, tmp_path):
    browser = _chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page in _pages_to_open(built):
        target = SCREENSHOTS / (page.relative_to(built).with_suffix(".png").as_posix().replace("/", "_"))
        _run(browser, ["--window-size=1280,2000", "--hide-scrollbars", f"--screenshot={target}", page.as_uri()],
             tmp_path / "profile")
        assert target.stat().st_size > 10_000, target.name


def test_changed_value_in_a_notebook_updates_the_findings_page(tmp_path):
    """A notebook whose recorded value changes: the next (incremental) build shows the new value."""
    cited = GLUE_TEXT.findall(FINDINGS.read_text(encoding="utf-8"))
    stored = {f"notebooks/{nb.name}": _stored_values(nb) for nb in NOTEBOOKS}
    found = next(((nb, key, fmt) for nb, key, fmt in cited if fmt.endswith("f") and key in stored.get(nb, {})), None)
    if found is None:
        pytest.skip("the notebooks record no glued values yet: add the cells of site/glue_cells.md")
    notebook, key, fmt = found
    copies = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, copies, ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    out = tmp_path / "site"
    site.build(out, sorted(copies.glob("[0-9][0-9]_*.ipynb")), site.PROFILES)
    target = copies / Path(notebook).name
    nb = json.loads(target.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook", {})
            if meta.get("name") == key:
                output["data"][meta.get("mime_prefix", "") + "text/plain"] = "-12.5"
    target.write_text(json.dumps(nb), encoding="utf-8")
    site.build(out, sorted(copies.glob("[0-9][0-9]_*.ipynb")), site.PROFILES)
    assert f'<span class="pasted-text">{format(-12.5, fmt)}</span>' in (out / "index.html").read_text(encoding="utf-8")
