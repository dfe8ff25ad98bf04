"""Behaviours on the ground: walking and running, pushing, climbing, driving and riding, standing activities.

Legs and wheels push against the ground through friction (the actor's surface velocity), so a walker speeds up
and slows down at a believable rate, cannot walk through a wall and pushes what it walks into. Standing
activities (dance, sit, eat, sleep, wave, talk, sing, spin) keep the root where it is; their look is in the
poses.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pymunk

from mutoscope.backends.procedural.physics import attachments, bodies, fixtures
from mutoscope.backends.procedural.physics.actors import Actor
from mutoscope.backends.procedural.physics.behaviours.base import Behaviour, Script, smoothstep

if TYPE_CHECKING:
    from mutoscope.backends.procedural.physics.world import World

DRIVE_SPEED_M_S = {"car": 8.0, "board": 3.5, "boat": 4.0, "plane": 10.0}
ROLLING_DECEL_M_S2 = {"board": 0.4, "car": 6.0, "boat": 1.0, "plane": 3.0}
CLIMB_SPEED_M_S = 0.6
PUSH_SPEED_M_S = 0.9
MOUNT_REACH_M = 0.5
SEAT_SPACING_M = 1.0  # between sitters' hips on a long seat
SEAT_USE = 0.6  # ... of a shorter seat's width, all sitters together
EDGE_STOP_M = 0.05  # a pusher on a raised surface stops this far (plus half its width) short of the edge


def position_of(actor: Actor) -> tuple[float, float]:
    """Root position now (fixtures and scenery stay where the scene put them)."""
    if actor.body is not None:
        x, y = actor.dyn.position
        return x, y
    return actor.entity.x_m, actor.entity.y_m


def ramp(actor: Actor, target_vx: float, accel: float, dt: float) -> None:
    """Change `actor`'s drive toward `target_vx` by at most `accel`·dt."""
    current = actor.drive_vx
    step = accel * dt
    actor.drive(current + min(max(target_vx - current, -step), step))


class Walk(Behaviour):
    """walk / run: toward the target (stopping beside it) or straight ahead, at a speed set by leg length."""

    def start(self, t: float) -> None:
        actor = self.actor
        if actor.riding is not None:
            attachments.dismount(actor, t)
        self.speed = self.param("speed_m_s", self.gait_speed(self.verb == "run"))
        self.direction = 1 if self.param("direction", actor.facing) >= 0 else -1
        self.goal: Actor | None = self.target()

    def act(self, t: float, dt: float) -> None:
        if not self.on_feet():
            return
        goal = self.goal
        if goal is None:
            self.actor.facing = self.direction
            self.ramp_drive(self.direction * self.speed, dt)
            return
        gx, _ = position_of(goal)
        x = self.actor.dyn.position.x
        side = 1 if x <= gx else -1
        gap = 0.02 if self.word == "hug" else 0.3  # a hug ends in contact, a walk a step away
        stop_at = gx - side * (goal.phys.half_width_m + self.actor.phys.half_width_m + gap)
        if self.go_to(stop_at, self.speed, dt, arrive_m=0.08):
            self.actor.facing = side


