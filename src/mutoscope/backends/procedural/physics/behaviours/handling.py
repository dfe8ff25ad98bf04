"""Ball handling: dribble, shoot, throw, catch and kick.

A person first gets the ball (walks to it if it is out of reach and picks it up; the ball rises into the hand
on a spring, never jumps). A released ball is a free ballistic body: a shot is aimed with `ballistics.aim`
through the ring's centre (made) or straight at the front rim (missed: a real pymunk collision with the rim's
circle sends it back out). A dribble pushes the ball down from the hand at the speed that makes the floor
bounce bring it back up one period later; the bounce itself is the physics'. A kick is an impulse on the ball.
"""

from __future__ import annotations

import math

from mutoscope.backends.procedural.physics import attachments, ballistics, fixtures
from mutoscope.backends.procedural.physics.actors import Actor
from mutoscope.backends.procedural.physics.behaviours.base import Behaviour, smoothstep
from mutoscope.backends.procedural.physics.fixtures import HoopGeometry

PICKUP_REACH_M = 0.75
CATCH_RADIUS_M = 0.45
GRAVITY_M_S2 = ballistics.GRAVITY_M_S2


def lerp2(a: tuple[float, float], b: tuple[float, float], s: float) -> tuple[float, float]:
    return a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s


class BallWork(Behaviour):
    """Shared by the ball verbs: find the ball, walk to it, pick it up; hand positions in body-height
    units."""

    CARRY = (0.2, 0.1)

    def start(self, t: float) -> None:
        super().start(t)
        self.ball = self.find_ball()
        self.ready_at: float | None = None
        self.world.hand_points[self.actor.index] = self.hand_world

    def find_ball(self) -> Actor | None:
        actor = self.actor
        if actor.holding is not None:
            return actor.holding
        target = self.target()
        if target is not None and attachments.holdable(target):
            return target
        return self.world.nearest(actor, lambda a: attachments.holdable(a) and a.holder in (None, actor))

    def hand_local(self, t: float) -> tuple[float, float]:
        return self.CARRY

    def hand_world(self) -> tuple[float, float]:
        h = self.actor.height
        lx, ly = self.hand_local(self.world_time())
        return self.actor.local_to_world(lx * h, ly * h)

    def world_time(self) -> float:
        return self.world.recorder.now

    def acquire(self, t: float, dt: float) -> bool:
        """True once the ball is in hand; until then walk to it (or wait for whoever has it)."""
        actor, ball = self.actor, self.ball
        if ball is None or ball.body is None:
            return False
        if ball.holder is actor:
            return True
        if ball.holder is not None or not self.on_feet():
            self.ramp_drive(0.0, dt)
            return False
        bx, by = ball.dyn.position
        x, y = actor.dyn.position
        side = 1 if bx >= x else -1
        reach_x = abs(bx - x) <= PICKUP_REACH_M
        if reach_x and by <= y + 0.45 * actor.height:
            actor.facing = side
            attachments.hold(actor, ball, t)
            return True
        stop = bx - side * (actor.phys.radius_m + ball.phys.half_width_m + 0.2)
        self.go_to(stop, self.gait_speed(True) * 0.7, dt, arrive_m=0.05)
        return False

    def turn_toward(self, x: float) -> None:
        self.actor.facing = 1 if x >= self.actor.dyn.position.x else -1


