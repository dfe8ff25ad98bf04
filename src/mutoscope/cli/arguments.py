"""Parsers for the CLI's own argument syntaxes: `--size WxH`, `--shot PROMPT=SECONDS`, `--option KEY=VALUE`.

Each parser is strict and raises `InvalidRequestError` naming the request field, so a typo is reported as a
one-line error (exit 2) instead of being guessed at. What the values mean (even sides, whole frames, known
option keys) is checked later by the request and the backend, which own those rules.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Final

from mutoscope.engine.request import Shot
from mutoscope.engine.timebase import exact_duration
from mutoscope.errors import InvalidRequestError

DEFAULT_SECONDS: Final = 4.0
_SIZE: Final = re.compile(r"\A(\d{1,6})x(\d{1,6})\Z")
_OPTION_KEY: Final = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")


def parse_size(text: str) -> tuple[int, int]:
    """`"1280x720"` → `(1280, 720)`: two whole numbers of pixels joined by a lowercase `x`, nothing else."""
    match = _SIZE.match(text)
    if match is None:
        raise InvalidRequestError(
            f"size must be WIDTHxHEIGHT in pixels, like 1280x720; got {text!r}", param="size"
        )
    return int(match.group(1)), int(match.group(2))


def check_seconds(value: float, param: str = "duration_s") -> float:
    """Refuse durations that are not a positive finite number before they reach exact timebase math."""
    if not math.isfinite(value) or value <= 0:
        raise InvalidRequestError(
            f"a duration must be a positive number of seconds, got {value:g}", param=param
        )
    return value


def resolve_duration_s(seconds: float | None, shots: Sequence[Shot], default_s: float) -> float:
    """`--seconds` when given, else the storyboard's total, else `default_s`."""
    if seconds is not None:
        return check_seconds(seconds)
    if shots:
        # An exact sum, so shots of 0.1 s and 0.2 s make 0.3 s and not 0.30000000000000004.
        return float(sum((exact_duration(shot.duration_s) for shot in shots), Fraction(0)))
    return check_seconds(default_s)


def parse_shot(text: str) -> Shot:
    """`"a dog jumps=2.5"` → `Shot("a dog jumps", 2.5)`; the last `=` splits, so prompts may contain `=`."""
    prompt, sep, seconds = text.rpartition("=")
    if not sep or not prompt.strip():
        raise InvalidRequestError(
            f"a shot must be PROMPT=SECONDS, like 'a dog jumps=2'; got {text!r}", param="shots"
        )
    try:
        duration_s = float(seconds)
    except ValueError:
        raise InvalidRequestError(
            f"the shot {prompt.strip()!r} needs a number of seconds after '=', got {seconds!r}", param="shots"
        ) from None
    return Shot(prompt.strip(), check_seconds(duration_s, param="shots"))


def parse_shots(items: Sequence[str]) -> tuple[Shot, ...]:
    return tuple(parse_shot(item) for item in items)


def parse_option_value(text: str) -> Any:
    """JSON when the value is JSON (`3`, `true`, `[1, 2]`, `"x"`), the raw string otherwise (`hello`)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_options(items: Sequence[str]) -> dict[str, Any]:
    """`["tone_hz=440", "subtitles=true"]` → `{"tone_hz": 440, "subtitles": True}`.

    A key given twice is refused rather than letting the last one win silently.
    """
    options: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not _OPTION_KEY.match(key):
            raise InvalidRequestError(
                f"a backend option must be KEY=VALUE, like tone_hz=440; got {item!r}", param="options"
            )
        if key in options:
            raise InvalidRequestError(f"the option {key!r} is given twice", param="options")
        options[key] = parse_option_value(value)
    return options
