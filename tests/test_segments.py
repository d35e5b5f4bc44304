"""newsindex writes segments its own way (write/segments.py, codec.py); what it
writes must read back as what Whoosh's own writer would have written: the
same terms, postings, positions and term statistics, through merges and
deletions."""

from __future__ import annotations

import os
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from whoosh.columns import VarBytesColumn
from whoosh.writing import OPTIMIZE, SegmentWriter

from newsindex import codec
from newsindex.schema import build_schema
from newsindex.write.merging import merge_small
from newsindex.write.segments import SegmentBuilder
from newsindex.write.storage import create_index

WORDS = (
    "bridge bridges Dnipro Kyiv mayor repairs river talks said will the of and café naïve Zelénskyy "
    "ΟΔΟΣ 19.6 U.S pct strike strikes ceasefire Odesa grain ships port".split()
)


def documents(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 400)))
        docs.append({
            "id": f"doc{n}",
            "title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8))),
            "body": body,
            "byline": rng.choice(["Jane Doe", "John Smith\nJane Doe", None]),
            "outlet_key": rng.choice(["BBC", "Reuters"]),
            "cluster": f"c{n % 7}",
            "date": datetime(2022, 11, 1 + n % 30, 9, 30) if n % 3 else None,
            "meta": {"n": n},
        })
    return docs


def contents(path: Path) -> dict[tuple[str, Any], Any]:
    """Every term: its statistics, and its postings by document id; and
    every document's stored fields, field lengths and column values."""
    from newsindex.write.storage import open_index

    ix = open_index(str(path))
    found: dict[tuple[str, Any], Any] = {}
    with ix.reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        found.update((("stored", fields["id"]), fields) for _, fields in reader.iter_docs())
        scorable = [name for name, field in ix.schema.items() if field.scorable]
        sortable = [name for name, field in ix.schema.items() if field.column_type]
        for docnum, doc_id in ids.items():
            found[("lengths", doc_id)] = [reader.doc_field_length(docnum, name) for name in scorable]
        for leaf, offset in reader.leaf_readers():
            for name in sortable:
                values = leaf.column_reader(name, translate=False)
                found.update(((name, ids[offset + doc]), values[doc]) for doc in leaf.all_doc_ids())
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            matcher = reader.postings(fieldname, btext)
            postings = []
            while matcher.is_active():
                value = matcher.value() if matcher.supports("positions") else None
                postings.append((ids[matcher.id()], matcher.weight(), value, type(value)))  # bytes, as Whoosh's
                matcher.next()
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            found[(fieldname, btext)] = (stats, sorted(postings))
    return found


@pytest.mark.parametrize("block", [codec.BLOCK, 8], ids=["blocks of 128", "blocks of 8"])
def test_segments_read_back_as_whooshs_own(tmp_path: Path, monkeypatch, block: int) -> None:
    # In blocks of 8 postings, merges read and write lists of many blocks,
    # with deltas and weights that go on from block to block.
    monkeypatch.setattr(codec, "BLOCK", block)
    schema = build_schema()
    docs = documents(120, seed=3)
    replaced = {f"doc{n}": doc for n, doc in zip(range(0, 120, 9), documents(14, seed=4), strict=False)}
    for doc_id, doc in replaced.items():
        doc["id"] = doc_id

    # Whoosh's writer, once, with the final version of each document.
    (tmp_path / "whoosh").mkdir()
    reference = create_index(str(tmp_path / "whoosh"), schema)
    writer = SegmentWriter(reference)
    for doc in docs:
        writer.add_document(**replaced.get(doc["id"], doc))
    writer.commit()

    # newsindex's, in batches of 10 (merged as it goes), then the replacements
    # (deleting the first versions), then one merge of everything.
    (tmp_path / "ours").mkdir()
    ours = create_index(str(tmp_path / "ours"), schema)
    for start in range(0, len(docs), 10):
        writer = SegmentBuilder(ours)
        for doc in docs[start : start + 10]:
            writer.add_document(**doc)
        writer.commit()
    assert len(ours.refresh()._segments()) < 12  # merged along the way
    writer = SegmentBuilder(ours)
    for doc in replaced.values():
        writer.update_document(**doc)
    writer.commit()
    expected = contents(tmp_path / "whoosh")
    assert contents(tmp_path / "ours") == expected

    writer = SegmentBuilder(ours)
    writer.commit(mergetype=OPTIMIZE)
    assert len(ours.refresh()._segments()) == 1
    assert contents(tmp_path / "ours") == expected
    with ours.reader() as reader, reference.reader() as whole:
        for name in ("title", "body", "byline"):  # the replaced versions' lengths go as stored: about
            assert reader.field_length(name) == pytest.approx(whole.field_length(name), rel=0.01)


