"""`newsindex export` and NewsIndex.export: every hit, as a spreadsheet or JSON Lines, safely."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from newsindex import NewsIndex
from newsindex.export import COLUMNS

from .conftest import Run, json_lines


def _records(path: Path, count: int = 35) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"title": f"Harbour story {i}", "url": f"https://example.org/{i}",
                                  "text": f"The harbour of town {i} reopened on day {i}, officials said {'x' * i}.",
                                  "date": f"2022-11-{1 + i % 28:02d}", "author": f"Writer {i}"}) + "\n")
        out.write(json.dumps({"title": "=HYPERLINK(\"http://evil.example\",\"click\")", "url": "https://e/f",
                              "text": "@SUM(1+1) harbour formula in the text.\n\n-2+3 starts a line.",
                              "author": "+Plus Author"}) + "\n")
        out.write(json.dumps({"title": "A title\nover two lines", "url": "https://e/n",
                              "text": "A harbour story, with \"quotes\", commas, and a\nline break."}) + "\n")
    return path


def test_export_writes_every_hit_not_a_page_as_csv(run: Run, tmp_path: Path):
    run("add", str(_records(tmp_path / "r.jsonl")))
    result = run("export", "harbour")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == 37 == json_lines(run("search", "harbour", "--json").stdout)[-1]["summary"]["total"]
    assert [int(r[1]) for r in rows[1:]] == list(range(1, 38))  # ranks in order
    records = json_lines(run("export", "harbour", "--json").stdout)  # --json: JSON Lines
    assert [r["id"] for r in records] == [r[0] for r in rows[1:]]


def test_cells_a_spreadsheet_would_run_are_neutralised_and_newlines_quoted(run: Run, tmp_path: Path):
    run("add", str(_records(tmp_path / "r.jsonl")))
    rows = {r["url"]: r for r in csv.DictReader(io.StringIO(run("export", "harbour").stdout))}
    evil = rows["https://e/f"]
    assert evil["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert evil["byline"] == "'+Plus Author"
    assert evil["lede"].startswith("'@SUM")
    assert rows["https://e/n"]["title"] == "A title over two lines"
    jsonl = {json.loads(line)["url"]: json.loads(line) for line in run("export", "harbour", "--format", "jsonl")
             .stdout.splitlines()}
    assert jsonl["https://e/f"]["title"].startswith("=HYPERLINK")  # JSON keeps values as they are


def test_a_cell_holding_newlines_and_quotes_reads_back_whole():
    from newsindex import Hit
    from newsindex.export import write

    hit = Hit(rank=1, score=1.0, id="abc", path="p.txt", title='Two\nlines, "quoted"', title_matches=(),
              lede="-1 is negative", outlet=None, credit=None, byline=(), published=None, updated=None,
              provenance={}, snippets=())
    out = io.StringIO()
    assert write([hit], out) == 1
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["title"] == 'Two\nlines, "quoted"' and row["lede"] == "'-1 is negative"


def test_export_to_a_file_with_a_bom_and_filters(run: Run, tmp_path: Path):
    run("add", str(_records(tmp_path / "r.jsonl")))
    target = tmp_path / "out.csv"
    result = run("export", "harbour", "--since", "2022-11-20", "--sort", "newest", "--bom", "-o", str(target))
    assert result.exit_code == 0 and "rows written to" in result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeffid,rank,")
    dates = [r["published"] for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    assert dates == sorted(dates, reverse=True) and all(d >= "2022-11-20" for d in dates)


def test_a_bad_query_leaves_no_file_and_no_hits_exit_1(run: Run, tmp_path: Path):
    run("add", str(_records(tmp_path / "r.jsonl")))
    target = tmp_path / "out.csv"
    assert run("export", '"open quote', "-o", str(target)).exit_code == 2
    assert not target.exists() and not list(tmp_path.glob(".out.csv.*"))
    assert run("export", "zzzz").exit_code == 1


def test_the_api_yields_every_hit_in_the_search_order(index_path: Path, tmp_path: Path):
    with NewsIndex(index_path) as ni:
        ni.add([str(_records(tmp_path / "r.jsonl"))])
        exported = [h.id for h in ni.export("harbour")]
        first_page = [h.id for h in ni.search("harbour", limit=10).hits]
        assert exported[:10] == first_page and len(exported) == len(set(exported)) == 37
        assert all(h.snippets for h in ni.export("harbour", sort="oldest"))
