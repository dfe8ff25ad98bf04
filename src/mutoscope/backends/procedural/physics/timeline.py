"""Action timelines: which action drives each entity at each moment.

An entity's actions are cut into segments during which one *body* action (or none: idle) and one *overlay*
action (talk, sing, wave: gestures layered on whatever the body does, so a person can walk and talk) are
active. When body actions overlap, the one that started last wins until it ends, then the earlier one resumes.
The planner's wider vocabulary is accepted through `ALIASES`: a verb the simulator performs like one of its
own (a frontflip is a leap, skating is driving a board, clapping is a standing activity with its own pose),
with default parameters. Anything else is treated as idle with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mutoscope.backends.procedural.scene import Action

log = logging.getLogger(__name__)

VERBS = frozenset(
    {"walk", "run", "jump", "backflip", "cartwheel", "kickflip", "dribble", "shoot", "throw", "catch",
     "fall", "dance", "swim", "fly", "drive", "roll", "bounce", "wave", "talk", "sing", "sit", "climb",
     "spin", "kick", "push", "eat", "sleep", "idle"}
)  # fmt: skip
OVERLAY_VERBS = frozenset({"talk", "sing", "wave", "call"})
# The planner's verbs that are performed like one of `VERBS` (with these default parameters).
ALIASES: dict[str, tuple[str, dict[str, float]]] = {
    "crawl": ("walk", {"speed_m_s": 0.4}), "frontflip": ("backflip", {}), "dive": ("jump", {}),
    "handstand": ("cartwheel", {}), "ollie": ("kickflip", {"board_rotations": 0.0}), "skate": ("drive", {}),
    "surf": ("drive", {}), "ski": ("walk", {"speed_m_s": 6.0}), "dunk": ("shoot", {}),
    "juggle": ("dribble", {}), "float": ("swim", {"speed_m_s": 0.0}), "take off": ("fly", {}),
    "land": ("fly", {"altitude_m": 0.0}),
    "ride": ("drive", {}), "crash": ("drive", {}), "chase": ("run", {}), "pull": ("push", {}),
    "carry": ("walk", {}), "hug": ("walk", {}), "lie down": ("sleep", {}), "call": ("talk", {}),
    **{gesture: ("idle", {}) for gesture in (
        "balance", "stand", "clap", "bow", "point", "laugh", "cry", "stretch", "kneel", "drink", "cook",
        "read", "type", "play",
    )},
}  # fmt: skip


def core_verb(verb: str) -> str:
    """The simulator verb that performs `verb` (itself when it is one of `VERBS`; idle when unknown)."""
    if verb in VERBS:
        return verb
    alias = ALIASES.get(verb)
    return alias[0] if alias is not None else "idle"


def alias_params(verb: str) -> dict[str, float]:
    alias = ALIASES.get(verb)
    return alias[1] if alias is not None else {}


@dataclass(frozen=True, slots=True)
class Segment:
    """[start_s, end_s): `body` drives the root (None = idle), `overlay` adds gestures."""

    start_s: float
    end_s: float
    body: Action | None
    overlay: Action | None


def normalized(actions: Iterable[Action], entity_ids: Sequence[str]) -> tuple[Action, ...]:
    """The usable actions: known entity, positive duration; unknown verbs become idle (with a warning)."""
    known = set(entity_ids)
    kept: list[Action] = []
    for action in actions:
        if action.entity not in known:
            log.warning("action %r names unknown entity %r; ignored", action.verb, action.entity)
            continue
        if not action.end_s > action.start_s:
            log.warning("action %r of %s has no duration; ignored", action.verb, action.entity)
            continue
        if action.verb not in VERBS and action.verb not in ALIASES:
            log.warning("unknown verb %r for %s; the entity idles instead", action.verb, action.entity)
            kept.append(
                Action(action.entity, "idle", action.start_s, action.end_s, action.target, action.params)
            )
            continue
        kept.append(action)
    return tuple(kept)


def segments(actions: Sequence[Action], horizon_s: float) -> tuple[Segment, ...]:
    """One entity's timeline over [0, horizon_s) as consecutive segments (the last one is open-ended)."""
    cuts = sorted({0.0, *(a.start_s for a in actions), *(a.end_s for a in actions)})
    cuts = [c for c in cuts if c >= 0.0]
    out: list[Segment] = []
    for i, start in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else max(horizon_s, start) + 1e9
        mid = (start + min(end, start + 1e6)) / 2.0
        active = [a for a in actions if a.start_s <= mid < a.end_s]
        body = _latest(a for a in active if a.verb not in OVERLAY_VERBS)
        overlay = _latest(a for a in active if a.verb in OVERLAY_VERBS)
        if out and out[-1].body is body and out[-1].overlay is overlay:
            out[-1] = Segment(out[-1].start_s, end, body, overlay)
        else:
            out.append(Segment(start, end, body, overlay))
    return tuple(out)


def _latest(candidates: Iterable[Action]) -> Action | None:
    best: Action | None = None
    for action in candidates:
        if best is None or action.start_s >= best.start_s:
            best = action
    return best


def segment_at(timeline: Sequence[Segment], t: float) -> Segment:
    """The segment covering time t (the first one before 0, the last one after the horizon)."""
    lo, hi = 0, len(timeline) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if timeline[mid].start_s <= t:
            lo = mid
        else:
            hi = mid - 1
    return timeline[lo]
