"""Running the study's notebooks with papermill, safely and reproducibly.

A run executes the notebook into a staging folder, with its figures staged there too.
Only when every cell has run, without an error and without anything written to stderr,
are the notebook and its figures moved into place (``publish.move_files``: any
filesystem, usual file modes); a failed run leaves every earlier output untouched.

Where outputs go:
- ``--in-place`` (what ``make report`` uses): the committed notebook and ``figures/``. Only
  the default parameters may be used there, so the committed copy always shows them; a notebook
  whose parameters or code differ from the last commit (an exploration JupyterLab saved) is
  refused unless ``--allow-edited`` (or ``ALLOW_EDITED=1``) says it is meant.
- otherwise: a folder of its own under ``build/runs/`` named after the notebook and the
  parameters (``build/runs/04_trajectories--focus=bac-kan,da-nang/``), holding the
  executed notebook and a ``figures/`` folder; ``--output`` and ``--figure-dir`` override.

Command line::

    python -m helpers.run.pipeline run notebooks/01_corpus.ipynb [-p NAME VALUE ...]
        [--output PATH] [--figure-dir DIR] [--html-dir DIR] [--in-place]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# nbformat validates notebooks with jsonschema, whose format checkers import
# rfc3987_syntax eagerly; that module compiles ~35 grammars at import (about 1.5 s per
# process, python-jsonschema/jsonschema#1428). No notebook schema uses the IRI formats it
# checks, so the runner's own process blocks it; jsonschema then skips those two formats.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
import papermill  # noqa: E402
import yaml  # noqa: E402

from .. import files, params, paths  # noqa: E402
from ..exceptions import StudyError  # noqa: E402
from . import errors, publish  # noqa: E402

KERNEL = "dti-study"  # the project's kernel, registered inside .venv by `make setup`
EXECUTION_TIMEOUT = 600  # seconds per cell
RUNS = paths.BUILD / "runs"


def _ipc_kernel_manager(socket_dir: str):
    """A kernel manager that talks to its kernel over Unix sockets in ``socket_dir``.

    Local IPC needs no TCP ports and avoids the kernel's warning about unencrypted TCP.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = os.path.join(socket_dir, "kernel")

        async def start_kernel(self, **kw):
            # The kernel process's own log (e.g. "[IPKernelApp] ERROR | KeyboardInterrupt caught in
            # kernel" when it is shut down) is not shown; what the notebook's cells write to stderr
            # still reaches their outputs (and fails the run), and a dead kernel is still reported.
            kw.setdefault("stderr", subprocess.DEVNULL)
            return await super().start_kernel(**kw)

    return IPCKernelManager


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (name → papermill info)."""
    return papermill.inspect_notebook(str(notebook))


def check_notebook_parameters(notebook: Path, parameters: dict) -> None:
    """Stop before anything runs if a parameter name is not declared by the notebook."""
    declared = declared_parameters(notebook)
    for name in sorted(set(parameters) - set(declared)):
        allowed = ", ".join(f"{n} (default {d['default']})" for n, d in declared.items())
        raise params.ParameterError(name, parameters[name], allowed or "none",
                                    problem=f"{paths.relative(notebook)} has no such parameter")


class EditedNotebook(StudyError, RuntimeError):
    """A committed notebook's parameters or code differ from the last commit; ``--in-place`` refuses it."""


def _code_cells(nb: nbformat.NotebookNode) -> list[tuple[bool, str]]:
    return [("parameters" in c.metadata.get("tags", []) or "injected-parameters" in c.metadata.get("tags", []),
             c.source) for c in nb.cells if c.cell_type == "code"]


def edited_since_commit(notebook: Path) -> str:
    """What of ``notebook``'s code differs from its last commit ("the parameters", "code cell 7"), or ``""``
    when nothing does or git cannot tell (no repository, a notebook not committed yet)."""
    relative = Path(notebook).resolve().relative_to(paths.ROOT).as_posix()
    shown = subprocess.run(["git", "-C", str(paths.ROOT), "show", f"HEAD:{relative}"], capture_output=True,
                           check=False)
    if shown.returncode != 0:
        return ""
    committed = _code_cells(nbformat.reads(shown.stdout.decode("utf-8"), as_version=4))
    current = _code_cells(nbformat.read(notebook, as_version=4))
    if [s for p, s in committed if p] != [s for p, s in current if p]:
        return "parameters"
    changed = [i for i, (a, b) in enumerate(zip(committed, current, strict=False)) if a != b]
    if changed or len(committed) != len(current):
        return f"code (code cell {changed[0] if changed else min(len(committed), len(current))})"
    return ""


