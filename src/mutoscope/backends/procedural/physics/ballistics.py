"""Ballistic launch solvers: the take-off velocity that carries a body from here to there under gravity.

pymunk integrates positions with the velocity of the previous step (p += v·dt, then v += g·dt), so a body
launched with v0 follows the exact parabola of v0 − g·dt/2. `discrete` compensates for that, so a shot aimed
at the ring's centre passes through it and not a few centimetres off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GRAVITY_M_S2 = 9.81


@dataclass(frozen=True, slots=True)
class Launch:
    vx: float
    vy: float
    flight_s: float  # time to reach the target point
    entry_rad: float  # descent angle below horizontal at the target (negative: still rising)


def discrete(vx: float, vy: float, dt: float, g: float = GRAVITY_M_S2) -> tuple[float, float]:
    """The velocity to set on a pymunk body so its stepped path is the analytic parabola of (vx, vy)."""
    return vx, vy - g * dt / 2.0


def through(
    x0: float, y0: float, x1: float, y1: float, *, angle_rad: float, g: float = GRAVITY_M_S2
) -> Launch | None:
    """Launch at `angle_rad` above horizontal (toward x1) passing through (x1, y1), or None if impossible."""
    dx, dy = x1 - x0, y1 - y0
    reach = abs(dx)
    if reach < 1e-6:
        return None
    cos_a, tan_a = math.cos(angle_rad), math.tan(angle_rad)
    rise = reach * tan_a - dy
    if rise <= 1e-6 or cos_a <= 1e-6:
        return None
    speed = math.sqrt(g * reach * reach / (2.0 * cos_a * cos_a * rise))
    vx = math.copysign(speed * cos_a, dx)
    vy = speed * math.sin(angle_rad)
    flight = reach / (speed * cos_a)
    vy_end = vy - g * flight
    return Launch(vx=vx, vy=vy, flight_s=flight, entry_rad=math.atan2(-vy_end, abs(vx)))


def aim(
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    *,
    min_entry_deg: float = 0.0,
    angles_deg: tuple[float, ...] = (45.0, 50.0, 55.0, 60.0, 65.0, 70.0, 75.0),
    g: float = GRAVITY_M_S2,
) -> Launch:
    """The flattest of `angles_deg` that reaches (x1, y1) descending at least `min_entry_deg`.

    Falls back to the steepest feasible angle, then to a lob straight at the target's height plus a metre.
    """
    best: Launch | None = None
    for angle in angles_deg:
        launch = through(x0, y0, x1, y1, angle_rad=math.radians(angle), g=g)
        if launch is None:
            continue
        best = launch
        if math.degrees(launch.entry_rad) >= min_entry_deg:
            return launch
    if best is not None:
        return best
    vy = math.sqrt(2.0 * g * max(y1 - y0 + 1.0, 0.5))
    flight = (vy + math.sqrt(max(vy * vy - 2.0 * g * (y1 - y0), 0.0))) / g
    return Launch(vx=(x1 - x0) / flight, vy=vy, flight_s=flight, entry_rad=math.pi / 2.0)


def rise_speed(height_m: float, g: float = GRAVITY_M_S2) -> float:
    """Take-off vertical speed that lifts a body by `height_m`."""
    return math.sqrt(2.0 * g * max(height_m, 0.0))


def flight_time(vy: float, drop_m: float = 0.0, g: float = GRAVITY_M_S2) -> float:
    """Time from take-off at vertical speed `vy` to landing `drop_m` below the take-off height."""
    return (vy + math.sqrt(max(vy * vy + 2.0 * g * drop_m, 0.0))) / g
