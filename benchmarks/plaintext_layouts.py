"""A plain-text metadata dev set: real stories, dressed in the layouts people save.

Each article is a real Reuters-21578 story (headline, byline, time stamp,
dateline, body) or a real BBC story (headline, body), written out in the
layout of one kind of saved text: the 1987 wire copy itself, a copy from a
modern wire site, a newspaper site pasted from the browser, a news-database
export (LexisNexis, Factiva), a labelled header, Markdown notes, a body-only
clip... The gold is what the composed text says and nothing more: a dateline
without a year gives no date, a text without a byline no author.

The set is drawn with a fixed seed and split, per layout, into a tuning half
and a check half before anything is tuned (``split``). Nothing here is stored
in the repository: the stories are read from the corpora each run.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from .corpora import _element, bbc_articles

SEED = 24
PER_LAYOUT = 10
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Story:
    """A real story and what its source says about it."""

    title: str
    body: str
    authors: tuple[str, ...] = ()  # as the source writes them
    stamp: datetime | None = None  # UTC
    dateline: str | None = None  # "LOS ANGELES, Feb 26 -"


@dataclass
class Sample:
    """One composed text and its gold; a gold field left None is absent from the text."""

    key: str
    layout: str
    text: str
    gold: dict[str, object] = field(default_factory=dict)


# -- sources ---------------------------------------------------------------------

_DOC = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)


def reuters_stories(folder: Path) -> Iterator[Story]:
    """Stories with a byline, a time stamp and a dateline."""
    for sgm in sorted(folder.glob("reut2-*.sgm")):
        for found in _DOC.finditer(sgm.read_text(encoding="latin-1")):
            doc = found[2]
            author, body = _element(doc, "AUTHOR"), _element(doc, "BODY")
            stamp = re.match(r"(\d+-[A-Z]{3}-\d{4}) (\d+:\d+)", _element(doc, "DATE") or "")
            if not (author and body and stamp and _element(doc, "DATELINE")):
                continue
            names = re.sub(r"^by\s+", "", author, flags=re.I).rsplit(",", 1)[0]
            body = re.sub(r"\s*Reuter\s*$", "", body)
            yield Story(
                title=" ".join((_element(doc, "TITLE") or "").split()),
                body="\n\n".join(p.replace("\n", " ") for p in re.split(r"\n\s{3,}", body)),
                authors=tuple(re.split(r"\s+and\s+", names)),
                stamp=datetime.strptime(" ".join(stamp.groups()), "%d-%b-%Y %H:%M").replace(tzinfo=timezone.utc),
                dateline=" ".join((_element(doc, "DATELINE") or "").split()),
            )


def bbc_stories(folder: Path) -> Iterator[Story]:
    for text in bbc_articles(folder).values():
        title, _, body = text.strip().partition("\n")
        if title.strip() and body.strip():
            yield Story(title=title.strip(), body=body.strip())


# -- how dates and names are written ------------------------------------------------


def _hour(moment: datetime, dots: bool = False, periods: bool = False) -> str:
    hour = moment.hour % 12 or 12
    suffix = ("a.m." if moment.hour < 12 else "p.m.") if periods else ("AM" if moment.hour < 12 else "PM")
    return f"{hour}{'.' if dots else ':'}{moment:%M} {suffix}"


def _us_day(moment: datetime, abbreviated: bool) -> str:
    month = f"{moment:%b}." if abbreviated and moment.month not in (5, 6, 7) else f"{moment:%B}"
    return f"{month} {moment.day}, {moment.year}"


def _uk_day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _names(authors: tuple[str, ...]) -> str:
    return authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]


def _gold(title: str | None, byline: tuple[str, ...] | None, published: object, outlet: str | None,
          updated: object = None) -> dict[str, object]:
    return {"title": title, "byline": list(byline) if byline else None, "published": published,
            "updated": updated, "outlet": outlet}


def _iso(moment: datetime) -> str:
    return moment.isoformat()


# -- layouts: each writes a story the way one kind of saved text does ---------------


def wire_1987(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """The wire copy itself: capitals headline, byline with the agency, dateline, "Reuter"."""
    text = f"{s.title}\n\nBy {_names(s.authors)}, Reuters\n\n{s.dateline} {s.body}\n\nReuter\n"
    return text, _gold(s.title, s.authors, None, "Reuters")


def wire_site(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A modern wire site: byline, date and zone, "(Reuters) -" dateline, editing credits."""
    assert s.stamp and s.dateline
    city = s.dateline.rstrip(" -")
    day = f"{s.stamp:%B} {s.stamp.day}, {s.stamp.year} {_hour(s.stamp)} {rng.choice(['UTC', 'GMT'])}"
    credits = f"Reporting by {s.authors[0]}; Editing by {rng.choice(['Mark Potter', 'Alison Williams'])}"
    text = (f"{s.title.title()}\n\nBy {_names(s.authors)}\n\n{day}\n\n{city} (Reuters) - {s.body}\n\n"
            f"{credits}\n\nOur Standards: The Thomson Reuters Trust Principles.\n")
    return text, _gold(s.title.title(), s.authors, _iso(s.stamp), "Reuters")


