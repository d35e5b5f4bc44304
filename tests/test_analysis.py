"""Indexing analyses text in bulk (analysis.index_postings); queries and
highlighting analyse it through Whoosh's chain. A word indexed one way and
searched the other must meet: the two give the same terms and positions."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsindex import analysis
from newsindex.analysis import index_postings
from newsindex.schema import build_schema

SCHEMA = build_schema()
FIELDS = ("title", "body", "captions", "byline", "outlet", "exact")

TRICKY = [
    "",
    "the of and",  # only stop words
    "The bridges over the Dnipro were BOMBED on 3.11.2022 by U.S.-made drones",
    "Zelénskyy met Ørsted's CEO in Malmö; naïve café façade",
    "ΟΔΟΣ ΑΣ.Β Σ σ ς ΟΔΟΣ'ΑΒ — Greek final sigma",  # lower() reads a sigma's neighbours
    "İstanbul, ß and ẞ, ﬁnance ligature",  # a dotted capital I lower-cases to two characters
    "a b c x y z I",  # one-letter words are not indexed
    "x" * 64 + " " + "y" * 65 + " ok",  # the longest word indexed, and one longer
    "snake_case words*with*stars and.dots. trailing. 19.6 pct 1,000,000",
    "日本語のテキスト と 한국어 and العربية mixed with English",
    "tabs\tand\nnew\r\nlines\x0bvertical\x0cfeed",
]


def whoosh_postings(name: str, text: str) -> list[tuple[bytes, int, float, bytes]]:
    return sorted(SCHEMA[name].index(text))


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("name", FIELDS)
def test_bulk_analysis_gives_whooshs_terms_and_positions(name: str, text: str) -> None:
    assert sorted(SCHEMA[name].index(index_postings(SCHEMA[name], text))) == whoosh_postings(name, text)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(max_size=300),
    name=st.sampled_from(FIELDS),
    chunk=st.sampled_from([1 << 20, 7, 40]),
    numpy_words=st.sampled_from([analysis.NUMPY_WORDS, 0]),
)
def test_bulk_analysis_agrees_on_any_text(text: str, name: str, chunk: int, numpy_words: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analysis, "CHUNK_CHARS", chunk)  # long texts go in pieces
        patch.setattr(analysis, "NUMPY_WORDS", numpy_words)  # short texts are grouped in Python, long ones in numpy
        assert sorted(SCHEMA[name].index(index_postings(SCHEMA[name], text))) == whoosh_postings(name, text)


def test_positions_far_apart_are_stored_as_whoosh_reads_them() -> None:
    # Gaps of 256 words and more take two bytes each, of 65,536 and more four:
    # words used once past the 256th, and words used near the start and again
    # near the end of a very long text.
    once = " ".join(f"u{i}" for i in range(300))
    filler = " ".join(f"w{i}" for i in range(70_000))
    text = f"Dnipro bridge {once} {filler} bridge {filler} Dnipro"
    postings = {term: value for term, _, _, value in SCHEMA["body"].index(index_postings(SCHEMA["body"], text))}
    assert SCHEMA["body"].format.decode_positions(postings[b"u299"]) == [301]
    assert SCHEMA["body"].format.decode_positions(postings[b"bridg"]) == [1, 70_302]
    assert SCHEMA["body"].format.decode_positions(postings[b"dnipro"]) == [0, 140_303]
    assert sorted(SCHEMA["body"].index(index_postings(SCHEMA["body"], text))) == whoosh_postings("body", text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 200_000), min_size=1, max_size=12, unique=True), min_size=1, max_size=30))
def test_positions_in_bulk_are_each_postings_decoded(lists: list[list[int]]) -> None:
    """CompactPositions.positions_in_bulk (the phrases of common words,
    search/queries.py) gives every posting's positions as decode_positions
    does, in order: gaps of one, two and four bytes, alone or mixed."""
    from newsindex.postings import CompactPositions

    format_ = CompactPositions()
    values = [format_.encode(sorted(positions)) for positions in lists]
    numbers, positions = format_.positions_in_bulk(values)
    expected = [(n, p) for n, v in enumerate(values) for p in format_.decode_positions(v)]
    assert list(zip(numbers.tolist(), positions.tolist(), strict=True)) == expected  # in order


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="aB.*_ é-£’\u212a", max_size=40), name=st.sampled_from(FIELDS))
def test_words_joined_by_dots_and_stars_are_cut_as_whoosh_cuts_them(text: str, name: str) -> None:
    # "U.S.", "3.11.2022", "words*with*stars": where a word ends decides what a query finds.
    # Text whose words are ASCII is cut by a translation (a pound sign, a curly
    # quote outside its words), other text by the pattern (é, the Kelvin sign).
    assert sorted(SCHEMA[name].index(index_postings(SCHEMA[name], text))) == whoosh_postings(name, text)


def test_lower_casing_makes_no_character_a_word_character_or_stops_one_being() -> None:
    """index_postings lower-cases a text whole before cutting it into words
    (analysis._folded_words), which cuts the same words only while no
    character's lower case (one character) is a word character where the
    character is not, or the other way round: checked for every code point
    of the Unicode tables of the Python running."""
    word = re.compile(r"[\w*.]")
    changed = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if (c := chr(cp)) != (low := c.lower()) and len(low) == 1 and bool(word.match(c)) != bool(word.match(low))
    ]
    assert changed == []


def test_long_texts_are_analysed_in_pieces_with_the_same_result(monkeypatch) -> None:
    text = " ".join(TRICKY) * 20
    expected = whoosh_postings("body", text)
    monkeypatch.setattr(analysis, "CHUNK_CHARS", 100)
    assert sorted(SCHEMA["body"].index(index_postings(SCHEMA["body"], text))) == expected


def test_a_stemmed_word_is_found_by_its_other_forms(tmp_path) -> None:
    from newsindex import NewsIndex

    (tmp_path / "a.txt").write_text("Bridges collapsed\n\nTwo bridges over the river collapsed.\n")
    ix = NewsIndex(tmp_path / "index")
    ix.add([tmp_path / "a.txt"])
    assert [hit.title for hit in ix.search("bridge collapsing").hits] == ["Bridges collapsed"]


def test_snippets_mark_every_form_of_a_searched_word(tmp_path) -> None:
    from newsindex import NewsIndex

    (tmp_path / "a.txt").write_text("Bridge talks\n\nThe bridges reopened. Nobody crossed the old bridge.\n")
    ix = NewsIndex(tmp_path / "index")
    ix.add([tmp_path / "a.txt"])
    (hit,) = ix.search("bridge").hits
    marked = [s.text[span.start : span.end] for s in hit.snippets for span in s.matches]
    assert sorted(marked) == ["bridge", "bridges"]


#: Words whose stems are not their own beginning ("dying" -> "die"), stems that
#: change a letter ("happy" -> "happi"), dotted and joined words, stop words,
#: one-letter and over-long words.
STEM_CASES = (
    "dying die lying lie tying ties vying vie skies sky news happy happiness generously hoping hopping "
    "bridge Bridges BRIDGING U.S. u.s 3.5 a..b e.g. snake_case x_y The the of a I Kyiv's co-operate "
    "running runs ran " + "x" * 64 + " " + "y" * 70
).split()


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(STEM_CASES) | st.text(alphabet="abdeilnsty._", min_size=1, max_size=7), max_size=40),
    gaps=st.lists(st.sampled_from([" ", ". ", ".", "\n", "-", ", ", "'"]), min_size=40, max_size=40),
    name=st.sampled_from(FIELDS),
    charlimit=st.integers(min_value=1, max_value=300),
    data=st.data(),
)
def test_matched_words_are_the_words_full_analysis_matches(words, gaps, name, charlimit, data) -> None:
    """Snippets of ASCII text find the searched words by where they may
    start (analysis.matched_words): the same words, at the same offsets, as
    analysing every word of the text."""
    text = "".join(word + gap for word, gap in zip(words, gaps, strict=False))
    field = SCHEMA[name]
    matches, analysed = analysis.highlight_tokens(field, text, charlimit)
    searched = data.draw(st.sets(st.sampled_from(sorted(set(analysed)) or ["none"]) | st.sampled_from(["die", "ski"])))
    terms = frozenset(t for t in searched if len(t) > 1)
    expected = [(m.start(), m.end(), w) for m, w in zip(matches, analysed, strict=True)
                if w in terms and m.end() <= charlimit]
    assert analysis.matched_words(field, text, charlimit, terms) == expected


def test_matched_words_leave_non_ascii_text_to_full_analysis() -> None:
    assert analysis.matched_words(SCHEMA["body"], "Zelénskyy crossed", 100, frozenset({"cross"})) is None
    assert analysis.matched_words(SCHEMA["body"], "Dying bridges", 100, frozenset({"die", "bridg"})) == [
        (0, 5, "die"), (6, 13, "bridg")
    ]


@pytest.mark.parametrize(("query", "text"), [
    ("Izmir", "Fire in İzmir"), ("izmir", "Fire in IZMIR"), ("Izmir", "Fire in ızmir"),
    ("Strassenbahn", "Die Straßenbahn fährt"), ("Straßenbahn", "Die Strassenbahn fährt"),
    ("finance", "Oﬃce of ﬁnance"), ("Οδησσός", "Η ΟΔΗΣΣΟΣ"), ("cafe", "cafe\u0301 reopens"),
])
def test_folding_is_unicode_aware(tmp_path, query: str, text: str) -> None:
    from newsindex import NewsIndex

    (tmp_path / "a.txt").write_text(f"Headline here\n\n{text}, the report said.\n", encoding="utf-8")
    with NewsIndex(tmp_path / "index") as ix:
        ix.add([tmp_path / "a.txt"])
        assert ix.search(query).total == 1


def test_an_index_keeps_the_folding_it_was_written_with(tmp_path) -> None:
    """An index of 0.2.0 folds "ß" to "s": new articles and queries are folded as it was."""
    import shutil

    from newsindex import NewsIndex

    old = tmp_path / "old"
    shutil.copytree(Path(__file__).parent / "data" / "index-0.2.0", old)
    (tmp_path / "new.txt").write_text("Tram news\n\nThe Straßenbahn runs again in Kherson.\n", encoding="utf-8")
    with NewsIndex(old) as ix:
        ix.add([tmp_path / "new.txt"])
        assert ix.search("Straßenbahn").total == 1
        assert ix.search("Strasenbahn").total == 1  # its own fold, kept for what it holds
