"""Adding an article, as the README's "Adding an article" section says, on a copy of the project,
then the report on that copy, with no code change.

Two articles were written for this test; neither is one of the corpus articles, and neither is ever
mixed with the study's data:

- ``tests/data/article_for_test.txt``: a short news text about a fictional province ("Hòa An"), entered
  in the metadata as an article about the whole country (``Cả nước``, so its GSO code stays blank: the
  metadata accepts only the 63 provinces or the whole country), with figures of several kinds;
- ``tests/data/article_for_test_planted.txt``: a news text about a real province (Hà Giang) with two
  planted errors, a share stated in the same sentence as the counts it should equal and five points off
  them (1.150/1.380 is 83,3%, the text says 88,3%), and a DTI 2023 rank that the official table does not
  give, plus parts that do not add up to their total. Its other shares agree with their counts; it also
  dates things by a quarter and by the first months of a year.

Each article takes the next free number of the corpus (read from ``metadata.csv``, so it cannot collide
with a real article). The test copies them into the copy's corpus, adds their metadata rows, records
the files with ``helpers.run.manifest``, runs the data build, then the report: every notebook whose
recorded reads (``study.reads``) the new articles changed, in place, as ``make report`` would (it
re-runs a notebook when a file it read changed); the notebooks that read no changed file (04 and 06:
the panel changes only with the codebook) are not re-run, and the test checks that they read nothing
that changed. The profile and case notebooks also run for the planted article's province (under
``build/runs/``), and the site is built from the copy. Nobody curates anything: the errors must be
flagged on arrival.
"""

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from conftest import copy_project, run_module
from helpers import claims, paths, study

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data"
METADATA = "data/raw/corpus/metadata.csv"
SOURCE = "news article written for tests/test_add_article.py ({}), no URL"
PLANTED_PROVINCE, PLANTED_SLUG, PLANTED_CODE = "Hà Giang", "ha-giang", "02"


def _next_number() -> int:
    """The next free three-digit number of the corpus, read from the committed metadata."""
    meta = pd.read_csv(paths.CORPUS / "metadata.csv", dtype=str, keep_default_na=False)
    return max(int(doc_id[:3]) for doc_id in meta["doc_id"]) + 1


NEXT = _next_number()
#: The two articles: (doc_id, fixture, metadata row after doc_id and file).
ARTICLES = {
    "hoa_an": (f"{NEXT:03d}_hoa_an_test", DATA / "article_for_test.txt",
               ["Báo Thử Nghiệm", "", "2024-11-20", "day", "Cả nước", "Hòa An tăng tốc chuyển đổi số",
                "Written for the test of the add-an-article workflow; not a real article"]),
    "planted": (f"{NEXT + 1:03d}_ha_giang_test", DATA / "article_for_test_planted.txt",
                ["Báo Thử Nghiệm", "", "2024-03-14", "day", PLANTED_PROVINCE,
                 "Hà Giang: chuyển đổi số vùng cao có nhiều chuyển biến",
                 "Written for tests/test_add_article.py with planted errors; not a real article"]),
}
DOC_ID, PLANTED = ARTICLES["hoa_an"][0], ARTICLES["planted"][0]


def _text(doc_id: str) -> str:
    return f"data/raw/corpus/{doc_id}.txt"


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return run_module(root, *args, timeout=600)


def _add_metadata_rows(root: Path) -> None:
    path = root / METADATA
    out = io.StringIO()
    for doc_id, _, row in ARTICLES.values():
        csv.writer(out, lineterminator="\n").writerow([doc_id, f"{doc_id}.txt", *row])
    path.write_text(path.read_text(encoding="utf-8") + out.getvalue(), encoding="utf-8")


