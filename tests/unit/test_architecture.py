"""The tree shows the architecture, and the imports keep to it (docs/ARCHITECTURE.md).

Layers, lowest first: the foundation (schema, config, i18n, settings, themes), reading, the
workspace, analysis and exports, the service, and the doors (ui, cli). A module imports only
from lower layers or from its own package (the foundation's modules from each other); nothing
imports in a circle, not even for type hints.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

LIB = Path(__file__).resolve().parents[2] / "lib"
LAYERS = {
    "lib.schema": 0,
    "lib.config": 0,
    "lib.i18n": 0,
    "lib.settings": 0,
    "lib.themes": 0,
    "lib.messages": 0,
    "lib.frames": 0,
    "lib.reading": 1,
    "lib.workspace": 2,
    "lib.analysis": 3,
    "lib.exports": 3,
    "lib.service": 4,
    "lib.ui": 5,
    "lib.cli": 5,
    "lib.__main__": 6,
}


def _module(path: Path) -> str:
    parts = path.relative_to(LIB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str:
    """The layer unit a module belongs to: its package under lib, or the foundation module itself."""
    return ".".join(module.split(".")[:2])


@cache
def _imports() -> dict[str, frozenset[str]]:
    """Every lib module and the lib modules it imports (a name imported from a package may be a module)."""
    paths = {_module(path): path for path in LIB.rglob("*.py")}
    found: dict[str, frozenset[str]] = {}
    for module, path in paths.items():
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lib":
                names |= {
                    f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in paths else node.module for a in node.names
                }
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names if a.name.split(".")[0] == "lib"}
        found[module] = frozenset(names)
    return found


def test_every_module_belongs_to_a_layer():
    assert {_unit(m) for m in _imports() if m != "lib"} <= set(LAYERS)


def test_imports_run_downwards_only():
    wrong = [
        f"{module} imports {target}"
        for module, targets in _imports().items()
        if module != "lib"
        for target in targets
        if _unit(target) != _unit(module) and LAYERS[_unit(target)] >= max(LAYERS[_unit(module)], 1)
    ]
    assert wrong == []


def test_no_module_imports_itself_in_a_circle():
    modules = _imports()
    graph = {m: {t for t in targets if t in modules} for m, targets in modules.items()}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            cycles.append(" → ".join([*trail[trail.index(node) :], node]))
            return
        for target in sorted(graph.get(node, ())):
            if target not in done:
                visit(target, [*trail, node])
        done.add(node)

    done: set[str] = set()
    for module in sorted(graph):
        visit(module, [])
    assert cycles == []
