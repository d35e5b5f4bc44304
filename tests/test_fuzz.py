"""Property-based fuzzing of input files and query strings (hypothesis)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsindex import NewsIndex
from newsindex.errors import QueryError

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
            for outcome in report.outcomes:
                assert outcome.status in ("added", "duplicate", "skipped")
                if outcome.status == "skipped":
                    assert outcome.reason and "\n" not in outcome.reason
            assert ni.search("Dnipro bridge").total == 2
            assert ni.check().ok
