"""The world: a pymunk space built from a scene, stepped at a fixed rate and sampled once per video frame.

`World` owns the space (ground, walls, fixtures, one body per moving entity), the actors, the contact recorder
and the water. Each actor has a `Pilot` that walks its action timeline and hands each sub-step to the
behaviour of the current segment; between behaviours it keeps held objects in hand, eases bodies upright after
a landing, floats bodies in water and notices when something leaves the ground. `run` steps the space at about
240 Hz (a whole number of sub-steps per frame) and samples every body at each frame's start time, so frame i
shows the world at i / fps.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pymunk

from mutoscope.backends.procedural.physics import attachments, bodies, fixtures
from mutoscope.backends.procedural.physics.actors import MODE_CODES, Actor
from mutoscope.backends.procedural.physics.behaviours import Behaviour, behaviour_for
from mutoscope.backends.procedural.physics.contacts import Contact, ContactRecorder
from mutoscope.backends.procedural.physics.state import BodyState
from mutoscope.backends.procedural.physics.timeline import Segment, normalized, segment_at, segments
from mutoscope.backends.procedural.scene import Entity, Scene

log = logging.getLogger(__name__)

SUBSTEP_HZ = 240
GRAVITY_M_S2 = 9.81
SPLASH_MIN_SPEED_M_S = 0.4
HOLD_STIFFNESS = 30.0  # rad/s of the spring that keeps a held object in the hand
# Gestures that hold their thing in both hands before the chest (physics.poses.gestures.hands_busy).
HANDS_BUSY = frozenset({"drink", "cook", "read", "type", "play"})

F64 = npt.NDArray[np.float64]


def substeps_per_frame(fps: int) -> int:
    """Whole sub-steps per frame, so frames fall exactly on sub-step boundaries (~240 Hz)."""
    return max(1, round(SUBSTEP_HZ / fps))


@dataclass(eq=False)
class Samples:
    """Per-frame samples of every actor (float64 while simulating)."""

    x: F64
    y: F64
    angle: F64
    vx: F64
    vy: F64
    mode: npt.NDArray[np.int8]
    facing: npt.NDArray[np.int8]
    held: npt.NDArray[np.int16]  # index of the entity this actor holds, -1 for none
    hidden: npt.NDArray[np.bool_]  # inside a vehicle
    live: dict[str, F64] = field(default_factory=dict)


class Pilot:
    """Runs one actor's timeline: switches behaviours at segment boundaries and keeps the actor's physics
    honest."""

    def __init__(self, world: World, actor: Actor, timeline: tuple[Segment, ...]) -> None:
        self.world = world
        self.actor = actor
        self.timeline = timeline
        self.segment: Segment | None = None
        self.behaviour: Behaviour = behaviour_for(world, actor, None)
        self.switch_at = -math.inf
        self.wet = False
        self.was_below: bool | None = None

    def step(self, t: float, dt: float) -> None:
        if t >= self.switch_at:
            self._switch(t)
        actor = self.actor
        if actor.holder is not None:
            self._hold(dt)
        elif actor.riding is not None:
            x, y, angle = attachments.seat(actor, actor.riding)
            if abs(angle - actor.riding.upright_angle()) > 0.8:
                attachments.dismount(actor, t)  # the vehicle tipped over: the rider falls off
            else:
                actor.follow(x, y, angle, dt)
        elif actor.ignore_group_until >= 0.0 and t >= actor.ignore_group_until:
            actor.ignore_group_until = -1.0
            actor.own_group()
        if actor.settle_angle:
            self._settle(dt)
        if self.wet:
            self.world.float_in_water(actor, t, dt, self)
        if self.behaviour.busy:
            self.behaviour.step(t, dt)

    def _switch(self, t: float) -> None:
        segment = segment_at(self.timeline, t)
        previous = self.segment
        self.segment = segment
        self.switch_at = segment.end_s
        if previous is not None and segment.body is previous.body:
            return  # only the gestures changed: the body carries on with the same behaviour
        self.behaviour.end(t)
        if self.actor.mode == "script":
            # A scripted move cut short by the next action: let go, gravity and contacts take over.
            self.actor.make_dynamic()
            self.actor.mode = "air"
        self.behaviour = behaviour_for(self.world, self.actor, segment.body)
        self.behaviour.begin(t)

    def _hold(self, dt: float) -> None:
        actor, holder = self.actor, self.actor.holder
        assert holder is not None
        hx, hy = self.world.hand_point(holder)
        hv = holder.dyn.velocity
        actor.chase(hx, hy, velocity=(hv.x, hv.y), dt=dt, stiffness=HOLD_STIFFNESS)

    def _settle(self, dt: float) -> None:
        body = self.actor.dyn
        target = self.actor.upright_angle()
        gap = target - body.angle
        if abs(gap) < 1e-4:
            body.angle = target
            self.actor.settle_angle = False
            return
        # Ease the last few degrees out over ~0.12 s: the knees and hips absorb them in the landing.
        body.angle = body.angle + gap * min(1.0, dt / 0.04)
        body.angular_velocity = 0.0

    def frame(self, t: float) -> None:
        """Once per frame: notice leaving or finding the ground, and whether the body is near water."""
        actor = self.actor
        walking_kind = actor.phys.role in bodies.SELF_PROPELLED and actor.mode in ("ground", "air")
        if walking_kind and actor.dyn.body_type == pymunk.Body.DYNAMIC:
            supported = actor.supported()
            if actor.mode == "ground" and not supported:
                actor.air_frames += 1
                if actor.air_frames >= 2:
                    actor.mode = "air"
            elif supported:
                actor.air_frames = 0
                if actor.mode == "air" and actor.dyn.velocity.y <= 0.5:
                    self.world.land(actor, t, None)
        self.wet = self.world.near_water(actor)


def _stands_on_something(scene: Scene, entity: Entity, half_height_m: float) -> bool:
    """Whether `entity` starts with its feet on another entity's top (a cat on a table, a gymnast on her
    beam): it is standing there from the first frame, not falling onto it."""
    feet = entity.y_m - half_height_m
    for other in scene.entities:
        if other is entity or other.body.shape in ("water", "hoop"):
            continue
        top = other.y_m + other.body.height_m / 2.0
        if abs(top - feet) < 0.03 and abs(other.x_m - entity.x_m) <= other.body.width_m / 2.0:
            return True
    return False


class World:
    """A scene's physical world: bodies, fixtures, water, pilots, contacts."""

    def __init__(self, scene: Scene, fps: int, start: Mapping[str, BodyState] | None = None) -> None:
        self.scene = scene
        self.fps = fps
        self.substeps = substeps_per_frame(fps)
        self.dt = 1.0 / (fps * self.substeps)
        self.seed = scene.seed
        self.space = pymunk.Space()
        self.space.gravity = (0.0, -GRAVITY_M_S2)
        self.space.collision_slop = 0.002  # metres: pymunk's default (0.1) is tuned for pixels
        self.space.iterations = 20
        self.water = fixtures.water_regions(scene)
        self.hoops = {
            e.id: fixtures.hoop_geometry(e)
            for e in scene.entities
            if e.body.shape == "hoop" and not fixtures.is_goal(e)
        }
        self.goals = [e for e in scene.entities if fixtures.is_goal(e)]
        self.actors: list[Actor] = []
        self.by_id: dict[str, Actor] = {}
        owners: dict[pymunk.Shape, str] = {}
        bodies.add_ground(self.space, fixtures.walls(scene), self.water)
        for shape in self.space.static_body.shapes:
            owners[shape] = "ground" if shape.collision_type == bodies.GROUND else "wall"
        for index, entity in enumerate(scene.entities):
            actor = self._add(index, entity, owners, (start or {}).get(entity.id))
            self.actors.append(actor)
            self.by_id[entity.id] = actor
        self.recorder = ContactRecorder(self.space, owners, fps, self.dt)
        self.recorder.classify = self._classify
        self.recorder.balls = {a.id for a in self.actors if a.phys.role == "ball"}
        self.recorder.listeners.append(self._on_contact)
        actions = normalized(scene.actions, [e.id for e in scene.entities])
        self.pilots = [
            Pilot(self, actor, segments([a for a in actions if a.entity == actor.id], scene.duration_s))
            for actor in self.actors
            if actor.body is not None
        ]
        self._pilots_by_actor = {pilot.actor.index: pilot for pilot in self.pilots}
        self.hand_points: dict[int, Callable[[], tuple[float, float]]] = {}
        attachments.attach_initial(self)

    # --- building -------------------------------------------------------------------------------------------
    def _add(
        self, index: int, entity: Entity, owners: dict[pymunk.Shape, str], state: BodyState | None
    ) -> Actor:
        phys = bodies.physique(entity)
        facing = 1 if entity.facing >= 0 else -1
        if phys.role == "fixture":
            for shape in bodies.add_fixture(self.space, entity, index):
                owners[shape] = entity.id
            return Actor(index, entity, phys, None, facing=facing, mode="static")
        if phys.role in ("scenery", "water"):
            return Actor(index, entity, phys, None, facing=facing, mode="static")
        center = (entity.x_m, entity.y_m)
        body, shapes = bodies.make_body(self.space, entity, index, phys, center)
        for shape in shapes:
            owners[shape] = entity.id
        actor = Actor(index, entity, phys, body, shapes, facing=facing)
        if state is not None:
            self._restore(actor, state)
        elif (
            entity.y_m - phys.half_height_m > 0.05
            and phys.role in bodies.SELF_PROPELLED
            and phys.role != "vehicle"
            and not _stands_on_something(self.scene, entity, phys.half_height_m)
        ):
            actor.mode = "air"
        return actor

    def _restore(self, actor: Actor, state: BodyState) -> None:
        """Put an actor where a previous clip left it (snapping a standing body onto its feet)."""
        body = actor.dyn
        y = state.y_m
        standing = actor.phys.role in bodies.UPRIGHT_ROLES and abs(state.vy) < 0.5
        if standing and 0.0 <= y - actor.phys.half_height_m + 0.35 * actor.height < 0.36 * actor.height:
            y = actor.phys.half_height_m  # the track's root sits lower by the crouch of the last pose
        body.position = (state.x_m, y)
        body.angle = state.angle_rad
        body.velocity = (state.vx, state.vy)
        if not math.isinf(body.moment) or actor.phys.role not in bodies.UPRIGHT_ROLES:
            body.angular_velocity = state.angular_velocity
        elif abs(state.angular_velocity) > 0.5:
            body.angular_velocity = state.angular_velocity  # mid-flip: keep turning until the landing
        actor.facing = 1 if state.facing >= 0 else -1
        airborne = y - actor.phys.half_height_m > 0.05 or abs(state.vy) > 0.5
        if actor.phys.role in bodies.SELF_PROPELLED and airborne:
            actor.mode = "air"

    # --- queries used by behaviours -------------------------------------------------------------------------
    def find(self, entity_id: str | None) -> Actor | None:
        return self.by_id.get(entity_id) if entity_id is not None else None

    def nearest(self, actor: Actor, accept: Callable[[Actor], bool]) -> Actor | None:
        """The closest other actor with a body that `accept`s (ties go to the earlier entity)."""
        if actor.body is None:
            return None
        x, y = actor.dyn.position
        best: tuple[float, int, Actor] | None = None
        for other in self.actors:
            if other is actor or other.body is None or not accept(other):
                continue
            ox, oy = other.dyn.position
            key = (math.hypot(ox - x, oy - y), other.index, other)
            if best is None or key[:2] < best[:2]:
                best = key
        return best[2] if best else None

    def hand_point(self, holder: Actor) -> tuple[float, float]:
        """World point where `holder` holds things now (its behaviour decides where the hand is)."""
        point = self.hand_points.get(holder.index)
        if point is not None:
            return point()
        h = holder.height
        pilot = self._pilots_by_actor.get(holder.index)
        segment = pilot.segment if pilot is not None else None
        if segment is not None and segment.body is not None and segment.body.verb in HANDS_BUSY:
            return holder.local_to_world(0.27 * h, 0.24 * h)  # a pan, a cup, a book held before the chest
        return holder.local_to_world(0.2 * h, 0.1 * h)

    def water_at(self, x: float) -> fixtures.WaterRegion | None:
        for region in self.water:
            if region.contains_x(x):
                return region
        return None

    def near_water(self, actor: Actor) -> bool:
        if not self.water or actor.body is None or actor.dyn.body_type != pymunk.Body.DYNAMIC:
            return False
        x, y = actor.dyn.position
        region = self.water_at(x)
        return region is not None and y - 2.0 * actor.phys.half_height_m < region.surface_m + 0.5

    def rng(self, actor: Actor, salt: str) -> np.random.Generator:
        """A generator that depends only on the scene seed, the entity and `salt` (never on run order)."""
        key = zlib.crc32(f"{actor.id}/{salt}".encode())
        return np.random.default_rng([self.seed & 0xFFFFFFFF, key])

    # --- water ----------------------------------------------------------------------------------------------
    def float_in_water(self, actor: Actor, t: float, dt: float, pilot: Pilot) -> None:
        """Buoyancy and drag on a body in water, and a splash when it breaks the surface going down."""
        body = actor.dyn
        if body.body_type != pymunk.Body.DYNAMIC:
            return  # held, ridden or scripted: whoever moves it decides
        x, y = body.position
        region = self.water_at(x)
        if region is None:
            return
        half = actor.phys.half_height_m if abs(math.cos(body.angle)) > 0.7 else actor.phys.half_width_m
        if actor.phys.role == "person":
            half = actor.phys.radius_m if abs(math.cos(body.angle)) < 0.7 else half
        bottom = y - half
        below = bottom < region.surface_m
        if pilot.was_below is False and below and body.velocity.y < -SPLASH_MIN_SPEED_M_S:
            speed = -body.velocity.y
            since = min((region.surface_m - bottom) / speed, self.dt)
            self.recorder.record(
                t + dt - since, actor.id, "water", impulse_ns=body.mass * speed, kind="splash", x_m=x
            )
        pilot.was_below = below
        submerged = min(max((region.surface_m - bottom) / (2.0 * half), 0.0), 1.0)
        if submerged <= 0.0:
            return
        density_boost = 1.12 if actor.mode == "swim" else 1.0  # a swimmer's strokes keep the head up
        lift = bodies.WATER_DENSITY * GRAVITY_M_S2 * actor.phys.volume_m3 * density_boost * submerged
        vx, vy = body.velocity
        drag = fixtures.WATER_DRAG_PER_S * submerged
        fx = -drag * vx * body.mass
        fy = lift - drag * vy * body.mass
        body.apply_force_at_world_point((fx, fy), body.position)  # world axes: the body may lie on its side
        if not math.isinf(body.moment):
            body.angular_velocity *= max(0.0, 1.0 - drag * dt)

    # --- contacts -------------------------------------------------------------------------------------------
    def _on_contact(self, contact: Contact) -> None:
        for name, up in ((contact.a, contact.normal_up_a), (contact.b, -contact.normal_up_a)):
            actor = self.by_id.get(name)
            if actor is None or actor.body is None or actor.mode != "air" or up < 0.5:
                continue
            if actor.phys.role in bodies.SELF_PROPELLED and actor.dyn.body_type == pymunk.Body.DYNAMIC:
                self.land(actor, contact.time_s, contact)

    def land(self, actor: Actor, time_s: float, contact: Contact | None) -> None:
        """End a flight: back on the ground, stop turning, ease upright."""
        actor.mode = "ground"
        actor.air_frames = 0
        actor.landing = contact if actor.phys.role in ("person", "animal", "flier") else None
        actor.mark(time_s, "land")
        body = actor.dyn
        if actor.phys.role in bodies.UPRIGHT_ROLES:
            body.angular_velocity = 0.0
            actor.settle_angle = True

    def _classify(self, contact: Contact) -> str | None:
        a, b = self.by_id.get(contact.a), self.by_id.get(contact.b)
        for actor in (a, b):
            if actor is not None and actor.landing is contact:
                return "land"
        if "ground" in (contact.a, contact.b):
            other = b if contact.a == "ground" else a
            if other is not None and other.phys.role == "ball":
                return "bounce"
        hoop_hit = any(x is not None and x.entity.body.shape == "hoop" for x in (a, b))
        if hoop_hit and self._is_rim(contact):
            return "rim"
        return "impact"

    def _is_rim(self, contact: Contact) -> bool:
        for hoop in self.hoops.values():
            for rx in (hoop.rim_front_x_m, hoop.rim_back_x_m):
                if math.hypot(contact.x_m - rx, contact.y_m - hoop.rim_y_m) < 0.05:
                    return True
        return False

    # --- running --------------------------------------------------------------------------------------------
    def run(self, frame_count: int) -> Samples:
        n = len(self.actors)
        shape = (n, frame_count)
        samples = Samples(
            x=np.zeros(shape),
            y=np.zeros(shape),
            angle=np.zeros(shape),
            vx=np.zeros(shape),
            vy=np.zeros(shape),
            mode=np.zeros(shape, np.int8),
            facing=np.ones(shape, np.int8),
            held=np.full(shape, -1, np.int16),
            hidden=np.zeros(shape, np.bool_),
        )
        self._sample_static(samples)
        moving = [a for a in self.actors if a.body is not None]
        for frame in range(frame_count):
            t_frame = frame / self.fps
            for pilot in self.pilots:
                pilot.frame(t_frame)
            self._sample(samples, moving, frame)
            for sub in range(self.substeps):
                t = (frame * self.substeps + sub) * self.dt
                for pilot in self.pilots:
                    pilot.step(t, self.dt)
                self.recorder.now = t + self.dt
                self.space.step(self.dt)
                if self.recorder.netted:
                    self._net_drag()
        return samples

    def _net_drag(self) -> None:
        """A net slows the ball it caught (its sideways speed mostly; a goal's net all of it)."""
        for body, kept in self.recorder.netted:
            vx, vy = body.velocity
            body.velocity = (vx * kept, vy * (0.6 if kept < 0.2 else 0.9))
            body.angular_velocity *= kept
        self.recorder.netted.clear()

    def _sample_static(self, samples: Samples) -> None:
        for actor in self.actors:
            if actor.body is None:
                e = actor.entity
                samples.x[actor.index] = e.x_m
                samples.y[actor.index] = e.y_m
                samples.facing[actor.index] = actor.facing
                samples.mode[actor.index] = MODE_CODES["static"]

    def _sample(self, samples: Samples, moving: list[Actor], frame: int) -> None:
        for actor in moving:
            body, i = actor.dyn, actor.index
            px, py = body.position
            vx, vy = body.velocity
            samples.x[i, frame] = px
            samples.y[i, frame] = py
            samples.angle[i, frame] = body.angle
            samples.vx[i, frame] = vx
            samples.vy[i, frame] = vy
            samples.mode[i, frame] = MODE_CODES[actor.mode]
            samples.facing[i, frame] = actor.facing
            if actor.holding is not None:
                samples.held[i, frame] = actor.holding.index
            if actor.riding is not None:
                samples.hidden[i, frame] = attachments.rides_inside(actor)
            for name, value in actor.live.items():
                channel = samples.live.get(f"{i}:{name}")
                if channel is None:
                    channel = samples.live[f"{i}:{name}"] = np.zeros(samples.x.shape[1])
                channel[frame] = value
