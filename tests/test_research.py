"""Timeline, near-identical copies, similar articles and "did you mean"."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsindex import NewsIndex

from .archive import write_archive
from .conftest import Run, corpus, json_hits, json_lines


@pytest.fixture
def archive_index(index_path: Path, tmp_path: Path):
    with NewsIndex(index_path) as ni:
        ni.add([write_archive(tmp_path / "archive")])
        yield ni


def test_timeline_by_month_with_gaps_and_peak(archive_index: NewsIndex):
    t = archive_index.timeline("Kherson", by="month", until="2022-12")
    assert [(p.label, p.count) for p in t.periods] == [("2022-11", 2), ("2022-12", 2)]
    assert t.peak.label == "2022-11" and t.undated == 1 and t.total == 4
    daily = archive_index.timeline("Kherson", until="2022-12")  # 44 days: one bar a day
    assert daily.by == "day" and len(daily.periods) == 44
    assert sum(p.count for p in daily.periods) == 4 and daily.periods[1].label == "2022-11-12"
    weekly = archive_index.timeline("Kherson", by="week", until="2022-12")
    assert weekly.periods[0].label == "2022-W45" and weekly.periods[0].start == date(2022, 11, 7)


def test_timeline_cli(run: Run, tmp_path: Path):
    run("add", str(write_archive(tmp_path / "archive")))
    chart = run("timeline", "Kherson", "--by", "month", "--until", "2022-12")
    assert chart.exit_code == 0
    lines = chart.stdout.splitlines()
    assert lines[0] == "4 dated hits for 'Kherson', by month; 1 undated not shown"
    assert lines[1].startswith("2022-11 █") and lines[1].rstrip().endswith("2 ← peak")
    series = json_lines(run("timeline", "Kherson", "--by", "month", "--until", "2022-12", "--json").stdout)
    assert series[:2] == [{"query": "Kherson", "period": "2022-11", "start": "2022-11-01", "count": 2},
                          {"query": "Kherson", "period": "2022-12", "start": "2022-12-01", "count": 2}]
    assert series[-1]["summary"]["peak"] == {"period": "2022-11", "count": 2, "rate": None}
    assert run("timeline", "zzzzzz").exit_code == 1


def test_timelines_compared_over_the_same_periods(archive_index: NewsIndex):
    kherson, dnipro = archive_index.timelines(["Kherson", "Dnipro"], by="month", until="2022-12")
    assert [(p.label, p.count) for p in kherson.periods] == [("2022-11", 2), ("2022-12", 2)]
    assert [(p.label, p.count) for p in dnipro.periods] == [("2022-11", 1), ("2022-12", 0)]
    # The span is the union of the series': "grain" alone would have one month.
    grain, power = archive_index.timelines(["grain", "power"], by="month")
    assert [p.label for p in grain.periods] == ["2022-11", "2022-12"] == [p.label for p in power.periods]
    assert [p.count for p in grain.periods] == [1, 0] and power.peak.label == "2022-12"


def test_a_normalised_timeline_divides_by_what_each_period_holds(archive_index: NewsIndex):
    t = archive_index.timeline("Kherson", by="month", until="2022-12", normalize=True)
    # November holds three dated articles, December two.
    assert [(p.count, p.indexed, p.rate) for p in t.periods] == [(2, 3, 2 / 3), (2, 2, 1.0)]
    assert t.normalized and t.peak.label == "2022-12"  # the higher share, not the first of equal counts
    # The filters apply to what is counted as held, too.
    bbc = archive_index.timeline("Kherson", by="month", outlet="BBC", normalize=True)
    assert [(p.label, p.count, p.indexed) for p in bbc.periods] == [("2022-12", 2, 2)]
    week = archive_index.timeline("Kherson", by="week", until="2022-12", normalize=True)
    empty = next(p for p in week.periods if p.indexed == 0)
    assert empty.rate is None and empty.value == 0  # nothing held: no share, not 0%


def test_a_story_timeline_counts_copies_once_when_first_seen(index_path: Path, seeds: Path):
    syndicate(seeds, seeds)
    with NewsIndex(index_path) as ni:
        ni.add([seeds])
        copies = ni.timeline("Kherson", by="day")
        stories = ni.timeline("Kherson", by="day", stories=True)
        assert copies.total + copies.undated == ni.search("Kherson", all_copies=True).total == 4
        assert stories.total + stories.undated == ni.search("Kherson").total == 2
        # The LBC story counts on the day of its earliest copy (Early Post, the 10th).
        assert [(p.label, p.count) for p in stories.periods if p.count] == [("2022-11-10", 1)]
        assert stories.stories and stories.undated == 1
        held = ni.timeline("Kherson", by="day", stories=True, normalize=True)
        assert held.periods[0].indexed == 1  # three copies on two days: one story held, on the 10th


def test_compared_timelines_cli(run: Run, tmp_path: Path):
    run("add", str(write_archive(tmp_path / "archive")))
    chart = run("timeline", "Kherson", "Dnipro river", "--by", "month", "--until", "2022-12")
    assert chart.exit_code == 0
    lines = chart.stdout.splitlines()
    assert lines[0] == "2 queries, hits by month; 1 undated not shown"
    assert "■ Kherson (4 dated hits)" in lines[1] and "■ Dnipro river (1 dated hit)" in lines[1]
    assert lines[2].startswith("2022-11 █") and lines[3].startswith("2022-12 █")
    table = run("timeline", "Kherson", "Dnipro river", "--by", "month", "--until", "2022-12", "--normalize", "--csv")
    assert table.stdout.splitlines() == [
        "period,start,indexed,Kherson,Dnipro river,Kherson (share),Dnipro river (share)",
        "2022-11,2022-11-01,3,2,1,0.666667,0.333333",
        "2022-12,2022-12-01,2,2,0,1.0,0.0",
    ]
    records = json_lines(run("timeline", "--by", "month", "--until", "2022-12", "--json", "Kherson", "grain").stdout)
    assert [r["query"] for r in records if "query" in r] == ["Kherson", "Kherson", "grain", "grain"]
    assert [r["count"] for r in records if "query" in r] == [2, 2, 1, 0]
    assert [r["summary"]["query"] for r in records if "summary" in r] == ["Kherson", "grain"]
    csv_cells = run("timeline", "@Kherson", "--csv").stdout.splitlines()[0]
    assert csv_cells == "period,start,'@Kherson"  # a query is a cell too: no formula
    bad = run("timeline", "Kherson", '"Dnipro bridge')
    assert bad.exit_code == 2 and bad.stdout == "" and '"Dnipro bridge' in bad.stderr


def syndicate(folder: Path, seeds: Path) -> None:
    """The LBC story republished by two other outlets, lightly edited, one a day earlier."""
    story = (seeds / "004_4cb7eeb292a544b7.txt").read_text(encoding="utf-8")
    (folder / "regional.txt").write_text(
        story.replace("'Kremlin's dreams crumble into dust' as Russians flee", "Russians flee Kherson"),
        encoding="utf-8")
    (folder / "regional.meta.json").write_text(json.dumps({"outlet": "Regional Daily"}))
    (folder / "early.txt").write_text(story + "\n\nThis report includes material from agencies.", encoding="utf-8")
    (folder / "early.meta.json").write_text(json.dumps({"outlet": "Early Post", "date": "2022-11-10T20:00"}))


def test_copies_fold_into_one_hit_with_the_first_seen_marked(index_path: Path, seeds: Path):
    syndicate(seeds, seeds)
    with NewsIndex(index_path) as ni:
        ni.add([seeds])
        folded = ni.search("Kherson")
        assert folded.total == 2 and folded.folded == 2
        lbc_story = next(h for h in folded.hits if h.copies)
        outlets = {c.outlet for c in lbc_story.copies} | {lbc_story.outlet}
        assert outlets == {"LBC", "Regional Daily", "Early Post"}
        first_seen = [c.outlet for c in lbc_story.copies if c.first_seen]
        if lbc_story.first_seen:
            first_seen.append(lbc_story.outlet)
        assert first_seen == ["Early Post"]
        assert ni.search("Kherson", all_copies=True).total == 4
        shown = ni.get(str(seeds / "early.txt"))
        assert shown.first_seen and {c.outlet for c in shown.copies} == {"LBC", "Regional Daily"}
        nyt = ni.get(str(seeds / "000_e9125ed3b73e1ab6.txt"))
        assert nyt.copies == () and not nyt.first_seen


def test_a_first_add_in_batches_finds_the_copies_of_its_earlier_batches(index_path: Path, seeds: Path, tmp_path: Path):
    """Into a new index, an add answers its own lookups until its first
    commit; the commits after must find what the ones before wrote."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for seed in seeds.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    syndicate(folder, seeds)
    lbc = (seeds / "004_4cb7eeb292a544b7.txt").read_bytes()
    (folder / "zz-copy.txt").write_bytes(lbc.replace(b"\n\n", b"\n\n\n"))  # the same text, other spacing
    with NewsIndex(index_path) as ni:
        report = ni.add([folder], batch_size=1)  # a commit an article
        assert (report.tally["added"], report.tally["duplicate"]) == (4, 1)
        folded = ni.search("Kherson")
        assert folded.total == 2 and folded.folded == 2


