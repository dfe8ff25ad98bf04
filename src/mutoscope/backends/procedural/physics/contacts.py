"""Contact recording: pymunk collisions become `ContactEvent`s timed to the sub-step.

One wildcard `begin` handler sees every new contact. The impulse of that first contact is computed the way the
solver will compute it (restitution times the approach speed times the pair's effective mass at the contact
point, rotation included), which avoids a Python `post_solve` call for every touching pair on every step. The
time is refined inside the step: pymunk detects the overlap at the end of the step, so the bodies met `depth /
speed` earlier. The world decides the kind of a contact (a landing, a bounce, a rim hit) through `classify`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pymunk

from mutoscope.backends.procedural.physics import bodies
from mutoscope.backends.procedural.track import ContactEvent

MIN_IMPULSE_NS = 0.05  # below this a touch makes no sound
MIN_SPEED_M_S = 0.12  # nor does a body settling at a crawl


@dataclass(frozen=True, slots=True)
class Contact:
    """A new contact as the recorder saw it; `a` is the entity (or world part) shape a belongs to."""

    time_s: float
    a: str
    b: str
    impulse_ns: float
    speed_m_s: float  # approach speed along the normal
    x_m: float
    y_m: float
    normal_up_a: float  # upward component of the normal pushing body a away from b (1 = b is under a)


Classifier = Callable[[Contact], str | None]  # the event kind, or None to record nothing


class ContactRecorder:
    """Turns the space's new contacts into events; `now` is the end time of the step being solved."""

    def __init__(self, space: pymunk.Space, owners: dict[pymunk.Shape, str], fps: int, dt: float) -> None:
        self._owners = owners
        self._fps = fps
        self._dt = dt
        self.now = 0.0
        self.classify: Classifier = lambda _contact: "impact"
        self.listeners: list[Callable[[Contact], None]] = []
        self.events: list[ContactEvent] = []
        self.balls: set[str] = set()  # entities a net catches
        self.netted: list[tuple[pymunk.Body, float]] = []  # (ball, speed kept) to slow after this step
        space.on_collision(None, None, begin=self._begin)

    def _begin(self, arbiter: pymunk.Arbiter, _space: pymunk.Space, _data: object) -> None:
        shape_a, shape_b = arbiter.shapes
        a = self._owners.get(shape_a, "world")
        b = self._owners.get(shape_b, "world")
        if shape_a.sensor or shape_b.sensor:
            self._sensor(shape_a, shape_b, a, b)
            return
        points = arbiter.contact_point_set.points
        if not points:
            return
        normal = arbiter.normal
        point = points[0].point_a
        depth = max(-points[0].distance, 0.0)
        body_a, body_b = shape_a.body, shape_b.body
        if body_a is None or body_b is None:
            return
        rel = body_b.velocity_at_world_point(point) - body_a.velocity_at_world_point(point)
        speed = -rel.dot(normal)
        if speed <= 0.0:
            return
        inverse = _inverse_mass(body_a, point, normal) + _inverse_mass(body_b, point, normal)
        impulse = (1.0 + arbiter.restitution) * speed / inverse if inverse > 0.0 else 0.0
        since = min(depth / speed, self._dt)
        contact = Contact(
            time_s=self.now - since,
            a=a,
            b=b,
            impulse_ns=impulse,
            speed_m_s=speed,
            x_m=point.x,
            y_m=point.y,
            normal_up_a=-normal.y,
        )
        for listener in self.listeners:
            listener(contact)
        if impulse < MIN_IMPULSE_NS or speed < MIN_SPEED_M_S:
            return
        kind = self.classify(contact)
        if kind is not None:
            self.record(contact.time_s, contact.a, contact.b, impulse_ns=impulse, kind=kind, x_m=contact.x_m)

    def _sensor(self, shape_a: pymunk.Shape, shape_b: pymunk.Shape, a: str, b: str) -> None:
        """A ball through a hoop's ring (falling) or into a goal's mouth: a "net" event and the net's drag."""
        sensor, other = (shape_a, shape_b) if shape_a.sensor else (shape_b, shape_a)
        body = other.body
        net, ball = (a, b) if shape_a is sensor else (b, a)
        if body is None or body.body_type != pymunk.Body.DYNAMIC or ball not in self.balls:
            return
        if sensor.collision_type == bodies.NET and body.velocity.y < 0.0:
            self.netted.append((body, 0.3))  # the net takes most of the ball's sideways speed
        elif sensor.collision_type == bodies.GOAL:
            self.netted.append((body, 0.15))
        else:
            return
        impulse = body.mass * body.velocity.length * 0.1
        self.record(self.now, ball, net, impulse_ns=impulse, kind="net", x_m=body.position.x)

    def record(self, time_s: float, a: str, b: str, *, impulse_ns: float, kind: str, x_m: float) -> None:
        """Add an event (also used for synthetic ones: footsteps, splashes, landings, kicks)."""
        frame = math.floor(time_s * self._fps + 1e-9)
        self.events.append(ContactEvent(time_s, frame, a, b, float(impulse_ns), kind, float(x_m)))

    def sorted_events(self, frame_count: int) -> tuple[ContactEvent, ...]:
        """Events inside the clip, by time (ties by names, so the order never depends on solver order)."""
        inside = (e for e in self.events if 0 <= e.frame < frame_count)
        return tuple(sorted(inside, key=lambda e: (e.time_s, e.a, e.b, e.kind)))


def _inverse_mass(body: pymunk.Body, point: pymunk.Vec2d, normal: pymunk.Vec2d) -> float:
    if body.body_type != pymunk.Body.DYNAMIC:
        return 0.0
    arm = point - body.position
    cross = arm.cross(normal)
    rotational = 0.0 if math.isinf(body.moment) else cross * cross / body.moment
    return 1.0 / body.mass + rotational
