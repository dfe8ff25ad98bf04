"""Actors: an entity's pymunk body plus the state the behaviours share about it.

An actor knows its role, how it is moving (`mode`: on the ground, in the air, scripted, lying, held, riding,
swimming, flying), what it holds or rides, and the marks it left (take-off, landing, release...) that the pose
stage reads back. Its helpers are the only ways behaviours move bodies: drive along the ground (friction
against a surface velocity, so pushing, slopes and collisions stay physical), launch into a ballistic flight,
follow a scripted path as a kinematic body, or be held in someone's hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import pymunk

from mutoscope.backends.procedural.physics import ballistics
from mutoscope.backends.procedural.physics.bodies import Physique, default_mask
from mutoscope.backends.procedural.scene import Entity

Mode = Literal["ground", "air", "script", "lying", "held", "ride", "swim", "fly", "static", "seated"]
MODE_CODES: dict[Mode, int] = {
    "ground": 0, "air": 1, "script": 2, "lying": 3, "held": 4, "ride": 5, "swim": 6, "fly": 7, "static": 8,
    "seated": 9,
}  # fmt: skip
SUPPORT_NORMAL = 0.5  # a contact whose normal is steeper than 60° from horizontal holds a body up
TWO_PI = 2.0 * math.pi


@dataclass(eq=False)
class Actor:
    """One entity in the world (fixtures and scenery have no body)."""

    index: int
    entity: Entity
    phys: Physique
    body: pymunk.Body | None
    shapes: tuple[pymunk.Shape, ...] = ()
    facing: int = 1
    mode: Mode = "ground"
    live: dict[str, float] = field(
        default_factory=dict
    )  # pose channels integrated by the physics (roll, wheel)
    marks: list[tuple[float, str]] = field(default_factory=list)
    holder: Actor | None = None  # who holds this object
    holding: Actor | None = None  # what this actor holds
    riding: Actor | None = None  # the vehicle this actor rides
    rider: Actor | None = None
    drive_vx: float = 0.0  # the ground speed the actor's feet or wheels are pushing for
    settle_angle: bool = False  # ease back to upright after a landing
    landing: object | None = None  # the contact that ended the last flight (for the classifier)
    ignore_group_until: float = -1.0  # a released object passes through its thrower until then
    air_frames: int = 0
    spring_v: tuple[float, float] = (0.0, 0.0)  # a held or scripted body's own velocity state
    saved_moment: float = math.inf
    controlled_until: float = -math.inf  # a rider is driving this vehicle (its own idle stands aside)

    @property
    def id(self) -> str:
        return self.entity.id

    @property
    def dyn(self) -> pymunk.Body:
        """The body (callers only ask actors that have one)."""
        assert self.body is not None, f"{self.id} has no body"
        return self.body

    @property
    def height(self) -> float:
        return 2.0 * self.phys.half_height_m

    def mark(self, time_s: float, name: str) -> None:
        self.marks.append((time_s, name))

    # --- driving along the ground -------------------------------------------------------------------------
    def drive(self, vx: float) -> None:
        """Push along the ground toward speed `vx` (friction against a surface velocity; no effect in the
        air)."""
        if vx == self.drive_vx:
            return
        self.drive_vx = vx
        for shape in self.shapes:
            shape.surface_velocity = (-vx, 0.0)

    def supported(self) -> bool:
        """Whether something under the body holds it up (ground, a box, a board...)."""
        body = self.dyn
        found = False

        def check(arbiter: pymunk.Arbiter) -> None:
            nonlocal found
            if found or not arbiter.contact_point_set.points:
                return
            up = -arbiter.normal.y if arbiter.shapes[0].body is body else arbiter.normal.y
            if up > SUPPORT_NORMAL:
                found = True

        body.each_arbiter(check)
        return found

    # --- ballistic flight ---------------------------------------------------------------------------------
    def launch(
        self, time_s: float, vx: float, vy: float, *, spin: float, dt: float, mark: str = "takeoff"
    ) -> None:
        """Leave the ground with velocity (vx, vy) and angular velocity `spin`; gravity does the rest."""
        body = self.dyn
        self.make_dynamic()
        body.velocity = ballistics.discrete(vx, vy, dt)
        body.angular_velocity = spin
        self.mode = "air"
        self.settle_angle = False
        self.mark(time_s, mark)

    # --- body types -----------------------------------------------------------------------------------------
    def make_kinematic(self) -> None:
        body = self.dyn
        if body.body_type == pymunk.Body.KINEMATIC:
            return
        self.spring_v = (body.velocity.x, body.velocity.y)
        self.saved_moment = body.moment
        body.body_type = pymunk.Body.KINEMATIC

    def make_dynamic(self) -> None:
        body = self.dyn
        if body.body_type == pymunk.Body.DYNAMIC:
            return
        velocity, spin = body.velocity, body.angular_velocity
        body.body_type = pymunk.Body.DYNAMIC  # pymunk recomputes mass and moment from the shapes
        body.force, body.torque = (0.0, 0.0), 0.0  # forces are not cleared while kinematic
        body.moment = self.saved_moment
        body.velocity, body.angular_velocity = velocity, spin

    def follow(self, x: float, y: float, angle: float, dt: float) -> None:
        """Move a kinematic body so it reaches (x, y, angle) at the end of this step (a continuous path)."""
        body = self.dyn
        px, py = body.position
        vx, vy = (x - px) / dt, (y - py) / dt
        body.velocity = (vx, vy)
        body.angular_velocity = (angle - body.angle) / dt
        self.spring_v = (vx, vy)

    def chase(
        self, x: float, y: float, *, velocity: tuple[float, float], dt: float, stiffness: float
    ) -> None:
        """Move a kinematic body toward (x, y) on a critically damped spring (no jumps, no overshoot)."""
        body = self.dyn
        px, py = body.position
        vx, vy = self.spring_v
        target_vx, target_vy = velocity
        w = stiffness
        ax = w * w * (x - px) + 2.0 * w * (target_vx - vx)
        ay = w * w * (y - py) + 2.0 * w * (target_vy - vy)
        vx, vy = vx + ax * dt, vy + ay * dt
        speed = math.hypot(vx, vy)
        if speed > 15.0:  # hands do not move faster than this
            vx, vy = vx * 15.0 / speed, vy * 15.0 / speed
        self.spring_v = (vx, vy)
        body.velocity = (vx, vy)
        body.angular_velocity *= 0.98

    # --- groups ---------------------------------------------------------------------------------------------
    def share_group(self, other: Actor) -> None:
        """Stop colliding with `other` (an object in its hand, the vehicle it rides)."""
        self._set_group(other.index + 1)

    def own_group(self) -> None:
        self._set_group(self.index + 1)

    def meet_living(self, on: bool) -> None:
        """Collide with people and animals (a push needs it), or go back to passing those it passes."""
        mask = pymunk.ShapeFilter.ALL_MASKS() if on else default_mask(self.phys.role)
        for shape in self.shapes:
            old = shape.filter
            shape.filter = pymunk.ShapeFilter(group=old.group, categories=old.categories, mask=mask)

    def _set_group(self, group: int) -> None:
        for shape in self.shapes:
            old = shape.filter
            shape.filter = pymunk.ShapeFilter(group=group, categories=old.categories, mask=old.mask)

    # --- geometry -------------------------------------------------------------------------------------------
    def local_to_world(self, lx: float, ly: float) -> tuple[float, float]:
        """World point of a facing-relative local offset from the root."""
        body = self.dyn
        c, s = math.cos(body.angle), math.sin(body.angle)
        fx = lx * self.facing
        return body.position.x + c * fx - s * ly, body.position.y + s * fx + c * ly

    def upright_angle(self) -> float:
        """The multiple of 2π nearest to the current angle (upright, however many flips it made)."""
        return round(self.dyn.angle / TWO_PI) * TWO_PI
