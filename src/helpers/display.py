"""Tables for readers: the one place where a notebook's table is turned into HTML.

``table`` gives a DataFrame human headers (``snake_case`` to words, units in brackets), drops the
index, writes a missing value as an en dash (never ``<NA>`` or ``NaN``) and a boolean as yes or no, and
moves the decisive columns first. The HTML comes from ``DataFrame.to_html``: no random ids, so a
notebook's stored output is the same on every run (nbval compares it).
"""

from __future__ import annotations

import pandas as pd

#: How a missing value is shown.
MISSING = "–"


#: Words that a header writes in capitals.
ACRONYMS = {"gso": "GSO", "dti": "DTI", "papi": "PAPI", "ci": "CI", "sd": "SD", "cv": "CV", "id": "ID",
            "url": "URL", "iso": "ISO"}


def header(column) -> str:
    """A column name as a reader's header: ``beats_benchmark`` → ``Beats benchmark``, ``gso_code`` →
    ``GSO code``."""
    words = [ACRONYMS.get(w.lower(), w) for w in str(column).replace("_", " ").split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else text


def _meaningful(index: pd.Index) -> bool:
    """An index worth showing: named, or labels other than row numbers (a filtered table's row numbers are
    not shown)."""
    if any(name is not None for name in index.names):
        return True
    return not pd.api.types.is_integer_dtype(index)


def frame(df: pd.DataFrame | pd.Series, *, first: list[str] | tuple[str, ...] = (),
          units: dict[str, str] | None = None, names: dict[str, str] | None = None,
          index: bool | None = None) -> pd.DataFrame:
    """``df`` as it is shown: the index kept as columns when ``index`` (by default when it is named or
    holds labels rather than row numbers), column levels joined, ``first`` columns moved to the front, headers
    renamed (``names``, else ``header``) with their unit in brackets (``units``)."""
    df = df.to_frame() if isinstance(df, pd.Series) else df
    keep = _meaningful(df.index) if index is None else index
    if keep:  # an unnamed index of labels is headed "Row" (never an empty header or "index")
        levels = [n if n is not None else ("row" if df.index.nlevels == 1 else f"row {i + 1}")
                  for i, n in enumerate(df.index.names)]
        out = df.rename_axis(index=levels).reset_index()
    else:
        out = df.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" ".join(str(part) for part in col if str(part)) for col in out.columns]
    order = [c for c in first if c in out.columns] + [c for c in out.columns if c not in first]
    out = out[order]
    for column in out.columns:  # nullable and boolean columns as a reader reads them
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map({True: "yes", False: "no"})
        elif isinstance(out[column].dtype, pd.api.extensions.ExtensionDtype):
            out[column] = out[column].astype(object).where(out[column].notna(), MISSING)
    units, names = units or {}, names or {}
    out.columns = [f"{names.get(c, header(c))}" + (f" ({units[c]})" if c in units else "") for c in out.columns]
    return out


def table(df: pd.DataFrame, **kwargs):
    """``df`` as an HTML table for readers (see ``frame``), for a notebook cell to show."""
    from IPython.display import HTML

    shown = frame(df, **kwargs)
    html = shown.to_html(index=False, na_rep=MISSING, border=0, classes="dataframe study-table", escape=True)
    return HTML(html)
