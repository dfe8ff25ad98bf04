"""Poses of everything that is not a person: four-legged animals, fliers, swimmers, vehicles.

Quadrupeds walk in the lateral sequence (back-left, front-left, back-right, front-right) and run with paired
legs, drop their heads to eat, fold their legs to sleep and tuck their back legs to sit; their tails wag
faster when excited. Fliers beat their wings with the phase the physics used for their lift. Swimmers undulate
faster the faster they go. Boards roll with the kickflip's physics and wheels turn with the distance driven.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mutoscope.backends.procedural.physics.poses.context import F64, Pose, PoseContext, smooth01
from mutoscope.backends.procedural.physics.timeline import core_verb, segment_at

Idx = npt.NDArray[np.intp]
WALK_LEGS = {"leg_bl": 0.0, "leg_fl": 0.25, "leg_br": 0.5, "leg_fr": 0.75}
RUN_LEGS = {"leg_bl": 0.0, "leg_fr": 0.1, "leg_br": 0.5, "leg_fl": 0.6}
EXCITED = frozenset({"run", "wave", "dance", "jump", "bounce", "sing", "talk"})


def verbs_per_frame(ctx: PoseContext) -> list[str]:
    """The body verb at each frame (idle where none)."""
    out: list[str] = []
    for t in ctx.t:
        seg = segment_at(ctx.timeline, float(t))
        out.append(core_verb(seg.body.verb) if seg.body is not None else "idle")
    return out


def verb_mask(verbs: list[str], wanted: frozenset[str] | set[str]) -> F64:
    """1.0 where the frame's verb is wanted, eased in and out over a few frames."""
    raw = np.array([1.0 if v in wanted else 0.0 for v in verbs])
    if raw.size < 3:
        return raw
    kernel = np.ones(5) / 5.0
    return np.clip(np.convolve(np.pad(raw, 2, mode="edge"), kernel, mode="valid"), 0.0, 1.0)


def quadruped_pose(ctx: PoseContext) -> tuple[Pose, F64]:
    """Leg, neck and tail angles, and the torso pitch (nose up) of a sitting animal."""
    t = ctx.t
    verbs = verbs_per_frame(ctx)
    wave = ctx.gait.phase
    amount = ctx.gait.amount
    run = np.clip((ctx.gait.froude - 1.0) / 0.8, 0.0, 1.0)
    pose: Pose = {}
    for leg, offset in WALK_LEGS.items():
        walk_swing = 0.35 * np.cos(2.0 * np.pi * (wave - offset))
        run_swing = 0.6 * np.cos(2.0 * np.pi * (wave - RUN_LEGS[leg]))
        pose[leg] = amount * (walk_swing * (1.0 - run) + run_swing * run)
    airborne = ctx.samples.mode[ctx.i] == 1
    stretch = airborne.astype(np.float64)
    for leg, sign in (("leg_fl", 1.0), ("leg_fr", 1.0), ("leg_bl", -1.0), ("leg_br", -1.0)):
        pose[leg] = pose[leg] * (1.0 - stretch) + sign * 0.8 * stretch
    sleeping = verb_mask(verbs, {"sleep"}) + ctx.mode_is("lying", np.arange(t.size)).astype(np.float64)
    sleeping = np.clip(sleeping, 0.0, 1.0)
    sitting = verb_mask(verbs, {"sit"})
    for leg in WALK_LEGS:
        folded = 1.45 * sleeping
        if leg in ("leg_bl", "leg_br"):
            folded = folded + 1.4 * sitting * (1.0 - sleeping)
        pose[leg] = pose[leg] * (1.0 - sleeping) + folded
    eating = verb_mask(verbs, {"eat"})
    pose["neck"] = (
        0.05 * amount * np.sin(4.0 * np.pi * wave)
        + eating * (0.9 + 0.08 * np.sin(2.0 * np.pi * 1.5 * t))
        + sleeping * 0.5
        - verb_mask(verbs, {"talk", "sing"}) * (0.3 + 0.15 * np.sin(2.0 * np.pi * 2.0 * t))
    )
    excited = verb_mask(verbs, EXCITED)
    wag_hz = 0.6 + 2.6 * excited
    wag_phase = 2.0 * np.pi * np.cumsum(wag_hz) / ctx.fps
    pose["tail"] = (0.5 + 0.3 * excited) * (1.0 - sleeping) + (0.15 + 0.35 * excited) * np.sin(wag_phase)
    pitch = 0.45 * sitting * (1.0 - sleeping)
    return pose, pitch


