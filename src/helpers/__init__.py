"""The DTI study: Vietnam's provinces in the Digital Transformation Index, from last place to later progress.

Start here (every derived table is built by ``make data``)::

    import helpers
    helpers.table_names()            # the registered derived tables
    helpers.load("dti_panel")        # any of them by name (or helpers.load_dti_panel())
    helpers.dti_ranks()              # overall rank by province and year (63 provinces)
    helpers.dti_ranks(34)            # ... and for the 34 units of 2025
    helpers.province_table()         # the 63 provinces, codes, regions, 2025 units, slugs
    helpers.load_claims()            # every numeric expression of the news corpus
    helpers.load_crosswalk_2025()    # each province and the 2025 unit it joined

The public functions live in ``helpers.api``. The modules, named for what they hold:
``study`` (the study's constants: unit sets, measures, cases), ``paths`` (project directories),
``sources`` (raw inputs, their checksums and validation), ``names`` and ``provinces`` (province
names), ``tables`` (the derived tables, one loader each), ``panel``, ``trajectories``,
``measurement``, ``components``, ``cases``, ``claims``, ``corpus`` and ``vnnum`` (the analyses),
``findings`` (values the site cites), ``figures`` and ``plots`` (drawing), ``exceptions`` (the one
base class of the study's errors); ``run`` holds the machinery that runs notebooks and builds the site.
"""

import importlib as _importlib
import os as _os

from . import paths as _paths

if _os.environ.get(_paths.READS_ENV):
    _paths.record_reads()

_API = {"table_names", "load", "dti_ranks", "dti_scores", "province_table"}


def __getattr__(name: str):
    """The public functions of ``helpers.api`` (and every ``load_<table>``), imported on first use so
    that ``import helpers`` stays cheap."""
    if name in _API or name.startswith("load_"):
        api = _importlib.import_module(".api", __name__)
        if name in api.PUBLIC:
            return getattr(api, name)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    api = _importlib.import_module(".api", __name__)
    return sorted(set(globals()) | set(api.PUBLIC))
