"""Metadata read from plain-text articles: exact values on the seeds and on typical shapes."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

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
    assert article.provenance == {"credit": "credit line 14", "outlet": "credit line 14"}
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
        "title": "headline line 1",
        "published": "date line 3",
        "updated": "date line 3",
        "byline": "byline line 8",
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
    months = ("February", "Feb", "sept", "SEPTEMBER", "May", "Mayx")
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
    assert article.provenance["credit"] == "dateline 1"
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


# -- layouts people save (issue 24) ----------------------------------------------------


def test_labelled_header_in_any_order_with_or_without_colons():
    for colon in (":", ""):
        article = extract(
            f"Source{colon} Reuters\nPublished{colon} 2019-11-07T21:30:00Z\nAuthor{colon} Jane Doe; John Roe\n"
            f"Title{colon} Markets fall\nURL{colon} https://example.com/a\n\nShares fell on Thursday."
        )
        assert article.title == "Markets fall"
        assert article.byline == ("Jane Doe", "John Roe")
        assert article.published == datetime(2019, 11, 7, 21, 30, tzinfo=timezone.utc)
        assert article.outlet == "Reuters" and article.credit == "Reuters"
        assert article.url == "https://example.com/a"
        assert article.provenance["byline"] == "labelled line 3"
        assert article.body == "Shares fell on Thursday."


def test_a_lone_sentence_that_starts_with_a_label_word_is_body():
    article = extract("Source close to the deal\n\nSaid more on Friday.")
    assert article.outlet is None
    assert article.title == "Source close to the deal"


@pytest.mark.parametrize(("line", "expected"), [
    ("Published 2:28 PM EDT, June 1, 1987", datetime(1987, 6, 1, 14, 28, tzinfo=timezone(timedelta(hours=-4)))),
    ("Nov. 25, 2022, 5:00 a.m. ET", datetime(2022, 11, 25, 5, 0, tzinfo=timezone(timedelta(hours=-5)))),
    ("Jun. 25, 2022, 5:00 p.m. ET", datetime(2022, 6, 25, 17, 0, tzinfo=timezone(timedelta(hours=-4)))),
    ("Thu 26 Feb 1987 15.01 GMT", datetime(1987, 2, 26, 15, 1, tzinfo=timezone.utc)),
    ("Mon 27 Apr 1987 07.48 BST", datetime(1987, 4, 27, 7, 48, tzinfo=timezone(timedelta(hours=1)))),
    ("March 4, 2023 at 3:15 PM EST", datetime(2023, 3, 4, 15, 15, tzinfo=timezone(timedelta(hours=-5)))),
    ("1987-03-04 07:07 -0500", datetime(1987, 3, 4, 7, 7, tzinfo=timezone(timedelta(hours=-5)))),
    ("June 1, 1987 Monday", datetime(1987, 6, 1)),
])
def test_date_lines_with_times_and_zones(line: str, expected: datetime):
    published, _ = parse_date_line(line)
    assert published == expected
    assert published.utcoffset() == expected.utcoffset()
    assert published.tzinfo is None or type(published.tzinfo) is timezone  # no dateutil class in the index


def test_wire_byline_gives_credit_not_a_second_author():
    article = extract("Boeing remakes de Havilland\n\nBy Russ Blinch, Associated Press\n\nOTTAWA (AP) — Boeing said.")
    assert article.byline == ("Russ Blinch",)
    assert article.credit == "Associated Press" and article.outlet == "Associated Press"
    reuters = extract("BONN SEEN REJECTING MEASURES\n\nBy Anthony Williams, Reuters\n\nBONN, June 1 - Text.\n\nReuter")
    assert reuters.byline == ("Anthony Williams",) and reuters.outlet == "Reuters"
    assert reuters.published is None  # the dateline has no year
    assert "Reuter" not in reuters.body.split()


@pytest.mark.parametrize(("line", "names", "outlet"), [
    ("By Greg McCune | The Hill", ("Greg McCune",), "The Hill"),
    ("By Eric Hall and Staff Writer", ("Eric Hall", "Staff Writer"), None),
    ("By Our Foreign Staff", ("Our Foreign Staff",), None),
    ("By Jane Doe for the Daily Mail", ("Jane Doe",), "the Daily Mail"),
    ("By Anna Smith, Political Editor", ("Anna Smith",), None),
])
def test_bylines(line: str, names: tuple[str, ...], outlet: str | None):
    article = extract(f"Headline here\n\n{line}\n\nThe story.")
    assert article.byline == names
    assert article.outlet == outlet


def test_database_export_name_line_outlet_line_and_time_line():
    article = extract(
        "Japan Shipbuilders Recover\nFumiko Fujisaki\n581 words\n18 March 1987\n11:06 GMT\nReuters News\nLBA\n"
        "English\n(c) 1987 Reuters Limited\n\nJapan's shipbuilding industry plans to refloat itself."
    )
    assert article.title == "Japan Shipbuilders Recover"
    assert article.byline == ("Fumiko Fujisaki",)
    assert article.published == datetime(1987, 3, 18, 11, 6, tzinfo=timezone.utc)
    assert article.provenance["published"] == "date lines 4 and 5"
    assert article.outlet == "Reuters News"
    assert "(c) 1987" not in article.body and "581 words" not in article.body


@pytest.mark.parametrize("ending", ["(AFP)", "— AFP", "-- AFP", "Source: AFP", "AFP"])
def test_trailing_agency_credit(ending: str):
    article = extract(f"Turkey knocks six zeros off lira\n\nThe currency is relaunched.\n\n{ending}\n")
    assert article.credit == "AFP" and article.outlet == "AFP"
    assert article.body == "The currency is relaunched."


def test_markdown_heading_and_emphasised_byline_with_date():
    article = extract("# Coffee quota talks fail\n\n*By Lisa Vaughan* | Mar. 31, 1987\n\nTalks failed.")
    assert article.title == "Coffee quota talks fail"
    assert article.byline == ("Lisa Vaughan",)
    assert article.published == datetime(1987, 3, 31)


def test_headline_shapes_that_end_in_a_dot_or_a_quote():
    headline = "Coffee Talks Failure Seen Pressuring U.S."
    assert extract(f"{headline}\n\nText.").title == headline
    assert extract('"We will not leave," the mayor said.\n\nText.').title is None
    assert extract("A first line of the body.”\n\nText.").title is None


def test_headline_must_stand_apart_from_its_paragraph():
    assert extract("Markets fall again\nShares dropped on Friday, traders said.\n\nMore.").title is None


@pytest.mark.parametrize(("header", "field", "why"), [
    ("Published: 1 June 2091", "published", "in the future"),
    ("Published: 1 June 2021 | Updated: 1 June 2020", "updated", "before publication"),
])
def test_impossible_dates_are_left_out_and_say_why(header: str, field: str, why: str):
    article = extract(f"Headline here\n\n{header}\n\nThe story.")
    assert getattr(article, field) is None
    assert why in article.provenance[field]


@pytest.mark.parametrize("byline", [
    "By " + "Name " * 90, "By https://example.com/jane", "By jane@example.com", "By: Jane Doe <jane@example.com>",
])
def test_absurd_bylines_give_no_author(byline: str):
    assert extract(f"Headline here\n\n{byline}\n\nThe story.").byline == ()


def test_date_line_in_an_unknown_language_is_left_alone():
    article = extract("სათაური\n\n12 იანვარი 2023\n\nტექსტი.")  # Georgian: not a language read
    assert article.published is None


@pytest.mark.parametrize(("line", "expected"), [
    ("14 mars 2021", datetime(2021, 3, 14)),
    ("Publié le 14 mars 2021 à 10h30", datetime(2021, 3, 14, 10, 30)),
    ("3. März 2022, 14:05 Uhr", datetime(2022, 3, 3, 14, 5)),
    ("Veröffentlicht am 3. März 2022", datetime(2022, 3, 3)),
    ("12 січня 2023", datetime(2023, 1, 12)),
    ("12 января 2023, 14:30", datetime(2023, 1, 12, 14, 30)),
    ("3 de marzo de 2022", datetime(2022, 3, 3)),
    ("1 Mayo 1987", datetime(1987, 5, 1)),
    ("12 maggio 2021", datetime(2021, 5, 12)),
])
def test_date_lines_in_other_languages(line: str, expected: datetime):
    assert parse_date_line(line) == (expected, None)


def test_incomplete_or_other_lines_in_other_languages_give_no_date():
    for line in ("mars 2021", "Mars 2021 sales up 12 pct", "Dnipro 2022 bridge 12 km", "Im März 2022 wurde gebaut"):
        assert parse_date_line(line) is None, line


@pytest.mark.parametrize(("text", "byline"), [
    ("Élections régionales\n\nPar Étienne Lefèvre\n14 mars 2021\n\nLes électeurs ont voté.", ("Étienne Lefèvre",)),
    ("Wahl in Berlin\n\nVon Hans Müller und Eva Schmidt\n3. März 2022\n\nDie Wähler haben gewählt.",
     ("Hans Müller", "Eva Schmidt")),
    ("Elecciones\n\nPor María de la Cruz\n3 de marzo de 2022\n\nLos votantes votaron.", ("María de la Cruz",)),
])
def test_bylines_and_dates_in_other_languages(text: str, byline: tuple[str, ...]):
    article = extract(text)
    assert article.byline == byline and article.published is not None
    assert extract("Von der Leyen sagte am Montag etwas.\n\nText.").byline == ()


def test_a_date_line_in_another_language_is_read_with_the_articles_language_first(monkeypatch):
    import dateparser

    asked: list[list[str]] = []
    parse = dateparser.parse

    def spy(text, languages=None, settings=None):
        asked.append(list(languages))
        return parse(text, languages=languages, settings=settings)

    monkeypatch.setattr(dateparser, "parse", spy)
    article = extract(
        "Elezioni regionali\n\n12 maggio 2021\n\nGli elettori hanno votato domenica in tutte le regioni d'Italia, "
        "secondo il ministero dell'Interno, e l'affluenza è stata bassa nelle grandi città.\n"
    )
    assert article.published == datetime(2021, 5, 12)
    assert asked and asked[0][0] == "it"  # not the first of the languages read (French)
    assert extract("Headline here\n\nThe story, in English, without a date line.").published is None
