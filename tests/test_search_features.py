"""Filters, sorting, paging, facets and the long-query mode, from the API and the CLI."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from newsindex import NewsIndex
from newsindex.errors import InvalidValueError, QueryError

from .archive import write_archive, write_texts
from .conftest import Run, json_lines


@pytest.fixture
def ni(index_path: Path, tmp_path: Path):
    with NewsIndex(index_path) as index:
        index.add([write_archive(tmp_path / "archive")])
        yield index


def names(results) -> list[str]:
    return [Path(h.path).stem for h in results.hits]


def test_outlet_and_byline_filters(ni: NewsIndex):
    assert names(ni.search("Kherson", outlet="BBC", sort="oldest")) == ["a4", "a5"]
    assert sorted(names(ni.search("*", byline="anna smith"))) == ["a2", "a3"]
    assert names(ni.search("Kherson", outlet="guardian", byline="Smith")) == ["a2"]
    assert names(ni.search("Kherson outlet:BBC date:2022-12-24")) == ["a5"]


def test_date_filters_and_the_undated_they_leave_out(ni: NewsIndex):
    november = ni.search("Kherson", since="2022-11", until="2022-11", sort="oldest")
    assert names(november) == ["a1", "a2"]
    assert november.excluded_undated == 1  # a6 matches Kherson but has no date
    assert names(ni.search("Dnipro", since="last week")) == ["a7"]
    assert names(ni.search("Dnipro", until="2022-11-11")) == ["a1"]
    in_query = ni.search("Kherson date:2022-12")
    assert sorted(names(in_query)) == ["a4", "a5"] and in_query.excluded_undated == 1
    assert ni.search("Kherson").excluded_undated is None  # no date filter, nothing left out
    with pytest.raises(InvalidValueError):
        ni.search("Kherson", since="the day after never")
    with pytest.raises(InvalidValueError):
        ni.search("Kherson", since="2023-01", until="2022-01")


def test_sorting_puts_undated_last_both_ways(ni: NewsIndex):
    assert names(ni.search("Kherson", sort="newest", limit=20)) == ["a7", "a5", "a4", "a2", "a1", "a6"]
    assert names(ni.search("Kherson", sort="oldest", limit=20)) == ["a1", "a2", "a4", "a5", "a7", "a6"]
    assert ni.search("Kherson", sort="newest").hits[0].score is None


def test_paging(ni: NewsIndex):
    everything = names(ni.search("Kherson", sort="oldest", limit=20))
    pages = [names(ni.search("Kherson", sort="oldest", limit=2, page=p)) for p in (1, 2, 3, 4)]
    assert sum(pages, []) == everything and pages[3] == []
    second = ni.search("Kherson", sort="oldest", limit=2, page=2)
    assert (second.offset, second.total, [h.rank for h in second.hits]) == (2, 6, [3, 4])


def test_facets_count_the_whole_hit_set(ni: NewsIndex):
    results = ni.search("Kherson", limit=1, facets=True)
    f = results.facets
    assert len(results.hits) == 1 and results.total == 6
    assert {c.value: c.count for c in f.outlet} == {"BBC": 2, "LBC": 1, "The Guardian": 1, "Reuters": 1}
    assert f.no_outlet == 1
    assert {c.value: c.count for c in f.byline} == {
        "Asher McShane": 1, "Anna Smith": 1, "Tom Jones": 1, "Maria Lopez": 1}
    assert [c.value for c in f.month][-2:] == ["2022-12", "2022-11"]
    assert {c.value: c.count for c in f.month}["2022-12"] == 2 and f.undated == 1


def test_a_minus_before_a_word_or_phrase_leaves_it_out(ni: NewsIndex):
    kherson = set(names(ni.search("Kherson", limit=20)))
    assert set(names(ni.search("Kherson -bridge", limit=20))) == kherson - {"a1", "a6"}
    assert set(names(ni.search("Kherson NOT bridge", limit=20))) == kherson - {"a1", "a6"}
    assert set(names(ni.search('Kherson -"main square"', limit=20))) == kherson - {"a2"}
    without = set(names(ni.search("-Kherson", limit=20)))  # alone: every article without it
    assert "a3" in without and not without & kherson
    # A hyphen inside a word, or in a quoted phrase, is not a minus.
    assert names(ni.search("Christmas-Eve")) == ["a5"]
    assert names(ni.search('"Christmas -Eve"')) == ["a5"]


@pytest.mark.parametrize("query", [
    "antonivskyi bridge destroyed ferry", "Kherson bridge", '"grain deal" extended bridge', "outlet:bbc Kherson",
    "what happened to the bridge over the dnipro river near kherson", "Kherson -grain",
])
def test_an_explanation_adds_up_to_the_score(ni: NewsIndex, query: str):
    results = ni.search(query, explain=True)
    assert results.hits
    for hit in results.hits:
        why = hit.explanation
        assert why is not None and why.score == pytest.approx(hit.score, rel=1e-9)
        assert 1 <= why.held <= why.of <= len(why.words)


def test_explain_shows_the_fields_and_the_words_missing(ni: NewsIndex, run: Run, tmp_path: Path):
    top = ni.search("antonivskyi bridge destroyed ferry", explain=True).hits[0]
    why = top.explanation
    assert [w.word for w in why.words] == ["antonivskyi", "bridg", "destroy", "ferri"]
    assert set(why.words[1].fields) == {"title", "body", "exact"} and why.words[3].fields == {}
    assert (why.held, why.of) == (3, 4) and 0 < why.coordination < 1
    assert ni.search("Kherson", explain=True, sort="newest").hits[0].explanation is None  # no score to explain
    run("add", str(write_archive(tmp_path / "cli-archive")))
    shown = run("search", "antonivskyi bridge destroyed ferry", "--explain").stdout
    assert "ferri 0 [not in this article]" in shown and "(holds 3 of 4 words)" in shown
    hit = json_lines(run("search", "Kherson bridge", "--explain", "--json").stdout)[0]
    assert hit["explanation"]["words"][0]["word"] == "kherson" and hit["explanation"]["coordination"] == 1.0


def test_a_long_query_is_ranked_with_words_of_its_best_matches_and_keeps_its_hits(ni: NewsIndex):
    question = "what happened to the bridge over the dnipro river near kherson"
    ranked = ni.search(question, limit=20, explain=True)
    assert ranked.expansion and "antonivskyi" in ranked.expansion  # a word of the best matches, not typed
    by_date = ni.search(question, limit=20, sort="newest")  # no feedback when not ranked by relevance
    assert by_date.expansion == () and {h.id for h in by_date.hits} == {h.id for h in ranked.hits}
    assert ranked.total == by_date.total
    assert any(h.explanation.expansion for h in ranked.hits)
    assert ni.search("Kherson bridge").expansion == ()  # short queries: none


@pytest.fixture(params=["dictionaries", "arrays"])
def scores_kept_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Scores and words held counted in dictionaries and matchers (few
    postings), or in arrays (many: search/scoring.py), as postings decide."""
    from newsindex.search import queries, scoring

    if request.param == "arrays":
        monkeypatch.setattr(scoring, "ARRAY_POSTINGS", 0)
        monkeypatch.setattr(queries, "ARRAY_PHRASE_DOCS", 0)
    return request.param


