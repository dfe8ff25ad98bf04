"""What loose objects do on their own: roll, bounce, spin, fall, fly off, or lie still.

An object's verb only sets its initial motion; from there it is a free body. A rolling ball gets the spin that
matches its speed (rolling without slipping), a bouncing ball is tossed up and then bounces with its
restitution.
"""

from __future__ import annotations

import math

from mutoscope.backends.procedural.physics import attachments, ballistics
from mutoscope.backends.procedural.physics.behaviours.base import Behaviour


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
