"""The tests' Jupyter kernels, forked from an interpreter that has already imported the kernel and the libraries
the notebooks use, instead of started cold.

A cold kernel spends about half a second starting (ipykernel, IPython, ZeroMQ) and the notebook's import cell about
0.9 s more (pandas, matplotlib, statsmodels, pandera, geopandas); the tests run some forty-five notebooks. Here,
per test process:

- a **server** (``python warm_kernel.py serve SOCKET``, started by ``start()``) imports those modules once and
  waits on a Unix socket. It never imports the study's own modules (``helpers``), nor matplotlib's inline backend,
  which hooks itself into the IPython shell that imports it;
- the **kernel spec** ``dti-study``, written to a folder put first on ``JUPYTER_PATH``, shadows the one that
  ``make setup`` registers in ``.venv``: its command is this file as a **client** (``python -I -S warm_kernel.py
  SOCKET -f CONNECTION_FILE``), a small process that jupyter_client starts, signals and kills as its kernel;
- the client sends the server its working folder, environment, connection file and standard streams. The server
  forks a **monitor**, which forks the **kernel**: it takes the client's folder, environment, ``sys.path`` (as
  ``python -m`` builds it: the folder, then ``PYTHONPATH``) and streams, and runs ``ipykernel_launcher`` as
  ``python -m`` would. The monitor reports the kernel's process id to the client, then how it ended; it kills the
  kernel if the client goes (jupyter_client kills a kernel by killing the client);
- the client passes on the signals it receives (an interrupt is SIGINT) and ends as the kernel ended, with its exit
  code or by its signal.

Where the server cannot stand for a cold start (no server, or an environment variable that Python, NumPy or
matplotlib read when they are imported differs from the server's), the client replaces itself by the cold kernel
(``python -m ipykernel_launcher``), as the registered kernel spec would run it.

The unit tests (through ``tests/conftest.py``) and ``make nbval`` (``-p tests.warm_kernel``, with
``--nbval-kernel-name dti-study``) load the pytest hooks at the end of this module; ``make report`` always starts
cold kernels. So nbval compares what warm kernels print with the outputs that cold ones left in the committed
notebooks.

This module imports nothing of the study.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys

KERNEL_NAME = "dti-study"
#: What the server imports: the kernel, and what the notebooks' import cells load (measured with
#: ``python -X importtime``). Not matplotlib's inline backend (see above), nothing of the study, and not
#: ``ipykernel.kernelapp``, which reads JPY_PARENT_PID when it is imported (4 ms once the rest is loaded).
#: ``ipykernel.debugger`` (and debugpy, which it loads) is what each kernel still imported as it started (the
#: kernel spec offers the debugger): a forked kernel's start then took 0.28–0.29 cpu-s instead of 0.35–0.39.
PRELOAD = ["ipykernel.ipkernel", "ipykernel.debugger", "IPython.display", "numpy", "pandas", "scipy.stats",
           "statsmodels.api", "statsmodels.formula.api", "matplotlib.pyplot", "matplotlib.ticker", "seaborn",
           "pandera.pandas", "pandera.backends.pandas.builtin_checks", "geopandas", "shapely.geometry"]
#: The inline backend the kernel sets when MPLBACKEND is unset (ipykernel's kernelapp); matplotlib reads the
#: variable when it is imported, so the server sets it first.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
MESSAGE_LIMIT = 1 << 20


def _read_at_import(name: str) -> bool:
    """Whether an environment variable is read when Python or a preloaded library starts, so that a kernel
    given another value than the server had must start cold."""
    if name.startswith("PYTHON"):
        return name not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")
    return name.startswith(("MPL", "OMP_", "OPENBLAS", "MKL_", "NUMEXPR", "NUMBA", "GOTO", "LC_", "LANG",
                            # what debugpy (preloaded with ipykernel.debugger) reads
                            "PYDEVD", "PYDEV_", "DEBUGPY", "IDE_PROJECT_ROOTS", "LIBRARY_ROOTS"))


def _import_environment(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if _read_at_import(name)}


# --- the client -------------------------------------------------------------------------------------------


def _cold(connection_args: list[str]) -> None:
    """Become the kernel the registered spec starts (``make setup``'s ``ipykernel install``)."""
    os.execv(sys.executable, [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", *connection_args])


def _receive(conn: socket.socket) -> dict:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            return {}
        data += chunk
    return json.loads(data)


def client(server: str, connection_args: list[str]) -> None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(server)
    except OSError:
        conn.close()
        _cold(connection_args)
    request = {"args": connection_args, "cwd": os.getcwd(), "env": dict(os.environ), "executable": sys.executable}
    socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
    reply = _receive(conn)
    if "pid" not in reply:
        conn.close()
        _cold(connection_args)
    kernel = reply["pid"]

    def forward(signum, _frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(kernel, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, forward)
    ended = _receive(conn)
    status = ended.get("status")
    if status is None:
        os._exit(1)
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        if signum in signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP}:  # those two keep their action
            signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    os._exit(os.waitstatus_to_exitcode(status))


# --- the server -------------------------------------------------------------------------------------------


def _send(conn: socket.socket, message: dict) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def _kernel(request: dict, fds: list[int], base_path: list[str]) -> None:
    """In the forked kernel process: become ``python -m ipykernel_launcher ARGS`` as the client would have run it."""
    import warm_python  # beside this file (the server's sys.path[0])

    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    given = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [os.getcwd(), *given, *base_path]
    sys.argv = ["ipykernel_launcher", *request["args"]]
    warm_python.run_as_main("ipykernel_launcher")


def _monitor(conn: socket.socket, listener: socket.socket, base_path: list[str], server_env: dict[str, str]) -> None:
    """In the forked monitor: check the request, fork the kernel, report its id and then how it ended."""
    import select

    listener.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    message, fds, _flags, _address = socket.recv_fds(conn, MESSAGE_LIMIT, 3)
    request = json.loads(message)
    wanted = _import_environment({**request["env"], "MPLBACKEND": request["env"].get("MPLBACKEND") or INLINE_BACKEND})
    differs = set(wanted.items()) ^ set(server_env.items())
    if request["executable"] != sys.executable or differs or len(fds) != 3:
        _send(conn, {"cold": "another interpreter or environment"})
        os._exit(0)
    kernel = os.fork()
    if kernel == 0:
        conn.close()
        _kernel(request, fds, base_path)
    for fd in fds:
        os.close(fd)
    _send(conn, {"pid": kernel})
    watch = os.pidfd_open(kernel)
    ready, _, _ = select.select([watch, conn], [], [])
    if watch not in ready:  # the client went: so goes its kernel
        os.kill(kernel, signal.SIGKILL)
    _, status = os.waitpid(kernel, 0)
    with contextlib.suppress(OSError):  # the client may be gone
        _send(conn, {"status": status})
    os._exit(0)


def serve(path: str) -> None:
    import select

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)  # clients that come during the imports wait in the queue
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    server_env = _import_environment(dict(os.environ))
    base_path = sys.path[1:]  # without this file's folder, as `python -m` would have it
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    for late in ("matplotlib_inline.backend_inline", "ipykernel.kernelapp"):
        assert late not in sys.modules, f"{late} must be imported by the kernel"
    assert not any(m == "helpers" or m.startswith("helpers.") for m in sys.modules), "the study is never preloaded"
    import threading

    assert threading.active_count() == 1, "a process with threads cannot be forked safely"
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # monitors are reaped by the system
    parent = os.getppid()
    while os.getppid() == parent:  # ends with the test process that started it
        ready, _, _ = select.select([listener], [], [], 1.0)
        if not ready:
            continue
        conn, _ = listener.accept()
        if os.fork() == 0:
            _monitor(conn, listener, base_path, server_env)
        conn.close()


# --- in the test process ----------------------------------------------------------------------------------


def start(folder: str) -> subprocess.Popen:
    """Start a server with its socket in ``folder`` and write a ``dti-study`` kernel spec that reaches it under
    ``folder/kernels``; put ``folder`` first on ``JUPYTER_PATH`` (for this process and the ones it starts)."""
    from pathlib import Path

    here = str(Path(__file__).resolve())
    server = os.path.join(folder, "server")
    process = subprocess.Popen([sys.executable, "-Xfrozen_modules=off", here, "serve", server],
                               stdin=subprocess.DEVNULL)
    spec = Path(folder, "kernels", KERNEL_NAME)
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-I", "-S", here, server, "-f", "{connection_file}"],
        "display_name": "DTI study (tests: forked from a warm interpreter)",
        "language": "python",
        "metadata": {"debugger": True},
    }), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (folder, os.environ.get("JUPYTER_PATH")) if p)
    return process


_SERVERS: list[tuple[subprocess.Popen, str]] = []


def pytest_configure(config):
    """Each test process (each xdist worker, not their controller) runs its notebooks on kernels forked from a
    warm server of its own: 07_progress took 6.0–6.3 s on them, 7.8–8.5 s on cold kernels."""
    if getattr(config, "workerinput", None) is None and config.getoption("numprocesses", default=None):
        return
    import tempfile

    folder = tempfile.mkdtemp(prefix="wk-")  # short: a Unix socket's path is limited to 107 bytes
    _SERVERS.append((start(folder), folder))


def pytest_unconfigure(config):
    import shutil

    for process, folder in _SERVERS:
        process.terminate()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        client(sys.argv[1], sys.argv[2:])
