"""`newsindex serve`: the HTTP API and the pages, through Starlette's ASGI test client."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("httpx", reason="the ASGI test client needs httpx (pip install '.[test]')")
from starlette.testclient import TestClient  # noqa: E402

from newsindex import NewsIndex  # noqa: E402
from newsindex.web import create_app  # noqa: E402
from newsindex.web.app import MAX_LIMIT, MAX_QUERY_CHARS  # noqa: E402

from .conftest import LBC_SEED, Run, json_hits  # noqa: E402

HOSTILE = [
    {"title": "<script>alert('title')</script> Harbour fire", "url": "javascript:alert('url')",
     "text": "The harbour <img src=x onerror=alert('body')> burned all night.", "outlet": "<b>Bold Outlet</b>"},
    {"title": '"><svg onload=alert(1)> Harbour report', "url": "https://example.org/harbour?a=1&b=<2>",
     "text": "Harbour workers said </textarea><script>alert(2)</script> nothing more.", "author": "\" onmouseover=\"x"},
]


@pytest.fixture
def client(index_path: Path, seeds: Path) -> TestClient:
    with NewsIndex(index_path) as ni:
        ni.add([seeds])
    return TestClient(create_app(index_path))


def test_api_search_answers_with_the_fields_of_json(client: TestClient, run: Run):
    answer = client.get("/api/search", params={"q": "Dnipro bridge"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert Path(body["hits"][0]["path"]).name == LBC_SEED
    assert any("<" not in s["text"] and s["matches"] for s in body["hits"][0]["snippets"])
    cli_hits, cli_summary = json_hits(run("search", "Dnipro bridge", "--json").stdout)
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in cli_hits]
    assert set(body["hits"][0]) == set(cli_hits[0]) and set(body["summary"]) == set(cli_summary)
    article = client.get(f"/api/articles/{body['hits'][0]['id']}").json()
    assert article["provenance"]["title"] and article["outlet"] == "LBC"
    assert client.get(f"/api/articles/{body['hits'][0]['id']}/similar").status_code == 200
    timeline = client.get("/api/timeline", params=[("q", "Kherson"), ("q", "bridge"), ("by", "month")]).json()
    assert [t["summary"]["query"] for t in timeline["timelines"]] == ["Kherson", "bridge"]
    assert client.get("/api/stats").json()["articles"] == 2
    assert set(client.get("/openapi.json").json()["paths"]) >= {"/api/search", "/api/articles/{id}", "/api/stats"}


def test_explain_gives_each_hits_score_word_by_word(client: TestClient, run: Run):
    answer = client.get("/api/search", params={"q": "Dnipro bridge", "explain": "true"}).json()
    why = answer["hits"][0]["explanation"]
    assert [w["word"] for w in why["words"]] == ["dnipro", "bridg"]
    assert why["score"] == pytest.approx(answer["hits"][0]["score"])
    cli_hits, _ = json_hits(run("search", "Dnipro bridge", "--json", "--explain").stdout)
    assert cli_hits[0]["explanation"] == why
    assert client.get("/api/search", params={"q": "Dnipro bridge"}).json()["hits"][0]["explanation"] is None
    page = client.get("/", params={"q": "Dnipro bridge", "explain": "true"}).text
    assert '<p class="why">score ' in page and "bridg " in page
    assert "explain=true" in page  # kept by the page's links
    assert '<p class="why">' not in client.get("/", params={"q": "Dnipro bridge"}).text


def test_errors_are_json_with_the_messages_search_prints(client: TestClient, run: Run, tmp_path: Path):
    bad = client.get("/api/search", params={"q": '"open'})
    assert bad.status_code == 400
    assert bad.json()["error"] in run("search", '"open').stderr
    assert client.get("/api/articles/ffffffffffff").status_code == 404
    assert client.get("/api/search", params={"q": "x", "limit": MAX_LIMIT + 1}).status_code == 400
    assert client.get("/api/search", params={"q": "x" * (MAX_QUERY_CHARS + 1)}).status_code == 400
    assert client.get("/api/search", params={"q": "x", "page": "two"}).json()["error"].startswith("page:")
    empty = TestClient(create_app(tmp_path / "no-index-yet"))
    missing = empty.get("/api/search", params={"q": "x"})
    assert missing.status_code == 503 and "newsindex add" in missing.json()["error"]
    assert "newsindex add FOLDER" in empty.get("/").text
    assert client.post("/api/search").status_code == 405  # read-only: no route takes a write


def test_the_page_marks_words_and_filters_by_links(client: TestClient):
    page = client.get("/", params={"q": "Dnipro bridge"})
    assert page.status_code == 200
    assert "<mark>bridge</mark>" in page.text or "<mark>Bridge</mark>" in page.text
    assert 'href="/?q=Dnipro+bridge&amp;outlet=LBC"' in page.text  # a facet is a link that keeps the query
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in page.text  # the page needs no script
    bad = client.get("/", params={"q": '"open'})
    assert bad.status_code == 400 and "a quoted phrase is not closed" in bad.text
    article_id = client.get("/api/search", params={"q": "Dnipro bridge"}).json()["hits"][0]["id"]
    article = client.get(f"/articles/{article_id}")
    assert article.status_code == 200 and "from byline line" in article.text
    assert client.get("/static/style.css").status_code == 200


def test_hostile_articles_are_shown_as_text(tmp_path: Path, index_path: Path):
    records = tmp_path / "hostile.jsonl"
    records.write_text("\n".join(json.dumps(r) for r in HOSTILE) + "\n", encoding="utf-8")
    with NewsIndex(index_path) as ni:
        ni.add([records])
    client = TestClient(create_app(index_path))
    page = client.get("/", params={"q": "harbour"}).text
    for raw in ("<script>alert", "<img src=x", "<svg onload", "javascript:", "<b>Bold", '" onmouseover'):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert 'href="https://example.org/harbour?a=1&amp;b=&lt;2&gt;"' in page  # an http(s) link, escaped
    for hit in client.get("/api/search", params={"q": "harbour"}).json()["hits"]:
        page = client.get(f"/articles/{hit['id']}").text
        assert "<script>alert" not in page and 'href="javascript:' not in page and "<svg onload" not in page


def test_an_add_while_serving_is_searched_at_the_next_request(client: TestClient, index_path: Path, tmp_path: Path):
    assert client.get("/api/search", params={"q": "ferry"}).json()["summary"]["total"] == 0
    story = tmp_path / "new" / "ferry.txt"
    story.parent.mkdir()
    story.write_text("Ferry crossing reopens\n\nThe ferry crossing at Kherson reopened on Monday.\n")
    with NewsIndex(index_path) as ni:
        ni.add([story.parent])
    assert client.get("/api/search", params={"q": "ferry"}).json()["summary"]["total"] == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_prints_its_url_and_answers(index_path: Path, seeds: Path):
    with NewsIndex(index_path) as ni:
        ni.add([seeds])
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "newsindex", "serve", "--index", str(index_path),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip().endswith(f"at http://127.0.0.1:{port}/ (Ctrl-C stops)")
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stats", timeout=2) as answer:
                    assert json.load(answer)["articles"] == 2
                break
            except OSError:
                assert time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serving_beyond_this_machine_warns(index_path: Path, seeds: Path):
    with NewsIndex(index_path) as ni:
        ni.add([seeds])
    server = subprocess.Popen([sys.executable, "-m", "newsindex", "serve", "--index", str(index_path), "--host",
                               "0.0.0.0", "--port", str(_free_port())],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "the archive is readable by the network" in server.stderr.readline()
    finally:
        server.terminate()
        server.wait(timeout=20)
