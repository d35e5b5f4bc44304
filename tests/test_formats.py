"""HTML pages, JSON, JSON Lines, CSV, feeds and WARC files, from the CLI and the API."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from newsindex import NewsIndex
from newsindex.errors import InvalidValueError
from newsindex.models import Article

from .conftest import Run, corpus, json_hits, json_lines

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head>
<title>Bridge reopens after repairs | Kyiv Daily</title>
<meta property="og:site_name" content="Kyiv Daily">
<meta name="description" content="The Dnipro crossing carries traffic again.">
<link rel="canonical" href="https://kyivdaily.example/bridge-reopens">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge reopens after repairs",
 "datePublished": "2022-11-14T09:30:00+02:00", "dateModified": "2022-11-14T12:00:00+02:00",
 "author": [{"@type": "Person", "name": "Olena Kovalenko"}, {"@type": "Person", "name": "Ivan Petrenko"}],
 "publisher": {"@type": "Organization", "name": "Kyiv Daily"}}
</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Bridge reopens after repairs</h1>
<p>The road bridge over the Dnipro reopened to traffic on Monday morning, three weeks after
engineers closed it to repair the damage to two of its spans.</p>
<figure><img src="bridge.jpg" alt="The bridge">
<figcaption>Engineers inspect the repaired span on Sunday.</figcaption></figure>
<p>City officials said lorries heavier than twenty tonnes would stay on the detour until the
load tests end next week, and that buses would return to their usual routes on Tuesday.</p>
<p>Residents on both banks had queued for hours at the ferry crossing while the bridge was
shut, and local shops reported a sharp fall in trade during the closure.</p>
</article>
<footer>Subscribe to our newsletter. Cookie settings. Copyright Kyiv Daily.</footer>
</body></html>
"""


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def story(n: int, **extra: object) -> dict:
    return {
        "headline": f"Story number {n} about the harbour",
        "text": f"Dock workers at the harbour voted on the pay offer number {n}. " * 5,
        "date": f"2021-03-{n:02d}",
        "authors": "Ana Silva and Rui Costa, AP",
        "link": f"https://news.example/story-{n}",
        **extra,
    }


def add_page(ni: NewsIndex, folder: Path) -> Article:
    """PAGE saved as bridge.html, added, and read back."""
    page = folder / "bridge.html"
    page.write_text(PAGE, encoding="utf-8")
    [outcome] = ni.add([page]).outcomes
    return ni.get(outcome.id)


def test_html_page_fields_come_with_their_provenance(tmp_path: Path, index_path: Path):
    with NewsIndex(index_path) as ni:
        article = add_page(ni, tmp_path)
    assert article.title == "Bridge reopens after repairs"  # the site name is not part of it
    assert article.byline == ("Olena Kovalenko", "Ivan Petrenko")
    assert article.published == datetime.fromisoformat("2022-11-14T09:30:00+02:00")
    assert article.updated == datetime.fromisoformat("2022-11-14T12:00:00+02:00")
    assert article.outlet == "Kyiv Daily"
    assert article.url == "https://kyivdaily.example/bridge-reopens"
    assert article.language == "en"
    assert article.description == "The Dnipro crossing carries traffic again."
    assert article.captions == ("Engineers inspect the repaired span on Sunday.",)
    assert "Engineers inspect" not in article.body  # captions are kept out of the body
    assert "reopened to traffic" in article.body and "load tests" in article.body
    assert "Cookie" not in article.body and "Sport" not in article.body
    assert article.provenance == {
        "title": "json-ld", "byline": "json-ld", "published": "json-ld", "updated": "json-ld",
        "outlet": "json-ld", "url": "meta tag", "description": "meta tag", "language": "html lang",
        "captions": "html figcaption",
    }
    assert article.crawled is None


def test_html_without_metadata_stays_empty_and_says_where_values_came_from(tmp_path: Path, index_path: Path):
    page = tmp_path / "bare.htm"
    body = "".join(f"<p>Paragraph {i} of a page that says nothing about itself, only its story.</p>" for i in range(8))
    page.write_text(f"<html><body><div>{body}</div></body></html>", encoding="utf-8")
    with NewsIndex(index_path) as ni:
        [outcome] = ni.add([page]).outcomes
        article = ni.get(outcome.id)
    assert article.title is None and article.byline == () and article.published is None
    assert article.outlet is None and article.url is None
    assert "Paragraph 3 of a page" in article.body