def test_long_queries_need_a_share_of_their_words(ni: NewsIndex, scores_kept_in: str):
    question = "what happened to the bridge over the dnipro river near kherson"
    auto = names(ni.search(question, limit=20))
    assert set(auto[:2]) == {"a1", "a7"}  # the two holding five of its eight words
    assert "a3" not in auto  # shares no word with the question
    assert set(auto) >= {"a1", "a6", "a7"}
    assert names(ni.search(question, mode="all")) == []
    assert len(ni.search("bridge grain", mode="any").hits) == 3
    assert ni.search("bridge grain", mode="all").total == 0


def test_a_word_no_article_holds_with_the_others_degrades_gracefully(ni: NewsIndex, scores_kept_in: str):
    # Both words, where some article holds both: only those.
    both = ni.search("Kherson bridge")
    assert both.words_held is None and set(names(both)) == {"a1", "a6"}
    # No article holds both: the best matches for one, and the header says so.
    fallback = ni.search("bridge grain")
    assert fallback.words_held == (1, 2) and set(names(fallback)) == {"a1", "a3", "a6"}
    # Three to five words need half of them: a misremembered word does not hide the article...
    remembered = ni.search("antonivskyi bridge destroyed ferry")
    assert remembered.words_held == (3, 4) and names(remembered)[0] == "a1"
    # ...nor does wording the subject otherwise; holding more of the words ranks higher.
    assert names(ni.search("bridge river destroyed ferry")) == ["a1", "a6"]  # a7 holds only "river"
    # An article holding every word still comes first.
    assert names(ni.search("Kherson market shelling"))[0] == "a5"
    # Phrases, fields and NOT stay required.
    phrase = ni.search('"grain deal" extended bridge')
    assert phrase.words_held == (1, 2) and names(phrase) == ["a3"]  # not a1 or a6, which hold "bridge"
    assert ni.search("bridge grain NOT Kherson").words_held == (1, 2)
    assert names(ni.search("bridge grain NOT Kherson")) == ["a3"]


