"""``python -m MODULE ARGS`` in a project copy, run from an interpreter that has already imported the
libraries the study's commands use (numpy, pandas, pandera, geopandas; papermill and the Jupyter
client for the notebook runner; Sphinx and myst-nb for the site).

A new Python process spends half a second to a second importing them before a data build, a notebook
run or a site build does anything; the bad-input tests run some forty builds, the project-copy tests
some thirty commands. Here a fork server (``multiprocessing``'s "forkserver", started once per test
process) imports them once, and each run is a fork of it that then does what ``python -m`` does in the
copy: its working folder, environment, ``sys.path`` (the folder, then ``PYTHONPATH``), ``sys.argv`` and
``__main__``. The study's own modules
(``helpers``) are never imported by the server: each run imports the copy's own. Output goes to
files, read back as text, and the exit code is the process's.

This module imports nothing of the study, so that the fork server can load it.
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

#: What the server imports. Besides the packages themselves, the modules each command would still import
#: on its first use (measured with ``python -X importtime``): pandera's checks (and hypothesis, which they
#: load) at a build's first validation, 0.13 s; myst-nb's glue extension and Altair in a site build, 0.45 s.
PRELOAD = ["numpy", "pandas", "pandera.pandas", "pandera.backends.pandas.builtin_checks", "geopandas", "papermill",
           "nbclient", "nbformat", "jupyter_client", "sphinx.application", "myst_nb", "myst_nb.ext.glue.crossref",
           "altair"]
_CONTEXT = []


def _context():
    if not _CONTEXT:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _CONTEXT.append(context)
    return _CONTEXT[0]


def _main(root: str, module: str, args: list[str], env: dict[str, str], out: str, err: str) -> None:
    """In the forked process: become ``python -m module args`` run in ``root`` with ``env``."""
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    os.chdir(root)
    os.environ.clear()
    os.environ.update(env)
    given = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:0] = [root, *given]
    for name in [m for m in sys.modules if m == "helpers" or m.startswith("helpers.")]:
        del sys.modules[name]
    sys.argv = [module, *args]
    run_as_main(module)


def run_as_main(module: str) -> None:
    """Run ``module`` as ``__main__`` with the present ``sys.argv``, then exit as ``python -m`` would: with the
    code it exits with, its message on stderr, or 1 and the traceback of an uncaught exception."""
    code: int | str | None = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
    except BaseException:  # what `python -m` prints for an uncaught exception
        traceback.print_exc()
        code = 1
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code or 0)  # through the interpreter's exit (atexit handlers run)


def run_module(root: Path, module: str, *args: str, env: dict[str, str], timeout: float = 300
               ) -> subprocess.CompletedProcess:
    """``python -m module args`` in ``root`` with ``env``, from the warm fork server."""
    with tempfile.TemporaryDirectory(prefix="warm-") as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        process = _context().Process(target=_main, args=(str(root), module, list(args), dict(env), str(out),
                                                         str(err)))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired([module, *args], timeout)
        return subprocess.CompletedProcess([sys.executable, "-m", module, *args], process.exitcode,
                                           out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"))
