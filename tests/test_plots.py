"""The plots package: every figure draws from the real tables and saves byte-identically; one
vocabulary of colours and markers."""

import hashlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from helpers import cases, claims, corpus, figures, panel, plots, profile_sections, provinces, sources, stats, tables
from helpers import measurement as m
from helpers import progress as pg
from helpers import trajectories as tj
from helpers.plots import cases as draw_cases
from helpers.plots import claims as draw_claims
from helpers.plots import corpus as draw_corpus
from helpers.plots import data as draw_data
from helpers.plots import profile_ranks as draw_profile
from helpers.plots import progress as draw_progress
from helpers.plots import trajectories as draw_trajectories

pytestmark = pytest.mark.slow

PAIR_CODES = ["95", "83"]


@pytest.fixture(scope="module")
def loaded():
    """The tables the notebooks load, once."""
    meta = sources.load_corpus_metadata()
    all_claims = tables.load_claims()
    dti_panel, other = tables.load_dti_panel(), tables.load_other_indices()
    book = claims.codebook_with_claims(sources.load_codebook(), all_claims)
    return {"meta": meta, "claims": all_claims, "dti": dti_panel, "other": other, "book": book,
            "units": panel.unit_scores(tables.load_dti_panel_34(), 2024), "audit": tables.load_consistency_audit(),
            "population": tables.load_population(), "crosswalk": tables.load_crosswalk_2025()}


def _trajectory_inputs(t):
    dti_ranks = tj.wide(tj.dti_long(t["dti"]), "rank")
    papi_ranks = tj.ranks_from_values(tj.index_values(t["dti"], t["other"], "papi_egov"))
    followed = sorted(set(tj.bottom_units(dti_ranks, 5)["gso_code"]) | set(PAIR_CODES))
    consecutive = tj.consecutive_persistence(dti_ranks)
    moves = tj.moves_against_typical_churn(dti_ranks, followed, consecutive, draws=500)
    return dti_ranks, papi_ranks, followed, consecutive, moves


def _figures(t):
    """Every figure function of helpers.plots, as (name, function drawing it from the loaded tables)."""
    def trajectories():
        _, _, followed, _, _ = _trajectory_inputs(t)
        return draw_trajectories.trajectories(tj.trajectory_rows(t["dti"], t["other"]), followed, PAIR_CODES, 5)

    def typical_churn():
        _, _, followed, consecutive, moves = _trajectory_inputs(t)
        return draw_trajectories.typical_churn(tj.last_place_churn(moves, consecutive, draws=500), moves,
                                               draw_trajectories.unit_colours(followed, PAIR_CODES))

    def sigma():
        return draw_trajectories.sigma(*tj.sigma_table(t["dti"], t["other"]))

    def transitions():
        chosen = tj.index_tables(t["dti"], t["other"], "dti", [2022, 2023, 2024])
        counts, shares = tj.quantile_transitions(chosen["ranks"], 2022, 2024, tj.QUANTILE_GROUPS, chosen["n"])
        return draw_trajectories.transitions(counts, shares, "dti", 2022, 2024, chosen["n"])

    def triangulation():
        dti_ranks, papi_ranks, *_ = _trajectory_inputs(t)
        tri, corr = tj.triangulation(dti_ranks, papi_ranks)
        return draw_trajectories.triangulation(tri, corr, PAIR_CODES, corr.attrs["year"])

    def timeline():
        events = cases.timeline(t["claims"], t["meta"], sources.load_timeline_review())
        ranks = {c: cases.dti_ranks(c, t["dti"]) for c in PAIR_CODES}
        return draw_cases.timeline(events[events["gso_code"].isin(PAIR_CODES)], ranks, PAIR_CODES)

    def merger():
        summaries = {c: cases.merger_summary(c, t["dti"], t["units"], t["crosswalk"]) for c in PAIR_CODES}
        return draw_cases.merger(t["units"], summaries, PAIR_CODES)

    documents = sources.load_corpus_documents()
    return {**_progress_figures(t),
        "corpus_sizes": lambda: draw_corpus.sizes(corpus.describe(documents, t["meta"])),
        "claims_by_kind": lambda: draw_claims.by_kind(t["claims"]),
        "claims_audit": lambda: draw_claims.audit(t["audit"]),
        "coverage": lambda: draw_data.coverage(t["dti"]),
        "ranking_by_region": lambda: draw_data.ranking_by_region(panel.ranking_by_region(t["dti"], 2022), 2022, "95"),
        "trajectories": trajectories, "typical_churn": typical_churn, "sigma": sigma, "transitions": transitions,
        "triangulation": triangulation,
        "indicators": lambda: draw_cases.indicators(cases.indicator_cells(t["book"], PAIR_CODES, t["population"]),
                                                    PAIR_CODES),
        "timeline": timeline, "merger": merger,
        "profile": lambda: draw_profile.dti_ranks(profile_sections.dti_history("95", t["dti"]), "95",
                                                  sorted(t["dti"]["year"].unique())),
    }


