"""Benchmark of the report pipeline (run by `make bench`; a script, not a timed test).

Measures, on this machine:
  cold      `make report` after `make clean` (every notebook executed, data rebuilt; one job per core)
  serial    the same with JOBS=1 (one job at a time)
  floor     the same number of pipeline runs of notebooks that only do each notebook's imports
  ratio     cold / (floor + profiles + cold site build) (goal: within 1.5x)
  site      the site alone: cold (`python -m helpers.run.site --fresh`) and after one notebook changed
  no-op     `make report` with nothing changed (median of 5; goal: under 1 s)
  test      `make test`
  profiles  `make profiles` (the 63 province pages; goal: under 60 s)
and checks that two cold runs leave byte-identical figures and derived data.
Results are printed as a Markdown table and written to build/bench.md.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import checksums  # noqa: E402

IMPORT_LINE = re.compile(r"^\s*(from\s+\S+\s+import\s+.+|import\s+.+)$")


def timed(cmd: list[str], env: dict | None = None) -> float:
    print(f"bench: {' '.join(cmd)} ...", end="", flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, **(env or {})},
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    print(f" {seconds:.1f} s", flush=True)
    return seconds


def goal(value: float, limit: float, text: str) -> str:
    """The goal's text, marked MISSED when ``value`` is over ``limit``."""
    return text if value <= limit else f"MISSED: {text}"


def floor_seconds(notebooks: list[Path]) -> float:
    """Pipeline runs of notebooks that only import what each real notebook imports."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from helpers.run import pipeline

    work = Path(tempfile.mkdtemp(prefix="bench-floor-", dir=ROOT / "build"))
    total = 0.0
    for nb_path in notebooks:
        nb = nbformat.read(nb_path, as_version=4)
        imports = [line for c in nb.cells if c.cell_type == "code"
                   for line in c.source.splitlines() if IMPORT_LINE.match(line)]
        probe = new_notebook()
        probe.metadata["kernelspec"] = nb.metadata["kernelspec"]
        probe.cells = [new_code_cell("\n".join(imports) or "pass")]
        path = work / nb_path.name
        nbformat.write(probe, path)
        started = time.perf_counter()
        pipeline.run_notebook(path, output=work / f"out-{nb_path.name}", figure_dir=work / "fig",
                              progress_bar=False)
        total += time.perf_counter() - started
    return total


def site_seconds(notebook: Path) -> tuple[float, float]:
    """The site built from scratch, then again after ``notebook`` is dated now (its page is re-read)."""
    site = [sys.executable, "-m", "helpers.run.site"]
    cold = timed([*site, "--fresh"])
    os.utime(notebook)
    one = timed(site)
    subprocess.run(["make", "--no-print-directory", "-t", "report"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return cold, one


def main() -> int:
    os.environ["CI"] = "1"  # no progress bars
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    make = ["make", "--no-print-directory"]
    rows = []

    subprocess.run(make + ["setup"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(make + ["clean"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    cold = timed(make + ["report"])
    first = checksums.snapshot()
    subprocess.run(make + ["clean"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    serial = timed(make + ["report"], env={"JOBS": "1"})
    second = checksums.snapshot()
    diffs = checksums.compare(first, second)

    print("bench: floor (imports-only runs of each notebook) ...", flush=True)
    floor = floor_seconds(notebooks)
    noop = statistics.median(timed(make + ["report"]) for _ in range(5))
    site_cold, site_one = site_seconds(notebooks[-1])
    test = timed(make + ["test"])
    profiles = timed(make + ["profiles"])
    base = floor + profiles + site_cold

    rows = [
        ("notebooks in the report", f"{len(notebooks)}", ""),
        (f"cold `make report` ({len(os.sched_getaffinity(0))} jobs, as nproc)", f"{cold:.1f} s", ""),
        ("cold `JOBS=1 make report` (one job at a time)", f"{serial:.1f} s", ""),
        ("floor (same runs, imports only)", f"{floor:.1f} s", ""),
        ("ratio cold / (floor + profiles + site)", f"{cold / base:.2f}", goal(cold / base, 1.5, "goal <= 1.5")),
        ("site alone, cold", f"{site_cold:.1f} s", ""),
        (f"site after {notebooks[-1].name} changed", f"{site_one:.1f} s", "its page and the pages citing it"),
        ("no-op `make report` (median of 5)", f"{noop:.2f} s", goal(noop, 1.0, "goal < 1 s")),
        ("`make test`", f"{test:.1f} s", ""),
        ("`make profiles` (63 units)", f"{profiles:.1f} s", goal(profiles, 60.0, "goal < 60 s")),
        ("two cold runs byte-identical", "yes" if not diffs else f"NO ({len(diffs)} files)",
         f"{len(first)} files in figures/ and data/processed/"),
    ]
    table = ["| measure | value | note |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    text = "\n".join(table) + "\n"
    for line in diffs:
        text += f"\ndiffers: {line}"
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
