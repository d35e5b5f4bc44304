"""`newsindex batch` and NewsIndex.batch: a list of queries run at once, a row each."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from newsindex import NewsIndex

from .conftest import Run, json_lines


def _names(path: Path) -> Path:
    path.write_text('# names to check\nKherson\n\n"Dnipro bridge"\n"open quote\nzzzqqq\nLBC OR BBC\n', encoding="utf-8")
    return path


def test_batch_runs_every_line_and_reports_a_bad_one_in_its_row(run: Run, seeds: Path, tmp_path: Path):
    run("add", str(seeds))
    result = run("batch", str(_names(tmp_path / "names.txt")), "--json")
    assert result.exit_code == 1  # one query could not run
    rows = json_lines(result.stdout)
    assert [r["query"] for r in rows] == ["Kherson", '"Dnipro bridge"', '"open quote', "zzzqqq", "LBC OR BBC"]
    kherson = rows[0]
    assert (kherson["articles"], kherson["stories"]) == (2, 2) and kherson["error"] is None
    assert kherson["first"] == kherson["last"] == "2022-11-11T12:51:00"  # one dated article
    assert kherson["outlets"] == {"LBC": 1, "The New York Times": 1}
    assert "a quoted phrase is not closed" in rows[2]["error"]
    assert rows[3]["articles"] == 0 and rows[3]["error"] is None


def test_batch_reads_a_csv_column_and_prints_a_table_or_csv(run: Run, seeds: Path, tmp_path: Path):
    run("add", str(seeds))
    names = tmp_path / "names.csv"
    names.write_text("name,note\nKherson,city\n=cmd|' /C calc'!A0,formula\n", encoding="utf-8")
    table = run("batch", str(names), "--column", "name")
    assert table.exit_code == 0, table.stderr
    assert "Kherson" in table.stdout and "articles" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("batch", str(names), "--column", "name", "--csv").stdout)))
    assert rows[0]["query"] == "Kherson" and rows[0]["articles"] == "2"
    assert rows[1]["query"].startswith("'=")  # neutralised in a spreadsheet
    assert run("batch", str(names), "--column", "missing").exit_code == 2


def test_batch_exports_each_querys_hits_to_a_file(run: Run, seeds: Path, tmp_path: Path):
    run("add", str(seeds))
    out = tmp_path / "exports"
    run("batch", str(_names(tmp_path / "names.txt")), "--export", str(out))
    files = sorted(p.name for p in out.iterdir())
    assert files == ["001-kherson.csv", "005-lbc-or-bbc.csv"]  # none for a query with no hits
    assert len(list(csv.DictReader((out / "001-kherson.csv").open(encoding="utf-8")))) == 2


def test_the_api_yields_a_summary_a_query(index_path: Path, seeds: Path):
    with NewsIndex(index_path) as ni:
        ni.add([str(seeds)])
        rows = list(ni.batch(["Kherson", "title:", "Dnipro"], outlet="LBC"))
        assert [r.articles for r in rows] == [1, 0, 1]
        assert rows[1].error is not None and json.dumps(rows[0].to_dict())
