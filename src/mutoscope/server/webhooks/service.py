"""Webhooks: registering endpoints, recording events, and the dispatcher that delivers them with retries.

`record_event` runs inside the caller's transaction (the one that marks a video completed or failed), so an
event exists exactly when the state change it reports was committed: a transactional outbox. It writes one
pending delivery per enabled endpoint of that user subscribed to the event type, with the exact payload bytes.

`WebhookDispatcher.deliver_due()` claims due deliveries in a short transaction (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite's `write_session()` holds the write lock), stamping each with a claim token and a lease, then
sends them outside any transaction, so no row lock is held across HTTP. Only the holder of the claim token may
record the outcome: 2xx delivers; anything else schedules the next attempt from the backoff schedule (with
jitter so a receiver that comes back is not hit by every retry at once), and after the last retry the delivery
fails. A dispatcher that dies mid-send loses its lease and the delivery is sent again: delivery is at least once,
and receivers drop duplicates by `webhook-id`. Every attempt is logged; finished deliveries and their logs are
pruned after `retention_s` (30 days).
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

import httpx
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session, selectinload

from mutoscope.db import Database, utcnow
from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.server.webhooks import addresses, signing
from mutoscope.server.webhooks.models import (
    DELIVERED,
    FAILED,
    PENDING,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

logger = logging.getLogger(__name__)

EVENT_TYPES: tuple[str, ...] = ("video.completed", "video.failed")
DEFAULT_EVENTS: tuple[str, ...] = ("video.completed", "video.failed")
DEFAULT_BACKOFF_S: tuple[float, ...] = (5, 30, 120, 600, 1800, 3600)
DEFAULT_RETENTION_S = 30 * 24 * 3600.0  # finished deliveries (and their attempt logs) are kept this long
MAX_ENDPOINTS_PER_USER = 20
MAX_URL_CHARS = 2048
MAX_NAME_CHARS = 120
_ERROR_SNIPPET_BYTES = 200  # of a failing receiver's response body, kept in last_error for debugging
_JITTER = (0.8, 1.2)
_PRUNE_EVERY = timedelta(hours=1)
_DEFAULT_PORTS = {"http": 80, "https": 443}

ClientFactory = Callable[..., httpx.Client]


# -- endpoints ------------------------------------------------------------------------------------------------


def validate_url(url: str, *, allow_private: bool = False) -> str:
    """An absolute http(s) URL with a public host; anything else is refused naming `url`.

    `allow_private` lets the host be (or resolve to) a private, loopback or other non-public address.
    """
    value = url.strip()
    if not value or len(value) > MAX_URL_CHARS:
        raise InvalidRequestError(f"'url' must be 1-{MAX_URL_CHARS} characters.", param="url")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (parsing the port is what validates it)
    except ValueError as exc:
        raise InvalidRequestError(f"Invalid 'url': {exc}.", param="url") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidRequestError(f"Invalid 'url' {value!r}: use an http:// or https:// URL.", param="url")
    if not parts.hostname or any(char.isspace() for char in value):
        raise InvalidRequestError(f"Invalid 'url' {value!r}: it needs a host name.", param="url")
    if parts.username is not None or parts.password is not None:
        raise InvalidRequestError("Invalid 'url': credentials in the URL are not accepted.", param="url")
    if not allow_private:
        addresses.refuse_private_host(parts.hostname, parts.port or _DEFAULT_PORTS[parts.scheme])
    return value


def validate_events(events: Sequence[str] | None) -> list[str]:
    """Known event types, duplicates dropped in order; None means the default subscription."""
    if events is None:
        return list(DEFAULT_EVENTS)
    if not events:
        raise InvalidRequestError("'events' must name at least one event type.", param="events")
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        raise InvalidRequestError(
            f"Unknown event type(s) {', '.join(repr(e) for e in unknown)} in 'events'; "
            f"supported: {', '.join(EVENT_TYPES)}.",
            param="events",
        )
    return list(dict.fromkeys(events))


def create_endpoint(
    session: Session, *, user_id: str, url: str, events: Sequence[str] | None = None, name: str = ""
) -> WebhookEndpoint:
    """Register an endpoint with a fresh secret (the caller shows the secret once, now).

    Only the URL's form is checked here. Callers first check its address with `validate_url` (unless private
    addresses are allowed), before opening the transaction: that resolves the host name, and a slow DNS answer
    must not hold SQLite's write lock. The dispatcher checks the address again on every delivery.
    """
    checked_url = validate_url(url, allow_private=True)
    checked_events = validate_events(events)
    if len(name) > MAX_NAME_CHARS:
        raise InvalidRequestError(f"'name' must be at most {MAX_NAME_CHARS} characters.", param="name")
    count = len(session.scalars(select(WebhookEndpoint.id).where(WebhookEndpoint.user_id == user_id)).all())
    if count >= MAX_ENDPOINTS_PER_USER:
        raise InvalidRequestError(
            f"You already have {count} webhook endpoints, the most allowed; delete one first.", param="url"
        )
    endpoint = WebhookEndpoint(
        id=new_id("whep"),
        user_id=user_id,
        url=checked_url,
        name=name,
        secret=signing.new_secret(),
        events=checked_events,
        enabled=True,
        created_at=utcnow(),
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def list_endpoints(
    session: Session, *, user_id: str, limit: int = 20, after: str | None = None
) -> tuple[list[WebhookEndpoint], bool]:
    """The user's endpoints, newest first, and whether more follow (cursor `after` = the last id seen)."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.user_id == user_id)
    if after is not None:
        cursor = get_endpoint(session, user_id=user_id, endpoint_id=after, param="after")
        query = query.where(
            (WebhookEndpoint.created_at < cursor.created_at)
            | ((WebhookEndpoint.created_at == cursor.created_at) & (WebhookEndpoint.id < cursor.id))
        )
    rows = session.scalars(
        query.order_by(WebhookEndpoint.created_at.desc(), WebhookEndpoint.id.desc()).limit(limit + 1)
    ).all()
    return list(rows[:limit]), len(rows) > limit


