"""Lip sync: how open a mouth is for each IPA phoneme, and the per-frame mouth curve of a speaker.

The table is a small viseme model: open vowels open the mouth fully, mid vowels about 0.6, close vowels less,
bilabial closures (m, b, p) shut it, every other consonant leaves it slightly open. A speaker's curve samples
the phoneme active at each instant (slightly ahead of the sound), follows it with a short attack and a slower
release (a mouth opens faster than it relaxes), and is read at each video frame's centre.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]

# Openness by the first letter of a phoneme (after stress and length marks are dropped).
_OPENNESS: dict[str, float] = {}
for _letters, _value in (
    ("aɑæɐɒɶ", 1.0),  # open vowels
    ("ʌɔɛœɜɞ", 0.8),  # open-mid vowels
    ("eøəɘɵɤoɚɝ", 0.6),  # mid vowels
    ("iyɨʉɯuɪʏʊ", 0.45),  # close vowels: the jaw half shut, lips spread or rounded
    ("mbpʙ", 0.0),  # bilabial closures
    ("ɱfvʋ", 0.08),  # lip to teeth
    ("szʃʒɕʑʂʐçʝ", 0.12),  # sibilants: teeth nearly together
    ("tdkgɡqɢcɟ", 0.15),  # stops: the jaw rises for the closure
    ("θðxɣχʁħʕhɦʔ", 0.18),  # other fricatives
    ("wʍβɸ", 0.25),  # rounded glides
    ("lnŋjɲɹrɾɻɫɭɳɽʎɰʀɬɮ", 0.3),  # voiced sonorants: the jaw stays near the vowels around them
):
    for _letter in _letters:
        _OPENNESS[_letter] = _value
_OPENNESS["\u03c7"] = 0.18  # Greek chi, which espeak's pinyin voice uses for χ
OTHER_CONSONANT = 0.2
_SKIPPED = set("ˈˌːˑ‿͡ ")

ATTACK_S = 0.012  # the jaw drops quickly ...
RELEASE_S = 0.045  # ... and closes a little slower
# The mouth leads the sound: animators open it about a frame early, and espeak marks a phoneme some 10 ms
# after its sound begins.
LEAD_S = 0.03
CURVE_STEP_S = 0.004  # the curve is smoothed on a grid this fine before frames read it


def openness(phoneme: str) -> float:
    """Mouth opening in [0, 1] for an IPA phoneme; "" (a pause) is closed."""
    for char in phoneme:
        if char in _SKIPPED or unicodedata.category(char) in ("Mn", "Lm", "Sk"):
            continue
        return _OPENNESS.get(char.lower(), OTHER_CONSONANT)
    return 0.0


@dataclass(frozen=True, slots=True)
class PhonemeSpan:
    """A phoneme as placed in the clip: active over [start_s, end_s)."""

    phoneme: str
    start_s: float
    end_s: float


def mouth_curve(spans: Sequence[PhonemeSpan], *, fps: int, frame_count: int) -> F32:
    """Mouth opening per video frame for one speaker, in [0, 1]."""
    duration_s = frame_count / fps
    steps = max(1, math.ceil(duration_s / CURVE_STEP_S))
    grid_s = (np.arange(steps, dtype=np.float64) + 0.5) * CURVE_STEP_S
    target = phoneme_targets(spans, grid_s + LEAD_S)
    smooth = attack_release(target, step_s=CURVE_STEP_S)
    centres_s = (np.arange(frame_count, dtype=np.float64) + 0.5) / fps
    frames = np.interp(centres_s, grid_s, smooth)
    return np.clip(frames, 0.0, 1.0).astype(np.float32)


def phoneme_targets(
    spans: Sequence[PhonemeSpan], times_s: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The openness of the phoneme active at each time (0 where none is)."""
    if not spans:
        return np.zeros_like(times_s)
    ordered = sorted(spans, key=lambda s: s.start_s)
    starts = np.array([s.start_s for s in ordered])
    ends = np.array([s.end_s for s in ordered])
    values = np.array([openness(s.phoneme) for s in ordered])
    index = np.searchsorted(starts, times_s, side="right") - 1
    valid = index >= 0
    safe = np.where(valid, index, 0)
    active = valid & (times_s < ends[safe])
    return np.where(active, values[safe], 0.0)


def attack_release(target: npt.NDArray[np.float64], *, step_s: float) -> npt.NDArray[np.float64]:
    """One-pole follower with a faster coefficient while rising than while falling."""
    rise = 1.0 - math.exp(-step_s / ATTACK_S)
    fall = 1.0 - math.exp(-step_s / RELEASE_S)
    out = np.empty_like(target)
    level = 0.0
    # A plain loop: the grid is a few thousand points and the follower is not a linear filter.
    for i, goal in enumerate(target.tolist()):
        level += (rise if goal > level else fall) * (goal - level)
        out[i] = level
    return out
