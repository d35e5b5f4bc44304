"""Counting matches in bulk (search/counting.py) must count what Whoosh's matchers
match, and scoring with field lengths held in memory (schema.py) must score
as Whoosh's BM25F, in every segment, deleted documents left out."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from whoosh.query import Not
from whoosh.scoring import BM25F

from newsindex.schema import BM25_B, BM25_K1, build_schema, weighting
from newsindex.search.counting import matching_docs
from newsindex.search.parse import parse_query
from newsindex.write.segments import SegmentBuilder
from newsindex.write.storage import create_index

from .test_segments import documents

QUERIES = [
    "bridge",
    "bridge kyiv",
    "bridge OR grain",
    "bridge NOT grain",
    "NOT bridge",
    "*",
    "bridge *",
    '"grain ships"',
    '"bridge bridge"',
    '"grain ships port"',
    'title:"strike strikes"',
    '"dnipro kyiv"~3',
    "bridge mayor repairs river talks strike ceasefire odesa port",  # at least a share of the words
    "title:strike (odesa OR port)",
    "brid*",
    "bridgs~1",
    "outlet_key:BBC",
    "nosuchword",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("docsets")
    ix = create_index(str(path), build_schema())
    docs = documents(90, seed=5)
    for start in range(0, 90, 30):  # three segments
        writer = SegmentBuilder(ix)
        writer.mergetype = None
        for doc in docs[start : start + 30]:
            writer.add_document(**doc)
        writer.commit(merge=False)
    writer = SegmentBuilder(ix)
    for n in range(0, 90, 4):  # deletions in every segment
        writer.delete_by_term("id", f"doc{n}")
    writer.commit(merge=False)
    return ix.refresh()


@pytest.mark.parametrize("text", QUERIES)
def test_bulk_counts_match_whooshs(index, text: str) -> None:
    query = parse_query(text, index.schema)
    with index.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3
        expected = sorted(searcher.docs_for_query(query))
        found = sorted(offset + doc for docs, offset in matching_docs(searcher, query) for doc in docs)
    assert found == expected
    assert text == "nosuchword" or found


@pytest.mark.parametrize("text", QUERIES[:-1])
def test_in_memory_lengths_score_as_whooshs_bm25f(index, text: str) -> None:
    query = parse_query(text, index.schema)
    scores = []
    for model in (weighting(), BM25F(B=BM25_B, K1=BM25_K1)):
        with index.searcher(weighting=model) as searcher:
            scores.append([(hit.docnum, hit.score) for hit in searcher.search(query, limit=None)])
    assert scores[0] == scores[1] and scores[0]


@pytest.mark.parametrize("text", [q for q in QUERIES if '"' in q])
def test_exact_phrases_match_and_score_as_whooshs_phrases(index, text: str) -> None:
    from whoosh.query import Phrase

    from newsindex.search.queries import ExactPhrase

    ours = parse_query(text, index.schema)
    assert any(isinstance(leaf, ExactPhrase) for leaf in ours.leaves())
    whooshs = ours.accept(
        lambda q: Phrase(q.fieldname, q.words, slop=q.slop, boost=q.boost) if isinstance(q, ExactPhrase) else q
    )
    with index.searcher(weighting=weighting()) as searcher:
        found = [[(hit.docnum, hit.score) for hit in searcher.search(q, limit=None)] for q in (ours, whooshs)]
    assert found[0] == found[1] and found[0]


@pytest.mark.parametrize(
    "text", ["bridge NOT grain", "bridge OR kyiv NOT grain NOT port", "title:strike NOT (mayor OR talks)"]
)
def test_not_queries_split_into_words_and_exclusions_give_whooshs_hits(index, text: str) -> None:
    """The best hits of ``a NOT b``, found as ``a`` with ``b``'s documents left
    out (skipping what cannot make the top), are Whoosh's own, in the same
    order, with the scores of ``a`` (Whoosh adds 1 for each NOT clause)."""
    from newsindex.search.run import _split_exclusions, _top
    from newsindex.search.scope import Whole

    query = parse_query(text, index.schema)
    scored, left_out = _split_exclusions(query)
    assert left_out is not None
    nots = sum(isinstance(sub, Not) for sub in query.subqueries)
    with index.searcher(weighting=weighting()) as searcher:
        for limit in (3, 10, 1000):
            expected = [(hit.docnum, hit.score - nots) for hit in searcher.search(query, limit=limit)]
            top, total, _ = _top(Whole(searcher), scored, left_out, None, limit, fold_copies=False)
            assert [docnum for _, docnum in top] == [docnum for docnum, _ in expected] and expected
            assert [score for score, _ in top] == pytest.approx([score for _, score in expected])
            assert total == len(searcher.search(query, limit=None))


#: The queries of QUERIES made of words and phrases only, which search/scoring.py scores.
SCORED_IN_BULK = {
    "bridge", "bridge kyiv", "bridge OR grain", '"grain ships"', '"bridge bridge"', '"grain ships port"',
    'title:"strike strikes"', '"dnipro kyiv"~3', QUERIES[12], "title:strike (odesa OR port)", "bridgs~1", "nosuchword"
}


def _as_dict(scores: Any) -> dict[int, float]:
    """scoring.Scores as document: score, in Python numbers."""
    listed = [values if isinstance(values, list) else values.tolist() for values in (scores.docs, scores.values)]
    return dict(zip(*listed, strict=True))


@pytest.mark.parametrize("array_postings", [0, 10**9])
@pytest.mark.parametrize("bulk_ratio", [1, 64, 10**9])
@pytest.mark.parametrize("text", QUERIES)
def test_bulk_scores_are_whooshs_scores(index, text: str, bulk_ratio: int, array_postings: int, monkeypatch) -> None:
    """Queries of words and phrases are scored in bulk (search/scoring.py): every
    match with Whoosh's score (up to the order of floating-point sums), and
    the same best hits in the same order, a restriction joined unscored or
    not; anything else is left to Whoosh. Phrases are found from their words'
    postings or stepped through, as their words' frequencies decide (both
    ways tested by moving the ratio that decides); scores are kept, and a
    phrase's positions compared, in arrays or in dictionaries, as the
    postings' count decides (both ways tested)."""
    from whoosh.query import And, Term

    from newsindex.search import queries as matching
    from newsindex.search import scoring
    from newsindex.search.scoring import scored_matches

    monkeypatch.setattr(matching, "BULK_RATIO", bulk_ratio)
    monkeypatch.setattr(scoring, "ARRAY_POSTINGS", array_postings)
    monkeypatch.setattr(matching, "ARRAY_PHRASE_DOCS", array_postings)
    monkeypatch.setattr(matching, "ARRAY_PHRASE_DOCS", array_postings)
    query = parse_query(text, index.schema)
    restricted = And([query, Term("outlet_key", "BBC").with_boost(0.0)])
    with index.searcher(weighting=weighting()) as searcher:
        for q in (query, restricted):
            found = scored_matches(searcher, q)
            if text not in SCORED_IN_BULK:
                assert found is None
                continue
            assert found is not None
            scores = _as_dict(found)
            expected = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
            assert scores.keys() == expected.keys() and (expected or q is restricted or text == "nosuchword")
            assert all(scores[doc] == pytest.approx(expected[doc], rel=1e-12) for doc in expected)
            ours = found.best(10)
            best = [hit.docnum for hit in searcher.search(q, limit=10)]
            assert [doc for _, doc in ours] == best or _near_ties(ours)


