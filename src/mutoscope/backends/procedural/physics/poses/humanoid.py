"""Humanoid poses: joint angles per frame for each verb, layered and cross-faded between actions.

Layers, bottom to top: a breathing stance; the gait (legs and opposite arms swinging with the stride phase,
more lean and bend as the Froude speed rises); the body verb (crouch, take-off, tuck and landing around the
leap marks; reaching arms solved by inverse kinematics to the ball the hands hold or dribble; dance moves on
the beat); then gestures (talk, sing, wave) on the arms the body verb leaves free. Consecutive actions
cross-fade over 0.2 s. Angles follow `skeleton`'s conventions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from mutoscope.backends.procedural.physics.attachments import how_ridden
from mutoscope.backends.procedural.physics.poses.context import (
    F64,
    Pose,
    PoseContext,
    action_end,
    action_start,
    bump,
    smooth01,
)
from mutoscope.backends.procedural.physics.poses.gestures import GESTURES
from mutoscope.backends.procedural.physics.skeleton import HUMANOID, HUMANOID_JOINTS, arm_ik
from mutoscope.backends.procedural.physics.timeline import Segment, core_verb

Idx = npt.NDArray[np.intp]
JOINTS = (*HUMANOID_JOINTS, "yaw")
BLEND_S = 0.2
ARM_BUSY = frozenset(
    {"dribble", "shoot", "throw", "catch", "push", "climb", "swim", "backflip", "cartwheel", "fall", "sleep",
     "roll", "kick", "kickflip", "dance", "spin", "eat"}
)  # fmt: skip
LEAP_PREP_S = {
    "jump": 0.2, "bounce": 0.12, "backflip": 0.25, "frontflip": 0.25, "cartwheel": 0.15, "kickflip": 0.3,
    "ollie": 0.3, "dive": 0.25,
}  # fmt: skip
LAND_ABSORB_S = 0.35


def const(value: float, like: F64) -> F64:
    """A joint held at `value` over the frames of `like`."""
    return np.full_like(like, value)


def neutral(ctx: PoseContext, idx: Idx) -> Pose:
    """Standing: breathing, a slow weight shift, arms relaxed."""
    t = ctx.t[idx]
    seed = (ctx.actor.index * 0.37) % 1.0
    breath = np.sin(2.0 * np.pi * (0.25 * t + seed))
    sway = np.sin(2.0 * np.pi * (0.07 * t + seed))
    return {
        "spine": 0.03 + 0.012 * breath,
        "neck": 0.04 + 0.03 * np.sin(2.0 * np.pi * (0.11 * t + 2 * seed)),
        "shoulder_l": 0.06 + 0.02 * breath,
        "shoulder_r": 0.06 + 0.02 * breath,
        "elbow_l": 0.15 + 0.02 * breath,
        "elbow_r": 0.15 + 0.02 * breath,
        "hip_l": 0.03 * sway,
        "hip_r": -0.03 * sway,
        "knee_l": 0.04 + 0.03 * np.maximum(sway, 0.0),
        "knee_r": 0.04 + 0.03 * np.maximum(-sway, 0.0),
        "yaw": np.zeros_like(t),
    }


def add_gait(ctx: PoseContext, idx: Idx, pose: Pose) -> None:
    """Blend in the stride: legs from the phase, arms opposite, lean and bend growing with speed."""
    amount = ctx.gait.amount[idx]
    if not np.any(amount > 0.0):
        return
    run = np.clip((ctx.gait.froude[idx] - 0.7) / 0.6, 0.0, 1.0)
    wave = 2.0 * np.pi * ctx.gait.phase[idx]
    c, s = np.cos(wave), np.sin(wave)
    hip = 0.35 + 0.2 * run
    knee = 0.75 + 0.85 * run
    arm = 0.3 + 0.35 * run
    stride = {
        "hip_l": hip * c,
        "hip_r": -hip * c,
        "knee_l": 0.08 + knee * np.maximum(-s, 0.0) ** 1.3,
        "knee_r": 0.08 + knee * np.maximum(s, 0.0) ** 1.3,
        "shoulder_l": -arm * c,
        "shoulder_r": arm * c,
        "elbow_l": 0.2 + 1.1 * run,
        "elbow_r": 0.2 + 1.1 * run,
        "spine": 0.05 + 0.14 * run,
    }
    for name, value in stride.items():
        pose[name] = pose[name] * (1.0 - amount) + value * amount


def reach(ctx: PoseContext, pose: Pose, side: str, lx: F64, ly: F64, *, weight: F64 | float = 1.0) -> None:
    """Point one arm's hand at local (lx, ly) by inverse kinematics (blended by `weight`)."""
    p, h = HUMANOID, ctx.h
    spine = pose["spine"]
    shx, shy = np.sin(spine) * p.torso * h, np.cos(spine) * p.torso * h
    shoulder, elbow = arm_ik(lx - shx, ly - shy, p.upper_arm * h, p.forearm * h, spine)
    key_s, key_e = f"shoulder_{side}", f"elbow_{side}"
    pose[key_s] = pose[key_s] * (1.0 - weight) + np.asarray(shoulder) * weight
    pose[key_e] = pose[key_e] * (1.0 - weight) + np.asarray(elbow) * weight