FIGURES = ["corpus_sizes", "claims_by_kind", "claims_audit", "coverage", "ranking_by_region", "trajectories",
           "typical_churn", "sigma", "transitions", "triangulation", "indicators", "timeline", "merger", "profile",
           "benchmarks", "league_table", "who_moved", "churn_bands", "power"]


#: The figures drawn by the numbered notebooks (the profile figure belongs to the profile pages).
NUMBERED = [name for name in FIGURES if name != "profile"]


def _progress_figures(t):
    """The figures of the progress notebook, from a fit of the three complete rounds with few draws."""
    scores = pg.model_scores(t["dti"], pg.complete_rounds(t["dti"]))
    fits = pg.fit_scales(scores, "standardised", n_boot=300)
    fit, names = fits["standardised"], provinces.load_reference().set_index("gso_code")["name_vi"]
    colours = plots.focus_colours(PAIR_CODES)
    n, (a, _, c) = len(scores), fit.rounds

    def benchmarks():
        benches = pg.benchmarks(fit, [n, 58], [(a, c)], n_sims=500)
        movers = {r: pg.starters(fit, a, c, r) for r in (n, 58)}
        return draw_progress.benchmarks(benches, pg.pair_label(a, c), [n, 58], movers, colours, names)

    return {"benchmarks": benchmarks,
            "league_table": lambda: draw_progress.league_table(
                pg.league_rows(pg.rank_intervals(fits, k=5, n_samples=300), "standardised", names), colours, 5,
                "standardised"),
            "who_moved": lambda: draw_progress.who_moved(pg.who_moved(fit, a, c, n_samples=500, n_sims=500), names,
                                                         colours),
            "churn_bands": lambda: draw_progress.churn_bands(pg.who_moved(fit, a, c, n_samples=500, n_sims=500),
                                                             names, colours),
            "power": lambda: draw_progress.power(pg.power(fit, a, c, k=5, reps=200))}


def _digests(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("name", FIGURES)
def test_each_figure_draws_from_the_tables_and_saves_identically_twice(name, loaded, figure_dir):
    figures.use_style()
    draw = _figures(loaded)[name]
    fig = draw()
    assert isinstance(fig, matplotlib.figure.Figure)
    assert fig._study_source, "the plot function adds the source line"
    data = figures.data_of(fig)
    if name in NUMBERED:  # the figures of the numbered notebooks, which figures/ publishes with their data
        assert data is not None and len(data), "the plot function attaches the data it plots"
    figures.save(fig, name, show=False)
    plt.close("all")
    first = _digests(figure_dir)
    figures.save(draw(), name, show=False)
    plt.close("all")
    assert _digests(figure_dir) == first
    assert figures.read_index_entry(figure_dir / f"{name}.json")["caption"].strip()
    if name in NUMBERED:
        assert (figure_dir / f"{name}.csv").stat().st_size > 0


def test_every_plot_function_is_tested():
    import inspect

    from helpers.plots import cases as c
    from helpers.plots import claims as cl
    from helpers.plots import corpus as co
    from helpers.plots import data as d
    from helpers.plots import profile_ranks as p
    from helpers.plots import progress as pr
    from helpers.plots import trajectories as tr

    public = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (c, cl, co, d, p, pr, tr)
              for n, f in inspect.getmembers(m, inspect.isfunction)
              if f.__module__ == m.__name__ and not n.startswith("_")
              and inspect.signature(f).return_annotation == "Figure"}
    assert len(public) == len(FIGURES)


