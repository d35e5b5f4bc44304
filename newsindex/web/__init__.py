"""``newsindex serve``: a web page and an HTTP API over one index.

:func:`create_app` returns a Starlette (ASGI) application that other
applications can mount; ``newsindex serve`` runs it with uvicorn. Every page
and every API answer comes from the same ``NewsIndex`` calls as the command
line, and the API's JSON has the field names of ``--json``.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
