"""Humanoids: people drawn from the shared skeleton (`physics.skeleton.humanoid_points`).

Limbs are tapered capsules, the torso a rounded trapezoid along the spine, the head a circle with hair, a face
(faces.py) and worn items (accessories.py). The far arm and leg are drawn first and darker, so the figure
reads in depth. `yaw` (0 = profile toward the facing, π/2 = facing the camera) spreads the left and right
limbs apart and brings the face round. Palette order (shared with the planner): skin, hair, top, bottom,
*accents (the first accent colours the shoes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mutoscope.backends.procedural.physics.skeleton import HUMANOID, humanoid_points
from mutoscope.backends.procedural.render.accessories import wear
from mutoscope.backends.procedural.render.faces import draw_face, hair
from mutoscope.backends.procedural.render.figure import (
    Figure,
    Point,
    capsule,
    circle,
    polygon,
    smooth_polyline,
)
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.scene import RGB

SKIN: RGB = (224, 172, 128)
HAIR: RGB = (60, 42, 30)
TOP: RGB = (200, 200, 200)
BOTTOM: RGB = (70, 100, 150)
SHOES: RGB = (40, 40, 44)
TYPICAL_BUILD = 0.257  # width / height of an average adult
HEAD_DRAWN = 1.08  # heads drawn a little larger than life read better at video sizes


@dataclass(frozen=True, slots=True)
class Anchors:
    """Where worn things attach, in the body's local metres (x toward the facing, y up, pelvis origin)."""

    height: float
    build: float  # limb thickness relative to an average adult
    head: Point
    head_r: float
    neck: Point
    shoulder: Point
    pelvis: Point
    torso_half_w: float
    spine: float  # torso lean
    tilt: float  # head tilt (spine + neck)
    yaw: float
    hands: tuple[Point, Point]  # (near, far)
    feet: tuple[Point, Point]
    elbows: tuple[Point, Point]
    knees: tuple[Point, Point]


@dataclass(frozen=True, slots=True)
class Outfit:
    skin: RGB
    hair: RGB
    top: RGB
    bottom: RGB
    shoes: RGB

    @staticmethod
    def of(look: BodyLook) -> Outfit:
        return Outfit(
            look.colour(0, SKIN),
            look.colour(1, HAIR),
            look.colour(2, TOP),
            look.colour(3, BOTTOM),
            look.colour(4, SHOES),
        )

    def dimmed(self, factor: float) -> Outfit:
        return Outfit(*(_dim(c, factor) for c in (self.skin, self.hair, self.top, self.bottom, self.shoes)))


def humanoid(look: BodyLook, pose: BodyPose) -> Figure:
    h = look.body.height_m
    build = max(0.6, min(1.8, look.body.width_m / max(h, 1e-6) / TYPICAL_BUILD))
    build *= look.proportions.get("build", 1.0)
    a = _anchors(h, pose, build, look.proportions.get("head", 1.0))
    outfit = Outfit.of(look)
    far_outfit = outfit.dimmed(0.78)  # the far limbs are in the body's own shadow
    figure = Figure()
    wear(figure, look, a, pose, behind=True)
    near, far = 0, 1  # anchors hold (near, far) limb pairs, see _anchors
    _leg(figure, a, far, far_outfit)
    _arm(figure, a, far, far_outfit)
    _torso(figure, a, outfit)
    _leg(figure, a, near, outfit)
    figure.fill(capsule(a.shoulder, a.neck, 0.034 * h * build, 0.03 * h * build), outfit.skin)
    hair(figure, a, outfit.hair, behind=True)
    figure.fill(circle(*a.head, a.head_r), outfit.skin)
    draw_face(figure, look, a, pose, outfit.skin)
    hair(figure, a, outfit.hair, behind=False, face_image=look.face is not None)
    _arm(figure, a, near, outfit)
    wear(figure, look, a, pose, behind=False)
    return figure


