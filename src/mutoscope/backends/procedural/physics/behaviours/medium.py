"""Moving through air and water: flying (lift and thrust) and swimming (thrust against water drag).

A flier is a body under gravity held up by a lift force that steers it to its cruising altitude (a critically
damped controller, so it climbs and levels off smoothly) and pushed by thrust toward its cruising speed; a
flapping flier's lift pulses with its wing beat, so the body bobs in time with the wings. A swimmer is floated
by the world's buoyancy and pushed by strokes against the water's drag; a person swims lying forward in the
water.
"""

from __future__ import annotations

import math

import pymunk

from mutoscope.backends.procedural.physics import fixtures
from mutoscope.backends.procedural.physics.actors import Actor
from mutoscope.backends.procedural.physics.behaviours.base import Behaviour
from mutoscope.backends.procedural.physics.behaviours.ground import Walk, position_of

GRAVITY_M_S2 = 9.81
CRUISE_M_S = {"bird": 5.0, "plane": 22.0, "insect": 1.5, "serpent": 7.0, "quadruped": 6.0, "humanoid": 4.0}
CRUISE_ALTITUDE_M = {"bird": 3.5, "plane": 9.0, "insect": 1.5, "serpent": 5.0}
FLAP_HZ_SMALL, FLAP_HZ_LARGE = 7.0, 1.6


def flap_hz(actor: Actor) -> float:
    """Wing beats per second: small birds flap fast, big ones (and dragons) slowly; planes do not."""
    if actor.entity.body.shape == "plane":
        return 0.0
    span = max(actor.entity.body.width_m, 0.05)
    return float(min(FLAP_HZ_SMALL * 2.5, max(FLAP_HZ_LARGE, FLAP_HZ_SMALL * math.sqrt(0.3 / span))))


class Fly(Behaviour):
    """fly (and a flier's idle in the air): hold a cruising altitude and speed, toward the target if any."""

    STIFFNESS = 1.6  # rad/s of the altitude controller

    def start(self, t: float) -> None:
        actor = self.actor
        shape = actor.entity.body.shape
        y = actor.dyn.position.y
        airborne = y - actor.phys.half_height_m > 0.5
        cruise = CRUISE_M_S.get(shape, 5.0)
        self.speed = self.param("speed_m_s", cruise if self.action is not None else cruise * 0.5)
        default_alt = y if airborne else CRUISE_ALTITUDE_M.get(shape, 3.0) + actor.phys.half_height_m
        self.altitude = max(self.param("altitude_m", default_alt), actor.phys.half_height_m)
        self.landing = self.altitude <= actor.phys.half_height_m + 0.05
        if self.landing:
            self.speed = self.param("speed_m_s", 1.0)
        self.direction = 1 if self.param("direction", actor.facing) >= 0 else -1
        self.goal = self.target()
        self.flap = flap_hz(actor)
        actor.mode = "fly"
        actor.settle_angle = False
        actor.live.setdefault("wing_phase", 0.0)

    def act(self, t: float, dt: float) -> None:
        actor = self.actor
        if self.landing and actor.mode == "fly" and actor.supported():
            actor.mode = "ground"
            actor.mark(t, "land")
        if actor.mode != "fly" or actor.dyn.body_type != pymunk.Body.DYNAMIC:
            return
        body = actor.dyn
        x, y = body.position
        vx, vy = body.velocity
        direction, altitude = self.direction, self.altitude
        if self.goal is not None:
            gx, gy = position_of(self.goal)
            direction = 1 if gx >= x else -1
            altitude = max(altitude, gy + self.goal.phys.half_height_m + 1.0)
        actor.facing = direction
        plane = actor.entity.body.shape == "plane"
        takeoff_ready = not plane or abs(vx) > 0.6 * self.speed
        ax = max(-4.0, min(4.0, (direction * self.speed - vx) / 0.8))
        w = self.STIFFNESS
        ay = GRAVITY_M_S2 + w * w * (altitude - y) - 2.0 * w * vy if takeoff_ready else 0.0
        ay = max(0.0, min(2.0 * GRAVITY_M_S2, ay))
        if self.flap > 0.0:
            phase = actor.live["wing_phase"] + 2.0 * math.pi * self.flap * dt
            actor.live["wing_phase"] = phase
            ay += 2.0 * math.sin(phase)  # the downstroke lifts
        body.apply_force_at_world_point((body.mass * ax, body.mass * ay), body.position)
        if plane:
            body.angle = direction * math.atan2(vy, max(abs(vx), 1.0)) * 0.8

    def end(self, t: float) -> None:
        super().end(t)
        if self.actor.mode == "fly":
            self.actor.mode = "air"


class Swim(Behaviour):
    """swim: stroke toward the target or ahead; people lie forward in the water, fish keep their depth."""

    def start(self, t: float) -> None:
        actor = self.actor
        x = actor.dyn.position.x
        self.water = self.world.water_at(x)
        self.walker: Walk | None = None
        if self.water is None:
            self.walker = Walk(self.world, actor, self.action)  # no water here: walk instead
            self.walker.start(t)
            return
        person = actor.phys.role == "person"
        fish = actor.phys.role == "swimmer"
        base = 1.2 * math.sqrt(max(actor.entity.body.width_m, 0.05) / 0.3) if fish else 1.1 if person else 0.6
        self.speed = self.param("speed_m_s", base if self.action is not None else 0.0)
        self.direction = 1 if self.param("direction", actor.facing) >= 0 else -1
        self.goal = self.target()
        actor.mode = "swim"
        actor.settle_angle = False

    def act(self, t: float, dt: float) -> None:
        if self.walker is not None:
            self.walker.act(t, dt)
            return
        actor = self.actor
        body = actor.dyn
        if body.body_type != pymunk.Body.DYNAMIC:
            return
        x, y = body.position
        direction = self.direction
        if self.goal is not None:
            direction = 1 if position_of(self.goal)[0] >= x else -1
        actor.facing = direction
        speed = self.speed
        if self.water is not None:
            # The pool's end is near: glide in to touch it instead of pushing against the wall.
            edge = self.water.right_m if direction > 0 else self.water.left_m
            room = abs(edge - x) - max(actor.phys.half_height_m, actor.phys.half_width_m)
            speed = min(speed, max(room, 0.0))
        goal = direction * speed
        # Strokes hold the speed against the water's drag, and make up any difference within ~0.6 s.
        thrust = body.mass * (fixtures.WATER_DRAG_PER_S * goal + (goal - body.velocity.x) / 0.6)
        lift = 0.0
        if actor.phys.role == "swimmer" and self.water is not None:
            # Fish hold their depth: the middle of the water, or where they already are.
            half = actor.phys.half_height_m
            floor, surface = self.water.bottom_m + half + 0.1, self.water.surface_m - half - 0.1
            goal_y = min(max(y, floor), max(surface, floor))
            lift = body.mass * (4.0 * (goal_y - y) - 2.0 * body.velocity.y)
        body.apply_force_at_world_point((thrust, lift), body.position)
        if actor.phys.role == "person":
            lying = 0.0 if self.speed == 0.0 else -direction * math.pi / 2.0
            base = actor.upright_angle()
            body.angle = body.angle + (base + lying - body.angle) * min(1.0, dt / 0.4)

    def end(self, t: float) -> None:
        super().end(t)
        if self.actor.mode == "swim":
            self.actor.mode = "air"
            self.actor.settle_angle = self.actor.phys.role == "person"
