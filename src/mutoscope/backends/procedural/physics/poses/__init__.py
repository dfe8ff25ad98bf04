"""The pose stage: joint angles for every posed entity, and where its root is drawn.

Poses are computed after the physics, from the per-frame samples. A standing body's feet stay on what it
stands on: when a pose bends the legs (a crouch, a stride, sitting) the root is drawn lower by exactly what
the legs lost (`skeleton.humanoid_drop`), so the track's root is the physical body centre lowered by the
crouch. In the air, lying down and in scripted moves the root is the physical body centre unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mutoscope.backends.procedural.physics.actors import MODE_CODES, Actor
from mutoscope.backends.procedural.physics.attachments import how_ridden
from mutoscope.backends.procedural.physics.gait import Gait
from mutoscope.backends.procedural.physics.poses import creatures
from mutoscope.backends.procedural.physics.poses.context import F64, Pose, PoseContext, smooth01
from mutoscope.backends.procedural.physics.poses.humanoid import humanoid_pose
from mutoscope.backends.procedural.physics.skeleton import humanoid_drop, quadruped_drop
from mutoscope.backends.procedural.physics.timeline import Segment
from mutoscope.backends.procedural.physics.world import Samples

GROUNDED = (MODE_CODES["ground"], MODE_CODES["ride"])


@dataclass(frozen=True, slots=True, eq=False)
class Posed:
    """An entity's joint angles and the root it is drawn at (y and angle, per frame)."""

    pose: Pose
    y_m: F64
    angle_rad: F64


def pose_entity(
    actor: Actor,
    samples: Samples,
    *,
    fps: int,
    gait: Gait,
    strokes: F64,
    timeline: tuple[Segment, ...],
    actors: list[Actor],
) -> Posed:
    """Pose one entity (bodies without joints get an empty pose and their physical root)."""
    i = actor.index
    n = samples.x.shape[1]
    ctx = PoseContext(actor, samples, np.arange(n) / fps, fps, gait, strokes, timeline, actors)
    y, angle = samples.y[i].copy(), samples.angle[i].copy()
    shape = actor.entity.body.shape
    grounded = np.isin(samples.mode[i], GROUNDED)
    if shape == "humanoid":
        pose = humanoid_pose(ctx)
        every = np.arange(n)
        # Standing on a board the legs carry the body; sitting on a saddle or in a seat, the pelvis does.
        seated = np.array([m is not None and how_ridden(m) != "stand" for m in ctx.mounts(every)], dtype=bool)
        y = y - np.where(grounded & ~seated, humanoid_drop(actor.height, pose), 0.0)
        y = _seated(ctx, y, pose)
        return Posed(pose, y, angle)
    if shape in ("quadruped",) or (shape == "insect" and actor.phys.role == "animal"):
        pose, pitch = creatures.quadruped_pose(ctx)
        if shape == "insect" and actor.phys.role == "flier":
            pose.update(creatures.wing_pose(ctx))
        drop = quadruped_drop(actor.height, pose) + 0.25 * actor.height * pitch
        return Posed(pose, y - np.where(grounded, drop, 0.0), angle + samples.facing[i] * pitch)
    if shape in ("bird", "plane", "insect"):
        return Posed(creatures.wing_pose(ctx), y, angle)
    if shape == "fish":
        return Posed(creatures.swimmer_pose(ctx), y, angle)
    if shape == "serpent":
        pose = creatures.serpent_pose(ctx)
        if np.any(samples.mode[i] == MODE_CODES["fly"]):
            pose.update(creatures.wing_pose(ctx))
        return Posed(pose, y, angle)
    if shape in ("car", "board", "boat"):
        return Posed(creatures.wheel_pose(ctx), y, angle)
    return Posed({}, y, angle)


def _seated(ctx: PoseContext, y: F64, pose: Pose) -> F64:
    """A person sitting on something sits on its top, whatever its height (not only chair height)."""
    seats = [name[4:] for _, name in ctx.actor.marks if name.startswith("sit:")]
    if not seats:
        return y
    seat = next((a for a in ctx.actors if a.id == seats[0]), None)
    if seat is None:
        return y
    top = ctx.samples.y[seat.index] + seat.entity.body.height_m / 2.0
    out = y.copy()
    for seg in ctx.timeline:
        if seg.body is None or seg.body.verb != "sit":
            continue
        inside = (ctx.t >= seg.start_s) & (ctx.t < seg.end_s)
        w = smooth01((ctx.t - seg.body.start_s) / 0.6)
        out = np.where(inside, y * (1.0 - w) + (top + 0.03 * ctx.h) * w, out)
    return out
