"""Standard Webhooks signing, checked against the reference implementations receivers actually use."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import openai
import pytest
import standardwebhooks

from mutoscope.errors import AuthenticationError, InvalidRequestError
from mutoscope.server.webhooks import signing

BODY = json.dumps(
    {"id": "evt_1", "object": "event", "created_at": 1, "type": "video.completed", "data": {"id": "video_1"}}
).encode()


def test_new_secrets_are_random_whsec_base64_of_32_bytes() -> None:
    first, second = signing.new_secret(), signing.new_secret()
    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32


def test_signatures_verify_with_standardwebhooks_the_openai_sdk_and_ourselves() -> None:
    secret = signing.new_secret()
    now = datetime.now(UTC)
    headers = signing.signature_headers(secret, message_id="wh_1", body=BODY, at=now)
    assert headers["webhook-id"] == "wh_1"
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")

    assert standardwebhooks.Webhook(secret).verify(BODY, headers) == json.loads(BODY)
    event = openai.OpenAI(api_key="x", webhook_secret=secret).webhooks.unwrap(BODY, headers)
    assert (event.id, event.type, event.data.id) == ("evt_1", "video.completed", "video_1")
    signing.verify(secret, BODY, headers, now=now)


def test_verify_refuses_other_secrets_changed_bodies_and_stale_timestamps() -> None:
    secret = signing.new_secret()
    now = datetime.now(UTC)
    headers = signing.signature_headers(secret, message_id="wh_1", body=BODY, at=now)
    with pytest.raises(AuthenticationError, match="no webhook-signature matches"):
        signing.verify(signing.new_secret(), BODY, headers, now=now)
    with pytest.raises(AuthenticationError, match="no webhook-signature matches"):
        signing.verify(secret, BODY + b" ", headers, now=now)
    with pytest.raises(AuthenticationError, match="no webhook-signature matches"):
        signing.verify(secret, BODY, {**headers, "webhook-id": "wh_2"}, now=now)
    with pytest.raises(AuthenticationError, match="300 s") as caught:
        signing.verify(secret, BODY, headers, now=now + timedelta(seconds=301))
    assert caught.value.code == "invalid_webhook_signature"
    signing.verify(secret, BODY, headers, now=now + timedelta(seconds=299))
    with pytest.raises(AuthenticationError, match="missing"):
        signing.verify(secret, BODY, {"webhook-id": "wh_1"}, now=now)
    with pytest.raises(AuthenticationError, match="unix seconds"):
        signing.verify(secret, BODY, {**headers, "webhook-timestamp": "yesterday"}, now=now)


def test_any_of_several_signatures_may_match_for_secret_rotation() -> None:
    old, new = signing.new_secret(), signing.new_secret()
    now = datetime.now(UTC)
    signed_old = signing.signature_headers(old, message_id="wh_1", body=BODY, at=now)
    signed_new = signing.signature_headers(new, message_id="wh_1", body=BODY, at=now)
    both = {
        **signed_old,
        "WEBHOOK-SIGNATURE": f"{signed_old['webhook-signature']} {signed_new['webhook-signature']}",
    }
    del both["webhook-signature"]
    signing.verify(new, BODY, both, now=now)


def test_malformed_secrets_are_refused_naming_the_secret() -> None:
    for bad in ("abc", "whsec_not base64!", "whsec_" + base64.b64encode(b"short").decode()):
        with pytest.raises(InvalidRequestError) as caught:
            signing.secret_key(bad)
        assert caught.value.param == "secret"


def test_the_hint_masks_the_secret() -> None:
    secret = signing.new_secret()
    masked = signing.hint(secret)
    assert masked.startswith("whsec_") and "…" in masked
    assert secret.removeprefix("whsec_")[8:-4] not in masked
