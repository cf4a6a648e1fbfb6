import pytest

from helpers import paths


@pytest.fixture
def figure_dir(tmp_path, monkeypatch):
    """Redirect saved figures to a temporary folder."""
    target = tmp_path / "figures"
    monkeypatch.setenv(paths.FIGURE_DIR_ENV, str(target))
    return target