class Dribble(BallWork):
    """Bounce the ball between hand and floor in a steady rhythm (optionally walking: params speed)."""

    HAND = (0.22, -0.03)

    def start(self, t: float) -> None:
        super().start(t)
        self.period_s = self.param("period_s", 0.55)
        self.speed = self.param("speed_m_s", 0.0)
        self.push_at: float | None = None
        self.bouncing = False
        self.rising = False

    def hand_local(self, t: float) -> tuple[float, float]:
        if self.ready_at is None:
            return self.CARRY
        return lerp2(self.CARRY, self.HAND, smoothstep((t - self.ready_at) / 0.2))

    def act(self, t: float, dt: float) -> None:
        actor, ball = self.actor, self.ball
        if ball is None:
            return
        if not self.bouncing and ball.holder is not actor:
            if self.ready_at is None and not self.acquire(t, dt):
                return
            if ball.holder is not actor:  # lost it mid-dribble: go and get it again
                self.ready_at = None
                return
        if self.ready_at is None:
            self.ready_at = t
            self.push_at = t + 0.25
        if self.on_feet():
            self.ramp_drive(actor.facing * self.speed, dt)
        if not self.bouncing:
            if self.push_at is not None and t >= self.push_at:
                self._push(t, dt, ball)
            return
        vy = ball.dyn.velocity.y
        top = self.hand_world()[1]
        if vy > 0.0:
            self.rising = True
        reached = vy > 0.0 and ball.dyn.position.y >= top
        peaked = self.rising and vy <= 0.0 and ball.dyn.position.y > top - 0.35
        if ball.holder is None and (reached or peaked):
            self._push(t, dt, ball)

    def _push(self, t: float, dt: float, ball: Actor) -> None:
        """The hand sends the ball down so that it comes back to the hand one period later."""
        actor = self.actor
        hx, hy = self.hand_world()
        drop = max(hy - ball.phys.radius_m, 0.1)
        restitution = min(max(ball.entity.body.restitution, 0.3), 0.98)
        down = dribble_speed(drop, restitution, self.period_s)
        ahead = hx + actor.dyn.velocity.x * self.period_s
        vx = (ahead - ball.dyn.position.x) / self.period_s
        if ball.holder is actor:
            attachments.release(ball, t, vx, -down, spin=0.0, dt=dt)
        else:
            ball.dyn.velocity = ballistics.discrete(vx, -down, dt)
        ball.share_group(actor)
        ball.ignore_group_until = t + self.period_s + 0.3
        actor.mark(t, f"dribble:{ball.id}")
        self.bouncing = True
        self.rising = False

    def end(self, t: float) -> None:
        super().end(t)
        ball = self.ball
        free = ball is not None and self.bouncing and ball.holder is None and ball.body is not None
        # Catch it on the way up if it is close: the next verb (shoot, throw) starts with it in hand.
        if (
            free
            and ball is not None
            and abs(ball.dyn.position.x - self.actor.dyn.position.x) < PICKUP_REACH_M
        ):
            attachments.hold(self.actor, ball, t)


def dribble_speed(drop_m: float, restitution: float, period_s: float) -> float:
    """Downward hand speed so the ball falls `drop_m`, bounces and rises back `drop_m` in `period_s`."""
    g = GRAVITY_M_S2

    def period(v0: float) -> float:
        impact = math.sqrt(v0 * v0 + 2.0 * g * drop_m)
        up = restitution * impact
        down_s = (impact - v0) / g
        rise = up * up - 2.0 * g * drop_m
        up_s = (up - math.sqrt(max(rise, 0.0))) / g if rise >= 0.0 else up / g
        return down_s + up_s

    floor_impact = math.sqrt(2.0 * g * drop_m) / restitution
    low = math.sqrt(max(floor_impact * floor_impact - 2.0 * g * drop_m, 0.0)) * 1.02
    if period(low) <= period_s:
        return low
    high = 30.0
    for _ in range(50):
        mid = (low + high) / 2.0
        if period(mid) > period_s:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


class Shoot(BallWork):
    """Gather, raise the ball over the head, release along an arc to the hoop (params success: 1 in, 0 rim
    out)."""

    SET = (0.1, 0.62)
    SET_S = 0.45
    FOLLOW = (0.16, 0.66)

    def start(self, t: float) -> None:
        super().start(t)
        self.hoop = self._hoop()
        chance = self.param("success", 1.0)
        self.made = chance >= 1.0 or (
            chance > 0.0 and self.world.rng(self.actor, f"shot@{t:.3f}").random() < chance
        )
        self.released_at: float | None = None

    def _hoop(self) -> HoopGeometry | None:
        target = self.action.target if self.action is not None else None
        if target in self.world.hoops:
            return self.world.hoops[target]
        if not self.world.hoops:
            return None
        x = self.actor.dyn.position.x
        return min(self.world.hoops.values(), key=lambda h: (abs(h.rim_center_x_m - x), h.rim_center_x_m))

    def hand_local(self, t: float) -> tuple[float, float]:
        if self.ready_at is None:
            return self.CARRY
        if self.released_at is not None:
            return lerp2(self.SET, self.FOLLOW, smoothstep((t - self.released_at) / 0.15))
        return lerp2(self.CARRY, self.SET, smoothstep((t - self.ready_at) / (self.SET_S * 0.8)))

    def act(self, t: float, dt: float) -> None:
        if self.released_at is not None:
            self.ramp_drive(0.0, dt)
            return
        if self.ready_at is None:
            if not self.acquire(t, dt):
                return
            self.ready_at = t
            self.actor.mark(t, "gather")
        self.ramp_drive(0.0, dt)
        if self.hoop is not None:
            self.turn_toward(self.hoop.rim_center_x_m)
        if t >= self.ready_at + self.SET_S and self.ball is not None and self.ball.holder is self.actor:
            self._release(t, dt, self.ball)

    def _release(self, t: float, dt: float, ball: Actor) -> None:
        x0, y0 = ball.dyn.position
        hoop = self.hoop
        if hoop is None:
            facing = self.actor.facing
            launch = ballistics.aim(x0, y0, x0 + facing * 6.0, y0 + 1.0)
        elif self.made:
            launch = ballistics.aim(
                x0, y0, hoop.rim_center_x_m, hoop.rim_y_m, min_entry_deg=44.0,
                angles_deg=(50.0, 53.0, 56.0, 59.0, 62.0, 65.0, 68.0, 72.0),
            )  # fmt: skip
        else:
            # Straight at the front rim: the ball meets the rim's rod head-on and bounces back out.
            launch = ballistics.aim(
                x0, y0, hoop.rim_front_x_m, hoop.rim_y_m, min_entry_deg=35.0,
                angles_deg=(48.0, 51.0, 54.0, 57.0, 60.0, 64.0, 68.0),
            )  # fmt: skip
        backspin = self.actor.facing * 6.0  # a shooter's wrist flick
        attachments.release(ball, t, launch.vx, launch.vy, spin=backspin, dt=dt)
        self.released_at = t
        self.actor.mark(t, "shoot")