def test_copies_found_among_a_batch_not_yet_committed():
    """The articles of a batch are found as copies before their commit; one
    removed or written again in the same batch is no longer found as it was."""
    from newsindex.write.minhash import signature
    from newsindex.write.neardup import Clusterer

    story = " ".join(f"word{i}" for i in range(300))
    other = " ".join(f"other{i}" for i in range(300))
    clusters = Clusterer(None)
    assert clusters.assign("a", "A", signature(story)) == "A"
    assert clusters.assign("b", "B", signature(other)) == "B"
    assert clusters.assign("c", "C", signature(story.replace("word150", "edited"))) == "A"
    clusters.remove("a")
    assert clusters.assign("d", "D", signature(story)) == "A"  # a copy of c, which is in cluster A
    clusters.remove("c")
    assert clusters.assign("d", "D", signature(other)) == "B"  # d written again, now a copy of b
    assert clusters.assign("e", "E", signature(story)) == "E"  # no copy of the story left
    assert sorted(clusters.pending) == ["b", "d", "e"] and clusters.removed == {"a", "c"}


def test_a_batchs_band_keys_in_bulk_are_each_signatures_bands():
    """The manifest records a batch's LSH band keys computed in numpy
    (neardup.sorted_bands); an article looks its copies up by the keys of
    neardup.bands: the two must be the same keys, or no copy is found."""
    from newsindex.write.minhash import bands, signature, sorted_bands

    rng = random.Random(3)
    words = [f"w{i}" for i in range(400)]
    signed = [(doc, signature(" ".join(rng.choices(words, k=60)))) for doc in rng.sample(range(10**9), 5000)]
    expected = sorted((key, doc) for doc, sig in signed for key in bands(sig))
    assert list(sorted_bands(signed)) == expected
    assert list(sorted_bands([])) == []


