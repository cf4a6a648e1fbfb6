"""The layout stays as documented: one reader per file, the run/ wing apart, short functions,
notebooks that load, call, show and explain, and declare what they read."""

import ast
import json
import re
from pathlib import Path

import papermill
import pytest

from helpers import paths, study, tables
from helpers.run import declared

HELPERS = paths.ROOT / "src" / "helpers"
MODULES = sorted(HELPERS.rglob("*.py"))
READERS = {HELPERS / "sources.py", HELPERS / "tables.py"}
DATA_DIRS = {"DATA", "RAW", "PROCESSED", "CODEBOOK", "CORPUS"}
READ_CALLS = {"read_csv", "read_excel", "read_json", "read_parquet", "read_table", "read_file"}
NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
MAX_FUNCTION_LINES = 60
MAX_CELL_LINES = 15


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _code_cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("module", [m for m in MODULES if m not in READERS], ids=lambda m: m.stem)
def test_only_sources_and_tables_open_data_files(module):
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Attribute) and node.attr in DATA_DIRS and getattr(node.value, "id", "") == "paths":
            pytest.fail(f"{module.name}:{node.lineno} uses paths.{node.attr}: read data through sources or tables")
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            assert name not in READ_CALLS, f"{module.name}:{node.lineno} calls {name}: read through sources or tables"


def _imports_helpers_module(tree: ast.Module, name: str) -> bool:
    """Whether a module of ``helpers`` imports ``helpers.<name>`` (or something from it), in any spelling."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found = any(a.name == f"helpers.{name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            package = node.module in (None, "helpers") and any(a.name == name for a in node.names)
            found = package or node.module in (name, f"helpers.{name}")
        else:
            found = False
        if found:
            return True
    return False


@pytest.mark.parametrize("builder_module", sorted({t.builder.split(":")[0] for t in tables.TABLES.values()}))
def test_no_builder_reads_derived_tables_from_disk(builder_module):
    """A builder gets the tables of its build as arguments (``Table.needs``), never through ``tables``."""
    assert not _imports_helpers_module(_tree(HELPERS / f"{builder_module}.py"), "tables"), (
        f"helpers/{builder_module}.py imports helpers.tables: pass the table in through Table.needs")


def test_the_import_check_sees_an_import_of_tables():
    assert _imports_helpers_module(ast.parse("from . import corpus, tables"), "tables")
    assert _imports_helpers_module(ast.parse("from helpers import tables"), "tables")
    assert _imports_helpers_module(ast.parse("import helpers.tables"), "tables")
    assert _imports_helpers_module(ast.parse("from .tables import load_claims"), "tables")
    assert not _imports_helpers_module(ast.parse("from . import sources"), "tables")


@pytest.mark.parametrize("module", [m for m in MODULES if "run" not in m.relative_to(HELPERS).parts],
                         ids=lambda m: m.stem)
def test_no_study_module_imports_the_run_wing(module):
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.ImportFrom):
            target = "." * node.level + (node.module or "")
            assert not re.match(r"^(helpers\.run|\.run)\b", target), f"{module.name}:{node.lineno} imports {target}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: str(m.relative_to(HELPERS)))
def test_functions_are_short(module):
    for node in ast.walk(_tree(module)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{module.name}:{node.lineno} {node.name} has {length} lines"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_load_call_show_and_explain(notebook):
    for i, source in enumerate(_code_cells(notebook)):
        lines = [line for line in source.splitlines() if line.strip()]
        assert len(lines) <= MAX_CELL_LINES, f"{notebook.name} code cell {i}: {len(lines)} lines"
        assert "helpers.run" not in source and "from helpers import run" not in source, f"{notebook.name}: imports run"
        assert "read_csv" not in source and "open(" not in source, f"{notebook.name} cell {i} reads a file itself"
        assert not re.search(r"\bplt\.subplots|\bax\.(plot|bar|scatter)", source), f"{notebook.name} cell {i} draws"


def test_trajectories_notebook_stays_short():
    cells = _code_cells(paths.NOTEBOOKS / "04_trajectories.ipynb")
    lines = sum(len([x for x in s.splitlines() if x.strip()]) for s in cells)
    assert lines <= 120


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_declare_the_tables_they_load(notebook):
    reads = set(declared.reads(notebook))
    code = "\n".join(_code_cells(notebook))
    for name in re.findall(r"\btables\.load_(\w+)\(", code):
        table = paths.relative(tables.TABLES[name].file)
        assert table in reads, f"{notebook.name} loads {name} but does not declare it"
    for path in reads:
        assert (paths.ROOT / path).is_file() or path.startswith("data/processed/"), f"{notebook.name}: {path} missing"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_has_a_type(notebook):
    declared_parameters = papermill.inspect_notebook(str(notebook))
    assert declared_parameters
    for name, info in declared_parameters.items():
        assert info["inferred_type_name"] not in ("None", None), f"{notebook.name}: parameter {name} has no type"


#: A number in this range is a year; the unit counts are those of the study's unit sets.
YEARS = range(2010, 2051)
UNIT_COUNTS = {u.n_units for u in study.UNIT_SETS.values()}
CONSTANTS_HOME = HELPERS / "study.py"


def numeric_literals(tree: ast.Module) -> list[tuple[int, int]]:
    """(line, value) of every whole-number literal that is a year or a unit count; strings
    (docstrings and messages) are not numbers and are never reported."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) and float(node.value).is_integer():
            value = int(node.value)
            if value in YEARS or value in UNIT_COUNTS:
                found.append((node.lineno, value))
    return found