def held_local(ctx: PoseContext, idx: Idx) -> tuple[F64, F64, npt.NDArray[np.bool_]]:
    """Local position of whatever the hands hold in each frame, and which frames hold something."""
    held = ctx.samples.held[ctx.i, idx].astype(np.intp)
    holding = held >= 0
    safe = np.where(holding, held, 0)
    wx = ctx.samples.x[safe, idx]
    wy = ctx.samples.y[safe, idx]
    lx, ly = ctx.to_local(idx, wx, wy)
    return lx, ly, holding


def hold_with_both(ctx: PoseContext, idx: Idx, pose: Pose) -> None:
    """Both hands on the held object (its sides), wherever the behaviour carried it."""
    lx, ly, holding = held_local(ctx, idx)
    if not np.any(holding):
        return
    w = holding.astype(np.float64)
    reach(ctx, pose, "r", lx + 0.02 * ctx.h, ly, weight=w)
    reach(ctx, pose, "l", lx - 0.02 * ctx.h, ly, weight=w)


# --- leaps --------------------------------------------------------------------------------------------------
def leap(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """Crouch before take-off, the verb's shape in the air, absorb the landing."""
    word = seg.body.verb if seg.body is not None else "jump"
    verb = word if word in AIR_SHAPES else core_verb(word)
    t = ctx.t[idx]
    takeoffs = ctx.mark_times("takeoff")
    lands = ctx.mark_times("land")
    prep = LEAP_PREP_S.get(verb, 0.2)
    upcoming = ctx.next_after(takeoffs, t)
    crouch = bump((t - (upcoming - prep)) / prep)
    last_off = ctx.last_before(takeoffs, t)
    landed = ctx.next_after(lands, last_off)
    flying = np.isfinite(last_off) & (t >= last_off) & (t < landed)
    span = np.where(np.isfinite(landed - last_off), landed - last_off, 0.7)
    u_air = np.where(flying, (t - last_off) / np.maximum(span, 1e-3), 0.0)
    tuck = np.where(flying, np.sin(np.pi * np.clip(u_air, 0.0, 1.0)) ** 0.8, 0.0)
    last_land = ctx.last_before(lands, t)
    absorb = bump((t - last_land) / LAND_ABSORB_S) * np.exp(-3.0 * np.clip(t - last_land, 0.0, None))
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + 1.1 * crouch + 0.9 * absorb
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 2.0 * crouch + 1.6 * absorb
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] - 0.7 * crouch + 0.5 * absorb
    pose["spine"] = pose["spine"] + 0.45 * crouch + 0.4 * absorb
    AIR_SHAPES.get(verb, _air_jump)(pose, tuck, u_air, flying.astype(np.float64))


def _air_jump(pose: Pose, tuck: F64, u: F64, flying: F64) -> None:
    arms_up = flying * (1.0 - np.clip((u - 0.5) / 0.5, 0.0, 1.0))
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + 0.4 * tuck
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 0.6 * tuck
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - arms_up) + 2.6 * arms_up
        pose[f"elbow_{side}"] = pose[f"elbow_{side}"] * (1.0 - arms_up) + 0.2 * arms_up