def _anchors(h: float, pose: BodyPose, build: float, head_scale: float) -> Anchors:
    yaw = pose.joint("yaw")
    pts = {name: (float(x), float(y)) for name, (x, y) in humanoid_points(h, pose.joints).items()}
    spread = math.sin(yaw) * 0.1 * h * build  # half the shoulder width, seen from the front
    squeeze = math.cos(yaw)  # forward swings are foreshortened as the body turns to the camera

    def side(name: str, sign: float) -> Point:
        x, y = pts[name]
        return (x * squeeze + sign * spread, y)

    # Pairs are (near, far) for a body in profile facing +x: its right side faces the camera.
    spine = pose.joint("spine")
    tilt = spine + pose.joint("neck")
    head_r = HUMANOID.head_radius * h * head_scale * HEAD_DRAWN
    nx, ny = pts["neck"]
    head = (
        nx + math.sin(tilt) * head_r * 0.9,
        ny + math.cos(tilt) * head_r * 0.9,
    )  # the head sits on the neck
    return Anchors(
        height=h,
        build=build,
        head=(head[0] * squeeze, head[1]),
        head_r=head_r,
        neck=(nx * squeeze, ny),
        shoulder=(pts["shoulder"][0] * squeeze, pts["shoulder"][1]),
        pelvis=(0.0, 0.0),
        torso_half_w=(0.075 + 0.055 * abs(math.sin(yaw))) * h * build,
        spine=spine,
        tilt=tilt,
        yaw=yaw,
        hands=(side("hand_r", -1), side("hand_l", 1)),
        feet=(side("foot_r", -1), side("foot_l", 1)),
        elbows=(side("elbow_r", -1), side("elbow_l", 1)),
        knees=(side("knee_r", -1), side("knee_l", 1)),
    )


def _side_shift(a: Anchors, i: int, amount: float) -> float:
    """Sideways offset of limb pair member `i` (0 near, 1 far) as the body turns toward the camera."""
    return math.sin(a.yaw) * amount * (1 if i == 1 else -1)


def _leg(figure: Figure, a: Anchors, i: int, outfit: Outfit) -> None:
    h, build = a.height, a.build
    hip = (a.pelvis[0] + _side_shift(a, i, 0.05 * h * build), a.pelvis[1])
    knee, foot = a.knees[i], a.feet[i]
    ankle = (foot[0], foot[1] + HUMANOID.sole * h * 2.2)
    figure.fill(capsule(hip, knee, 0.055 * h * build, 0.042 * h * build), outfit.bottom)
    figure.fill(capsule(knee, ankle, 0.042 * h * build, 0.03 * h * build), outfit.bottom)
    toe = (ankle[0] + 0.085 * h * math.cos(a.yaw) + 0.01 * h, foot[1] + 0.012 * h)
    figure.fill(capsule((ankle[0] - 0.01 * h, foot[1] + 0.016 * h), toe, 0.02 * h, 0.016 * h), outfit.shoes)


def _arm(figure: Figure, a: Anchors, i: int, outfit: Outfit) -> None:
    h, build = a.height, a.build
    sx, sy = a.shoulder
    shoulder = (sx + _side_shift(a, i, a.torso_half_w * 0.85) - math.sin(a.spine) * 0.02 * h, sy - 0.025 * h)
    elbow, hand = a.elbows[i], a.hands[i]
    figure.fill(capsule(shoulder, elbow, 0.036 * h * build, 0.029 * h * build), outfit.top)
    figure.fill(capsule(elbow, hand, 0.026 * h * build, 0.021 * h * build), outfit.skin)
    figure.fill(circle(*hand, 0.027 * h), outfit.skin)


def _torso(figure: Figure, a: Anchors, outfit: Outfit) -> None:
    h, build = a.height, a.build
    ux, uy = math.sin(a.spine), math.cos(a.spine)
    px, py = uy, -ux  # across the torso (toward the front when upright)
    half_hip, half_sh = a.torso_half_w * 0.85, a.torso_half_w
    sx, sy = a.shoulder
    bx, by = (-ux * 0.02 * h, -uy * 0.02 * h)
    collar = 0.035 * h  # the shoulders round over the top of the torso, up to the neck
    points = [
        (bx - px * half_hip, by - py * half_hip),
        (bx + px * half_hip, by + py * half_hip),
        (sx + px * half_sh * 0.95, sy + py * half_sh * 0.95 - 0.01 * h),
        (sx + px * half_sh * 0.55 + ux * collar, sy + uy * collar),
        (sx - px * half_sh * 0.55 + ux * collar, sy + uy * collar),
        (sx - px * half_sh * 0.95, sy - py * half_sh * 0.95 - 0.01 * h),
    ]
    figure.fill(smooth_polyline(points, close=True), outfit.top)
    figure.fill(
        capsule((-px * half_hip * 0.55, -0.01 * h), (px * half_hip * 0.55, -0.01 * h), 0.05 * h * build),
        outfit.bottom,
    )
    belt = 0.035 * h
    band = [
        (-px * half_hip, belt - 0.012 * h),
        (px * half_hip, belt - 0.012 * h),
        (px * half_hip, belt),
        (-px * half_hip, belt),
    ]
    figure.fill(polygon(band), _dim(outfit.bottom, 0.7), outline=False)


def _dim(rgb: RGB, factor: float) -> RGB:
    if factor >= 1.0:
        return rgb
    return (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))
