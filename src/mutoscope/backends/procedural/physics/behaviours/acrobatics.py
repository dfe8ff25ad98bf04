"""Acrobatics: jumps, backflips, cartwheels, kickflips, falls and forward rolls.

Everything that leaves the ground is ballistic: the behaviour only chooses the take-off velocity and angular
velocity (a backflip's spin is 2π over its flight time, so it lands on its feet), then gravity flies the body
and the landing is a real contact. In the air the spin stays constant, which is angular momentum conserved for
a body that keeps its shape. A fall is a real topple: the body gets a finite moment of inertia and a nudge,
and gravity rotates it about its feet until it hits the ground.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pymunk

from mutoscope.backends.procedural.physics import attachments, ballistics
from mutoscope.backends.procedural.physics.actors import Actor
from mutoscope.backends.procedural.physics.behaviours.base import Behaviour, Script, smoothstep

TWO_PI = 2.0 * math.pi


@dataclass(frozen=True, slots=True)
class LeapPlan:
    prep_s: float  # crouch before take-off
    rise_m: float  # how high the root rises (0: from flight_s)
    flight_s: float  # flight time when rise_m is 0
    turns: float  # rotations in the air: + backward (a backflip), − forward (a cartwheel)
    push_m_s: float  # extra horizontal speed toward the facing
    recover_s: float  # after landing, before another leap


LEAPS = {
    "jump": LeapPlan(prep_s=0.2, rise_m=0.45, flight_s=0.0, turns=0.0, push_m_s=0.0, recover_s=0.3),
    "bounce": LeapPlan(prep_s=0.12, rise_m=0.25, flight_s=0.0, turns=0.0, push_m_s=0.0, recover_s=0.12),
    "backflip": LeapPlan(prep_s=0.25, rise_m=0.0, flight_s=0.74, turns=1.0, push_m_s=-0.4, recover_s=0.4),
    "frontflip": LeapPlan(prep_s=0.25, rise_m=0.0, flight_s=0.74, turns=-1.0, push_m_s=0.8, recover_s=0.4),
    "cartwheel": LeapPlan(prep_s=0.15, rise_m=0.0, flight_s=0.56, turns=-1.0, push_m_s=1.9, recover_s=0.3),
    "dive": LeapPlan(prep_s=0.25, rise_m=0.5, flight_s=0.0, turns=-0.3, push_m_s=2.2, recover_s=0.4),
}
FAILED_TURN = 0.72  # a failed flip under-rotates and lands the body on its back


class Leap(Behaviour):
    """jump, bounce, backflip, frontflip, cartwheel, dive: crouch, take off, fly ballistically, land; jumps
    repeat while there is time. A flip with params success = 0 under-rotates and ends lying on the ground."""

    def start(self, t: float) -> None:
        word = self.word if self.word in LEAPS else self.verb
        self.plan = LEAPS.get(word, LEAPS["jump"])
        if self.actor.riding is not None:
            attachments.dismount(self.actor, t)
        self.takeoff_at = t + self.plan.prep_s
        self.flights = 0
        turns = self.plan.turns * self.param("rotations", 1.0)
        self.failed = turns != 0.0 and self.param("success", 1.0) < 0.5
        self.turns = turns * (FAILED_TURN if self.failed else 1.0)
        rise = self.param("height_m", self.plan.rise_m)
        if abs(turns) > 1.0:  # more turns need more time in the air
            rise = max(rise, ballistics.GRAVITY_M_S2 * (self.plan.flight_s * abs(turns) ** 0.6) ** 2 / 8.0)
        g = ballistics.GRAVITY_M_S2
        self.vy = ballistics.rise_speed(rise) if rise > 0 else self.plan.flight_s * g / 2.0
        self.flight_s = 2.0 * self.vy / g
        cycle = self.plan.prep_s + self.flight_s + self.plan.recover_s
        repeats = self.verb in ("jump", "bounce") and word != "dive"
        fit = max(1, int((self.end_s() - t) / cycle)) if repeats and math.isfinite(self.end_s()) else 1
        self.count = int(self.param("count", fit))
        self.landed_from: float | None = None

    def act(self, t: float, dt: float) -> None:
        actor = self.actor
        if self.failed and self.flights > 0:
            if actor.mode == "ground":
                self._crash(t)
            elif actor.mode == "lying" and not math.isinf(actor.dyn.moment):
                at_rest_lying(actor)
            return
        if actor.mode in ("air", "lying") or self.flights >= self.count:
            return
        if not self.on_feet():
            return
        if t < self.takeoff_at:
            if self.flights == 0 and self.turns != 0.0:
                self.ramp_drive(0.0, dt)  # flips start from a stand
            return
        vx = actor.dyn.velocity.x + actor.facing * self.plan.push_m_s
        spin = actor.facing * self.turns * TWO_PI / self.flight_s
        actor.launch(t, vx, self.vy, spin=spin, dt=dt, mark=f"takeoff:{self.word}")
        self.flights += 1
        self.takeoff_at = t + self.flight_s + self.plan.recover_s + self.plan.prep_s

    def _crash(self, t: float) -> None:
        """The failed flip came down on the back: the body tips flat under gravity and stays down."""
        actor = self.actor
        actor.settle_angle = False
        actor.mode = "lying"
        actor.drive(0.0)
        topple(actor, 0.0)
        actor.mark(t, "fall")
        self.count = 0


def topple(actor: Actor, spin: float) -> None:
    """Give an upright body the moment of inertia of its capsule so gravity can tip it over."""
    body = actor.dyn
    reach = actor.phys.half_height_m - actor.phys.radius_m
    body.moment = pymunk.moment_for_segment(body.mass, (0.0, -reach), (0.0, reach), actor.phys.radius_m)
    body.angular_velocity = spin


def at_rest_lying(actor: Actor) -> bool:
    """Once a toppled body lies still, take its rotational freedom back (no rolling about on the ground)."""
    body = actor.dyn
    if abs(math.cos(body.angle)) < 0.2 and abs(body.angular_velocity) < 0.3 and body.velocity.length < 0.3:
        body.moment = math.inf
        body.angular_velocity = 0.0
        return True
    return False


class Kickflip(Behaviour):
    """A skater on a board pops it: the board flies and rolls a full turn about its long axis under the
    skater."""

    BOARD_POP_M_S = 2.4
    RIDER_POP_M_S = 2.85
    PREP_S = 0.3

    def start(self, t: float) -> None:
        actor = self.actor
        target = self.target()
        if target is not None and target.entity.body.shape == "board":
            self.board: Actor | None = target
        elif actor.riding is not None and actor.riding.entity.body.shape == "board":
            self.board = actor.riding
        else:
            self.board = attachments.rider_candidates(self.world, actor, ("board",))
        self.pop_at = t + self.PREP_S if actor.riding is self.board else math.inf
        self.popped_at: float | None = None
        self.roll_rate = 0.0
        self.turns = self.param("board_rotations", 1.0)
        self.failed = self.param("success", 1.0) < 0.5

    def act(self, t: float, dt: float) -> None:
        actor, board = self.actor, self.board
        if board is None:
            return
        if self.popped_at is None:
            if actor.riding is not board:
                self._get_on(t, dt, board)
            elif t >= self.pop_at and board.mode != "air":
                self._pop(t, dt, board)
            elif abs(board.drive_vx) < 1.5:
                board.drive(board.drive_vx + actor.facing * 4.0 * dt)  # a push or two to get rolling
            return
        flight_t = t + dt - self.popped_at
        full = TWO_PI * self.turns
        if board.mode == "air":
            board.live["roll"] = self.rolled + min(full, self.roll_rate * flight_t)
        if actor.riding is None and actor.mode == "ground" and self._over(board) and not self.failed:
            attachments.mount(actor, board, t)

    def _get_on(self, t: float, dt: float, board: Actor) -> None:
        if not self.on_feet():
            return
        if self.go_to(board.dyn.position.x, self.gait_speed(False), dt, arrive_m=0.3):
            attachments.mount(self.actor, board, t)
            self.pop_at = t + self.PREP_S

    def _pop(self, t: float, dt: float, board: Actor) -> None:
        actor = self.actor
        vx = board.dyn.velocity.x
        attachments.dismount(actor, t)
        board.mode = "air"
        board.make_dynamic()
        pop = ballistics.rise_speed(self.param("height_m", 0.3))
        # A failed flip: the board squirts out ahead and under-rotates; the skater comes down without it.
        board_vx = vx + (actor.facing * 2.0 if self.failed else 0.0)
        board.dyn.velocity = ballistics.discrete(board_vx, pop, dt)
        board.dyn.angular_velocity = 0.0
        board.mark(t, "pop")
        flight = 2.0 * pop / ballistics.GRAVITY_M_S2
        self.turns *= 0.6 if self.failed else 1.0
        self.roll_rate = TWO_PI * self.turns / flight
        self.rolled = board.live.setdefault("roll", 0.0)
        rider_pop = pop * self.RIDER_POP_M_S / self.BOARD_POP_M_S  # the feet rise clear of the flipping board
        actor.launch(t, vx, rider_pop, spin=0.0, dt=dt, mark=f"takeoff:{self.word}")
        self.popped_at = t

    def _over(self, board: Actor) -> bool:
        dx = abs(self.actor.dyn.position.x - board.dyn.position.x)
        return dx <= board.phys.half_width_m + 0.1


class Fall(Behaviour):
    """A real topple: the body pivots about its feet under gravity and lands lying on the ground."""

    lies_down = True

    def start(self, t: float) -> None:
        actor = self.actor
        self.resting = actor.mode == "lying"
        if self.resting or actor.phys.role not in ("person", "animal"):
            return
        if actor.riding is not None:
            attachments.dismount(actor, t)
        actor.drive(0.0)
        actor.settle_angle = False
        backward = self.param("backward", 0.0) >= 0.5
        direction = actor.facing if backward else -actor.facing  # forward is clockwise when facing right
        topple(actor, direction * 1.4)  # a trip: the feet stop, the body keeps going
        actor.mode = "lying"
        actor.mark(t, "fall")
        self.hit = False
        self.last_vy = 0.0

    def act(self, t: float, dt: float) -> None:
        if self.resting:
            return
        body = self.actor.dyn
        vy = body.velocity.y
        if not self.hit and abs(math.cos(body.angle)) < 0.4 and vy - self.last_vy > 0.3:
            # The body slapped the ground: its side stayed in contact all along (one arbiter), so no new
            # contact reports it; the sudden stop of the fall is the impact.
            self.hit = True
            impulse = body.mass * abs(self.last_vy)
            self.world.recorder.record(
                t, self.actor.id, "ground", impulse_ns=impulse, kind="impact", x_m=body.position.x
            )
        self.last_vy = vy
        self.resting = at_rest_lying(self.actor)


class ForwardRoll(Behaviour):
    """roll for people and animals: tuck and roll forward along the ground (a scripted somersault)."""

    ROLL_S = 1.0

    def start(self, t: float) -> None:
        actor = self.actor
        body = actor.dyn
        x0, y0 = body.position
        a0 = body.angle
        low = 0.28 * actor.height
        distance = 1.4 * actor.height / 1.75
        facing = actor.facing

        def path(u: float) -> tuple[float, float, float]:
            s = smoothstep(u)
            dip = math.sin(math.pi * u) ** 0.6
            return x0 + facing * distance * s, y0 - (y0 - low) * dip, a0 - facing * TWO_PI * s

        self.script: Script | None = Script(
            actor, t, min(self.ROLL_S, max(self.end_s() - t, 0.5)), path, "ground"
        )
        actor.mark(t, "roll")

    def act(self, t: float, dt: float) -> None:
        if self.script is not None and not self.script.step(t, dt):
            self.script = None


class Handstand(Behaviour):
    """handstand: tip forward onto the hands, hold it, and walk over back onto the feet (scripted)."""

    TIP_S = 0.5

    def start(self, t: float) -> None:
        actor = self.actor
        body = actor.dyn
        x0, y0 = body.position
        a0 = body.angle
        hold = max(min(self.end_s() - t, 3.0) - 2.0 * self.TIP_S, 0.3)
        total = 2.0 * self.TIP_S + hold
        up_y = y0 + 0.12 * actor.height  # inverted, the pelvis rides on arms and torso
        step = 0.25 * actor.height
        facing = actor.facing
        tip = self.TIP_S / total

        def path(u: float) -> tuple[float, float, float]:
            if u < tip:
                s = smoothstep(u / tip)
                return x0 + facing * step * s, y0 + (up_y - y0) * s, a0 - facing * math.pi * s
            if u < 1.0 - tip:
                return x0 + facing * step, up_y, a0 - facing * math.pi
            s = smoothstep((u - 1.0 + tip) / tip)
            return x0 + facing * step * (1.0 + s), up_y + (y0 - up_y) * s, a0 - facing * math.pi * (1.0 + s)

        self.script: Script | None = Script(actor, t, total, path, "ground")
        actor.mark(t, "handstand")

    def act(self, t: float, dt: float) -> None:
        if self.script is not None and not self.script.step(t, dt):
            self.script = None