class Push(Behaviour):
    """Walk up to the target and lean into it; friction decides whether it moves.

    A pusher standing on something raised (a cat on a table) never walks off its edge, and once the target has
    gone over an edge (it is lower than the pusher's feet) the push is done: the pusher stays and watches.
    """

    def start(self, t: float) -> None:
        self.goal = self.target() or self.world.nearest(
            self.actor, lambda a: a.phys.role in ("object", "vehicle", "ball", "person", "animal")
        )
        self.touching = False
        self.support = _support_under(self.world, self.actor)
        h = self.actor.height
        self.world.hand_points[self.actor.index] = lambda: self.actor.local_to_world(0.33 * h, 0.22 * h)
        # Animals pass people and animals, except the two in a push.
        self.engaged = self.goal is not None and self.goal.phys.role in ("person", "animal")
        if self.engaged and self.goal is not None:
            self.actor.meet_living(True)
            self.goal.meet_living(True)

    def end(self, t: float) -> None:
        super().end(t)
        if self.engaged and self.goal is not None:
            self.actor.meet_living(False)
            self.goal.meet_living(False)

    def act(self, t: float, dt: float) -> None:
        goal = self.goal
        if goal is None or goal.body is None or not self.on_feet() or self._gone_over(goal):
            self.ramp_drive(0.0, dt)
            return
        x = self.actor.dyn.position.x
        gx = goal.dyn.position.x
        side = 1 if gx >= x else -1
        self.actor.facing = side
        if self._at_edge(x, side):
            self.ramp_drive(0.0, dt)
            return
        gap = abs(gx - x) - goal.phys.half_width_m - self.actor.phys.radius_m
        if gap > 0.03:
            self.ramp_drive(side * min(1.4, 0.5 + 2.0 * gap), dt)
            return
        if not self.touching:
            self.touching = True
            self.actor.mark(t, f"push:{goal.id}")
        self.ramp_drive(side * PUSH_SPEED_M_S, dt)

    def _gone_over(self, goal: Actor) -> bool:
        feet = self.actor.dyn.position.y - self.actor.phys.half_height_m
        return self.support is not None and goal.dyn.position.y + goal.phys.half_height_m < feet - 0.05

    def _at_edge(self, x: float, side: int) -> bool:
        """Whether one more step toward `side` would put the pusher's centre past its support's edge."""
        if self.support is None:
            return False
        left, right = self.support
        stop = EDGE_STOP_M + self.actor.phys.half_width_m * 0.5
        return x + side * stop >= right if side > 0 else x + side * stop <= left


def _support_under(world: World, actor: Actor) -> tuple[float, float] | None:
    """The x extent of the raised thing `actor` stands on (a table top), or None on the ground."""
    x, y = actor.dyn.position
    feet = y - actor.phys.half_height_m
    if feet < 0.05:
        return None
    for other in world.actors:
        if other is actor or other.phys.role in ("water", "scenery"):
            continue
        ox, oy = position_of(other)
        top = oy + other.phys.half_height_m
        if abs(top - feet) < 0.08 and abs(ox - x) <= other.phys.half_width_m:
            return ox - other.phys.half_width_m, ox + other.phys.half_width_m
    return None


class Climb(Behaviour):
    """Climb the target (or the nearest climbable fixture): walk to its side, go up, step onto a flat top."""

    def start(self, t: float) -> None:
        self.goal = self.target() or self.world.nearest(
            self.actor,
            lambda a: a.phys.role in ("fixture", "scenery", "object") and a.entity.body.height_m > 0.5,
        )
        self.script: Script | None = None
        self.clinging = False
        self.done = False

    def act(self, t: float, dt: float) -> None:
        goal, actor = self.goal, self.actor
        if self.done:
            return
        if self.script is not None:
            if not self.script.step(t, dt):
                self.script = None
                self.done = True  # up (standing on top, or clinging to a trunk until the next action)
            return
        if goal is None or not self.on_feet():
            self.ramp_drive(0.0, dt)
            return
        gx = position_of(goal)[0]
        x = actor.dyn.position.x
        side = 1 if x <= gx else -1
        # A tree is climbed by its trunk, not at the edge of its crown.
        half = goal.phys.half_width_m if goal.entity.body.shape != "tree" else max(0.12, 0.04 * goal.height)
        foot_x = gx - side * (half + actor.phys.radius_m + 0.02)
        if not self.go_to(foot_x, self.gait_speed(False), dt, arrive_m=0.06):
            return
        actor.facing = side
        self.script = self._climb_path(t, goal, side)

    def _climb_path(self, t: float, goal: Actor, side: int) -> Script:
        actor = self.actor
        x0, y0 = actor.dyn.position
        e = goal.entity
        flat_top = e.body.shape not in ("tree", "stick")
        top = e.y_m + e.body.height_m * (0.5 if flat_top else 0.2)
        time_left = max(self.end_s() - t, 0.5)
        rise = min(top + actor.phys.half_height_m - y0, CLIMB_SPEED_M_S * time_left)
        up_s = max(rise, 0.0) / CLIMB_SPEED_M_S
        onto = flat_top and rise >= top + actor.phys.half_height_m - y0 - 1e-6
        over_s = 0.6 if onto else 0.0
        self.clinging = not onto
        x1 = x0 + side * (actor.phys.radius_m + 0.25) if onto else x0

        def path(u: float) -> tuple[float, float, float]:
            s = u * (up_s + over_s)
            if s <= up_s or over_s == 0.0:
                return x0, y0 + rise * min(s / max(up_s, 1e-6), 1.0), 0.0
            k = smoothstep((s - up_s) / over_s)
            return x0 + (x1 - x0) * k, y0 + rise + 0.05 * math.sin(math.pi * k), 0.0

        self.actor.mark(t, f"climb:{goal.id}")
        return Script(actor, t, up_s + over_s, path, "script" if self.clinging else "ground")


