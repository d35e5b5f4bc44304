"""`check` finds damage; `rebuild` repairs it from the recorded files."""

from __future__ import annotations

from pathlib import Path

from newsindex import NewsIndex

from .conftest import LBC_SEED, NYT_SEED, Run, json_lines


def damage_a_segment(index_path: Path) -> None:
    segment = next(index_path.glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[:1000])


def test_check_a_healthy_index(run: Run, seeds: Path):
    run("add", str(seeds))
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout.endswith(": 2 articles in 1 segment: no problems found\n")


def test_damage_is_found_and_rebuild_repairs_it(run: Run, seeds: Path, index_path: Path):
    run("add", str(seeds))
    damage_a_segment(index_path)
    checked = run("check")
    assert checked.exit_code == 1
    assert "problem: the index cannot be opened" in checked.stdout
    broken = run("search", "Kherson")
    assert broken.exit_code == 2
    assert "cannot be read" in broken.stderr and "newsindex rebuild" in broken.stderr
    rebuilt = run("rebuild")
    assert rebuilt.exit_code == 0
    assert rebuilt.stdout.startswith("rebuilt 2 articles (2 from their files, 0 from the stored copy), 0 lost")
    assert run("check").exit_code == 0
    assert run("search", "Dnipro bridge").exit_code == 0
    assert run("add", str(seeds)).stdout.startswith("0 added, 0 updated, 2 unchanged")


def test_lost_table_of_contents_is_rebuilt_from_the_manifest(run: Run, seeds: Path, index_path: Path):
    run("add", str(seeds))
    for toc in index_path.glob("_MAIN_*.toc"):
        toc.unlink()
    missing = run("search", "Kherson")
    assert missing.exit_code == 2 and "run `newsindex rebuild --index " in missing.stderr
    assert run("rebuild").stdout.startswith("rebuilt 2 articles (2 from their files")
    assert run("search", "Dnipro bridge").exit_code == 0


def test_rebuild_keeps_the_stored_copy_of_a_vanished_file(run: Run, seeds: Path):
    run("add", str(seeds))
    (seeds / NYT_SEED).unlink()
    check = run("check")
    assert check.exit_code == 0 and "note: 1 indexed files are no longer on disk" in check.stdout
    result = run("rebuild", "--json")
    report = json_lines(result.stdout)[0]
    assert (report["articles"], report["from_source"], report["from_index"], report["lost"]) == (2, 1, 1, [])
    kept = json_lines(run("show", str(seeds / NYT_SEED), "--json").stdout)[0]
    assert kept["credit"] == "New York Times News Service" and kept["body"].startswith("Ukraine’s troops")


def test_rebuild_gives_add_flags_again(index_path: Path, seeds: Path):
    with NewsIndex(index_path) as ni:
        ni.add([seeds / NYT_SEED], outlet="NYT syndication")
        ni.add([seeds / LBC_SEED])
        report = ni.rebuild()
        assert (report.articles, report.from_source) == (2, 2)
        article = ni.get(str(seeds / NYT_SEED))
        assert article.outlet == "NYT syndication" and article.provenance["outlet"] == "flag"
        assert ni.add([seeds / NYT_SEED], outlet="NYT syndication").counts()["unchanged"] == 1
        assert ni.check().ok
