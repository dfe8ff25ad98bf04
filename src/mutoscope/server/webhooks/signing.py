"""Standard Webhooks signatures: endpoint secrets, the three signature headers, and verification.

A secret is `whsec_` + base64 of 32 random bytes; the HMAC key is those bytes. A delivery carries `webhook-id`
(stable across retries, so receivers can drop duplicates), `webhook-timestamp` (unix seconds when this attempt was
signed) and `webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`. This is the scheme the
`standardwebhooks` package and the official OpenAI SDK (`client.webhooks.unwrap`) verify. The body is signed as the
exact bytes sent; re-serialising JSON would change them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime

from mutoscope.errors import AuthenticationError, InvalidRequestError

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_SECRET_BYTES = 24
DEFAULT_TOLERANCE_S = 300


def new_secret() -> str:
    """A fresh endpoint secret, `whsec_<base64 of 32 random bytes>`."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a `whsec_…` secret; malformed or short secrets are refused."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidRequestError(f"a webhook secret starts with {SECRET_PREFIX!r}", param="secret")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error as exc:
        raise InvalidRequestError("a webhook secret is base64 after 'whsec_'", param="secret") from exc
    if len(key) < MIN_SECRET_BYTES:
        raise InvalidRequestError(f"a webhook secret holds at least {MIN_SECRET_BYTES} bytes", param="secret")
    return key


def hint(secret: str) -> str:
    """A masked form that lets people tell secrets apart without revealing them: `whsec_abcd…wxyz`."""
    body = secret[len(SECRET_PREFIX) :]
    return f"{SECRET_PREFIX}{body[:4]}…{body[-4:]}"


def sign(secret: str, *, message_id: str, timestamp_s: int, body: bytes) -> str:
    """The `webhook-signature` value (`v1,<base64>`) for this message."""
    signed = f"{message_id}.{timestamp_s}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(secret: str, *, message_id: str, body: bytes, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for sending `body` at `at` (a UTC-aware time)."""
    timestamp_s = int(at.timestamp())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp_s),
        "webhook-signature": sign(secret, message_id=message_id, timestamp_s=timestamp_s, body=body),
    }


def verify(
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: datetime,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> None:
    """Check a received delivery; raise `AuthenticationError` (code `invalid_webhook_signature`) if it is not ours.

    A timestamp more than `tolerance_s` from `now` is refused either way, so a captured delivery cannot be replayed
    later. Any one of several space-separated `v1,` signatures may match (that is how secrets are rotated).
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id = lowered.get("webhook-id")
    timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not (message_id and timestamp and signatures):
        raise _refused("missing webhook-id, webhook-timestamp or webhook-signature header")
    try:
        timestamp_s = int(timestamp)
    except ValueError:
        raise _refused(f"webhook-timestamp {timestamp!r} is not unix seconds") from None
    if abs(now.timestamp() - timestamp_s) > tolerance_s:
        raise _refused(f"webhook-timestamp is more than {tolerance_s} s away from now")
    expected = sign(secret, message_id=message_id, timestamp_s=timestamp_s, body=body)
    for candidate in signatures.split():
        if hmac.compare_digest(candidate.encode(), expected.encode()):
            return
    raise _refused("no webhook-signature matches")


def _refused(reason: str) -> AuthenticationError:
    return AuthenticationError(f"Webhook signature check failed: {reason}.", code="invalid_webhook_signature")
