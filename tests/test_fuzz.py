"""Property-based fuzzing of input files and query strings (hypothesis)."""

from __future__ import annotations

import gzip
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsindex import NewsIndex
from newsindex.errors import QueryError
from newsindex.models import AddReport

from .conftest import SEEDS

OPERATORS = ["AND", "OR", "NOT", "(", ")", '"', "*", "?", "~", "^", ":", "[", "]", "{", "}", " TO ", "-", "+",
             "date:", "title:", "outlet:", "byline:", "captions:", "nosuchfield:", "2022-11", "\\", "'"]
WORDS = ["Dnipro", "bridge", "Kherson", "Putin", "the", "a", "Zelensky", "LBC", "2022", "é", "€", "日本"]

queries = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(OPERATORS + WORDS), max_size=30).map(" ".join),
    st.lists(st.sampled_from(OPERATORS + WORDS), max_size=30).map("".join),
)


@pytest.fixture(scope="module")
def seeded_index(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    ni = NewsIndex(tmp_path_factory.mktemp("fuzz") / "index")
    ni.add([SEEDS])
    yield ni
    ni.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
@example(query="00;01:date:-02:")  # a filter beside three words rebuilt AtLeast without its k
def test_any_query_gives_results_or_a_one_line_error(seeded_index: NewsIndex, query: str):
    try:
        results = seeded_index.search(query)
    except QueryError as exc:
        assert "\n" not in str(exc)
        assert exc.exit_code == 2
        return
    assert results.total >= len(results.hits)
    for hit in results.hits:
        for snippet in hit.snippets:
            for span in snippet.matches:
                assert 0 <= span.start < span.end <= len(snippet.text)


contents = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=500).map(lambda t: t.encode("utf-16")),
    st.lists(st.sampled_from(["By A B", "(Reuters)", "Picture: X", "11 November 2022", "Updated: 2022-01-01",
                              "\n", "\n\n", "Headline", "Text.", "|", "(Image: Getty)", "\x00", "\r"]),
             max_size=40).map(lambda parts: "".join(parts).encode()),
)


@settings(max_examples=60, deadline=None)
@given(files=st.lists(contents, min_size=1, max_size=5))
def test_any_file_content_is_indexed_or_skipped_and_good_files_land(files: list[bytes]):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        shutil.copytree(SEEDS, folder)
        for i, data in enumerate(files):
            (folder / f"fuzz{i}.txt").write_bytes(data)
        with NewsIndex(Path(tmp) / "index") as ni:
            report = ni.add([folder])
            assert len(report.outcomes) == len(files) + 2
            assert_landed_or_skipped_in_one_line(ni, report)


def assert_landed_or_skipped_in_one_line(ni: NewsIndex, report: AddReport) -> None:
    for outcome in report.outcomes:
        assert outcome.status in ("added", "duplicate", "skipped")
        if outcome.status == "skipped":
            assert outcome.reason and "\n" not in outcome.reason
    assert ni.search("Dnipro bridge").total == 2  # the seeds landed
    assert ni.check().ok


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
        st.sampled_from(["title", "text", "body", "date", "author", "url", "outlet", "x", "story"]), inner, max_size=6),
    max_leaves=30,
)
structured = st.one_of(
    st.binary(max_size=2000),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.lists(json_values, max_size=6).map(lambda vs: "\n".join(json.dumps(v) for v in vs).encode()),
    st.lists(st.sampled_from(["title,text,date\n", '"a","b",2022-01-01\n', '"unclosed', ",,,\n", "x\ty\n"]),
             max_size=10).map(lambda parts: "".join(parts).encode()),
    st.lists(st.sampled_from(["<rss>", "<channel>", "<item>", "<title>T</title>", "<description>D d d</description>",
                              "</item>", "<!ENTITY a 'b'>", "&a;", "<feed>", "<entry>", "<html>", "<p>",
                              "WARC/1.0\r\n"]),
             max_size=20).map(lambda parts: "".join(parts).encode()),
)
names = st.sampled_from(["f.json", "f.jsonl", "f.csv", "f.tsv", "f.rss", "f.xml", "f.html", "f.warc", "f.jsonl.gz",
                         "f.json.gz"])


@settings(max_examples=60, deadline=None)
@given(files=st.lists(st.tuples(names, structured), min_size=1, max_size=4))
def test_any_structured_file_is_read_or_skipped_record_by_record(files: list[tuple[str, bytes]]):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        shutil.copytree(SEEDS, folder)
        for i, (name, data) in enumerate(files):
            (folder / f"{i}{name}").write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        with NewsIndex(Path(tmp) / "index") as ni:
            report = ni.add([folder])
            assert_landed_or_skipped_in_one_line(ni, report)
            again = ni.add([folder])  # a second run changes nothing already indexed
            assert not again.added and not again.updated
            assert ni.stats().articles == len(report.added)
