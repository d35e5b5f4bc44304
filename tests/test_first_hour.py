"""What a new user trips over in the first hour (issue 29), driven through the command line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import Run, json_hits, json_lines


def _feed_like_records(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    records = folder / "wire.jsonl"
    records.write_text(
        json.dumps({"title": "Grain deal extended", "text": "The Black Sea grain deal was extended.", "url": "u1"})
        + "\n{not json\n"
        + json.dumps({"title": "Only a headline"}) + "\n"
        + json.dumps({"title": "Port reopens", "text": "The port of Odesa reopened on Monday.", "url": "u3"})
        + "\n",
        encoding="utf-8",
    )
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 binary \x00" * 20)
    (folder / "fine.txt").write_text("Ferry resumes\n\nThe Kherson ferry resumed service.\n", encoding="utf-8")
    return folder


def test_re_adding_unchanged_files_reports_earlier_skips_in_one_line_and_exits_0(run: Run, tmp_path: Path):
    folder = _feed_like_records(tmp_path / "in")
    first = run("add", str(folder))
    assert first.exit_code == 1
    assert first.stderr.count("skipped:") == 3  # a bad line, a record with no text, a binary file

    again = run("add", str(folder))
    assert again.exit_code == 0, again.stderr
    assert "skipped:" not in again.stderr
    assert "0 skipped, 3 skipped earlier, files unchanged" in again.stdout

    verbose = run("add", str(folder), "-v")
    assert verbose.exit_code == 0
    assert verbose.stderr.count("skipped earlier, unchanged since") == 3
    assert "wire.jsonl:2: skipped earlier" in verbose.stderr  # the bad line, by its number

    as_json = run("add", str(folder), "--json")
    statuses = [o.get("status") for o in json_lines(as_json.stdout) if "summary" not in o]
    assert statuses.count("skipped_earlier") == 3


def test_a_changed_file_is_read_again_and_its_new_failures_count(run: Run, tmp_path: Path):
    folder = _feed_like_records(tmp_path / "in")
    run("add", str(folder))
    broken = folder / "broken.txt"
    broken.write_bytes(b"\x00 still binary \x00" * 30)
    os.utime(broken, (1_700_000_000, 1_700_000_000))
    again = run("add", str(folder))
    assert again.exit_code == 1
    assert "broken.txt: skipped:" in again.stderr
    assert "2 skipped earlier" in again.stdout


def _index_of_many(index: Path, tmp_path: Path, count: int = 600) -> None:
    records = tmp_path / "many.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"title": f"Harbour story {i}", "text": f"The harbour reopened, report {i}.",
                                  "url": f"https://example.org/{i}"}) + "\n")
    done = subprocess.run([sys.executable, "-m", "newsindex", "add", str(records), "--index", str(index)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_pipe_closed_early_ends_every_output_quietly(tmp_path: Path):
    """`search ... | head -1`: the command ends at once, as grep does, killed by
    SIGPIPE (status 141 in a shell), and prints nothing on stderr."""
    index = tmp_path / "index"
    _index_of_many(index, tmp_path)
    for args in (["search", "harbour", "-n", "500", "--json"], ["search", "harbour", "-n", "500"],
                 ["stats", "--json"], ["timeline", "harbour"], ["search", "harbour", "-n", "500", "--facets"]):
        proc = subprocess.Popen([sys.executable, "-m", "newsindex", *args, "--index", str(index)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(1)
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
        assert stderr == "", f"{args}: {stderr}"
        assert code in (0, 1, -signal.SIGPIPE), f"{args}: exit {code}"  # 1: timeline, no dated hits


RSS1_HEADLINES = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">
  <channel rdf:about="https://example.org/"><title>Example Science</title><link>https://example.org/</link>
    <description>Headlines</description></channel>
  <item rdf:about="https://example.org/a"><title>Glaciers retreat faster than forecast</title>
    <link>https://example.org/a</link><dc:date>2017-06-15</dc:date>
    <prism:publicationDate>2017-06-16</prism:publicationDate></item>
  <item rdf:about="https://example.org/b"><title>Ancient harbour found under a car park</title>
    <link>https://example.org/b</link><dc:date>2017-06-14</dc:date></item>
  <item rdf:about="https://example.org/c"><title>Bees count to four</title>
    <link>https://example.org/c</link><description>Honeybees can tell numbers apart.</description></item>
</rdf:RDF>
"""


