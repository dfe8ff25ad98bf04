"""Rendering pages: the Jinja2 environment, asset URLs, the security headers every page carries, and the page
route class that turns project errors into HTML (a sign-in redirect for a missing session, an error page else).

Templates autoescape everything and scripts are only ever files under /static (the Content-Security-Policy
forbids inline scripts), so data reaches scripts through `data-` attributes and JSON blocks, never by templating
JavaScript. Asset URLs carry a hash of the file's bytes, so a browser never keeps a stale stylesheet or module.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Coroutine, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from mutoscope.errors import AuthenticationError, MutoscopeError
from mutoscope.server.errors import status_for

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
# Media may be blob: (recorded clips previewed before upload); scripts and styles only from this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
PAGE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    # Pages show the viewer's own data: never cached by the browser's back-forward logic or a proxy.
    "cache-control": "no-store",
}


@cache
def asset_version(path: str) -> str:
    """A short hash of a static file's bytes (computed once per process)."""
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]


def asset(path: str) -> str:
    return f"/static/{path}?v={asset_version(path)}"


def when(moment: datetime | int | None) -> str:
    """A UTC time as people read it (the page's script turns it into the reader's local time)."""
    if moment is None:
        return ""
    if isinstance(moment, int):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso(moment: datetime | int | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, int):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mutoscope.server.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = asset
    env.filters["when"] = when
    env.filters["iso"] = iso
    return env


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)


def render_fragment(name: str, headers: Mapping[str, str] | None = None, **context: Any) -> HTMLResponse:
    html = environment().get_template(name).render(**context)
    return HTMLResponse(html, headers={**PAGE_HEADERS, **(headers or {})})


def sign_in_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)


def error_page(request: Request, exc: MutoscopeError) -> Response:
    if isinstance(exc, AuthenticationError):
        return sign_in_redirect(request)
    status, _ = status_for(exc)
    if status >= 500:
        logger.error("page %s failed: %s", request.url.path, exc, exc_info=exc)
    message = exc.message if status < 500 else "Something went wrong on our side. Try again in a moment."
    titles = {403: "Not allowed", 404: "Not found", 429: "Slow down"}
    return render(
        "error.html",
        status_code=status,
        page=None,
        title=titles.get(status, "Something went wrong"),
        message=message,
    )


class PageRoute(APIRoute):
    """A route whose project errors become HTML: pages never answer with problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except MutoscopeError as exc:
                if "text/html" not in request.headers.get("accept", ""):
                    raise  # scripts and API clients get problem+json, as from the JSON API
                return error_page(request, exc)

        return page_handler
