"""The layers of docs/architecture.md, checked over every import in src/ (lazy ones included):
arrows point down, engines do not import each other, and no module imports itself in a circle."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx

SRC = Path(__file__).resolve().parents[1] / "src" / "dualtrace"

# Higher ranks may import lower ones; the same rank only within its own package.
RANKS = {
    "errors": 0,
    "config": 0,
    "yamlfile": 0,
    "warehouse": 0,
    "findings": 1,
    "reference": 1,
    "normalize": 1,
    # sources and engines: each reads the warehouse and the shared layers, never a sibling
    "ingest": 2,
    "lists": 2,
    "screening": 2,
    "goods": 2,
    "analytics": 2,
    "network": 2,
    "claims": 2,
    "cases": 2,
    # faces
    "report": 3,
    "api": 3,
    "session": 3,
    "serve": 3,
    "cli": 3,
    "demo": 3,
    "__init__": 4,
    "__main__": 4,
}
# The base, the shared layers and the faces may use their peers; sources and engines may not.
SHARED_RANK = {0, 1, 3}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("dualtrace"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("dualtrace"):
                continue
            found.add(target)
            for alias in node.names:  # `from dualtrace.x import y` may name a submodule y
                if (SRC.parent / target.replace(".", "/") / alias.name).with_suffix(".py").exists() or (
                    SRC.parent / target.replace(".", "/") / alias.name
                ).is_dir():
                    found.add(f"{target}.{alias.name}")
    return found - {module}


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        module = _module_name(path)
        graph[module] = _imports(path, module)
    return graph


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer_of_target(target: str, graph: dict[str, set[str]]) -> str:
    # `from dualtrace import __version__` names the package root, which is not an import of a face
    return "errors" if target == "dualtrace" else _layer(target)


def test_every_layer_has_a_rank() -> None:
    layers = {_layer(m) for m in _graph()}
    assert layers <= set(RANKS), f"packages without a rank in this test: {sorted(layers - set(RANKS))}"


def test_imports_point_down_and_engines_do_not_import_each_other() -> None:
    graph = _graph()
    wrong: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        source = _layer(module)
        for target in targets:
            layer = _layer_of_target(target, graph)
            if layer == source:
                continue
            rank_from, rank_to = RANKS[source], RANKS[layer]
            if rank_to > rank_from or (rank_to == rank_from and rank_from not in SHARED_RANK):
                wrong[f"{source} -> {layer}"].add(f"{module} imports {target}")
    assert not wrong, "\n".join(f"{k}: {sorted(v)}" for k, v in sorted(wrong.items()))


def test_no_import_circles() -> None:
    graph = _graph()
    g = nx.DiGraph()
    for module, targets in graph.items():
        for target in targets:
            if target in graph and target != "dualtrace":
                g.add_edge(module, target)
    # a package's __init__ re-exporting its own modules is not a circle of design
    g.remove_edges_from([(a, b) for a, b in list(g.edges) if b.startswith(a + ".") or a.startswith(b + ".")])
    cycles = [c for c in nx.simple_cycles(g) if len(c) > 1]
    assert not cycles, "import circles:\n" + "\n".join(" -> ".join([*c, c[0]]) for c in cycles[:20])


def test_the_python_api_is_one_class_over_capability_modules() -> None:
    # api/ imports its engines at the top of each capability module, so what a capability needs
    # is read in one place; session.py only keeps the old import path working
    from dualtrace.api import Dualtrace
    from dualtrace.session import Dualtrace as Old

    assert Old is Dualtrace
    inner = []
    for path in (SRC / "api").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inner += [
                    f"{path.name}:{n.lineno}"
                    for n in ast.walk(node)
                    if isinstance(n, ast.Import | ast.ImportFrom)
                ]
    assert not inner, f"imports inside functions of api/: {inner}"
    assert {"ingest_trade", "lists_load", "screen", "network_build", "classify", "analyze", "report"} <= set(
        dir(Dualtrace)
    )
