"""An exploratory edit saved by JupyterLab is never published by `make report`.

A copy of the project becomes a git repository (its files committed), its outputs are marked up to
date (`make -t report`, as in tests/test_makefile.py), and a real Jupyter server is started on it
from the project's environment (127.0.0.1, a token). The test saves a notebook with another
parameter through the server's contents API, exactly as JupyterLab's save (and autosave) does
(``PUT /api/contents/<path>``), stops the server, and runs `make report`: it must stop before running
the notebook, say how to restore or accept the change, and leave figures/ and the saved notebook as
they were. About 10 s (the server's start).
"""

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import copy_project
from test_makefile import OLD, borrow_environment

NOTEBOOK = "notebooks/04_trajectories.ipynb"
TOKEN = "study-test-token"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=study", "-c", "user.email=study@localhost", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("lab") / "project")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "the committed study")
    borrow_environment(root)
    subprocess.run(["find", ".", "-type", "f", "-not", "-path", "./.venv/*", "-not", "-path", "./.git/*", "-exec",
                    "touch", "-d", OLD, "{}", "+"], cwd=root, check=True)
    (root / "build" / "stamps").mkdir(parents=True)
    subprocess.run(["make", "--no-print-directory", "-t", "report"], cwd=root, env=_env(root), check=True,
                   capture_output=True)
    return root


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "ALLOW_EDITED")}
    return {**env, "PYTHONPATH": str(root / "src"), "CI": "1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(port: int, path: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode("utf-8"),
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def _save_in_lab(root: Path, tmp_path: Path, change) -> None:
    """Start a Jupyter server on ``root``, load the notebook, ``change`` it and save it through the API."""
    port = _free_port()
    env = {**_env(root), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen([str(Path(sys.prefix) / "bin" / "jupyter"), "server", "--no-browser",
                               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                               f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--allow-root"],
                              cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _api(port, "status")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the Jupyter server did not start"
                time.sleep(0.2)
        model = _api(port, f"contents/{NOTEBOOK}?content=1&type=notebook")
        change(model["content"])
        saved = _api(port, f"contents/{NOTEBOOK}", "PUT", {"type": "notebook", "format": "json",
                                                           "content": model["content"]})
        assert saved["path"] == NOTEBOOK
    finally:
        server.terminate()
        server.communicate(timeout=30)


def _parameters(nb: dict) -> None:
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    assert "baseline: int = 2022" in source
    cell["source"] = source.replace("baseline: int = 2022", "baseline: int = 2023")


def _digest(root: Path, folder: str) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


def test_a_parameter_saved_by_jupyterlab_stops_make_report(repo, tmp_path):
    _save_in_lab(repo, tmp_path, _parameters)
    saved = (repo / NOTEBOOK).read_bytes()
    assert b"baseline: int = 2023" in saved
    assert _git(repo, "status", "--porcelain", NOTEBOOK).strip() == f"M {NOTEBOOK}"
    figures, processed = _digest(repo, "figures"), _digest(repo, "data/processed")

    result = subprocess.run(["make", "--no-print-directory", "report"], cwd=repo, env=_env(repo),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {NOTEBOOK}: its parameters differ from the last commit (an exploratory edit, perhaps saved by "
        "JupyterLab); `make report` publishes only what is committed, so nothing was run or published: restore the "
        f"committed notebook with `git checkout -- {NOTEBOOK}`, or accept the change with `git commit {NOTEBOOK}` "
        "(or publish it uncommitted once with `make report ALLOW_EDITED=1`)"], result.stderr
    assert "helpers.run.pipeline" not in result.stdout  # nothing ran
    assert (repo / NOTEBOOK).read_bytes() == saved
    assert _digest(repo, "figures") == figures and _digest(repo, "data/processed") == processed
    assert not (repo / "build/stamps/site.done").exists() or not (repo / "build/site").exists()

    # the remedy the message names: after `git checkout`, the guard lets the committed notebook through
    _git(repo, "checkout", "--", NOTEBOOK)
    check = subprocess.run([sys.executable, "-c", "from helpers.run import pipeline; "
                            f"print(repr(pipeline.edited_since_commit(pipeline.paths.ROOT / '{NOTEBOOK}')))"],
                           cwd=repo, env=_env(repo), capture_output=True, text=True, check=True)
    assert check.stdout.strip() == "''"


def test_allow_edited_is_the_explicit_flag(repo):
    result = subprocess.run(["make", "--no-print-directory", "-n", "report", "ALLOW_EDITED=1"], cwd=repo,
                            env=_env(repo), capture_output=True, text=True, check=True)
    assert all("--allow-edited" in line for line in result.stdout.splitlines() if "--in-place" in line)
