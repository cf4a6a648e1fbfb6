import gc
import sys

import pytest

from helpers import paths
from warm_kernel import pytest_configure, pytest_unconfigure  # noqa: F401  (the tests' warm kernels)

# pytest caches each test module as it rewrites its assertions (``__pycache__/*-pytest-*.pyc``) and reads that
# cache on the next run, but writes it only where Python may write bytecode. Where PYTHONDONTWRITEBYTECODE is
# set, each pytest worker rewrote every test module and the hypothesis package again at every run: 3.5 s of
# a 6 s collection. This process writes them (git ignores ``__pycache__``); the processes it starts keep the
# environment's setting.
sys.dont_write_bytecode = False


def pytest_collection_modifyitems(config, items):
    """The slow test modules (marked ``slow``: 10–35 s each on one worker) first, then the others, each group in
    collection order. ``make unit`` hands out whole files in this order (``--dist loadfile --no-loadscope-reorder``),
    so the two workers start on the long files and share the short ones at the end. xdist's own order (most tests
    first) left long files with few tests, such as the README examples and the hostile markup, for the end, while
    the other worker had nothing left to do."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session):
    """Once the tests are collected, move everything alive (the libraries, the test modules and their items) out of
    the garbage collector's reach: it lives as long as the process, and each full collection walked it again. On
    test_plots, test_stats, test_measurement, test_figures and test_geo in one process, collections took
    1.1–1.8 s instead of 2.3–3.5 s (three runs each way). What the tests allocate is collected as before."""
    gc.freeze()


@pytest.fixture
def figure_dir(tmp_path, monkeypatch):
    """Redirect saved figures to a temporary folder."""
    target = tmp_path / "figures"
    monkeypatch.setenv(paths.FIGURE_DIR_ENV, str(target))
    return target


def project_files() -> list[str]:
    """Every file of the project as a fresh clone would have it (tracked or new, not ignored)."""
    import subprocess

    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=paths.ROOT, check=True, capture_output=True, text=True).stdout
    return [f for f in listed.split("\0") if f and (paths.ROOT / f).is_file()]


def copy_project(root):
    """Copy the project (its own data, notebooks, figures and sources) to ``root``; return ``root``."""
    import shutil

    for name in project_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(paths.ROOT / name, target)
    copy_bytecode(root)
    copy_vendored(root)
    return root


def copy_vendored(root) -> None:
    """Copy the site's vendored Vega bundle (``build/vendor/``, named by the versions it bundles) when the project has
    one: a site build in the copy then reads it instead of asking vl-convert for it again (1.9 s of CPU)."""
    import shutil

    vendor = paths.BUILD / "vendor"
    if vendor.is_dir():
        shutil.copytree(vendor, root / "build" / "vendor", dirs_exist_ok=True)


def copy_bytecode(root) -> None:
    """Copy the helpers' compiled modules (``__pycache__``, this interpreter's) beside the copied sources: each
    Python process of the copy then skips compiling them (0.15 s). A compiled module records its source's date
    and size, and the copies keep both, so it serves only while its source is unchanged; Python compiles an
    edited module again."""
    import shutil
    import sys

    for compiled in (paths.ROOT / "src").rglob(f"__pycache__/*.{sys.implementation.cache_tag}.pyc"):
        target = root / compiled.relative_to(paths.ROOT)
        if target.parent.parent.is_dir():
            target.parent.mkdir(exist_ok=True)
            shutil.copy2(compiled, target)


def run_module(root, *args: str, timeout: float = 300, **extra_env: str):
    """``python -m <args>`` in a project copy, on the copy's own code, with ``extra_env`` added to the environment
    (VERBOSE only if given there); forked from a warm interpreter (``warm_python``)."""
    import os

    import warm_python

    env = {k: v for k, v in os.environ.items() if k != "VERBOSE"} | {"PYTHONPATH": str(root / "src"), **extra_env}
    return warm_python.run_module(root, args[0], *args[1:], env=env, timeout=timeout)


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project (its own data, notebooks, figures and sources) to break things in."""
    return copy_project(tmp_path / "project")


def save_twice(fig, name: str) -> None:
    """Save ``fig`` twice (under the ``figure_dir`` fixture) and check both saves give the same bytes."""
    import matplotlib.pyplot as plt

    from helpers import figures

    figures.save(fig, name, show=False)
    first = {p: p.read_bytes() for p in figures.saved_paths(name)}
    assert all(p.is_file() and p.stat().st_size > 0 for p in first)
    figures.save(fig, name, show=False)
    assert all(p.read_bytes() == data for p, data in first.items()), name
    assert fig._study_source
    plt.close(fig)


def chromium() -> str:
    """The headless browser of the browser tests (Debian's chromium, which .ci/run installs); skipped
    where it is missing, but a failure in CI."""
    import os
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium package")
    pytest.skip("Chromium not installed (CI installs it)")


#: Chromium's switches for the browser tests (headless, no sandbox as root, nothing fetched from the network).
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (Playwright, on the ``chromium()`` browser) for a test module's browser tests."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, headless=True, args=BROWSER_FLAGS)
        yield launched
        launched.close()