def test_signing_loads_datasketchs_minhash_alone_and_datasketch_stays_whole(tmp_path: Path):
    """An add signs its articles with datasketch's MinHash without importing
    the rest of datasketch, which brings SciPy (most of a second at the start
    of every add and of every worker); a program that imports datasketch
    afterwards still gets all of it, with the same MinHash."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from newsindex.write.minhash import _minhash, signature, similarity\n"
        "a = signature('the bridge over the river was closed to traffic on monday')\n"
        "assert similarity(a, signature('the bridge over the river was closed to traffic on monday')) == 1.0\n"
        "assert 'scipy' not in sys.modules, 'scipy imported'\n"
        "import datasketch\n"
        "assert datasketch.MinHash is type(_minhash()) and datasketch.MinHashLSH\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_manifest_of_an_older_layout_is_rebuilt_and_still_finds_copies(index_path: Path, seeds: Path, tmp_path: Path):
    """A manifest written by an earlier version (16-bit signatures, other
    tables) is emptied on opening and rebuilt from the index: nothing is read
    again, and copies added later still join their original's cluster."""
    import sqlite3

    from newsindex.write.manifest import FILENAME

    with NewsIndex(index_path) as ni:
        ni.add([seeds])
    db = sqlite3.connect(index_path / FILENAME)
    db.executescript("""
        DROP TABLE signatures; DROP TABLE bands; DELETE FROM state;
        INSERT INTO state VALUES ('signatures', 'minhash-128x16-crc32-datasketch2; bands 16x4; integer ids');
        CREATE TABLE signatures (doc INTEGER PRIMARY KEY, id TEXT NOT NULL, cluster TEXT NOT NULL, sig BLOB NOT NULL);
        CREATE TABLE bands (band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
                            PRIMARY KEY (band, key, doc)) WITHOUT ROWID;
        INSERT INTO bands VALUES (0, 1, 2);
    """)
    db.close()
    later = tmp_path / "later"
    later.mkdir()
    syndicate(later, seeds)
    with NewsIndex(index_path) as ni:
        checked = ni.check()  # reads it as lagging, and leaves it to the next add
        assert checked.ok and any("manifest is behind" in note for note in checked.notes), checked
        assert ni.add([seeds]).counts()["unchanged"] == 2
        ni.add([later])
        assert ni.search("Kherson").folded == 2
    db = sqlite3.connect(index_path / FILENAME)
    assert db.execute("SELECT count(*) FROM signatures").fetchone() == (4,)
    assert db.execute("SELECT count(*) FROM bands").fetchone() == (64,)
    db.close()