def test_json_lines_records_land_one_article_each_and_bad_lines_are_named(tmp_path: Path, run: Run):
    archive = write_jsonl(tmp_path / "archive.jsonl", [story(1), story(2), story(3)])
    with archive.open("a", encoding="utf-8") as f:
        f.write('{"headline": "broken\n')
        f.write(json.dumps({"headline": "No text at all"}) + "\n")
        f.write("[1, 2]\n")
    result = run("add", str(archive))
    assert result.exit_code == 1
    assert result.stdout.startswith("3 added")
    errors = result.stderr.strip().splitlines()
    assert "archive.jsonl:4: skipped: not valid JSON (Unterminated string" in errors[0]
    assert errors[1].endswith("archive.jsonl:5: skipped: no text field (only a title)")
    assert errors[2].endswith("archive.jsonl:6: skipped: not a JSON object but list")

    hits, summary = json_hits(run("search", "harbour", "--json", "--sort", "oldest").stdout)
    assert summary["total"] == 3
    first = hits[0]
    assert first["title"] == "Story number 1 about the harbour"
    assert first["byline"] == ["Ana Silva", "Rui Costa"]
    assert first["published"] == "2021-03-01T00:00:00"
    assert first["url"] == first["record"] == "https://news.example/story-1"
    assert first["provenance"]["title"] == 'json key "headline"'
    assert first["provenance"]["byline"] == 'json key "authors"'


def test_changed_record_is_the_only_one_updated_and_removed_records_go(tmp_path: Path, index_path: Path):
    archive = write_jsonl(tmp_path / "archive.jsonl", [story(n) for n in range(1, 6)])
    with NewsIndex(index_path) as ni:
        assert len(ni.add([archive]).added) == 5
        again = ni.add([archive])
        assert len(again.unchanged) == 5 and not again.added
        records = [story(n) for n in range(1, 6)]
        records[2]["text"] = "The harbour strike ended after a new offer was accepted by the union. " * 3
        del records[4]  # story 5 is gone from the file
        write_jsonl(archive, [records[2], *records[:2], records[3]])  # and the order changed
        report = ni.add([archive])
        assert report.counts() == {
            "added": 0, "updated": 1, "unchanged": 3, "duplicate": 0, "skipped": 0, "skipped_earlier": 0,
            "passed_over": 0,
        }
        assert report.updated[0].record == "1"  # story 3 is on line 1 now; its URL keeps its id
        assert ni.search("strike").total == 1
        assert ni.search("harbour").total == 4  # story 5 was removed with its line
        assert ni.stats().articles == 4


def test_duplicate_records_in_one_file_are_reported(tmp_path: Path, index_path: Path):
    archive = write_jsonl(tmp_path / "dump.jsonl", [story(1), story(1), story(2)])
    with NewsIndex(index_path) as ni:
        report = ni.add([archive])
    assert len(report.added) == 2
    [duplicate] = report.duplicates
    assert duplicate.record == "2" and duplicate.duplicate_of == report.added[0].id


def test_json_array_wrapped_object_csv_and_map(tmp_path: Path, index_path: Path, run: Run):
    (tmp_path / "array.json").write_text(json.dumps([story(1), story(2)]), encoding="utf-8")
    (tmp_path / "wrapped.json").write_text(json.dumps({"articles": [story(3)]}), encoding="utf-8")
    nested = [{"story": {"words": "Fishermen blockaded the harbour mouth at dawn. " * 4, "when": "2021-04-02"},
               "head": "Blockade at dawn"}]
    (tmp_path / "nested.jsonl").write_text(json.dumps(nested[0]) + "\n", encoding="utf-8")
    big = "Harbour pilots refused overtime. " * 40000  # a cell over a megabyte
    (tmp_path / "sheet.csv").write_text(
        'title,body,published,author\n"Pilots refuse overtime","' + big + '",2021-05-01,Maria Gomes\n',
        encoding="utf-8",
    )
    result = run("add", str(tmp_path), "--map", "body=story.words", "--map", "date=story.when",
                 "--map", "title=head")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("5 added")
    hits, _ = json_hits(run("search", "blockaded", "--json").stdout)
    assert hits[0]["title"] == "Blockade at dawn" and hits[0]["published"] == "2021-04-02T00:00:00"
    assert hits[0]["provenance"]["body"] == 'json key "story.words"'
    hits, _ = json_hits(run("search", "pilots", "--json").stdout)
    assert hits[0]["byline"] == ["Maria Gomes"] and hits[0]["provenance"]["title"] == 'csv column "title"'

    bad = run("add", str(tmp_path), "--map", "colour=hue")
    assert bad.exit_code == 2 and "--map: field 'colour': unknown field" in bad.stderr
    with NewsIndex(index_path) as ni, pytest.raises(InvalidValueError):
        ni.add([tmp_path], field_map={"body": ""})