class Drive(Behaviour):
    """drive: a vehicle drives itself; a person gets on the target (or nearest) vehicle and drives it."""

    def start(self, t: float) -> None:
        actor = self.actor
        self.vehicle: Actor | None = actor if actor.phys.role in ("vehicle", "flier") else None
        if actor.phys.role == "person":
            target = self.target()
            if target is not None and attachments.mountable(target) and target is not actor:
                self.vehicle = target
            else:
                self.vehicle = actor.riding or attachments.rider_candidates(
                    self.world, actor, ("board", "car", "boat", "quadruped")
                )
        shape = self.vehicle.entity.body.shape if self.vehicle is not None else "car"
        self.speed = self.param("speed_m_s", DRIVE_SPEED_M_S.get(shape, 6.0))
        self.direction = 1 if self.param("direction", actor.facing) >= 0 else -1
        road = self.vehicle is not None and self.vehicle.entity.body.shape == "car"
        if road and self.vehicle is not None and self.word != "crash":
            _keep_lane(self.vehicle, round(self.param("lane", 0.0)))
        if self.vehicle is actor and actor.phys.role == "vehicle" and t <= 0.0:
            # Driving from the clip's first frame: it was already on its way (traffic does not start from
            # a standstill at the cut).
            actor.drive(self.direction * self.speed)
            actor.dyn.velocity = (self.direction * self.speed, actor.dyn.velocity.y)
            actor.facing = self.direction

    def act(self, t: float, dt: float) -> None:
        actor, vehicle = self.actor, self.vehicle
        if vehicle is None:
            if self.on_feet():
                self.actor.facing = self.direction
                self.ramp_drive(self.direction * self.gait_speed(False), dt)
            return
        if vehicle is not actor and actor.riding is not vehicle:
            self._board(t, dt, vehicle)
            return
        vehicle.facing = self.direction
        actor.facing = self.direction
        vehicle.controlled_until = t + 2.0 * dt  # the driver has the controls: the vehicle's own idle yields
        if vehicle.dyn.body_type != pymunk.Body.DYNAMIC:
            return
        if self.world.near_water(vehicle) and self.world.water_at(vehicle.dyn.position.x) is not None:
            body = vehicle.dyn
            goal = self.direction * self.speed
            thrust = body.mass * (fixtures.WATER_DRAG_PER_S * goal + (goal - body.velocity.x) / 1.5)
            body.apply_force_at_world_point((thrust, 0.0), body.position)
            return
        ramp(vehicle, self.direction * self.speed, 3.0, dt)

    def _board(self, t: float, dt: float, vehicle: Actor) -> None:
        if not self.on_feet():
            return
        vx = vehicle.dyn.position.x
        if self.go_to(vx, self.gait_speed(False), dt, arrive_m=MOUNT_REACH_M):
            attachments.mount(self.actor, vehicle, t)


def _keep_lane(vehicle: Actor, lane: int) -> None:
    """A car driving along a road keeps to its lane: it meets the ground, walls and the cars in its lane, and
    passes the rest (the far lane's cars, people and things at the roadside). Only a crash hits them."""
    bit = bodies.LANE_CATEGORIES[min(max(lane, 0), len(bodies.LANE_CATEGORIES) - 1)]
    for shape in vehicle.shapes:
        shape.filter = pymunk.ShapeFilter(group=shape.filter.group, categories=bit, mask=bit)


class VehicleIdle(Behaviour):
    """A vehicle with nothing to do: a car brakes, a board or boat coasts to a stop."""

    def act(self, t: float, dt: float) -> None:
        if t < self.actor.controlled_until:
            return
        shape = self.actor.entity.body.shape
        if self.actor.rider is not None and self.actor.rider.riding is self.actor and shape == "board":
            decel = ROLLING_DECEL_M_S2["board"]
        else:
            decel = ROLLING_DECEL_M_S2.get(shape, 4.0)
        ramp(self.actor, 0.0, decel, dt)

    def start(self, t: float) -> None:
        # A coasting vehicle keeps the speed it has: its wheels roll, they do not grip.
        self.actor.drive(self.actor.dyn.velocity.x)


