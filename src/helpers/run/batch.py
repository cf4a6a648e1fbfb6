"""Run one parameterised notebook many times from one process, on warm kernels.

Starting a kernel and importing pandas and matplotlib costs seconds; for dozens of runs
of the same small notebook (the province profiles) that would dominate. Here a fixed
number of kernels (two per core by default, ``default_workers``) is started once; each run injects its
parameters with papermill, deletes the previous run's names (``RESET``), executes with
nbclient, and renumbers execution counts so the output does not depend on which kernel
ran it or in what order. Each output is written atomically; a failed run writes nothing
and is reported with the notebook, parameters and cell.
"""

from __future__ import annotations

import asyncio
import copy
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from .. import files, paths
from .pipeline import KERNEL, _ipc_kernel_manager, strip_run_metadata  # first: see pipeline's imports

#: Run before each notebook on a warm kernel: the previous run's names are deleted and its figures
#: closed. (``%reset -f`` would also flush the output cache and collect garbage: a quarter of a
#: second per run, spent on nothing a profile reads.)
RESET = """_ip, _name = get_ipython(), None
for _name in [n for n in _ip.user_ns if not n.startswith("_") and n not in _ip.user_ns_hidden]:
    del _ip.user_ns[_name]
del _ip, _name
import matplotlib.pyplot as _plt
_plt.close("all")
del _plt"""


def default_workers() -> int:
    """Two kernels per core this process may use. A run is a string of round trips: this process sends a cell,
    the kernel runs it, this process takes in its outputs, then sends the next. With one kernel per core, a core
    idles at each turn; with two, the other kernel computes meanwhile. The 63 profile runs (2 cores, alternating
    runs) took 23.8–26.0 s on two kernels (once 30.8 s), 20.2–21.0 s on three (once 22.7 s) and 19.2–19.6 s on
    four, with the same bytes."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


@dataclass
class BatchResult:
    written: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def _renumber(nb: nbformat.NotebookNode) -> None:
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count


async def _worker(template, jobs: asyncio.Queue, out_dir: Path, result: BatchResult,
                  sockets: str, timeout: int, on_done) -> None:
    km = _ipc_kernel_manager(sockets)(kernel_name=KERNEL)
    await km.start_kernel(cwd=str(paths.NOTEBOOKS))
    try:
        while True:
            try:
                key, params = jobs.get_nowait()
            except asyncio.QueueEmpty:
                return
            nb = parameterize_notebook(copy.deepcopy(template), params, kernel_name=KERNEL, language="python")
            nb.cells.insert(0, new_code_cell(RESET))
            client = NotebookClient(nb, km=km, timeout=timeout, kernel_name=KERNEL,
                                    resources={"metadata": {"path": str(paths.NOTEBOOKS)}})
            try:
                await client.async_execute(cleanup_kc=False)
            except CellExecutionError as exc:
                result.failed[key] = f"{params}: {str(exc).strip().splitlines()[-1]}"
                on_done(key, False)
                continue
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
            nb.cells.pop(0)
            strip_run_metadata(nb)
            _renumber(nb)
            target = out_dir / f"{key}.ipynb"
            files.write_atomic(target, lambda tmp, nb=nb: nbformat.write(nb, tmp))
            result.written[key] = target
            on_done(key, True)
    finally:
        await km.shutdown_kernel(now=True)


def run_batch(
    template: Path,
    runs: dict[str, dict],
    out_dir: Path,
    *,
    workers: int | None = None,
    timeout: int = 300,
    on_done=lambda key, ok: None,
) -> BatchResult:
    """Execute ``template`` once per entry of ``runs`` (output name → parameters), on ``workers`` kernels
    (``default_workers()`` when None)."""
    workers = default_workers() if workers is None else workers
    template_nb = load_notebook_node(str(template))  # as papermill loads it (tags on every cell)
    result = BatchResult()
    sockets = tempfile.mkdtemp(prefix="nbk-")

    async def main() -> None:
        jobs: asyncio.Queue = asyncio.Queue()
        for key, params in runs.items():
            jobs.put_nowait((key, params))
        n = max(1, min(workers, len(runs)))
        # One socket folder per kernel: IPC ports are numbered from 1 in each folder.
        folders = [tempfile.mkdtemp(prefix=f"w{i}-", dir=sockets) for i in range(n)]
        await asyncio.gather(*(_worker(template_nb, jobs, out_dir, result, folder, timeout, on_done)
                               for folder in folders))

    try:
        asyncio.run(main())
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return result
