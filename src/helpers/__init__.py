"""Shared, tested code for the DTI study notebooks.

Modules are named for what they hold: ``study`` (the study's constants: unit sets, measures,
cases), ``paths`` (project directories), ``sources`` (raw inputs, their checksums and
validation), ``tables`` (the derived tables of ``data/processed/``, one loader each),
``panel``, ``trajectories``, ``components``, ``cases``, ``claims``, ``corpus`` and ``vnnum``
(the analyses), ``findings`` (values the site cites), ``figures`` and ``plots`` (drawing);
``run`` holds the machinery that runs notebooks and builds the site.
"""

import os as _os

from . import paths as _paths

if _os.environ.get(_paths.READS_ENV):
    _paths.record_reads()
