"""The shape of the code that docs/architecture.md promises, kept honest.

These are the checks a new register or a new module has to pass: it sits in one layer of the import-linter
contract, it forms no import circle with another app, and no project module is imported behind the linter's
back (importlib). `./dev lint` runs the contracts themselves (lint-imports).
"""

from __future__ import annotations

import ast
import collections
import tomllib
from pathlib import Path

import grimp
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "qingfeng"
KERNEL = {"core", "accounts", "orgs", "people", "audit", "files"}

# Arrows (importer, imported) that still close import circles between apps, each being removed by issue 14's
# moves. The checks below leave them out; the list may only shrink: test_pending_arrows_still_exist fails once an
# arrow is gone, so whoever removes one deletes its entry.
PENDING_ARROWS: set[tuple[str, str]] = set()


def _contracts() -> list[dict]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def _project_apps() -> set[str]:
    return {cfg.name.split(".", 1)[1] for cfg in apps.get_app_configs() if cfg.name.startswith("qingfeng.")}


def test_every_app_sits_in_exactly_one_layer():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    placed = collections.Counter(name.strip() for layer in layers for name in layer.replace("|", ":").split(":"))
    missing = sorted(_project_apps() - set(placed))
    assert not missing, f"apps in no layer of pyproject.toml's import-linter contract: {missing}"
    twice = sorted(name for name, n in placed.items() if n > 1)
    assert not twice, f"apps in more than one layer: {twice}"


def test_no_app_but_the_demo_may_import_the_demo():
    forbidden = next(c for c in _contracts() if c["type"] == "forbidden" and "qingfeng.demo" in c["forbidden_modules"])
    sources = {m.split(".", 1)[1] for m in forbidden["source_modules"]}
    missing = sorted(_project_apps() - {"demo"} - sources)
    assert not missing, f"apps the 'Nothing imports the demo' contract does not cover: {missing}"


def _app_graph() -> dict[str, set[str]]:
    """Arrows between apps, the kernel counted as one app: a circle inside the kernel is Django's usual
    models/views interplay; a circle between the kernel and a ledger, or between two ledgers, is not."""
    graph = grimp.build_graph("qingfeng")

    def app(module: str) -> str | None:
        parts = module.split(".")
        if len(parts) < 3 and not (PACKAGE / parts[-1]).is_dir():
            return None  # qingfeng.settings, qingfeng.urls, qingfeng.cli: the project's wiring
        return "kernel" if parts[1] in KERNEL else parts[1]

    arrows: dict[str, set[str]] = collections.defaultdict(set)
    for module in graph.modules:
        source = app(module) if module.count(".") >= 1 else None
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = app(imported) if imported.count(".") >= 1 else None
            if target is not None and target != source:
                arrows[source].add(target)
    return arrows


def _arrows_on_cycles(arrows: dict[str, set[str]]) -> set[tuple[str, str]]:
    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(arrows.get(node, ()))
        return False

    return {(a, b) for a, targets in arrows.items() for b in targets if reaches(b, a)}


def test_no_import_circle_between_apps():
    arrows = _app_graph()
    for source, target in PENDING_ARROWS:
        arrows[source].discard(target)
    on_cycles = sorted(_arrows_on_cycles(arrows))
    assert not on_cycles, f"import circles between apps, arrows (importer, imported) on them: {on_cycles}"


def test_pending_arrows_still_exist():
    arrows = _app_graph()
    gone = sorted((a, b) for a, b in PENDING_ARROWS if b not in arrows.get(a, ()))
    assert not gone, f"no longer imported: remove them from PENDING_ARROWS in this file: {gone}"


