"""Skeleton conventions: joint names, segment proportions and forward kinematics of posed bodies.

This is the contract between the simulate stage (which writes joint angles into `EntityTrack.pose`) and the
renderer (which draws them); both should use these functions so a hand holding a ball is where the ball is.

Conventions (radians, relative to the entity's facing, so one pose reads the same facing left or right):
- A local point (lx, ly) has lx toward the facing and ly up; its world position is
  root + R(angle_rad) · (facing · lx, ly)  (see `to_world`).
- A limb direction d(φ) = (sin φ, −cos φ): φ = 0 hangs straight down, π/2 points forward, π straight up.

Humanoid (root = the pelvis = the physics body centre, h/2 above the soles when standing straight):
  spine        torso lean from upright; + leans forward.
  neck         head tilt relative to the torso; + nods forward/down.
  shoulder_l/r upper arm relative to the torso, from hanging down; + swings forward/up (π = straight up).
  elbow_l/r    forearm flexion; + folds the forearm forward/up (0 = straight arm).
  hip_l/r      thigh relative to the (always upright) pelvis, from hanging down; + forward.
  knee_l/r     shin flexion; + folds the shin backward (0 = straight leg).
  yaw          turn about the vertical axis: 0 = profile toward the facing, π/2 = facing the camera.
Quadruped (root = torso centre line at h/2): leg_fl, leg_fr, leg_bl, leg_br (from hanging down, + forward),
  neck (+ lowers the head forward/down, as when grazing), tail (+ raised).
Bird, flying insect: wing (0 = spread level, + raised in the flap stroke, about −1.3 = folded when perched),
  neck (+ pecks down), tail. Plane: wing (always 0) and prop (propeller angle).
Fish and serpent: tail (swing, + up) and body_wave (phase in radians of a wave travelling head to tail: draw
  sin(k·s − body_wave) along the body).
Board: roll (rotation about its long axis: 0 wheels down, π upside down) and wheel (rolling angle).
Car: wheel (rolling angle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
Scalar = float | F64

HUMANOID_JOINTS: tuple[str, ...] = (
    "spine", "neck", "shoulder_l", "elbow_l", "shoulder_r", "elbow_r", "hip_l", "knee_l", "hip_r", "knee_r",
)  # fmt: skip
QUADRUPED_JOINTS: tuple[str, ...] = ("leg_fl", "leg_fr", "leg_bl", "leg_br", "neck", "tail")


@dataclass(frozen=True, slots=True)
class HumanoidProportions:
    """Segment lengths as fractions of standing height (soles to crown)."""

    thigh: float = 0.245
    shin: float = 0.245
    sole: float = 0.01  # ankle to sole: with thigh + shin it puts the pelvis at h/2
    torso: float = 0.30  # pelvis to shoulder joint
    neck: float = 0.045
    head_radius: float = 0.07
    upper_arm: float = 0.17
    forearm: float = 0.19  # elbow to the centre of the hand


HUMANOID = HumanoidProportions()
QUADRUPED_LEG = 0.5  # leg length (hip to sole) as a fraction of height: the torso centre line sits at h/2
QUADRUPED_HIP_X = 0.32  # front/back hips from the root, as a fraction of body length (width_m)


def limb(phi: Scalar) -> tuple[Scalar, Scalar]:
    """Unit direction of a limb at angle φ from hanging straight down toward forward."""
    return np.sin(phi), -np.cos(phi)


def _get(pose: Mapping[str, Scalar], name: str) -> Scalar:
    return pose.get(name, 0.0)


def humanoid_points(height_m: float, pose: Mapping[str, Scalar]) -> dict[str, tuple[Scalar, Scalar]]:
    """Local joint points (relative to the pelvis, facing-relative) of a humanoid in `pose`.

    Works on floats or on per-frame arrays (broadcast). Keys: pelvis, shoulder, neck, head, elbow_l, hand_l,
    elbow_r, hand_r, knee_l, foot_l, knee_r, foot_r (`head` is the head's centre, feet are soles).
    """
    p, h = HUMANOID, height_m
    spine = _get(pose, "spine")
    up_x, up_y = np.sin(spine), np.cos(spine)
    sh_x, sh_y = up_x * p.torso * h, up_y * p.torso * h
    tilt = spine + _get(pose, "neck")
    head_d = (p.neck + p.head_radius) * h
    points: dict[str, tuple[Scalar, Scalar]] = {
        "pelvis": (0.0 * up_x, 0.0 * up_y),
        "shoulder": (sh_x, sh_y),
        "neck": (sh_x + np.sin(tilt) * p.neck * h, sh_y + np.cos(tilt) * p.neck * h),
        "head": (sh_x + np.sin(tilt) * head_d, sh_y + np.cos(tilt) * head_d),
    }
    for side in ("l", "r"):
        # The arm hangs from the torso, so its absolute angle is the torso-relative one minus the lean.
        arm = _get(pose, f"shoulder_{side}") - spine
        fore = arm + _get(pose, f"elbow_{side}")
        ax, ay = limb(arm)
        fx, fy = limb(fore)
        ex, ey = sh_x + ax * p.upper_arm * h, sh_y + ay * p.upper_arm * h
        points[f"elbow_{side}"] = (ex, ey)
        points[f"hand_{side}"] = (ex + fx * p.forearm * h, ey + fy * p.forearm * h)
        thigh = _get(pose, f"hip_{side}")
        shin = thigh - _get(pose, f"knee_{side}")
        tx, ty = limb(thigh)
        kx, ky = tx * p.thigh * h, ty * p.thigh * h
        lx, ly = limb(shin)
        points[f"knee_{side}"] = (kx, ky)
        points[f"foot_{side}"] = (kx + lx * p.shin * h, ky + ly * p.shin * h - p.sole * h)
    return points


def humanoid_drop(height_m: float, pose: Mapping[str, Scalar]) -> Scalar:
    """How far the pelvis sits below h/2 when the lower sole rests on the ground (crouch, stride, sit)."""
    pts = humanoid_points(height_m, pose)
    lowest = np.minimum(pts["foot_l"][1], pts["foot_r"][1])
    return np.maximum(0.0, 0.5 * height_m + lowest)


def quadruped_drop(height_m: float, pose: Mapping[str, Scalar]) -> Scalar:
    """How far the torso sits below h/2 when the longest leg rests on the ground (lying down, crouching)."""
    reach: Scalar = 0.0
    for leg in ("leg_fl", "leg_fr", "leg_bl", "leg_br"):
        reach = np.maximum(reach, np.cos(_get(pose, leg)))
    return np.maximum(0.0, QUADRUPED_LEG * height_m * (1.0 - reach))


def to_world(
    root_x: Scalar, root_y: Scalar, angle_rad: Scalar, facing: Scalar, local: tuple[Scalar, Scalar]
) -> tuple[Scalar, Scalar]:
    """World position of a facing-relative local point of a body whose root is at (root_x, root_y)."""
    lx, ly = local[0] * facing, local[1]
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return root_x + c * lx - s * ly, root_y + s * lx + c * ly


def arm_ik(dx: Scalar, dy: Scalar, upper: float, fore: float, spine: Scalar = 0.0) -> tuple[Scalar, Scalar]:
    """Shoulder and elbow angles (torso-relative) that put the hand at (dx, dy) from the shoulder.

    (dx, dy) is local and facing-relative; out-of-reach targets give a straight arm pointing at them. The
    elbow bends forward/up (the human way), which is the solution with a non-negative elbow angle.
    """
    dist = np.clip(np.hypot(dx, dy), 1e-6, upper + fore - 1e-6)
    target = np.arctan2(dx, -dy)  # limb angle pointing at the target
    cos_elbow = np.clip((upper**2 + fore**2 - dist**2) / (2.0 * upper * fore), -1.0, 1.0)
    elbow = np.pi - np.arccos(cos_elbow)
    cos_inner = np.clip((upper**2 + dist**2 - fore**2) / (2.0 * upper * dist), -1.0, 1.0)
    shoulder_abs = target - np.arccos(cos_inner)
    return shoulder_abs + spine, elbow
