"""Raw inputs: the checksum manifest of ``data/raw/`` and its verification."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from . import paths

MANIFEST = paths.RAW / "MANIFEST.csv"


class ChecksumError(ValueError):
    """A raw input is missing, unlisted, or differs from its recorded checksum."""


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
    present = {
        p.relative_to(raw_dir).as_posix()
        for p in raw_dir.rglob("*")
        if p.is_file() and p != manifest
    }
    for missing in sorted(listed - present):
        raise ChecksumError(
            f"{missing}: listed in {manifest.name} but not found under {paths.relative(raw_dir)}; "
            "restore it from ../shared (raw inputs are never edited)."
        )
    for extra in sorted(present - listed):
        raise ChecksumError(
            f"{extra}: present under {paths.relative(raw_dir)} but not listed in {manifest.name}; "
            "add a row with its sha256, size and source."
        )
    for row in table.itertuples(index=False):
        actual = sha256(raw_dir / row.path)
        if actual != row.sha256:
            raise ChecksumError(
                f"{row.path}: sha256 {actual} does not match {row.sha256} in {manifest.name}; "
                "the raw file was changed. Restore the original from ../shared."
            )
    return table
