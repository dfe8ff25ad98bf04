"""Characters' pure parts: the challenge schedule, the owners' rules (parsing, checking, the job's screens),
head-turn reading, speech timing and the voice measure, and the permission guard of a running job."""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np
import pytest

from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.request import CharacterRef, GenerationRequest
from mutoscope.engine.stages import Stages
from mutoscope.errors import ContentPolicyError, PermissionDeniedError
from mutoscope.jobs.characters import CharacterRulesScreen, PermissionGuard, with_character_rules
from mutoscope.likeness.challenge import DIGIT_COUNT, TURN_COUNT, Challenge, new_challenge
from mutoscope.likeness.preferences import check_rules, parse_rule
from mutoscope.likeness.speech import RATE_HZ, utterances
from mutoscope.likeness.turns import Pose, turns_seen
from mutoscope.likeness.voice import measure_voice

RULES = [
    "always wears a gold chain",
    "never in skinny jeans",
    "no political content",
    'never says "I quit"',
    "never smokes",
]


# -- the challenge ---------------------------------------------------------------------------------------------


def test_challenges_are_random_ordered_and_round_trip() -> None:
    seen = set()
    for seed in range(40):
        challenge = new_challenge(random.Random(seed))
        assert len(challenge.digits) == DIGIT_COUNT and len(challenge.turns) == TURN_COUNT
        times = [d.shown_s for d in challenge.digits] + [t.cue_s for t in challenge.turns]
        assert times == sorted(times) and min(b - a for a, b in itertools.pairwise(times)) >= 1.1
        directions = [t.direction for t in challenge.turns]
        assert all(a != b for a, b in itertools.pairwise(directions))
        assert challenge.min_recording_s > challenge.turns[-1].cue_s
        assert Challenge.from_dict(challenge.to_dict()) == challenge
        seen.add((tuple(d.digit for d in challenge.digits), tuple(directions)))
    assert len(seen) == 40  # no two alike: a recording answers one challenge only


# -- preferences -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "kind"),
    [
        ("always wears a gold chain", "appearance"),
        ("never in skinny jeans", "wears"),
        ("Never wears a hat", "wears"),
        ("no political content", "topic"),
        ("no violence", "topic"),
        ('never says "I quit"', "says"),
        ("never smokes", "does"),
    ],
)
def test_rules_are_read_by_kind(rule: str, kind: str) -> None:
    assert parse_rule(rule).kind == kind


@pytest.mark.parametrize(
    ("prompt", "broken"),
    [
        ("ana dances in skinny jeans", "never in skinny jeans"),
        ("ana gives a speech about the election", "no political content"),
        ("ana meets the president", "no political content"),
        ('ana says "I quit" and leaves', 'never says "I quit"'),
        ("ana is smoking on a balcony", "never smokes"),
        ("ana dances in a park wearing a gold chain", None),
        ("ana quits her job quietly", None),
        ("ana dances in jeans", None),  # not skinny ones
    ],
)
def test_prohibitions_are_checked_against_the_prompt(prompt: str, broken: str | None) -> None:
    found = check_rules(RULES, prompt=prompt)
    assert (found.rule if found else None) == broken


def test_prohibitions_are_checked_against_the_plan_and_the_dialogue() -> None:
    assert check_rules(RULES, prompt="ana waves", worn=["gold chain", "skinny jeans"]).where == "plan"  # type: ignore[union-attr]
    assert check_rules(RULES, prompt="ana waves", dialogue=["well, I quit today"]).where == "dialogue"  # type: ignore[union-attr]
    assert check_rules(RULES, prompt="ana waves", actions=["smoke"]).rule == "never smokes"  # type: ignore[union-attr]
    assert (
        check_rules(RULES, prompt="ana waves", worn=["gold chain"], dialogue=["hello"], actions=["wave"])
        is None
    )


def _character(rules: list[str]) -> CharacterRef:
    return CharacterRef("char_1", "Ana", "ana", "person", preferences=tuple(rules))


def _clip(scene: dict[str, Any], dialogue: list[dict[str, Any]]) -> Clip:
    frames = np.zeros((2, 64, 64, 3), np.uint8)
    metadata = ClipMetadata("procedural", "1", 1, extra={"scene": scene, "dialogue": dialogue})
    return Clip(frames=frames, audio=np.zeros((2, 4000), np.float32), fps=24, metadata=metadata)


