"""The news corpus: metadata, raw texts, and per-document descriptions.

Raw texts are read exactly as stored (offsets in later tables refer to them); the
``clean`` helpers produce normalised text for reading and counting.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths

METADATA_COLUMNS = [
    "doc_id", "file", "outlet", "url", "published", "date_precision",
    "province", "title_vi", "notes",
]
DATE_PRECISIONS = {"day", "month", "year", "unknown"}


class CorpusError(ValueError):
    """A corpus file or its metadata cannot be used as it is."""


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: Path
    raw: str


def read_metadata(corpus_dir: Path = paths.CORPUS) -> pd.DataFrame:
    """Read ``metadata.csv`` (all columns as strings, blanks kept as empty strings)."""
    path = corpus_dir / "metadata.csv"
    if not path.is_file():
        raise CorpusError(f"{paths.relative(path)}: metadata file not found")
    meta = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in METADATA_COLUMNS if c not in meta.columns]
    if missing:
        raise CorpusError(f"{paths.relative(path)}: missing column(s) {missing}")
    for i, row in meta.iterrows():
        if row["date_precision"] not in DATE_PRECISIONS:
            raise CorpusError(
                f"{paths.relative(path)} row {i + 2}: date_precision {row['date_precision']!r} "
                f"is not one of {sorted(DATE_PRECISIONS)}"
            )
    if meta["doc_id"].duplicated().any():
        dup = meta.loc[meta["doc_id"].duplicated(), "doc_id"].tolist()
        raise CorpusError(f"{paths.relative(path)}: duplicate doc_id {dup}")
    return meta


def read_document(path: Path) -> str:
    """Read one article as UTF-8, failing with the file name if it is unreadable or empty."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CorpusError(f"{paths.relative(path)}: cannot be read ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{paths.relative(path)}: not valid UTF-8 at byte {exc.start}; "
            "re-save the article as UTF-8"
        ) from exc
    if not text.strip():
        raise CorpusError(f"{paths.relative(path)}: the document is empty")
    return text


def load_documents(corpus_dir: Path = paths.CORPUS) -> list[Document]:
    """Every ``*.txt`` in the corpus, checked against the metadata, in doc_id order."""
    meta = read_metadata(corpus_dir)
    known = set(meta["doc_id"])
    docs = []
    for path in sorted(corpus_dir.glob("*.txt")):
        if path.stem not in known:
            raise CorpusError(
                f"{paths.relative(path)}: document id {path.stem!r} is not in metadata.csv; "
                "add a metadata row for it or remove the file"
            )
        docs.append(Document(path.stem, path, read_document(path)))
    listed_only = known - {d.doc_id for d in docs}
    if listed_only:
        raise CorpusError(f"metadata.csv lists document(s) with no text file: {sorted(listed_only)}")
    return docs


def normalise(text: str) -> str:
    """Unicode NFC, with the Icelandic Eth (U+00D0) some outlets use for Đ mapped to U+0110."""
    return unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110")


# A sentence ends at . ! ? … followed by optional closing quotes/brackets and then either
# whitespace or an upper-case letter (the "...nước.Ông" case of a missing space).
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*(?=\s+|(?=[A-ZÀ-ỸĐ]))")


def split_sentences(text: str) -> list[str]:
    """Split normalised text into sentences; lines are also boundaries."""
    sentences = []
    for line in text.splitlines():
        start = 0
        for m in _SENTENCE_END.finditer(line):
            piece = line[start:m.end()].strip()
            if piece:
                sentences.append(piece)
            start = m.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def describe(docs: list[Document], meta: pd.DataFrame) -> pd.DataFrame:
    """One row per document: outlet, date and its precision, province, size."""
    rows = []
    for doc in docs:
        text = normalise(doc.raw)
        rows.append(
            {
                "doc_id": doc.doc_id,
                "characters": len(text),
                "words": len(text.split()),
                "sentences": len(split_sentences(text)),
            }
        )
    sizes = pd.DataFrame(rows)
    table = meta[["doc_id", "outlet", "published", "date_precision", "province"]].merge(
        sizes, on="doc_id", how="inner", validate="one_to_one"
    )
    return table


def select_provinces(meta: pd.DataFrame, provinces: str) -> pd.DataFrame:
    """Metadata rows for ``provinces``: ``"all"`` or comma-separated ASCII slugs.

    An unknown slug raises ``ValueError`` that lists the allowed slugs and suggests the
    closest ones.
    """
    from .provinces import closest, slugify

    if not isinstance(provinces, str) or not provinces.strip():
        raise ValueError(f"parameter provinces={provinces!r}: expected 'all' or slugs such as 'bac-lieu,ben-tre'")
    slugs = {slugify(p): p for p in meta["province"].unique()}
    if provinces.strip() == "all":
        return meta.copy()
    wanted = [s.strip() for s in provinces.split(",") if s.strip()]
    for slug in wanted:
        if slug not in slugs:
            hint = closest(slug, sorted(slugs))
            raise ValueError(
                f"parameter provinces: {slug!r} has no article in the corpus; allowed: "
                f"'all' or {sorted(slugs)}" + (f"; did you mean {hint}?" if hint else "")
            )
    keep = {slugs[s] for s in wanted}
    return meta[meta["province"].isin(keep)].copy()
