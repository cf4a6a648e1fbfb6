"""Benchmark of the report pipeline (run by `make bench`; a script, not a timed test).

Measures, on this machine, each figure with its goal where it has one (MISSED when over it):
  cold      `make report` after `make clean` (every notebook executed, data rebuilt; one job per core;
            goal <= 60 s)
  serial    the same with JOBS=1 (one job at a time)
  floor     the same number of pipeline runs of notebooks that only do each notebook's imports
  ratio     cold / (floor + profiles + cold site build) (goal: within 1.5x)
  site      the site alone: cold (`python -m helpers.run.site --fresh`) and after one notebook changed
  no-op     `make report` with nothing changed (median of 5; goal: under 1 s)
  test      `make test` (goal <= 120 s), with the time of its phases (lint; then unit and nbval side by side,
            each as its pytest session reports it)
  profiles  `make profiles` (the 63 province pages; goal <= 30 s)
and the peak memory of each measured command: the largest single process of the command's tree
(its maximum resident set, from the kernel's accounting of the waited-for descendants) and the
largest sum over the tree's processes living at the same time (sampled from /proc every 0.2 s).
It checks that two cold runs leave byte-identical figures and derived data.
Results are printed as a Markdown table and written to build/bench.md.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import checksums  # noqa: E402

VENV_BIN = ".venv/bin"
IMPORT_LINE = re.compile(r"^\s*(from\s+\S+\s+import\s+.+|import\s+.+)$")


PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measure:
    """One measured command: wall time, peak memory, and how long each phase took."""

    seconds: float
    largest_kib: int  # the largest single process of the tree (ru_maxrss, KiB)
    tree_kib: int  # the largest sum of the tree's resident sets seen at one sample
    phases: dict[str, float] = field(default_factory=dict)


def _tree_rss_kib(root: int) -> int:
    """Sum of the resident sets of ``root`` and its descendants now (KiB), from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])  # ppid
        rss[pid] = int(fields[21]) * PAGE // 1024  # rss in pages
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measured(cmd: list[str], env: dict | None = None, phases: dict[str, str] | None = None) -> Measure:
    """Run ``cmd`` to the end (it must succeed, else the end of its output is printed); its time and peak
    memory. ``env`` adds to the environment (a value of None removes the variable). ``phases`` maps a
    phase's name to a text starting the output line that begins it (the command's lines as make echoes them);
    a phase lasts as long as the pytest session whose summary line ("... in 12.34s") comes next, or else until
    the next line of output."""
    print(f"bench: {' '.join(cmd)} ...", end="", flush=True)
    started = time.perf_counter()
    environment = {**os.environ, **(env or {})}
    environment = {name: value for name, value in environment.items() if value is not None}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=environment, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    took: dict[str, float] = {}
    current, since = None, 0.0
    tail: collections.deque[str] = collections.deque(maxlen=60)
    for line in proc.stdout:
        tail.append(line)
        now = time.perf_counter() - started
        summary = PYTEST_SUMMARY.search(line)
        if current and (summary or current not in took):
            took[current] = float(summary.group(1)) if summary else now - since
        for name, start in (phases or {}).items():
            if line.lstrip().startswith(start):
                current, since = name, now
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(" failed; the end of its output:\n" + "".join(tail), end="", flush=True)
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    print(f" {seconds:.1f} s, peak {usage.ru_maxrss / 1024:.0f} MiB", flush=True)
    return Measure(seconds, usage.ru_maxrss, max(peak[0], usage.ru_maxrss), took)


def timed(cmd: list[str], env: dict | None = None) -> float:
    return measured(cmd, env).seconds


def memory(m: Measure) -> str:
    return f"{m.largest_kib / 1024:.0f} MiB / {m.tree_kib / 1024:.0f} MiB"


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


