"""The HTML report: notebook pages and the figure index."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from helpers import paths
from helpers.run import report

# How nbconvert marks an error or stderr output in a rendered page.
STDERR_OUTPUT = "data-mime-type=\"application/vnd.jupyter.stderr\""
NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The report built from the committed notebooks and figures into a temporary folder."""
    out = tmp_path_factory.mktemp("report")
    for nb in NOTEBOOKS:
        report.render_notebook(nbformat.read(nb, as_version=4), out / "notebooks" / f"{nb.stem}.html")
    index = report.build_index(NOTEBOOKS, target=out / "index.html", html_dir=out / "notebooks")
    return index


def test_index_shows_every_saved_figure_with_caption_and_source(rendered):
    page = rendered.read_text(encoding="utf-8")
    entries = sorted((paths.ROOT / "figures").glob("*.json"))
    assert entries, "no figure index entries in figures/"
    for entry in entries:
        name = entry.stem
        assert f'id="{name}"' in page
        assert (paths.ROOT / "figures" / f"{name}.png").is_file()
    assert page.count("<figure") == len(entries)
    assert page.count("Source: ") >= len(entries)


def test_index_links_resolve_to_files(rendered):
    page = rendered.read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"#]+)"', page)
    assert links
    for link in links:
        assert (rendered.parent / link).resolve().exists(), link


def test_notebook_pages_exist_and_hold_no_error(rendered):
    for nb in NOTEBOOKS:
        page = (rendered.parent / "notebooks" / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert STDERR_OUTPUT not in page and "Traceback" not in page, nb.name


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _dump_dom(browser, page: Path, profile: Path) -> str:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--allow-file-access-from-files",
           "--virtual-time-budget=10000", "--dump-dom", page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_index_renders_in_headless_chromium(rendered, tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium not installed (CI installs it)")
    dom = _dump_dom(browser, rendered, tmp_path / "profile")
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert 'data-checked="yes"' in body
    images = int(re.search(r'data-images="(\d+)"', body).group(1))
    assert images == len(list((paths.ROOT / "figures").glob("*.json")))
    assert 'data-images-broken=""' in body
    for nb in NOTEBOOKS:
        page_dom = _dump_dom(browser, rendered.parent / "notebooks" / f"{nb.stem}.html", tmp_path / "profile")
        assert "jp-Cell" in page_dom
        assert STDERR_OUTPUT not in page_dom, nb.name


def test_error_detector_sees_an_error_output(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1/0")
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                           traceback=["ZeroDivisionError: division by zero"])]
    nb.cells.append(cell)
    page = report.render_notebook(nb, tmp_path / "bad.html").read_text(encoding="utf-8")
    assert STDERR_OUTPUT in page


def test_data_links_name_the_tables_a_notebook_reads():
    used = {nb.stem: [p.name for p in report.processed_tables_used_by(nb)] for nb in NOTEBOOKS}
    assert used["01_corpus"] == []  # reads only raw articles
    assert {"claims.csv", "consistency_audit.csv"} <= set(used["02_claims"])
    assert "dti_panel.csv" in used["04_trajectories"]
