"""The liveness decision: does a recording answer its challenge, live, with one face throughout?

`check_liveness` runs every check and returns each one's verdict with its reason and measures, so the decision
can be stored and explained. The recording is accepted only when all pass:

- `recording`: long enough for the whole challenge, not absurdly long;
- `faces`: a face in nearly every sample, never gone for long, and never a second face for long;
- `identity`: the camera-facing face keeps its look (a face swapped mid-clip jumps);
- `turns`: the head turns seen are the ones asked for, in order, none before its cue;
- `speech_timing`: speech starts shortly after each digit is shown, and hardly anywhere else;
- `digits`: the recogniser hears at least `MIN_DIGITS_MATCHED` of the digits in their slots (a weak signal:
  a low bar, combined with the timing it rides on);
- `lip_sync`: mouth motion follows the speech envelope (a still photo with a voice-over does not).
A replay of an older recording fails the timing, digits and turns of a new challenge at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from mutoscope.likeness.challenge import MAX_RECORDING_S, Challenge
from mutoscope.likeness.faces import Box, FaceSample, sample_faces
from mutoscope.likeness.identity import appearance_track
from mutoscope.likeness.lipsync import audio_level, correlation, mouth_motion
from mutoscope.likeness.speech import Samples, Utterance, recognise_digit, to_speech_rate, utterances
from mutoscope.likeness.turns import Pose, main_faces, poses, resting_box, turns_seen

MIN_FACE_PRESENCE = 0.8
MAX_FACE_GAP_S = 1.5
SECOND_FACE_SHARE = 0.2
SWAP_DISTANCE = 0.3
ONSET_WINDOW_S = (0.15, 0.95)  # speech must start this long after a digit is shown
MAX_STRAY_UTTERANCES = 1
MIN_DIGITS_MATCHED = 2
MIN_LIP_SYNC = 0.3
TURN_EARLY_S = 0.3


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    passed: bool
    reason: str
    measures: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "reason": self.reason,
            "measures": dict(self.measures),
        }


@dataclass(frozen=True, slots=True, eq=False)
class Analysis:
    """What the checks measured, kept for capturing the likeness of an accepted recording."""

    samples: tuple[FaceSample, ...]
    track: tuple[Box | None, ...]
    poses: tuple[Pose | None, ...]
    rest: Box | None
    speech: Samples
    spoken: tuple[Utterance, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Liveness:
    checks: tuple[Check, ...]
    analysis: Analysis

    @property
    def accepted(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def reasons(self) -> list[str]:
        """Why it was refused (empty when accepted)."""
        return [check.reason for check in self.checks if not check.passed]

    def failed(self) -> list[str]:
        return [check.name for check in self.checks if not check.passed]


def check_liveness(
    frames: Any, fps: float, audio: npt.NDArray[np.float32], audio_rate_hz: int, challenge: Challenge
) -> Liveness:
    """Every check of `frames` (uint8 [T,H,W,3], indexable) and `audio` ([channels, samples]) against `challenge`."""
    duration_s = len(frames) / fps
    speech = to_speech_rate(audio, audio_rate_hz)
    samples = tuple(sample_faces(frames, fps))
    track = tuple(main_faces(samples))
    rest = resting_box(track)
    pose_track = tuple(poses(samples, track, rest)) if rest is not None else tuple(None for _ in samples)
    spoken = tuple(utterances(speech))
    analysis = Analysis(samples, track, pose_track, rest, speech, spoken)
    slots = _digit_slots(challenge, spoken)
    checks = (
        _recording(duration_s, challenge),
        _faces(samples, track),
        _identity(frames, samples, track, pose_track),
        _turns(pose_track, challenge),
        _speech_timing(challenge, spoken, slots),
        _digits(challenge, speech, slots),
        _lip_sync(frames, fps, samples=samples, track=track, speech=speech, challenge=challenge),
    )
    return Liveness(checks, analysis)


def _recording(duration_s: float, challenge: Challenge) -> Check:
    measures = {"duration_s": round(duration_s, 2), "needed_s": challenge.min_recording_s}
    if duration_s < challenge.min_recording_s - 0.2:
        return Check(
            "recording",
            False,
            f"the recording lasts {duration_s:.1f} s but the challenge needs {challenge.min_recording_s:.1f} s",
            measures,
        )
    if duration_s > MAX_RECORDING_S:
        return Check("recording", False, f"the recording is longer than {MAX_RECORDING_S:g} s", measures)
    return Check("recording", True, "long enough for the whole challenge", measures)


def _faces(samples: Sequence[FaceSample], track: Sequence[Box | None]) -> Check:
    present = [box is not None for box in track]
    presence = sum(present) / max(len(track), 1)
    gap_s = _longest_gap_s(samples, present)
    scanned = [(sample, main) for sample, main in zip(samples, track, strict=True) if sample.full]
    seconds = sum(1 for sample, main in scanned if _has_second_face(sample, main))
    second_share = seconds / max(len(scanned), 1)
    measures = {
        "samples": len(samples),
        "presence": round(presence, 3),
        "longest_gap_s": round(gap_s, 2),
        "second_face_share": round(second_share, 3),
    }
    if presence < MIN_FACE_PRESENCE:
        return Check("faces", False, f"a face was found in only {presence:.0%} of the recording", measures)
    if gap_s > MAX_FACE_GAP_S:
        return Check("faces", False, f"the face was out of view for {gap_s:.1f} s", measures)
    if seconds >= 3 and second_share >= SECOND_FACE_SHARE:
        return Check("faces", False, f"a second face is in {second_share:.0%} of the recording", measures)
    return Check("faces", True, "one face throughout", measures)


def _has_second_face(sample: FaceSample, main: Box | None) -> bool:
    if main is None:
        return False
    return any(
        box is not main
        and box.overlap(main) < 0.2
        and abs(box.cx - main.cx) + abs(box.cy - main.cy) > 0.5 * main.w
        for box in sample.faces
    )


def _longest_gap_s(samples: Sequence[FaceSample], present: Sequence[bool]) -> float:
    longest, start = 0.0, None
    for sample, seen in zip(samples, present, strict=True):
        if not seen and start is None:
            start = sample.time_s
        elif seen and start is not None:
            longest, start = max(longest, sample.time_s - start), None
    if start is not None and samples:
        longest = max(longest, samples[-1].time_s - start)
    return longest


def _identity(
    frames: Any, samples: Sequence[FaceSample], track: Sequence[Box | None], pose_track: Sequence[Pose | None]
) -> Check:
    looks = appearance_track(frames, samples, track, pose_track)
    if not looks:
        return Check("identity", False, "the face was never seen looking at the camera long enough", {})
    jumps = [look for look in looks if look.distance > SWAP_DISTANCE]
    measures = {
        "facing_samples": len(looks),
        "max_distance": max(look.distance for look in looks),
        "median_distance": float(np.median([look.distance for look in looks])),
        "changed_samples": len(jumps),
    }
    if len(jumps) >= 2:
        return Check(
            "identity", False, f"the face changed at {jumps[0].time_s:.1f} s (a different face)", measures
        )
    return Check("identity", True, "the same face throughout", measures)


def _turns(pose_track: Sequence[Pose | None], challenge: Challenge) -> Check:
    seen = turns_seen(pose_track)
    wanted = [turn.direction for turn in challenge.turns]
    got = [turn.direction for turn in seen]
    measures = {
        "asked": wanted,
        "seen": [{"direction": t.direction, "start_s": t.start_s, "peak": t.peak} for t in seen],
    }
    if not seen:
        return Check("turns", False, f"no head turn was seen (asked: {', '.join(wanted)})", measures)
    if got != wanted:
        return Check(
            "turns",
            False,
            f"the head turned {', '.join(got)} but the challenge asked {', '.join(wanted)}",
            measures,
        )
    for turn, cue in zip(seen, challenge.turns, strict=True):
        if turn.start_s < cue.cue_s - TURN_EARLY_S:
            return Check(
                "turns",
                False,
                f"the head turned {turn.direction} at {turn.start_s:.1f} s, before it was asked at {cue.cue_s:.1f} s",
                measures,
            )
    return Check("turns", True, f"turned {', '.join(got)} as asked", measures)


def _digit_slots(challenge: Challenge, spoken: Sequence[Utterance]) -> list[Utterance | None]:
    """For each digit, the first utterance starting in its window after it was shown (each used once)."""
    used: set[int] = set()
    slots: list[Utterance | None] = []
    for cue in challenge.digits:
        low, high = cue.shown_s + ONSET_WINDOW_S[0], cue.shown_s + ONSET_WINDOW_S[1]
        found = next(
            (i for i, u in enumerate(spoken) if i not in used and low <= u.start_s <= high),
            None,
        )
        if found is not None:
            used.add(found)
        slots.append(spoken[found] if found is not None else None)
    return slots


def _speech_timing(
    challenge: Challenge, spoken: Sequence[Utterance], slots: Sequence[Utterance | None]
) -> Check:
    answered = sum(slot is not None for slot in slots)
    phase_end = challenge.digit_phase_end_s
    stray = [u for u in spoken if u.start_s < phase_end and u not in slots]
    measures = {
        "utterances": [[u.start_s, u.end_s] for u in spoken],
        "answered": answered,
        "stray": len(stray),
    }
    if answered < len(slots):
        missing = [
            f"{cue.shown_s:.1f} s" for cue, slot in zip(challenge.digits, slots, strict=True) if slot is None
        ]
        return Check(
            "speech_timing",
            False,
            f"no speech started just after the digits shown at {', '.join(missing)}",
            measures,
        )
    if len(stray) > MAX_STRAY_UTTERANCES:
        return Check(
            "speech_timing", False, f"{len(stray)} utterances came at moments no digit was shown", measures
        )
    return Check("speech_timing", True, "speech started after each digit was shown", measures)


def _digits(challenge: Challenge, speech: Samples, slots: Sequence[Utterance | None]) -> Check:
    heard = [recognise_digit(speech, slot) if slot is not None else None for slot in slots]
    wanted = [cue.digit for cue in challenge.digits]
    matched = sum(h == w for h, w in zip(heard, wanted, strict=True))
    measures = {"heard": heard, "matched": matched, "of": len(wanted)}
    if matched < MIN_DIGITS_MATCHED:
        return Check(
            "digits",
            False,
            f"only {matched} of the {len(wanted)} digits were recognised (needed {MIN_DIGITS_MATCHED})",
            measures,
        )
    return Check("digits", True, f"{matched} of {len(wanted)} digits recognised", measures)


def _lip_sync(
    frames: Any,
    fps: float,
    *,
    samples: Sequence[FaceSample],
    track: Sequence[Box | None],
    speech: Samples,
    challenge: Challenge,
) -> Check:
    start = max(1, int(challenge.digits[0].shown_s * fps))
    end = min(len(frames), int(challenge.digit_phase_end_s * fps))
    if end - start < 16:
        return Check("lip_sync", False, "the recording is too short to compare lips and voice", {})
    span = (start, end)
    motion = mouth_motion(frames, fps, samples, track, span)
    level = audio_level(speech, fps, span)
    score = correlation(motion, level)
    measures = {"correlation": round(score, 3), "frames": end - start}
    if score < MIN_LIP_SYNC:
        return Check(
            "lip_sync", False, f"the mouth does not move with the voice (correlation {score:.2f})", measures
        )
    return Check("lip_sync", True, f"the mouth moves with the voice (correlation {score:.2f})", measures)
