"""Shared, tested code for the DTI study notebooks.

Modules are named for what they hold: ``paths`` (project directories), ``sources``
(raw inputs and their checksums), ``corpus`` (the news articles), ``figures``
(style and deterministic saving), ``pipeline`` (running notebooks with papermill).
"""
