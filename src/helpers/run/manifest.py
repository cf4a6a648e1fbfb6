"""Recording a raw file in ``data/raw/MANIFEST.csv`` (its SHA-256, size and source).

    python -m helpers.run.manifest add data/raw/corpus/005_article.txt --source "news article: Outlet, URL"
    python -m helpers.run.manifest show data/raw/corpus/005_article.txt

``add`` appends the row (or fails if the file is already listed); ``show`` prints the row
it would write. Rows stay sorted by path, so the manifest's diff shows just the new row.
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
    path = Path(path).resolve()
    try:
        relative = path.relative_to(sources.MANIFEST.parent).as_posix()
    except ValueError:
        raise sources.SourceError(f"{path.name}: not under data/raw/; copy the file there first") from None
    if not path.is_file():
        raise sources.SourceError(f"data/raw/{relative}: no such file")
    if not source.strip():
        raise sources.SourceError("--source is empty: say where the file comes from (outlet, URL, table)")
    return {"path": relative, "sha256": sources.sha256(path), "bytes": str(path.stat().st_size), "source": source}


def with_row(manifest: Path, row: dict[str, str]) -> bytes:
    table = sources.read_manifest(manifest)
    if row["path"] in set(table["path"]):
        raise sources.SourceError(f"data/raw/{row['path']}: already listed in {manifest.name}; a changed raw "
                                  "file is a new version of the source: remove its old row first")
    rows = sorted([*table.to_dict("records"), row], key=lambda r: r["path"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.run.manifest")
    parser.add_argument("action", choices=["add", "show"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--source", default="", help="where the file comes from (outlet, URL, table)")
    args = parser.parse_args(argv)
    with errors.reported("the manifest"):
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
