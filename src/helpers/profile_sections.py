"""Province profiles: one page per pre-2025 unit, from the panel, reference data and corpus.

The tables here are what ``notebooks/profile.ipynb`` shows for one province;
``helpers.run.profile_sweep`` (``make profiles``) runs that notebook for all 63 units.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pandas as pd

from . import components, panel, provinces, study
from .trajectories import CATCH_UP_INDICES

#: Shown for a value no source states (the raw tables leave it empty).
MISSING = "—"
_URL = re.compile(r"https?://[^\s|()\"'<>]+[^\s|()\"'<>.,;:]")


class Table:
    """A table for readers: no index column, the headers given, ``MISSING`` for an empty value, and
    every web address of a cell a link named by its site (all text escaped). Shown as HTML in a notebook
    and on the site."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    @staticmethod
    def _cell(value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return MISSING
        text, parts, at = str(value), [], 0
        for url in _URL.finditer(text):  # a link named by its site; the address in full on hover
            link = html.escape(url.group(0))
            site = html.escape(urlsplit(url.group(0)).hostname or url.group(0))
            parts += [html.escape(text[at:url.start()]), f'<a href="{link}" title="{link}">{site}</a>']
            at = url.end()
        return "".join([*parts, html.escape(text[at:])])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        rows = ["<tr>" + "".join(f"<td>{self._cell(v)}</td>" for v in row) + "</tr>"
                for row in self.frame.itertuples(index=False)]
        return ('<table class="dataframe profile-table">\n<thead><tr>' + head + "</tr></thead>\n<tbody>\n"
                + "\n".join(rows) + "\n</tbody>\n</table>")

    def __repr__(self) -> str:
        return self.frame.astype(object).where(self.frame.notna(), MISSING).to_string(index=False)

    def __len__(self) -> int:
        return len(self.frame)


def _words(value) -> str:
    return value if not isinstance(value, str) else value.replace("_", " ")


def readable_history(history: pd.DataFrame) -> Table:
    """``dti_history`` for readers: rank first, then the units ranked, the score and the source."""
    table = history.assign(score=history["score"].round(4), source_kind=history["source_kind"].map(_words),
                           rank_method=history["rank_method"].map(_words))
    return Table(table[["year", "rank", "n_units", "score", "source_kind", "rank_method", "source"]].set_axis(
        ["year", "DTI rank", "of units", "DTI score (0–1)", "kind of source", "how the rank is known", "source"],
        axis=1))


def readable_other(other: pd.DataFrame) -> Table:
    """``other_history`` for readers: the index by name, its value on its own scale, the source."""
    names = {"egov_2017": "E-government IT application index", **CATCH_UP_INDICES}
    table = other.assign(index=other["index"].map(lambda i: names.get(i, i)), value=other["value"].round(4),
                         flag=other["flag"].map(_words).where(other["flag"].fillna("") != ""))
    return Table(table[["index", "year", "rank", "value", "flag", "source"]].set_axis(
        ["index", "year", "rank", "value (on the index's own scale)", "note", "source"], axis=1))


def readable_merger(merger_rows: pd.DataFrame) -> Table:
    """``merger`` for readers: the round and the new unit's result first."""
    rank = next(c for c in merger_rows.columns if c.startswith("DTI rank among"))
    table = merger_rows.assign(**{"DTI score of the new unit": merger_rows["DTI score of the new unit"].astype(float)
                                  .round(4)})
    columns = ["round", rank, "DTI score of the new unit", "new unit (2025)", "unit code", "merged with", "source"]
    return Table(table[columns].rename(columns={"DTI score of the new unit": "DTI score of the new unit (0–1)"}))


def readable_main_indices(indices: pd.DataFrame) -> Table:
    """``main_indices`` for readers: the index by name, rank and score, the source page and raw line."""
    table = indices.assign(measure=indices["measure"].map(lambda m: components.LABELS.get(m, m)),
                           score=indices["score"].round(4))
    return Table(table[["year", "measure", "rank", "score", "source_url", "line"]].set_axis(
        ["year", "main index", "rank", "score (0–1)", "source", "line of the raw file"], axis=1))


def readable_evidence(evidence: pd.DataFrame) -> Table:
    """``corpus_evidence`` for readers: the indicator and its value with its unit first."""
    table = evidence.assign(indicator=evidence["indicator"].map(_words), pillar=evidence["pillar"].map(_words),
                            unit=evidence["unit"].map(_words))
    return Table(table[["indicator", "value", "unit", "denominator", "as_of", "pillar", "claim_id", "text"]].set_axis(
        ["indicator", "value", "unit", "out of", "as of", "pillar", "claim", "text in the article"], axis=1))


def identity(gso_code: str) -> pd.DataFrame:
    """Reference facts for one unit, each with the file it comes from."""
    ref = provinces.load_reference().set_index("gso_code")
    row = ref.loc[gso_code]
    src = "data/raw/provinces/provinces.csv"
    facts = [
        ("name", row["name_vi"]),
        ("GSO code", gso_code),
        ("type", row["type"]),
        ("region", row["region"]),
        ("population, 2019 census", f"{int(row['population_2019_census']):,}"),
        (f"population, {row['population_latest_year']} average", f"{int(row['population_latest']):,}"),
        ("area (km²)", f"{row['area_km2']:,.2f}"),
    ]
    return pd.DataFrame(facts, columns=["fact", "value"]).assign(source=src)


def merger(gso_code: str, crosswalk: pd.DataFrame, dti_34: pd.DataFrame) -> pd.DataFrame:
    """The unit's place in the 2025 reorganisation (63 → 34), with its new unit's result in every
    round of the 34 units (one row per round)."""
    cw = crosswalk.set_index("gso_code").loc[gso_code]
    partners = [p for p in str(cw["constituents"]).split(";") if p and p != cw["province"]]
    rows = []
    for year in panel.complete_years(dti_34):
        unit = panel.unit_scores(dti_34, year)
        unit = unit[unit["unit_code"] == cw["unit_code"]]
        rows.append({
            "new unit (2025)": cw["new_unit"], "unit code": cw["unit_code"],
            "merged with": ", ".join(partners) if partners else "(unchanged)", "round": year,
            f"DTI rank among {study.UNITS.n_units} units": unit["rank"].iloc[0] if len(unit) else pd.NA,
            "DTI score of the new unit": unit["score"].iloc[0] if len(unit) else pd.NA,
            "source": "data/processed/crosswalk_2025.csv; data/processed/dti_panel_34.csv",
        })
    return pd.DataFrame(rows)


def dti_history(gso_code: str, dti: pd.DataFrame) -> pd.DataFrame:
    """Every overall DTI rank and score held for the unit (``dti``: the 63-province panel), one row
    per year and source."""
    rows = dti[(dti["gso_code"] == gso_code) & (dti["measure"] == "dti")]
    cols = ["year", "rank", "n_units", "score", "source_kind", "rank_method", "source"]
    return rows[cols].sort_values(["year", "source_kind"], kind="stable").reset_index(drop=True)


def other_history(gso_code: str, other: pd.DataFrame) -> pd.DataFrame:
    """The 2017 e-government ranking and PAPI e-governance values for the unit (``other``: the
    ``other_indices`` table)."""
    rows = other[other["gso_code"] == gso_code]
    return rows[["index", "year", "value", "rank", "flag", "source"]].reset_index(drop=True)


def corpus_evidence(gso_code: str, codebook: pd.DataFrame) -> pd.DataFrame:
    """Codebook indicators the news corpus states for the unit (empty for most units; ``corpus_status``
    says whether the corpus has articles about it that nobody has curated yet)."""
    rows = codebook[codebook["gso_code"] == gso_code]
    columns = ["indicator", "pillar", "value", "denominator", "unit", "as_of", "claim_id", "text"]
    return rows[columns].reset_index(drop=True)


def _articles(n: int) -> str:
    return f"{n} article" + ("" if n == 1 else "s")


def corpus_status(gso_code: str, documents: pd.DataFrame, codebook: pd.DataFrame) -> str:
    """What the news corpus holds about the unit, counted from the data: no article; "N articles, none
    curated yet" (articles about it, but no codebook row cites them: their figures wait in the review
    queue); or N articles and the indicators curated from them. ``documents``: the ``corpus_documents``
    table; ``codebook``: the ``codebook`` table."""
    name = provinces.name_of(gso_code)
    n_docs = int((documents["gso_code"] == gso_code).sum())
    n_rows = int((codebook["gso_code"] == gso_code).sum())
    if n_docs == 0:
        return f"The corpus has no article about {name}: no news figures for this province."
    if n_rows == 0:
        return (f"{name}: {_articles(n_docs)}, none curated yet; {'its' if n_docs == 1 else 'their'} figures wait "
                "in the review queue (data/processed/claims_review_queue.csv).")
    return f"{name}: {_articles(n_docs)}, {n_rows} indicators curated from them (data/codebook/indicators.csv)."


def main_indices(gso_code: str, main: pd.DataFrame) -> pd.DataFrame:
    """The eight main indices (and overall DTI) published for the unit (``main``: the ``main_indices``
    table, 63-province rows): ranks and scores, with the raw file's CSV line.

    Most units have none: the source prints the 2021 ranks of a few units and, for 2022 and 2023,
    only the units ranked 1-5 and 59-63.
    """
    rows = main[(main["units"] == study.PROVINCES.n_units) & (main["gso_code"] == gso_code)]
    columns = ["year", "measure", "rank", "score", "line", "source_url"]
    return rows[columns].sort_values(["year", "measure"], ignore_index=True)
