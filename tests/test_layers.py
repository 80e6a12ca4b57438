"""Imports run only downwards: evaluations (bottom) → budgets, achievements (side by side) → reports (top).

Every import of the four apps counts, wherever it is written: at module top, inside a function, under
``if TYPE_CHECKING``, and relative ones (``from .. import workflow``) resolved to the module they name.
Migrations are left out: Django writes them, and they refer to other apps by label anyway."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Higher imports lower, never the reverse; equal ranks (budgets and achievements) do not import each other.
RANKS = {"evaluations": 0, "budgets": 1, "achievements": 1, "reports": 2}


@dataclass(frozen=True)
class Import:
    where: str  # "reports/views/workflow.py:24"
    app: str  # the app the importing file belongs to
    target: str  # the absolute module imported, e.g. "reports.workflow"


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = path.relative_to(root).with_suffix("").parts
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def imports_of(root: Path, apps: dict[str, int] = RANKS) -> Iterator[Import]:
    """Every import statement in the apps' modules under ``root``, relative ones made absolute."""
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            module, is_package = _module_name(path, root)
            package = module if is_package else module.rpartition(".")[0]
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            statements = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
            for node in sorted(statements, key=lambda node: node.lineno):
                where = f"{path.relative_to(root).as_posix()}:{node.lineno}"
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif node.level == 0:
                    targets = [node.module or ""]
                elif node.level > len(package.split(".")):
                    # Python refuses it too ("beyond top-level package"); say so rather than skip it.
                    targets = ["." * node.level + (node.module or "")]
                else:
                    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    # from .report import build → reports.report; from .. import workflow → reports.workflow
                    targets = [f"{base}.{node.module}"] if node.module else [f"{base}.{a.name}" for a in node.names]
                for target in targets:
                    yield Import(where, app, target)


def layer_violations(root: Path, ranks: dict[str, int] = RANKS) -> list[str]:
    """One line per import that runs up or sideways between the apps, then one per cycle between them."""
    problems = []
    # app -> app -> the first import that makes the one depend on the other
    edges: dict[str, dict[str, Import]] = {app: {} for app in ranks}
    for imp in imports_of(root, ranks):
        if imp.target.startswith("."):
            problems.append(f"{imp.where}: {imp.app} imports {imp.target}, beyond its top-level package")
            continue
        target_app = imp.target.split(".")[0]
        if target_app not in ranks or target_app == imp.app:
            continue
        edges[imp.app].setdefault(target_app, imp)
        if ranks[target_app] > ranks[imp.app]:
            problems.append(f"{imp.where}: {imp.app} imports {imp.target}, from a layer above it")
        elif ranks[target_app] == ranks[imp.app]:
            problems.append(f"{imp.where}: {imp.app} imports {imp.target}, from a layer beside it")
    problems.extend(_cycles(edges))
    return problems


def _cycles(edges: dict[str, dict[str, Import]]) -> list[str]:
    """Each cycle between the apps once, with the import behind every step."""

    def path(start: str, goal: str) -> list[str] | None:
        # Breadth-first, so the shortest way round is reported.
        paths = {start: [start]}
        queue = [start]
        for node in queue:
            for step in edges[node]:
                if step not in paths:
                    paths[step] = [*paths[node], step]
                    queue.append(step)
        return paths.get(goal)

    found = {}
    for app, targets in edges.items():
        for target in targets:
            back = path(target, app)
            if back is None:
                continue
            cycle = [app, *back[:-1]]
            # The same cycle seen from each of its apps: keep one rotation.
            first = cycle.index(min(cycle))
            found[tuple(cycle[first:] + cycle[:first])] = None
    lines = []
    for cycle in found:
        steps = [f"{a} → {b} ({edges[a][b].where})" for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)]
        lines.append("import cycle: " + ", ".join(steps))
    return lines


def test_imports_run_only_downwards():
    problems = layer_violations(ROOT)
    assert not problems, "Imports against the layering:\n" + "\n".join(problems)


def test_the_real_scan_sees_every_app_and_resolves_relative_imports():
    # Guards the test above against passing because it read nothing (a wrong ROOT, a changed layout).
    imports = list(imports_of(ROOT))
    assert {imp.app for imp in imports} == set(RANKS)
    assert any(
        imp.where.startswith("reports/views/workflow.py:") and imp.target == "reports.workflow" for imp in imports
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def test_the_checker_finds_upward_sideways_and_cyclic_imports(tmp_path):
    _write(
        tmp_path,
        {
            "evaluations/__init__.py": "",
            "evaluations/models.py": "from django.db import models\n",
            # Upward, at module top.
            "evaluations/x.py": "from reports import y\n",
            # Upward, inside a function, written the long way.
            "evaluations/money.py": "def f():\n    import reports.report\n    return reports.report\n",
            # Migrations refer to whatever they like.
            "evaluations/migrations/__init__.py": "",
            "evaluations/migrations/0001_initial.py": "import reports.models\n",
            "budgets/__init__.py": "",
            # Sideways, and the two make a cycle.
            "budgets/figures.py": "from achievements.figures import total\n",
            "achievements/__init__.py": "",
            "achievements/figures.py": "\n\nimport budgets.models as b\n",
            "reports/__init__.py": "from . import report\n",
            "reports/report.py": "from evaluations.models import Evaluation\nfrom budgets import figures\n",
            "reports/views/__init__.py": "",
            # Downwards and relative: fine.
            "reports/views/a.py": "from .. import report\nfrom ..report import build\nfrom . import b\n",
            "reports/views/b.py": "from ...evaluations import models\n",
        },
    )

    assert layer_violations(tmp_path) == [
        "evaluations/money.py:2: evaluations imports reports.report, from a layer above it",
        "evaluations/x.py:1: evaluations imports reports, from a layer above it",
        "budgets/figures.py:1: budgets imports achievements.figures, from a layer beside it",
        "achievements/figures.py:3: achievements imports budgets.models, from a layer beside it",
        "reports/views/b.py:1: reports imports ...evaluations, beyond its top-level package",
        "import cycle: evaluations → reports (evaluations/money.py:2), reports → evaluations (reports/report.py:1)",
        "import cycle: achievements → budgets (achievements/figures.py:3),"
        " budgets → achievements (budgets/figures.py:1)",
    ]
    # The relative imports in reports are resolved, and found to run within the app.
    assert [imp.target for imp in imports_of(tmp_path) if imp.where.startswith("reports/views/a.py")] == [
        "reports.report",
        "reports.report",
        "reports.views.b",
    ]
