"""Reading what a viewer asks of the feed in plain words ("something relaxing", "animals", "more from my friends").

Two things can be asked: people ("friends", "people I follow", "mutuals"), which raises social proximity, and a
topic, which is whatever is left once those phrases and filler words ("more", "show me", "something") are set
aside; the topic is embedded and matched against posts. Pure: no I/O, no model.
"""

from __future__ import annotations

import re

from mutoscope.errors import InvalidRequestError
from mutoscope.server.feed.ranking import Steering

MAX_STEER_CHARS = 200
_PEOPLE = re.compile(
    r"\b(?:my\s+|the\s+)?(?:friends?|mutuals?|people\s+i\s+(?:follow|know)|(?:accounts?|creators?)\s+i\s+follow"
    r"|following|my\s+people)\b",
    re.IGNORECASE,
)
# Words that carry no topic of their own ("show me more stuff" asks for nothing in particular).
_FILLER = frozenset(
    (  # noqa: SIM905 - a word list reads better as words
        "a an and the more less some something anything stuff things thing videos video posts post clips clip "
        "show give me i want wanna like please from of by for with now just only lots lot"
    ).split()
)


def parse_steering(text: str | None) -> Steering | None:
    """The steering asked for, or None for an absent or blank text; too long a text is refused."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    if len(cleaned) > MAX_STEER_CHARS:
        raise InvalidRequestError(
            f"steer is {len(cleaned)} characters; say what you want in at most {MAX_STEER_CHARS}",
            param="steer",
            code="steer_too_long",
        )
    wants_friends = bool(_PEOPLE.search(cleaned))
    remainder = _PEOPLE.sub(" ", cleaned)
    words = re.findall(r"[\w'’-]+", remainder)
    topical = [word for word in words if word.lower() not in _FILLER]
    topic = " ".join(topical) if topical else None
    return Steering(text=cleaned, topic=topic, wants_friends=wants_friends)