def _processed(root: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(root / "data" / "processed" / f"{name}.csv", dtype=str, keep_default_na=False)


def _changed_data(root: Path) -> set[str]:
    """The data files (relative paths) whose bytes differ from the project's own."""
    return {str(p.relative_to(root)) for p in (root / "data").rglob("*") if p.is_file()
            and (not (paths.ROOT / p.relative_to(root)).is_file()
                 or (paths.ROOT / p.relative_to(root)).read_bytes() != p.read_bytes())}


def _reads(notebook: Path) -> set[str]:
    return set(json.loads(notebook.read_text(encoding="utf-8"))["metadata"].get("study", {}).get("reads", []))


def _report(root: Path, steps: dict) -> list[str]:
    """Run the notebooks a changed file of theirs makes ``make report`` re-run, then the planted province's
    profile and case comparison, then the site; return the notebooks re-run in place."""
    changed = _changed_data(root)
    rerun = [nb.name for nb in sorted((root / "notebooks").glob("*.ipynb")) if _reads(nb) & changed]
    for name in rerun:
        steps[name] = _run(root, "helpers.run.pipeline", "run", f"notebooks/{name}", "--in-place")
    steps["profile of the planted province"] = _run(root, "helpers.run.pipeline", "run", "notebooks/profile.ipynb",
                                                    "-p", "province", PLANTED_SLUG)
    steps["cases of the planted province"] = _run(root, "helpers.run.pipeline", "run", "notebooks/05_cases.ipynb",
                                                  "-p", "province_a", PLANTED_SLUG, "-p", "province_b", "bac-lieu")
    steps["site"] = _run(root, "helpers.run.site", "--fresh")
    return rerun


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """A copy of the project (as ``project_copy``, once for the module) after the documented steps and the
    report."""
    root = tmp_path_factory.mktemp("added") / "project"
    copy_project(root)
    for doc_id, fixture, _ in ARTICLES.values():
        shutil.copyfile(fixture, root / _text(doc_id))
    _add_metadata_rows(root)
    steps = {f"add {doc_id}": _run(root, "helpers.run.manifest", "add", _text(doc_id), "--source",
                                   SOURCE.format(fixture.name))
             for doc_id, fixture, _ in ARTICLES.values()}
    steps["build before update"] = _run(root, "helpers.run.build")
    steps["update"] = _run(root, "helpers.run.manifest", "update", METADATA)
    steps["build"] = _run(root, "helpers.run.build")
    rerun = _report(root, steps) if steps["build"].returncode == 0 else []
    return root, steps, rerun


def test_the_new_articles_take_the_next_free_numbers():
    meta = pd.read_csv(paths.CORPUS / "metadata.csv", dtype=str, keep_default_na=False)
    taken = {doc_id[:3] for doc_id in meta["doc_id"]}
    assert DOC_ID[:3] not in taken and PLANTED[:3] not in taken
    assert DOC_ID[:3] == f"{max(int(t) for t in taken) + 1:03d}" and int(PLANTED[:3]) == int(DOC_ID[:3]) + 1


def test_the_commands_succeed_in_order(added):
    root, steps, _ = added
    for name in ("update", "build", *(f"add {doc_id}" for doc_id, _, _ in ARTICLES.values())):
        assert steps[name].returncode == 0, (name, steps[name].stderr)
    assert f"added data/raw/corpus/{DOC_ID}.txt" in steps[f"add {DOC_ID}"].stdout
    assert "updated data/raw/corpus/metadata.csv" in steps["update"].stdout
    # Forgetting the update stops the build, naming the file and the command that records it.
    before = steps["build before update"]
    assert before.returncode == 1
    assert "corpus/metadata.csv: sha256" in before.stderr
    assert "python -m helpers.run.manifest update data/raw/corpus/metadata.csv" in before.stderr


def test_the_report_runs_on_the_copy(added):
    root, steps, rerun = added
    assert {"01_corpus.ipynb", "02_claims.ipynb", "05_cases.ipynb"} <= set(rerun)
    report = [name for name in steps if name.endswith(".ipynb") or name.endswith("province") or name == "site"]
    for name in report:
        assert steps[name].returncode == 0, (name, steps[name].stderr[-2000:])
    # The notebooks not re-run read no file that changed: make report would not re-run them either.
    changed = _changed_data(root)
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        if notebook.name not in rerun:
            assert not _reads(notebook) & changed, notebook.name
    # The site's data page gives the corpus size recorded by the corpus notebook, not a typed number.
    page = (root / "build" / "site" / "data.html").read_text(encoding="utf-8")
    n_articles = len(pd.read_csv(root / METADATA, dtype=str))
    assert f'<span class="pasted-text">{n_articles}</span></a> news articles' in page  # linked to its cell


def test_manifest_rows_have_the_new_checksums_and_keep_sources(added):
    root, _, _ = added
    manifest = pd.read_csv(root / "data/raw/MANIFEST.csv", dtype=str, keep_default_na=False).set_index("path")
    committed = pd.read_csv(paths.RAW / "MANIFEST.csv", dtype=str, keep_default_na=False).set_index("path")
    for relative in (_text(DOC_ID), _text(PLANTED), METADATA):
        data = (root / relative).read_bytes()
        row = manifest.loc[relative.removeprefix("data/raw/")]
        assert (row["sha256"], row["bytes"]) == (hashlib.sha256(data).hexdigest(), str(len(data)))
    assert manifest.loc[f"corpus/{DOC_ID}.txt", "source"] == SOURCE.format("article_for_test.txt")
    assert manifest.loc["corpus/metadata.csv", "source"] == committed.loc["corpus/metadata.csv", "source"]
    assert list(manifest.index) == sorted(manifest.index)


def test_new_claims_are_extracted(added):
    root, _, _ = added
    table = _processed(root, "claims")
    mine = table[table["doc_id"] == DOC_ID].set_index("text")
    assert mine.loc["1.205", ["kind", "value", "unit"]].tolist() == ["count", "1205", "services"]
    assert mine.loc["68,4%", ["kind", "value"]].tolist() == ["percent", "68.4"]
    assert mine.loc["10 đến 15%", ["kind", "value", "low", "high"]].tolist() == ["percent", "", "10", "15"]
    assert mine.loc["2.310/2.500", ["kind", "value", "denominator"]].tolist() == ["ratio", "2310", "2500"]
    assert mine.loc["tăng 5 bậc", "kind"] == "rank_change"
    assert mine.loc["45 tỷ đồng", ["kind", "value", "qualifier"]].tolist() == ["money", "45000000000", "approx"]
    # The claims of the articles already in the corpus are untouched.
    old = _processed(paths.ROOT, "claims")
    assert table[~table["doc_id"].isin([DOC_ID, PLANTED])].reset_index(drop=True).equals(old)


def test_new_claims_wait_in_the_review_queue(added):
    root, _, _ = added
    table, queue = _processed(root, "claims"), _processed(root, "claims_review_queue")
    measuring = table[(table["doc_id"] == DOC_ID) & table["kind"].isin(claims.REVIEWED_KINDS)]
    queued = queue[(queue["doc_id"] == DOC_ID) & (queue["kind"] != "date")]
    assert len(measuring) == 9
    assert set(queued["claim_id"]) == set(measuring["claim_id"])
    assert queued["reason"].str.startswith("new article").all()
    assert list(queue.columns) == claims.REVIEW_QUEUE_COLUMNS
    # Units are whole words of the text, never syllables ("địa", "hồ", "đơn", "cán", "đã").
    assert queued.set_index("text").loc["2.310/2.500", "unit"] == "agencies"
    assert queue.loc[queue["doc_id"] == PLANTED].set_index("text").loc["1.150/1.380", "unit"] == "hồ sơ"


def test_every_new_percent_and_ratio_is_audited_as_unverifiable(added):
    root, _, _ = added
    table, audit = _processed(root, "claims"), _processed(root, "consistency_audit")
    shares = table[(table["doc_id"] == DOC_ID) & table["kind"].isin(["percent", "ratio"])]
    assert set(shares["text"]) == {"68,4%", "100%", "10 đến 15%", "2.310/2.500", "86%"}
    rows = audit[audit["doc_id"] == DOC_ID].set_index("claim_id")
    assert set(rows.index) == set(shares["claim_id"])
    assert (rows["status"] == "unverifiable").all()
    assert rows["explanation"].str.contains("review queue").all()
    # The ratio and the percent of one sentence count other things: the audit says so, never "no counts".
    percent = rows.loc[shares.set_index("text").at["86%", "claim_id"], "explanation"]
    assert "gives counts: '2.310/2.500'" in percent and "no counts" not in percent


def test_unreviewed_dates_are_queued_and_shown_as_unreviewed(added):
    root, _, _ = added
    table, queue, timeline = (_processed(root, name) for name in ("claims", "claims_review_queue", "timeline"))
    dates = table[table["doc_id"].isin([DOC_ID, PLANTED]) & (table["kind"] == "date")]
    queued = queue[(queue["kind"] == "date") & queue["doc_id"].isin([DOC_ID, PLANTED])]
    assert len(dates) and set(queued["claim_id"]) == set(dates["claim_id"])
    assert queued["reason"].str.startswith("unreviewed date").all()
    shown = timeline[timeline["claim_id"].isin(dates["claim_id"])]
    assert len(shown) and (shown["reviewed"] == "False").all() and (shown["label"] == "unreviewed date").all()
    # A quarter and the first months of a year are placed on the time axis like any other date.
    placed = shown.set_index("text")
    assert placed.loc["quý I/2024", "date"] == "2024-Q1" and placed.loc["quý I/2024", "x_start"] != ""
    assert placed.loc["6 tháng đầu năm 2024", "date"] == "2024-01–2024-06"
    run = root / "build" / "runs" / f"05_cases--province_a={PLANTED_SLUG},province_b=bac-lieu" / "05_cases.ipynb"
    text = run.read_text(encoding="utf-8")
    assert re.search(r"\d+ of \d+ events are unreviewed date claims", text)
    assert f"{PLANTED_PROVINCE}: 1 article, none curated yet" in text


# --- checked on arrival, before any curation ------------------------------------------------

def test_planted_share_and_parts_are_flagged_on_arrival(added):
    root, _, _ = added
    audit = _processed(root, "consistency_audit")
    mine = audit[audit["doc_id"] == PLANTED].set_index("stated")
    share = mine.loc["88.3"]
    assert (share["check_id"].startswith("auto-share-"), share["status"]) == (True, "inconsistent")
    assert share["recomputed"].startswith("83.33") and "'1.150/1.380'" in share["evidence"]
    assert "before any curation" in share["explanation"]
    parts = mine.loc["1250"]
    assert (parts["check_id"].startswith("auto-sum-"), parts["status"], parts["recomputed"]) == (
        True, "inconsistent", "1230")
    # The shares that agree with their counts are not flagged (168/193 and "452 trên tổng số 520").
    assert mine.loc["87", "status"] == mine.loc["86.9", "status"] == "consistent"


def test_planted_rank_disagrees_with_the_official_table(added):
    root, _, _ = added
    panel = _processed(root, "dti_panel")
    official = panel[(panel["gso_code"] == PLANTED_CODE) & (panel["year"] == "2023") & (panel["measure"] == "dti")
                     & (panel["rank_method"] == "computed_from_scores")]
    disagreements = _processed(root, "panel_disagreements")
    mine = disagreements[(disagreements["uncurated"] == "True") & disagreements["claim_id"].str.startswith(PLANTED[:3])]
    assert len(mine) == 1
    row = mine.iloc[0]
    rank = _processed(root, "claims").set_index("claim_id").loc[row["claim_id"]]
    assert (rank["doc_id"], rank["text"]) == (PLANTED, f"30/{study.PROVINCES.n_units}")
    assert (row["gso_code"], row["year"], row["other_value"]) == (PLANTED_CODE, "2023", "30")
    assert row["reference_value"] == official["rank"].iloc[0] != row["other_value"]
    assert row["note"].startswith("uncurated")
    # At the top of the review queue: the ranks that disagree with the official table come first.
    queue = _processed(root, "claims_review_queue")
    disagreeing = queue["reason"].str.startswith("disagrees with the official table")
    assert disagreeing.iloc[:int(disagreeing.sum())].all() and row["claim_id"] in set(queue.loc[disagreeing, "claim_id"])


def test_no_new_flag_on_the_articles_already_in_the_corpus(added):
    root, _, _ = added
    for name in ("consistency_audit", "claims_review_queue"):
        after = _processed(root, name)
        after = after[~after["doc_id"].isin([DOC_ID, PLANTED])].reset_index(drop=True)
        assert after.equals(_processed(paths.ROOT, name)), name
    after = _processed(root, "panel_disagreements")
    assert after[after["uncurated"] == "False"].reset_index(drop=True).equals(_processed(paths.ROOT,
                                                                                        "panel_disagreements"))


def test_the_profile_counts_articles_not_yet_curated(added):
    root, _, _ = added
    run = root / "build" / "runs" / f"profile--province={PLANTED_SLUG}" / "profile.ipynb"
    text = run.read_text(encoding="utf-8")
    assert f"{PLANTED_PROVINCE}: 1 article, none curated yet" in text
    assert "has no article about" not in text


def test_update_refuses_an_unlisted_file_and_a_source(project_copy):
    unlisted = f"data/raw/corpus/{NEXT:03d}_unlisted.txt"
    (project_copy / unlisted).write_text("Một bài báo.\n", encoding="utf-8")
    result = _run(project_copy, "helpers.run.manifest", "update", unlisted)
    assert result.returncode == 1 and "not listed in MANIFEST.csv" in result.stderr
    assert "helpers.run.manifest add" in result.stderr
    result = _run(project_copy, "helpers.run.manifest", "update", METADATA, "--source", "x")
    assert result.returncode == 1 and "update keeps the recorded source" in result.stderr
    unchanged = _run(project_copy, "helpers.run.manifest", "update", METADATA)
    assert unchanged.returncode == 0 and "is unchanged" in unchanged.stdout
    again = _run(project_copy, "helpers.run.manifest", "add", METADATA, "--source", "x")
    assert again.returncode == 1 and "manifest update data/raw/corpus/metadata.csv" in again.stderr