def get_endpoint(session: Session, *, user_id: str, endpoint_id: str, param: str = "id") -> WebhookEndpoint:
    """The user's endpoint; another user's looks exactly like a missing one."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.user_id != user_id:
        raise NotFoundError(f"No webhook endpoint found with id '{endpoint_id}'.", param=param)
    return endpoint


def delete_endpoint(session: Session, *, user_id: str, endpoint_id: str) -> None:
    """Remove an endpoint with its deliveries and their log: nothing more is sent to it."""
    endpoint = get_endpoint(session, user_id=user_id, endpoint_id=endpoint_id)
    # Explicit deletes, child first: does not depend on the database enforcing ON DELETE CASCADE.
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id))
    session.expunge(endpoint)


def recent_deliveries(
    session: Session, *, user_id: str, endpoint_id: str, limit: int = 20
) -> list[WebhookDelivery]:
    """An endpoint's newest deliveries with their attempt logs."""
    endpoint = get_endpoint(session, user_id=user_id, endpoint_id=endpoint_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .options(selectinload(WebhookDelivery.attempt_log))
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query).all())


# -- events ---------------------------------------------------------------------------------------------------


def record_event(
    session: Session, *, user_id: str, event_type: str, data: Mapping[str, Any], now: datetime | None = None
) -> str | None:
    """Queue `event_type` for every enabled endpoint of `user_id` subscribed to it; the event id, or None if none is.

    Call it in the transaction that makes the event true, so the event commits (or rolls back) with it. It reads
    then writes, so on SQLite that transaction should be a `db.write_session()`.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    endpoints = session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.user_id == user_id, WebhookEndpoint.enabled.is_(True))
    ).all()
    # Filtered here rather than in SQL: JSON containment differs between SQLite and PostgreSQL, and a user
    # has at most MAX_ENDPOINTS_PER_USER endpoints.
    subscribed = [endpoint for endpoint in endpoints if event_type in endpoint.events]
    if not subscribed:
        return None
    at = now or utcnow()
    event_id = new_id("evt")
    envelope = {
        "id": event_id,
        "object": "event",
        "created_at": int(at.timestamp()),
        "type": event_type,
        "data": dict(data),
    }
    payload = json.dumps(envelope, separators=(",", ":"))
    for endpoint in subscribed:
        session.add(
            WebhookDelivery(
                id=new_id("wh"),
                endpoint_id=endpoint.id,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                state=PENDING,
                attempts=0,
                next_attempt_at=at,
                created_at=at,
            )
        )
    session.flush()
    return event_id


# -- delivery -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Claim:
    delivery_id: str
    token: str
    attempt: int  # 1-based number of this attempt
    url: str
    secret: str
    payload: str


@dataclass(frozen=True, slots=True)
class _Outcome:
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookDispatcher:
    """Sends due deliveries; safe to run in several processes at once against one database.

    `clock` gives the current UTC time (injectable, so tests can step through the backoff schedule);
    `client_factory` is called as `client_factory(timeout=..., follow_redirects=False)` for the one HTTP client
    the dispatcher keeps (shared by its sending threads); `close()` releases it, and `run()` does on the way out.
    Unless `allow_private`, it also gets `transport=addresses.guarded_transport()`, which resolves each host
    when connecting and refuses non-public addresses (the SSRF guard that DNS rebinding cannot slip past).
    Redirects are never followed, so a public receiver cannot bounce a delivery inward either.
    """

    def __init__(
        self,
        db: Database,
        *,
        client_factory: ClientFactory = httpx.Client,
        clock: Callable[[], datetime] = utcnow,
        backoff_s: Sequence[float] = DEFAULT_BACKOFF_S,
        timeout_s: float = 10.0,
        batch_size: int = 8,
        rng: random.Random | None = None,
        retention_s: float = DEFAULT_RETENTION_S,
        allow_private: bool = False,
    ) -> None:
        if timeout_s <= 0 or batch_size < 1 or retention_s <= 0 or any(delay < 0 for delay in backoff_s):
            raise ValueError(
                "timeout_s and retention_s must be positive, batch_size at least 1 and backoff_s non-negative"
            )
        self._db = db
        self._client_factory = client_factory
        self._allow_private = allow_private
        self._clock = clock
        self._backoff_s = tuple(float(delay) for delay in backoff_s)
        self._timeout_s = timeout_s
        self._batch_size = batch_size
        self._rng = rng or random.Random()
        # httpx's timeout bounds each phase (connect, write, each read), not the whole request; the lease leaves
        # room for all of them before another dispatcher may take the delivery over.
        self._lease = timedelta(seconds=max(60.0, 6 * timeout_s))
        self._retention = timedelta(seconds=retention_s)
        self._pruned_at: datetime | None = None
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()

    @property
    def max_attempts(self) -> int:
        return len(self._backoff_s) + 1

    def deliver_due(self) -> int:
        """Attempt up to `batch_size` due deliveries, in parallel; the number of attempts made."""
        self._prune_finished()
        claims = self._claim()
        if not claims:
            return 0
        client = self._http_client()
        with ThreadPoolExecutor(max_workers=len(claims), thread_name_prefix="webhook") as pool:
            outcomes = list(pool.map(lambda claim: self._send(client, claim), claims))
        for claim, outcome in zip(claims, outcomes, strict=True):
            self._record(claim, outcome)
        return len(claims)

    def close(self) -> None:
        """Close the HTTP client (a later `deliver_due` opens a new one)."""
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def run(self, stop: threading.Event, poll_s: float = 1.0) -> None:
        """Deliver until `stop` is set, polling every `poll_s` when idle (a full batch goes round at once)."""
        while not stop.is_set():
            try:
                attempted = self.deliver_due()
            except Exception:
                # The loop must outlive a database blip or a bug in one delivery; the log keeps the evidence.
                logger.exception("webhook dispatch round failed")
                attempted = 0
            if attempted < self._batch_size:
                stop.wait(poll_s)
        self.close()

    def _http_client(self) -> httpx.Client:
        # One client for the dispatcher's life: building one costs ~50 ms (TLS setup), and it keeps connections
        # to busy receivers alive between deliveries.
        with self._client_lock:
            if self._client is None:
                options: dict[str, Any] = {"timeout": self._timeout_s, "follow_redirects": False}
                if not self._allow_private:
                    options["transport"] = addresses.guarded_transport()
                self._client = self._client_factory(**options)
            return self._client

    def _prune_finished(self) -> None:
        """Drop delivered and failed deliveries older than the retention period (at most once an hour)."""
        now = self._clock()
        if self._pruned_at is not None and now - self._pruned_at < _PRUNE_EVERY:
            return
        self._pruned_at = now
        old = select(WebhookDelivery.id).where(
            WebhookDelivery.state.in_((DELIVERED, FAILED)), WebhookDelivery.created_at < now - self._retention
        )
        with self._db.write_session() as session:
            session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(old)))
            session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(old)))

    def _claim(self) -> list[_Claim]:
        now = self._clock()
        query = (
            select(WebhookDelivery, WebhookEndpoint.url, WebhookEndpoint.secret)
            .join(WebhookEndpoint, WebhookDelivery.endpoint_id == WebhookEndpoint.id)
            .where(
                WebhookDelivery.state == PENDING,
                WebhookDelivery.next_attempt_at <= now,
                WebhookEndpoint.enabled.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(self._batch_size)
        )
        claims: list[_Claim] = []
        with self._db.write_session() as session:
            if not self._db.is_sqlite:
                query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
            for delivery, url, secret in session.execute(query).all():
                if delivery.attempts >= self.max_attempts:
                    # A dispatcher died during the last attempt; the lease ran out, and no attempt is left.
                    delivery.state, delivery.next_attempt_at, delivery.claim_token = FAILED, None, None
                    delivery.last_error = (
                        delivery.last_error or "the dispatcher stopped during the last attempt"
                    )
                    continue
                token = secrets.token_hex(16)
                delivery.attempts += 1
                delivery.claim_token = token
                delivery.next_attempt_at = now + self._lease
                claims.append(_Claim(delivery.id, token, delivery.attempts, url, secret, delivery.payload))
        return claims

    def _send(self, client: httpx.Client, claim: _Claim) -> _Outcome:
        body = claim.payload.encode("utf-8")
        attempted_at = self._clock()
        headers = {
            "content-type": "application/json",
            "user-agent": "mutoscope-webhooks/1",
            **signing.signature_headers(
                claim.secret, message_id=claim.delivery_id, body=body, at=attempted_at
            ),
        }
        started = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        try:
            with client.stream("POST", claim.url, content=body, headers=headers) as response:
                status_code = response.status_code
                if not 200 <= status_code < 300:
                    error = f"HTTP {status_code}" + _snippet(response)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        duration_ms = round((time.perf_counter() - started) * 1000)
        return _Outcome(attempted_at, status_code, error, duration_ms)

    def _record(self, claim: _Claim, outcome: _Outcome) -> None:
        now = self._clock()
        values: dict[str, Any] = {
            "claim_token": None,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
        }
        if outcome.delivered:
            values |= {"state": DELIVERED, "delivered_at": now, "next_attempt_at": None}
        elif claim.attempt >= self.max_attempts:
            values |= {"state": FAILED, "next_attempt_at": None}
        else:
            delay_s = self._backoff_s[claim.attempt - 1] * self._rng.uniform(*_JITTER)
            values |= {"next_attempt_at": now + timedelta(seconds=delay_s)}
        with self._db.write_session() as session:
            result = session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == claim.delivery_id, WebhookDelivery.claim_token == claim.token)
                .values(**values)
            )
            if cast("CursorResult[Any]", result).rowcount != 1:
                logger.warning(
                    "webhook delivery %s was deleted or reclaimed while attempt %d ran; its outcome is dropped",
                    claim.delivery_id,
                    claim.attempt,
                )
            if session.get(WebhookDelivery, claim.delivery_id) is None:
                return  # its endpoint was deleted meanwhile: nothing left to log against
            session.add(
                WebhookAttempt(
                    delivery_id=claim.delivery_id,
                    attempted_at=outcome.attempted_at,
                    status_code=outcome.status_code,
                    error=outcome.error,
                    duration_ms=outcome.duration_ms,
                )
            )
        if outcome.delivered:
            logger.info("webhook %s delivered on attempt %d", claim.delivery_id, claim.attempt)
        else:
            logger.info("webhook %s attempt %d failed: %s", claim.delivery_id, claim.attempt, outcome.error)


def _snippet(response: httpx.Response) -> str:
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= _ERROR_SNIPPET_BYTES:
            break
    text = data[:_ERROR_SNIPPET_BYTES].decode("utf-8", errors="replace").strip()
    return f": {text}" if text else ""
