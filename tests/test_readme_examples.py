"""The README's parameter examples run as written (executed, not compared with anything).

Each example command of the README's "Parameters" section is run through the runner's own
command line, with its outputs sent to a temporary folder instead of build/runs/.
"""

import re
import shlex

import pytest

from helpers import paths
from helpers.run import pipeline

pytestmark = pytest.mark.slow


def _examples() -> list[list[str]]:
    text = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Parameters", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1).replace("\\\n", " ")
    commands = [shlex.split(line) for line in block.splitlines() if "helpers.run.pipeline run" in line]
    return [cmd[cmd.index("run"):] for cmd in commands]


EXAMPLES = _examples()


def test_the_readme_shows_examples_for_every_notebook_with_parameters():
    shown = {next(a for a in cmd if a.endswith(".ipynb")) for cmd in EXAMPLES}
    assert len(EXAMPLES) >= 5 and len(shown) >= 5


@pytest.mark.parametrize("command", EXAMPLES, ids=lambda c: "_".join(c[1:6]))
def test_readme_example_runs(command, tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "1")
    monkeypatch.setattr(pipeline, "RUNS", tmp_path / "runs")
    assert pipeline.main(command) == 0
    outputs = list((tmp_path / "runs").glob("*/*.ipynb"))
    assert len(outputs) == 1, outputs
