"""The Whoosh boundary: private Whoosh internals are read in newsindex/_whoosh.py only,
and a whoosh3 outside the tested versions is refused in one line."""

from __future__ import annotations

import ast
import configparser
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import newsindex
from newsindex import _whoosh
from newsindex.errors import WhooshVersionError

from .conftest import ROOT, Run

PACKAGE = Path(newsindex.__file__).parent


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(PACKAGE)], "newsindex.") if m.name != "newsindex.__main__"]


def test_no_module_but_the_boundary_reads_a_private_attribute_of_another_object() -> None:
    """``x._name`` for any x but self and cls (and os._exit) stands in _whoosh.py alone."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_whoosh.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")):
                continue
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if owner in ("self", "cls") or (owner, node.attr) == ("os", "_exit"):
                continue
            if node.attr in ("_fields", "_replace", "_asdict", "_make"):  # a named tuple's public API
                continue
            if owner == "terms" and path.name == "codec.py":  # TermsFile.taking_over sets its own arrays
                continue
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {ast.unparse(node)}")
    assert not found, "private attributes read outside _whoosh.py:\n" + "\n".join(found)


def test_no_class_outside_the_boundary_overrides_a_private_whoosh_method() -> None:
    found = []
    for name in _modules():
        if name == "newsindex._whoosh":
            continue
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != name:
                continue
            whoosh_bases = [b for b in cls.__mro__[1:] if b.__module__.startswith("whoosh.")]
            for attr in vars(cls):
                if attr.startswith("_") and not attr.startswith("__") and any(attr in vars(b) for b in whoosh_bases):
                    found.append(f"{name}.{cls.__name__}.{attr}")
    assert not found, f"private Whoosh methods overridden outside _whoosh.py: {found}"


def test_an_untested_whoosh_is_refused_in_one_line_naming_the_tested_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_whoosh.UNTESTED_OK_VARIABLE, raising=False)
    major, minor = max(_whoosh.TESTED_WHOOSH)
    assert _whoosh.untested_version((major, minor, 7)) is None
    error = _whoosh.untested_version((major, minor + 1, 0))
    assert isinstance(error, WhooshVersionError)
    message = str(error)
    assert "\n" not in message
    assert f"whoosh3 {major}.{minor}.*" in message and f"{major}.{minor + 1}.0 is installed" in message


def test_the_environment_can_allow_an_untested_whoosh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_whoosh.UNTESTED_OK_VARIABLE, "1")
    assert _whoosh.untested_version((9, 0, 0)) is None


def test_the_command_line_reports_an_untested_whoosh_in_one_line(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(_whoosh.UNTESTED_OK_VARIABLE, raising=False)
    monkeypatch.setattr(_whoosh, "INSTALLED_WHOOSH", (3, 999, 0))
    result = run("search", "Dnipro")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("newsindex: error: newsindex was tested with whoosh3 ")


def test_setup_cfg_pins_the_tested_whoosh() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    requires = config["options"]["install_requires"]
    pin = re.search(r"^whoosh3~=(\d+)\.(\d+)\.\d+$", requires, re.M)
    assert pin, "whoosh3 must be pinned to a minor version with ~="
    assert {(int(pin[1]), int(pin[2]))} == _whoosh.TESTED_WHOOSH


def test_every_third_party_import_is_a_declared_dependency() -> None:
    declared = configparser.ConfigParser()
    declared.read(ROOT / "setup.cfg")
    # What --cluster imports (newsindex/cluster.py and the Dask scope) is the extra "cluster".
    requires = (declared["options"]["install_requires"] + declared["options.extras_require"]["cluster"]).lower()
    distribution = {"stemmer": "pystemmer", "dateutil": "python-dateutil", "charset_normalizer": "charset-normalizer",
                    "whoosh": "whoosh3", "distributed": "dask"}
    imported: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    import sys

    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "__future__"}
    missing = sorted(n for n in third_party if not re.search(rf"^{re.escape(distribution.get(n.lower(), n.lower()))}\b",
                                                             requires, re.M))
    assert not missing, f"imported but not declared in setup.cfg: {missing}"


def test_the_package_exports_every_result_type_and_error() -> None:
    import dataclasses

    from newsindex import errors, models

    public = set(newsindex.__all__)
    results = {n for n, c in vars(models).items() if dataclasses.is_dataclass(c) and c.__module__ == models.__name__}
    raised = {n for n, c in vars(errors).items() if inspect.isclass(c) and issubclass(c, newsindex.NewsIndexError)}
    assert results | raised <= public
    assert all(getattr(newsindex, name) is not None for name in public)


@pytest.mark.parametrize("read_size", [_whoosh.POSTINGS_READ, 64])
def test_posting_arrays_are_what_whooshs_matcher_steps_through(
    bbc_business: Path, read_size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """_whoosh.posting_arrays and posting_values parse W3's posting blocks
    themselves: the same documents, weights and values as the matcher gives
    one at a time, for words of
    many blocks and of one, inlined or not, whether a block lies in the
    piece of the file read or runs past it (``read_size``)."""
    import random

    from newsindex.write.storage import open_index

    monkeypatch.setattr(_whoosh, "POSTINGS_READ", read_size)
    with open_index(str(bbc_business)).reader() as reader:
        terms = [term for term in reader.all_terms() if term[0] in ("body", "title")]
        common = sorted(terms, key=lambda term: -reader.doc_frequency(*term))[:30]
        for name, text in common + random.Random(7).sample(terms, 100):
            fmt = reader.schema[name].format
            ids, weights = _whoosh.posting_arrays(_whoosh.raw_term_matcher(reader, name, text, fmt))
            same_ids, values = _whoosh.posting_values(_whoosh.raw_term_matcher(reader, name, text, fmt))
            matcher = _whoosh.raw_term_matcher(reader, name, text, fmt)
            expected = []
            while matcher.is_active():
                expected.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            got = list(zip(ids.tolist(), weights.tolist(), values, strict=True))
            assert got == expected and same_ids.tolist() == ids.tolist(), (name, text)
        assert reader.doc_frequency(*common[0]) > 300  # blocks of many postings (128 at most)