def test_huffpost_records_named_json_are_read_as_json_lines(tmp_path: Path, index_path: Path):
    source = corpus("huffpost") / "News_Category_Dataset_v3.first10000.json"
    lines = source.read_text(encoding="utf-8").splitlines()
    sample = tmp_path / "huffpost.json"
    sample.write_text("\n".join(lines[1990:2010]), encoding="utf-8")  # holds the triplicate 2001-2003
    with NewsIndex(index_path) as ni:
        report = ni.add([sample])
        assert report.counts()["added"] == 18 and report.counts()["duplicate"] == 2
        first = json.loads(lines[1990])
        article = ni.get(report.added[0].id)
    assert article.title == first["headline"]
    assert article.url == first["link"] and article.published.date() == date.fromisoformat(first["date"])
    assert article.body == first["short_description"]
    assert article.provenance["body"] == 'json key "short_description"'  # the only text the record has


def test_feeds_rss_atom_latin1_and_json_feed(tmp_path: Path, index_path: Path):
    feeds = corpus("feeds")
    for name in ("guardian-us.rss", "heise-developer.atom", "uol-noticias.rss", "npr-technology.jsonfeed.json"):
        shutil.copy(feeds / name, tmp_path / name)
    with NewsIndex(index_path) as ni:
        report = ni.add([tmp_path])
        added = {}
        for outcome in report.added:
            added.setdefault(Path(outcome.path).name, []).append(outcome)
        assert len(added["guardian-us.rss"]) == 55
        assert len(added["heise-developer.atom"]) == 15
        assert len(added["npr-technology.jsonfeed.json"]) == 25
        assert 0 < len(added["uol-noticias.rss"]) <= 15  # Latin-1 without a declaration reads
        guardian = ni.get(added["guardian-us.rss"][0].id)
        assert guardian.title == "Trump State of the Union address promised unity but emphasized discord"
        assert guardian.outlet == "The Guardian" and guardian.byline == ("David Smith",)
        assert guardian.published == datetime(2018, 1, 31, 7, 26, 5, tzinfo=timezone.utc)
        assert guardian.provenance["outlet"] == 'feed entry "feed title"'
        assert "<p>" not in guardian.body and "new American moment" in guardian.body
        uol = ni.get(added["uol-noticias.rss"][0].id)
        assert "ç" in uol.body + (uol.title or "") or "ã" in uol.body + (uol.title or "")
        npr = ni.get(added["npr-technology.jsonfeed.json"][0].id)
        # NPR's feed is titled "Technology", a section of the site it links to.
        assert npr.outlet == "npr.org" and npr.provenance["outlet"] == 'feed entry "feed link"'
        assert npr.section == "Technology" and npr.provenance["section"] == 'feed entry "feed section"'
        assert ni.search("outlet:npr.org").total == 25


def test_hostile_feeds_do_not_expand_entities(tmp_path: Path, index_path: Path):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    (tmp_path / "laughs.rss").write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}]>'
        '<rss version="2.0"><channel><title>Laughs</title><item><title>Bomb</title>'
        "<description>&l9; and some words of a story</description></item></channel></rss>",
        encoding="utf-8",
    )
    (tmp_path / "xxe.rss").write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>XXE</title><item><title>Secret</title>'
        "<description>Leak: &x; and the rest of the story</description></item></channel></rss>",
        encoding="utf-8",
    )
    with NewsIndex(index_path) as ni:
        ni.add([tmp_path])
        bodies = " ".join(ni.get(h.id).body for h in ni.search("story").hits)
    assert "lollol" not in bodies and "root:" not in bodies