def test_no_project_module_is_imported_behind_the_linters_back():
    """importlib.import_module / find_spec / __import__ / import_string hide an arrow from import-linter and from readers."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in {"import_module", "find_spec", "__import__", "autodiscover_modules", "import_string"}:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not offenders, offenders


# ---- Adding a ledger (docs/architecture.md): the checklist, kept honest -------------------------------------

def _ledger_apps() -> list[str]:
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    ledger_layer = next(layer for layer in layers if "activities" in layer)
    return sorted(name.strip() for name in ledger_layer.replace("|", ":").split(":"))


# Ledgers whose import sheets still live in imports/sheets.py (issue 14 moves them into their apps). May only shrink.
SHEETS_NOT_YET_IN_THEIR_APP: set[str] = set()


# Registers of issue 17 whose models landed before their pages. May only shrink.
ACCESS_BEING_BUILT: set[str] = set()


def _apps_with_models(labels: list[str]) -> list[str]:
    return [label for label in labels
            if any(not m._meta.abstract and not m._meta.proxy for m in apps.get_app_config(label).get_models())]


def test_every_ledger_declares_its_access_functions():
    from importlib.util import find_spec  # noqa: I001 — the test looks for a file, it imports nothing

    without = {label for label in _apps_with_models(_ledger_apps()) if find_spec(f"qingfeng.{label}.access") is None}
    missing = sorted(without - ACCESS_BEING_BUILT)
    assert not missing, f"ledgers without access.py (see 'Adding a ledger' in docs/architecture.md): {missing}"
    built = sorted(ACCESS_BEING_BUILT - without)
    assert not built, f"these ledgers have access.py now: remove them from ACCESS_BEING_BUILT: {built}"


def test_every_ledger_declares_an_import_sheet_for_its_records():
    from qingfeng.core import sheets

    declared = {sheet.model.split(".")[0] for sheet in sheets.all_sheets() if sheet.model}
    missing = [label for label in _apps_with_models(_ledger_apps())
               if label not in declared and label not in SHEETS_NOT_YET_IN_THEIR_APP]
    assert not missing, f"ledgers whose records no import sheet declares (core.sheets, <app>/sheets.py): {missing}"
    moved = sorted(SHEETS_NOT_YET_IN_THEIR_APP & declared)
    assert not moved, f"these ledgers now declare their sheets: remove them from SHEETS_NOT_YET_IN_THEIR_APP: {moved}"


def test_every_ledger_with_pages_has_its_permission_rows():
    rows = ROOT / "tests" / "permissions"
    missing = [label for label in _ledger_apps() if (PACKAGE / label / "urls.py").exists()
               and not (rows / f"rows_{label}.py").exists()]
    assert not missing, f"ledgers with pages but no tests/permissions/rows_<app>.py: {missing}"


def test_registers_mount_their_api_routes_through_the_kernel():
    """A register's AppConfig.ready() calls core.api.mount(router); a dotted path on the AppConfig is not read."""
    stale = [cfg.name for cfg in apps.get_app_configs() if hasattr(cfg, "api_router")]
    assert not stale, f"AppConfig.api_router is not read any more, call core.api.mount(router) in ready(): {stale}"


# ---- The engines stay readable: no function over 60 lines ---------------------------------------------------

ENGINES = ["imports/*.py", "indicators/*.py", "core/sheets.py", "core/exports.py", "core/indicators.py",
           "core/metrics.py", "core/bulk.py", "core/changes.py", "core/ledger.py"]
# Long functions being split by issue 14's moves ("path:function"). May only shrink.
LONG_FUNCTIONS_BEING_SPLIT: set[str] = set()


def _long_functions(limit: int = 60) -> set[str]:
    found = set()
    for pattern in ENGINES:
        for path in PACKAGE.glob(pattern):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno >= limit:
                    found.add(f"{path.relative_to(PACKAGE)}:{node.name}")
    return found


def test_no_function_over_60_lines_in_the_engines():
    long = _long_functions()
    new = sorted(long - LONG_FUNCTIONS_BEING_SPLIT)
    assert not new, f"functions over 60 lines in the engines — split them: {new}"
    split = sorted(LONG_FUNCTIONS_BEING_SPLIT - long)
    assert not split, f"split or gone now: remove them from LONG_FUNCTIONS_BEING_SPLIT: {split}"
