"""The house's shape, read from the source with ``ast``: no import cycles between Python files, imports between
modules only along the module order in docs/architecture.md, a realtime package that imports nothing of the
project, and no module file over 500 lines.

Migrations and tests are left out: tests may reach anywhere, and migrations are generated. A function-local
import counts like any other (it runs, and it couples the files all the same); a package's ``__init__`` counts
as the package, so a re-export in ``__init__`` is an edge from the package to the file it re-exports.
"""

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs" / "architecture.md"
ORDER_HEADER = "# Module order: each module may import only the modules listed after its colon."
MAX_LINES = 500
REALTIME = "realtime"
SKIPPED_DIRS = {"migrations", "tests", "__pycache__"}


# --- Reading the source ----------------------------------------------------------------------------------


def python_files(root: Path) -> list[Path]:
    """Every module file under ``root/apps``, migrations and tests aside."""
    return sorted(
        path
        for path in (root / "apps").rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(root).parts)
        and path.name != "conftest.py"
        and not path.name.startswith("test_")
    )


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_of(module: str) -> str | None:
    """``apps.catalog.services`` → ``catalog``; None for what is not inside an app."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "apps" else None


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterable[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import statement, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield target, [alias.name for alias in node.names], node.lineno


def import_graph(root: Path) -> dict[str, dict[str, int]]:
    """Module → {imported name → line}. A name is the most specific module file it reaches when that file is
    one of ours (``from apps.catalog import caching`` → ``apps.catalog.caching``), else the name as written."""
    files = {module_name(path, root): path for path in python_files(root)}
    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        edges = graph.setdefault(module, {})
        for target, names, line in _imported_names(tree, module, path.name == "__init__.py"):
            reached = [f"{target}.{name}" for name in names if f"{target}.{name}" in files] or [target]
            if len(reached) < len(names):  # some names are attributes of the module itself
                reached.append(target)
            for name in reached:
                if name and name != module:
                    edges.setdefault(name, line)
    return graph


# --- The checks ------------------------------------------------------------------------------------------


def import_groups(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The groups of files that import each other, directly or around a circle (strongly connected)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:
        # Tarjan's strongly connected components, iteratively: the graph is deep enough to hit recursion limits.
        work = [(start, iter(sorted(n for n in graph[start] if n in graph)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(n for n in graph[successor] if n in graph))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle per group of files that import each other: a path of imports that returns to its start."""
    return [_shortest_cycle(graph, group) for group in import_groups(graph)]


def _shortest_cycle(graph: dict[str, dict[str, int]], group: list[str]) -> list[str]:
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for successor in sorted(graph[node]):
            if successor == start:
                return [*paths[node], start]
            if successor in members and successor not in paths:
                paths[successor] = [*paths[node], successor]
                queue.append(successor)
    raise AssertionError(f"no cycle through {start}")  # a strongly connected group always has one


def module_order(text: str) -> dict[str, set[str]]:
    """The fenced block that starts with ``ORDER_HEADER``: app → the apps it may import."""
    lines = text.splitlines()
    try:
        start = lines.index(ORDER_HEADER)
    except ValueError:
        raise AssertionError(f"docs/architecture.md has no block starting {ORDER_HEADER!r}") from None
    order: dict[str, set[str]] = {}
    for line in lines[start + 1 :]:
        if line.startswith("```"):
            break
        match = re.fullmatch(r"\s*(\w+):\s*([\w\s,]*)", line)
        assert match, f"cannot read the module order line {line!r}"
        order[match[1]] = {name.strip() for name in match[2].split(",") if name.strip()}
    return order


def app_directories(root: Path) -> set[str]:
    return {
        path.parent.relative_to(root / "apps").parts[0]
        for path in python_files(root)
        if path.parent != root / "apps"
    }