def test_indicator_figure_puts_each_unit_type_on_its_own_scale(loaded):
    """Percentages, per-100-inhabitant values and counts are three panels with three axes; every stated
    value is drawn once, in the panel of its unit type, and a percentage never shares an axis with a count."""
    cells = cases.indicator_cells(loaded["book"], PAIR_CODES, loaded["population"])
    fig = draw_cases.indicators(cells, PAIR_CODES)
    data = draw_cases.indicator_data(cells)
    assert len(data) == len(figures.data_of(fig)) == int(cells["reported"].sum())
    panels = {ax.get_title(loc="left"): ax for ax in fig.axes}
    assert set(panels) == {draw_cases.UNIT_TYPES[k] for k in data["unit_type"].unique()}
    for kind, rows in data.groupby("unit_type"):
        ax = panels[draw_cases.UNIT_TYPES[kind]]
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels == list(dict.fromkeys(rows["label"])), kind
        drawn = sum(len(c.get_offsets()) for c in ax.collections)
        assert drawn == int(rows["value"].notna().sum()), kind
    assert panels[draw_cases.UNIT_TYPES["percent"]].get_xlim()[1] <= 105
    assert panels[draw_cases.UNIT_TYPES["count"]].get_xscale() == "log"
    plt.close(fig)


def test_timeline_draws_for_a_pair_without_articles(loaded):
    events = cases.timeline(loaded["claims"], loaded["meta"], sources.load_timeline_review())
    for codes in (PAIR_CODES, ["01", "04"]):  # the cases; Hà Nội and Cao Bằng, without articles
        ranks = {c: cases.dti_ranks(c, loaded["dti"]) for c in codes}
        fig = draw_cases.timeline(events[events["gso_code"].isin(codes)], ranks, codes)
        assert fig._suptitle.get_text()
        plt.close(fig)


def test_merger_names_the_constituents_inside_the_bar_not_in_the_tick_labels(loaded):
    summaries = {c: cases.merger_summary(c, loaded["dti"], loaded["units"], loaded["crosswalk"]) for c in PAIR_CODES}
    fig = draw_cases.merger(loaded["units"], summaries, PAIR_CODES)
    ax = fig.axes[0]
    assert "Bạc Liêu + Cà Mau" in [t.get_text() for t in ax.texts]
    assert all("\n" not in t.get_text() and "+" not in t.get_text() for t in ax.get_yticklabels())
    plt.close(fig)


# --- the vocabulary -------------------------------------------------------------------------

def test_focus_colours_are_distinct_for_any_cohort_and_keep_the_fixed_three():
    codes = [f"{i:02d}" for i in range(1, 97)][:63]
    colours = plots.focus_colours(codes)
    assert len(set(colours.values())) == len(codes)
    assert plots.OTHER not in colours.values()
    assert plots.focus_colours(["01", "95", "83", "06"])["95"] == plots.FIXED_COLOURS["95"]
    assert plots.focus_colours(["95", "01"])["01"] == plots.focus_colours(["83", "01"])["01"]  # stable
    assert plots.focus_colours(["01", "02"])["01"] != plots.focus_colours(["01", "02"])["02"]


def test_every_source_kind_drawn_has_one_style():
    for kind in ("official", "computed", "news", "corpus", "derived", "egov 2017", "off-scale 2019"):
        style = plots.SOURCE_KIND_STYLE[kind]
        kwargs = plots.marker_kwargs(kind, "#123456")
        assert kwargs["marker"] == style["marker"]
        assert kwargs["facecolors"] == ("#123456" if style["filled"] else "white")
    assert set(draw_trajectories.TRAJECTORY_KINDS) <= set(plots.SOURCE_KIND_STYLE)
    assert set(draw_cases.KIND_OFFSET) <= set(plots.SOURCE_KIND_STYLE)


def test_trajectory_markers_follow_the_vocabulary(loaded):
    rows = tj.trajectory_rows(loaded["dti"], loaded["other"])
    fig, ax = plt.subplots()
    draw_trajectories.draw_ranks(ax, rows["dti"], PAIR_CODES, plots.focus_colours(PAIR_CODES), label_end=False)
    drawn = {tuple(c.get_facecolor()[0][:3]) == (1.0, 1.0, 1.0) for c in ax.collections}
    assert drawn == {True, False}  # hollow (corpus, derived) and filled (official, news) markers
    plt.close(fig)


