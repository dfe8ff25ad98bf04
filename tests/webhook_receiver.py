"""A real webhook receiver for tests: an HTTP server on a free loopback port that checks every delivery.

Each request is verified with BOTH reference implementations a user would run, the `standardwebhooks` package
and the official OpenAI SDK (`client.webhooks.unwrap`), and recorded with its headers, raw body and verdict.
The receiver answers with the statuses it is scripted to (then 200), so tests can make an endpoint fail.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import openai
import standardwebhooks


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    standardwebhooks_payload: Any  # what standardwebhooks.Webhook.verify returned (None if it refused)
    sdk_event: Any  # what the OpenAI SDK's unwrap returned (None if it refused)
    errors: tuple[str, ...]

    @property
    def verified(self) -> bool:
        return not self.errors


@dataclass
class Receiver:
    url: str
    secret: str | None = None
    statuses: list[int] = field(default_factory=list)  # answered in order, then 200
    delay_s: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _sdk: openai.OpenAI | None = None

    def verify(self, headers: dict[str, str], body: bytes) -> Received:
        errors: list[str] = []
        payload = event = None
        if self.secret is None:
            errors.append("the receiver has no secret")
        else:
            try:
                payload = standardwebhooks.Webhook(self.secret).verify(body, headers)
            except standardwebhooks.webhooks.WebhookVerificationError as exc:
                errors.append(f"standardwebhooks: {exc}")
            try:
                event = self.sdk().webhooks.unwrap(body, headers)
            except openai.InvalidWebhookSignatureError as exc:
                errors.append(f"openai: {exc}")
        return Received("", headers, body, payload, event, tuple(errors))

    def sdk(self) -> openai.OpenAI:
        """The SDK client a user would build with this secret (made once: building one takes ~40 ms)."""
        with self.lock:
            if self._sdk is None or self._sdk.webhook_secret != self.secret:
                self._sdk = openai.OpenAI(api_key="x", webhook_secret=self.secret)
            return self._sdk

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else 200

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(item.body) for item in self.received]


@contextmanager
def webhook_receiver(secret: str | None = None, statuses: list[int] | None = None) -> Iterator[Receiver]:
    """Serve a `Receiver` on 127.0.0.1 until the block ends."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            if receiver.delay_s:
                threading.Event().wait(receiver.delay_s)
            checked = receiver.verify(headers, body)
            with receiver.lock:
                receiver.received.append(
                    Received(
                        self.path,
                        headers,
                        body,
                        checked.standardwebhooks_payload,
                        checked.sdk_event,
                        checked.errors,
                    )
                )
            status = receiver.next_status()
            reply = b"ok" if status < 300 else b"receiver says no"
            self.send_response(status)
            self.send_header("content-length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks", secret=secret)
    receiver.statuses = list(statuses or [])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
