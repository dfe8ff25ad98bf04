"""The simulate stage: a `Scene` becomes a `WorldTrack` (every entity's motion, poses, camera, contacts).

`simulate` builds a fixed-step pymunk world from the scene (`physics.world`), runs the actions through it at
about 240 Hz, samples every body once per frame (frame i is the world at i / fps), derives gaits and footsteps
(`physics.gait`), joint angles (`physics.poses`, conventions in `physics.skeleton`) and the camera path
(`physics.camera`). The same scene always gives identical arrays.

Conventions: an entity's (`x_m`, `y_m`) is its body centre, as in `EntityTrack`; the verbs performed are
`physics.timeline.VERBS` plus the planner's wider vocabulary (`physics.timeline.ALIASES`); contact kinds are
"bounce", "rim", "impact", "footstep", "splash", "land" and "net" (a ball through a hoop or into a goal).

An extended clip continues the world: `final_states(parent_track)` reads where every body is and how it moves
in the parent's last frame, and `simulate(next_scene, start=...)` puts the bodies there, so the new clip's
frame 0 shows the same instant as the parent's last frame (drop one of the two when joining). A person
standing at the end of the parent is put back on their feet (the parent's last pose may have crouched the
drawn root).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from mutoscope.backends.procedural.physics import fixtures
from mutoscope.backends.procedural.physics.actors import Actor
from mutoscope.backends.procedural.physics.camera import PRODUCT_SUFFIX, Subject, camera_path
from mutoscope.backends.procedural.physics.gait import Gait, footsteps, gait, strokes
from mutoscope.backends.procedural.physics.poses import Posed, pose_entity
from mutoscope.backends.procedural.physics.state import BodyState
from mutoscope.backends.procedural.physics.world import GRAVITY_M_S2, Samples, World, substeps_per_frame
from mutoscope.backends.procedural.scene import Entity, Scene
from mutoscope.backends.procedural.track import EntityTrack, WorldTrack
from mutoscope.errors import InvalidRequestError

__all__ = ["BodyState", "final_states", "simulate"]

log = logging.getLogger(__name__)
LEGGED = frozenset({"humanoid", "quadruped", "insect"})
FREE_FALL_TOLERANCE = 0.05


def simulate(
    scene: Scene,
    *,
    fps: int,
    frame_count: int,
    aspect: float,
    start: Mapping[str, BodyState] | None = None,
) -> WorldTrack:
    """Simulate `scene` for `frame_count` frames at `fps`; `aspect` (width / height) shapes the camera."""
    if fps <= 0:
        raise InvalidRequestError(f"fps must be positive; got {fps}", param="fps")
    if frame_count <= 0:
        raise InvalidRequestError(f"frame_count must be positive; got {frame_count}", param="frame_count")
    if not aspect > 0.0:
        raise InvalidRequestError(f"aspect must be positive; got {aspect}", param="aspect")
    world = World(scene, fps, start)
    samples = world.run(frame_count)
    entities: dict[str, EntityTrack] = {}
    subjects: list[Subject] = []
    targeted = {a.target for a in scene.actions if a.target}
    for actor in world.actors:
        posed = _pose(world, actor, samples)
        entities[actor.id] = _entity_track(actor, samples, posed)
        subjects.append(_subject(actor, samples, posed, targeted))
    camera = camera_path(scene, subjects, fps, frame_count, aspect)
    log.debug(
        "simulated %s: %d frames, %d events", scene.prompt[:40], frame_count, len(world.recorder.events)
    )
    return WorldTrack(
        fps=fps,
        frame_count=frame_count,
        entities=entities,
        camera=camera,
        events=world.recorder.sorted_events(frame_count),
        gravity_m_s2=GRAVITY_M_S2,
    )


def _pose(world: World, actor: Actor, samples: Samples) -> Posed:
    i = actor.index
    n = samples.x.shape[1]
    fps = world.fps
    if actor.body is None:
        return Posed({}, samples.y[i].copy(), samples.angle[i].copy())
    vx, mode = samples.vx[i], samples.mode[i]
    legged = actor.entity.body.shape in LEGGED and actor.phys.leg_m > 0.0
    steps = gait(actor, vx, mode, fps) if legged else Gait(np.zeros(n), np.zeros(n), np.zeros(n))
    if legged and actor.riding is None:
        footsteps(actor, steps, x=samples.x[i], vx=vx, mode=mode, fps=fps, recorder=world.recorder)
    stroke_phase = np.zeros(n)
    if actor.phys.role == "person":
        stroke_phase = strokes(actor, vx=vx, mode=mode, x=samples.x[i], fps=fps, recorder=world.recorder)
    timeline = next((p.timeline for p in world.pilots if p.actor is actor), ())
    return pose_entity(
        actor, samples, fps=fps, gait=steps, strokes=stroke_phase, timeline=timeline, actors=world.actors
    )


def _entity_track(actor: Actor, samples: Samples, posed: Posed) -> EntityTrack:
    i = actor.index
    hidden = samples.hidden[i]
    return EntityTrack(
        entity=actor.id,
        x_m=samples.x[i].astype(np.float32),
        y_m=posed.y_m.astype(np.float32),
        angle_rad=posed.angle_rad.astype(np.float32),
        facing=samples.facing[i].astype(np.int8),
        pose={name: values.astype(np.float32) for name, values in posed.pose.items()},
        visible=~hidden if hidden.any() else None,
    )


def _subject(actor: Actor, samples: Samples, posed: Posed, targeted: set[str]) -> Subject:
    role = actor.phys.role
    entity = actor.entity
    # A fixture matters to a wide shot when something is done to it, or when it is a hoop or goal (the thing
    # a shot or a kick is about, though the action's target is the ball).
    aimed_at = entity.body.shape == "hoop"
    relevant = role not in ("scenery", "water") and (role != "fixture" or actor.id in targeted or aimed_at)
    return Subject(
        id=actor.id,
        x=samples.x[actor.index],
        y=posed.y_m,
        height_m=actor.height,
        width_m=2.0 * actor.phys.half_width_m,
        humanoid=entity.body.shape == "humanoid",
        relevant=relevant,
        box=_drawn_box(entity),
        product=entity.name.endswith(PRODUCT_SUFFIX),
    )


def _drawn_box(entity: Entity) -> tuple[float, float, float, float] | None:
    """A body's drawn extent around its root where it is not its box: a hoop's backboard rises above the
    rim at the box's top and its post stands a metre behind the backboard."""
    if entity.body.shape != "hoop" or fixtures.is_goal(entity):
        return None
    hoop = fixtures.hoop_geometry(entity)
    xs = (hoop.post_x_m, hoop.rim_front_x_m, hoop.backboard_x_m)
    bottom = entity.y_m - entity.body.height_m / 2.0
    return (
        min(xs) - 0.1 - entity.x_m,
        max(xs) + 0.1 - entity.x_m,
        bottom - entity.y_m,
        hoop.backboard_top_m - entity.y_m,
    )


