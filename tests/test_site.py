"""The study's site (``helpers.run.site``, ``make report``): findings cited from notebook outputs,
pages that work from ``file://`` with no network, checked in headless Chromium.

The site is built once per session into a temporary folder from the committed notebooks (or from
the folder named by ``$SITE_NOTEBOOKS``), with three executed profiles of ``build/profiles/`` as pages
(``PROFILE_SLUGS``, run there first if missing; the others that ``make report`` leaves there are not used).
Screenshots go to ``build/site-screenshots/``.
"""

import ast
import html
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

pytestmark = pytest.mark.slow

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
def three_profiles(tmp_path_factory) -> Path:
    """A folder with the profiles of ``PROFILE_SLUGS`` only (copied from build/profiles/, where they are run first
    if missing): the site tests build the same site whether ``make report`` left 63 profiles there or none."""
    have = {p.stem for p in site.PROFILES.glob("*.ipynb")}
    if not set(PROFILE_SLUGS) <= have:
        subprocess.run([sys.executable, "-m", "helpers.run.profile_sweep", *PROFILE_SLUGS], cwd=paths.ROOT, check=True,
                       capture_output=True, env={**os.environ, "CI": "1"})
    folder = tmp_path_factory.mktemp("profiles")
    for slug in PROFILE_SLUGS:
        shutil.copy2(site.PROFILES / f"{slug}.ipynb", folder / f"{slug}.ipynb")
    return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory, three_profiles):
    """The site built from the notebooks and the three profiles into a temporary folder; returns its folder."""
    out = tmp_path_factory.mktemp("site") / "site"
    front = site.build(out, NOTEBOOKS, three_profiles, fresh=True)
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
        # each notebook page links the pages built around it: the explorer, the profiles, the figures
        assert all(f'href="../{target}.html"' in page for target in ("explorer", "profiles", "figures")), nb.name


def test_figures_page_shows_every_figure_with_caption_and_source(built):
    page = (built / "figures.html").read_text(encoding="utf-8")
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(site.FIGURES.glob("*.json"))]
    assert entries
    for e in entries:
        assert f'id="fig-{e["name"].replace("_", "-")}"' in page or f'id="fig-{e["name"]}"' in page, e["name"]
        assert (built / "_images" / f"{e['name']}.png").is_file(), e["name"]
    assert page.count("Source: ") >= len(entries)
    # in the built page, each image's alt text is its caption (title and takeaway), never a file path
    alts = dict(re.findall(r'<img alt="([^"]*)" src="_images/([\w.-]+)\.png"', page))
    by_image = {image: html.unescape(alt) for alt, image in alts.items()}
    for e in entries:
        assert by_image.get(e["name"]) == " ".join(e["caption"].split()), e["name"]
        assert e["takeaway"] and e["takeaway"] in by_image[e["name"]], e["name"]


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


def _title(page: Path) -> str:
    import html

    return html.unescape(re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S).group(1).strip())


def test_profiles_are_pages_of_the_site_titled_with_their_province(built):
    names = provinces.load_reference().set_index("slug")["name_vi"]
    script = (built / "searchindex.js").read_text(encoding="utf-8")
    search = json.loads(script[script.index("(") + 1:script.rindex(")")])
    titled = dict(zip(search["docnames"], search["titles"], strict=True))
    for slug in PROFILE_SLUGS:
        page = built / "profiles" / f"{slug}.html"
        text = page.read_text(encoding="utf-8")
        assert _title(page).startswith(f"{names[slug]}: province profile"), slug
        assert titled[f"profiles/{slug}"] == f"{names[slug]}: province profile", slug  # in the search
        assert "cell_input" not in text and "In [" not in text, slug  # no code, no prompts
        assert "province = " not in text and "province: str" not in text, slug  # no parameters cell
        article = text.split('<article class="bd-article">', 1)[1].split("</article>", 1)[0]
        assert not re.search(r"&lt;NA&gt;|<NA>|\bNaN\b|>nan<", article), slug
        assert 'href="../profiles.html"' in text, slug  # back to the table of all units
        assert 'href="../notebooks/03_data.html"' in text, slug
        assert re.search(r'<a href="https?://[^"]+" title="https?://[^"]+">[\w.-]+</a>', article), slug  # sources: links
        assert 'href="profiles/' + slug + '.html"' in (built / "profiles.html").read_text(encoding="utf-8")
    # in the navigation: the profiles page's (hidden) toctree puts them in the sidebar of their own pages
    assert 'href="bac-lieu.html"' in (built / "profiles" / "ben-tre.html").read_text(encoding="utf-8")