@pytest.mark.parametrize("module", [m for m in MODULES if m != CONSTANTS_HOME], ids=lambda m: m.stem)
def test_years_and_unit_counts_live_in_the_study_constants(module):
    found = numeric_literals(_tree(module))
    assert not found, (f"{paths.relative(module)} writes {found} (line, value): take years and counts from the "
                       "data or from helpers.study")


def test_the_literal_check_sees_years_and_counts_but_not_strings():
    tree = ast.parse('"""DTI 2024 of 63."""\nA = 2024\nB = 63.0\nC = f"{x} of 34"\nD = 7\n')
    assert numeric_literals(tree) == [(2, 2024), (3, 63)]


def _study_exception_classes() -> list[type]:
    import importlib
    import inspect

    found = []
    for module in MODULES:
        name = "helpers." + ".".join(module.relative_to(HELPERS).with_suffix("").parts).removesuffix(".__init__")
        imported = importlib.import_module(name.removesuffix("__init__").rstrip("."))
        found += [c for _, c in inspect.getmembers(imported, inspect.isclass)
                  if issubclass(c, BaseException) and c.__module__ == imported.__name__]
    return found


def test_every_error_of_the_study_has_the_one_base_class():
    from helpers.exceptions import StudyError
    from helpers.run import errors

    classes = _study_exception_classes()
    assert len(classes) >= 10, classes  # the check sees the study's errors
    assert all(issubclass(c, StudyError) for c in classes), [c for c in classes if not issubclass(c, StudyError)]
    assert StudyError in errors.KNOWN  # the runner catches them all (a map file's GeoError too)


def _module_name(path: Path) -> str:
    parts = path.relative_to(HELPERS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    """The modules of ``helpers`` that a module imports anywhere (inside functions too)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            base = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found if m in known and m != name}


def import_cycles() -> list[list[str]]:
    """Every cycle of imports among the modules of ``helpers`` (imports inside functions count)."""
    known = {_module_name(m) for m in MODULES}
    graph = {_module_name(m): _imported_modules(m, known) for m in MODULES}
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_import_cycle_among_the_helpers():
    assert import_cycles() == []


def test_the_cycle_check_sees_a_cycle(monkeypatch):
    fake = {"helpers.a": {"helpers.b"}, "helpers.b": {"helpers.a"}}
    monkeypatch.setattr(f"{__name__}._imported_modules", lambda path, known: fake[_module_name(path)])
    monkeypatch.setattr(f"{__name__}.MODULES", [HELPERS / "a.py", HELPERS / "b.py"])
    assert import_cycles() == [["helpers.a", "helpers.b", "helpers.a"]]
