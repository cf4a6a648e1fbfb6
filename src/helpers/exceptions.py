"""The one base class of the study's own errors.

Every error the study raises on purpose (bad input data, a bad parameter, a table not built, a
partial cross-section, an unknown province, a broken map file, a failed notebook or site build)
is a ``StudyError``: its message names the file, row, column or parameter and says what to do,
and the commands' top level (``helpers.run.errors.reported``) prints it as one ``error:`` line.
Each subclass also keeps the built-in class it always had (``ValueError``, ``KeyError``,
``FileNotFoundError``, ``RuntimeError``), so existing ``except`` clauses still catch it.
"""


class StudyError(Exception):
    """An error of the study whose message says everything a user needs."""
