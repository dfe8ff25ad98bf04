"""Standing gestures of the planner's wider vocabulary: clap, bow, point, hug, laugh, cry, stretch, kneel, ...

Each gesture eases from whatever the body was doing into a target pose over 0.4 s and adds its own rhythm
(hands meeting in a clap, shoulders shaking with laughter, a strum). They are body layers for
`poses.humanoid`, which looks a segment's verb up here when it is not one of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt

from mutoscope.backends.procedural.physics.poses.context import (
    F64,
    Pose,
    PoseContext,
    action_end,
    action_start,
    smooth01,
)
from mutoscope.backends.procedural.physics.timeline import Segment

Idx = npt.NDArray[np.intp]
EASE_S = 0.4


def _ease_into(
    ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose, target: Mapping[str, F64 | float]
) -> None:
    w = smooth01((ctx.t[idx] - action_start(seg)) / EASE_S)
    for name, value in target.items():
        pose[name] = pose[name] * (1.0 - w) + np.asarray(value) * w


def _energy(seg: Segment) -> float:
    return float(seg.body.params.get("energy", 0.7)) if seg.body is not None else 0.7


def clap(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    beat = 0.5 + 0.5 * np.cos(2.0 * np.pi * (2.0 + 1.5 * _energy(seg)) * t)  # 1 = hands apart
    target: dict[str, F64 | float] = {
        "shoulder_l": 1.15,
        "shoulder_r": 1.15,
        "elbow_l": 1.0 + 0.5 * beat,
        "elbow_r": 1.0 + 0.5 * beat,
    }
    _ease_into(ctx, idx, seg, pose, target)


def bow(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    duration = max(action_end(seg) - action_start(seg), 0.5)
    down = np.sin(np.pi * np.clip((t - action_start(seg)) / duration, 0.0, 1.0)) ** 0.5
    pose["spine"] = pose["spine"] + 0.95 * down
    pose["neck"] = pose["neck"] + 0.25 * down
    pose["hip_l"] = pose["hip_l"] - 0.1 * down
    pose["hip_r"] = pose["hip_r"] - 0.1 * down


def point(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    _ease_into(ctx, idx, seg, pose, {"shoulder_r": 1.6, "elbow_r": 0.05, "neck": -0.05})


def hug(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    close = smooth01((ctx.t[idx] - action_end(seg) + 1.2) / 0.5)  # arms close around once there
    target: dict[str, F64 | float] = {
        "shoulder_l": 1.3,
        "shoulder_r": 1.3,
        "elbow_l": 0.4 + 1.3 * close,
        "elbow_r": 0.4 + 1.3 * close,
    }
    _ease_into(ctx, idx, seg, pose, target)


def laugh(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    shake = np.sin(2.0 * np.pi * 4.5 * t)
    pose["spine"] = pose["spine"] - 0.08 + 0.05 * shake
    pose["neck"] = pose["neck"] - 0.2 + 0.06 * shake
    _ease_into(ctx, idx, seg, pose, {"shoulder_l": 0.35, "shoulder_r": 0.35, "elbow_l": 1.1, "elbow_r": 1.1})


def cry(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    sob = 0.05 * np.sin(2.0 * np.pi * 2.6 * ctx.t[idx])
    target: dict[str, F64 | float] = {
        "neck": 0.5 + sob,
        "spine": 0.3,
        "shoulder_l": 1.0,
        "shoulder_r": 1.0,
        "elbow_l": 2.3,
        "elbow_r": 2.3,
    }
    _ease_into(ctx, idx, seg, pose, target)


def stretch(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    reach = 0.1 * np.sin(2.0 * np.pi * 0.3 * ctx.t[idx])
    target: dict[str, F64 | float] = {
        "shoulder_l": 2.9 + reach,
        "shoulder_r": 2.9 - reach,
        "elbow_l": 0.1,
        "elbow_r": 0.1,
        "spine": -0.15,
    }
    _ease_into(ctx, idx, seg, pose, target)


def kneel(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    # One knee down: the front thigh level with its shin upright, the back shin along the ground.
    target: dict[str, F64 | float] = {
        "hip_l": 1.45,
        "knee_l": 1.5,
        "hip_r": 0.0,
        "knee_r": 1.6,
        "spine": 0.05,
    }
    _ease_into(ctx, idx, seg, pose, target)


def hands_busy(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """drink, cook, read, type, play: hands in front of the chest, each with its own motion."""
    t = ctx.t[idx]
    word = seg.body.verb if seg.body is not None else "read"
    wave = np.sin(2.0 * np.pi * {"cook": 1.2, "type": 5.0, "play": 2.5, "drink": 0.3}.get(word, 0.2) * t)
    target: dict[str, F64 | float] = {"shoulder_l": 0.8, "elbow_l": 1.3, "shoulder_r": 0.8, "elbow_r": 1.3}
    if word == "drink":
        sip = 0.5 + 0.5 * wave
        target.update({"shoulder_r": 0.8 + 0.5 * sip, "elbow_r": 1.3 + 0.9 * sip, "neck": -0.25 * sip})
    elif word == "play":  # strumming a guitar
        target.update({"shoulder_r": 0.5, "elbow_r": 1.6 + 0.25 * wave, "shoulder_l": 1.2, "elbow_l": 0.7})
    elif word in ("cook", "type"):
        target.update({"elbow_r": 1.3 + 0.15 * wave, "elbow_l": 1.3 - 0.15 * wave})
    else:
        target["neck"] = 0.35
    _ease_into(ctx, idx, seg, pose, target)


def balance(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    sway = 0.08 * np.sin(2.0 * np.pi * 0.6 * ctx.t[idx])
    target: dict[str, F64 | float] = {
        "shoulder_l": 1.5 + sway,
        "shoulder_r": 1.5 - sway,
        "elbow_l": 0.1,
        "elbow_r": 0.1,
        "spine": sway,
    }
    _ease_into(ctx, idx, seg, pose, target)


def handstand(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    starts = ctx.mark_times("handstand")
    began = ctx.last_before(starts, t)
    active = np.where(np.isfinite(began), 1.0, 0.0)
    split = 0.35 * np.sin(np.pi * np.clip((t - began) / 0.5, 0.0, 1.0)) * active
    for side, sign in (("l", 1.0), ("r", -1.0)):
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - active) + 2.95 * active
        pose[f"elbow_{side}"] = pose[f"elbow_{side}"] * (1.0 - active)
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + sign * split


def crawl(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    _ease_into(ctx, idx, seg, pose, {"spine": 0.7, "neck": -0.3})
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + 0.8
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 1.1


GESTURES: dict[str, Callable[[PoseContext, Idx, Segment, Pose], None]] = {
    "clap": clap, "bow": bow, "point": point, "hug": hug, "laugh": laugh, "cry": cry, "stretch": stretch,
    "kneel": kneel, "drink": hands_busy, "cook": hands_busy, "read": hands_busy, "type": hands_busy,
    "play": hands_busy, "balance": balance, "handstand": handstand, "crawl": crawl,
}  # fmt: skip
