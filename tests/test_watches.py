"""Watchlists: `newsindex watch add|list|remove|check` and the NewsIndex watch methods."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from newsindex import NewsIndex
from newsindex.watches import FILENAME

from .conftest import Run, json_lines


def _story(folder: Path, name: str, title: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def test_a_watch_reports_what_comes_after_it_once(run: Run, seeds: Path, tmp_path: Path, index_path: Path):
    run("add", str(seeds))
    assert run("watch", "add", "bridges", "Dnipro", "bridge").exit_code == 0
    assert run("watch", "check").exit_code == 1  # what the archive held is seen already

    new = _story(tmp_path / "new", "b.txt", "Bridge repaired", "The Dnipro bridge was repaired on Monday.")
    added = run("add", str(new))
    assert "bridges: 1 new (newsindex watch check)" in added.stdout
    checked = run("watch", "check", "--json")
    assert checked.exit_code == 0
    (report,) = json_lines(checked.stdout)
    assert report["name"] == "bridges" and [h["title"] for h in report["new"]] == ["Bridge repaired"]
    assert run("watch", "check").exit_code == 1  # now seen

    # Updated, re-dated, or another copy of the same story: not new.
    new.write_text("Bridge repaired\n\n12 November 2022\n\nThe Dnipro bridge was repaired on Monday.\n")
    _story(tmp_path / "copies", "c.txt", "Bridge fixed", "The Dnipro bridge was repaired on Monday.")
    run("add", str(new), str(tmp_path / "copies"))
    assert run("watch", "check").exit_code == 1


def test_watches_are_listed_removed_and_named_once(run: Run, seeds: Path):
    run("add", str(seeds))
    assert run("watch", "add", "k", "Kherson", "--outlet", "LBC").exit_code == 0
    assert run("watch", "add", "k", "Kyiv").exit_code == 2  # the name is taken
    listed = json_lines(run("watch", "list", "--json").stdout)
    assert [(w["name"], w["query"], w["filters"]) for w in listed] == [("k", "Kherson", {"outlet": "LBC"})]
    assert json_lines(run("watch", "remove", "k", "--json").stdout) == [{"removed": "k"}]
    assert run("watch", "remove", "k").exit_code == 2
    assert run("watch", "list", "--json").stdout == ""
    assert run("watch", "add", "bad", '"open').exit_code == 2  # a query that cannot run is refused


def test_a_watch_whose_query_no_longer_runs_is_reported_and_the_others_run(run: Run, seeds: Path,
                                                                             index_path: Path, tmp_path: Path):
    run("add", str(seeds))
    run("watch", "add", "good", "ferry")
    run("watch", "add", "broken", "Kherson")
    with sqlite3.connect(index_path / FILENAME) as db:
        db.execute("UPDATE watches SET query='\"open' WHERE name='broken'")
    run("add", str(_story(tmp_path / "n", "f.txt", "Ferry", "The ferry sailed again.")))
    reports = {r["name"]: r for r in json_lines(run("watch", "check", "--json").stdout)}
    assert "not closed" in reports["broken"]["error"] and len(reports["good"]["new"]) == 1


def test_watches_survive_a_rebuild(run: Run, seeds: Path, index_path: Path):
    run("add", str(seeds))
    run("watch", "add", "k", "Kherson")
    assert run("rebuild").exit_code == 0
    assert [w["name"] for w in json_lines(run("watch", "list", "--json").stdout)] == ["k"]
    assert run("watch", "check").exit_code == 1  # the rebuilt articles are the same stories


def test_two_processes_adding_watches_at_once_both_land(seeds: Path, index_path: Path):
    with NewsIndex(index_path) as ni:
        ni.add([str(seeds)])
    procs = [subprocess.Popen([sys.executable, "-m", "newsindex", "watch", "add", f"w{i}", "Kherson",
                               "--index", str(index_path)], stderr=subprocess.PIPE) for i in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    with NewsIndex(index_path) as ni:
        assert sorted(w.name for w in ni.watch_list()) == ["w0", "w1", "w2", "w3"]