def ap(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """AP's site: capitals byline (or "Name, Associated Press"), Eastern time, "(AP) —"."""
    assert s.stamp and s.dateline
    local = s.stamp.astimezone(NEW_YORK)
    capitals = rng.random() < 0.5
    byline = tuple(a.upper() for a in s.authors) if capitals else s.authors
    names = _names(byline) if capitals else f"{_names(byline)}, Associated Press"
    city = s.dateline.split(",")[0]
    stamp = f"Published {_hour(local)} {local:%Z}, {_us_day(local, abbreviated=rng.random() < 0.5)}"
    later = local + timedelta(hours=rng.randint(1, 5))
    updated = f"Updated {_hour(later)} {later:%Z}, {_us_day(later, abbreviated=False)}"
    text = f"{s.title.title()}\n\nBy {names}\n{stamp}\n{updated}\n\n{city} (AP) — {s.body}\n"
    return text, _gold(s.title.title(), byline, _iso(local), "Associated Press", _iso(later))


def newspaper_us(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A US newspaper site: "Nov. 25, 2022, 5:00 a.m. ET" and a shared byline."""
    assert s.stamp
    local = s.stamp.astimezone(NEW_YORK)
    authors = s.authors if len(s.authors) > 1 or rng.random() < 0.5 else (*s.authors, "Staff Writer")
    day = f"{_us_day(local, abbreviated=True)}, {_hour(local, periods=True)} ET"
    text = f"{s.title.title()}\n\nBy {_names(authors)}\n\n{day}\n\n{s.body}\n"
    return text, _gold(s.title.title(), authors, _iso(local), None)


def newspaper_uk(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A UK newspaper site pasted from the browser: standfirst, byline, "Thu 26 Feb 1987 15.01 GMT"."""
    assert s.stamp
    local = s.stamp.astimezone(LONDON)
    standfirst = s.body.split("\n\n")[0].split(". ")[0].rstrip(".") + "."
    day = f"{local:%a} {local.day} {local:%b %Y} {local:%H.%M} {local:%Z}"
    text = f"{s.title.title()}\n\n{standfirst}\n\nBy {_names(s.authors)}\n{day}\n\n{s.body}\n"
    return text, _gold(s.title.title(), s.authors, _iso(local), None)


def bbc_site(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """The BBC's layout: headline, date, "By Name", role and outlet line."""
    assert s.stamp
    role = rng.choice(["Business reporter, BBC News", "BBC News, Washington", "Economics correspondent"])
    text = f"{s.title.title()}\n\n{_uk_day(s.stamp)}\n\nBy {s.authors[0]}\n{role}\n\n{s.body}\n"
    return text, _gold(s.title.title(), s.authors[:1], s.stamp.date().isoformat(), None)


def labelled(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A header of labelled fields, as scrapers and note tools write them, in any order."""
    assert s.stamp
    fields = [
        ("Title", s.title.title()),
        (rng.choice(["Author", "Authors", "Byline", "By"]), ", ".join(s.authors)),
        (rng.choice(["Published", "Date", "Published on"]), s.stamp.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("Source", "Reuters"),
        ("URL", f"https://www.reuters.com/article/{zlib.crc32(s.title.encode())}"),
    ]
    rng.shuffle(fields)
    colon = rng.random() < 0.7
    header = "\n".join(f"{label}{':' if colon else ''} {value}" for label, value in fields)
    return f"{header}\n\n{s.body}\n", _gold(s.title.title(), s.authors, _iso(s.stamp), "Reuters")


def markdown(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """Markdown notes: "# Headline", then "*By Name* | date"."""
    assert s.stamp
    day = rng.choice([s.stamp.date().isoformat(), _us_day(s.stamp, abbreviated=True)])
    text = f"# {s.title.title()}\n\n*By {_names(s.authors)}* | {day}\n\n{s.body}\n"
    return text, _gold(s.title.title(), s.authors, s.stamp.date().isoformat(), None)


def lexis(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A LexisNexis export: publication line, date with weekday, labelled length and byline."""
    assert s.stamp
    outlet = rng.choice(["The Guardian (London)", "The New York Times", "Financial Times (London, England)"])
    text = (f"{s.title.title()}\n\n{outlet}\n{_us_day(s.stamp, abbreviated=False)} {s.stamp:%A}\n\n"
            f"Copyright {s.stamp.year} {outlet.split(' (')[0]}\n\nSection: BUSINESS; Pg. {rng.randint(1, 40)}\n"
            f"Length: {len(s.body.split())} words\nByline: {_names(s.authors)}\n\nBody\n\n{s.body}\n\n"
            f"Load-Date: {_us_day(s.stamp + timedelta(days=2), abbreviated=False)}\n\nEnd of Document\n")
    return text, _gold(s.title.title(), s.authors, s.stamp.date().isoformat(), outlet.split(" (")[0])


def factiva(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A Factiva export: byline, word count, date, time, source name and code, language, copyright."""
    assert s.stamp
    text = (f"{s.title.title()}\n{_names(s.authors)}\n{len(s.body.split())} words\n{_uk_day(s.stamp)}\n"
            f"{s.stamp:%H:%M} GMT\nReuters News\nLBA\nEnglish\n(c) {s.stamp.year} Reuters Limited\n\n{s.body}\n")
    return text, _gold(s.title.title(), s.authors, _iso(s.stamp), "Reuters News")


def pipe_outlet(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """"By Name | Outlet" over a date and time with a numeric offset."""
    assert s.stamp
    outlet = rng.choice(["The Hill", "Politico", "Business Insider"])
    local = s.stamp.astimezone(timezone(timedelta(hours=-5)))
    text = f"{s.title.title()}\n\nBy {s.authors[0]} | {outlet}\n{local:%Y-%m-%d %H:%M} {local:%z}\n\n{s.body}\n"
    return text, _gold(s.title.title(), s.authors[:1], _iso(local), outlet)


def agency_end(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A story credited at its end ("— AFP", "(dpa)"), with a UK date line and no byline."""
    agency, outlet = rng.choice([("AFP", "AFP"), ("dpa", "dpa"), ("UPI", "UPI"), ("Bloomberg", "Bloomberg")])
    ending = rng.choice([f"({agency})", f"— {agency}", f"Source: {agency}"])
    text = f"{s.title}\n\n{s.body}\n\n{ending}\n"
    return text, _gold(s.title, None, None, outlet)


def body_only(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A clip of the body alone: no title, no date, no byline."""
    return f"{s.body}\n", _gold(None, None, None, None)


def staff_credit(s: Story, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A desk credit in place of a name, kept as the text gives it."""
    assert s.stamp
    credit = rng.choice(["Staff Reporter", "Our Foreign Staff", "Telegraph Reporters", "News Desk"])
    text = f"{s.title.title()}\n\nBy {credit}\n{_uk_day(s.stamp)}\n\n{s.body}\n"
    return text, _gold(s.title.title(), (credit,), s.stamp.date().isoformat(), None)


#: (layout, source of its stories)
LAYOUTS: tuple[tuple[Callable[[Story, random.Random], tuple[str, dict[str, object]]], str], ...] = (
    (wire_1987, "reuters"), (wire_site, "reuters"), (ap, "reuters"), (newspaper_us, "reuters"),
    (newspaper_uk, "reuters"), (bbc_site, "reuters"), (labelled, "reuters"), (markdown, "reuters"),
    (lexis, "reuters"), (factiva, "reuters"), (pipe_outlet, "reuters"), (agency_end, "bbc"),
    (body_only, "bbc"), (staff_credit, "bbc_dated"),
)


def dev_set(corpora: Path, per_layout: int = PER_LAYOUT, seed: int = SEED) -> list[Sample]:
    """``per_layout`` samples of each layout, each from a different story."""
    rng = random.Random(seed)
    reuters = list(reuters_stories(corpora / "reuters21578"))
    bbc = list(bbc_stories(corpora / "bbc"))
    rng.shuffle(reuters)
    rng.shuffle(bbc)
    samples = []
    for layout, source in LAYOUTS:
        for n in range(per_layout):
            if source == "reuters":
                story = reuters.pop()
            else:
                story = bbc.pop()
                if source == "bbc_dated":
                    story = Story(story.title, story.body, stamp=reuters.pop().stamp)
            text, gold = layout(story, rng)
            samples.append(Sample(f"{layout.__name__}-{n:02d}", layout.__name__, text, gold))
    return samples


def split(keys: list[str], seed: int = SEED) -> tuple[set[str], set[str]]:
    """(tuning half, check half): each group of keys sharing a prefix halved at random."""
    groups: dict[str, list[str]] = {}
    for key in sorted(keys):
        groups.setdefault(key.rsplit("-", 1)[0], []).append(key)
    rng = random.Random(seed)
    tuning: set[str] = set()
    for members in groups.values():
        rng.shuffle(members)
        tuning.update(members[: len(members) // 2])
    return tuning, set(keys) - tuning