def test_cli_filters_paging_and_json_summary(run: Run, tmp_path: Path):
    run("add", str(write_archive(tmp_path / "archive")))
    paged = run("search", "Kherson", "--sort", "oldest", "-n", "2", "--page", "2")
    assert paged.exit_code == 0 and paged.stdout.startswith("hits 3-4 of 6 for 'Kherson'")
    dated = run("search", "Kherson", "--since", "2022-11", "--until", "2022-11")
    assert "the date filter left out 1 undated article" in dated.stdout.splitlines()[0]
    out = json_lines(run("search", "Kherson", "--outlet", "BBC", "--facets", "--json").stdout)
    assert [h["rank"] for h in out[:-1]] == [1, 2]
    summary = out[-1]["summary"]
    assert summary["total"] == 2 and summary["facets"]["outlet"] == {"BBC": 2}
    facets = run("search", "Kherson", "--facets").stdout
    assert "outlet" in facets and "The Guardian" in facets and "undated" in facets
    assert run("search", "bridge grain", "--all").exit_code == 1
    degraded = run("search", "bridge grain")
    assert degraded.exit_code == 0 and "No article holds both words: best matches for 1 of them" in degraded.stdout
    assert run("search", "bridge grain", "--any").exit_code == 0
    bad = run("search", "Kherson", "--since", "soonish")
    assert bad.exit_code == 2 and "'soonish' is not a date" in bad.stderr


def test_date_ranges_read_from_the_column_match_the_dates_exactly(tmp_path):
    """Dated, undated and removed articles over several segments: every date
    filter and date: query keeps exactly the articles whose date is inside."""
    import json
    from datetime import datetime, timedelta

    from newsindex import NewsIndex

    start = datetime(2022, 1, 1, 6, 30)
    dates = [start + timedelta(days=9 * n, hours=n) for n in range(40)]
    records = [{"title": f"Report {n}", "text": f"Shipping report number {n} from the port.",
                "date": d.isoformat(), "url": f"https://port.example/{n}"} for n, d in enumerate(dates)]
    records += [{"title": f"Undated {n}", "text": f"Shipping notes {n}, no date."} for n in range(5)]
    records.append({"title": "Zoned", "text": "Shipping zone report.", "date": "2022-03-01T23:30:00-05:00"})
    with NewsIndex(tmp_path / "index") as ni:
        added = []
        for part in range(3):  # an add a segment: three segments
            path = tmp_path / f"port{part}.jsonl"
            path.write_text("\n".join(json.dumps(r) for r in records[part * 16 : part * 16 + 16]), encoding="utf-8")
            added += ni.add([path]).added
        assert ni.check().segments == 3
        removed = [o.id for o in added[3:6]]
        ni.remove(removed)
        kept = {n: d for n, d in enumerate(dates) if n not in (3, 4, 5)}
        kept[100] = datetime(2022, 3, 2, 4, 30)  # the zoned one, in UTC
        for since, until in (("2022-02", "2022-03"), ("2022-03-02", "2022-03-02"), ("2022", None),
                             (None, "2022-06-30"), ("2023-01-01", "2023-12-31"), ("2021", "2021")):
            lo = datetime.fromisoformat(since + "-01-01"[len(since) - 4:]) if since else datetime.min
            results = ni.search("shipping", since=since, until=until, limit=100)
            expected = {n for n, d in kept.items()
                        if d >= lo and (until is None or d.strftime("%Y-%m-%d")[:len(until)] <= until)}
            assert results.total == len(expected), (since, until)
            assert results.excluded_undated == 5
        in_march = sum(1 for d in kept.values() if d.strftime("%Y-%m") == "2022-03")
        assert ni.search("shipping date:2022-03", limit=100).total == in_march
        # Facets and the timeline, read segment by segment, see the same articles.
        facets = ni.search("shipping", facets=True).facets
        assert facets is not None and facets.undated == 5
        assert {f.value: f.count for f in facets.month} == dict(Counter(d.strftime("%Y-%m") for d in kept.values()))
        by_month = ni.timeline("shipping", by="month")
        assert (by_month.total, by_month.undated) == (len(kept), 5)
        assert {p.label: p.count for p in by_month.periods if p.count} == {
            f.value: f.count for f in facets.month}
        # The date field indexes no terms: Whoosh's own date queries (exclusive
        # bounds, an exact moment) are read from the column as well.
        from whoosh.query import DateRange, Term

        from newsindex.search.daterange import column_date_ranges

        ix = ni._open()
        first, fifth = dates[0], dates[4]
        cases = {
            DateRange("date", first, fifth, startexcl=True, endexcl=True): 2,  # 1, 2 (3 and 4 removed)
            DateRange("date", first, fifth): 3,  # 0, 1, 2
            DateRange("date", first, dates[2], startexcl=True): 2,
            DateRange("date", first, dates[2], endexcl=True): 2,
            Term("date", ix.schema["date"].to_bytes(dates[7])): 1,
            Term("date", ix.schema["date"].to_bytes(dates[7] + timedelta(seconds=1))): 0,
        }
        with ix.searcher() as searcher:
            for query, expected in cases.items():
                assert len(searcher.search(column_date_ranges(query, ix.schema), limit=None)) == expected, query