GLUED_LINK = re.compile(r'<a class="([^"]*glued-value[^"]*)" href="([^"#]+)#(value-\w+)" title="([^"]*)">'
                        r'<span class="pasted-text">([^<]*)</span></a>')


def test_every_glued_number_links_to_the_row_that_records_it(built):
    page = (built / "index.html").read_text(encoding="utf-8")
    pasted = page.count('<span class="pasted-text">')
    links = GLUED_LINK.findall(page)
    assert pasted >= 40 and len(links) == pasted  # every pasted value sits in its link
    targets: dict[str, str] = {}
    for _cls, href, anchor, title, shown in links:
        target = built / href
        if href not in targets:
            targets[href] = target.read_text(encoding="utf-8")
        assert f'id="{anchor}"' in targets[href], (href, anchor)
        key = anchor.removeprefix("value-")
        assert title == f"{key} = {shown}", title
    cited = {(f"notebooks/{nb.split('/')[-1].replace('.ipynb', '.html')}", key)
             for nb, key, _ in GLUE_TEXT.findall(FINDINGS.read_text(encoding="utf-8"))}
    assert {(href, anchor.removeprefix("value-")) for _, href, anchor, _, _ in links} == cited


@pytest.fixture(scope="module")
def rebuilt(built, three_profiles, tmp_path_factory):
    """A site built from copies of the notebooks and of the three profiles but the last listed; the tests below change them and build again, incrementally, each from the
    state the last build left."""
    root = tmp_path_factory.mktemp("rebuilt")
    copies, profiles = root / "notebooks", root / "profiles"
    shutil.copytree(NOTEBOOK_DIR, copies, ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    profiles.mkdir()
    for slug in PROFILE_SLUGS[:-1]:
        shutil.copy2(three_profiles / f"{slug}.ipynb", profiles / f"{slug}.ipynb")
    out = root / "site"
    site.build(out, sorted(copies.glob("[0-9][0-9]_*.ipynb")), profiles)
    return copies, profiles, out


def _rebuild(rebuilt) -> Path:
    copies, profiles, out = rebuilt
    site.build(out, sorted(copies.glob("[0-9][0-9]_*.ipynb")), profiles)
    return out


def test_a_new_profile_appears_in_the_navigation_of_every_page(rebuilt):
    """Each page's sidebar lists the profiles: a page whose source did not change is rewritten all the same
    when the list changes (incrementally: no page is read again but the profiles page and the new one)."""
    _, profiles, out = rebuilt
    new = PROFILE_SLUGS[-1]
    assert f'href="profiles/{new}.html"' not in (out / "cite.html").read_text(encoding="utf-8")
    shutil.copy2(site.PROFILES / f"{new}.ipynb", profiles / f"{new}.ipynb")
    _rebuild(rebuilt)
    assert f'href="profiles/{new}.html"' in (out / "cite.html").read_text(encoding="utf-8")
    assert f'href="{new}.html"' in (out / "profiles" / f"{PROFILE_SLUGS[0]}.html").read_text(encoding="utf-8")


def test_changed_notebook_rebuilds_its_page_not_the_others(rebuilt):
    copies, _, out = rebuilt
    _rebuild(rebuilt)  # whatever an earlier test changed is built first
    stamp = {p: p.stat().st_mtime_ns for p in _html_pages(out)}
    changed = copies / NOTEBOOKS[0].name
    os.utime(changed)  # as an edit or a new run would leave it: dated now
    _rebuild(rebuilt)
    rewritten = {p.relative_to(out).as_posix() for p, t in stamp.items() if p.stat().st_mtime_ns != t}
    assert f"notebooks/{NOTEBOOKS[0].stem}.html" in rewritten
    assert not any(f"notebooks/{nb.stem}.html" in rewritten for nb in NOTEBOOKS[1:]), sorted(rewritten)


def test_changed_value_in_a_notebook_updates_the_findings_page(rebuilt):
    """A notebook whose recorded value changes: the next (incremental) build shows the new value."""
    cited = GLUE_TEXT.findall(FINDINGS.read_text(encoding="utf-8"))
    stored = {f"notebooks/{nb.name}": _stored_values(nb) for nb in NOTEBOOKS}
    found = next(((nb, key, fmt) for nb, key, fmt in cited if fmt.endswith("f") and key in stored.get(nb, {})), None)
    if found is None:
        pytest.skip("the notebooks record no glued values yet: add the cells of site/glue_cells.md")
    notebook, key, fmt = found
    copies, _, out = rebuilt
    assert f'<span class="pasted-text">{format(-12.5, fmt)}</span>' not in (out / "index.html").read_text(
        encoding="utf-8")
    target = copies / Path(notebook).name
    nb = json.loads(target.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook", {})
            if meta.get("name") == key:
                output["data"][meta.get("mime_prefix", "") + "text/plain"] = "-12.5"
    target.write_text(json.dumps(nb), encoding="utf-8")
    _rebuild(rebuilt)
    assert f'<span class="pasted-text">{format(-12.5, fmt)}</span>' in (out / "index.html").read_text(encoding="utf-8")


# ---- headless Chromium -------------------------------------------------------------------

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


class Tab:
    """One browser tab at a given window size, in its own context, that opens page after page; ``log`` keeps
    what the console logged as an error, uncaught errors and failed loads, since the last page was opened."""

    def __init__(self, browser, width: int, height: int):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.log: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.log.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.log.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.log.append(f"failed: {r.url} {r.failure}"))

    def open(self, uri: str) -> None:
        """Open ``uri`` and wait for the page check (``CHECK``) to mark <body>."""
        self.log.clear()
        self.page.goto(uri, wait_until="load")
        self.page.wait_for_selector("body[data-checked]", state="attached", timeout=15_000)

    def marks(self) -> dict[str, str]:
        """The ``data-*`` attributes of <body>."""
        return self.page.evaluate("""() => Object.fromEntries(Array.from(document.body.attributes)
            .filter(a => a.name.startsWith("data-")).map(a => [a.name.slice(5), a.value]))""")

    def close(self):
        self.context.close()


def _probe(page: Path, script: str):
    """An instrumented copy of ``page`` in its folder (so its links hold): ``script`` put first in <head>."""
    probe = page.with_name(f".probe-{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + script, 1), encoding="utf-8")
    return probe


def _checked(tab: Tab, page: Path, screenshot: Path | None = None) -> dict[str, str]:
    """Open an instrumented copy of ``page`` (the check adds nothing visible); return <body>'s marks and, as
    ``log``, what the console logged; take a screenshot of the window to ``screenshot`` if given."""
    probe = _probe(page, CHECK)
    try:
        tab.open(probe.as_uri())
        marks = tab.marks()
        if screenshot is not None:
            tab.page.screenshot(path=screenshot)
    finally:
        probe.unlink()
    marks["log"] = "\n".join(tab.log)
    return marks


def _pages_to_open(built: Path) -> list[Path]:
    return ([built / name for name in ("index.html", "figures.html", "data.html", "cite.html", "profiles.html")]
            + [built / "notebooks" / f"{nb.stem}.html" for nb in NOTEBOOKS]
            + [built / "profiles" / f"{slug}.html" for slug in PROFILE_SLUGS])


# Every table of the article wider than the article must sit in a box that scrolls sideways (else its
# right-hand columns are cut off): the tables clipped, the article's width and the widest table's.
TABLE_WIDTHS = """() => {
  var article = document.querySelector("article.bd-article"), clipped = [], widest = 0;
  document.querySelectorAll("article.bd-article table").forEach(function (t, i) {
    widest = Math.max(widest, t.scrollWidth);
    if (t.scrollWidth <= article.clientWidth + 1) return;
    for (var box = t.parentElement; box && box !== article; box = box.parentElement) {
      var ox = getComputedStyle(box).overflowX;
      if ((ox === "auto" || ox === "scroll") && box.clientWidth <= article.clientWidth + 1) return;
    }
    clipped.push(i + ":" + (t.querySelector("th") || t).textContent.trim().slice(0, 30));
  });
  return {clipped: clipped.join(" | "), article: article.clientWidth, widest: widest};
}"""


def test_pages_load_with_every_image_and_no_error_and_wide_tables_scroll_in_their_own_box(built, browser):
    """Each page, opened in headless Chromium at 1280 × 2000 pixels, loads every image with no error; a
    screenshot of it goes to ``build/site-screenshots/`` for a reader to look at. The same visit then widens
    the window to 1600 × 1000: every table wider than the article scrolls in its own box, and the article
    uses the width (with both sidebars it gets more than the theme's 60em cap, 960 px, used to give)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems, widths, tab = [], {}, Tab(browser, 1280, 2000)
    for page in _pages_to_open(built):
        name = page.relative_to(built).as_posix()
        screenshot = SCREENSHOTS / page.relative_to(built).with_suffix(".png").as_posix().replace("/", "_")
        tab.page.set_viewport_size({"width": 1280, "height": 2000})
        marks = _checked(tab, page, screenshot)
        if not screenshot.is_file() or screenshot.stat().st_size <= 10_000:
            problems.append(f"{name}: no screenshot, or an empty one")
        if marks.get("checked") != "yes":
            problems.append(f"{name}: the page did not finish loading")
            continue
        if marks["images-broken"]:
            problems.append(f"{name}: images not loaded: {marks['images-broken']}")
        if marks["errors"] or marks["log"]:
            problems.append(f"{name}: console errors: {marks['errors']} {marks['log']}")
        if name.startswith("notebooks/") and int(marks["images"]) == 0 and "figure" in page.read_text(encoding="utf-8"):
            problems.append(f"{name}: no image shown")
        tab.page.set_viewport_size({"width": 1600, "height": 1000})
        tables = tab.page.evaluate(TABLE_WIDTHS)
        widths[name] = tables["article"]
        if tables["clipped"]:
            problems.append(f"{name}: tables cut off at 1600 px: {tables['clipped']}")
    tab.close()
    assert problems == []
    assert min(widths.values()) > 960, widths


def test_the_page_check_sees_a_broken_image_and_a_console_error(built, browser, tmp_path):
    """The browser check is not blind: a page with a missing image and a script error fails it."""
    page = built / "notebooks" / "broken-probe.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><img src="missing.png">'
                    "<script>undefinedFunction();</script></body></html>", encoding="utf-8")
    tab = Tab(browser, 1280, 1000)
    try:
        marks = _checked(tab, page)
    finally:
        page.unlink()
        tab.close()
    assert marks["checked"] == "yes" and marks["images-broken"] == "missing.png"
    assert "undefinedFunction" in marks["errors"] and "missing.png" in marks["log"]


def test_search_from_file_gives_results_and_no_console_error(built, browser):
    """Sphinx's search fetched each result's page for a snippet, which a browser refuses under file://
    (a CORS error per result); the site shows results without snippets."""
    probe = _probe(built / "search.html", CHECK)
    tab = Tab(browser, 1280, 1000)
    try:
        tab.open(probe.as_uri() + "?q=Li%C3%AAu")
        tab.page.wait_for_selector("#search-results li a", state="attached", timeout=15_000)
        marks, log = tab.marks(), list(tab.log)
        results = tab.page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.href)")
    finally:
        probe.unlink()
        tab.close()
    assert marks.get("checked") == "yes"
    assert marks["errors"] == "" and log == []
    assert any("profiles/bac-lieu.html" in r for r in results), results[:10]


# ---- the three contradictions of issue 24, each with the test that would have caught it ------------

FINDINGS_ITEMS = re.compile(r"^\s*\d+\.\s", re.M)


def finding_items(markdown: str) -> list[str]:
    """The numbered key findings of the page (the list inside the ``findings`` container)."""
    block = markdown.split("````{container} findings", 1)[1].split("````", 1)[0]
    return [item for item in FINDINGS_ITEMS.split(block) if item.strip()]


def _notebook_values() -> dict[str, dict[str, str]]:
    return {f"notebooks/{nb.name}": _stored_values(nb) for nb in NOTEBOOKS}


# 1. A derived value is never shown as an observation ---------------------------------------------

CASE_RANK = re.compile(r"^(case_[ab])_rank_(\d{4})$")


def _case_codes() -> dict[str, str]:
    """The cases' GSO codes by the prefixes of notebook 05 (its parameters province_a and province_b)."""
    import papermill

    from helpers import params

    defaults = papermill.inspect_notebook(str(NOTEBOOK_DIR / "05_cases.ipynb"))
    return {f"case_{x}": params.province(f"province_{x}", ast.literal_eval(defaults[f"province_{x}"]["default"]))
            for x in ("a", "b")}


def derived_ranks_cited(markdown: str, stored: dict[str, dict[str, str]], panel) -> list[str]:
    """Every rank of a case cited on the page that no source states (only a derived row has it)."""
    codes, bad = _case_codes(), []
    stated = panel[(panel["measure"] == "dti") & (panel["source_kind"] != "derived")]
    for notebook, key, _ in GLUE_TEXT.findall(markdown):
        match = CASE_RANK.match(key)
        if not match or not notebook.endswith("05_cases.ipynb"):
            continue
        rows = stated[(stated["gso_code"] == codes[match.group(1)]) & (stated["year"] == int(match.group(2)))]
        if int(ast.literal_eval(stored[notebook][key])) not in set(rows["rank"].dropna().astype(int)):
            bad.append(key)
    return bad


def test_no_derived_value_is_shown_as_an_observation():
    """Bến Tre's 2020 rank is derived (its 2021 rank and a news line saying it rose two places); the page
    showed it among the observed ranks. Every rank of a case the page cites must be stated by a source."""
    panel = tables.load_dti_panel()
    assert derived_ranks_cited(FINDINGS.read_text(encoding="utf-8"), _notebook_values(), panel) == []


def test_the_derived_check_sees_a_derived_rank_cited():
    page = "It ranked {glue:text}`notebooks/05_cases.ipynb::case_b_rank_2020:d` in 2020."
    stored = {"notebooks/05_cases.ipynb": {"case_b_rank_2020": "33"}}
    assert derived_ranks_cited(page, stored, tables.load_dti_panel()) == ["case_b_rank_2020"]


# 2. Every count has one source -------------------------------------------------------------------

def test_every_glued_name_is_recorded_by_one_notebook():
    owners: dict[str, list[str]] = {}
    for notebook, values in _notebook_values().items():
        for key in values:
            owners.setdefault(key, []).append(notebook)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def typed_rank_counts() -> dict[str, dict[int, int]]:
    """The counts of overall ranks per partial round typed on the data page and in notebook 03's text."""
    data = (PAGES / "data.md").read_text(encoding="utf-8")
    coverage = re.search(r"overall ranks: ([^|;]*)", data).group(1)
    nb = json.loads((NOTEBOOK_DIR / "03_data.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    years_counts = re.search(r"\*\*(\d{4}) and (\d{4})\*\* hold only (\d+) and (\d+) of the", text).groups()
    return {"data page": {int(y): int(n) for y, n in re.findall(r"(\d{4}) (\d+) of \d+", coverage)},
            "notebook 03": {int(years_counts[0]): int(years_counts[2]), int(years_counts[1]): int(years_counts[3])}}


def rank_count_mismatches(markdown: str, stored: dict[str, dict[str, str]],
                          typed: dict[str, dict[int, int]]) -> list[str]:
    """Counts of known ranks the page cites (``ranks_known_<year>``, ``ranks_published_<year>``) that differ
    from the count the data page and notebook 03 state for that round."""
    bad = []
    for notebook, key, _ in GLUE_TEXT.findall(markdown):
        match = re.match(r"^ranks_(?:known|published)_(\d{4})$", key)
        if not match:
            continue
        value, year = int(ast.literal_eval(stored[notebook][key])), int(match.group(1))
        bad += [f"{key}={value}, {where} {counts[year]}" for where, counts in typed.items()
                if year in counts and counts[year] != value]
    return bad


def test_every_count_has_one_source():
    """The page gave 20 known ranks for 2021 (corpus included), notebook 03 and the data page 19. The page
    now cites the published ranks and the corpus-only ones apart, from notebook 03's one count of each."""
    stored, page = _notebook_values(), FINDINGS.read_text(encoding="utf-8")
    assert rank_count_mismatches(page, stored, typed_rank_counts()) == []
    cited = {key for _, key, _ in GLUE_TEXT.findall(page)}
    assert "ranks_published_2021" in cited and "ranks_corpus_2021" in cited
    values = stored["notebooks/03_data.ipynb"]
    for year in (2020, 2021):
        known, published, corpus = (int(values[f"ranks_{k}_{year}"]) for k in ("known", "published", "corpus"))
        assert known == published + corpus


def test_the_count_check_sees_the_old_count():
    page = "known only in part ({glue:text}`notebooks/03_data.ipynb::ranks_known_2021:d` overall ranks)"
    stored = {"notebooks/03_data.ipynb": {"ranks_known_2021": "20"}}
    assert rank_count_mismatches(page, stored, {"data page": {2021: 19}}) == ["ranks_known_2021=20, data page 19"]


# 3. A figure's interval and the sentence that cites it come from the same glued value --------------

RANK_INTERVAL = re.compile(r"\{glue:text\}`([^`]+?\.ipynb)::(\w+)_low:d`(?:–|\s+and\s+|\s+to\s+)"
                           r"\{glue:text\}`\1::\2_high:d`")


def _svg_text(name: str) -> str:
    import html

    svg = (site.FIGURES / f"{name}.svg").read_text(encoding="utf-8")
    return html.unescape(" ".join(re.findall(r">([^<>]+)<", svg)))


def figure_interval_mismatches(markdown: str, stored: dict[str, dict[str, str]], svg_text) -> list[str]:
    """Rank intervals (two glued whole numbers, ``low–high``) cited in a finding that links a figure and
    that none of the linked figures states, as ``low–high``, in its text."""
    bad = []
    for item in finding_items(markdown):
        linked = re.findall(r"<fig-([\w-]+)>", item)
        for notebook, stem in RANK_INTERVAL.findall(" ".join(item.split())) if linked else []:
            low, high = (int(ast.literal_eval(stored[notebook][f"{stem}_{end}"])) for end in ("low", "high"))
            if not any(f"{low}–{high}" in svg_text(name) for name in linked):
                bad.append(f"{stem}: {low}–{high} not in {', '.join(linked)}")
    return bad


def test_a_figure_and_the_sentence_citing_it_state_the_same_interval():
    """The benchmark figure shaded one interval (about 50–63, from the mean correlation) while the sentence
    linking to it gave another (54–63). Every rank interval a finding cites is written in the figure it links."""
    page = FINDINGS.read_text(encoding="utf-8")
    assert figure_interval_mismatches(page, _notebook_values(), _svg_text) == []
    assert len(RANK_INTERVAL.findall(" ".join(page.split()))) >= 6  # the check has intervals to check


def test_the_interval_check_sees_a_figure_with_another_interval():
    page = ("````{container} findings\n\n1. Last place lands between "
            "{glue:text}`notebooks/04_trajectories.ipynb::rtm_low:d` and "
            "{glue:text}`notebooks/04_trajectories.ipynb::rtm_high:d`. {ref}`Figure <fig-04_rtm_benchmark>`.\n\n````")
    stored = {"notebooks/04_trajectories.ipynb": {"rtm_low": "54", "rtm_high": "63"}}
    assert figure_interval_mismatches(page, stored, lambda name: "90% interval 50–63") == [
        "rtm: 54–63 not in 04_rtm_benchmark"]


def test_no_identity_is_offered_as_evidence_and_no_benchmark_is_called_chance():
    page = FINDINGS.read_text(encoding="utf-8")
    assert "Catch-up is real" not in page and "chance" not in page.lower()
    for item in finding_items(page):
        if "::beta_slope:" in item:
            assert "::beta_rtm_slope:" in item and "by construction" in item