class Throw(BallWork):
    """Wind up and throw the ball to the target (a person's hands, an object) or forward (params
    distance_m)."""

    BACK = (-0.12, 0.5)
    RELEASE = (0.16, 0.52)
    WINDUP_S = 0.4

    def start(self, t: float) -> None:
        super().start(t)
        target = self.target()
        if target is not None and target is not self.ball and not attachments.holdable(target):
            self.receiver: Actor | None = target
        else:
            self.receiver = self._catcher(t)
        self.released_at: float | None = None

    def _catcher(self, t: float) -> Actor | None:
        """Whoever catches next (a catch action by someone else starting around this throw)."""
        end = self.end_s() if math.isfinite(self.end_s()) else t + 2.0
        catches = [
            a for a in self.world.scene.actions
            if a.verb == "catch" and a.entity != self.actor.id and t - 1.0 <= a.start_s <= end + 3.0
        ]  # fmt: skip
        catches.sort(key=lambda a: (a.start_s, a.entity))
        return self.world.find(catches[0].entity) if catches else None

    def hand_local(self, t: float) -> tuple[float, float]:
        if self.ready_at is None:
            return self.CARRY
        if self.released_at is not None:
            return lerp2(self.RELEASE, (0.25, 0.2), smoothstep((t - self.released_at) / 0.25))
        u = (t - self.ready_at) / self.WINDUP_S
        if u < 0.75:
            return lerp2(self.CARRY, self.BACK, smoothstep(u / 0.75))
        return lerp2(self.BACK, self.RELEASE, smoothstep((u - 0.75) / 0.25))

    def act(self, t: float, dt: float) -> None:
        if self.released_at is not None:
            self.ramp_drive(0.0, dt)
            return
        if self.ready_at is None:
            if not self.acquire(t, dt):
                return
            self.ready_at = t
        self.ramp_drive(0.0, dt)
        if self.receiver is not None:
            self.turn_toward(self._aim_point()[0])
        if t >= self.ready_at + self.WINDUP_S and self.ball is not None and self.ball.holder is self.actor:
            x0, y0 = self.ball.dyn.position
            x1, y1 = self._aim_point()
            launch = ballistics.aim(
                x0, y0, x1, y1, angles_deg=(20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 55.0, 65.0)
            )
            attachments.release(self.ball, t, launch.vx, launch.vy, spin=-self.actor.facing * 3.0, dt=dt)
            self.released_at = t
            self.actor.mark(t, "throw")

    def _aim_point(self) -> tuple[float, float]:
        receiver = self.receiver
        if receiver is None:
            x, y = self.actor.dyn.position
            distance = self.param("distance_m", 8.0)
            return x + self.actor.facing * distance, 0.3
        if receiver.phys.role == "person" and receiver.body is not None:
            h = receiver.height
            return receiver.local_to_world(0.0, 0.25 * h)
        if receiver.body is not None:
            x, y = receiver.dyn.position
            return x, y
        e = receiver.entity
        return e.x_m, e.y_m + e.body.height_m * 0.1


