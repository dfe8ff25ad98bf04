"""Idempotent retries: an `Idempotency-Key` header on a POST under `/v1` makes the request safe to send twice.

`IdempotencyMiddleware` is pure ASGI, outside routing and authentication. Records are scoped by a hash of the
caller's API key or session cookie (so two callers' keys never collide, and it works before any route has
authenticated) plus the key; deleting an account deletes its records through the same hash. The first request
with a key inserts an in-progress record, runs, and stores its final response (status, content-type,
openai-poll-after-ms, body). A later request with the same key and the same method, path
and body gets that response replayed with `idempotent-replayed: true` and causes no second side effect; a
different path or body is a 409 `idempotency_key_reused`; a request arriving while the first still runs is a
409 `idempotency_request_in_progress`. Responses that say "try again" (5xx, 408, 425, 429) or that crash are not
stored: the record is released, so the key can be retried. Records expire after `ttl_s` and are purged.

The body is spooled (memory up to 1 MiB, then a temporary file) while it is hashed, then replayed to the app.
A multipart body's boundary is random per request, so it is hashed with the boundary blanked out: an SDK that
rebuilds the same upload for a retry presents the same digest.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any, Literal, cast

import anyio
from sqlalchemy import CursorResult, Index, Integer, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mutoscope.db import Base, Database, JsonDocument, UtcDateTime, translate_operational_errors, utcnow
from mutoscope.errors import ServiceUnavailableError
from mutoscope.server.accounts.sessions import COOKIE_NAME as SESSION_COOKIE
from mutoscope.server.errors import error_response, response_for

logger = logging.getLogger(__name__)

HEADER = "idempotency-key"
REPLAYED_HEADER = "idempotent-replayed"
MAX_KEY_CHARS = 255
DEFAULT_TTL_S = 24 * 3600
STORED_HEADERS = ("content-type", "openai-poll-after-ms")
MAX_STORED_BODY_BYTES = 1 << 20  # /v1 POST responses are small JSON objects; a bigger one is not replayable
_SPOOL_MEMORY_BYTES = 1 << 20
_REPLAY_CHUNK_BYTES = 64 * 1024
_RETRYABLE_STATUSES = frozenset({408, 425, 429})
_PURGE_EVERY = timedelta(minutes=1)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        Index("ix_idempotency_records_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(64))  # whose retries: see _caller_digest
    key: Mapped[str] = mapped_column(String(MAX_KEY_CHARS))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(2048))
    request_sha256: Mapped[str] = mapped_column(String(64))
    # None while the first request runs.
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_headers: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument, nullable=True)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True, slots=True)
class _Request:
    scope: str
    key: str
    method: str
    path: str
    body_sha256: str


@dataclass(frozen=True, slots=True)
class _Verdict:
    action: Literal["proceed", "replay", "reused", "in_progress"]
    record_id: int | None = None
    status_code: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(slots=True)
class _Captured:
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytearray = field(default_factory=bytearray)
    too_large: bool = False
    complete: bool = False
    settled: bool = False  # the record was stored or released


class IdempotencyMiddleware:
    """ASGI middleware; `db_provider()` returns the `Database` (resolved per request, so it can be swapped)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        db_provider: Callable[[], Database],
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if ttl_s <= 0:
            raise ValueError(f"ttl_s must be positive, got {ttl_s}")
        self.app = app
        self._db_provider = db_provider
        self._ttl = timedelta(seconds=ttl_s)
        self._clock = clock
        self._purged_at: datetime | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, HEADER) if _applies(scope) else None
        if key is None:
            await self.app(scope, receive, send)
            return
        if not key.strip() or len(key) > MAX_KEY_CHARS:
            response = error_response(
                None,
                status=400,
                message=f"The Idempotency-Key header must be 1-{MAX_KEY_CHARS} characters, got {len(key)}.",
                code="invalid_idempotency_key",
                param="Idempotency-Key",
            )
            await response(scope, receive, send)
            return
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY_BYTES) as spool:
            if not await _spool_body(receive, spool):
                return  # the client went away before sending its whole body
            request = _Request(
                scope=_caller_digest(scope),
                key=key,
                method=scope["method"],
                path=scope["path"],
                body_sha256=_body_digest(spool, _multipart_boundary(scope)),
            )
            try:
                verdict = await run_in_threadpool(self._begin, request)
            except ServiceUnavailableError as exc:
                # Outside the app's exception handlers: answer the 503 here, not a bare 500.
                await response_for(None, exc)(scope, receive, send)
                return
            if verdict.action == "proceed" and verdict.record_id is not None:
                await self._run(scope, _replaying(spool, receive), send, verdict.record_id)
                return
        await self._answer(verdict, scope, receive, send)

    # -- the first request ----------------------------------------------------------------------------------

    async def _run(self, scope: Scope, receive: Receive, send: Send, record_id: int) -> None:
        captured = _Captured()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured.status_code = message["status"]
                captured.headers = {
                    name.decode("latin-1").lower(): value.decode("latin-1")
                    for name, value in message.get("headers", [])
                    if name.decode("latin-1").lower() in STORED_HEADERS
                }
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if len(captured.body) + len(chunk) > MAX_STORED_BODY_BYTES:
                    captured.too_large = True
                else:
                    captured.body += chunk
                if not message.get("more_body", False):
                    captured.complete = True
                    # Stored before the client sees the end of the response: a client that retries the moment
                    # it has the answer must find it replayable, not "in progress".
                    await self._settle(record_id, captured)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if not captured.settled:
                await self._settle(record_id, captured)

    async def _settle(self, record_id: int, captured: _Captured) -> None:
        captured.settled = True
        # Shielded: a cancelled request (client gone) must still settle its record, or the key stays "in
        # progress" until it expires.
        with anyio.CancelScope(shield=True):
            try:
                await run_in_threadpool(self._finish, record_id, captured)
            except SQLAlchemyError:
                # The answer still goes out; the key stays "in progress" until it expires, which refuses a retry
                # rather than risking a second side effect.
                logger.exception("could not settle idempotency record %d", record_id)

    def _finish(self, record_id: int, captured: _Captured) -> None:
        status = captured.status_code
        storable = captured.complete and not captured.too_large and status is not None and _is_final(status)
        with self._db_provider().write_session() as session:  # reads, then writes: take the lock first
            if not storable:
                if captured.too_large:
                    logger.warning("idempotent response over %d bytes not stored", MAX_STORED_BODY_BYTES)
                session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
                return
            record = session.get(IdempotencyRecord, record_id)
            if record is None:
                return  # purged meanwhile (a TTL shorter than the request)
            record.status_code = status
            record.response_headers = dict(captured.headers)
            record.response_body = bytes(captured.body)

    # -- deciding -------------------------------------------------------------------------------------------

    def _begin(self, request: _Request) -> _Verdict:
        with translate_operational_errors():
            try:
                return self._begin_once(request)
            except IntegrityError:
                # PostgreSQL: a concurrent first request inserted the same (scope, key) after our lookup; its row
                # is committed now, so looking again finds it.
                return self._begin_once(request)

    def _begin_once(self, request: _Request) -> _Verdict:
        now = self._clock()
        with self._db_provider().write_session() as session:
            self._purge_expired(session, now)
            record = session.scalar(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.scope == request.scope, IdempotencyRecord.key == request.key
                )
            )
            if record is not None and record.expires_at <= now:
                session.delete(record)
                session.flush()
                record = None
            if record is None:
                record = IdempotencyRecord(
                    scope=request.scope,
                    key=request.key,
                    method=request.method,
                    path=request.path,
                    request_sha256=request.body_sha256,
                    created_at=now,
                    expires_at=now + self._ttl,
                )
                session.add(record)
                session.flush()
                return _Verdict("proceed", record_id=record.id)
            if (record.method, record.path, record.request_sha256) != (
                request.method,
                request.path,
                request.body_sha256,
            ):
                return _Verdict("reused")
            if record.status_code is None:
                return _Verdict("in_progress")
            headers = {str(name): str(value) for name, value in (record.response_headers or {}).items()}
            return _Verdict(
                "replay", status_code=record.status_code, headers=headers, body=record.response_body or b""
            )

    def _purge_expired(self, session: Any, now: datetime) -> None:
        if self._purged_at is not None and now - self._purged_at < _PURGE_EVERY:
            return
        self._purged_at = now
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))

    # -- later requests -------------------------------------------------------------------------------------

    async def _answer(self, verdict: _Verdict, scope: Scope, receive: Receive, send: Send) -> None:
        if verdict.action == "replay":
            headers = [
                (name.encode("latin-1"), value.encode("latin-1")) for name, value in verdict.headers.items()
            ]
            headers += [
                (b"content-length", str(len(verdict.body)).encode()),
                (REPLAYED_HEADER.encode(), b"true"),
            ]
            await send({"type": "http.response.start", "status": verdict.status_code, "headers": headers})
            await send({"type": "http.response.body", "body": verdict.body})
            return
        if verdict.action == "reused":
            response = error_response(
                None,
                status=409,
                message="This Idempotency-Key was already used with a different request (path or body); "
                "use a new key for a new request.",
                code="idempotency_key_reused",
            )
        else:
            response = error_response(
                None,
                status=409,
                message="A request with this Idempotency-Key is still being processed; retry shortly.",
                code="idempotency_request_in_progress",
                retry_after_s=1.0,
            )
        await response(scope, receive, send)


