"""The tests' kernels forked from a warm interpreter (``warm_kernel``) behave as the cold kernel they stand for:
the same working folder, ``sys.path``, environment and arguments as ``python -m ipykernel_launcher``, the
libraries already imported but nothing of the study; an interrupt, a kill and an exit code reach through the
client; and a kernel whose environment the server cannot stand for starts cold.
"""

import json
import os
import signal
import time

from jupyter_client.manager import KernelManager

import warm_kernel

#: What a kernel reports of itself, as JSON on its standard output.
REPORT = """\
import json as _json, os as _os, sys as _sys
print(_json.dumps({"cwd": _os.getcwd(), "path": _sys.path[:3], "argv0": _os.path.basename(_sys.argv[0]),
                   "env": _os.environ.get("STUDY_TEST_VALUE"), "mpl": _os.environ.get("MPLBACKEND"),
                   "pandas": "pandas" in _sys.modules, "helpers": "helpers" in _sys.modules, "pid": _os.getpid(),
                   "parent_poller": getattr(get_ipython().kernel.parent, "poller", None) is not None}))"""


def _started(cwd, monkeypatch, *, warm: bool, **env: str) -> KernelManager:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if not warm:
        monkeypatch.delenv("JUPYTER_PATH", raising=False)
    km = KernelManager(kernel_name=warm_kernel.KERNEL_NAME)
    km.start_kernel(cwd=str(cwd))
    return km


def _report(km: KernelManager) -> dict:
    client = km.client()
    client.start_channels()
    printed = []

    def keep(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            printed.append(msg["content"]["text"])

    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(REPORT, timeout=60, output_hook=keep)
    finally:
        client.stop_channels()
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads("".join(printed))


def test_a_warm_kernel_looks_like_a_cold_one_but_has_the_libraries_imported(tmp_path, monkeypatch):
    reports = {}
    for warm in (True, False):
        km = _started(tmp_path, monkeypatch, warm=warm, STUDY_TEST_VALUE="ẩn-value")
        try:
            reports[warm] = _report(km)
        finally:
            km.shutdown_kernel(now=True)
    warm, cold = reports[True], reports[False]
    assert warm["pandas"] and not cold["pandas"]  # the one difference: the libraries are already there
    assert not warm["helpers"] and not cold["helpers"]
    for key in ("cwd", "path", "argv0", "env", "mpl", "parent_poller"):
        assert warm[key] == cold[key], key
    assert warm["cwd"] == str(tmp_path) and warm["env"] == "ẩn-value"
    assert warm["pid"] != cold["pid"]


def test_a_changed_import_time_variable_starts_a_cold_kernel(tmp_path, monkeypatch):
    km = _started(tmp_path, monkeypatch, warm=True, MPLBACKEND="agg")
    try:
        report = _report(km)
    finally:
        km.shutdown_kernel(now=True)
    assert not report["pandas"] and report["mpl"] == "agg"


def test_an_interrupt_reaches_the_kernel(tmp_path, monkeypatch):
    km = _started(tmp_path, monkeypatch, warm=True)
    try:
        client = km.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        client.execute("import time\ntime.sleep(60)")
        time.sleep(1.0)
        km.interrupt_kernel()
        deadline = time.monotonic() + 20
        ename = None
        while ename is None and time.monotonic() < deadline:
            msg = client.get_iopub_msg(timeout=20)
            if msg["msg_type"] == "error":
                ename = msg["content"]["ename"]
        client.stop_channels()
        assert ename == "KeyboardInterrupt"
        assert km.is_alive()
    finally:
        km.shutdown_kernel(now=True)


def test_a_kill_ends_the_forked_kernel_and_an_exit_code_comes_back(tmp_path, monkeypatch):
    km = _started(tmp_path, monkeypatch, warm=True)
    pid = _report(km)["pid"]
    assert pid != km.provisioner.process.pid  # forked: not the process jupyter_client started
    km.shutdown_kernel(now=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)

    km = _started(tmp_path, monkeypatch, warm=True)
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    client.execute("import os\nos._exit(3)")
    process = km.provisioner.process
    assert process.wait(timeout=20) == 3
    client.stop_channels()
    km.cleanup_resources()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:  # a zombie is not alive
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_kernel_killed_by_a_signal_ends_its_client_by_the_same_signal(tmp_path, monkeypatch):
    km = _started(tmp_path, monkeypatch, warm=True)
    pid = _report(km)["pid"]
    os.kill(pid, signal.SIGKILL)
    assert km.provisioner.process.wait(timeout=20) == -signal.SIGKILL
    km.cleanup_resources()