def test_merged_segments_keep_the_total_lengths_of_one_commit(tmp_path: Path) -> None:
    """BM25's average lengths do not depend on how an archive was batched."""
    docs = documents(120, seed=5)
    totals = {}
    for name, size in (("at once", len(docs)), ("in batches", 10)):
        (tmp_path / name).mkdir()
        ix = create_index(str(tmp_path / name), build_schema())
        for start in range(0, len(docs), size):
            writer = SegmentBuilder(ix)
            for doc in docs[start : start + size]:
                writer.add_document(**doc)
            writer.commit(mergetype=OPTIMIZE if start + size >= len(docs) else merge_small)
        with ix.refresh().reader() as reader:
            assert len(ix.refresh()._segments()) == 1
            totals[name] = [reader.field_length(field) for field in ("title", "body", "byline")]
    assert totals["in batches"] == totals["at once"]


def written_in_one_commit(path: Path, docs: list[dict[str, Any]]) -> dict[tuple[str, Any], Any]:
    """The contents of an index of ``docs`` written by newsindex's writer in one commit."""
    path.mkdir()
    writer = SegmentBuilder(create_index(str(path), build_schema()))
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return contents(path)


def test_segments_written_before_the_stored_fields_dictionary_still_read(tmp_path: Path, monkeypatch) -> None:
    """An index whose stored fields older versions wrote as Whoosh's own
    reads, merges and rewrites into the current layout unchanged."""
    import zlib

    from whoosh.codec.whoosh3 import W3Codec

    from newsindex.codec import NewsCodec

    schema = build_schema()
    docs = documents(40, seed=6)
    expected = written_in_one_commit(tmp_path / "reference", docs)

    def raw_stored(ix: Any) -> list[bytes]:
        with ix.reader() as reader:
            return [leaf._perdoc.column_reader("_stored", VarBytesColumn())[0] for leaf, _ in reader.leaf_readers()]

    (tmp_path / "old").mkdir()
    ix = create_index(str(tmp_path / "old"), schema)
    with monkeypatch.context() as patch:
        patch.setattr(NewsCodec, "per_document_writer", W3Codec.per_document_writer)
        writer = SegmentBuilder(ix)
        for doc in docs[:20]:
            writer.add_document(**doc)
        writer.commit()
    zlib.decompress(raw_stored(ix)[0])  # Whoosh's layout: deflated without a dictionary
    writer = SegmentBuilder(ix)
    writer.mergetype = None
    for doc in docs[20:]:
        writer.add_document(**doc)
    writer.commit(merge=False)
    assert contents(tmp_path / "old") == expected
    writer = SegmentBuilder(ix)
    writer.commit(mergetype=OPTIMIZE)
    with pytest.raises(zlib.error):  # rewritten with the dictionary
        zlib.decompress(raw_stored(ix)[0])
    assert contents(tmp_path / "old") == expected


def test_documents_packed_and_analysed_by_the_workers_read_as_written_field_by_field(tmp_path: Path) -> None:
    """Workers pack a document's stored fields but its cluster, which the
    writer appends, and turn its text fields into postings (prepare.py,
    segments.py); they read back the same as fields the writer stores and
    analyses one by one (postings, weights, field lengths), before and after
    a merge."""
    from newsindex.analysis import index_postings
    from newsindex.codec import pack_stored
    from newsindex.schema import PreAnalysableText

    schema = build_schema()
    docs = documents(40, seed=7)
    expected = written_in_one_commit(tmp_path / "reference", docs)

    (tmp_path / "packed").mkdir()
    ix = create_index(str(tmp_path / "packed"), schema)
    for half in (docs[:20], docs[20:]):
        writer = SegmentBuilder(ix)
        writer.mergetype = None
        for doc in half:
            stored = {name: value for name, value in doc.items() if schema[name].stored and name != "cluster"}
            analysed = {
                name: index_postings(schema[name], value)
                for name, value in doc.items()
                if isinstance(schema[name], PreAnalysableText) and value
            }
            writer.add_document(**{**doc, **analysed}, _packed_stored=pack_stored(stored))
        writer.commit(merge=False)
    assert contents(tmp_path / "packed") == expected
    writer = SegmentBuilder(ix)
    writer.commit(mergetype=OPTIMIZE)
    assert contents(tmp_path / "packed") == expected


