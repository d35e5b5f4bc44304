"""HTML pages: Jinja2 templates with autoescaping, and the helpers they use.

Scraped text reaches a page only through Jinja2's escaping; the one place
markup is built from it, :func:`marked`, escapes every piece of text itself
and adds only ``<mark>``. A link is made of an article's URL only when it is
http(s). Every page state lives in the URL, so that a link can be shared and
the back button works.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from ..models import Explanation, Span, Timeline
from ..render import NO_OUTLET, explanation, format_datetime
from ..search.timeline import period_end

#: Query parameters a search page keeps when a link changes one of them.
STATE = ("q", "outlet", "byline", "since", "until", "lang", "sort", "mode", "all_copies", "variants", "exact_script",
         "explain")

_environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
templates = Jinja2Templates(env=_environment)


def marked(text: str, spans: tuple[Span, ...] | list[Span]) -> Markup:
    """``text`` escaped, with each span wrapped in <mark>."""
    out, last = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < last:
            continue
        out += [escape(text[last : span.start]), Markup("<mark>"), escape(text[span.start : span.end]),
                Markup("</mark>")]
        last = span.end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is http(s) (a link can be made of it), else None."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def with_params(request: Request, **changes: Any) -> str:
    """The current search's URL with some parameters changed (None removes
    one); any change but the page's goes back to the first page."""
    params = {name: request.query_params.get(name) for name in STATE}
    params["page"] = request.query_params.get("page")
    if "page" not in changes:
        params["page"] = None
    params.update({name: None if value is None else str(value) for name, value in changes.items()})
    kept = {name: value for name, value in params.items() if value}
    return "/?" + urlencode(kept) if kept else "/"


def bars(timeline: Timeline, width: int = 600, height: int = 80) -> list[dict[str, Any]]:
    """One bar a period, for the inline SVG: its place, height and label."""
    periods = timeline.periods
    if not periods:
        return []
    top = max(p.count for p in periods) or 1
    step = min(width / len(periods), 40)  # a few periods: narrow bars, not blocks
    return [
        {"x": round(i * step, 2), "width": round(max(step - 1, 1), 2), "height": round(p.count / top * height, 2),
         "y": round(height - p.count / top * height, 2), "label": p.label, "count": p.count, "period": p}
        for i, p in enumerate(periods)
    ]


def why(e: Explanation) -> str:
    """A hit's explanation in the words ``search --explain`` prints (escaped by the template)."""
    return explanation(e).plain


def period_bounds(period: Any, by: str) -> tuple[str, str]:
    """--since and --until for one bar of a timeline."""
    return period.start.isoformat(), period_end(period.start, by).isoformat()


_environment.globals.update(marked=marked, safe_url=safe_url, with_params=with_params, when=format_datetime, bars=bars,
                            period_bounds=period_bounds, why=why, NO_OUTLET=NO_OUTLET)


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)
