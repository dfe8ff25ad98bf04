"""The web app: server-rendered pages (Jinja2 templates), small ES modules and one stylesheet under /static, with
no build step, plus the WebVTT subtitles the player uses.

`install_web(app)` adds the pages, the subtitles route and the static files to the app. It must run before the
posts router is included: the share permalink `/p/{id}` answers browsers with the post page and everyone else
with the post's JSON, as the posts router did.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from mutoscope.server.web.rendering import STATIC_DIR
from mutoscope.server.web.router import router as pages_router
from mutoscope.server.web.subtitles import router as subtitles_router


def install_web(app: FastAPI) -> None:
    app.include_router(pages_router)
    app.include_router(subtitles_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