def test_warc_pages_become_articles_with_url_and_crawl_date(tmp_path: Path, index_path: Path, run: Run):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    page = PAGE.replace('"datePublished": "2022-11-14T09:30:00+02:00", ', "")  # the page gives no date
    for uri, body, kind in (("https://kyivdaily.example/bridge-reopens", page.encode(), "text/html"),
                            ("https://kyivdaily.example/bridge.jpg", b"\x89PNG...", "image/png")):
        headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2023-01-05T10:00:00Z"},
        ))
    (tmp_path / "crawl.warc.gz").write_bytes(buffer.getvalue())
    result = run("add", str(tmp_path / "crawl.warc.gz"))
    assert result.exit_code == 0 and result.stdout.startswith("1 added")
    with NewsIndex(index_path) as ni:
        [hit] = ni.search("Dnipro").hits
        article = ni.get(hit.id)
    assert article.url == "https://kyivdaily.example/bridge-reopens"
    assert article.crawled == datetime(2023, 1, 5, 10, 0, tzinfo=timezone.utc)
    assert article.provenance["crawled"] == "warc header"
    assert article.published is None or article.published.date() != date(2023, 1, 5)  # never the crawl date
    shown = run("show", hit.id)
    assert "crawled" in shown.stdout and "https://kyivdaily.example/bridge-reopens" in shown.stdout


def test_the_same_story_in_two_formats_is_a_duplicate(tmp_path: Path, index_path: Path):
    with NewsIndex(index_path) as ni:
        article = add_page(ni, tmp_path)
        dump = write_jsonl(tmp_path / "dump.jsonl", [{"title": article.title, "text": article.body,
                                                      "date": "2022-11-14", "url": "https://elsewhere.example/copy"}])
        report = ni.add([dump])
    assert report.duplicates[0].duplicate_of == article.id


def test_gzip_bomb_deep_json_and_giant_lines_are_skipped(tmp_path: Path, index_path: Path):
    with gzip.open(tmp_path / "bomb.jsonl.gz", "wb") as f:
        f.write(json.dumps(story(1)).encode() + b"\n")
        chunk = b" " * (1024 * 1024)
        for _ in range(40):  # a 40 MB line from a small file
            f.write(chunk)
        f.write(b"\n" + json.dumps(story(2)).encode() + b"\n")
    (tmp_path / "deep.json").write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    script = "<script>var x = '" + "tracking " * 600000 + "';</script>"  # 5 MB of script
    (tmp_path / "scripted.html").write_text(PAGE.replace("<footer>", script + "<footer>")
                                            .replace("Bridge reopens", "Ferry resumes"), encoding="utf-8")
    with NewsIndex(index_path) as ni:
        report = ni.add([tmp_path])
        scripted = ni.get(str(tmp_path / "scripted.html"))
    reasons = {o.where.split("/")[-1]: o.reason for o in report.skipped}
    assert reasons["bomb.jsonl.gz:2"] == "line longer than 20 MB"
    assert reasons["deep.json"] == "JSON nested too deeply"
    assert len(report.added) == 4  # both good records around the giant line, and the two pages
    assert "tracking" not in scripted.body and "reopened to traffic" in scripted.body


def test_add_json_reports_records(tmp_path: Path, run: Run):
    archive = write_jsonl(tmp_path / "a.jsonl", [story(1), {"title": "x"}])
    lines = json_lines(run("add", str(archive), "--json").stdout)
    records = {line["record"]: line for line in lines if "record" in line}  # an added one once committed
    assert records["1"]["status"] == "added"
    assert records["2"] == {"path": str(archive), "status": "skipped", "id": None,
                            "reason": "no text field (only a title)", "duplicate_of": None, "record": "2"}
    assert lines[-1]["summary"]["added"] == 1