@pytest.mark.parametrize("block", [codec.BLOCK, 8], ids=["blocks of 128", "blocks of 8"])
def test_a_segment_written_by_two_processes_reads_as_whooshs_own(tmp_path: Path, monkeypatch, block: int) -> None:
    """A large segment's later terms are written by a forked copy of the
    writer and appended (segments.SegmentBuilder._write_terms_forked): the
    segment reads back as Whoosh's writer's, and leaves no file behind."""
    from newsindex.write import segments

    monkeypatch.setattr(codec, "BLOCK", block)
    docs = documents(60, seed=11)
    (tmp_path / "whoosh").mkdir()
    writer = SegmentWriter(create_index(str(tmp_path / "whoosh"), build_schema()))
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()

    forks = []
    monkeypatch.setattr(segments, "FORKED_FLUSH_POSTINGS", 1)
    real_fork = segments.os.fork
    monkeypatch.setattr(segments.os, "fork", lambda: forks.append(1) or real_fork())
    written = written_in_one_commit(tmp_path / "ours", docs)
    assert forks == [1]
    assert written == contents(tmp_path / "whoosh")
    assert not [p.name for p in (tmp_path / "ours").iterdir() if "later" in p.name]

    # A copy that fails (here, at its first term) leaves its parts to the writer.
    writer_pid = os.getpid()
    real_add = codec.TermRecords.add

    def fail_in_copy(records: codec.TermRecords, key: bytes, entry: bytes) -> None:
        if os.getpid() != writer_pid:
            raise OSError(28, "No space left on device")
        real_add(records, key, entry)

    monkeypatch.setattr(codec.TermRecords, "add", fail_in_copy)
    assert written_in_one_commit(tmp_path / "failed copy", docs) == contents(tmp_path / "whoosh")
    assert forks == [1, 1]


@pytest.mark.parametrize("count", [0, 1, 300, 5000])
def test_a_terms_file_reads_as_one_whoosh_wrote(tmp_path: Path, count: int) -> None:
    """codec.TermsFile, which lays its hash tables out in numpy and takes a
    part's records whole, reads as Whoosh's OrderedHashWriter's file: every
    key found with its value, absent keys not, the keys in order."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

    storage = FileStorage(str(tmp_path))
    rng = random.Random(count)
    keys = sorted({rng.randbytes(rng.randint(1, 12)) for _ in range(count)})
    items = [(key, b"\x01" + rng.randbytes(rng.randint(0, 20))) for key in keys]  # entries of inlined lists
    ours = codec.TermsFile.taking_over(OrderedHashWriter(storage.create_file("ours")))
    whooshs = OrderedHashWriter(storage.create_file("whoosh's"))
    half = len(items) // 2
    for key, value in items[:half]:
        ours.add(key, value)
    later = codec.TermRecords(ours.hashfn)  # the rest as a forked copy hands them back
    for key, value in items[half:]:
        later.add(key, value)
    later.append_to(ours, 0)
    for key, value in items:
        whooshs.add(key, value)
    ours.close()
    whooshs.close()
    for name in ("ours", "whoosh's"):
        reader = OrderedHashReader(storage.open_file(name))
        assert [reader[key] for key, _ in items] == [value for _, value in items]
        assert list(reader.items()) == items
        assert not any(rng.randbytes(13) in reader for _ in range(50))  # 13 bytes: longer than any key
        if items:
            assert reader.closest_key(items[half][0][:-1] + b"\x00") in (items[half][0], items[max(half - 1, 0)][0])
