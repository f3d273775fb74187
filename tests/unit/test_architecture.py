"""The layout holds: layers import downwards only, no import cycles, modules stay small."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(APP.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path) -> Iterator[str]:
    """Every ``app`` module imported at run time (late imports inside functions included;
    imports under ``if TYPE_CHECKING`` left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path)
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                continue
            if isinstance(child, ast.Import):
                yield from (a.name for a in child.names if a.name.split(".")[0] == "app")
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = name.split(".")
                    if path.name != "__init__.py":
                        package = package[:-1]
                    base = ".".join([*package[: len(package) - child.level + 1], base])
                if base.split(".")[0] != "app":
                    continue
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    yield candidate if candidate in MODULES else base
            else:
                stack.append(child)


def _owner(module: str) -> str:
    """The nearest module of the tree that ``module`` names (``app.x.y`` of ``app.x.y.Z``)."""
    while module not in MODULES and "." in module:
        module = module.rsplit(".", 1)[0]
    return module


GRAPH = {name: {_owner(m) for m in _imports(path)} - {name} for name, path in MODULES.items()}


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def test_there_are_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert cycles == []


# What each layer may import of app/ (besides itself). See docs/adr/0013.
ALLOWED = {
    "app.domain": {"app.errors", "app.config"},
    "app.graph": {"app.domain", "app.errors", "app.config", "app.logging"},
    "app.llm": {"app.domain", "app.errors", "app.config", "app.logging"},
    "app.sources": {"app.domain", "app.errors", "app.config", "app.logging"},
}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_what_lies_below_it(layer: str) -> None:
    wrong = {
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _package(module) == layer
        for target in targets
        if _package(target) != layer and _package(target) not in ALLOWED[layer]
    }
    assert wrong == set()


@pytest.mark.parametrize("vendor", ["anthropic", "openai"])
def test_only_the_llm_layer_talks_to_vendors(vendor: str) -> None:
    importers = set()
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            if any(n == vendor or n.startswith(f"{vendor}.") for n in names):
                importers.add(name)
    assert importers
    assert {m for m in importers if not m.startswith("app.llm.")} == set()


def test_no_module_is_past_the_size_limit() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_every_package_is_a_regular_package() -> None:
    # A folder without __init__.py is a namespace package, which setuptools' find leaves out
    # of a built wheel (the Docker image), though an editable install still imports it.
    folders = {p.parent for p in APP.rglob("*.py") if "__pycache__" not in p.parts}
    assert {
        str(f.relative_to(APP.parent)) for f in folders if not (f / "__init__.py").exists()
    } == set()