def _air_backflip(pose: Pose, tuck: F64, u: F64, flying: F64) -> None:
    # Arms thrown up at take-off, then knees pulled to the chest with the hands on the shins.
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + 2.2 * tuck
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 2.4 * tuck
        arms = 2.7 * (1.0 - tuck) + 1.2 * tuck
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - flying) + arms * flying
        pose[f"elbow_{side}"] = pose[f"elbow_{side}"] * (1.0 - flying) + 0.6 * tuck
    pose["spine"] = pose["spine"] + 0.35 * tuck
    pose["neck"] = pose["neck"] - 0.3 * tuck


def _air_cartwheel(pose: Pose, tuck: F64, u: F64, flying: F64) -> None:
    split = 0.75 * tuck
    for side, sign in (("l", 1.0), ("r", -1.0)):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + sign * split
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - flying) + 2.95 * flying
        pose[f"elbow_{side}"] = pose[f"elbow_{side}"] * (1.0 - flying)


def _air_dive(pose: Pose, tuck: F64, u: F64, flying: F64) -> None:
    # Arms stretched past the head, body straight: a head-first entry.
    for side in ("l", "r"):
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - flying) + 3.0 * flying
        pose[f"elbow_{side}"] = pose[f"elbow_{side}"] * (1.0 - flying)
    pose["spine"] = pose["spine"] + 0.2 * tuck


def _air_kickflip(pose: Pose, tuck: F64, u: F64, flying: F64) -> None:
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + 0.9 * tuck
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 1.3 * tuck
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - flying) + 1.3 * flying
    pose["spine"] = pose["spine"] + 0.25 * tuck


AIR_SHAPES: dict[str, Callable[[Pose, F64, F64, F64], None]] = {
    "jump": _air_jump, "bounce": _air_jump, "backflip": _air_backflip, "frontflip": _air_backflip,
    "cartwheel": _air_cartwheel, "kickflip": _air_kickflip, "ollie": _air_kickflip, "dive": _air_dive,
}  # fmt: skip


# --- ball handling ------------------------------------------------------------------------------------------
def dribble(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """Athletic stance; the dribbling hand follows the ball while it is near, hovers over it otherwise."""
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + 0.3
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 0.55
    pose["spine"] = pose["spine"] + 0.22
    pose["shoulder_l"] = const(0.5, pose["shoulder_l"])
    pose["elbow_l"] = const(1.0, pose["elbow_l"])
    ball = _ball_of(ctx, "dribble:")
    if ball is None:
        hold_with_both(ctx, idx, pose)
        return
    lx, ly = ctx.to_local(
        idx, ctx.samples.x[ball, idx], ctx.samples.y[ball, idx] + ctx.other(ball).phys.radius_m
    )
    hover_y = -0.03 * ctx.h + 0.06 * ctx.h
    near = smooth01((ly - (hover_y - 0.35 * ctx.h)) / (0.25 * ctx.h))
    reach(ctx, pose, "r", lx, np.maximum(ly, hover_y - 0.3 * ctx.h) * near + hover_y * (1.0 - near))
    _, _, holding = held_local(ctx, idx)
    if np.any(holding):
        hold_with_both(ctx, idx, pose)


def _ball_of(ctx: PoseContext, prefix: str) -> int | None:
    for _, name in ctx.actor.marks:
        if name.startswith(prefix):
            other = name[len(prefix) :]
            for actor in ctx.actors:
                if actor.id == other:
                    return actor.index
    return None


def release_follow(
    ctx: PoseContext, idx: Idx, pose: Pose, mark: str, *, shoulder: float, elbow: float
) -> None:
    """After a release: arms follow through, then relax over about a second."""
    t = ctx.t[idx]
    last = ctx.last_before(ctx.mark_times(mark), t)
    since = t - last
    w = np.where(np.isfinite(since), np.exp(-np.clip(since, 0.0, None) / 0.6), 0.0)
    for side in ("l", "r"):
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - w) + shoulder * w
        pose[f"elbow_{side}"] = pose[f"elbow_{side}"] * (1.0 - w) + elbow * w


