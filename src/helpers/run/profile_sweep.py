"""``make profiles``: notebooks/profile.ipynb for every pre-2025 unit, on warm kernels.

Each run is written to ``build/profiles/<slug>.ipynb``, which the site build turns into the page
``profiles/<slug>.html`` of the site (``helpers.run.site.profile_page``); the site's profiles page
lists every unit. Command line: ``python -m helpers.run.profile_sweep [--kernels N] [SLUG ...]`` (default: all 63,
on ``batch.default_workers()`` kernels, two per core; ``make report``, whose other jobs share the cores, passes one
per job slot).
"""

from __future__ import annotations

import os
import sys
import time

import pandas as pd

from .. import params, paths, provinces
from . import errors
from .batch import default_workers, run_batch  # first: see helpers.run.pipeline's imports
from .pipeline import check_committed

PROFILES = paths.BUILD / "profiles"
TEMPLATE = paths.NOTEBOOKS / "profile.ipynb"


def selected_units(slugs: list[str]) -> pd.DataFrame:
    """The units to run: all 63, or those named (each slug checked like a notebook parameter)."""
    units = provinces.load_reference().sort_values("gso_code")
    if not slugs:
        return units
    codes = [params.province("province", s) for s in slugs]
    return units[units["gso_code"].isin(codes)]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    kernels = default_workers()
    with errors.reported("make profiles"):
        if argv[:1] == ["--kernels"]:
            if len(argv) < 2 or not argv[1].isdigit() or int(argv[1]) < 1:
                raise errors.StudyError("--kernels takes a whole number of kernels, 1 or more, e.g. --kernels 2")
            kernels, argv = int(argv[1]), argv[2:]
        if not os.environ.get("ALLOW_EDITED"):
            check_committed(TEMPLATE)  # the profiles publish the committed notebook only
        units = selected_units(argv)
        codes = {u.slug: u.gso_code for u in units.itertuples()}
        started = time.perf_counter()

        def on_done(slug: str, ok: bool) -> None:
            print(f"  {slug}: {'done' if ok else 'FAILED'}", flush=True)

        result = run_batch(TEMPLATE, {slug: {"province": slug} for slug in codes}, PROFILES, workers=kernels,
                           on_done=on_done)
        for stale in PROFILES.glob("*.html"):  # pages of earlier builds: the profiles are pages of the site now
            stale.unlink()
        print(f"profiles: {len(result.written)} of {len(codes)} written in {time.perf_counter() - started:.1f} s; "
              "they are pages of the site (python -m helpers.run.site)")
        for slug, why in sorted(result.failed.items()):
            print(f"error: notebooks/profile.ipynb for {slug}: {why}", file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
