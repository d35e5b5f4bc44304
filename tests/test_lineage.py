"""`newsindex lineage` and NewsIndex.lineage: a story's copies in order, and what each changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsindex import ArticleNotFoundError, NewsIndex

from .conftest import LBC_SEED, NYT_SEED, Run, json_lines

REWORDED = ("All Russian troops were moved across the Dnipro river to the eastern bank early this morning, "
            "Russian officials said.")
REMOVED = "However the Kremlin denied the retreat was a humiliation for Putin."
REPLACED = "Click here for more coverage of the war in Ukraine"
ADDED = "Reuters contributed reporting from Kyiv."


def _copies(seeds: Path) -> None:
    """Three republications of the LBC story: one a day earlier with a credit,
    one later reworded and cut, one undated and unchanged."""
    story = (seeds / LBC_SEED).read_text(encoding="utf-8")
    (seeds / "wire.txt").write_text(story, encoding="utf-8")
    (seeds / "wire.meta.json").write_text(json.dumps({"outlet": "Wire Daily", "credit": "Reuters",
                                                      "date": "2022-11-10T20:00"}))
    edited = (story.replace("early this morning", "before dawn")
              .replace(REMOVED, "")
              .replace(REPLACED, ADDED)
              .replace("'Kremlin's dreams crumble into dust'", "Kremlin's dreams in dust"))
    (seeds / "later.txt").write_text(edited, encoding="utf-8")
    (seeds / "later.meta.json").write_text(json.dumps({"outlet": "Later Herald", "date": "2022-11-14"}))
    body_only = story.split("By Asher McShane", 1)[1]
    (seeds / "undated.txt").write_text(body_only, encoding="utf-8")


@pytest.fixture
def story_index(seeds: Path, index_path: Path) -> NewsIndex:
    _copies(seeds)
    ni = NewsIndex(index_path)
    ni.add([seeds])
    yield ni
    ni.close()


def test_lineage_orders_copies_and_says_what_each_changed(story_index: NewsIndex, seeds: Path):
    story = story_index.lineage(str(seeds / LBC_SEED))
    names = [Path(c.path).name for c in story.copies]
    assert names == ["wire.txt", LBC_SEED, "later.txt", "undated.txt"]  # by date, undated last
    wire, lbc, later, undated = story.copies
    assert story.first == wire.id and wire.first_seen and not any(c.first_seen for c in story.copies[1:])
    assert wire.changes is None  # the one the others are compared with

    assert lbc.changes.credit == ("Reuters", None)
    assert lbc.changes.headline is None and lbc.changes.added == () and lbc.changes.removed == ()

    changes = later.changes
    assert changes.headline == (wire.title, later.title) and "Kremlin's dreams in dust" in later.title
    assert changes.removed == (REMOVED, REPLACED)  # a sentence replaced by one with other words
    assert changes.added == (ADDED,)
    (edit,) = changes.edited
    assert edit.before == REWORDED and "before dawn" in edit.after
    assert ("-", "early this morning,") in edit.words and ("+", "before dawn,") in edit.words
    assert edit.words[0] == ("=", "All Russian troops were moved across the Dnipro river to the eastern bank")

    assert undated.published is None and not undated.first_seen
    # The same story without its headline and date lines: the text itself is the first's.
    assert undated.changes.added == () and undated.changes.removed == () and undated.changes.edited == ()

    # Any copy names the same story.
    assert story_index.lineage(str(seeds / "undated.txt")) == story


def test_an_article_without_copies_is_a_lineage_of_one(story_index: NewsIndex, seeds: Path):
    alone = story_index.lineage(str(seeds / NYT_SEED))
    assert len(alone.copies) == 1 and alone.copies[0].changes is None
    with pytest.raises(ArticleNotFoundError):
        story_index.lineage("ffffffffffff")


def test_no_dated_copy_means_no_first(tmp_path: Path, index_path: Path, seeds: Path):
    body = (seeds / LBC_SEED).read_text(encoding="utf-8").split("By Asher McShane", 1)[1]
    folder = tmp_path / "undated"
    folder.mkdir()
    (folder / "a.txt").write_text(body, encoding="utf-8")
    (folder / "b.txt").write_text(body + "\nThis story has been corrected.\n", encoding="utf-8")
    with NewsIndex(index_path) as ni:
        ni.add([folder])
        story = ni.lineage(str(folder / "b.txt"))
    assert story.first is None and [Path(c.path).name for c in story.copies] == ["a.txt", "b.txt"]
    assert story.copies[1].changes.added == ("This story has been corrected.",)


def test_lineage_cli_and_show_points_to_it(run: Run, seeds: Path):
    _copies(seeds)
    run("add", str(seeds))
    shown = run("lineage", str(seeds / LBC_SEED))
    assert shown.exit_code == 0
    out = shown.stdout
    assert out.startswith("4 copies of one story, first seen in Wire Daily on 10 Nov 2022 20:00")
    assert f"− {REMOVED}" in out and f"+ {ADDED}" in out
    assert "~ All Russian troops" in out and "credit: Reuters → (none)" in out
    (record,) = json_lines(run("lineage", str(seeds / "later.txt"), "--json").stdout)
    assert record["copies"][2]["changes"]["removed"] == [REMOVED, REPLACED]
    assert f"newsindex lineage {record['copies'][1]['id']}" in run("show", str(seeds / LBC_SEED)).stdout
    alone = run("lineage", str(seeds / NYT_SEED))
    assert alone.exit_code == 0 and "No near-identical copy" in alone.stdout
    assert run("lineage", "ffffffffffff").exit_code != 0
