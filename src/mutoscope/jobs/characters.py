"""Characters inside a video job: their owners' prohibitions as engine screens, and the permission re-check.

`with_character_rules(stages)` adds a screen that refuses a generation breaking a prohibition of one of its
characters: the prompt before any compute, then the backend's plan (what the scene shows, what the character
wears and does, from `metadata.extra["scene"]`) and the generated dialogue (`metadata.extra["dialogue"]`).

`PermissionGuard` re-asks the server's permission rule (a callback, so the jobs layer knows nothing of the
server's tables) before a job runs, about once a second while it runs, and before its result is stored, so a
character revoked while a job is queued or running fails that job with a clear error instead of finishing it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from mutoscope.engine.clip import Clip
from mutoscope.engine.request import CharacterRef, GenerationRequest
from mutoscope.engine.stages import Stages
from mutoscope.likeness.preferences import Violation, check_rules
from mutoscope.safety import Verdict

POLICY = "character_preferences"
PermissionCheck = Callable[[str], None]  # called with the job id; raises PermissionDeniedError when revoked


class CharacterRulesScreen:
    name = POLICY

    def screen_request(self, request: GenerationRequest) -> Verdict:
        prompt = " ".join([request.prompt, *(shot.prompt for shot in request.shots)])
        for character in request.characters:
            found = check_rules(character.preferences, prompt=prompt)
            if found is not None:
                return _block(character, found)
        return Verdict.allow(self.name)

    def screen_clip(self, clip: Clip, request: GenerationRequest) -> Verdict:
        extra: Mapping[str, Any] = clip.metadata.extra
        recorded = extra.get("scene")
        scene: Mapping[str, Any] = recorded if isinstance(recorded, Mapping) else {}
        lines = [line for line in extra.get("dialogue") or [] if isinstance(line, Mapping)]
        for character in request.characters:
            entity = _entity_of(scene, character.id)
            key = entity.get("id") if entity else None
            found = check_rules(
                character.preferences,
                plan=_plan_words(scene),
                worn=[str(item) for item in (entity or {}).get("body", {}).get("accessories", [])],
                actions=[str(a.get("verb", "")) for a in scene.get("actions", []) if a.get("entity") == key],
                dialogue=[
                    str(line.get("text", "")) for line in lines if key is None or line.get("speaker") == key
                ],
            )
            if found is not None:
                return _block(character, found)
        return Verdict.allow(self.name)


def with_character_rules(stages: Stages) -> Stages:
    screen = CharacterRulesScreen()
    return replace(
        stages,
        prompt_screens=(*stages.prompt_screens, screen),
        output_screens=(*stages.output_screens, screen),
    )


class PermissionGuard:
    """Calls `check(job_id)` now, then at most every `interval_s` through `poll()`."""

    def __init__(self, check: PermissionCheck | None, job_id: str, *, interval_s: float = 1.0) -> None:
        self._check, self._job_id, self._interval_s = check, job_id, interval_s
        self._last = 0.0

    def now(self) -> None:
        if self._check is not None:
            self._check(self._job_id)
            self._last = time.monotonic()

    def poll(self) -> bool:
        """Never true: a revocation raises (a cancel check that fails the job with the revocation's error)."""
        if self._check is not None and time.monotonic() - self._last >= self._interval_s:
            self.now()
        return False


def _block(character: CharacterRef, found: Violation) -> Verdict:
    return Verdict("block", POLICY, POLICY, "1", (f"@{character.handle}: {found.message}",))


def _entity_of(scene: Mapping[str, Any], character_id: str) -> Mapping[str, Any] | None:
    return next((e for e in scene.get("entities", []) if e.get("character_id") == character_id), None)


def _plan_words(scene: Mapping[str, Any]) -> Iterator[str]:
    """What the plan puts on screen and in the sound, as words (not its notes or the prompt it came from)."""
    yield str(scene.get("setting", ""))
    for entity in scene.get("entities", []):
        yield str(entity.get("type", ""))
        yield " ".join(str(item) for item in entity.get("body", {}).get("accessories", []))
    for action in scene.get("actions", []):
        yield str(action.get("verb", ""))
    for sound in scene.get("sounds", []):
        yield str(sound.get("name", ""))
    for line in scene.get("dialogue", []):
        yield str(line.get("text", ""))