def test_feed_entries_of_a_headline_and_a_link_are_indexed_and_marked_headline_only(run: Run, tmp_path: Path):
    feed = tmp_path / "science.rdf"
    feed.write_text(RSS1_HEADLINES, encoding="utf-8")
    added = run("add", str(feed))
    assert added.exit_code == 0, added.stderr
    assert "3 added" in added.stdout

    hits, summary = json_hits(run("search", "glaciers", "--json").stdout)
    assert summary["total"] == 1
    assert hits[0]["title"] == "Glaciers retreat faster than forecast" and hits[0]["headline_only"] is True
    assert hits[0]["url"] == "https://example.org/a" and hits[0]["published"].startswith("2017-06-16")
    assert "(headline only)" in run("search", "glaciers").stdout

    bees = json_hits(run("search", "bees", "--json").stdout)[0][0]
    assert bees["headline_only"] is False and bees["lede"] == "Honeybees can tell numbers apart."

    shown = run("show", hits[0]["id"], "--json")
    assert json.loads(shown.stdout)["headline_only"] is True
    assert "headline only" in run("show", hits[0]["id"]).stdout
    # Two headline-only items are not near-duplicates of each other (their signatures are their headlines).
    assert run("search", "harbour OR glaciers", "--json").stdout.count('"copies": []') == 2


def test_a_record_with_nothing_but_a_title_is_still_skipped(run: Run, tmp_path: Path):
    records = tmp_path / "titles.jsonl"
    records.write_text(json.dumps({"title": "A headline alone"}) + "\n", encoding="utf-8")
    result = run("add", str(records))
    assert result.exit_code == 1
    assert "no text field (only a title)" in result.stderr


def _junk_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Title (Quarterly) >> endobj\ntrailer\n%%EOF\n")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    (folder / "letter.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml")
    (folder / "notes.md").write_text("# Notes\n\nTo read later.\n")
    (folder / "script.py").write_text("print('hello')\n")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    (folder / "story.txt").write_text("Ferry resumes\n\nThe Kherson ferry resumed service.\n")
    (folder / "README.TXT").write_text("This corpus holds BBC articles. Outlet: BBC.\n")
    return folder


