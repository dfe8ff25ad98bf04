"""Opaque, stateless page cursors for the feed tabs.

"For you" is ranked afresh on every page, so its cursor remembers what this scroll has already served (a 40-bit
tag per post, the last `MAX_SERVED` posts) plus the steering text and when the last page was served: the next
page is the best of the rest, with no duplicates and no server-side state. "Following" is in reverse time order,
so its cursor is the position of the last post served (time, id).

A cursor is URL-safe base64 of a small JSON document. Anything that does not decode to a cursor of the tab
asked for is refused with a 400 naming `cursor`; a tampered cursor can only change the caller's own page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mutoscope.errors import InvalidRequestError

MAX_SERVED = 200
TAG_BYTES = 5
_VERSION = 1
_MAX_CURSOR_CHARS = 4096


def post_tag(post_id: str) -> bytes:
    """A short, stable fingerprint of a post id (collisions would only hide one post from one scroll)."""
    return hashlib.blake2b(post_id.encode(), digest_size=TAG_BYTES).digest()


@dataclass(frozen=True, slots=True)
class ForYouCursor:
    steer: str | None
    served: tuple[bytes, ...]  # tags of the posts served so far, oldest first
    last_served_at: datetime

    def served_tags(self) -> frozenset[bytes]:
        return frozenset(self.served)

    def after(self, post_ids: list[str], now: datetime) -> ForYouCursor:
        """This cursor once `post_ids` have been served too."""
        served = (*self.served, *(post_tag(post_id) for post_id in post_ids))[-MAX_SERVED:]
        return ForYouCursor(self.steer, served, now)


@dataclass(frozen=True, slots=True)
class FollowingCursor:
    created_at: datetime
    post_id: str
    served: int  # posts served so far in this scroll (teens' scroll budget)
    last_served_at: datetime


def encode_for_you(cursor: ForYouCursor) -> str:
    served = base64.urlsafe_b64encode(b"".join(cursor.served)).decode()
    return _encode({"t": "for_you", "s": cursor.steer, "p": served, "at": _time(cursor.last_served_at)})


def decode_for_you(text: str) -> ForYouCursor:
    document = _decode(text, "for_you")
    try:
        packed = base64.urlsafe_b64decode(_string(document, "p"))
        steer = document.get("s")
        if steer is not None and not isinstance(steer, str):
            raise _invalid()
        if len(packed) % TAG_BYTES:
            raise _invalid()
        served = tuple(packed[i : i + TAG_BYTES] for i in range(0, len(packed), TAG_BYTES))
        return ForYouCursor(steer, served[-MAX_SERVED:], _parse_time(document.get("at")))
    except (binascii.Error, ValueError) as error:
        raise _invalid() from error


def encode_following(cursor: FollowingCursor) -> str:
    return _encode(
        {
            "t": "following",
            "c": _time(cursor.created_at),
            "i": cursor.post_id,
            "n": cursor.served,
            "at": _time(cursor.last_served_at),
        }
    )


def decode_following(text: str) -> FollowingCursor:
    document = _decode(text, "following")
    served = document.get("n")
    if not isinstance(served, int) or isinstance(served, bool) or served < 0:
        raise _invalid()
    return FollowingCursor(
        created_at=_parse_time(document.get("c")),
        post_id=_string(document, "i"),
        served=served,
        last_served_at=_parse_time(document.get("at")),
    )


def _encode(document: dict[str, Any]) -> str:
    document = {"v": _VERSION, **document}
    raw = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str, tab: str) -> dict[str, Any]:
    if not text or len(text) > _MAX_CURSOR_CHARS:
        raise _invalid()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        document = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise _invalid() from error
    if not isinstance(document, dict) or document.get("v") != _VERSION:
        raise _invalid()
    if document.get("t") != tab:
        raise InvalidRequestError(
            f"this cursor belongs to another feed tab ({document.get('t')!r}), not {tab!r}",
            param="cursor",
            code="invalid_cursor",
        )
    return document


def _string(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str):
        raise _invalid()
    return value


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise _invalid()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise _invalid() from error
    if moment.tzinfo is None:
        raise _invalid()
    return moment.astimezone(UTC)


def _invalid() -> InvalidRequestError:
    return InvalidRequestError(
        "cursor is not a cursor this feed gave out; pass the next_cursor of the previous page unchanged, "
        "or leave it out to start from the top",
        param="cursor",
        code="invalid_cursor",
    )
