"""Gaits: stride phase from ground speed, and the footstep (and swim stroke) events foley is made from.

Step frequency follows leg length and speed the way animals do (Froude scaling): f = √(g/L)·(0.45 + 0.25·v̂)
with v̂ = v/√(g·L), which gives a person 1.9 steps/s walking and 2.7 running, and a small dog quicker steps.
The phase advances with the measured root speed while the body is on its feet, so feet never skate; each foot
plant is a "footstep" event at the exact (interpolated) time the phase passes it, with the heel-strike impulse
of the body's mass at that speed. Swimmers' hand entries are small "splash" events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mutoscope.backends.procedural.physics.actors import MODE_CODES, Actor
from mutoscope.backends.procedural.physics.contacts import ContactRecorder

F64 = npt.NDArray[np.float64]
GRAVITY_M_S2 = 9.81
MIN_GAIT_SPEED_M_S = 0.15
# Stride phases at which each foot lands (a stride is two steps for bipeds, four footfalls for quadrupeds).
BIPED_PLANTS = ((0.0, "l"), (0.5, "r"))
QUADRUPED_WALK = ((0.0, "bl"), (0.25, "fl"), (0.5, "br"), (0.75, "fr"))
QUADRUPED_RUN = ((0.0, "bl"), (0.1, "fr"), (0.5, "br"), (0.6, "fl"))
STROKE_HZ = 0.75


@dataclass(frozen=True, slots=True, eq=False)
class Gait:
    """Per frame: stride phase (cycles, unbounded), how much the body is striding (0..1), Froude speed."""

    phase: F64
    amount: F64
    froude: F64


def step_hz(speed: F64, leg_m: float) -> F64:
    """Steps per second at `speed` for a leg of `leg_m` (two steps per stride)."""
    scale = math.sqrt(GRAVITY_M_S2 / max(leg_m, 0.05))
    return scale * (0.45 + 0.25 * speed / math.sqrt(GRAVITY_M_S2 * max(leg_m, 0.05)))


def gait(actor: Actor, vx: F64, mode: npt.NDArray[np.int8], fps: int) -> Gait:
    """The stride phase of a legged actor from its sampled ground speed (only on its feet)."""
    leg = actor.phys.leg_m
    speed = np.abs(vx)
    on_feet = mode == MODE_CODES["ground"]
    moving = on_feet & (speed > MIN_GAIT_SPEED_M_S)
    rate = np.where(moving, step_hz(speed, leg) / 2.0, 0.0)
    # Integrate with the trapezoid rule so the phase is the integral of a piecewise-linear rate.
    increments = (rate[:-1] + rate[1:]) / (2.0 * fps)
    phase = 0.25 + np.concatenate([[0.0], np.cumsum(increments)])
    froude = speed / math.sqrt(GRAVITY_M_S2 * max(leg, 0.05))
    walk_speed = math.sqrt(0.25 * GRAVITY_M_S2 * max(leg, 0.05))
    amount = np.where(on_feet, np.clip(speed / (0.6 * walk_speed), 0.0, 1.0), 0.0)
    return Gait(phase=phase, amount=amount, froude=froude)


def footsteps(
    actor: Actor, g: Gait, *, x: F64, vx: F64, mode: npt.NDArray[np.int8], fps: int, recorder: ContactRecorder
) -> None:
    """Record a footstep at every foot plant the stride phase passes."""
    quadruped = actor.entity.body.shape in ("quadruped", "insect")
    mass = actor.entity.body.mass_kg
    share = 0.5 if quadruped else 1.0
    for i in range(len(g.phase) - 1):
        lo, hi = g.phase[i], g.phase[i + 1]
        if hi <= lo or mode[i] != MODE_CODES["ground"]:
            continue
        plants = (QUADRUPED_RUN if g.froude[i] > 1.0 else QUADRUPED_WALK) if quadruped else BIPED_PLANTS
        for offset, _foot in plants:
            crossing = math.floor(lo - offset) + 1.0 + offset
            if crossing > hi:
                continue
            u = (crossing - lo) / (hi - lo)
            time_s = (i + u) / fps
            speed = abs(vx[i] + (vx[i + 1] - vx[i]) * u)
            impulse = mass * share * (0.25 + 0.12 * speed)
            foot_x = x[i] + (x[i + 1] - x[i]) * u + actor.facing * 0.1 * actor.height
            recorder.record(time_s, actor.id, "ground", impulse_ns=impulse, kind="footstep", x_m=foot_x)


def strokes(
    actor: Actor, *, vx: F64, mode: npt.NDArray[np.int8], x: F64, fps: int, recorder: ContactRecorder
) -> F64:
    """Swim stroke phase per frame (cycles) and a small splash at each hand entry (twice a cycle)."""
    swimming = (mode == MODE_CODES["swim"]) & (np.abs(vx) > 0.2)
    rate = np.where(swimming, STROKE_HZ, 0.0)
    phase = np.concatenate([[0.0], np.cumsum((rate[:-1] + rate[1:]) / (2.0 * fps))])
    arm_mass = 0.05 * actor.entity.body.mass_kg
    for i in range(len(phase) - 1):
        lo, hi = phase[i], phase[i + 1]
        if hi <= lo:
            continue
        crossing = math.floor(lo * 2.0) / 2.0 + 0.5
        if crossing <= hi:
            time_s = (i + (crossing - lo) / (hi - lo)) / fps
            recorder.record(
                time_s, actor.id, "water", impulse_ns=arm_mass * 2.0, kind="splash", x_m=float(x[i])
            )
    return phase