class Stand(Behaviour):
    """Standing activities (dance, sit, eat, wave, talk, sing, spin, idle): the root stays; dance sways."""

    def start(self, t: float) -> None:
        super().start(t)
        self.tempo_hz = self.param("bpm", 112.0) / 60.0

    def act(self, t: float, dt: float) -> None:
        if self.verb == "dance" and self.on_feet():
            # Side steps on the beat: two beats to the facing side, two back.
            phase = (t - self.begun_at) * self.tempo_hz / 4.0
            self.actor.drive(0.45 * math.sin(2.0 * math.pi * phase))


class Sit(Stand):
    """sit: on the target (a bench, a chair, a rock: walk there, lower onto its top) or on the ground.

    On a seat the body is scripted (kinematic) onto the seat's top and stays there; it stops colliding with
    the seat for good, since in a side view standing up again leaves it in front of the seat. Several people
    sitting on one seat share it side by side.
    """

    SIT_S = 0.6
    sits = True

    def start(self, t: float) -> None:
        super().start(t)
        seat = self.target()
        self.seat = seat if seat is not None and seat.phys.role not in ("water", "scenery") else None
        self.script: Script | None = None
        if self.seat is not None:
            self.actor.share_group(self.seat)
            self.actor.mark(t, f"sit:{self.seat.id}")

    def act(self, t: float, dt: float) -> None:
        seat, actor = self.seat, self.actor
        if seat is None:
            return
        if self.script is not None:
            self.script.step(t, dt)
            return
        spot = self._spot(seat)
        near = abs(actor.dyn.position.x - spot) <= seat.phys.half_width_m + 0.6
        if self.on_feet() and not near:
            self.go_to(spot, self.gait_speed(False), dt, arrive_m=0.3)
            return
        if actor.mode not in ("ground", "air"):
            return
        x0, y0 = actor.dyn.position
        top = position_of(seat)[1] + seat.phys.half_height_m + 0.03 * actor.height

        def path(u: float) -> tuple[float, float, float]:
            s = smoothstep(u)
            return x0 + (spot - x0) * s, y0 + (top - y0) * s, 0.0

        self.script = Script(actor, t, self.SIT_S, path, "seated")

    def _spot(self, seat: Actor) -> float:
        """This sitter's place along the seat: sitters share it in the left-to-right order the scene put them
        in (so nobody climbs over a neighbour), ties in entity order."""
        scene = self.world.scene
        ids = {a.entity for a in scene.actions if a.verb == "sit" and a.target == seat.id}
        sitters = sorted(ids, key=lambda entity_id: (scene.entity(entity_id).x_m, entity_id))
        x = position_of(seat)[0]
        if self.actor.id not in sitters or len(sitters) == 1:
            return x
        k = sitters.index(self.actor.id)
        # Wide enough apart that two sitters turned to each other keep their knees apart.
        spacing = min(SEAT_SPACING_M, SEAT_USE * 2.0 * seat.phys.half_width_m / (len(sitters) - 1))
        return x + (k - (len(sitters) - 1) / 2.0) * spacing


class LieDown(Behaviour):
    """sleep: a person lies down on their back over a second and stays down; animals curl up in place."""

    lies_down = True

    def start(self, t: float) -> None:
        actor = self.actor
        actor.drive(0.0)
        self.script: Script | None = None
        if actor.phys.role != "person" or actor.mode == "lying":
            return
        body = actor.dyn
        x0, y0 = body.position
        a0 = body.angle
        a1 = a0 + actor.facing * math.pi / 2.0  # onto the back: the head goes behind
        y1 = actor.phys.radius_m

        def path(u: float) -> tuple[float, float, float]:
            s = smoothstep(u)
            return x0 - actor.facing * 0.4 * s, y0 + (y1 - y0) * s, a0 + (a1 - a0) * s

        self.script = Script(actor, t, 1.1, path, "lying")
        actor.mark(t, "liedown")

    def act(self, t: float, dt: float) -> None:
        if self.script is not None and not self.script.step(t, dt):
            self.script = None
