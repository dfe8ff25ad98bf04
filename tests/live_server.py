"""A real mutoscope server for tests: migrated database, uvicorn on a free loopback port, in a thread.

Tests drive it over HTTP exactly as users do (the official `openai` SDK, httpx), so what they check is what a
client sees. `LiveServer.user()` makes a fresh user with its own API key, which keeps tests independent while
sharing one server per module.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from openai import OpenAI

from mutoscope.db import open_database
from mutoscope.ids import new_id
from mutoscope.server.accounts.service import ensure_user, issue_key
from mutoscope.server.app import create_app
from mutoscope.server.migrate import upgrade
from mutoscope.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    app: Any
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def runtime(self) -> Any:
        return self.app.state.runtime

    def user(self, handle: str | None = None, *, admin: bool = False) -> str:
        """A new user's API key."""
        handle = handle or f"u{new_id('x')[2:14]}"
        with self.runtime.db.write_session() as session:
            owner = ensure_user(session, handle, is_admin=admin)
            key = issue_key(session, owner).secret
        self.keys[handle] = key
        return key

    def client(self, key: str, **kwargs: Any) -> OpenAI:
        return OpenAI(base_url=f"{self.base_url}/v1", api_key=key, max_retries=0, **kwargs)

    def http(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=60)


def server_settings(data_dir: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database": {"url": database_url},
        "jobs": {"poll_s": 0.05, "heartbeat_s": 0.5, "lease_s": 10.0},
        "api": {"requests_per_minute": 100_000, "poll_after_ms": 100},
    }
    for key, value in overrides.items():
        values[key] = {**values.get(key, {}), **value} if isinstance(value, dict) else value
    return Settings(**values)


@contextmanager
def live_server(settings: Settings, *, workers: int = 1) -> Iterator[LiveServer]:
    upgrade(settings.database_url)
    app = create_app(settings, workers=workers)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(base_url=f"http://127.0.0.1:{port}", settings=settings, app=app)
    finally:
        server.should_exit = True
        thread.join(30)


def reset_database(url: str) -> None:
    """Drop every table (PostgreSQL test databases are shared by a session's modules)."""
    from mutoscope.server.tables import metadata

    db = open_database(url)
    try:
        with db.engine.begin() as connection:
            metadata.drop_all(connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        db.dispose()
