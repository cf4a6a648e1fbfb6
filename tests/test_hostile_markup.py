"""No text from an input reaches a page as live markup: site, notebook pages and province profiles.

One copy of the project (for the whole module) gets a tag in every free-text field of every input:
the manifest's sources, the corpus metadata (outlet, title, notes), the note and derivation columns
of the raw tables, the codebook's notes and labels, and an article's text. The data build, the
notebooks that show these fields (01, 02, 05, run in place), three profiles and the site are then
built there, and every HTML page is parsed: the tag must appear only as text, never as an element.

One of the suite's slow tests (about 25 s on one worker: a data build, three notebooks, three profiles,
a site, each command forked from a warm interpreter as ``conftest.run_module`` does); it cannot be smaller
without leaving out a road by which input text becomes HTML.
"""

import csv
import hashlib
import io
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import copy_project, run_module

pytestmark = pytest.mark.slow

#: The tag put into each field, named by the field; live, it would be an element with this attribute.
ATTRIBUTE = "data-hostile"
#: Free-text columns of each input (path under the project root).
FREE_TEXT = {
    "data/raw/corpus/metadata.csv": ["outlet", "title_vi", "notes"],
    "data/raw/dti/dti_derived_candidates.csv": ["derivation", "check_or_note"],
    "data/raw/dti/dti_main_indices_published.csv": ["note"],
    "data/raw/dti/dti_published_summary.csv": ["note"],
    "data/raw/geo/province_reference_points_63.csv": ["source"],
    "data/raw/other_indices/egov_it_application_2017.csv": ["note"],
    "data/raw/other_indices/ict_index_fragments.csv": ["note"],
    "data/raw/other_indices/papi_egovernance_2018_2024.csv": ["note"],
    "data/raw/provinces/provinces.csv": ["source_notes"],
    "data/codebook/audit_checks.csv": ["note"],
    "data/codebook/indicators.csv": ["note"],
    "data/codebook/timeline_events.csv": ["label", "note"],
    "data/codebook/recall_check_004_98bd25edb4421de0.csv": ["note"],
}
ARTICLE = "data/raw/corpus/004_98bd25edb4421de0.txt"
NOTEBOOKS = ["01_corpus", "02_claims", "05_cases"]
PROFILES = ["bac-lieu", "ben-tre", "ca-mau"]


CODES: dict[str, str] = {}


def code(field: str) -> str:
    """A short code of letters per field (a long label would change the figures' layout; a label may
    hold no digit)."""
    return CODES.setdefault(field, "hostile" + "abcdefghijklmnopqrstuvwxyz"[len(CODES)])


def tag(field: str) -> str:
    return f"<i {ATTRIBUTE}={code(field)}>.</i>"


def _rewrite(path: Path, columns: list[str]) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    index = [rows[0].index(c) for c in columns]
    for row in rows[1:]:
        for i, column in zip(index, columns, strict=True):
            if row:
                row[i] = (row[i] + " " if row[i] else "") + tag(f"{path.name}:{column}")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _record_all(root: Path) -> None:
    """Every raw file's new checksum and size, and a tag in every source of the manifest."""
    manifest = root / "data/raw/MANIFEST.csv"
    rows = list(csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8"), newline="")))
    for row in rows:
        data = (root / "data/raw" / row["path"]).read_bytes()
        row.update(sha256=hashlib.sha256(data).hexdigest(), bytes=str(len(data)),
                   source=row["source"] + " " + tag("MANIFEST.csv:source"))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    manifest.write_text(out.getvalue(), encoding="utf-8")


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_module(root, *args, timeout=600, CI="1")
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-3000:])
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    for relative, columns in FREE_TEXT.items():
        _rewrite(root / relative, columns)
    article = root / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\n" + tag("article") + "\n", encoding="utf-8")
    _record_all(root)
    _run(root, "helpers.run.build")
    for stem in NOTEBOOKS:
        _run(root, "helpers.run.pipeline", "run", f"notebooks/{stem}.ipynb", "--in-place")
    _run(root, "helpers.run.profile_sweep", *PROFILES)
    _run(root, "helpers.run.site", "--fresh")
    return root


class _Elements(HTMLParser):
    """The values of ``ATTRIBUTE`` on the elements of a page (each a field whose text went in live)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []

    def handle_starttag(self, name, attrs):
        self.live += [value for key, value in attrs if key == ATTRIBUTE]


def _live(page: Path) -> list[str]:
    parser = _Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    fields = {c: f for f, c in CODES.items()}
    return sorted(fields.get(c, c) for c in parser.live)


def test_the_tags_reach_the_pages_as_text(built):
    """Otherwise the test proves nothing: the fields the pages show (the manifest's sources on the data
    page, outlets in 01, the audit's notes in 02, the timeline's labels in 05) arrive there, as text."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (built / "build").rglob("*.html"))
    for field in ("MANIFEST.csv:source", "metadata.csv:outlet", "audit_checks.csv:note", "timeline_events.csv:label"):
        assert f"{ATTRIBUTE}={code(field)}" in text, field


@pytest.mark.parametrize("where", ["build/site", "build/site/profiles"])
def test_no_input_text_is_live_markup_in_any_page(built, where):
    pages = sorted((built / where).rglob("*.html"))
    assert pages
    found = {str(p.relative_to(built)): _live(p) for p in pages}
    assert {page: live for page, live in found.items() if live} == {}
