"""`BodyState`: where a body is and how it moves at one instant (what an extended clip starts from)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BodyState:
    """Root position (m), rotation (rad), velocity (m/s), angular velocity (rad/s) and facing of one
    entity."""

    x_m: float
    y_m: float
    angle_rad: float
    vx: float
    vy: float
    angular_velocity: float
    facing: int = 1