def test_rebuild_restores_records(tmp_path: Path, index_path: Path):
    archive = write_jsonl(tmp_path / "archive.jsonl", [story(n) for n in range(1, 4)])
    with NewsIndex(index_path) as ni:
        ids = sorted(o.id for o in ni.add([archive]).added)
        report = ni.rebuild()
        assert report.articles == 3 and report.from_source == 3
        assert sorted(h.id for h in ni.search("harbour").hits) == ids
        assert not ni.add([archive]).added  # the manifest knows them again


def test_lang_filter_keeps_articles_in_that_language(tmp_path: Path, run: Run):
    write_jsonl(tmp_path / "mixed.jsonl", [story(1, language="en"), story(2, language="de-DE"), story(3)])
    run("add", str(tmp_path))
    hits, summary = json_hits(run("search", "harbour", "--lang", "de", "--json").stdout)
    assert summary["total"] == 1 and hits[0]["language"] == "de"
    assert run("search", "harbour lang:en").stdout.startswith("2 hits ")  # story 3's English is detected
    bad = run("search", "harbour", "--lang", "12")
    assert bad.exit_code == 2 and "'12' is not a language code" in bad.stderr
    timeline, _ = json_hits(run("timeline", "harbour", "--lang", "en", "--json").stdout)
    assert sum(p["count"] for p in timeline) == 2


def test_remove_takes_a_record_or_a_whole_file_of_records(tmp_path: Path, run: Run):
    archive = write_jsonl(tmp_path / "archive.jsonl", [story(n) for n in range(1, 4)])
    ids = [r["id"] for r in json_lines(run("add", str(archive), "--json").stdout)[:-1]]
    assert run("remove", ids[1]).exit_code == 0
    assert json_hits(run("search", "harbour", "--json").stdout)[1]["total"] == 2
    again = json_lines(run("add", str(archive), "--json").stdout)  # a removed record comes back, as a file would
    assert [r["status"] for r in again[:-1]].count("added") == 1
    assert run("remove", str(archive)).exit_code == 0
    assert run("search", "harbour").exit_code == 1


# -- web page metadata on layouts nobody tuned to (issue 24) ---------------------------


def _page(head: str = "", body: str = "") -> str:
    text = "".join(f"<p>Paragraph {i} of the story, long enough to be read as the article text.</p>" for i in range(6))
    return f"<html><head>{head}</head><body><article>{body}{text}</article></body></html>"


@pytest.mark.parametrize(("head", "body", "url", "title"), [
    # the <h1> with a date or section added in og:title: the <h1>
    ('<meta property="og:title" content="08.11.2021 | Intersex Day of Remembrance">',
     "<h1>Intersex Day of Remembrance</h1>", None, "Intersex Day of Remembrance"),
    # the site's name after the headline, known from the domain
    ('<meta property="og:title" content="Brookhaven Village closed due to gas leak - Rough Draft Atlanta">', "",
     "https://roughdraftatlanta.com/2023/11/08/gas-leak/", "Brookhaven Village closed due to gas leak"),
    # ... after a short section name
    ("<title>Libre cours : Raoult, les nazis et moi - Avocat | Dalloz Actualité</title>", "",
     "https://www.dalloz-actualite.fr/flash/libre-cours", "Libre cours : Raoult, les nazis et moi"),
    # a long part that starts with the domain's name is not the site's name
    ('<meta property="og:title" content="Run Windows on Mac - Parallels Desktop 15 Virtual Machine for Mac">', "",
     "https://www.parallels.com/products/desktop/",
     "Run Windows on Mac - Parallels Desktop 15 Virtual Machine for Mac"),
    # the page's one heading, when the declared title is a headline rewritten for sharing
    ('<meta property="og:title" content="Chef joins war on toxic US food">',
     "<h1>Jamie's war on toxic US food: chefs lead plea to block sub-standard imports</h1>", None,
     "Jamie's war on toxic US food: chefs lead plea to block sub-standard imports"),
    # ... but not a heading that is the declared title with a section label
    ('<meta property="og:title" content="Brothel busted in Boston">', "<h1>Local News | Brothel busted in Boston</h1>",
     None, "Brothel busted in Boston"),
    # ... nor the site's name
    ('<meta property="og:title" content="Want a more diverse community? So do we">'
     '<meta property="og:site_name" content="The WordPress.com Blog">', "<h1>The WordPress.com Blog</h1>", None,
     "Want a more diverse community? So do we"),
    # the same words in other quotes: as the page shows them
    ('<meta property="og:title" content="Record of the Week: \'Pale Blue Dot\'">',
     "<h1>Record of the Week: ‘Pale Blue Dot’</h1>", None, "Record of the Week: ‘Pale Blue Dot’"),
])
def test_title_is_chosen_between_declared_title_h1_and_page_title(head: str, body: str, url: str | None, title: str):
    from newsindex.ingest.html import extract

    assert extract(_page(head, body), url=url).title == title


