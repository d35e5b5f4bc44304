"""The ASGI application: routes, limits, errors and security headers.

It only reads: no route writes to the index. It keeps one ``NewsIndex`` a
core, each used by one request at a time (a Whoosh searcher is not shared
between threads), and each reopens on the latest commit when an ``add``
elsewhere has committed, so a running server sees new articles at its next
request and never a half-written index. Articles are untrusted: templates escape everything, links are made
only of http(s) URLs, and the Content-Security-Policy allows no inline script
and nothing from another origin.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import ArticleNotFoundError, IndexNotFoundError, InvalidValueError, NewsIndexError, QueryError
from ..index import NewsIndex
from ..models import SORTS, Timeline
from .openapi import OPENAPI
from .pages import render

#: Requests asking for more are refused (400), so that one client cannot
#: make the server read the whole archive.
MAX_QUERY_CHARS = 1_000
MAX_LIMIT = 100
MAX_PAGE = 100
#: A search still running after this many seconds is answered with 503.
SEARCH_SECONDS = 10.0
#: Requests searched at once: one a core, up to eight (more only share the
#: cores, and each holds its own searcher's caches).
INDEXES = min(8, max(2, os.cpu_count() or 2))

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

T = TypeVar("T")


class BadRequest(Exception):
    """A request parameter out of bounds or malformed: 400, with the reason."""


def create_app(path: str | os.PathLike[str] = "index", *, cluster: str | None = None) -> Starlette:
    """The web page and HTTP API over the index at ``path``, as an ASGI app;
    a sharded index searched on the Dask ``cluster`` when given (cluster.py)."""
    index_path = os.fspath(path)
    # A few NewsIndex objects, each used by one request at a time (a Whoosh
    # searcher is not shared between threads): a searcher's caches are kept
    # once a core, not once a worker thread.
    idle: list[NewsIndex] = [NewsIndex(index_path, cluster=cluster) for _ in range(INDEXES)]
    free = asyncio.Semaphore(INDEXES)

    async def call(work: Callable[[NewsIndex], T]) -> T:
        """``work(index)`` in a worker thread, when an index object is free;
        the time limit counts from then, not while the request waits. A
        search past the limit is answered 503 and its index object returns
        to the pool when the search ends (a thread cannot be stopped)."""
        await free.acquire()
        ni = idle.pop()
        job = asyncio.ensure_future(run_in_threadpool(work, ni))

        def release(_: object) -> None:
            idle.append(ni)
            free.release()

        job.add_done_callback(release)
        return await asyncio.wait_for(asyncio.shield(job), SEARCH_SECONDS)

    async def search_page(request: Request) -> Response:
        options = search_options(request)
        if not options["query"] and not _any_filter(options):
            exists = await call(lambda ni: ni.exists())
            return render(request, "home.html", {"exists": exists, "options": options})
        results = await call(lambda ni: ni.search(snippets=True, facets=True, **options))
        timeline = await call(lambda ni: ni.timeline(options["query"] or "*", **_filters(options)))
        return render(request, "search.html", {"results": results, "options": options, "timeline": timeline})

    async def article_page(request: Request) -> Response:
        ref = request.path_params["id"]
        article = await call(lambda ni: ni.get(ref))
        similar = await call(lambda ni: ni.similar(article.id, limit=5))
        return render(request, "article.html", {"article": article, "similar": similar, "options": {}})

    async def api_search(request: Request) -> Response:
        options = search_options(request)
        results = await call(lambda ni: ni.search(**options))
        return JSONResponse({"hits": [h.to_dict() for h in results.hits], "summary": results.summary()})

    async def api_article(request: Request) -> Response:
        ref = request.path_params["id"]
        return JSONResponse((await call(lambda ni: ni.get(ref))).to_dict())

    async def api_similar(request: Request) -> Response:
        ref = request.path_params["id"]
        limit = _bounded_int(request, "limit", 10, MAX_LIMIT)
        results = await call(lambda ni: ni.similar(ref, limit=limit))
        return JSONResponse({"hits": [h.to_dict() for h in results.hits], "summary": results.summary()})

    async def api_timeline(request: Request) -> Response:
        queries = [_bounded_query(q) for q in request.query_params.getlist("q")] or ["*"]
        by = request.query_params.get("by") or None
        flags = {name: request.query_params.get(name) == "true" for name in ("normalize", "stories")}
        filters = _filters(search_options(request))
        series = await call(lambda ni: ni.timelines(queries, by=by, **flags, **filters))
        return JSONResponse({"timelines": [_timeline_dict(t) for t in series]})

    async def api_stats(request: Request) -> Response:
        return JSONResponse((await call(lambda ni: ni.stats())).to_dict())

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    def search_options(request: Request) -> dict[str, Any]:
        params = request.query_params
        sort = params.get("sort") or "relevance"
        if sort not in SORTS:
            raise BadRequest(f"sort: {sort!r} is not one of {', '.join(SORTS)}")
        mode = params.get("mode") or "auto"
        return {
            "query": _bounded_query(params.get("q", "")),
            "limit": _bounded_int(request, "limit", 10, MAX_LIMIT),
            "page": _bounded_int(request, "page", 1, MAX_PAGE),
            "sort": sort,
            "mode": mode,
            **{name: params.get(name) or None for name in ("outlet", "byline", "since", "until", "lang")},
            "all_copies": params.get("all_copies") == "true",
            "variants": params.get("variants") == "true",
            "exact_script": params.get("exact_script") == "true",
            "explain": params.get("explain") == "true",
        }

    routes = [
        Route("/", search_page),
        Route("/articles/{id}", article_page),
        Route("/api/search", api_search),
        Route("/api/articles/{id}", api_article),
        Route("/api/articles/{id}/similar", api_similar),
        Route("/api/timeline", api_timeline),
        Route("/api/stats", api_stats),
        Route("/openapi.json", openapi),
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        # The classes newsindex raises are answered inside the middleware (with
        # its headers); anything else is a 500 without a traceback.
        exception_handlers={  # type: ignore[arg-type]
            cls: _error
            for cls in (NewsIndexError, BadRequest, asyncio.TimeoutError, TimeoutError, HTTPException, Exception)
        },
    )
    return app


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response


async def _error(request: Request, exc: Exception) -> Response:
    """Errors as the command line words them: JSON under /api, a page
    elsewhere; never a traceback."""
    status, message = _status(exc)
    if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=SECURITY_HEADERS)
    response = render(request, "error.html", {"status": status, "message": message,
                                                    "no_index": isinstance(exc, IndexNotFoundError),
                                                    "options": {"query": request.query_params.get("q", "")}},
                            status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _status(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, (BadRequest, QueryError, InvalidValueError)):
        return 400, str(exc)
    if isinstance(exc, ArticleNotFoundError):
        return 404, str(exc)
    if isinstance(exc, IndexNotFoundError):
        return 503, f"{exc} (the index may still be being created)"
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return 503, f"the search took longer than {SEARCH_SECONDS:g} s: make it more specific"
    if isinstance(exc, NewsIndexError):
        return 500, str(exc)
    if isinstance(exc, HTTPException):
        return exc.status_code, str(exc.detail)
    return 500, "internal error"


def _bounded_query(text: str) -> str:
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"q: longer than {MAX_QUERY_CHARS} characters")
    return text


def _bounded_int(request: Request, name: str, default: int, most: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name}: {raw!r} is not a whole number") from None
    if not 1 <= value <= most:
        raise BadRequest(f"{name}: must be from 1 to {most}")
    return value


def _filters(options: dict[str, Any]) -> dict[str, Any]:
    return {name: options[name] for name in ("outlet", "byline", "since", "until", "lang")}


def _any_filter(options: dict[str, Any]) -> bool:
    return any(value is not None for value in _filters(options).values())


def _timeline_dict(t: Timeline) -> dict[str, Any]:
    return {"summary": t.summary(), "periods": [p.to_dict() for p in t.periods]}