def _applies(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return (
        scope["type"] == "http"
        and scope.get("method") == "POST"
        and (path == "/v1" or path.startswith("/v1/"))
    )


def _caller_digest(scope: Scope) -> str:
    """Whose retries these are: the Bearer API key, or for browsers the session cookie (without the cookie every
    signed-in browser would share one scope and could replay each other's responses).

    The scope is derived from the SHA-256 of the key or cookie token, which is what the accounts tables store,
    so deleting an account can find its records (`key_scope`, `session_scope`) without ever seeing a key.
    """
    header = _header(scope, "authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token:
            return key_scope(_sha256(token))
        return _sha256(f"header:{header}")  # not a key the server accepts: a scope of its own, never replayed
    session = cookie_parser(_header(scope, "cookie") or "").get(SESSION_COOKIE)
    return session_scope(_sha256(session)) if session else _sha256("")


def key_scope(key_sha256: str) -> str:
    """The record scope of requests sent with the API key whose SHA-256 (as `api_keys` stores it) is given."""
    return _sha256(f"key:{key_sha256}")


def session_scope(token_sha256: str) -> str:
    """The record scope of a browser session, from its cookie token's SHA-256 (as `sessions` stores it)."""
    return _sha256(f"cookie:{token_sha256}")


def delete_records(session: Session, scopes: Collection[str]) -> int:
    """Delete the records of these scopes (an account being deleted); how many were removed."""
    if not scopes:
        return 0
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.scope.in_(list(scopes))))
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()


