"""Adding an article, as the README's "Adding an article" section says, on a copy of the project.

The article (``tests/data/article_for_test.txt``) was written for this test: a short Vietnamese
news text about a fictional province ("Hòa An") with a few figures of several kinds. It is not
one of the corpus articles. The test copies it into the copy's corpus, adds its metadata row,
records both files with ``helpers.run.manifest`` and runs the data build; the new article's
claims must then be in claims.csv, all of its measuring claims in the review queue, and every
percent and ratio in the audit as ``unverifiable``.
"""

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import project_files
from helpers import claims, paths

ARTICLE = Path(__file__).parent / "data" / "article_for_test.txt"
DOC_ID = "005_hoa_an_test"
TEXT = f"data/raw/corpus/{DOC_ID}.txt"
METADATA = "data/raw/corpus/metadata.csv"
SOURCE = "news article written for tests/test_add_article.py (fictional province), no URL"


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    env.pop("VERBOSE", None)
    return subprocess.run([sys.executable, "-m", *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


def _add_metadata_row(root: Path) -> None:
    path = root / METADATA
    text = path.read_text(encoding="utf-8")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([
        DOC_ID, f"{DOC_ID}.txt", "Báo Thử Nghiệm", "", "2024-11-20", "day", "Cả nước",
        "Hòa An tăng tốc chuyển đổi số", "Written for the test of the add-an-article workflow; not a real article"])
    path.write_text(text + out.getvalue(), encoding="utf-8")


def _processed(root: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(root / "data" / "processed" / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """A copy of the project (as ``project_copy``, once for the module) after the documented steps."""
    root = tmp_path_factory.mktemp("added") / "project"
    for name in project_files():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(paths.ROOT / name, root / name)
    shutil.copyfile(ARTICLE, root / TEXT)
    _add_metadata_row(root)
    steps = {"add": _run(root, "helpers.run.manifest", "add", TEXT, "--source", SOURCE),
             "build before update": _run(root, "helpers.run.build"),
             "update": _run(root, "helpers.run.manifest", "update", METADATA),
             "build": _run(root, "helpers.run.build")}
    return root, steps


def test_the_commands_succeed_in_order(added):
    root, steps = added
    for name in ("add", "update", "build"):
        assert steps[name].returncode == 0, (name, steps[name].stderr)
    assert "added data/raw/corpus/005_hoa_an_test.txt" in steps["add"].stdout
    assert "updated data/raw/corpus/metadata.csv" in steps["update"].stdout
    # Forgetting the update stops the build, naming the file and the command that records it.
    before = steps["build before update"]
    assert before.returncode == 1
    assert "corpus/metadata.csv: sha256" in before.stderr
    assert "python -m helpers.run.manifest update data/raw/corpus/metadata.csv" in before.stderr


def test_manifest_rows_have_the_new_checksums_and_keep_sources(added):
    root, _ = added
    manifest = pd.read_csv(root / "data/raw/MANIFEST.csv", dtype=str, keep_default_na=False).set_index("path")
    committed = pd.read_csv(paths.RAW / "MANIFEST.csv", dtype=str, keep_default_na=False).set_index("path")
    for relative in (TEXT, METADATA):
        data = (root / relative).read_bytes()
        row = manifest.loc[relative.removeprefix("data/raw/")]
        assert (row["sha256"], row["bytes"]) == (hashlib.sha256(data).hexdigest(), str(len(data)))
    assert manifest.loc[f"corpus/{DOC_ID}.txt", "source"] == SOURCE
    assert manifest.loc["corpus/metadata.csv", "source"] == committed.loc["corpus/metadata.csv", "source"]
    assert list(manifest.index) == sorted(manifest.index)


def test_new_claims_are_extracted(added):
    root, _ = added
    table = _processed(root, "claims")
    mine = table[table["doc_id"] == DOC_ID].set_index("text")
    assert mine.loc["1.205", ["kind", "value", "unit"]].tolist() == ["count", "1205", "services"]
    assert mine.loc["68,4%", ["kind", "value"]].tolist() == ["percent", "68.4"]
    assert mine.loc["10 đến 15%", ["kind", "value", "low", "high"]].tolist() == ["percent", "", "10", "15"]
    assert mine.loc["2.310/2.500", ["kind", "value", "denominator"]].tolist() == ["ratio", "2310", "2500"]
    assert mine.loc["tăng 5 bậc", "kind"] == "rank_change"
    assert mine.loc["45 tỷ đồng", ["kind", "value", "qualifier"]].tolist() == ["money", "45000000000", "approx"]
    # The five corpus articles' claims are untouched.
    old = _processed(paths.ROOT, "claims")
    assert table[table["doc_id"] != DOC_ID].reset_index(drop=True).equals(old)


def test_new_claims_wait_in_the_review_queue(added):
    root, _ = added
    table, queue = _processed(root, "claims"), _processed(root, "claims_review_queue")
    measuring = table[(table["doc_id"] == DOC_ID) & table["kind"].isin(claims.REVIEWED_KINDS)]
    queued = queue[queue["doc_id"] == DOC_ID]
    assert len(measuring) == 9
    assert set(queued["claim_id"]) == set(measuring["claim_id"])
    assert queued["reason"].str.startswith("new article").all()
    assert "2023" not in set(queued["text"])  # a date is not a figure to curate
    assert list(queue.columns) == claims.REVIEW_QUEUE_COLUMNS


def test_every_new_percent_and_ratio_is_audited_as_unverifiable(added):
    root, _ = added
    table, audit = _processed(root, "claims"), _processed(root, "consistency_audit")
    shares = table[(table["doc_id"] == DOC_ID) & table["kind"].isin(["percent", "ratio"])]
    assert set(shares["text"]) == {"68,4%", "100%", "10 đến 15%", "2.310/2.500", "86%"}
    rows = audit[audit["doc_id"] == DOC_ID].set_index("claim_id")
    assert set(rows.index) == set(shares["claim_id"])
    assert (rows["status"] == "unverifiable").all()
    assert rows["explanation"].str.contains("review queue").all()


def test_update_refuses_an_unlisted_file_and_a_source(project_copy):
    (project_copy / "data/raw/corpus/006_unlisted.txt").write_text("Một bài báo.\n", encoding="utf-8")
    result = _run(project_copy, "helpers.run.manifest", "update", "data/raw/corpus/006_unlisted.txt")
    assert result.returncode == 1 and "not listed in MANIFEST.csv" in result.stderr
    assert "helpers.run.manifest add" in result.stderr
    result = _run(project_copy, "helpers.run.manifest", "update", METADATA, "--source", "x")
    assert result.returncode == 1 and "update keeps the recorded source" in result.stderr
    unchanged = _run(project_copy, "helpers.run.manifest", "update", METADATA)
    assert unchanged.returncode == 0 and "is unchanged" in unchanged.stdout
    again = _run(project_copy, "helpers.run.manifest", "add", METADATA, "--source", "x")
    assert again.returncode == 1 and "manifest update data/raw/corpus/metadata.csv" in again.stderr
