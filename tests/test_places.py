"""Other names of the places a query names (Kiev/Kyiv/Київ, Peking/Beijing), from the
CLI, the API and HTTP, on a small archive and across Reuters-21578 (1987) and BBC (2004-5)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from newsindex import NewsIndex

from .archive import write_texts
from .conftest import Run, corpus, json_hits

ARTICLES = {
    "kiev.txt": "Talks in Kiev\n\nDiplomats met in Kiev on Monday to talk about gas.\n",
    "kyiv.txt": "Kyiv shelled\n\nKyiv was shelled again overnight, officials said.\n",
    "kyiv-ua.txt": "Новини\n\nУ Київ прибули дипломати.\n",
    "codes.txt": "Flights\n\nFlights to IEV and KBP resumed; Ko and Civ are words here.\n",
    "odesa.txt": "Port news\n\nThe port of Odesa reopened, and Одесса's mayor spoke.\n",
    "paris.txt": "Old names\n\nLutetia was a Roman town; Parys is a town on the Vaal river.\n",
}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return write_texts(tmp_path / "articles", ARTICLES)


def test_a_city_word_lists_its_other_names_in_the_archive_and_searches_them_only_when_asked(
    archive: Path, tmp_path: Path
) -> None:
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([archive])
        plain = ni.search("Kyiv", exact_script=True)
        assert plain.total == 1
        [kyiv] = plain.places
        assert (kyiv.place, kyiv.country, kyiv.applied) == ("Kyiv", "UA", False)
        assert {v.name: v.articles for v in kyiv.variants} == {"Kiev": 1, "Київ": 1}  # no IEV, Ko or Civ
        # across scripts (the default) Київ is found already, and not offered
        assert [v.name for v in ni.search("Kyiv").places[0].variants] == ["Kiev"]
        wider = ni.search("Kyiv", variants=True)
        assert wider.total == 3 and wider.places[0].applied
        marked = {html.unescape(s.text[m.start:m.end]) for h in wider.hits for s in h.snippets for m in s.matches}
        assert {"Kiev", "Київ", "Kyiv"} <= marked  # each in its own script
        assert ni.search("Київ").places[0].place == "Kyiv"
        assert ni.search("shelled").places == ()


def test_a_name_of_several_places_is_offered_place_by_place(archive: Path, tmp_path: Path) -> None:
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([archive])
        odessa = ni.search("Odessa").places
        paris = ni.search("Paris").places
    # Odessa, Texas, would offer the same names again: it is not listed; Одесса reads
    # "Odessa" and is found across scripts already
    assert [(p.place, p.country, [v.name for v in p.variants]) for p in odessa] == [("Odesa", "UA", ["Odesa"])]
    # "Parys" (South Africa) stems as "Paris" does: searched already, not offered
    assert [(p.place, p.country, [v.name for v in p.variants]) for p in paris] == [("Paris", "FR", ["Lutetia"])]


def test_cli_header_and_variants_flag(archive: Path, run: Run, tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    run("add", str(archive), "--index", index)
    result = run("search", "Kyiv", "--exact-script", "--index", index)
    assert "Also in this archive: Kiev (1 article), Київ (1): other names of Kyiv (city, UA). --variants adds them." \
        in result.stdout
    wider = run("search", "Kyiv", "--variants", "--index", index, "--json")
    hits, summary = json_hits(wider.stdout)
    assert len(hits) == 3 and summary["places"][0]["applied"] is True


def test_http_lists_and_applies_variants(archive: Path, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from newsindex.web import create_app

    with NewsIndex(tmp_path / "index") as ni:
        ni.add([archive])
    client = TestClient(create_app(str(tmp_path / "index")))
    data = client.get("/api/search", params={"q": "Kyiv", "exact_script": "true"}).json()
    assert [v["name"] for v in data["summary"]["places"][0]["variants"]] == ["Kiev", "Київ"]
    assert client.get("/api/search", params={"q": "Kyiv", "variants": "true"}).json()["summary"]["total"] == 3
    page = client.get("/", params={"q": "Kyiv"}).text
    assert "Also in this archive" in page and "variants=true" in page


_REUTERS_BODY = re.compile(r"<TITLE>(.*?)</TITLE>.*?<BODY>(.*?)</BODY>", re.S)


def test_1987_and_2004_names_meet_across_reuters_and_bbc(tmp_path: Path) -> None:
    """Reuters-21578 writes Peking and Bombay, BBC News (2004-5) Beijing and Mumbai."""
    reuters, bbc = corpus("reuters21578"), corpus("bbc")
    folder = tmp_path / "articles"
    folder.mkdir()
    old = {"peking": 0, "bombay": 0}
    for sgm in sorted(reuters.glob("reut2-00[0-4].sgm")):
        for n, (title, body) in enumerate(_REUTERS_BODY.findall(sgm.read_text(encoding="latin-1"))):
            words = set(re.findall(r"[a-z]+", body.lower()))
            for name in old:
                if name in words:
                    old[name] += 1
                    (folder / f"{sgm.stem}-{n}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
                    break
    new = {"beijing": 0, "mumbai": 0}
    for path in sorted(bbc.glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        words = set(re.findall(r"[a-z]+", text.lower()))
        for name in new:
            if name in words and not words & set(old):
                new[name] += 1
                (folder / f"bbc-{path.parent.name}-{path.name}").write_text(text, encoding="utf-8")
                break
    assert all(old.values()) and all(new.values())
    with NewsIndex(tmp_path / "index") as ni:
        ni.add([folder])
        for modern, former in (("Beijing", "Peking"), ("Mumbai", "Bombay")):
            results = ni.search(modern, limit=1)
            offered = {v.name: v.articles for p in results.places for v in p.variants}
            assert offered.get(former, 0) >= 1, (modern, offered)
            wider = ni.search(modern, variants=True, limit=1)
            assert wider.total >= results.total + offered[former] - 1  # a story may hold both names
            assert ni.search(former, limit=1).places[0].place == modern
