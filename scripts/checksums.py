"""Checksums of generated files, to show that two runs give the same bytes.

    python scripts/checksums.py snapshot OUT.json      # figures/ and data/processed/ now
    python scripts/checksums.py compare A.json B.json  # exit 1 and list differences
    python scripts/checksums.py same-figures DIR_A DIR_B
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ("figures", "data/processed")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot() -> dict[str, str]:
    files = {}
    for folder in GENERATED:
        for p in sorted((ROOT / folder).glob("*")):
            if p.is_file() and not p.name.startswith("."):
                files[p.relative_to(ROOT).as_posix()] = digest(p)
    return files


def compare(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return [f"{k}: {a.get(k, 'missing')[:12]} vs {b.get(k, 'missing')[:12]}"
            for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def folder_digests(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.glob("*")) if p.is_file() and not p.name.startswith(".")}


def main(argv: list[str]) -> int:
    if argv[:1] == ["snapshot"] and len(argv) == 2:
        Path(argv[1]).write_text(json.dumps(snapshot(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return 0
    if argv[:1] == ["compare"] and len(argv) == 3:
        a, b = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv[1:])
        diffs = compare(a, b)
    elif argv[:1] == ["same-figures"] and len(argv) == 3:
        a, b = (folder_digests(Path(p)) for p in argv[1:])
        # Only files both runs drew are compared; a figure missing from either side is a difference.
        diffs = compare({k: v for k, v in a.items() if not k.endswith(".json")},
                        {k: v for k, v in b.items() if not k.endswith(".json")})
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for line in diffs:
        print(f"differs: {line}")
    print(f"{'identical' if not diffs else 'DIFFERENT'}: {len(diffs)} difference(s)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
