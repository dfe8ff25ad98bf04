"""Output screening of what a clip says and stages: its dialogue, and the procedural backend's scene plan.

A prompt that passed can still yield something that should not: scripted lines the planner lifted out of a
long prompt, a scene handed in whole through backend options (which no prompt screen saw), or a plan that puts
a child on the receiving end of a kick. `screen_script` runs every spoken line (and a recorded scene's own
prompt and shots) through the prompt screener. `screen_scene` checks the plan's entity/action combinations:
a harmful action aimed at a child, any harmful action by or against a real person's likeness, and entity
names that are real people or protected characters.

Both read the clip's `metadata.extra` as plain JSON (`scene`: `Scene.to_dict()`, `dialogue`: lines with
`text`), so this layer never imports the backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from mutoscope.safety.policy import POLICY_SERIES, ScreeningContext, most_severe
from mutoscope.safety.prompts import PromptScreener, prompt_screener
from mutoscope.safety.verdict import Action, Verdict

SCRIPT_SCREEN: Final = "dialogue"
SCENE_SCREEN: Final = "scene"
SCENE_VERSION: Final = f"{POLICY_SERIES}-scene1"
CHILD_TYPES: Final = frozenset({"baby", "boy", "child", "girl", "kid", "toddler", "infant"})
CHILD_HEIGHT_M: Final = 1.45  # the planner's children are 0.7-1.4 m; its adults 1.5 m and up
# Verbs whose target gets hurt when it is a body: shooting a ball or throwing a frisbee has a thing as target.
HARMFUL_VERBS: Final = frozenset({"push", "kick", "throw", "crash", "shoot", "pull"})


def screen_script(
    extra: Mapping[str, Any], context: ScreeningContext, screener: PromptScreener | None = None
) -> Verdict:
    """Screen the clip's spoken lines and, for a recorded scene, its own prompt and shot prompts."""
    texts = list(_script_texts(extra))
    found = screener or prompt_screener()
    verdict = found.screen(texts, context)
    return Verdict(
        action=verdict.action,
        screen=SCRIPT_SCREEN,
        policy=verdict.policy,
        policy_version=verdict.policy_version,
        reasons=verdict.reasons,
        scores=verdict.scores,
    )


def screen_scene(
    extra: Mapping[str, Any], context: ScreeningContext, screener: PromptScreener | None = None
) -> Verdict:
    """Check a procedural scene plan's cast and actions; a clip without a scene passes this screen."""
    scene = extra.get("scene")
    if not isinstance(scene, Mapping):
        return Verdict.allow(SCENE_SCREEN, SCENE_VERSION)
    entities = {str(e.get("id")): e for e in _dicts(scene.get("entities"))}
    decisions: list[tuple[str, Action]] = []
    reasons: list[str] = []
    for action in _dicts(scene.get("actions")):
        verb = str(action.get("verb", ""))
        doer, target = entities.get(str(action.get("entity"))), entities.get(str(action.get("target")))
        if verb not in HARMFUL_VERBS or doer is None or target is None or not _is_body(target):
            continue
        if _is_child(target) and not _is_child(doer):
            decisions.append(("minors", "block"))
            reasons.append(f"minors: the scene has a {_name(doer)} {verb} a {_name(target)} (a child)")
        for someone in (doer, target):
            if _is_likeness(someone):
                decisions.append(("likeness", "block"))
                reasons.append(
                    f"likeness: a real person's likeness ({_name(someone)}) in a harmful action ({verb})"
                )
    rules = (screener or prompt_screener()).rules
    for entity in entities.values():
        if entity.get("character_id"):
            continue  # a consented character's own name
        for hit in rules.match(str(entity.get("name", "")), allowed_names=context.character_names):
            if hit.category in ("likeness", "copyright"):
                decisions.append((hit.category, hit.action))
                reasons.append(f"{hit.category}: scene entity {hit.reason}")
    category, verdict_action = most_severe(decisions)
    if verdict_action == "allow":
        return Verdict.allow(SCENE_SCREEN, SCENE_VERSION)
    return Verdict(
        action=verdict_action,
        screen=SCENE_SCREEN,
        policy=category,
        policy_version=SCENE_VERSION,
        reasons=tuple(dict.fromkeys(reasons)),
    )


def _script_texts(extra: Mapping[str, Any]) -> Iterable[str]:
    seen: set[str] = set()
    recorded = extra.get("scene")
    scene: Mapping[str, Any] = recorded if isinstance(recorded, Mapping) else {}
    lines = [*_dicts(extra.get("dialogue")), *_dicts(scene.get("dialogue"))]
    candidates = [
        *(line.get("text") for line in lines),
        scene.get("prompt"),
        *(shot.get("prompt") for shot in _dicts(scene.get("shots"))),
    ]
    if isinstance(extra.get("transcript"), str):
        candidates.append(extra["transcript"])
    for text in candidates:
        if isinstance(text, str) and text.strip() and text not in seen:
            seen.add(text)
            yield text


def _dicts(value: Any) -> Sequence[Mapping[str, Any]]:
    if not isinstance(value, list | tuple):
        return ()
    return [item for item in value if isinstance(item, Mapping)]


def _is_body(entity: Mapping[str, Any]) -> bool:
    return entity.get("kind") in ("person", "animal")


def _is_child(entity: Mapping[str, Any]) -> bool:
    if entity.get("kind") != "person":
        return False
    if str(entity.get("type", "")).lower() in CHILD_TYPES:
        return True
    body = entity.get("body")
    if not isinstance(body, Mapping) or body.get("shape") != "humanoid":
        return False
    height = body.get("height_m")
    return isinstance(height, int | float) and height < CHILD_HEIGHT_M


def _is_likeness(entity: Mapping[str, Any]) -> bool:
    return entity.get("kind") == "person" and bool(entity.get("character_id"))


def _name(entity: Mapping[str, Any]) -> str:
    return str(entity.get("name") or entity.get("type") or entity.get("id"))