def test_the_form_searched_for_outranks_other_forms_of_the_word(tmp_path: Path):
    # Same length, same stem counts: only the form written tells them apart.
    write_texts(tmp_path / "archive", {
        "forms.txt": "Council notes\n\nThe council elected a mayor after the vote was counted twice.\n",
        "typed.txt": "Council notes\n\nThe council held elections for mayor after the vote counted twice.\n",
    })
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([str(tmp_path / "archive")])
        ranked = ni.search("elections", explain=True)
        assert [Path(h.path).stem for h in ranked.hits] == ["typed", "forms"]  # both match by the stem
        assert ranked.hits[0].explanation.words[0].fields.keys() == {"body", "exact"}
        assert ranked.hits[1].explanation.words[0].fields.keys() == {"body"}
        assert [Path(h.path).stem for h in ni.search("exact:elected").hits] == ["forms"]
        assert [Path(h.path).stem for h in ni.search('"held elections"').hits] == ["typed"]  # phrases: in the text
        with pytest.raises(QueryError, match="keeps no word positions"):
            ni.search('exact:"held elections"')


@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_a_questions_hyphenated_words_weigh_their_exact_forms_as_its_others(weight: float,
                                                                          monkeypatch: pytest.MonkeyPatch):
    from newsindex.schema import build_schema
    from newsindex.search import parse

    monkeypatch.setattr(parse, "EXACT_WEIGHT_LONG", weight)
    question = parse.parse_query("what did the four-power summit meeting agree on berlin", build_schema())
    exact = [leaf for leaf in question.leaves() if leaf.field() == "exact"]
    assert {leaf.text for leaf in exact} == ({"four", "power", "summit", "meeting", "agree", "berlin", "what", "did"}
                                             if weight else set())
    assert all(leaf.boost == weight for leaf in exact)


def test_a_question_is_ranked_with_its_own_parameters(ni: NewsIndex, monkeypatch: pytest.MonkeyPatch):
    from newsindex import schema
    from newsindex.search import parse

    question = "what happened to the bridge over the dnipro river near kherson"
    asked, alone = ni.search(question).hits[0].score, ni.search("kherson").hits[0].score
    monkeypatch.setattr(schema, "BM25_K1_LONG", schema.BM25_K1_LONG + 1.0)
    ni.close()  # BM25's parameters are read when the index is opened
    assert ni.search(question).hits[0].score != pytest.approx(asked)
    assert ni.search("kherson").hits[0].score == pytest.approx(alone)
    # With BM25's parameters alike, only the exact forms' weight tells the two apart.
    monkeypatch.setattr(schema, "BM25_K1_LONG", schema.BM25_K1)
    monkeypatch.setattr(schema, "BM25_B_LONG", schema.BM25_B)
    ni.close()
    top = ni.search(question, explain=True).hits[0]
    in_question = next(w for w in top.explanation.words if w.word == "kherson").fields
    by_itself = next(h for h in ni.search("kherson", explain=True).hits if h.id == top.id).explanation.words[0].fields
    assert in_question["body"] == pytest.approx(by_itself["body"])
    if parse.EXACT_WEIGHT_LONG:
        ratio = in_question["exact"] / by_itself["exact"]
        assert ratio == pytest.approx(parse.EXACT_WEIGHT_LONG / parse.EXACT_WEIGHT)
    else:
        assert "exact" not in in_question and "exact" in by_itself


def test_stories_are_counted_alike_in_arrays_and_in_python(
    bbc_business: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Copies folded and stories counted from numpy arrays (search/copies.py,
    from ARRAY_STORIES documents on) give what counting in Python gives:
    totals, folded counts, hits and each hit's copies."""
    import shutil

    from newsindex.search import copies

    def searched(array_stories: int) -> list[tuple[object, ...]]:
        monkeypatch.setattr(copies, "ARRAY_STORIES", array_stories)
        index = tmp_path / f"index-{array_stories}"  # a copy, read afresh: counts are kept per reader
        shutil.copytree(bbc_business, index)
        with NewsIndex(index) as ni:
            found = [ni.search(q, limit=20) for q in
                     ("said", "oil prices", "interest rate", "post-quake gloom", "man utd offer", "nasdaq share sale")]
        return [(r.total, r.folded, [(h.id, [c.id for c in h.copies], h.first_seen) for h in r.hits]) for r in found]

    in_python = searched(10**9)
    assert in_python == searched(0)
    assert any(folded for _, folded, _ in in_python)  # copies were folded...
    assert any(copied for _, _, hits in in_python for _, copied, _ in hits)  # ...and are shown
