"""Categorical colours a colour-blind reader can tell apart: each palette of ``helpers.plots`` that
tells categories apart by colour alone is simulated for deuteranopia and protanopia (Machado,
Oliveira & Fernandes 2009, severity 1) and every pair must stay apart in CIELAB (ΔE*76), as seen
with typical vision too: at least 30 for the three statuses of the audit (so that red against green,
which falls to about 16 for a deuteranope, is refused), at least 12 for the ten kinds of expression
(the default tab10 colours fall below 5), at least 25 for the colours of a focus + context figure (the
fixed provinces, the further safe colours and the context grey: ``plots.focus_and_context``) and for the
classes of who really moved, and the two benchmarks."""

import itertools

import numpy as np
import pytest

from helpers import plots

#: Machado et al. (2009), Table 1, severity 1.0: linear-RGB simulation matrices.
SIMULATIONS = {
    "typical vision": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}
#: sRGB (D65) to XYZ.
XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                [0.0193339, 0.1191920, 0.9503041]])
MIN_DELTA_E = {"STATUS_COLOURS": 30.0, "EXPRESSION_COLOURS": 12.0, "focus_and_context": 25.0,
               "CHANGE_COLOURS": 25.0, "BENCHMARK_COLOURS": 25.0}


def _palette(name: str) -> dict[str, str]:
    found = getattr(plots, name)
    return found() if callable(found) else found


def _linear(colour: str) -> np.ndarray:
    from matplotlib.colors import to_rgb

    c = np.array(to_rgb(colour))
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = (XYZ @ np.clip(linear, 0, 1)) / (XYZ @ np.ones(3))
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(colours: dict[str, str], simulation: np.ndarray) -> tuple[float, str, str]:
    seen = {name: _lab(simulation @ _linear(c)) for name, c in colours.items()}
    return min((float(np.linalg.norm(seen[a] - seen[b])), a, b) for a, b in itertools.combinations(seen, 2))


@pytest.mark.parametrize("palette", list(MIN_DELTA_E))
@pytest.mark.parametrize("vision", list(SIMULATIONS))
def test_categories_stay_apart_for_colour_blind_readers(palette, vision):
    distance, a, b = closest_pair(_palette(palette), SIMULATIONS[vision])
    assert distance >= MIN_DELTA_E[palette], f"{palette}: {a} and {b} are {distance:.1f} apart under {vision}"


def test_the_check_refuses_red_against_green_and_the_default_cycle():
    red_green = {"consistent": "#2e7d32", "inconsistent": "#c62828", "unverifiable": "#9e9e9e"}
    assert closest_pair(red_green, SIMULATIONS["typical vision"])[0] > 40
    assert closest_pair(red_green, SIMULATIONS["deuteranopia"])[0] < MIN_DELTA_E["STATUS_COLOURS"]
    tab10 = dict(enumerate(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                            "#7f7f7f", "#17becf", "#bcbd22"]))
    assert closest_pair(tab10, SIMULATIONS["protanopia"])[0] < MIN_DELTA_E["EXPRESSION_COLOURS"]


def test_the_old_focus_colours_of_the_trajectories_are_refused():
    """Bến Tre's blue beside Bắc Kạn's former purple is what a deuteranope could not tell apart."""
    old = {"83": "#2471a3", "06": "#7d3c98", "95": "#c0392b"}
    assert closest_pair(old, SIMULATIONS["deuteranopia"])[0] < MIN_DELTA_E["focus_and_context"]


def test_a_focus_and_context_figure_uses_only_the_checked_colours():
    """The trajectory figure colours at most the fixed three and the further safe colours; the rest is grey."""
    import pandas as pd

    from helpers.plots import trajectories

    dti = pd.DataFrame({"gso_code": ["95", "06", "58", "44", "01"], "rank": [63.0, 63.0, 63.0, 63.0, 63.0],
                        "year": [2021, 2022, 2020, 2024, 2023]})
    units = ["95", "83", "06", "58", "44", "01", "02"]
    shown = trajectories.highlighted(dti, units, ["95", "83"])
    colours = trajectories.unit_colours(units, shown)
    assert set(colours.values()) <= set(plots.focus_and_context().values())
    assert len(shown) == 3 + plots.SAFE_FURTHER and shown[:2] == ["95", "83"]
    assert colours["02"] == plots.OTHER
