"""Running the study's notebooks with papermill, safely and reproducibly.

A run executes the notebook to a temporary file with figures staged in a temporary
folder. Only when every cell has run, without an error and without anything written to
stderr, are the notebook and its figures moved into place; a failed run leaves the
previous outputs untouched and raises ``NotebookFailed`` naming the notebook and cell.

Command line::

    python -m helpers.pipeline run notebooks/01_corpus.ipynb [-p NAME VALUE ...]
        [--output PATH] [--figure-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
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

from . import files, paths

KERNEL = "python3"
EXECUTION_TIMEOUT = 600  # seconds per cell


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

    return IPCKernelManager


class NotebookFailed(RuntimeError):
    """A notebook run failed; the message names the notebook, the cell and the error."""


class ParameterError(ValueError):
    """A parameter passed to a notebook is not one it declares."""


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (name → papermill info)."""
    return papermill.inspect_notebook(str(notebook))


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Stop before anything runs if a parameter name is not declared by the notebook."""
    declared = declared_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        allowed = ", ".join(f"{n} (default {d['default']})" for n, d in declared.items())
        raise ParameterError(
            f"{paths.relative(notebook)}: unknown parameter(s) {unknown}; "
            f"allowed: {allowed or 'none'}"
        )


def strip_run_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what papermill records about a run (timestamps, durations, exceptions)."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def _stderr_outputs(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append((index, out.get("text", "")))
    return found


def run_notebook(
    notebook: Path,
    *,
    parameters: dict | None = None,
    output: Path | None = None,
    figure_dir: Path | None = None,
    progress_bar: bool | None = None,
    timeout: int = EXECUTION_TIMEOUT,
    html_dir: Path | None = None,
) -> Path:
    """Execute ``notebook`` (in place unless ``output`` is given); return the output path.

    With ``html_dir``, the executed notebook is also rendered to ``html_dir/<stem>.html``.
    """
    notebook = Path(notebook).resolve()
    parameters = dict(parameters or {})
    output = Path(output).resolve() if output else notebook
    figure_dir = Path(figure_dir).resolve() if figure_dir else paths.ROOT / "figures"
    if progress_bar is None:
        progress_bar = not os.environ.get("CI")
    if not notebook.is_file():
        raise FileNotFoundError(f"{paths.relative(notebook)}: notebook not found")
    check_parameters(notebook, parameters)

    paths.BUILD.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"run-{notebook.stem}-", dir=paths.BUILD))
    staged_nb = work / notebook.name
    staged_figures = work / "figures"
    staged_figures.mkdir()
    sockets = tempfile.mkdtemp(prefix="nbk-")  # short path: Unix socket names are limited
    saved_env = {k: os.environ.get(k) for k in (paths.FIGURE_DIR_ENV, paths.NOTEBOOK_ENV)}
    os.environ[paths.FIGURE_DIR_ENV] = str(staged_figures)
    os.environ[paths.NOTEBOOK_ENV] = paths.relative(notebook)
    try:
        try:
            papermill.execute_notebook(
                str(notebook),
                str(staged_nb),
                parameters=parameters or None,
                kernel_name=KERNEL,
                cwd=str(paths.NOTEBOOKS),
                progress_bar=progress_bar,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=timeout,
                kernel_manager_class=_ipc_kernel_manager(sockets),
            )
        except papermill.PapermillExecutionError as exc:
            raise NotebookFailed(
                f"{paths.relative(notebook)}: cell {exc.cell_index} (execution count "
                f"{exc.exec_count}) failed with {exc.ename}: {exc.evalue}. "
                "Previous outputs and figures were left in place."
            ) from None
        nb = nbformat.read(staged_nb, as_version=4)
        stderr = _stderr_outputs(nb)
        if stderr:
            index, text = stderr[0]
            raise NotebookFailed(
                f"{paths.relative(notebook)}: cell {index} wrote to stderr "
                f"(a warning breaks nbval; fix it at its source): {text.strip()[:300]}"
            )
        strip_run_metadata(nb)
        if html_dir is not None:
            from .report import render_notebook

            render_notebook(nb, work / "page.html")
        # Everything succeeded: move figures, then the notebook and its page, into place.
        figure_dir.mkdir(parents=True, exist_ok=True)
        for fig in sorted(staged_figures.iterdir()):
            os.replace(fig, figure_dir / fig.name)
        files.write_atomic(output, lambda tmp: nbformat.write(nb, tmp))
        if html_dir is not None:
            Path(html_dir).mkdir(parents=True, exist_ok=True)
            os.replace(work / "page.html", Path(html_dir) / f"{output.stem}.html")
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return output


def _parse_value(text: str):
    """Command-line parameter values are read as YAML scalars or lists (``2022`` → int)."""
    return yaml.safe_load(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks with papermill, atomically")
    run.add_argument("notebooks", nargs="+", type=Path)
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), help="a notebook parameter (value read as YAML)")
    run.add_argument("--output", type=Path, help="write the executed notebook here (one notebook only)")
    run.add_argument("--figure-dir", type=Path, help="where figures go (default figures/)")
    run.add_argument("--html-dir", type=Path, help="also render each executed notebook to HTML here")
    args = parser.parse_args(argv)

    if args.output and len(args.notebooks) != 1:
        parser.error("--output takes exactly one notebook")
    parameters = {name: _parse_value(value) for name, value in args.parameter}
    total = len(args.notebooks)
    for i, nb in enumerate(args.notebooks, start=1):
        started = time.perf_counter()
        print(f"[{i}/{total}] {paths.relative(nb)} ...", flush=True)
        try:
            out = run_notebook(nb, parameters=parameters, output=args.output,
                               figure_dir=args.figure_dir, html_dir=args.html_dir)
        except (NotebookFailed, ParameterError, FileNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"[{i}/{total}] {paths.relative(out)} done in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