@pytest.mark.parametrize(("head", "body", "byline", "source"), [
    ("", '<div class="gallery--page-meta--author">Posted on September 21, 2020 by Adi Tzlil</div>',
     ("Adi Tzlil",), "byline element"),
    ("", 'By <a href="/author/amelie/" rel="author">Amelie Marie Nishizawa</a>', ("Amelie Marie Nishizawa",),
     "byline element"),
    ('<meta name="author" content="No Author">', "", (), None),
    ('<meta name="author" content="STAFF AND NEWS SERVICE REPORTS">', "", ("STAFF AND NEWS SERVICE REPORTS",),
     "meta tag"),
    # the page names itself the author, and a person in its byline
    ('<meta property="og:site_name" content="National Geographic">'
     '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Lost words",'
     ' "author": {"@type": "Organization", "name": "National Geographic"}}</script>',
     '<span class="byline">By Michael Hingston</span>', ("Michael Hingston",), "byline element"),
    # ... and no person: what it declares
    ('<meta property="og:site_name" content="Wikimedia Foundation"><meta name="author" content="Wikimedia Foundation">',
     "", ("Wikimedia Foundation",), "meta tag"),
])
def test_authors_from_declarations_and_byline_elements(
    head: str, body: str, byline: tuple[str, ...], source: str | None
):
    from newsindex.ingest.html import extract

    article = extract(_page(head, body))
    assert article.byline == byline
    assert article.provenance.get("byline") == source


def test_declared_date_and_the_date_the_page_shows_are_reconciled():
    import htmldate

    from newsindex.ingest.html import _published

    shown = htmldate.find_date(_page(body='<p class="date">Published November 8, 2023</p>'), original_date=True)
    # a UTC time early on the 9th is the 8th in the Americas: the page's day
    published, source = _published((datetime(2023, 11, 9, 5, 30, tzinfo=timezone.utc), "json-ld"), shown)
    assert published == datetime(2023, 11, 8) and source == "htmldate (the json-ld says 2023-11-09)"
    # 10:30 UTC is the 9th in every zone from UTC-10 east: the declaration
    published, source = _published((datetime(2023, 11, 9, 10, 30, tzinfo=timezone.utc), "json-ld"), shown)
    assert published == datetime(2023, 11, 9, 10, 30, tzinfo=timezone.utc) and source.startswith("json-ld (")
    # the same day: the declaration, with its time and zone
    declared = datetime(2023, 11, 8, 9, 0, tzinfo=timezone.utc)
    assert _published((declared, "meta tag"), shown) == (declared, "meta tag")
    assert _published(None, shown) == (datetime(2023, 11, 8), "htmldate")


def test_impossible_page_dates_are_left_out_with_the_reason(tmp_path: Path, index_path: Path, run: Run):
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Time travel",'
            ' "datePublished": "2021-05-01T10:00:00Z", "dateModified": "2020-01-01T10:00:00Z"}</script>')
    (tmp_path / "page.html").write_text(_page(head, "<h1>Time travel</h1>"), encoding="utf-8")
    with NewsIndex(index_path) as ni:
        [outcome] = ni.add([tmp_path / "page.html"]).outcomes
        article = ni.get(outcome.id)
    assert article.published == datetime(2021, 5, 1, 10, tzinfo=timezone.utc)
    assert article.updated is None
    assert article.provenance["updated"] == "json-ld: left out, 2020-01-01 10:00 is before publication"
    shown = run("show", outcome.id, "--index", str(index_path))
    assert "before publication" in shown.stdout
