"""The liveness challenge: random digits shown at random moments, then a random sequence of head turns.

A challenge is a plain, JSON-able schedule relative to the start of the recording: the client shows digit `i`
at `digits[i].shown_s` (for `DIGIT_SHOWN_S`), then asks for turn `j` at `turns[j].cue_s`. The recording must
last at least `min_recording_s`. Directions are as seen in the uploaded video: "left" moves the face towards the
left edge of the recorded frame (a client that shows a mirrored preview mirrors its instructions).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Turn = Literal["left", "right", "up"]
TURNS: tuple[Turn, ...] = ("left", "right", "up")
DIGIT_COUNT = 5
TURN_COUNT = 3
DIGIT_SHOWN_S = 1.0
FIRST_DIGIT_S = (1.0, 1.5)
DIGIT_GAP_S = (1.2, 1.6)
FIRST_TURN_AFTER_S = (1.5, 1.8)
TURN_GAP_S = (1.5, 1.8)
TAIL_S = 1.4  # the last turn needs this long after its cue
MAX_RECORDING_S = 25.0


@dataclass(frozen=True, slots=True)
class DigitCue:
    digit: int
    shown_s: float


@dataclass(frozen=True, slots=True)
class TurnCue:
    direction: Turn
    cue_s: float


@dataclass(frozen=True, slots=True)
class Challenge:
    digits: tuple[DigitCue, ...]
    turns: tuple[TurnCue, ...]

    @property
    def min_recording_s(self) -> float:
        return round(self.turns[-1].cue_s + TAIL_S, 2)

    @property
    def digit_phase_end_s(self) -> float:
        """When the digits are over: the first turn is asked for then."""
        return self.turns[0].cue_s

    def to_dict(self) -> dict[str, Any]:
        return {
            "digits": [{"digit": d.digit, "shown_s": d.shown_s} for d in self.digits],
            "turns": [{"direction": t.direction, "cue_s": t.cue_s} for t in self.turns],
            "digit_shown_s": DIGIT_SHOWN_S,
            "min_recording_s": self.min_recording_s,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Challenge:
        return cls(
            digits=tuple(DigitCue(int(d["digit"]), float(d["shown_s"])) for d in data["digits"]),
            turns=tuple(TurnCue(t["direction"], float(t["cue_s"])) for t in data["turns"]),
        )


def new_challenge(rng: random.Random | None = None) -> Challenge:
    """A fresh random challenge (`rng` defaults to the operating system's randomness)."""
    rng = rng or random.SystemRandom()
    digits: list[DigitCue] = []
    at = rng.uniform(*FIRST_DIGIT_S)
    for _ in range(DIGIT_COUNT):
        digits.append(DigitCue(rng.randrange(10), round(at, 2)))
        at += rng.uniform(*DIGIT_GAP_S)
    at = digits[-1].shown_s + rng.uniform(*FIRST_TURN_AFTER_S)
    turns: list[TurnCue] = []
    for _ in range(TURN_COUNT):
        # No direction twice in a row: two "left"s in a row would read as one long turn.
        options = [t for t in TURNS if not turns or t != turns[-1].direction]
        turns.append(TurnCue(rng.choice(options), round(at, 2)))
        at += rng.uniform(*TURN_GAP_S)
    return Challenge(tuple(digits), tuple(turns))
