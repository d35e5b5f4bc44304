"""Reading articles: finding input files, decoding them, extracting fields.

One module per job: ``files`` finds and decodes input files, ``formats`` tells
what a file holds, and one reader per format turns it into articles:
``plaintext`` (saved news text), ``html`` (saved pages), ``records`` (JSON,
JSON Lines, CSV), ``feeds`` (RSS, Atom, JSON Feed) and ``warc`` (web
archives). ``sidecar`` applies what the user says about an article
(``NAME.meta.json`` and ``add`` flags).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True)
class ExtractedArticle:
    """Fields read from one source, before it gets an id in the index.

    A field the source does not give stays empty and has no provenance entry;
    a value the source gives that cannot be right is left out, and its
    provenance entry says which rule left it out.
    """

    body: str
    title: str | None = None
    captions: tuple[str, ...] = ()
    byline: tuple[str, ...] = ()
    outlet: str | None = None
    section: str | None = None  # the part of the outlet it appeared in ("Technology", "Cronache")
    credit: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    url: str | None = None
    language: str | None = None
    description: str | None = None
    #: When a web archive fetched the page (WARC-Date): never its publication date.
    crawled: datetime | None = None
    provenance: dict[str, str] = field(default_factory=dict)

    def with_field(self, name: str, value: object, source: str) -> ExtractedArticle:
        """A copy with ``name`` set to ``value``, recorded as coming from ``source``."""
        return replace(self, **{name: value}, provenance={**self.provenance, name: source})


_BLANK_LINES = re.compile(r"\n{3,}")


def tidy_paragraphs(text: str) -> str:
    """The text stripped, each run of blank lines made one. The expression is
    tried only on a text holding such a run: most texts have none, and the
    scan costs more than the test."""
    return (_BLANK_LINES.sub("\n\n", text) if "\n\n\n" in text else text).strip()


#: A date this far past the moment it is read is a slip, not a publication date.
_FUTURE_SLACK = timedelta(days=2)


def check_dates(fields: dict[str, object], provenance: dict[str, str]) -> None:
    """Leave out dates that cannot be right (in the future, or an update
    before publication), saying so in the provenance of the field."""
    now = datetime.now(timezone.utc)
    for name in ("published", "updated"):
        value = fields.get(name)
        if isinstance(value, datetime) and _aware(value) > now + _FUTURE_SLACK:
            del fields[name]
            provenance[name] = f"{provenance[name]}: left out, {value:%Y-%m-%d} is in the future"
    published, updated = fields.get("published"), fields.get("updated")
    if isinstance(published, datetime) and isinstance(updated, datetime) and _aware(updated) < _aware(published):
        del fields["updated"]
        provenance["updated"] = f"{provenance['updated']}: left out, {updated:%Y-%m-%d %H:%M} is before publication"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


class SkipFile(Exception):
    """An input that cannot become an article; the message is the one-line reason."""