def site_seconds(notebook: Path) -> tuple[Measure, Measure]:
    """The site built from scratch, then again after ``notebook`` is dated now (its page is re-read)."""
    site = [sys.executable, "-m", "helpers.run.site"]
    cold = measured([*site, "--fresh"])
    os.utime(notebook)
    one = measured(site)
    subprocess.run(["make", "--no-print-directory", "-t", "report"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return cold, one


def floor_measure(notebooks: list[Path]) -> Measure:
    """The floor, run in a child process (``bench.py floor``) so that its memory is measured too; its
    time is the sum of the runs that child reports."""
    m = measured([sys.executable, str(Path(__file__).resolve()), "floor"])
    out = (ROOT / "build" / "bench-floor.txt").read_text(encoding="utf-8")
    return Measure(float(out), m.largest_kib, m.tree_kib)


#: The lines make echoes when each phase of `make test` starts (the Makefile's lint, unit, nbval), and the last line
#: of a pytest session, with its time.
PYTEST_SUMMARY = re.compile(r"^=+ .* in ([0-9.]+)s")
TEST_PHASES = {"lint": f"{VENV_BIN}/ruff check", "unit": f"{VENV_BIN}/python -m pytest -n",
               "nbval": "HELPERS_FIGURE_DIR="}


def main() -> int:
    given_ci = os.environ.get("CI")
    os.environ["CI"] = "1"  # no progress bars
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if sys.argv[1:] == ["floor"]:
        seconds = floor_seconds(notebooks)
        (ROOT / "build" / "bench-floor.txt").write_text(f"{seconds:.3f}\n", encoding="utf-8")
        print(f"floor {seconds:.1f} s")
        return 0
    make = ["make", "--no-print-directory"]

    subprocess.run(make + ["setup"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(make + ["clean"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    cold = measured(make + ["report"])
    first = checksums.snapshot()
    subprocess.run(make + ["clean"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    serial = measured(make + ["report"], env={"JOBS": "1"})
    second = checksums.snapshot()
    diffs = checksums.compare(first, second)

    print("bench: floor (imports-only runs of each notebook) ...", flush=True)
    floor = floor_measure(notebooks)
    noops = [measured(make + ["report"]) for _ in range(5)]
    noop = sorted(noops, key=lambda m: m.seconds)[2]  # the median of 5
    site_cold, site_one = site_seconds(notebooks[-1])
    # With CI as it was given: the CI=1 set above (against progress bars) would turn the browser tests' skip,
    # where Chromium is missing, into a failure.
    test = measured(make + ["test"], env={"CI": given_ci}, phases=TEST_PHASES)
    profiles = measured(make + ["profiles"])
    base = floor.seconds + profiles.seconds + site_cold.seconds
    split = ", ".join(f"{name} {test.phases[name]:.0f} s" for name in TEST_PHASES if name in test.phases)

    rows = [
        ("notebooks in the report", f"{len(notebooks)}", "", ""),
        (f"cold `make report` ({len(os.sched_getaffinity(0))} jobs, as nproc)", f"{cold.seconds:.1f} s",
         memory(cold), goal(cold.seconds, 60.0, "goal <= 60 s")),
        ("cold `JOBS=1 make report` (one job at a time)", f"{serial.seconds:.1f} s", memory(serial), ""),
        ("floor (same runs, imports only)", f"{floor.seconds:.1f} s", memory(floor), ""),
        ("ratio cold / (floor + profiles + site)", f"{cold.seconds / base:.2f}", "",
         goal(cold.seconds / base, 1.5, "goal <= 1.5")),
        ("site alone, cold", f"{site_cold.seconds:.1f} s", memory(site_cold), ""),
        (f"site after {notebooks[-1].name} changed", f"{site_one.seconds:.1f} s", memory(site_one),
         "its page and the pages citing it"),
        ("no-op `make report` (median of 5)", f"{noop.seconds:.2f} s", memory(noop),
         goal(noop.seconds, 1.0, "goal < 1 s")),
        ("`make test`", f"{test.seconds:.1f} s", memory(test),
         goal(test.seconds, 120.0, "goal <= 120 s") + f"; {split}"),
        ("`make profiles` (63 units)", f"{profiles.seconds:.1f} s", memory(profiles),
         goal(profiles.seconds, 30.0, "goal <= 30 s")),
        ("two cold runs byte-identical", "yes" if not diffs else f"NO ({len(diffs)} files)", "",
         f"{len(first)} files in figures/ and data/processed/"),
    ]
    table = ["| measure | value | peak memory (largest process / whole tree) | goal or note |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = "\n".join(table) + "\n"
    for line in diffs:
        text += f"\ndiffers: {line}"
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
