"""The news corpus: metadata, raw texts, and per-document descriptions.

Raw texts are read exactly as stored (offsets in later tables refer to them); the
``clean`` helpers produce normalised text for reading and counting.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Document:
    """One article: its id (the file name without ``.txt``) and its raw text as stored."""

    doc_id: str
    raw: str


def normalise(text: str) -> str:
    """Unicode NFC, with the Icelandic Eth (U+00D0) some outlets use for Đ mapped to U+0110."""
    return unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110")


# A sentence ends at . ! ? … followed by optional closing quotes/brackets and then either
# whitespace or an upper-case letter (the "...nước.Ông" case of a missing space).
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*(?=\s+|(?=[A-ZÀ-ỸĐ]))")
#: Abbreviations after which a full stop does not end a sentence ("TX. Giá Rai", "TP. Hồ
#: Chí Minh", initials such as "H.T").
_ABBREVIATION = re.compile(r"(?:\b(?:TX|TP|Tp|ThS|TS|PGS|GS|Th\.S|St)|(?<![^\W\d_])[A-ZÀ-ỸĐ])\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (stripped); lines are also boundaries.

    A full stop closes a sentence when whitespace or an upper-case letter follows it (so a
    missing space, "...nước.Ông", still splits), but not after an abbreviation such as
    "TX." or an initial, and never inside a number ("1.412", "4.0", "12,5").
    """
    spans = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start = 0
        for m in _SENTENCE_END.finditer(body):
            if _ABBREVIATION.search(body[start:m.start()]):
                continue
            _add_span(spans, body, pos, start, m.end())
            start = m.end()
        _add_span(spans, body, pos, start, len(body))
        pos += len(line)
    return spans


def _add_span(spans: list, line: str, offset: int, start: int, end: int) -> None:
    piece = line[start:end]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        spans.append((offset + start + lead, offset + end - trail))


def split_sentences(text: str) -> list[str]:
    """Split normalised text into sentences; lines are also boundaries."""
    return [text[a:b] for a, b in sentence_spans(text)]


# ---------------------------------------------------------------------------------------
# Text preparation with a map back to the raw file

#: A line holding only a caption separator ("|"), as in document 003.
_LONE_SEPARATOR = re.compile(r"^\s*\|\s*$")
#: A trailing caption separator (" |") at the end of a photo-caption line.
_TRAILING_SEPARATOR = re.compile(r"\s*\|\s*$")
#: A related-article link line ("- Title of another story").
_RELATED_LINK = re.compile(r"^\s*[-–•]\s+\S")


@dataclass(frozen=True)
class Prepared:
    """Cleaned text of one document and, per character, where it came from in the raw file.

    ``raw_start[i]`` and ``raw_end[i]`` are the raw offsets of the character (or the
    decomposed sequence) that became ``text[i]``; ``raw_span`` turns a span of ``text``
    into a span of the raw file. ``removed`` lists the raw line spans dropped as
    boilerplate, with the reason.
    """

    doc_id: str
    raw: str
    text: str
    raw_start: tuple[int, ...]
    raw_end: tuple[int, ...]
    removed: tuple[tuple[int, int, str], ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"{self.doc_id}: span ({start}, {end}) is outside the prepared text")
        return self.raw_start[start], self.raw_end[end - 1]

    def sentences(self) -> list[tuple[int, int]]:
        return sentence_spans(self.text)


def _boilerplate_lines(lines: list[str]) -> dict[int, str]:
    """Indices of lines that are not part of the article, with the reason."""
    drop: dict[int, str] = {}
    for i, line in enumerate(lines):
        if _LONE_SEPARATOR.match(line):
            drop[i] = "lone caption separator '|'"
    # A block of link lines at the very end of the document is a related-article list.
    i = len(lines) - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    block = []
    while i >= 0 and _RELATED_LINK.match(lines[i]):
        block.append(i)
        i -= 1
    if len(block) >= 2:
        for j in block:
            drop[j] = "related-article list at the end of the page"
    return drop


def prepare(raw: str, doc_id: str = "") -> Prepared:
    """Clean ``raw`` for extraction while keeping a character map back to it.

    Steps: boilerplate lines removed (a related-article link list closing the page, lines
    holding only the caption separator ``|``; a caption's trailing ``|`` is dropped too);
    Unicode NFC per base character with its combining marks; U+00D0 (Ð) mapped to U+0110 (Đ).
    """
    lines = raw.splitlines(keepends=True)
    drop = _boilerplate_lines([ln.rstrip("\r\n") for ln in lines])
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    removed: list[tuple[int, int, str]] = []
    pos = 0
    for i, line in enumerate(lines):
        if i in drop:
            removed.append((pos, pos + len(line), drop[i]))
            pos += len(line)
            continue
        body = line.rstrip("\r\n")
        keep = len(body)
        trailing = _TRAILING_SEPARATOR.search(body)
        if trailing and body.strip() != "|":
            keep = trailing.start()
            removed.append((pos + keep, pos + len(body), "trailing caption separator '|'"))
        j = 0
        segment = body[:keep]
        while j < len(segment):
            k = j + 1
            while k < len(segment) and unicodedata.combining(segment[k]):
                k += 1
            for ch in normalise(segment[j:k]):
                out.append(ch)
                starts.append(pos + j)
                ends.append(pos + k)
            j = k
        for nl in range(len(body), len(line)):  # keep the line break itself
            out.append(line[nl])
            starts.append(pos + nl)
            ends.append(pos + nl + 1)
        pos += len(line)
    return Prepared(doc_id, raw, "".join(out), tuple(starts), tuple(ends), tuple(removed))


def describe(docs: list[Document], meta: pd.DataFrame) -> pd.DataFrame:
    """One row per document: outlet, date and its precision, province, size."""
    rows = []
    for doc in docs:
        text = prepare(doc.raw, doc.doc_id).text
        rows.append(
            {
                "doc_id": doc.doc_id,
                "characters": len(text),
                "words": len(text.split()),
                "sentences": len(split_sentences(text)),
            }
        )
    sizes = pd.DataFrame(rows)
    table = meta[["doc_id", "outlet", "published", "date_precision", "gso_code", "province"]].merge(
        sizes, on="doc_id", how="inner", validate="one_to_one"
    )
    return table


#: Articles with a hand-checked list of every digit-bearing expression
#: (``data/codebook/recall_check_<doc>_*.csv``), by document prefix.
RECALL_DOCUMENTS = ("004",)
