"""Metadata read from plain-text articles: exact values on the seeds and on typical shapes."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from newsindex.ingest.files import read_text
from newsindex.ingest.plaintext import extract, parse_byline, parse_date, parse_date_line

from .conftest import LBC_SEED, NYT_SEED, SEEDS

LBC_CAPTIONS = (
    "Ukrainian flags have been raised in the centre of Kherson after the Russians fled. "
    "Bottom right, a map of the Kherson region shows Russians pushed back across the river. "
    "Picture: Social Media",
    "The destroyed bridge that the Russians used to flee across the Dnipro river. Picture: Social Media",
    "The recently recaptured village of Archangelske in Kherson Oblast, with a Ukrainian flag "
    "flying on a rooftop. Picture: Getty",
    "A Ukrainian soldier shows V sign from a tank as Ukrainian troops continue toward Kherson. "
    "Picture: Getty",
)


def test_nyt_seed_has_credit_and_outlet_but_no_title_or_date():
    article = extract(read_text(str(SEEDS / NYT_SEED)))
    assert article.credit == "New York Times News Service"
    assert article.outlet == "The New York Times"
    assert article.title is None
    assert article.published is None and article.updated is None
    assert article.byline == () and article.captions == ()
    assert article.provenance == {"credit": "credit line", "outlet": "credit line"}
    assert article.body.startswith("Ukraine’s troops entered the southern port city of Kherson")
    assert article.body.endswith("according to residents of Kherson.")
    assert "News Service" not in article.body


def test_lbc_seed_fields():
    article = extract(read_text(str(SEEDS / LBC_SEED)))
    assert article.title == (
        "'Kremlin's dreams crumble into dust' as Russians flee and cheering crowds "
        "greet Ukrainian troops in Kherson"
    )
    assert article.published == datetime(2022, 11, 11, 12, 51)
    assert article.updated == datetime(2022, 11, 11, 18, 11)
    assert article.published.tzinfo is None  # the source names no timezone
    assert article.byline == ("Asher McShane",)
    assert article.captions == LBC_CAPTIONS
    assert article.outlet is None  # the text does not say; the sidecar does
    assert article.provenance == {
        "title": "headline line",
        "published": "date line",
        "updated": "date line",
        "byline": "byline line",
        "captions": "caption lines",
    }


def test_lbc_body_keeps_out_header_captions_and_alt_text():
    body = extract(read_text(str(SEEDS / LBC_SEED))).body
    assert body.startswith("Ukrainian flags were raised in the centre of the city of Kherson today")
    for furniture in ("Picture:", "By Asher McShane", "Updated:", "crumble into dust' as",
                      "The destroyed bridge that the Russians used to flee",
                      "Ukrainian flags have been raised"):
        assert furniture not in body
    assert "The bridge Russians used to retreat from the city has been destroyed" in body


def test_first_line_that_is_a_sentence_is_not_a_title():
    article = extract("The minister resigned on Tuesday after weeks of pressure.\n\nMore text follows.")
    assert article.title is None


def test_headline_line_becomes_title():
    article = extract("Ad sales boost Time Warner profit\n\nQuarterly profits at US media giant rose.")
    assert article.title == "Ad sales boost Time Warner profit"
    assert article.body == "Quarterly profits at US media giant rose."


@pytest.mark.parametrize("gap", ["\n\n", "\n\n\n", "\n\n\n\n  \n", "\r\n\r\n\r\n"])
def test_paragraphs_are_kept_apart_by_one_blank_line(gap: str):
    article = extract(f"Bridge reopens\n\nThe first paragraph.{gap}The second paragraph.\n\n\n")
    assert article.body == "The first paragraph.\n\nThe second paragraph."


def test_single_line_text_has_no_title():
    assert extract("Short note without a headline").title is None


def test_byline_with_several_authors_and_roles():
    assert parse_byline("By Anna Smith, Jean-Luc Picard and Maria de la Cruz") == (
        "Anna Smith", "Jean-Luc Picard", "Maria de la Cruz")
    assert parse_byline("By Anna Smith, Political Editor") == ("Anna Smith",)
    assert parse_byline("By the time troops arrived, the bridge was gone") == ()


def test_date_lines():
    assert parse_date_line("Published: 3 March 2023") == (datetime(2023, 3, 3), None)
    published, updated = parse_date_line("Friday 11 November 2022 12.51 GMT")
    assert (published.year, published.hour, published.minute) == (2022, 12, 51)
    assert published.utcoffset().total_seconds() == 0
    assert parse_date_line("2022-11-11") == (datetime(2022, 11, 11), None)


def test_common_date_shapes_read_as_dateutil_reads_them():
    # The common shapes are read without dateutil: the same datetimes, or
    # nothing where dateutil finds nothing (31 February, 24:00, "Mayo").
    from dateutil import parser

    days, years = ("1", "09", "29", "31"), ("1987", "2024")
    months = ("February", "Feb", "sept", "SEPTEMBER", "May", "Mayo")
    times = ("", ", 15:01", " 9:05", " 24:00", " 12:75")
    for day, month, year, time in itertools.product(days, months, years, times):
        for text in (f"{day} {month} {year}{time}", f"{month} {day}, {year}{time}"):
            try:
                expected = parser.parse(text)
            except ValueError:
                expected = None
            assert parse_date(text) == expected, text


def test_incomplete_or_ambiguous_dates_are_not_invented():
    assert parse_date_line("November 2022") is None  # no day: it would be guessed
    assert parse_date_line("11/12/2022") is None  # day or month first? unknown
    assert parse_date_line("Kherson was retaken in 2022") is None


def test_credit_line_variants():
    assert extract("Some story text here.\n(Reuters)").outlet == "Reuters"
    assert extract("Some story text here.\n(AP)").outlet == "Associated Press"
    not_credit = extract("Some story text here.\n(Reporting by Jane Doe; editing by Tim Roe)")
    assert not_credit.credit is None and not_credit.outlet is None


def test_wire_dateline_gives_credit_and_stays_in_body():
    article = extract("KYIV (Reuters) - Ukrainian forces entered Kherson on Friday.\nMore.")
    assert article.credit == "Reuters"
    assert article.provenance["credit"] == "dateline"
    assert article.body.startswith("KYIV (Reuters) -")


def test_image_caption_in_parentheses():
    article = extract("Headline here\n\nA crowd in the square (Image: Getty)\n\nBody text.")
    assert article.captions == ("A crowd in the square (Image: Getty)",)
    assert article.body == "Body text."


@pytest.mark.parametrize("caption", [
    "Troops on the bridge. Picture: Getty", "Troops on the bridge. Pictures: Getty", "Troops. Photo: AP",
    "Troops. Photograph: AP", "Troops. Photos: AP", "Troops. Image: Getty", "Troops. Pic: PA", "Troops. Credit: AFP",
    "Troops (Photo: AP)", "Troops (Pics: PA)", "Troops (Picture: Getty).",
])
def test_every_caption_credit_word_makes_a_caption(caption: str):
    article = extract(f"Headline here\n\nThe story begins.\n\n{caption}\n\nBody text.")
    assert article.captions == (caption,)
    assert caption not in article.body


def test_headlines_starting_with_symbols_or_brand_names():
    for headline in ("$1m payoff for former Shell boss", "iTunes now selling Band Aid song",
                     "Rivals of the £400 Apple..."):
        assert extract(f"{headline}\n\nThe body of the story.").title == headline
    assert extract("and then the troops left\n\nMore.").title is None