def _header(scope: Scope, name: str) -> str | None:
    wanted = name.encode("latin-1")
    for header, value in scope.get("headers", []):
        if header.lower() == wanted:
            return str(value.decode("latin-1"))
    return None


def _is_final(status: int) -> bool:
    return status < 500 and status not in _RETRYABLE_STATUSES


def _multipart_boundary(scope: Scope) -> bytes | None:
    content_type = _header(scope, "content-type") or ""
    media_type, _, params = content_type.partition(";")
    if media_type.strip().lower() != "multipart/form-data":
        return None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "boundary" and value.strip():
            return value.strip().strip('"').encode("latin-1")
    return None


async def _spool_body(receive: Receive, spool: IO[bytes]) -> bool:
    """Copy the request body into `spool`; False if the client disconnected first."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return False
        spool.write(message.get("body", b""))
        if not message.get("more_body", False):
            spool.seek(0)
            return True


def _body_digest(spool: IO[bytes], boundary: bytes | None) -> str:
    """SHA-256 of the body, with every occurrence of a multipart boundary removed (it is random per request)."""
    digest = hashlib.sha256()
    carry = b""
    keep = len(boundary) - 1 if boundary else 0
    while chunk := spool.read(_REPLAY_CHUNK_BYTES):
        data = carry + chunk
        if boundary:
            data = data.replace(boundary, b"")
            # Hold back a tail that could be the start of a boundary split across reads.
            carry, data = (data[-keep:], data[:-keep]) if keep and len(data) > keep else (data, b"")
        digest.update(data)
    digest.update(carry)
    spool.seek(0)
    return digest.hexdigest()


def _replaying(spool: IO[bytes], receive: Receive) -> Receive:
    """A `receive` that hands the app the spooled body, then defers to the real one (for disconnects)."""
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()
        chunk = spool.read(_REPLAY_CHUNK_BYTES)
        more = bool(chunk) and spool.tell() < _spool_size(spool)
        done = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replay


def _spool_size(spool: IO[bytes]) -> int:
    position = spool.tell()
    size = spool.seek(0, 2)
    spool.seek(position)
    return size