def test_copies_in_the_cli(run: Run, seeds: Path):
    syndicate(seeds, seeds)
    run("add", str(seeds))
    out = run("search", "Kherson").stdout
    assert "2 hits for 'Kherson'" in out and "2 near-identical copies folded" in out
    assert "+2 copies (" in out
    assert "first seen: Early Post, 10 Nov 2022 20:00" in out or "this one was first seen" in out
    hits, summary = json_hits(run("search", "Kherson", "--json").stdout)
    assert summary["folded"] == 2
    assert sum(len(h["copies"]) for h in hits) == 2
    assert len(json_hits(run("search", "Kherson", "--all-copies", "--json").stdout)[0]) == 4
    assert "Copies" in run("show", str(seeds / "regional.txt")).stdout


def _edited(text: str, how: str, rng: random.Random) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if how == "new headline and credit":
        return "\n\n".join(["A different headline for the same story", *paragraphs[1:], "(Reuters)"])
    if how == "paragraph added":
        return text + "\n\nAn extra paragraph of local context that the republishing outlet added."
    words = text.split(" ")  # a sub-editor's touch: one word in forty altered
    for i in rng.sample(range(len(words)), max(1, len(words) // 40)):
        words[i] = words[i] + "s"
    return " ".join(words)


def test_near_duplicate_threshold_on_real_bbc_pairs(tmp_path: Path):
    """Edited copies of the BBC stories that the corpus itself duplicates cluster
    with their original; distinct stories do not cluster together."""
    bbc = corpus("bbc")
    by_digest = defaultdict(list)
    for path in sorted(bbc.rglob("*.txt")):
        by_digest[hashlib.md5(path.read_bytes()).hexdigest()].append(path)
    originals = [paths[0] for paths in by_digest.values() if len(paths) > 1]
    assert len(originals) == 98
    folder = tmp_path / "wire"
    folder.mkdir()
    rng = random.Random(5)
    for n, original in enumerate(originals):
        text = original.read_text(encoding="utf-8", errors="replace")
        (folder / f"{n:03d}-original.txt").write_text(text, encoding="utf-8")
        for how in ("new headline and credit", "paragraph added", "words changed"):
            (folder / f"{n:03d}-{re.sub(' ', '-', how)}.txt").write_text(_edited(text, how, rng), encoding="utf-8")
    with NewsIndex(tmp_path / "index") as ni:
        report = ni.add([folder])
        assert len(report.added) == 4 * 98
        clusters = {}
        for outcome in report.added:
            fields = ni._current_searcher().document(id=outcome.id)
            clusters[Path(outcome.path).name] = fields["cluster"]
    for n in range(98):
        family = {v for k, v in clusters.items() if k.startswith(f"{n:03d}-")}
        assert len(family) == 1, n  # all four in one cluster
    assert len(set(clusters.values())) == 98  # and no two stories share one


def test_similar_articles_leave_out_own_copies(index_path: Path, seeds: Path, tmp_path: Path):
    syndicate(seeds, seeds)
    write_archive(seeds / "more")
    with NewsIndex(index_path) as ni:
        ni.add([seeds])
        lbc = ni.get(str(seeds / "004_4cb7eeb292a544b7.txt"))
        similar = ni.similar(lbc.id)
        ids = [h.id for h in similar.hits]
        assert lbc.id not in ids and not {c.id for c in lbc.copies} & set(ids)
        assert similar.hits[0].path.endswith("000_e9125ed3b73e1ab6.txt")  # the other Kherson retreat story
        liked = ni.search("outlet:BBC", like=lbc.id)
        assert {Path(h.path).stem for h in liked.hits} == {"a4", "a5"}


def test_similar_cli(run: Run, seeds: Path):
    run("add", str(seeds))
    lbc_id = json_lines(run("show", str(seeds / "004_4cb7eeb292a544b7.txt"), "--json").stdout)[0]["id"]
    result = run("similar", lbc_id[:6], "--json")
    assert result.exit_code == 0
    hits, summary = json_hits(result.stdout)
    assert [Path(h["path"]).name for h in hits] == ["000_e9125ed3b73e1ab6.txt"]
    assert summary["like"] == lbc_id
    assert f"1 hit like article {lbc_id} " in run("similar", lbc_id[:6]).stdout
    assert run("similar", "ffffffff").exit_code == 1


def test_did_you_mean(archive_index: NewsIndex, run: Run, tmp_path: Path):
    results = archive_index.search("Khersno brigde")
    assert results.total == 0 and results.suggestion == "Kherson bridge"
    assert archive_index.search("Kherson bridge").suggestion is None  # it found enough
    assert archive_index.search("xqzvwy").suggestion is None  # nothing close
    run("add", str(write_archive(tmp_path / "cli-archive")))
    cli = run("search", "grian deal")  # "deal" alone matches: shown, and the likely misspelling named
    assert cli.exit_code == 0 and "Did you mean: grain deal?" in cli.stdout
    summary = json_lines(run("search", "grian deal", "--json").stdout)[-1]["summary"]
    assert summary["suggestion"] == "grain deal" and summary["words_held"] == [1, 2]
    strict = json_lines(run("search", "grian deal", "--all", "--json").stdout)[-1]["summary"]
    assert strict["suggestion"] == "grain deal" and strict["total"] == 0


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.characters(max_codepoint=0x7F))
    | st.text(alphabet=st.characters(max_codepoint=0x7F) | st.sampled_from("£’—\u212a\u0130é"))
    | st.text()
)
def test_signing_reads_ascii_text_as_bytes_with_the_same_words(text: str) -> None:
    """Text whose words are ASCII (a pound sign or a curly quote outside
    them) is cut as bytes when signing, other text's words encoded all at
    once (neardup._words): the words, and so every signature already
    stored, stay what they were."""
    from newsindex.write.minhash import _words

    assert _words(text) == [word.encode() for word in re.findall(r"\w+", text.lower())]


@settings(max_examples=200, deadline=None)
@given(shingles=st.lists(st.binary(max_size=30), min_size=1, max_size=400), rows=st.sampled_from([4096, 7]))
def test_signatures_are_datasketchs_minhash_of_the_shingles(shingles: list[bytes], rows: int) -> None:
    """Signing computes datasketch's MinHash update itself (minhash._min_hashes):
    the values, and so every signature already stored and every copy found
    against them, are datasketch's: datasketch's of the set of shingles, for
    shingles met more than once, and for a text of more shingles than go
    through the permutations at once (``rows``)."""
    import zlib

    from newsindex.write import minhash as minhash_module
    from newsindex.write.minhash import NUM_PERM, _min_hashes, _minhash_class

    minhash = _minhash_class()(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)
    minhash.update_batch(list(set(shingles)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(minhash_module, "_ROWS", rows)
        assert _min_hashes(shingles, len(shingles)) == minhash.hashvalues.astype("<u1").tobytes()