def test_the_job_screen_refuses_a_plan_or_dialogue_that_breaks_a_rule_and_quotes_it() -> None:
    request = GenerationRequest(
        prompt="ana dances", width=64, height=64, duration_s=2 / 24, fps=24, characters=(_character(RULES),)
    )
    screen = CharacterRulesScreen()
    assert not screen.screen_request(request).blocks
    dressed = {
        "entities": [
            {
                "id": "ana",
                "character_id": "char_1",
                "type": "person",
                "body": {"accessories": ["gold chain", "skinny jeans"]},
            }
        ],
        "actions": [{"entity": "ana", "verb": "dance"}],
    }
    verdict = screen.screen_clip(_clip(dressed, []), request)
    assert verdict.blocks and "never in skinny jeans" in verdict.reasons[0]
    plain = {**dressed, "entities": [{**dressed["entities"][0], "body": {"accessories": ["gold chain"]}}]}
    assert not screen.screen_clip(_clip(plain, [{"speaker": "ana", "text": "hello"}]), request).blocks
    said = screen.screen_clip(_clip(plain, [{"speaker": "ana", "text": "I quit"}]), request)
    assert said.blocks and 'never says "I quit"' in said.reasons[0]
    # Through the engine's stages, a block is a ContentPolicyError naming the policy and the rule.
    stages = with_character_rules(Stages())
    blocked = GenerationRequest(
        prompt="ana smokes a cigar",
        width=64,
        height=64,
        duration_s=2 / 24,
        fps=24,
        characters=(_character(RULES),),
    )
    assert stages.prompt_screens[-1].screen_request(blocked).reasons[0].startswith("@ana:")
    from mutoscope.engine.generate import _screen

    with pytest.raises(ContentPolicyError, match="never smokes") as caught:
        _screen("character_preferences", stages.prompt_screens[-1].screen_request(blocked))
    assert caught.value.code == "moderation_blocked.character_preferences"


# -- turns, speech, voice ----------------------------------------------------------------------------------


def _poses(track: list[tuple[float, float]]) -> list[Pose | None]:
    return [Pose(i / 6, yaw, pitch) for i, (yaw, pitch) in enumerate(track)]


def test_turns_are_runs_of_one_direction_long_enough() -> None:
    centre, left, up = (0.0, 0.0), (-0.3, 0.0), (0.0, 0.25)
    track = [centre] * 4 + [left] * 4 + [centre] * 3 + [up] * 4 + [centre] * 2 + [left] * 1 + [centre] * 3
    assert [t.direction for t in turns_seen(_poses(track))] == ["left", "up"]  # one sample is a twitch
    assert turns_seen(_poses([centre] * 20)) == []
    with_gaps: list[Pose | None] = [Pose(0.0, -0.3, 0.0), Pose(1 / 6, -0.3, 0.0), None, Pose(0.5, -0.3, 0.0)]
    assert [t.direction for t in turns_seen(with_gaps)] == [
        "left"
    ]  # a missed detection does not split a turn


def _tone(f0: float, seconds: float) -> np.ndarray[Any, np.dtype[np.float32]]:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    wave = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))
    return (0.2 * wave).astype(np.float32)


def test_utterances_and_voice_pitch_are_measured() -> None:
    rng = np.random.default_rng(1)
    audio = (rng.standard_normal(RATE_HZ * 4) * 0.001).astype(np.float32)
    for start in (0.5, 1.6, 2.7):
        a = int(start * RATE_HZ)
        audio[a : a + int(0.4 * RATE_HZ)] += _tone(180.0, 0.4)
    spoken = utterances(audio)
    assert [round(u.start_s, 1) for u in spoken] == [0.5, 1.6, 2.7]
    assert all(abs((u.end_s - u.start_s) - 0.4) < 0.05 for u in spoken)
    voice = measure_voice(audio, spoken)
    assert abs(voice.pitch_hz - 180.0) < 6 and 0 <= voice.timbre <= 1
    assert (
        utterances((rng.standard_normal(RATE_HZ) * 0.01).astype(np.float32)) == []
    )  # steady noise: no speech


# -- the permission guard ----------------------------------------------------------------------------------


def test_the_guard_raises_once_a_character_is_revoked() -> None:
    revoked = {"now": False}
    calls: list[str] = []

    def check(job_id: str) -> None:
        calls.append(job_id)
        if revoked["now"]:
            raise PermissionDeniedError("withdrawn", code="character_revoked")

    guard = PermissionGuard(check, "video_1", interval_s=0.0)
    guard.now()
    assert guard.poll() is False
    revoked["now"] = True
    with pytest.raises(PermissionDeniedError) as caught:
        guard.poll()
    assert caught.value.code == "character_revoked" and calls == ["video_1"] * 3
    assert PermissionGuard(None, "video_2").poll() is False  # jobs without characters are never checked