def order_violations(graph: dict[str, dict[str, int]], order: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, edges in sorted(graph.items()):
        app = app_of(module)
        for target, line in sorted(edges.items()):
            other = app_of(target) if target.startswith("apps.") else None
            if app and other and other != app and other not in order.get(app, set()):
                problems.append(f"{module}:{line} imports {target} ({app} may not import {other})")
    return problems


def realtime_violations(graph: dict[str, dict[str, int]]) -> list[str]:
    """What the realtime package imports of the project outside itself (nothing is allowed)."""
    return [
        f"{module}:{line} imports {target}"
        for module, edges in sorted(graph.items())
        if app_of(module) == REALTIME
        for target, line in sorted(edges.items())
        if target.split(".")[0] in {"apps", "trimarket"} and app_of(target) != REALTIME
    ]


def oversized_files(root: Path, limit: int = MAX_LINES) -> list[str]:
    return [
        f"{path.relative_to(root)}: {count} lines"
        for path in python_files(root)
        if (count := len(path.read_text().splitlines())) > limit
    ]


# --- The project -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph():
    return import_graph(ROOT)


@pytest.fixture(scope="module")
def order():
    return module_order(DOCS.read_text())


def test_no_import_cycles_between_python_files(graph):
    """No two module files import each other, directly or around a circle."""
    cycles = [
        f"{' → '.join(_shortest_cycle(graph, group))} (the circle holds {', '.join(group)})"
        for group in import_groups(graph)
    ]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_every_app_is_in_the_module_order(order):
    """An app directory the docs do not place has no order to be checked against."""
    assert not app_directories(ROOT) - set(order), (
        "apps missing from the module order in docs/architecture.md"
    )


def test_modules_import_only_along_the_module_order(graph, order):
    """Each module imports only the modules the docs list after its name."""
    problems = order_violations(graph, order)
    assert not problems, "imports against the module order:\n" + "\n".join(problems)


def test_the_realtime_package_imports_no_other_module_of_the_project(graph):
    """The realtime package knows nothing of TriMarket (it passes when the package does not exist)."""
    problems = realtime_violations(graph)
    assert not problems, "the realtime package imports the project:\n" + "\n".join(problems)


def test_no_module_file_is_over_500_lines():
    """A file past 500 lines becomes a package, one file per concept."""
    problems = oversized_files(ROOT)
    assert not problems, "files over 500 lines:\n" + "\n".join(problems)


# --- The checks themselves, on small made-up projects ----------------------------------------------------


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


ORDER = f"""Intro.

```text
{ORDER_HEADER}
realtime:
core:
catalog: core
live: realtime, core, catalog
```
"""


def test_a_cycle_through_a_function_local_import_is_found_and_named(tmp_path):
    root = _project(
        tmp_path,
        {
            "apps/live/services.py": "from apps.live import selectors\n",
            "apps/live/selectors.py": "def f():\n    from apps.live.tasks import g\n",
            "apps/live/tasks.py": "from apps.live.services import x\n",
            "apps/live/views.py": "from apps.live import services, selectors\n",
        },
    )

    assert import_cycles(import_graph(root)) == [
        ["apps.live.selectors", "apps.live.tasks", "apps.live.services", "apps.live.selectors"]
    ]


def test_a_package_init_counts_as_its_package(tmp_path):
    """Re-exporting in ``__init__`` is fine; a concept file that imports its package's ``__init__`` closes a
    circle through it."""
    files = {
        "apps/orders/services/__init__.py": "from apps.orders.services.carts import cart_get\n",
        "apps/orders/services/carts.py": "from apps.orders.services.pricing import price\n",
        "apps/orders/services/pricing.py": "from .. import models\n",
        "apps/orders/models.py": "",
    }
    assert import_cycles(import_graph(_project(tmp_path / "fine", files))) == []

    files["apps/orders/services/pricing.py"] = "from apps.orders.services import cart_get\n"
    assert import_cycles(import_graph(_project(tmp_path / "circle", files))) == [
        [
            "apps.orders.services",
            "apps.orders.services.carts",
            "apps.orders.services.pricing",
            "apps.orders.services",
        ]
    ]


def test_an_import_against_the_order_is_reported_with_its_line(tmp_path):
    root = _project(
        tmp_path,
        {
            "apps/core/events.py": "import json\n\nfrom apps.catalog.models import Product\n",
            "apps/catalog/models.py": "from apps.core import events\n",
            "apps/live/views.py": "from apps.catalog.models import Product\nfrom apps.core.events import x\n",
        },
    )

    assert order_violations(import_graph(root), module_order(ORDER)) == [
        "apps.core.events:3 imports apps.catalog.models (core may not import catalog)"
    ]


def test_an_app_missing_from_the_order_is_found(tmp_path):
    root = _project(tmp_path, {"apps/core/a.py": "", "apps/sellers/models.py": "", "apps/conftest.py": ""})

    assert app_directories(root) - set(module_order(ORDER)) == {"sellers"}


def test_the_order_block_must_be_there():
    with pytest.raises(AssertionError, match="no block"):
        module_order("# TriMarket\n\n```text\nrealtime:\n```\n")


def test_realtime_importing_the_project_is_found_and_its_absence_is_fine(tmp_path):
    assert realtime_violations(import_graph(_project(tmp_path / "none", {"apps/core/a.py": ""}))) == []

    root = _project(
        tmp_path / "some",
        {
            "apps/realtime/stomp.py": "import json\n",
            "apps/realtime/bus.py": "from apps.realtime import stomp\nfrom . import stomp as codec\n",
            "apps/realtime/fanout.py": "def f():\n    from apps.live.models import Broadcast\n",
            "apps/realtime/hub.py": "from .. import core\nfrom django.conf import settings\n",
            "apps/core/__init__.py": "",
        },
    )

    assert realtime_violations(import_graph(root)) == [
        "apps.realtime.fanout:2 imports apps.live.models",
        "apps.realtime.hub:1 imports apps.core",
    ]


def test_a_file_over_500_lines_is_found_but_not_a_test_or_a_migration(tmp_path):
    long = "x = 1\n" * (MAX_LINES + 1)
    root = _project(
        tmp_path,
        {
            "apps/orders/services.py": long,
            "apps/orders/views.py": "x = 1\n" * MAX_LINES,
            "apps/orders/tests/test_services.py": long,
            "apps/orders/migrations/0001_initial.py": long,
        },
    )

    assert oversized_files(root) == [f"apps/orders/services.py: {MAX_LINES + 1} lines"]
