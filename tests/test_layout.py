"""The package's shape: no import cycles, even through imports inside functions, and the
class paths pickled into every index are the documented ones and still import."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import newsindex

PACKAGE = Path(newsindex.__file__).parent

#: What Whoosh pickles into an index's table of contents (docs/internals.md).
PICKLED = {
    "newsindex.codec.NewsCodec",
    "newsindex.schema.PreAnalysableText",
    "newsindex.analysis.SnowballStemFilter",
    "newsindex.analysis.TransliterationFilter",
    "newsindex.analysis.CJKBigramFilter",
    "newsindex.postings.CompactPositions",
    "newsindex.postings.Counts",
}


def _import_graph() -> dict[str, set[str]]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("newsindex", *path.relative_to(PACKAGE).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # imports in functions too
            if isinstance(node, ast.ImportFrom) and node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                for target in (base, *(f"{base}.{alias.name}" for alias in node.names)):
                    if target in modules and target != name:
                        graph[name].add(target)
    return graph


def test_the_package_has_no_import_cycle() -> None:
    graph = _import_graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(module):] + [module]))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_the_pickled_class_paths_are_the_documented_ones(tmp_path: Path) -> None:
    from newsindex import NewsIndex

    from .conftest import SEEDS

    with NewsIndex(tmp_path / "index") as ni:
        ni.add([str(SEEDS)])
    (toc,) = (tmp_path / "index").glob("_MAIN_*.toc")
    data = toc.read_bytes()
    # Protocol 2 writes "module\nname\n", later protocols the two as short strings.
    found = {f"{m.decode()}.{n.decode()}" for m, n in re.findall(rb"(newsindex[\w.]*)\n(\w+)\n", data)}
    found |= {f"{m.decode()}.{n.decode()}" for m, n in re.findall(rb"(newsindex[\w.]*)\x94\x8c.(\w+)", data)}
    assert found == PICKLED
    assert PICKLED <= set(re.findall(r"`(newsindex\.[\w.]+)`", (PACKAGE.parent / "docs/internals.md").read_text()))
    for path in PICKLED:
        module, name = path.rsplit(".", 1)
        assert getattr(importlib.import_module(module), name)


def test_every_result_field_is_described_in_docs_api() -> None:
    """docs/api.md is the one place the result types' fields are described: each is named there."""
    import dataclasses

    text = (PACKAGE.parent / "docs" / "api.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(?:[A-Z]\w*\.)?\.?(\w+)`", text)) | set(re.findall(r"\.(\w+)`", text))
    missing = []
    for name in newsindex.__all__:
        cls = getattr(newsindex, name)
        if not dataclasses.is_dataclass(cls):
            continue
        assert f"## {name}" in text or f"`{name}`" in text or f" {name}" in text, f"{name} is not in docs/api.md"
        members = [f.name for f in dataclasses.fields(cls)]
        members += [n for n, v in vars(cls).items() if isinstance(v, property)]
        missing += [f"{name}.{m}" for m in members if m not in named]
    assert not missing, f"fields not described in docs/api.md: {missing}"
