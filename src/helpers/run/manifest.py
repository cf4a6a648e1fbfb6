"""Recording a raw file in ``data/raw/MANIFEST.csv`` (its SHA-256, size and source).

    python -m helpers.run.manifest add data/raw/corpus/005_article.txt --source "news article: Outlet, URL"
    python -m helpers.run.manifest update data/raw/corpus/metadata.csv
    python -m helpers.run.manifest show data/raw/corpus/005_article.txt

``add`` appends the row (or fails if the file is already listed); ``update`` rewrites the
SHA-256 and size of a listed file and keeps its source, for a deliberate new version of the
file (a metadata row added, a corrected note); ``show`` prints the row it would write. Rows
stay sorted by path, so the manifest's diff shows just the new or changed row.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from .. import sources
from . import errors, publish


def manifest_row(path: Path, source: str) -> dict[str, str]:
    given = Path(path)
    if given.is_symlink():
        raise sources.SourceError(f"{given}: a symbolic link; copy the file itself under data/raw/ and record the copy")
    path = given.absolute()
    try:
        relative = path.resolve().relative_to(sources.MANIFEST.parent.resolve()).as_posix()
    except ValueError:
        raise sources.SourceError(f"{given}: not under data/raw/; copy the file there first") from None
    sources.check_raw_name(relative)
    if not path.is_file():
        raise sources.SourceError(f"data/raw/{relative}: no such file")
    if not source.strip():
        raise sources.SourceError("--source is empty: say where the file comes from (outlet, URL, table)")
    return {"path": relative, "sha256": sources.sha256(path), "bytes": str(path.stat().st_size), "source": source}


def with_row(manifest: Path, row: dict[str, str]) -> bytes:
    table = sources.read_manifest(manifest)
    if row["path"] in set(table["path"]):
        raise sources.SourceError(f"data/raw/{row['path']}: already listed in {manifest.name}; for a "
                                  "deliberate new version of the file, record it with `python -m "
                                  f"helpers.run.manifest update data/raw/{row['path']}`")
    return _written([*table.to_dict("records"), row])


def _written(rows: list[dict[str, str]]) -> bytes:
    rows = sorted(rows, key=lambda r: r["path"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["path", "sha256", "bytes", "source"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def with_updated_row(manifest: Path, path: Path) -> tuple[bytes, dict[str, str], dict[str, str]]:
    """The manifest with the row of ``path`` given the file's current checksum and size, its source kept.

    Returns (new manifest bytes, old row, new row). Fails if the file is not listed.
    """
    table = sources.read_manifest(manifest)
    probe = manifest_row(path, "(kept)")
    listed = table[table["path"] == probe["path"]]
    if listed.empty:
        raise sources.SourceError(f"data/raw/{probe['path']}: not listed in {manifest.name}; record a new file "
                                  "with `python -m helpers.run.manifest add <path> --source '...'`")
    old = listed.iloc[0].to_dict()
    new = {**probe, "source": old["source"]}
    rows = [new if r["path"] == new["path"] else r for r in table.to_dict("records")]
    return _written(rows), old, new


def _update(path: Path) -> None:
    content, old, new = with_updated_row(sources.MANIFEST, path)
    if old["sha256"] == new["sha256"] and old["bytes"] == new["bytes"]:
        print(f"data/raw/MANIFEST.csv: data/raw/{new['path']} is unchanged (sha256 {new['sha256'][:12]}…)")
        return
    publish.replace_together({sources.MANIFEST: content})
    print(f"data/raw/MANIFEST.csv: updated data/raw/{new['path']} (sha256 {old['sha256'][:12]}… → "
          f"{new['sha256'][:12]}…, {old['bytes']} → {new['bytes']} bytes; source kept: {new['source']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.run.manifest")
    parser.add_argument("action", choices=["add", "update", "show"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--source", default="", help="where the file comes from (outlet, URL, table); add only")
    args = parser.parse_args(argv)
    with errors.reported("the manifest"):
        if args.action == "update":
            if args.source:
                raise sources.SourceError("update keeps the recorded source; --source is for add")
            _update(args.path)
            return 0
        row = manifest_row(args.path, args.source or "(source to be stated)")
        if args.action == "show":
            print(",".join(row.values()))
            return 0
        if not args.source.strip():
            raise sources.SourceError("--source is required for add: say where the file comes from")
        publish.replace_together({sources.MANIFEST: with_row(sources.MANIFEST, row)})
        print(f"data/raw/MANIFEST.csv: added data/raw/{row['path']} "
              f"(sha256 {row['sha256'][:12]}…, {row['bytes']} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
