"""Is the project's environment whole? Run with the environment's own Python (``make setup`` does).

Checks, quickly and without importing the study: every pin of ``requirements.txt`` is installed at its
pinned version, ``pip check`` finds no broken requirement, and the study's package and the few modules
every notebook run needs import. Prints one line naming what is wrong and exits 1; exits 0 when whole.
Standard library only.
"""

import importlib
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Imported as a last check: the study's package and what runs a notebook.
MODULES = ("helpers", "pandas", "pandera", "matplotlib", "papermill", "ipykernel", "nbformat")


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;#]+).*", line)
        if match:
            pins[match[1]] = match[2]
    return pins


def problems() -> list[str]:
    found = []
    for name, version in _pins().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} is not installed")
            continue
        if installed != version:
            found.append(f"{name} is {installed}, requirements.txt pins {version}")
    if found:
        return found
    check = subprocess.run([sys.executable, "-m", "pip", "check", "--disable-pip-version-check"],
                           capture_output=True, text=True, check=False)
    if check.returncode != 0:
        return [line for line in check.stdout.splitlines() if line.strip()][:3] or ["pip check failed"]
    for module in MODULES:
        try:
            importlib.import_module(module)
        except Exception as exc:  # a broken environment fails in many ways
            return [f"import {module} fails: {type(exc).__name__}: {exc}"]
    return []


if __name__ == "__main__":
    wrong = problems()
    if wrong:
        more = f" … and {len(wrong) - 3} more" if len(wrong) > 3 else ""
        print(f"the environment is broken: {'; '.join(wrong[:3])}{more}")
        sys.exit(1)