class Catch(BallWork):
    """Hands up, move under the incoming ball and take it out of the air when it reaches the hands."""

    READY = (0.24, 0.3)

    def hand_local(self, t: float) -> tuple[float, float]:
        return self.READY if self.ball is None or self.ball.holder is not self.actor else self.CARRY

    def act(self, t: float, dt: float) -> None:
        actor, ball = self.actor, self.ball
        if ball is None or ball.body is None or ball.holder is actor:
            self.ramp_drive(0.0, dt)
            return
        if ball.holder is not None:
            self.ramp_drive(0.0, dt)
            self.turn_toward(ball.dyn.position.x)
            return
        hx, hy = self.hand_world()
        bx, by = ball.dyn.position
        if math.hypot(bx - hx, by - hy) <= CATCH_RADIUS_M:
            v_ball = ball.dyn.velocity
            v_hand = actor.dyn.velocity
            impulse = ball.dyn.mass * math.hypot(v_ball.x - v_hand.x, v_ball.y - v_hand.y)
            attachments.hold(actor, ball, t)
            self.world.recorder.record(t, ball.id, actor.id, impulse_ns=impulse, kind="impact", x_m=bx)
            actor.mark(t, "catch")
            return
        self.turn_toward(bx)
        meet = self._meeting_x(hy)
        if meet is not None and self.on_feet():
            self.go_to(meet - actor.facing * 0.24 * actor.height, self.gait_speed(True), dt, arrive_m=0.05)
        else:
            self.ramp_drive(0.0, dt)

    def _meeting_x(self, hand_y: float) -> float | None:
        """Where the flying ball comes down through hand height (None if it is not coming)."""
        ball = self.ball
        if ball is None or ball.mode != "air":
            return None
        bx, by = ball.dyn.position
        vx, vy = ball.dyn.velocity
        disc = vy * vy + 2.0 * GRAVITY_M_S2 * (by - hand_y)
        if disc < 0.0:
            return None
        when = (vy + math.sqrt(disc)) / GRAVITY_M_S2
        x = bx + vx * when
        return x if abs(x - self.actor.dyn.position.x) < 6.0 else None


class Kick(Behaviour):
    """Run up to the ball and kick it: an impulse toward the target (or forward and up; params speed)."""

    def start(self, t: float) -> None:
        super().start(t)
        target = self.target()
        if target is not None and attachments.holdable(target):
            self.ball: Actor | None = target
            self.aim_at: Actor | None = None
        else:
            self.ball = self.world.nearest(self.actor, attachments.holdable)
            self.aim_at = target
        self.kicked = False

    def act(self, t: float, dt: float) -> None:
        actor, ball = self.actor, self.ball
        if self.kicked or ball is None or ball.body is None or not self.on_feet():
            self.ramp_drive(0.0, dt)
            return
        if ball.holder is not None and ball.holder is not actor:
            self.ramp_drive(0.0, dt)
            return
        bx, by = ball.dyn.position
        x = actor.dyn.position.x
        side = 1 if bx >= x else -1
        strike_x = bx - side * (actor.phys.radius_m + ball.phys.radius_m + 0.12)
        low = by - ball.phys.radius_m < 0.35 * actor.height
        if abs(strike_x - x) <= 0.12 and low:
            self._kick(t, dt, ball, side)
            return
        actor.facing = side
        self.ramp_drive(side * min(2.5, 0.4 + 3.0 * abs(strike_x - x)), dt)

    def _aim_point(self, ball_x: float, side: int) -> tuple[float, float] | None:
        """The kick's aim: the target, else into the goal ahead (over the bar if success is 0), else None."""
        if self.aim_at is not None:
            if self.aim_at.body is not None:
                x, y = self.aim_at.dyn.position
                return x, y
            if not fixtures.is_goal(self.aim_at.entity):
                return self.aim_at.entity.x_m, self.aim_at.entity.y_m
        goals = [g for g in self.world.goals if 0.0 < (g.x_m - ball_x) * side < 40.0]
        if self.aim_at is not None and fixtures.is_goal(self.aim_at.entity):
            goals = [self.aim_at.entity]
        if not goals:
            return None
        goal = min(goals, key=lambda g: abs(g.x_m - ball_x))
        left, right, bottom, top = fixtures.goal_mouth(goal)
        near_post = left if side > 0 else right
        if self.param("success", 1.0) >= 0.5:
            return near_post + side * 0.3, bottom + 0.45 * (top - bottom)
        return near_post + side * 0.3, top + 0.6  # over the crossbar

    def _kick(self, t: float, dt: float, ball: Actor, side: int) -> None:
        actor = self.actor
        if ball.holder is actor:
            attachments.drop(ball, t)
        bx, by = ball.dyn.position
        aim = self._aim_point(bx, side)
        if aim is not None:
            launch = ballistics.aim(
                bx, by, aim[0], aim[1], angles_deg=(12.0, 16.0, 20.0, 25.0, 30.0, 40.0, 50.0)
            )
            vx, vy = launch.vx, launch.vy
        else:
            speed = self.param("speed_m_s", 9.0)
            vx, vy = side * speed * math.cos(math.radians(28.0)), speed * math.sin(math.radians(28.0))
        vx, vy = ballistics.discrete(vx, vy, dt)
        body = ball.dyn
        jx, jy = body.mass * (vx - body.velocity.x), body.mass * (vy - body.velocity.y)
        body.apply_impulse_at_world_point((jx, jy), (bx, by))
        body.angular_velocity = -vx / max(ball.phys.radius_m, 0.05)
        ball.mode = "air"
        self.world.recorder.record(t, actor.id, ball.id, impulse_ns=math.hypot(jx, jy), kind="impact", x_m=bx)
        actor.mark(t, "kick")
        self.kicked = True
