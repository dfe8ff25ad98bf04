"""What loose objects do on their own: roll, bounce, spin, fall, fly off, or lie still.

An object's verb only sets its initial motion; from there it is a free body. A rolling ball gets the spin that
matches its speed (rolling without slipping), a bouncing ball is tossed up and then bounces with its
restitution. A kite or a toy balloon is the exception: it rides the wind on its line (`Tethered`), trailing
whoever flies it, and "fly" sends it higher.
"""

from __future__ import annotations

import math

from mutoscope.backends.procedural.physics import attachments, ballistics
from mutoscope.backends.procedural.physics.actors import Actor
from mutoscope.backends.procedural.physics.behaviours.base import Behaviour, smoothstep

LINE_REACH_M = 12.0  # a flyer farther than this from the kite at the start is not holding its line
TRAIL_S = 0.5  # the kite trails its running flyer by this much of the flyer's speed (seconds)
FLY_RISE_M = 2.5  # "the kite flies high": it climbs this much over FLY_RISE_S
FLY_RISE_S = 1.2
LINE_STIFFNESS = 3.0  # rad/s of the spring that keeps the kite at its place on the wind


class ObjectIdle(Behaviour):
    """A loose object with nothing to do: the physics moves it (or does not)."""

    busy = False
    lies_down = True

    def begin(self, t: float) -> None:
        self.begun_at = t


class ObjectMotion(Behaviour):
    """roll, bounce, spin, fall (and any other verb given to an object): set the motion once, then let go."""

    lies_down = True

    def start(self, t: float) -> None:
        actor = self.actor
        if actor.holder is not None:
            attachments.drop(actor, t)
        self.done = False

    def act(self, t: float, dt: float) -> None:
        if self.done:
            return
        self.done = True
        actor = self.actor
        body = actor.dyn
        radius = max(actor.phys.radius_m, 0.02)
        direction = 1 if self.param("direction", actor.facing) >= 0 else -1
        if self.verb in ("roll", "walk", "run", "drive", "push"):
            speed = self.param("speed_m_s", 3.0)
            body.velocity = (direction * speed, body.velocity.y)
            if actor.phys.role == "ball":
                body.angular_velocity = -direction * speed / radius
            else:  # a box tumbles end over end
                body.angular_velocity = -direction * 4.0
        elif self.verb in ("bounce", "jump"):
            rise = self.param("height_m", 1.2)
            vx, vy = ballistics.discrete(body.velocity.x, ballistics.rise_speed(rise), dt)
            body.velocity = (vx, vy)
        elif self.verb == "spin":
            body.angular_velocity = direction * self.param("speed_m_s", 12.0)
        elif self.verb == "fly":
            speed = self.param("speed_m_s", 6.0)
            vx, vy = ballistics.discrete(direction * speed * math.cos(0.6), speed * math.sin(0.6), dt)
            body.velocity = (vx, vy)
        actor.mark(t, self.verb)


class Tethered(Behaviour):
    """A kite (or a toy balloon) on its line: it keeps its place on the wind above its flyer (the nearest
    person at the start), trailing behind when the flyer runs, swaying and bobbing; "fly" climbs higher. The
    line from the kite to the flyer's hand is recorded as pose channels `line_dx`, `line_dy` (kite-local
    metres) for the renderer."""

    lies_down = True
    sits = True

    def start(self, t: float) -> None:
        actor = self.actor
        if actor.holder is not None:
            attachments.drop(actor, t)
        actor.make_kinematic()
        actor.mode = "fly"
        x, y = actor.dyn.position
        flyer = self.world.nearest(actor, lambda a: a.phys.role == "person")
        if (
            flyer is not None
            and math.hypot(flyer.dyn.position.x - x, flyer.dyn.position.y - y) > LINE_REACH_M
        ):
            flyer = None
        self.flyer: Actor | None = flyer
        anchor = self._anchor()
        self.offset = (x - anchor[0], y - anchor[1])
        self.rise_from = actor.live.get("rise", 0.0)
        self.phase = (actor.index * 0.37) % 1.0

    def _anchor(self) -> tuple[float, float]:
        if self.flyer is None:
            return self.actor.entity.x_m, self.actor.entity.y_m - 3.0
        return self.world.hand_point(self.flyer)

    def act(self, t: float, dt: float) -> None:
        actor = self.actor
        rise = self.rise_from
        if self.verb == "fly":
            rise += FLY_RISE_M * smoothstep((t - self.begun_at) / FLY_RISE_S)
        actor.live["rise"] = rise
        ax, ay = self._anchor()
        flyer_vx = self.flyer.dyn.velocity.x if self.flyer is not None else 0.0
        sway = 2.0 * math.pi * (t * 0.35 + self.phase)
        x = ax + self.offset[0] - TRAIL_S * flyer_vx + 0.35 * math.sin(sway)
        y = ay + self.offset[1] + rise + 0.2 * math.sin(1.7 * sway)
        velocity = (self.flyer.dyn.velocity.x if self.flyer is not None else 0.0, 0.0)
        actor.chase(x, y, velocity=velocity, dt=dt, stiffness=LINE_STIFFNESS)
        actor.dyn.angle = 0.12 * math.sin(sway + 0.8)
        self._line(ax, ay)

    def _line(self, ax: float, ay: float) -> None:
        """The line to the flyer's hand, in the kite's own frame (facing mirrored, turned by its angle)."""
        actor = self.actor
        if self.flyer is None:
            actor.live["line_dx"], actor.live["line_dy"] = 0.0, 0.0
            return
        x, y = actor.dyn.position
        wx, wy = ax - x, ay - y
        c, s = math.cos(-actor.dyn.angle), math.sin(-actor.dyn.angle)
        actor.live["line_dx"] = (c * wx - s * wy) * actor.facing
        actor.live["line_dy"] = s * wx + c * wy
