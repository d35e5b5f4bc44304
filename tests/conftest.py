from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsindex.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CORPORA = Path(os.environ.get("NEWSINDEX_CORPORA", ROOT.parent / "shared" / "corpora"))

NYT_SEED = "000_e9125ed3b73e1ab6.txt"
LBC_SEED = "004_4cb7eeb292a544b7.txt"


def corpus(name: str) -> Path:
    """A research corpus from ../shared/corpora, or a skip saying where it was looked for."""
    path = CORPORA / name
    if not path.is_dir():
        pytest.skip(f"corpus {name!r} not found at {path} (set NEWSINDEX_CORPORA to its parent)")
    return path


@pytest.fixture(scope="session", autouse=True)
def place_name_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gazetteer's cache (search/gazetteer.py) is built once a run, in a
    folder of the run's own: never in the user's cache, and shared with the
    CLI's subprocesses through the environment."""
    folder = tmp_path_factory.mktemp("cache")
    os.environ["NEWSINDEX_CACHE"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def bbc_business(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of BBC News' business articles (510), read only: its common
    words' postings fill several blocks."""
    from newsindex import NewsIndex

    path = tmp_path_factory.mktemp("bbc-business") / "index"
    with NewsIndex(path) as ni:
        ni.add([corpus("bbc") / "business"])
    return path


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of seeds/, safe to modify."""
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture
def index_path(tmp_path: Path) -> Path:
    return tmp_path / "index"


Run = Callable[..., Result]


@pytest.fixture
def run(index_path: Path) -> Run:
    """Invoke the CLI against the test's index; stdout and stderr are kept apart."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--index", str(index_path), *args], catch_exceptions=False)

    return invoke


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def json_hits(text: str) -> tuple[list[dict], dict]:
    """The hit records of `search --json` output and its closing summary record."""
    *hits, last = json_lines(text)
    assert all("summary" not in h for h in hits)
    return hits, last["summary"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The cluster tests run last: Dask's client leaves its event-loop thread
    running in the test process, and an add forks its flush only in a process
    of one thread (write/segments.py), which other tests check."""
    items.sort(key=lambda item: item.path.name == "test_cluster.py")