def wing_pose(ctx: PoseContext) -> Pose:
    """Wing beat from the flight's own phase; folded along the body when perched."""
    phase = ctx.samples.live.get(f"{ctx.i}:wing_phase")
    flying = ctx.mode_is("fly", np.arange(ctx.t.size)).astype(np.float64)
    flying = np.clip(flying + (ctx.samples.mode[ctx.i] == 1), 0.0, 1.0)
    beat = np.sin(phase) if phase is not None else np.zeros_like(ctx.t)
    if ctx.actor.entity.body.shape == "plane":
        speed = np.abs(ctx.samples.vx[ctx.i])
        prop = 2.0 * np.pi * np.cumsum(np.where(speed > 0.5, 12.0, 0.0)) / ctx.fps
        return {"wing": np.zeros_like(ctx.t), "prop": prop}
    eating = verb_mask(verbs_per_frame(ctx), {"eat"})
    return {
        "wing": flying * 0.9 * beat + (1.0 - flying) * -1.3,
        "neck": eating * 0.8 * np.maximum(np.sin(2.0 * np.pi * 2.0 * ctx.t), 0.0),
        "tail": 0.1 * flying * np.sin((phase if phase is not None else ctx.t) - 0.6),
    }


def swimmer_pose(ctx: PoseContext) -> Pose:
    """A travelling body wave whose rate grows with speed; the tail swings with it."""
    length = max(ctx.actor.entity.body.width_m, 0.05)
    speed = np.hypot(ctx.samples.vx[ctx.i], ctx.samples.vy[ctx.i])
    rate = 1.0 + 1.6 * np.clip(speed / length, 0.0, 4.0)
    wave = 2.0 * np.pi * np.cumsum(rate) / ctx.fps
    strength = 0.5 + 0.5 * smooth01(speed / length)
    return {"body_wave": wave, "tail": 0.35 * strength * np.sin(wave)}


def serpent_pose(ctx: PoseContext) -> Pose:
    """Slithering: the wave travels with the distance covered, plus a slow idle ripple."""
    length = max(ctx.actor.entity.body.width_m, 0.1)
    travelled = np.cumsum(np.abs(ctx.samples.vx[ctx.i]) + np.abs(ctx.samples.vy[ctx.i])) / ctx.fps
    wave = 2.0 * np.pi * (travelled / (0.5 * length) + 0.4 * ctx.t)
    return {"body_wave": wave, "tail": 0.3 * np.sin(wave)}


def wheel_pose(ctx: PoseContext) -> Pose:
    """Wheels turn with the distance rolled; a board also shows its kickflip roll."""
    shape = ctx.actor.entity.body.shape
    if shape == "boat":
        return {}
    radius = 0.03 if shape == "board" else max(0.22 * ctx.h, 0.05)
    rolled = np.concatenate(
        [[0.0], np.cumsum((ctx.samples.vx[ctx.i][:-1] + ctx.samples.vx[ctx.i][1:]) / 2.0)]
    )
    pose: Pose = {"wheel": -rolled / ctx.fps / radius}
    if shape == "board":
        roll = ctx.samples.live.get(f"{ctx.i}:roll")
        pose["roll"] = roll.copy() if roll is not None else np.zeros_like(ctx.t)
    for name in ("line_dx", "line_dy"):  # a kite's line to its flyer's hand
        channel = ctx.samples.live.get(f"{ctx.i}:{name}")
        if channel is not None:
            pose[name] = channel.copy()
    return pose
