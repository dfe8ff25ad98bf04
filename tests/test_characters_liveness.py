"""The liveness check over a fixture set built from a real face photo (scikit-image's astronaut).

Valid recordings (the person says each digit a reaction time after it is shown and turns as asked, with
several espeak-ng voices) must be accepted; each attack must be refused, by the check meant to catch it:
a replay of a valid recording against a new challenge, wrong digits, no head turn, turns in the wrong order,
a still photo with a voice-over, a face swapped mid-clip, and a second face in the picture. Every recording
goes through H.264/AAC and back, as an upload does. The false-accept and false-reject rates over the set are
reported (`-rP` shows them) and must both be zero.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pytest

from liveness_fixtures import mp4, script_for
from mutoscope.engine.media import read_video
from mutoscope.likeness.challenge import Challenge, new_challenge
from mutoscope.likeness.liveness import check_liveness

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Case:
    name: str
    seed: int
    genuine: bool
    caught_by: str | None  # the check that must refuse it


def _wrong_digits(ch: Challenge) -> dict[str, object]:
    return {"digits": tuple((d.digit + 3 + i) % 10 for i, d in enumerate(ch.digits))}


def _wrong_order(ch: Challenge) -> dict[str, object]:
    directions = [t.direction for t in ch.turns]
    directions[0], directions[1] = directions[1], directions[0]  # never equal: no direction twice in a row
    return {"turns": tuple(zip(directions, [t.cue_s for t in ch.turns], strict=True))}


ATTACKS: dict[str, tuple[Callable[[Challenge], dict[str, object]], str]] = {
    "replay": (lambda ch: {}, "digits"),
    "wrong_digits": (_wrong_digits, "digits"),
    "no_head_turn": (lambda ch: {"turns": ()}, "turns"),
    "turns_in_wrong_order": (_wrong_order, "turns"),
    "still_photo_with_voice_over": (lambda ch: {"turns": (), "mouth_moves": False}, "lip_sync"),
    "face_swapped_mid_clip": (lambda ch: {"swap_at_s": ch.digits[2].shown_s}, "identity"),
    "two_faces": (lambda ch: {"second_face": True}, "faces"),
}
VOICES = ("en-us", "en-us+f2", "en-us+m3", "en-gb")
CASES = [Case(f"valid:{voice}", 11 + i, True, None) for i, voice in enumerate(VOICES)] + [
    Case(name, 21 + i, False, caught_by) for i, (name, (_, caught_by)) in enumerate(ATTACKS.items())
]


def _run(case: Case) -> tuple[bool, list[str], list[str]]:
    challenge = new_challenge(random.Random(case.seed))
    checked_against = challenge
    if case.genuine:
        script = script_for(challenge, voice=case.name.split(":")[1])
    else:
        change, _ = ATTACKS[case.name]
        script = script_for(challenge, **change(challenge))
        if case.name == "replay":  # the same valid recording, uploaded against a fresh challenge
            checked_against = new_challenge(random.Random(case.seed + 1000))
    clip = read_video(mp4(script))
    result = check_liveness(clip.frames, clip.fps, clip.audio, 48_000, checked_against)
    return result.accepted, result.failed(), result.reasons


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[bool, list[str], list[str]]]:
    with ProcessPoolExecutor(2) as pool:
        return dict(zip([c.name for c in CASES], pool.map(_run, CASES), strict=True))


@pytest.mark.parametrize("case", [c for c in CASES if c.genuine], ids=lambda c: c.name)
def test_a_live_recording_is_accepted(
    case: Case, results: dict[str, tuple[bool, list[str], list[str]]]
) -> None:
    accepted, failed, reasons = results[case.name]
    assert accepted, (failed, reasons)


@pytest.mark.parametrize("case", [c for c in CASES if not c.genuine], ids=lambda c: c.name)
def test_an_attack_is_refused_by_its_check(
    case: Case, results: dict[str, tuple[bool, list[str], list[str]]]
) -> None:
    accepted, failed, reasons = results[case.name]
    assert not accepted
    assert case.caught_by in failed, (failed, reasons)
    assert all(reason for reason in reasons)  # each refusal says why


def test_error_rates_over_the_fixture_set(results: dict[str, tuple[bool, list[str], list[str]]]) -> None:
    genuine = [c for c in CASES if c.genuine]
    attacks = [c for c in CASES if not c.genuine]
    false_rejects = sum(not results[c.name][0] for c in genuine)
    false_accepts = sum(results[c.name][0] for c in attacks)
    print(
        f"liveness fixture set: false-reject rate {false_rejects}/{len(genuine)}, "
        f"false-accept rate {false_accepts}/{len(attacks)}"
    )
    assert false_rejects == 0 and false_accepts == 0