def check_committed(notebook: Path) -> None:
    """Refuse to publish ``notebook`` in place when its parameters or code differ from the last commit."""
    what = edited_since_commit(notebook)
    if what:
        relative = paths.relative(notebook)
        verb = "differ" if what == "parameters" else "differs"
        raise EditedNotebook(
            f"{relative}: its {what} {verb} from the last commit (an exploratory edit, perhaps saved by JupyterLab); "
            f"`make report` publishes only what is committed, so nothing was run or published: restore the "
            f"committed notebook with `git checkout -- {relative}`, or accept the change with `git commit "
            f"{relative}` (or publish it uncommitted once with `make report ALLOW_EDITED=1`)")


def strip_run_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what papermill records about a run (timestamps, durations, exceptions), and give the
    cell papermill injects a fixed id (nbformat draws a random one: two runs would differ in bytes)."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    return nb


def _stderr_outputs(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append((index, out.get("text", "")))
    return found


def run_folder(notebook: Path, parameters: dict) -> Path:
    """``build/runs/<stem>--<name=value,...>``: one folder per notebook and parameters."""
    return RUNS / paths.run_label(notebook.stem, parameters)


def _execute(notebook: Path, staged_nb: Path, parameters: dict, *, progress_bar: bool, timeout: int) -> None:
    sockets = tempfile.mkdtemp(prefix="nbk-")  # short path: Unix socket names are limited
    try:
        papermill.execute_notebook(
            str(notebook), str(staged_nb), parameters=parameters or None, kernel_name=KERNEL,
            cwd=str(paths.NOTEBOOKS), progress_bar=progress_bar, log_output=False,
            request_save_on_cell_execute=False, execution_timeout=timeout,
            kernel_manager_class=_ipc_kernel_manager(sockets),
            # The kernel is stopped at once after the last cell (as nbval and the profile sweep stop theirs):
            # nothing of a run waits for its exit (the record of reads and the figures are written as the
            # cells run), and a graceful shutdown costs about 0.4 s a run.
            shutdown_kernel="immediate",
        )
    except papermill.PapermillExecutionError as exc:
        raise errors.NotebookFailed(
            f"{paths.relative(notebook)}: cell {exc.cell_index} (execution count {exc.exec_count}) failed with "
            f"{exc.ename}: {exc.evalue}. Previous outputs and figures were left in place."
        ) from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def _checked(notebook: Path, staged_nb: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(staged_nb, as_version=4)
    stderr = _stderr_outputs(nb)
    if stderr:
        index, text = stderr[0]
        raise errors.NotebookFailed(
            f"{paths.relative(notebook)}: cell {index} wrote to stderr (a warning breaks nbval; fix it at "
            f"its source): {text.strip()[:300]}"
        )
    return strip_run_metadata(nb)


def recorded_reads(record: Path) -> list[str]:
    """The data files a run opened, as its kernel recorded them (sorted, each once)."""
    if not record.is_file():
        return []
    return sorted(set(record.read_text(encoding="utf-8").split()))


def run_notebook(notebook: Path, *, parameters: dict | None = None, output: Path | None = None,
                 figure_dir: Path | None = None, progress_bar: bool | None = None,
                 timeout: int = EXECUTION_TIMEOUT, html_dir: Path | None = None) -> Path:
    """Execute ``notebook``; write it to ``output`` and its figures to ``figure_dir``; return ``output``.

    With ``html_dir``, the executed notebook is also rendered to ``html_dir/<stem>.html``.
    """
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise FileNotFoundError(f"{paths.relative(notebook)}: notebook not found")
    parameters = dict(parameters or {})
    check_notebook_parameters(notebook, parameters)
    output = Path(output).resolve() if output else notebook
    figure_dir = Path(figure_dir).resolve() if figure_dir else paths.ROOT / "figures"
    if progress_bar is None:  # a bar only where someone watches: not in CI, not into a file or a pipe
        progress_bar = not os.environ.get("CI") and sys.stderr.isatty()
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"run-{notebook.stem}-", dir=paths.BUILD))
    staged_figures = work / "figures"
    staged_figures.mkdir()
    saved_env = {k: os.environ.get(k) for k in (paths.FIGURE_DIR_ENV, paths.NOTEBOOK_ENV, paths.READS_ENV)}
    os.environ[paths.FIGURE_DIR_ENV] = str(staged_figures)
    os.environ[paths.NOTEBOOK_ENV] = paths.relative(notebook)
    os.environ[paths.READS_ENV] = str(work / "reads.txt")
    try:
        _execute(notebook, work / notebook.name, parameters, progress_bar=progress_bar, timeout=timeout)
        nb = _checked(notebook, work / notebook.name)
        nb.metadata.setdefault("study", {})["reads"] = recorded_reads(work / "reads.txt")
        files.write_atomic(work / "out.ipynb", lambda tmp: nbformat.write(nb, tmp))
        moves = [(f, figure_dir / f.name) for f in sorted(staged_figures.iterdir())]
        moves.append((work / "out.ipynb", output))
        if html_dir is not None:
            from .render import render_notebook

            moves.append((render_notebook(nb, work / "page.html"), Path(html_dir) / f"{output.stem}.html"))
        publish.move_files(moves)
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(work, ignore_errors=True)
    return output


