"""What the user says about an article: ``NAME.meta.json`` sidecars and ``add`` flags.

Both override what the text gave, and the provenance says so. When both give a
field, the flag wins: it is what the user typed for this run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cached_property

from ..errors import InvalidValueError
from . import ExtractedArticle

#: Sidecar keys and the article field each sets ("date" is short for "published").
SIDECAR_KEYS = {
    "title": "title",
    "outlet": "outlet",
    "byline": "byline",
    "credit": "credit",
    "published": "published",
    "date": "published",
    "updated": "updated",
}
MAX_SIDECAR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Overrides:
    title: str | None = None
    outlet: str | None = None
    byline: tuple[str, ...] | None = None
    credit: str | None = None
    published: datetime | None = None
    updated: datetime | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))

    def apply(self, article: ExtractedArticle, source: str) -> ExtractedArticle:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                article = article.with_field(f.name, value, source)
        return article

    @cached_property
    def digest(self) -> str:
        """A short hash of the values, so that a change of overrides re-indexes
        the file (asked for each file an add plans: computed once)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return hashlib.blake2b(repr(sorted(values.items())).encode(), digest_size=8).hexdigest()


#: No overrides: one object, whose digest is computed once a process, not
#: once an article.
NO_OVERRIDES = Overrides()


def parse_overrides(values: Mapping[str, object], source: str) -> Overrides:
    """Validate user-given metadata; errors name ``source`` and the field."""
    out: dict[str, object] = {}
    for key, value in values.items():
        if value is None:
            continue
        target = SIDECAR_KEYS.get(key)
        if target is None:
            known = ", ".join(sorted(SIDECAR_KEYS))
            raise InvalidValueError(source, key, f"unknown field (known: {known})")
        if target in ("published", "updated"):
            out[target] = parse_iso_date(value, source, key)
        elif target == "byline":
            out[target] = _names(value, source, key)
        else:
            if not isinstance(value, str) or not value.strip():
                raise InvalidValueError(source, key, "must be a non-empty string")
            out[target] = " ".join(value.split())
    return Overrides(**out)  # type: ignore[arg-type]


def load_sidecar(path: str) -> Overrides:
    """The overrides in a sidecar file; errors name the file and the field."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_SIDECAR_BYTES + 1)
    except OSError as exc:
        raise InvalidValueError(path, "*", f"unreadable: {exc.strerror}") from None
    if len(raw) > MAX_SIDECAR_BYTES:
        raise InvalidValueError(path, "*", "sidecar larger than 1 MB")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidValueError(path, "*", f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InvalidValueError(path, "*", "must be a JSON object")
    return parse_overrides(data, path)


def parse_iso_date(value: object, source: str, key: str) -> datetime:
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidValueError(
        source, key, f"{value!r} is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
    )


def _names(value: object, source: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise InvalidValueError(source, key, "must be a name or a list of names")
    return tuple(" ".join(v.split()) for v in value)