def shoot(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    gather = ctx.last_before(ctx.mark_times("gather"), t)
    dip = bump((t - gather) / 0.45)
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + 0.35 * dip
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 0.7 * dip
    release_follow(ctx, idx, pose, "shoot", shoulder=2.75, elbow=0.35)
    hold_with_both(ctx, idx, pose)


def throw(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    release_follow(ctx, idx, pose, "throw", shoulder=1.2, elbow=0.2)
    hold_with_both(ctx, idx, pose)
    t = ctx.t[idx]
    step = np.exp(-np.clip(t - ctx.last_before(ctx.mark_times("throw"), t), 0.0, None) / 0.5)
    step = np.where(np.isfinite(step), step, 0.0)
    pose["hip_l"] = pose["hip_l"] + 0.4 * step
    pose["hip_r"] = pose["hip_r"] - 0.25 * step


def catch(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """Hands up and ready; they reach for the ball as it comes; then they hold it."""
    for side in ("l", "r"):
        pose[f"shoulder_{side}"] = const(1.25, pose[f"shoulder_{side}"])
        pose[f"elbow_{side}"] = const(0.75, pose[f"elbow_{side}"])
    ball = _ball_target(ctx, seg)
    if ball is not None:
        lx, ly = ctx.to_local(idx, ctx.samples.x[ball, idx], ctx.samples.y[ball, idx])
        distance = np.hypot(lx, ly - 0.3 * ctx.h)
        w = smooth01((2.0 - distance) / 1.2)
        reach(ctx, pose, "r", lx, ly, weight=w)
        reach(ctx, pose, "l", lx, ly, weight=w)
    hold_with_both(ctx, idx, pose)


def _ball_target(ctx: PoseContext, seg: Segment) -> int | None:
    target = seg.body.target if seg.body is not None else None
    for actor in ctx.actors:
        if target is not None and actor.id == target:
            return actor.index
    held = ctx.samples.held[ctx.i]
    caught = held[held >= 0]
    return int(caught[0]) if caught.size else None


def kick(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """Wind the kicking leg back, strike through the ball at the kick mark, follow through."""
    t = ctx.t[idx]
    kicks = ctx.mark_times("kick")
    if kicks.size == 0:
        return
    k = kicks[0]
    u = (t - k) / 0.12
    back = smooth01((t - (k - 0.3)) / 0.25) * (u < 0)
    strike = np.where(u >= 0, np.exp(-np.clip(t - k, 0.0, None) / 0.35), 0.0)
    pose["hip_r"] = pose["hip_r"] * (1.0 - back - strike) - 0.7 * back + 1.2 * strike
    pose["knee_r"] = pose["knee_r"] * (1.0 - back - strike) + 1.3 * back + 0.2 * strike
    pose["shoulder_l"] = pose["shoulder_l"] + 0.7 * (back + strike)
    pose["shoulder_r"] = pose["shoulder_r"] - 0.5 * (back + strike)
    pose["spine"] = pose["spine"] - 0.15 * strike


# --- whole-body verbs ---------------------------------------------------------------------------------------
def push(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    for side in ("l", "r"):
        pose[f"shoulder_{side}"] = const(1.45, pose[f"shoulder_{side}"])
        pose[f"elbow_{side}"] = const(0.25, pose[f"elbow_{side}"])
    pose["spine"] = pose["spine"] + 0.3


def climb(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    vy = np.abs(ctx.samples.vy[ctx.i, idx])
    phase = 2.0 * np.pi * np.cumsum(vy) / ctx.fps / 0.45
    s = np.sin(phase)
    up = ctx.mode_is("script", idx).astype(np.float64)
    pose["shoulder_l"] = pose["shoulder_l"] * (1.0 - up) + (2.75 + 0.3 * s) * up
    pose["shoulder_r"] = pose["shoulder_r"] * (1.0 - up) + (2.75 - 0.3 * s) * up
    pose["elbow_l"] = pose["elbow_l"] * (1.0 - up) + (0.5 - 0.3 * s) * up
    pose["elbow_r"] = pose["elbow_r"] * (1.0 - up) + (0.5 + 0.3 * s) * up
    pose["hip_l"] = pose["hip_l"] * (1.0 - up) + (0.9 - 0.5 * s) * up
    pose["hip_r"] = pose["hip_r"] * (1.0 - up) + (0.9 + 0.5 * s) * up
    pose["knee_l"] = pose["knee_l"] * (1.0 - up) + (1.3 - 0.4 * s) * up
    pose["knee_r"] = pose["knee_r"] * (1.0 - up) + (1.3 + 0.4 * s) * up


RIDING_POSES: dict[str, dict[str, float]] = {
    # On a board: knees soft, arms out for balance.
    "stand": {"hip_l": 0.3, "hip_r": 0.3, "knee_l": 0.45, "knee_r": 0.45, "shoulder_l": 0.9,
              "shoulder_r": 0.5, "elbow_l": 0.3, "elbow_r": 0.3, "spine": 0.1},
    # In a seat (a car, a plane, a boat): sitting, hands forward on the wheel or the gunwale.
    "inside": {"hip_l": 1.45, "hip_r": 1.45, "knee_l": 1.5, "knee_r": 1.5, "shoulder_l": 1.0,
               "shoulder_r": 1.0, "elbow_l": 0.6, "elbow_r": 0.6, "spine": 0.05},
    # Astride a horse: thighs down its flanks, hands on the reins.
    "astride": {"hip_l": 0.75, "hip_r": 0.75, "knee_l": 1.1, "knee_r": 1.1, "shoulder_l": 0.8,
                "shoulder_r": 0.8, "elbow_l": 1.2, "elbow_r": 1.2, "spine": 0.15},
    # On a saddle with pedals (bicycle, motorcycle): leaning to the handlebars.
    "saddle": {"hip_l": 1.1, "hip_r": 1.1, "knee_l": 1.3, "knee_r": 1.3, "shoulder_l": 1.2, "shoulder_r": 1.2,
               "elbow_l": 0.3, "elbow_r": 0.3, "spine": 0.35},
}  # fmt: skip


def ride(ctx: PoseContext, idx: Idx, seg: Segment | None, pose: Pose) -> None:
    """The riding position for what is ridden; a bicycle's pedals turn with its wheels."""
    mounts = ctx.mounts(idx)
    if not any(m is not None for m in mounts):
        return
    for k, vehicle in enumerate(mounts):
        if vehicle is None:
            continue
        way = how_ridden(vehicle)
        if way == "saddle" and vehicle.entity.body.shape == "quadruped":
            way = "astride"
        elif way == "saddle" and vehicle.entity.body.shape == "boat":
            way = "inside"
        for name, value in RIDING_POSES[way].items():
            pose[name][k] = value
        if way == "saddle" and vehicle.entity.type.lower() in ("bicycle", "bike"):
            # Pedalling: one crank turn per wheel turn (a low gear), legs half a turn apart.
            crank = -ctx.samples.x[vehicle.index, idx[k]] / max(0.35 * vehicle.height, 0.05)
            for side, offset in (("l", 0.0), ("r", np.pi)):
                pose[f"hip_{side}"][k] = 1.1 + 0.35 * np.sin(crank + offset)
                pose[f"knee_{side}"][k] = 1.3 + 0.45 * np.sin(crank + offset + 0.8)


def swim(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """Front crawl while moving (windmill arms, flutter kick); treading water while still."""
    t = ctx.t[idx]
    stroke = 2.0 * np.pi * ctx.strokes[idx]
    moving = (np.abs(ctx.samples.vx[ctx.i, idx]) > 0.2).astype(np.float64)
    kick_wave = np.sin(2.0 * np.pi * 2.2 * t)
    tread = np.sin(2.0 * np.pi * 0.8 * t)
    flat = np.ones_like(t)
    crawl = {
        "shoulder_l": stroke, "shoulder_r": stroke + np.pi, "elbow_l": 0.3 * flat, "elbow_r": 0.3 * flat,
        "hip_l": 0.25 * kick_wave, "hip_r": -0.25 * kick_wave, "knee_l": 0.2 * flat, "knee_r": 0.2 * flat,
    }  # fmt: skip
    treading = {
        "shoulder_l": 1.1 + 0.35 * tread, "shoulder_r": 1.1 - 0.35 * tread, "elbow_l": const(0.8, t),
        "elbow_r": const(0.8, t), "hip_l": 0.6 + 0.3 * tread, "hip_r": 0.6 - 0.3 * tread,
        "knee_l": 1.0 + 0.4 * tread, "knee_r": 1.0 - 0.4 * tread,
    }  # fmt: skip
    for name, value in crawl.items():
        pose[name] = value * moving + treading[name] * (1.0 - moving)


def fall(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """Arms thrown out while toppling; limp once down."""
    spin = (
        np.abs(np.gradient(ctx.samples.angle[ctx.i, idx])) * ctx.fps if idx.size > 1 else np.zeros(idx.size)
    )
    falling = smooth01(spin / 1.5)
    for side in ("l", "r"):
        pose[f"shoulder_{side}"] = 1.6 * falling + 0.25 * (1.0 - falling)
        pose[f"elbow_{side}"] = const(0.3, pose[f"elbow_{side}"])
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 0.3 * falling + 0.15
    pose["neck"] = pose["neck"] + 0.3 * falling


def sleep(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    breath = 0.03 * np.sin(2.0 * np.pi * 0.2 * t)
    for side in ("l", "r"):
        pose[f"shoulder_{side}"] = 0.55 + breath
        pose[f"elbow_{side}"] = const(1.3, t)
        pose[f"knee_{side}"] = const(0.25, t)
        pose[f"hip_{side}"] = const(0.15, t)
    pose["neck"] = const(0.1, t)
    pose["spine"] = 0.0 + breath


def roll(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    start = ctx.last_before(ctx.mark_times("roll"), t)
    ball_up = np.where(np.isfinite(start), bump((t - start) / 1.0) ** 0.3, 0.0)
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] * (1.0 - ball_up) + 2.3 * ball_up
        pose[f"knee_{side}"] = pose[f"knee_{side}"] * (1.0 - ball_up) + 2.4 * ball_up
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - ball_up) + 1.5 * ball_up
    pose["spine"] = pose["spine"] + 0.5 * ball_up
    pose["neck"] = pose["neck"] + 0.6 * ball_up


def sit(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    w = smooth01((t - action_start(seg)) / 0.6)
    on_seat = any(name.startswith("sit:") for _, name in ctx.actor.marks)
    knee = 1.55 if on_seat else 0.05
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] * (1.0 - w) + 1.5 * w
        pose[f"knee_{side}"] = pose[f"knee_{side}"] * (1.0 - w) + knee * w
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - w) + 0.55 * w
        pose[f"elbow_{side}"] = pose[f"elbow_{side}"] * (1.0 - w) + 0.5 * w


def eat(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    t = ctx.t[idx]
    bite = 0.5 - 0.5 * np.cos(2.0 * np.pi * 0.33 * (t - action_start(seg)))
    h = ctx.h
    lx = 0.16 * h * (1.0 - bite) + 0.1 * h * bite
    ly = 0.12 * h * (1.0 - bite) + 0.42 * h * bite
    reach(ctx, pose, "r", lx, ly)
    pose["neck"] = pose["neck"] + 0.12 * bite
    pose["shoulder_l"] = const(0.45, t)
    pose["elbow_l"] = const(1.4, t)


def dance(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """Three moves, eight beats each, cross-faded over a beat: groove, arms up, twist."""
    t = ctx.t[idx]
    tempo = (seg.body.params.get("bpm", 112.0) if seg.body is not None else 112.0) / 60.0
    beat = (t - action_start(seg)) * tempo
    b = np.pi * beat
    moves = [
        {"knee_l": 0.35 + 0.3 * np.cos(2 * b) ** 2, "knee_r": 0.35 + 0.3 * np.cos(2 * b) ** 2,
         "hip_l": 0.2 + 0.1 * np.sin(b), "hip_r": 0.2 - 0.1 * np.sin(b), "shoulder_l": 1.0 + 0.8 * np.sin(b),
         "shoulder_r": 1.0 - 0.8 * np.sin(b), "elbow_l": const(1.6, t), "elbow_r": const(1.6, t),
         "spine": 0.1 * np.sin(b), "neck": 0.15 * np.cos(2 * b), "yaw": 0.0 * t},
        {"knee_l": 0.2 + 0.2 * np.abs(np.sin(b)), "knee_r": 0.2 + 0.2 * np.abs(np.cos(b)),
         "hip_l": 0.15 * np.sin(b), "hip_r": -0.15 * np.sin(b), "shoulder_l": 2.7 + 0.3 * np.sin(b),
         "shoulder_r": 2.7 - 0.3 * np.sin(b), "elbow_l": const(0.3, t), "elbow_r": const(0.3, t),
         "spine": -0.05 + 0.05 * np.sin(b), "neck": -0.1 + 0.1 * np.sin(2 * b), "yaw": const(0.4, t)},
        {"knee_l": const(0.5, t), "knee_r": const(0.5, t), "hip_l": const(0.3, t), "hip_r": const(0.3, t),
         "shoulder_l": const(1.4, t), "shoulder_r": const(1.4, t), "elbow_l": const(1.0, t),
         "elbow_r": const(1.0, t), "spine": const(0.15, t), "neck": const(0.0, t), "yaw": 0.9 * np.sin(b)},
    ]  # fmt: skip
    which = np.floor(beat / 8.0).astype(np.intp) % len(moves)
    into = smooth01(beat % 8.0)  # the first beat of a move fades in from the previous one
    previous = (which - 1) % len(moves)
    for name in moves[0]:
        stack = np.stack([m[name] for m in moves])
        cols = np.arange(t.size)
        pose[name] = stack[previous, cols] * (1.0 - into) + stack[which, cols] * into


def spin(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose) -> None:
    """A pirouette: turning about the vertical axis on one leg, arms in."""
    t = ctx.t[idx]
    duration = max(action_end(seg) - action_start(seg), 0.5)
    u = np.clip((t - action_start(seg)) / duration, 0.0, 1.0)
    turns = seg.body.params.get("turns", max(1.0, round(duration * 1.5))) if seg.body is not None else 1.0
    pose["yaw"] = 2.0 * np.pi * turns * smooth01(u)
    w = bump(u) ** 0.3
    pose["hip_r"] = pose["hip_r"] * (1.0 - w) + 0.6 * w
    pose["knee_r"] = pose["knee_r"] * (1.0 - w) + 1.4 * w
    for side in ("l", "r"):
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] * (1.0 - w) + 0.7 * w
        pose[f"elbow_{side}"] = pose[f"elbow_{side}"] * (1.0 - w) + 1.7 * w


def getup(ctx: PoseContext, idx: Idx, pose: Pose) -> None:
    t = ctx.t[idx]
    start = ctx.last_before(ctx.mark_times("getup"), t)
    w = np.where(np.isfinite(start), bump((t - start) / 0.9), 0.0)
    for side in ("l", "r"):
        pose[f"hip_{side}"] = pose[f"hip_{side}"] + 1.2 * w
        pose[f"knee_{side}"] = pose[f"knee_{side}"] + 1.7 * w
        pose[f"shoulder_{side}"] = pose[f"shoulder_{side}"] + 0.8 * w


# --- gestures layered on top --------------------------------------------------------------------------------
def talk(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose, arms: bool) -> None:
    t = ctx.t[idx]
    seed = ctx.actor.index * 1.7
    gesture = 0.6 * np.sin(2.0 * np.pi * 0.45 * t + seed) + 0.4 * np.sin(2.0 * np.pi * 1.1 * t + 2 * seed)
    pose["neck"] = (
        pose["neck"] + 0.06 * np.sin(2.0 * np.pi * 1.3 * t + seed) + 0.03 * np.sin(2.0 * np.pi * 2.9 * t)
    )
    if arms:
        pose["shoulder_r"] = 0.45 + 0.25 * gesture
        pose["elbow_r"] = 1.25 + 0.3 * np.sin(2.0 * np.pi * 0.8 * t + seed)


def sing(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose, arms: bool) -> None:
    t = ctx.t[idx]
    pose["neck"] = pose["neck"] - 0.12
    pose["spine"] = pose["spine"] - 0.04 + 0.03 * np.sin(2.0 * np.pi * 0.5 * t)
    if arms:
        for side in ("l", "r"):
            pose[f"shoulder_{side}"] = 0.9 + 0.15 * np.sin(2.0 * np.pi * 0.5 * t)
            pose[f"elbow_{side}"] = const(0.5, t)


def wave(ctx: PoseContext, idx: Idx, seg: Segment, pose: Pose, arms: bool) -> None:
    t = ctx.t[idx]
    if arms:
        pose["shoulder_r"] = const(2.7, t)
        pose["elbow_r"] = 0.4 + 0.45 * np.sin(2.0 * np.pi * 2.2 * t)


BodyLayer = Callable[[PoseContext, Idx, Segment, Pose], None]
BODY_LAYERS: dict[str, BodyLayer] = {
    "jump": leap, "bounce": leap, "backflip": leap, "cartwheel": leap, "kickflip": leap, "dribble": dribble,
    "shoot": shoot, "throw": throw, "catch": catch, "kick": kick, "push": push, "climb": climb, "swim": swim,
    "fall": fall, "sleep": sleep, "roll": roll, "sit": sit, "eat": eat, "dance": dance, "spin": spin,
}  # fmt: skip
OVERLAYS: dict[str, Callable[[PoseContext, Idx, Segment, Pose, bool], None]] = {
    "talk": talk,
    "sing": sing,
    "wave": wave,
}


def compose(ctx: PoseContext, idx: Idx, seg: Segment) -> Pose:
    """The full pose over frames `idx` for one timeline segment."""
    pose = neutral(ctx, idx)
    add_gait(ctx, idx, pose)
    word = seg.body.verb if seg.body is not None else "idle"
    verb = core_verb(word)
    layer = GESTURES.get(word) or BODY_LAYERS.get(word) or BODY_LAYERS.get(verb)
    if layer is not None:
        layer(ctx, idx, seg, pose)
    elif verb not in ("dribble", "shoot", "throw", "catch"):
        hold_with_both(ctx, idx, pose)
    ride(ctx, idx, seg, pose)
    getup(ctx, idx, pose)
    lying = ctx.mode_is("lying", idx)
    if lying.any() and verb not in ("fall", "sleep"):
        limp = {name: values.copy() for name, values in pose.items()}
        fall(ctx, idx, seg, limp)
        spread = np.convolve(np.pad(lying.astype(np.float64), 2, mode="edge"), np.ones(5) / 5.0, mode="valid")
        w = smooth01(spread * 1.5)
        for name, values in limp.items():
            pose[name] = pose[name] * (1.0 - w) + values * w
    if seg.overlay is not None:
        overlay = OVERLAYS.get(seg.overlay.verb) or OVERLAYS[core_verb(seg.overlay.verb)]
        overlay(ctx, idx, seg, pose, verb not in ARM_BUSY and word not in GESTURES)
    return pose


def humanoid_pose(ctx: PoseContext) -> Pose:
    """Joint angles for every frame, segments cross-faded over `BLEND_S`."""
    t = ctx.t
    n = t.size
    out = {name: np.zeros(n) for name in JOINTS}
    blend = max(1, round(BLEND_S * ctx.fps))
    previous: Pose | None = None
    previous_idx: Idx | None = None
    for seg in ctx.timeline:
        first = int(np.searchsorted(t, seg.start_s, side="left"))
        last = int(np.searchsorted(t, seg.end_s, side="left"))
        if last <= first:
            continue
        idx = np.arange(first, last)
        pose = compose(ctx, idx, seg)
        if previous is not None and previous_idx is not None:
            k = min(blend, idx.size, previous_idx.size)
            w = smooth01((np.arange(k, dtype=np.float64) + 1.0) / (blend + 1.0))
            for name in JOINTS:
                pose[name][:k] = previous[name][:k] * (1.0 - w) + pose[name][:k] * w
        for name in JOINTS:
            out[name][idx] = pose[name]
        tail = np.arange(last, min(last + blend, n))
        previous = compose(ctx, tail, seg) if tail.size else None
        previous_idx = tail
    return out