def test_files_of_other_types_in_a_folder_are_counted_by_type_not_silently_dropped(run: Run, tmp_path: Path):
    folder = _junk_folder(tmp_path / "junk")
    result = run("add", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "2 added" in result.stdout
    assert "passed over 6 files of types newsindex does not read: .pdf ×2, .docx, .jpg, .md, .py" in result.stdout
    assert "passed over" not in result.stderr  # listed with -v only

    verbose = run("add", str(folder), "-v")
    assert "report.pdf: passed over: .pdf: not a type newsindex reads" in verbose.stderr
    assert verbose.stderr.count("passed over") == 6


def test_a_pdf_or_an_office_file_named_on_the_command_line_is_refused_by_its_content(run: Run, tmp_path: Path):
    folder = _junk_folder(tmp_path / "junk")
    pdf_as_text = folder / "saved.txt"
    pdf_as_text.write_bytes((folder / "report.pdf").read_bytes())
    result = run("add", str(folder / "report.pdf"), str(folder / "letter.docx"), str(pdf_as_text))
    assert result.exit_code == 1
    assert "report.pdf: skipped: unsupported format: PDF" in result.stderr
    assert "letter.docx: skipped: unsupported format: Word document (.docx)" in result.stderr
    assert "saved.txt: skipped: unsupported format: PDF" in result.stderr
    assert run("search", "Quarterly").exit_code == 1  # nothing of the PDF's syntax was indexed


def test_include_and_exclude_choose_what_a_folder_walk_takes(run: Run, tmp_path: Path):
    folder = _junk_folder(tmp_path / "junk")
    (folder / "more").mkdir()
    (folder / "more" / "other.story").write_text("Grain deal\n\nThe grain deal was extended.\n")
    result = run("add", str(folder), "--exclude", "README.TXT", "--exclude", "more")
    assert "1 added" in result.stdout
    assert run("search", "corpus").exit_code == 1  # README.TXT left out
    taken = run("add", str(folder), "--include", "*.story")
    assert "1 added" in taken.stdout and "passed over" not in taken.stdout  # only what the glob takes
    assert run("search", "grain").exit_code == 0


def _many_stories(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        words = " ".join(f"w{i}x{k}" for k in range(60))
        (folder / f"{i:05d}.txt").write_text(f"Story {i}\n\nA story numbered {i}: {words}.\n", encoding="utf-8")
    return folder


def _index_files(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir())


def test_a_first_ctrl_c_commits_what_is_prepared_and_says_how_many_were_kept(tmp_path: Path):
    folder = _many_stories(tmp_path / "stories", 1500)
    index = tmp_path / "index"
    command = [sys.executable, "-m", "newsindex", "add", str(folder), "--index", str(index), "--batch-size", "50",
               "--json"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the first batch is committed: the add is under way
    assert '"added"' in first
    proc.send_signal(signal.SIGINT)
    # Read on through the same buffered stream: communicate() would read the
    # pipe itself and lose what readline() buffered past the first line.
    rest = proc.stdout.read()
    stderr = proc.stderr.read() if proc.stderr is not None else ""
    proc.wait(timeout=120)
    assert proc.returncode == 130, stderr
    summary = json_lines(first + rest)[-1]["summary"]
    assert summary["interrupted"] is True and 0 < summary["added"] < 1500
    assert f"interrupted: the {summary['added']} articles written before the stop are kept" in stderr
    segments = [name for name in _index_files(index) if name.startswith("MAIN_") and name != "MAIN_WRITELOCK"]
    assert all(name.endswith(".seg") for name in segments)  # no files of an abandoned segment

    again = subprocess.run(command[:-1], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"{1500 - summary['added']} added, 0 updated, {summary['added']} unchanged" in again.stdout


def test_a_second_ctrl_c_stops_at_once_and_leaves_no_files_of_the_batch(tmp_path: Path):
    """In the API: a second SIGINT raises KeyboardInterrupt; the batch in flight
    is dropped with every file it had written, and the index is its last commit."""
    from newsindex import NewsIndex

    folder = _many_stories(tmp_path / "stories", 150)
    index = tmp_path / "index"
    with NewsIndex(index) as ni:
        ni.add([str(folder / "00000.txt")])
        before = _index_files(index)
        interrupts = []

        def progress(done: int, total: int) -> None:
            if done == 100 and not interrupts:  # articles written, none committed
                interrupts.append(done)
                os.kill(os.getpid(), signal.SIGINT)
                os.kill(os.getpid(), signal.SIGINT)

        try:
            ni.add([str(folder)], progress=progress)
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("the second SIGINT did not interrupt the add")
        assert _index_files(index) == before
        assert ni.stats().articles == 1
        assert ni.check().ok


def _dated_archive(folder: Path) -> Path:
    """Articles over ten months, one with a long title, one in a deep folder with a long name, one without outlet."""
    deep = folder / "corpora" / "regional-newspapers" / "the-northern-evening-chronicle" / "politics"
    deep.mkdir(parents=True)
    for month in range(1, 11):
        (folder / f"m{month:02d}.txt").write_text(
            f"Council budget {month}\n\n{month} March 2021\n\nThe council budget for month {month} was set.\n"
            .replace("March", ["January", "February", "March", "April", "May", "June", "July", "August",
                               "September", "October"][month - 1]), encoding="utf-8")
        (folder / f"m{month:02d}.meta.json").write_text('{"outlet": "Evening Chronicle"}')
    (folder / "long.txt").write_text(
        "Council votes to keep the library open after a campaign by readers, teachers and the owners of "
        "three bookshops on the high street\n\nThe council budget keeps the library open.\n", encoding="utf-8")
    (deep / "council-budget-vote-keeps-the-central-library-open-2021-10-31.txt").write_text(
        "Library stays open\n\nThe council budget vote keeps the central library open.\n", encoding="utf-8")
    return folder


def test_piped_output_has_no_padding(run: Run, tmp_path: Path):
    folder = _dated_archive(tmp_path / "archive")
    run("add", str(folder))
    for args in (["stats"], ["show", str(folder / "long.txt")], ["search", "council", "--facets"],
                 ["timeline", "council"], ["check"]):
        output = run(*args).stdout
        assert output and not [line for line in output.splitlines() if line.endswith(" ")], args


def test_at_80_columns_titles_paths_and_facets_stay_readable(tmp_path: Path):
    from .terminal import run_in_terminal

    folder = _dated_archive(tmp_path / "archive")
    run_in_terminal(["add", str(folder)], cwd=tmp_path)
    code, screen = run_in_terminal(["search", "library", "-n", "5"], cwd=tmp_path)
    assert code == 0, screen
    lines = screen.splitlines()
    title_at = next(i for i, line in enumerate(lines) if "Council votes to keep the library" in line)
    assert lines[title_at + 1].startswith("    ") and lines[title_at + 1].strip()  # wrapped under the title
    assert all(len(line) <= 80 for line in lines)
    assert "no outlet" in screen and "unknown outlet" not in screen

    name = "council-budget-vote-keeps-the-central-library-open-2021-10-31.txt"
    deep = next(folder.rglob(name))
    code, shown = run_in_terminal(["show", str(deep)], cwd=tmp_path)
    assert code == 0
    assert "…" not in shown
    assert name in "".join(line.strip() for line in shown.splitlines())  # wrapped, not cut

    code, facets = run_in_terminal(["search", "council budget", "--facets", "-n", "1"], cwd=tmp_path)
    month_rows = re.findall(r"\b2021-\d\d +\d+\b", facets.split("month:")[0])
    assert len(month_rows) == 6  # the busiest months, not every month
    assert "the busiest 6 of 10 months from 2021-01 to 2021-10" in " ".join(facets.split())


def test_words_after_search_are_one_query(run: Run, seeds: Path):
    run("add", str(seeds))
    joined = run("search", "Dnipro", "bridge")
    assert joined.exit_code == 0
    assert joined.stdout.startswith("2 hits for 'Dnipro bridge'")
    assert run("timeline", "Kherson", "troops").exit_code == 0


def test_a_filter_alone_lists_every_article_it_keeps(run: Run, seeds: Path):
    run("add", str(seeds))
    result = run("search", "--outlet", "LBC")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("1 hit")
    assert run("search").exit_code == 2  # no query and no filter: still an error


def test_a_missing_index_is_named_by_its_absolute_path_with_the_command_that_creates_it(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "newsindex", "search", "x", "--index", "nowhere"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == (f"newsindex: error: no index at {tmp_path / 'nowhere'}: "
                           f"create one with `newsindex add FOLDER --index {tmp_path / 'nowhere'}`\n")


def test_a_too_wide_wildcard_is_named_as_typed(run: Run, seeds: Path):
    run("add", str(seeds))
    error = run("search", "*ing")
    assert error.exit_code == 2
    assert error.stderr == ("newsindex: error: bad query '*ing': *ing starts with a wildcard, "
                            "which would scan every word in the index\n")
    named = run("search", "title:*ing")
    assert "title:*ing starts with a wildcard" in named.stderr  # the field the user named stays


def test_queries_that_used_to_find_nothing_silently_now_say_why(run: Run, seeds: Path):
    run("add", str(seeds))
    quote = run("search", '"unbalanced quote')
    assert quote.exit_code == 2 and "a quoted phrase is not closed" in quote.stderr
    field = run("search", "title:")
    assert field.exit_code == 2 and "title: names a field but no word to search for in it" in field.stderr
    records = seeds / "langs.jsonl"
    records.write_text(
        json.dumps({"title": "Hafen", "text": "Der Hafen von Kherson ist offen.", "language": "de", "url": "d"}) + "\n"
        + json.dumps({"title": "Port", "text": "The port of Kherson is open.", "language": "en-GB", "url": "e"}) + "\n",
        encoding="utf-8",
    )
    run("add", str(records))
    # the two seeds say no language: py3langid finds them English
    for name, code, count in (("English", "en", 3), ("deutsch", "de", 1), ("German", "de", 1)):
        by_name = json_hits(run("search", "kherson", "--lang", name, "--json").stdout)[0]
        by_code = json_hits(run("search", "kherson", "--lang", code, "--json").stdout)[0]
        assert [h["id"] for h in by_name] == [h["id"] for h in by_code] and len(by_code) == count
    unknown = run("search", "kherson", "--lang", "klingon")
    assert unknown.exit_code == 2 and "'klingon' is not a language code or name" in unknown.stderr


def test_an_outlet_or_byline_that_matches_nothing_gets_the_closest_name(run: Run, seeds: Path):
    run("add", str(seeds))
    result = run("search", "Kherson", "--outlet", "New Yrok Times")
    assert result.exit_code == 1
    assert "did you mean --outlet 'The New York Times'?" in result.stdout
    byline = run("search", "Kherson", "--byline", "Asher McShain", "--json")
    assert json_lines(byline.stdout)[-1]["summary"]["filter_suggestions"] == {"byline": "Asher McShane"}
    # The filter matches, the query does not: no name to suggest.
    assert "did you mean --outlet" not in run("search", "zzzz", "--outlet", "LBC").stdout


def test_numeric_dates_that_read_two_ways_are_refused_with_both_readings(run: Run, seeds: Path):
    run("add", str(seeds))
    ambiguous = run("search", "Kherson", "--since", "11/03/2021")
    assert ambiguous.exit_code == 2
    assert "'11/03/2021' could be either 2021-03-11 or 2021-11-03: write the date as YYYY-MM-DD" in ambiguous.stderr
    one_way = run("search", "Kherson", "--since", "25.10.2022", "--json")
    assert json_lines(one_way.stdout)[-1]["summary"]["date_window"] == ["2022-10-25T00:00:00", None]


def test_the_header_shows_the_date_window_used(run: Run, seeds: Path):
    run("add", str(seeds))
    month = run("search", "Kherson", "--since", "2022-11", "--until", "2022-11")
    assert "; dated 1 Nov 2022 to 30 Nov 2022" in month.stdout.splitlines()[0]
    relative = run("search", "Kherson", "--since", "last week")
    assert "; dated from " in relative.stdout.splitlines()[0]


def _dated_records(path: Path, count: int = 80) -> Path:
    """Records over a few days (many on the same day), a tenth undated, some with a rare word."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            record = {"title": f"Harbour report {i}", "url": f"https://example.org/{i}",
                      "text": f"The harbour reopened, report {i}." + (" Lighthouse." if i % 20 == 3 else "")}
            if i % 10:
                record["date"] = f"2022-11-{1 + i % 4:02d}" + ("" if i % 3 else f"T{i % 24:02d}:00:00")
            out.write(json.dumps(record) + "\n")
    return path


def test_sorting_by_date_orders_every_match_and_pages_stay_consistent(run: Run, tmp_path: Path):
    run("add", str(_dated_records(tmp_path / "dated.jsonl")))
    for query in ("harbour", "lighthouse", "harbour NOT lighthouse"):
        folded = json_hits(run("search", query, "--json").stdout)[1]["total"]
        everything = {h["id"] for h in json_hits(run("search", query, "-n", "500", "--all-copies", "--json").stdout)[0]}
        for sort, newest in (("newest", True), ("oldest", False)):
            assert json_hits(run("search", query, "--sort", sort, "--json").stdout)[1]["total"] == folded
            hits, summary = json_hits(run("search", query, "--sort", sort, "-n", "500", "--all-copies",
                                          "--json").stdout)
            assert {h["id"] for h in hits} == everything and summary["total"] == len(everything)
            keys = [(h["published"] is None, h["published"] or "") for h in hits]
            dated = [k[1] for k in keys if not k[0]]
            assert dated == sorted(dated, reverse=newest)
            assert keys == sorted(keys, key=lambda k: k[0])  # undated last
            pages = []
            for page in (1, 2, 3):
                pages += [h["id"] for h in json_hits(run("search", query, "--sort", sort, "-n", "7", "--page",
                                                          str(page), "--all-copies", "--json").stdout)[0]]
            assert pages == [h["id"] for h in hits][: len(pages)]


def test_result_fields_each_mean_one_thing(run: Run, seeds: Path, tmp_path: Path):
    run("add", str(seeds))
    hits = json_hits(run("search", "Kherson", "--json").stdout)[0]
    assert all(h["first_seen"] is None for h in hits)  # no copies: nothing to be first of
    by_precision = {h["path"].rsplit("/", 1)[-1]: h["published_precision"] for h in hits}
    assert by_precision == {"004_4cb7eeb292a544b7.txt": "time", "000_e9125ed3b73e1ab6.txt": None}
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"title": "Dated to the day", "text": "A story.", "date": "2022-11-11",
                                   "url": "https://example.org/day"}) + "\n", encoding="utf-8")
    run("add", str(records))
    day = json_hits(run("search", "story", "--json").stdout)[0][0]
    assert day["published_precision"] == "day"
    shown = run("show", day["id"])
    assert "record" in shown.stdout and "https://example.org/day" in shown.stdout.split("record", 1)[1].split("\n")[0]


def _feed(title: str, link: str, image: str | None = None) -> str:
    image_xml = f"<image><title>{image}</title><url>{link}logo.png</url><link>{link}</link></image>" if image else ""
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><link>{link}</link>{image_xml}'
            f"<item><title>Ferry resumes at {title}</title><link>{link}a</link><description>The ferry of {title} "
            "resumed service on Monday.</description></item></channel></rss>")


def test_a_feeds_outlet_is_the_publication_and_its_section_is_kept_apart(run: Run, tmp_path: Path):
    feeds = {
        "section-of-site.rss": (_feed("Technology", "https://www.example-radio.org/sections/technology/"),
                                "example-radio.org", "Technology"),
        "name-and-section.rss": (_feed("Morning Courier - Sport", "https://www.morningcourier.co.uk/"),
                                 "Morning Courier", "Sport"),
        "domain-and-section.rss": (_feed("dailyglobe.it - esteri", "https://www.dailyglobe.it", "Daily Globe"),
                                   "Daily Globe", "esteri"),
        "name-and-tagline.rss": (_feed("Harbour Times: News You Can Trust Every Day", "https://harbourtimes.com/"),
                                 "Harbour Times", None),
        "plain.rss": (_feed("The Evening Star", "https://www.theeveningstar.com/"), "The Evening Star", None),
    }
    for name, (xml, _, _) in feeds.items():
        (tmp_path / name).write_text(xml, encoding="utf-8")
    assert run("add", str(tmp_path)).exit_code == 0
    hits = json_hits(run("search", "ferry", "--all-copies", "--json").stdout)[0]
    for name, (_, outlet, section) in feeds.items():
        (hit,) = [h for h in hits if h["path"].endswith(name)]
        shown = json.loads(run("show", hit["id"], "--json").stdout)
        assert (shown["outlet"], shown["section"]) == (outlet, section), name
