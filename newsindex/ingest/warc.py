"""Web archives (WARC, WARC.gz): every HTML page fetched becomes an article.

Only ``response`` records with an HTML payload are articles; requests,
metadata, redirects and images are passed over. ``WARC-Target-URI`` is the
page's URL and ``WARC-Date`` when it was crawled, which is never taken for
the date the article was published.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from . import SkipFile
from .files import MAX_FILE_BYTES
from .records import BadRecord, Record


def read_warc(path: str) -> Iterator[Record | BadRecord]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as f:
            number = 0
            for record in ArchiveIterator(f):
                number += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode()
                kind = (record.http_headers.get_header("Content-Type") or "").lower()
                if status != "200" or ("html" not in kind and kind):
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or None
                place = f"record {number}"
                data = record.content_stream().read(MAX_FILE_BYTES + 1)
                if len(data) > MAX_FILE_BYTES:
                    yield BadRecord(place, f"page larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
                    continue
                yield Record(
                    key=uri or place,
                    where=place,
                    kind="html",
                    data=data,
                    url=uri,
                    crawled=_warc_date(record.rec_headers.get_header("WARC-Date")),
                    source="warc",
                )
    except ArchiveLoadFailed as exc:
        raise SkipFile(f"not a readable WARC file ({str(exc).splitlines()[0]})") from None


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
