"""The behaviour protocol and what every behaviour shares: parameters, getting up, walking somewhere, scripts.

A behaviour drives one actor for one timeline segment. `begin` is called at the segment's start, `step` before
every physics sub-step while `busy`, `end` when the segment ends. A behaviour moves its actor only through the
actor's helpers (drive, launch, follow a script, hold/release) so the physics stays in charge of everything
else. A person who is lying down gets up first (a scripted 0.9 s), and one who is sitting stands up
(0.6 s), unless the new behaviour keeps them there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import pymunk

from mutoscope.backends.procedural.physics import bodies
from mutoscope.backends.procedural.physics.actors import Actor, Mode
from mutoscope.backends.procedural.physics.timeline import alias_params, core_verb
from mutoscope.backends.procedural.scene import Action

if TYPE_CHECKING:
    from mutoscope.backends.procedural.physics.world import World

GRAVITY_M_S2 = 9.81
GETUP_S = 0.9
STAND_UP_S = 0.6
# Froude numbers (v² / g·leg) at which legged animals walk and run.
WALK_FROUDE = 0.25
RUN_FROUDE = {"person": 1.8, "animal": 4.0}
ACCEL_M_S2 = {"person": 5.0, "animal": 6.0, "vehicle": 3.0, "flier": 4.0, "swimmer": 2.0}

PARAM_SYNONYMS = {"speed_m_s": ("speed_m_s", "speed"), "rotations": ("rotations", "turns")}

Path = Callable[[float], tuple[float, float, float]]  # u in [0, 1] -> (x, y, angle)


class Script:
    """A kinematic path over `duration_s`: the body follows it exactly, then becomes dynamic again at rest."""

    def __init__(self, actor: Actor, t0: float, duration_s: float, path: Path, end_mode: Mode) -> None:
        self.actor = actor
        self.t0 = t0
        self.duration_s = max(duration_s, 1e-3)
        self.path = path
        self.end_mode: Mode = end_mode
        actor.make_kinematic()
        actor.mode = "script"
        actor.settle_angle = False

    def step(self, t: float, dt: float) -> bool:
        """Advance one sub-step; False once the path is done (and the body is dynamic again)."""
        u = (t + dt - self.t0) / self.duration_s
        if u > 1.0 + 1e-9:
            self.finish()
            return False
        x, y, angle = self.path(min(u, 1.0))
        self.actor.follow(x, y, angle, dt)
        return True

    def finish(self) -> None:
        actor = self.actor
        if self.end_mode not in ("seated", "script"):  # seated or clinging: held in place (kinematic)
            actor.make_dynamic()
            if self.end_mode == "ground" and actor.phys.role in bodies.UPRIGHT_ROLES:
                actor.dyn.moment = math.inf  # back on its feet, it balances again (a fall had freed it)
        actor.dyn.velocity = (0.0, 0.0)
        actor.dyn.angular_velocity = 0.0
        actor.mode = self.end_mode


def smoothstep(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


class Behaviour:
    """Drives one actor during one segment; the base class idles (stands still, brakes)."""

    busy = True
    lies_down = False  # True for behaviours that leave a lying body lying (idle after a fall, sleep)
    sits = False  # True for behaviours that leave a seated body seated (idle, talk)

    def __init__(self, world: World, actor: Actor, action: Action | None) -> None:
        self.world = world
        self.actor = actor
        self.action = action
        self.getting_up: Script | None = None
        self.begun_at = 0.0

    @property
    def verb(self) -> str:
        """The simulator verb performed (a planner alias resolved: "skate" is "drive")."""
        return core_verb(self.word)

    @property
    def word(self) -> str:
        """The verb as the scene says it ("frontflip", "ollie", "clap")."""
        return self.action.verb if self.action is not None else "idle"

    def param(self, name: str, default: float) -> float:
        """An action parameter, else the alias's default for it, else `default`."""
        if self.action is None:
            return default
        for key in PARAM_SYNONYMS.get(name, (name,)):
            if key in self.action.params:
                return float(self.action.params[key])
        return float(alias_params(self.word).get(name, default))

    def target(self) -> Actor | None:
        return self.world.find(self.action.target if self.action is not None else None)

    def end_s(self) -> float:
        return self.action.end_s if self.action is not None else math.inf

    # --- lifecycle ------------------------------------------------------------------------------------------
    def begin(self, t: float) -> None:
        self.begun_at = t
        if self.actor.mode == "lying" and not self.lies_down:
            self.getting_up = get_up(self.actor, t)
            self.actor.mark(t, "getup")
            return
        if self.actor.mode == "seated" and not self.sits:
            self.getting_up = get_up(self.actor, t, STAND_UP_S)
            self.actor.mark(t, "standup")
            return
        self.start(t)

    def step(self, t: float, dt: float) -> None:
        if self.getting_up is not None:
            if self.getting_up.step(t, dt):
                return
            self.getting_up = None
            self.start(t)
        self.act(t, dt)

    def end(self, t: float) -> None:
        self.world.hand_points.pop(self.actor.index, None)

    def start(self, t: float) -> None:
        """The behaviour proper begins (the actor is on its feet)."""
        if self.actor.phys.role in bodies.SELF_PROPELLED:
            self.actor.drive(0.0)

    def act(self, t: float, dt: float) -> None:
        """One sub-step of the behaviour proper."""

    # --- shared moves ---------------------------------------------------------------------------------------
    def gait_speed(self, running: bool) -> float:
        actor = self.actor
        leg = actor.phys.leg_m or actor.phys.half_height_m
        froude = RUN_FROUDE.get(actor.phys.role, 1.8) if running else WALK_FROUDE
        return math.sqrt(froude * GRAVITY_M_S2 * leg)

    def ramp_drive(self, target_vx: float, dt: float) -> None:
        """Drive toward `target_vx`, changing the push no faster than the body can accelerate."""
        actor = self.actor
        accel = ACCEL_M_S2.get(actor.phys.role, 4.0)
        current = actor.drive_vx
        step = accel * dt
        actor.drive(current + min(max(target_vx - current, -step), step))

    def go_to(self, goal_x: float, speed: float, dt: float, arrive_m: float = 0.05) -> bool:
        """Walk (or drive) toward `goal_x`; True once there (then it brakes)."""
        actor = self.actor
        gap = goal_x - actor.dyn.position.x
        if abs(gap) <= arrive_m:
            self.ramp_drive(0.0, dt)
            return True
        # Slow down over the last stretch so it stops where it meant to (v² = 2·a·d).
        accel = ACCEL_M_S2.get(actor.phys.role, 4.0)
        wanted = min(speed, math.sqrt(2.0 * accel * 0.8 * abs(gap)))
        direction = 1 if gap > 0 else -1
        actor.facing = direction
        self.ramp_drive(direction * wanted, dt)
        return False

    def on_feet(self) -> bool:
        actor = self.actor
        return actor.mode == "ground" and actor.dyn.body_type == pymunk.Body.DYNAMIC


class Idle(Behaviour):
    """Stand still (brake), or keep lying if already down; the body's physics carries on."""

    busy = False
    lies_down = True
    sits = True

    def begin(self, t: float) -> None:
        self.begun_at = t
        if self.actor.phys.role in bodies.SELF_PROPELLED and self.actor.mode not in ("lying", "seated"):
            self.actor.drive(0.0)


def get_up(actor: Actor, t0: float, duration_s: float = GETUP_S) -> Script:
    """Back onto the feet from lying (or sitting): the pelvis rises and the body turns upright."""
    body = actor.dyn
    x0, y0 = body.position
    a0 = body.angle
    a1 = round(a0 / (2.0 * math.pi)) * 2.0 * math.pi
    y1 = actor.phys.half_height_m

    def path(u: float) -> tuple[float, float, float]:
        s = smoothstep(u)
        return x0, y0 + (y1 - y0) * s, a0 + (a1 - a0) * s

    return Script(actor, t0, duration_s, path, "ground")
