"""Git clean filter for notebooks: drop the timing metadata that ``jupyter execute`` and nbconvert add
to each cell (``execution``) and papermill's (``papermill``), so that re-running a committed notebook
with a standard tool changes no committed byte. Reads the notebook on stdin, writes it on stdout,
serialised exactly as nbformat writes it. Standard library only (git runs it before any environment).

Installed by ``make setup`` (``git config filter.notebook-run-metadata.clean ...``); ``.gitattributes``
applies it to ``notebooks/*.ipynb``.
"""

import json
import sys


def strip(text: str) -> str:
    try:
        nb = json.loads(text)
    except ValueError:
        return text  # not JSON: leave it to the tools that read notebooks to complain
    nb.get("metadata", {}).pop("papermill", None)
    for cell in nb.get("cells", []):
        for key in ("execution", "papermill"):
            cell.get("metadata", {}).pop(key, None)
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write(strip(sys.stdin.buffer.read().decode("utf-8")))