def parse_value(name: str, text: str, declared: str | None = None):
    """A command-line parameter value, read as a YAML scalar (``2022`` → int, ``bac-lieu`` → str).

    A parameter the notebook declares as ``str`` takes the text as typed (``004`` stays ``"004"``).
    """
    if declared == "str":
        return text
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = text
    if value is None or isinstance(value, (list, dict)):
        return text  # '' or ',' or '[a]' stay text; the notebook's validation names what is allowed
    return value


def typed_parameters(notebooks: list[Path], pairs: list[tuple[str, str]]) -> dict:
    """``-p NAME VALUE`` pairs as values of the type the (first) notebook declares for each name."""
    declared = declared_parameters(Path(notebooks[0])) if pairs and Path(notebooks[0]).is_file() else {}
    return {name: parse_value(name, value, declared.get(name, {}).get("inferred_type_name"))
            for name, value in pairs}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m helpers.run.pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks with papermill, atomically")
    run.add_argument("notebooks", nargs="+", type=Path)
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), help="a notebook parameter (value read as YAML)")
    run.add_argument("--in-place", action="store_true",
                     help="write the committed notebook and figures/ (make report; default parameters only; "
                          "refused when the notebook's parameters or code differ from the last commit)")
    run.add_argument("--allow-edited", action="store_true",
                     help="with --in-place: publish a notebook whose parameters or code are not committed")
    run.add_argument("--output", type=Path, help="write the executed notebook here (one notebook only)")
    run.add_argument("--figure-dir", type=Path, help="where figures go (default: the run's own folder)")
    run.add_argument("--html-dir", type=Path, help="also render each executed notebook to HTML here")
    args = parser.parse_args(argv)
    if args.output and len(args.notebooks) != 1:
        parser.error("--output takes exactly one notebook")
    if args.in_place and (args.parameter or args.output or args.figure_dir):
        parser.error("--in-place writes the committed outputs with the default parameters only; "
                     "drop -p/--output/--figure-dir, or drop --in-place to write under build/runs/")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    with errors.reported("the notebook run"):
        parameters = typed_parameters(args.notebooks, args.parameter)
        if args.in_place and not (args.allow_edited or os.environ.get("ALLOW_EDITED")):
            for nb in args.notebooks:
                check_committed(Path(nb))
        for i, nb in enumerate(args.notebooks, start=1):
            started = time.perf_counter()
            print(f"[{i}/{len(args.notebooks)}] {paths.relative(nb)} ...", flush=True)
            folder = None if args.in_place else run_folder(Path(nb), parameters)
            output = args.output or (folder / Path(nb).name if folder else None)
            figure_dir = args.figure_dir or (folder / "figures" if folder else None)
            out = run_notebook(nb, parameters=parameters, output=output, figure_dir=figure_dir,
                               html_dir=args.html_dir)
            print(f"[{i}/{len(args.notebooks)}] {paths.relative(out)} done in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