def _near_ties(ranked: list[tuple[float, int]]) -> bool:
    """Two hits whose scores differ in the last places, which a sum taken in
    another order may swap."""
    return any(abs(a - b) <= 1e-12 * abs(a) for (a, _), (b, _) in itertools.pairwise(ranked))


QUERIES_OF_EVERY_KIND = [
    "Dnipro bridge", '"Dnipro bridge"', "Dnipro OR Kherson", "Dnipro NOT bridge", "brid*", "bridge~", "date:2022-11",
    "outlet:BBC", "what did the president of ukraine say about the grain deal in istanbul", "title:[apple TO cherry]",
    "*", "date:[2022-11-01 to 2022-11-30]", "river AND NOT bridge", "bridge^2 (river OR dam)", "NOT bridge",
]


def test_every_query_type_the_parser_makes_says_how_each_interpreter_covers_it() -> None:
    from newsindex.search import COVERAGE

    def types(query):
        yield type(query)
        for child in query.children():
            yield from types(child)

    made = {t for text in QUERIES_OF_EVERY_KIND for t in types(parse_query(text, build_schema()))}
    missing = sorted(t.__name__ for t in made if t not in COVERAGE)
    assert not missing, f"query types missing from newsindex.search.COVERAGE: {missing}"


@pytest.mark.parametrize("array_postings", [0, 10**9])
def test_feedback_scores_in_bulk_are_whooshs(index, array_postings: int, monkeypatch) -> None:
    """A long query's feedback (AndMaybe: the query's matches, with the
    feedback words' scores added where they occur) scored in bulk as Whoosh's
    AndMaybe matcher scores it, and counted as its first query."""
    from whoosh.query import AndMaybe, Or, Term

    from newsindex.search import scoring
    from newsindex.search.counting import matching_docs
    from newsindex.search.scoring import scored_matches

    monkeypatch.setattr(scoring, "ARRAY_POSTINGS", array_postings)
    query = AndMaybe(parse_query("bridge kyiv", index.schema),
                     Or([Term("body", "grain", boost=0.3), Term("body", "port", boost=0.2)]))
    with index.searcher(weighting=weighting()) as searcher:
        found = scored_matches(searcher, query)
        assert found is not None
        scores = _as_dict(found)
        expected = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
        assert scores.keys() == expected.keys() and expected
        assert all(scores[doc] == pytest.approx(expected[doc], rel=1e-12) for doc in expected)
        counted = {offset + doc for docs, offset in matching_docs(searcher, query) for doc in docs}
        assert counted == set(expected)


@pytest.mark.parametrize("phrase", ['"chief executive"', '"oil prices"', '"firm said"', '"would also"',
                                    '"year earlier"', '"prices prices"', '"profits rose"'])
def test_phrases_of_common_words_are_found_in_arrays_as_one_at_a_time(bbc_business, phrase: str, monkeypatch) -> None:
    """A phrase of words in many articles (queries._phrase_in_arrays) finds
    the articles that comparing positions an article at a time finds, and
    Whoosh's own phrase matcher."""
    from whoosh.query import Phrase

    from newsindex.search import queries as matching
    from newsindex.search.queries import phrase_postings
    from newsindex.write.storage import open_index

    words = phrase.strip('"').split()
    with open_index(str(bbc_business)).searcher() as searcher:
        reader = searcher.reader()
        field = reader.schema["body"]
        terms = [field.to_bytes(next(iter(field.process_text(w, mode="query")))) for w in words]
        found = {}
        for array_docs in (0, 10**9):
            monkeypatch.setattr(matching, "ARRAY_PHRASE_DOCS", array_docs)
            docs, values = phrase_postings(reader, "body", terms)
            assert all(doc in values[term] for doc in docs for term in terms)
            found[array_docs] = docs
        whooshs = sorted(Phrase("body", [t.decode() for t in terms]).matcher(searcher).all_ids())
        assert found[0] == found[10**9] == whooshs
        assert whooshs or phrase == '"prices prices"'