def final_states(track: WorldTrack) -> dict[str, BodyState]:
    """Where every entity is, and how it moves, in the track's last frame (to continue the simulation)."""
    dt = 1.0 / track.fps
    sub_dt = dt / substeps_per_frame(track.fps)
    out: dict[str, BodyState] = {}
    for entity_id, entity in track.entities.items():
        x = entity.x_m.astype(np.float64)
        y = entity.y_m.astype(np.float64)
        angle = entity.angle_rad.astype(np.float64)
        vy = _velocity(y, dt)
        if y.size >= 3:
            accel = (y[-1] - 2.0 * y[-2] + y[-3]) / (dt * dt)
            if abs(accel + track.gravity_m_s2) < FREE_FALL_TOLERANCE * track.gravity_m_s2:
                # Sampled positions of a stepped parabola lag its velocity by half a sub-step of gravity.
                vy -= track.gravity_m_s2 * sub_dt / 2.0
        out[entity_id] = BodyState(
            x_m=float(x[-1]),
            y_m=float(y[-1]),
            angle_rad=float(angle[-1]),
            vx=_velocity(x, dt),
            vy=vy,
            angular_velocity=_velocity(angle, dt),
            facing=int(entity.facing[-1]),
        )
    return out


def _velocity(values: npt.NDArray[np.float64], dt: float) -> float:
    """Velocity at the last sample (second-order backward difference: exact for constant acceleration)."""
    if values.size >= 3:
        return float((3.0 * values[-1] - 4.0 * values[-2] + values[-3]) / (2.0 * dt))
    if values.size == 2:
        return float((values[-1] - values[-2]) / dt)
    return 0.0
