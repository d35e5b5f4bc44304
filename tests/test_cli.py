"""The command line, driven through click's CliRunner, as a user would use it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from newsindex import NewsIndex, render
from newsindex.index import LOCK_NAME

from .conftest import LBC_SEED, NYT_SEED, Run, json_hits, json_lines

LBC_TITLE_START = "'Kremlin's dreams crumble into dust'"


def assert_one_line_error(result, exit_code: int, *fragments: str) -> None:
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsindex: error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_add_then_search_seeds(run: Run, seeds: Path):
    added = run("add", str(seeds))
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("2 added, 0 updated, 0 unchanged, 0 duplicate, 0 skipped in ")

    found = run("search", "Dnipro bridge")
    assert found.exit_code == 0
    lines = found.stdout.splitlines()
    assert lines[0].startswith("2 hits for 'Dnipro bridge' (")
    lbc = found.stdout.index(LBC_TITLE_START)
    nyt = found.stdout.index("Ukraine’s troops entered the southern port city of Kherson")
    assert lbc < nyt  # the article about the bridge over the Dnipro comes first
    assert "LBC · 11 Nov 2022 12:51 · Asher McShane" in found.stdout
    assert "The New York Times · undated" in found.stdout
    assert "(lede, no title)" in found.stdout
    assert "blew up bridges" in found.stdout
    assert "Picture:" not in found.stdout  # captions stay out of body snippets


def test_piped_search_output_keeps_each_snippet_on_one_line(run: Run, seeds: Path):
    """Not a terminal: nothing is wrapped, so grep sees each snippet whole."""
    run("add", str(seeds))
    hits, _ = json_hits(run("search", "Dnipro bridge", "--json").stdout)
    snippets = [s["text"] for h in hits for s in h["snippets"]]
    assert max(map(len, snippets)) > 120
    lines = run("search", "Dnipro bridge").stdout.splitlines()
    assert all(any(text in line for line in lines) for text in snippets)


def test_search_json_offsets_point_at_matched_words(run: Run, seeds: Path):
    run("add", str(seeds))
    result = run("search", "Dnipro bridge", "--json")
    assert result.exit_code == 0
    hits, summary = json_hits(result.stdout)
    assert [h["rank"] for h in hits] == [1, 2]
    assert summary["total"] == 2 and summary["shown"] == 2 and summary["offset"] == 0
    lbc, nyt = hits
    assert lbc["title"].startswith(LBC_TITLE_START)
    assert lbc["outlet"] == "LBC" and lbc["provenance"]["outlet"] == "sidecar"
    assert lbc["published"] == "2022-11-11T12:51:00"
    assert lbc["updated"] == "2022-11-11T18:11:00"
    assert lbc["byline"] == ["Asher McShane"]
    assert nyt["title"] is None and nyt["published"] is None
    assert nyt["credit"] == "New York Times News Service"
    assert nyt["path"].endswith(NYT_SEED)
    matched = set()
    for hit in hits:
        assert hit["snippets"]
        for snippet in hit["snippets"]:
            assert snippet["matches"]
            for start, end in snippet["matches"]:
                word = snippet["text"][start:end]
                assert word in ("Dnipro", "bridge", "bridges"), word
                matched.add(word)
    assert matched == {"Dnipro", "bridge", "bridges"}


def test_highlighting_on_a_terminal_and_no_color(run: Run, seeds: Path, index_path: Path, monkeypatch):
    run("add", str(seeds))
    with NewsIndex(index_path) as ni:
        hit = ni.search("Dnipro bridge").hits[0]
    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system="standard").print(render.hit(hit))
    assert "\x1b[1;33mDnipro\x1b[0m" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = io.StringIO()
    Console(file=plain, force_terminal=True, color_system="standard").print(render.hit(hit))
    assert "\x1b[33m" not in plain.getvalue() and "\x1b[1;33m" not in plain.getvalue()


def test_readd_is_a_noop(run: Run, seeds: Path):
    run("add", str(seeds))
    again = run("add", str(seeds))
    assert again.exit_code == 0
    assert again.stdout.startswith("0 added, 0 updated, 2 unchanged, 0 duplicate, 0 skipped")


def test_changed_file_replaces_its_old_version(run: Run, seeds: Path):
    run("add", str(seeds))
    nyt = seeds / NYT_SEED
    nyt.write_text(nyt.read_text(encoding="utf-8").replace("Kherson", "Khersonville", 1), encoding="utf-8")
    result = run("add", str(seeds))
    assert result.stdout.startswith("0 added, 1 updated, 1 unchanged")
    assert run("search", "Khersonville").exit_code == 0
    assert json_lines(run("stats", "--json").stdout)[0]["articles"] == 2


def test_touched_file_is_unchanged(run: Run, seeds: Path):
    run("add", str(seeds))
    os.utime(seeds / NYT_SEED, None)
    assert run("add", str(seeds)).stdout.startswith("0 added, 0 updated, 2 unchanged")


def test_duplicate_text_is_reported_not_indexed(run: Run, seeds: Path, tmp_path: Path):
    run("add", str(seeds))
    copy = tmp_path / "copy-of-lbc.txt"
    copy.write_bytes((seeds / LBC_SEED).read_bytes().replace(b"\n\n", b"\n\n\n"))  # same text, other spacing
    result = run("add", "-v", str(copy))
    assert result.exit_code == 0
    assert result.stdout.startswith("0 added, 0 updated, 0 unchanged, 1 duplicate")
    lbc_id = json_lines(run("show", str(seeds / LBC_SEED), "--json").stdout)[0]["id"]
    assert f"copy-of-lbc.txt: duplicate of {lbc_id}" in result.stderr
    assert json_lines(run("stats", "--json").stdout)[0]["articles"] == 2


def test_binary_and_empty_files_are_skipped_while_the_rest_lands(run: Run, seeds: Path):
    (seeds / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (seeds / "empty.txt").write_text("  \n", encoding="utf-8")
    result = run("add", str(seeds))
    assert result.exit_code == 1
    assert result.stdout.startswith("2 added, 0 updated, 0 unchanged, 0 duplicate, 2 skipped")
    assert "photo.txt: skipped: unsupported format: PNG image" in result.stderr
    assert "empty.txt: skipped: empty file" in result.stderr
    assert run("search", "Kherson").exit_code == 0


def test_non_utf8_text_is_decoded(run: Run, tmp_path: Path):
    story = tmp_path / "latin1.txt"
    story.write_bytes(
        "Club agrees record fee\n\nThe club paid a £15.8m transfer fee for the striker, "
        "the largest in its history, officials confirmed on Monday.".encode("latin-1")
    )
    assert run("add", str(story)).exit_code == 0
    hit = json_lines(run("search", "transfer fee", "--json").stdout)[0]
    assert "£15.8m" in hit["snippets"][0]["text"]


def test_symlink_loop_is_not_followed_forever(run: Run, seeds: Path):
    (seeds / "loop").symlink_to(seeds, target_is_directory=True)
    result = run("add", str(seeds))
    assert result.exit_code == 0
    assert result.stdout.startswith("2 added")


def test_remove_by_path_and_by_id_prefix(run: Run, seeds: Path):
    run("add", str(seeds))
    assert run("remove", str(seeds / NYT_SEED)).exit_code == 0
    assert run("search", "Dnipro").stdout.startswith("1 hit for")
    lbc_id = json_lines(run("search", "Dnipro", "--json").stdout)[0]["id"]
    removed = run("remove", lbc_id[:6], "--json")
    assert json_lines(removed.stdout) == [{"removed": [lbc_id], "not_found": []}]
    assert run("search", "Dnipro").exit_code == 1
    missing = run("remove", "ffffffffffff")
    assert missing.exit_code == 1 and "ffffffffffff: not in the index" in missing.stderr
    # A removed file that is added again comes back.
    assert run("add", str(seeds)).stdout.startswith("2 added")


def test_show_by_prefix_and_path(run: Run, seeds: Path):
    run("add", str(seeds))
    data = json_lines(run("show", str(seeds / LBC_SEED), "--json").stdout)[0]
    assert data["outlet"] == "LBC" and len(data["captions"]) == 4
    assert data["provenance"]["title"] == "headline line 1"
    assert "Picture:" not in data["body"]
    shown = run("show", data["id"][:5])
    assert shown.exit_code == 0
    assert "from sidecar" in shown.stdout and "Asher McShane" in shown.stdout
    nyt = run("show", str(seeds / NYT_SEED))
    assert "(lede, no title)" in nyt.stdout and "from credit line" in nyt.stdout
    assert_one_line_error(run("show", "not-an-id"), 1, "no indexed article matches 'not-an-id'")


def test_stats(run: Run, seeds: Path):
    run("add", str(seeds))
    data = json_lines(run("stats", "--json").stdout)[0]
    assert data["articles"] == 2
    assert data["undated"] == 1
    assert data["outlets"] == {"LBC": 1, "The New York Times": 1}
    assert data["earliest"] == data["latest"] == "2022-11-11T12:51:00"
    assert data["size_bytes"] > 0
    text = run("stats").stdout
    assert "articles  2" in text


def test_add_flags_override_the_text(run: Run, seeds: Path):
    result = run("add", str(seeds / NYT_SEED), "--outlet", "NYT syndication", "--date", "2022-11-11",
                 "--byline", "Marc Santora")
    assert result.exit_code == 0
    data = json_lines(run("show", str(seeds / NYT_SEED), "--json").stdout)[0]
    assert data["outlet"] == "NYT syndication" and data["provenance"]["outlet"] == "flag"
    assert data["published"] == "2022-11-11T00:00:00" and data["provenance"]["published"] == "flag"
    assert data["byline"] == ["Marc Santora"]
    assert data["credit"] == "New York Times News Service"  # still what the text says


def test_missing_index(run: Run):
    assert_one_line_error(run("search", "Kherson"), 2, "no index at /", "create one with `newsindex add FOLDER")


def test_malformed_queries(run: Run, seeds: Path):
    run("add", str(seeds))
    assert_one_line_error(run("search", "Kherson date:yesterdayish"), 2, "bad query", "is not a date")
    assert_one_line_error(run("search", "  "), 2, "the query is empty")
    assert_one_line_error(run("search", "the of"), 2, "nothing to search for")


def test_query_language(run: Run, seeds: Path):
    run("add", str(seeds))

    def count(query: str) -> int:
        result = run("search", query, "--json")
        assert result.exit_code in (0, 1), result.output
        return len(json_hits(result.stdout)[0])

    assert count("outlet:LBC") == 1
    assert count("date:2022-11") == 1
    assert count("date:[2022-11-01 to 2022-11-30] Kherson") == 1
    assert count("date:2021") == 0
    assert count('"eastern bank"') == 2
    assert count('"bank eastern"') == 0
    assert count("Kherson NOT Peskov") == 0
    assert count("Lenin OR Zhdanov") == 2
    assert count("byline:mcshane") == 1
    assert count("captions:archangelske") == 1
    assert count("bridges") == 2  # stemmed
    assert count("ZELENSKY") == 1  # case folded


def test_add_missing_path_changes_nothing(run: Run, index_path: Path, tmp_path: Path):
    assert_one_line_error(run("add", str(tmp_path / "nope")), 2, "nope: no such file or directory")
    assert not index_path.exists()


def test_bad_flag_is_an_error_naming_the_field(run: Run, seeds: Path, index_path: Path):
    assert_one_line_error(run("add", str(seeds), "--date", "last friday"), 2, "'date'", "ISO 8601")
    assert not index_path.exists()


def test_bad_sidecar_skips_that_article_naming_file_and_field(run: Run, seeds: Path):
    (seeds / LBC_SEED.replace(".txt", ".meta.json")).write_text('{"outlet": "LBC", "date": "11/11/22"}')
    result = run("add", str(seeds))
    assert result.exit_code == 1
    assert result.stdout.startswith("1 added, 0 updated, 0 unchanged, 0 duplicate, 1 skipped")
    assert f"{LBC_SEED}: skipped: bad sidecar 004_4cb7eeb292a544b7.meta.json: field 'date'" in result.stderr
    (seeds / LBC_SEED.replace(".txt", ".meta.json")).write_text('{"publisher": "LBC"}')
    assert "field 'publisher': unknown field" in run("add", str(seeds)).stderr


def test_sidecar_change_reindexes_the_article(run: Run, seeds: Path):
    run("add", str(seeds))
    (seeds / LBC_SEED.replace(".txt", ".meta.json")).write_text('{"outlet": "LBC News"}')
    assert run("add", str(seeds)).stdout.startswith("0 added, 1 updated, 1 unchanged")
    assert json_lines(run("search", "Dnipro", "--json").stdout)[0]["outlet"] == "LBC News"


def test_busy_index_waits_then_fails(run: Run, seeds: Path, index_path: Path):
    run("add", str(seeds / NYT_SEED))
    from whoosh.util.filelock import FileLock

    lock = FileLock(str(index_path / LOCK_NAME))
    assert lock.acquire()
    try:
        assert_one_line_error(run("add", str(seeds), "--wait", "0.2"), 2, "is busy")
        assert run("search", "Kherson").exit_code == 0  # readers are not blocked
    finally:
        lock.release()
    assert run("add", str(seeds)).stdout.startswith("1 added")


def test_lost_manifest_is_rebuilt_from_the_index(run: Run, seeds: Path, index_path: Path):
    run("add", str(seeds))
    for name in os.listdir(index_path):
        if name.startswith("newsindex-manifest"):
            os.remove(index_path / name)
    assert run("add", str(seeds)).stdout.startswith("0 added, 0 updated, 2 unchanged")


@pytest.mark.parametrize("command", ["add", "search", "show", "remove", "stats", "check", "rebuild"])
def test_help_shows_an_example(run: Run, command: str):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"newsindex {command}" in result.stdout


def test_index_from_environment(seeds: Path, tmp_path: Path):
    from click.testing import CliRunner

    from newsindex.cli import cli

    env = {"NEWSINDEX_INDEX": str(tmp_path / "envindex")}
    runner = CliRunner()
    assert runner.invoke(cli, ["add", str(seeds)], env=env).exit_code == 0
    assert (tmp_path / "envindex").is_dir()
    assert runner.invoke(cli, ["search", "Kherson"], env=env).exit_code == 0


def test_python_dash_m_and_console_script(seeds: Path, tmp_path: Path):
    index = str(tmp_path / "ix")
    added = subprocess.run(
        [sys.executable, "-m", "newsindex", "add", str(seeds), "--index", index],
        capture_output=True, text=True,
    )
    assert added.returncode == 0, added.stderr
    searched = subprocess.run(
        [sys.executable, "-m", "newsindex", "search", "Dnipro bridge", "--index", index],
        capture_output=True, text=True,
    )
    assert searched.returncode == 0
    assert "\x1b[" not in searched.stdout  # not a terminal: no colour codes
    assert searched.stdout.index(LBC_TITLE_START) < searched.stdout.index("Ukraine’s troops")


def _imported(stderr: str) -> set[str]:
    """The modules ``python -X importtime`` reports."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_a_search_from_a_shell_loads_no_ingestion_code(seeds: Path, tmp_path: Path):
    """A cold search starts fast because it imports only what searching needs:
    no format readers or extraction libraries, no manifest, no date parser for
    a query without dates (the issue's "lazy imports" target). And an add
    imports no search code."""
    index = str(tmp_path / "ix")
    added = subprocess.run([sys.executable, "-X", "importtime", "-m", "newsindex", "add", str(seeds), "--index", index],
                           capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    imported = _imported(added.stderr)
    assert "newsindex.write.manifest" in imported
    searching = {"newsindex.search", "newsindex.search.run", "newsindex.search.scoring", "whoosh.searching",
                 "whoosh.highlight"}
    assert not searching & imported, f"an add imported {sorted(searching & imported)}"
    searched = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "newsindex", "search", "Dnipro bridge", "--index", index],
        capture_output=True, text=True,
    )
    assert searched.returncode == 0, searched.stderr
    imported = _imported(searched.stderr)
    assert "newsindex.search.run" in imported
    heavy = {"trafilatura", "htmldate", "lxml", "dateparser", "datasketch", "numpy", "feedparser", "warcio",
             "charset_normalizer", "sqlite3", "newsindex.ingest", "newsindex.write.manifest", "newsindex.write.batch",
             "whoosh.qparser.dateparse"}
    loaded = heavy & {name if name.startswith(("newsindex.", "whoosh.")) else name.split(".")[0] for name in imported}
    assert not loaded, f"a search imported {sorted(loaded)}"


@pytest.mark.parametrize("query, exit_code", [
    ('"unbalanced quote', 2), ('"eastern bank', 2), ("(((Kherson", 0), ("Kherson)))", 0),
    ("nosuchfield:Kherson", 1), ("Kherson\x00\x07", 0), ("*", 0), ("*ank", 2), ("?", 2),
    ("date:[1 to 99999999]", 2), ("Kherson " * 1500, 0), (" ".join(f"w{i}" for i in range(1500)), 2),
    ("x" * 30_000, 2), ("title:[a TO zzzz]", 0),
])
def test_hostile_queries_end_in_results_or_a_one_line_error(run: Run, seeds: Path, query: str, exit_code: int):
    run("add", str(seeds))
    result = run("search", query)
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    if exit_code == 2:
        assert_one_line_error(result, 2, "bad query")