@pytest.mark.parametrize("positions,gap", [([60, 60.5, 61, 62, 63], 2.0), ([5, 5, 5], 1.5), ([1.0] * 40, 1.6)])
def test_spread_labels_keep_order_and_gap_within_bounds(positions, gap):
    placed = plots.spread_labels(positions, gap, 0, 64)
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    ys = [placed[i] for i in order]
    assert all(b - a >= gap - 1e-9 for a, b in zip(ys, ys[1:], strict=False))
    assert min(ys) >= 0 - 1e-9 and max(ys) <= 64 + 1e-9


def test_text_on_reads_on_dark_and_light_bars():
    assert plots.text_on(plots.FIXED_COLOURS["95"]) == "white"
    assert plots.text_on("#f0e442") == "black"


def test_no_colour_or_marker_is_chosen_outside_the_vocabulary():
    """Plot modules import their colours from helpers.plots: no hex colour literal in them."""
    import re
    from pathlib import Path

    folder = Path(plots.__file__).parent
    for module in folder.glob("*.py"):
        if module.name == "__init__.py":
            continue
        literals = re.findall(r'"#[0-9a-fA-F]{6}"', module.read_text(encoding="utf-8"))
        assert not literals, f"{module.name} chooses colours {literals}; add them to helpers.plots"


def test_the_typical_churn_figure_states_each_pair_s_own_interval(loaded):
    """Each panel writes the interval of its own pair (the one its moves are judged by), never a pooled one."""
    _, _, followed, consecutive, moves = _trajectory_inputs(loaded)
    churn = tj.last_place_churn(moves, consecutive, draws=500)
    assert all(isinstance(b, stats.RTMBenchmark) for b in churn.values())
    fig = draw_trajectories.typical_churn(churn, moves, draw_trajectories.unit_colours(followed, PAIR_CODES))
    stated = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text().startswith("typical churn")]
    assert stated == [draw_trajectories.churn_interval_text(b) for b in churn.values()]
    plt.close(fig)


def test_the_benchmark_figure_names_both_benchmarks_and_states_their_intervals(loaded):
    scores = pg.model_scores(loaded["dti"], pg.complete_rounds(loaded["dti"]))
    fit = m.fit_simplex(scores, n_boot=300)
    a, _, c = fit.rounds
    benches = pg.benchmarks(fit, [len(scores)], [(a, c)], n_sims=500)
    movers = {len(scores): pg.starters(fit, a, c, len(scores))}
    names = provinces.load_reference().set_index("gso_code")["name_vi"]
    fig = draw_progress.benchmarks(benches, pg.pair_label(a, c), [len(scores)], movers, {}, names)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {draw_progress.interval_text(b) for b in benches.values()} <= texts
    assert {t.get_text() for t in fig.legends[0].get_texts()} == {m.NOISE_ONLY, m.TYPICAL_CHURN}
    plt.close(fig)


def test_the_churn_band_figure_draws_who_moved_s_intervals_by_starting_rank(loaded):
    """The figure plots, province by province, the typical-churn interval that the outlier screen of
    ``pg.who_moved`` computed, in order of starting rank, and places each later rank against it."""
    scores = pg.model_scores(loaded["dti"], pg.complete_rounds(loaded["dti"]))
    fit = m.fit_simplex(scores, n_boot=300)
    a, _, c = fit.rounds
    moved = pg.who_moved(fit, a, c, n_samples=300, n_sims=500)
    names = provinces.load_reference().set_index("gso_code")["name_vi"]
    data = figures.data_of(draw_progress.churn_bands(moved, names, {}))
    assert data["start_rank"].is_monotonic_increasing and len(data) == len(scores)
    by_code = data.set_index("gso_code")
    for column in ("start_rank", "end_rank", "churn_low", "churn_high"):
        assert by_code[column].equals(moved[column].loc[by_code.index].rename(column)), column
    assert (data["churn_low"] <= data["churn_high"]).all()
    expected = ["above" if e < lo else "below" if e > hi else "inside"
                for e, lo, hi in zip(data["end_rank"], data["churn_low"], data["churn_high"], strict=True)]
    assert data["placement"].tolist() == expected
    assert set(data["start_round"]) == {a} and set(data["end_round"]) == {c}
    assert set(data["level"]) == {m.DEFAULT_LEVEL}
    plt.close("all")


def test_every_expression_kind_has_a_colour():
    from helpers import vnnum

    assert set(vnnum.KINDS) <= set(plots.EXPRESSION_COLOURS), set(vnnum.KINDS) - set(plots.EXPRESSION_COLOURS)
