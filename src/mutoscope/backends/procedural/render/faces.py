"""Faces and hair: eyes that blink, a nose, and a mouth whose opening follows the speech track.

The mouth is the lip-sync contract: its dark interior grows with `BodyPose.mouth` (0 = closed line, 1 = wide
open), visibly at any style, so speech reads on screen. A character's face crop (`BodyLook.face`) replaces the
drawn eyes and nose, pasted into the head circle; the drawn mouth is laid over it while the character speaks.
Features slide from a profile toward the facing (yaw 0) to a frontal face (yaw π/2).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mutoscope.backends.procedural.render.figure import (
    Figure,
    Picture,
    arc,
    arc_points,
    circle,
    ellipse,
    polygon,
)
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.scene import RGB

if TYPE_CHECKING:
    from mutoscope.backends.procedural.render.humanoid import Anchors

MOUTH_RGB: RGB = (64, 18, 26)
TONGUE_RGB: RGB = (196, 84, 92)
TEETH_RGB: RGB = (246, 244, 236)
EYE_WHITE: RGB = (248, 248, 246)
PUPIL_RGB: RGB = (28, 24, 30)
BLINK_PERIOD_S = 3.7
BLINK_S = 0.12
FACE_SHIFT = 0.42  # how far (head radii) the features sit toward the facing in profile


def _rotate(p: tuple[float, float], centre: tuple[float, float], angle: float) -> tuple[float, float]:
    """Rotate `p` about `centre` clockwise by `angle` (a forward head tilt, y up)."""
    dx, dy = p[0] - centre[0], p[1] - centre[1]
    c, s = math.cos(angle), math.sin(angle)
    return (centre[0] + c * dx + s * dy, centre[1] - s * dx + c * dy)


def face_point(a: Anchors, fx: float, fy: float) -> tuple[float, float]:
    """A point on the face given in head radii (x toward the facing, y up), following the head's tilt."""
    hx, hy = a.head
    return _rotate((hx + fx * a.head_r, hy + fy * a.head_r), a.head, a.tilt)


def draw_face(figure: Figure, look: BodyLook, a: Anchors, pose: BodyPose, skin: RGB) -> None:
    r = a.head_r
    forward = math.cos(a.yaw)  # 1 in profile, 0 facing the camera
    centre_x = FACE_SHIFT * forward
    if look.face is not None:
        figure.parts.append(Picture(look.face, a.head, r * 0.97))
        if pose.mouth > 0.08:
            mouth(figure, a, centre_x, pose.mouth, r)
        return
    _eyes(figure, look, a, pose)
    nose_at = face_point(a, centre_x + 0.3 * forward + 0.02, -0.12)
    figure.fill(
        ellipse(nose_at[0], nose_at[1], r * (0.1 + 0.06 * forward), r * 0.09), _darker(skin), outline=False
    )
    mouth(figure, a, centre_x, pose.mouth, r)


def _eyes(figure: Figure, look: BodyLook, a: Anchors, pose: BodyPose) -> None:
    r = a.head_r
    forward = math.cos(a.yaw)
    centre_x = FACE_SHIFT * forward
    gap = 0.2 + 0.16 * (1.0 - forward)
    phase = (pose.time_s + (look.seed % 1000) / 1000.0 * BLINK_PERIOD_S) % BLINK_PERIOD_S
    blinking = phase < BLINK_S
    for k, dx in enumerate((-gap, gap)):
        far = k == 0 and forward > 0.5  # the eye on the far side of a turned head is narrower
        ex, ey = face_point(a, centre_x + dx, 0.16)
        w = r * (0.11 if far else 0.14)
        if blinking:
            figure.stroke(arc((ex, ey), (w, r * 0.04), math.pi, math.pi), PUPIL_RGB, r * 0.05)
            continue
        figure.fill(ellipse(ex, ey, w, r * 0.17), EYE_WHITE, shade=False, outline=False)
        px = ex + forward * r * 0.05
        figure.fill(circle(px, ey - r * 0.02, r * 0.085), PUPIL_RGB, shade=False, outline=False)
        figure.fill(
            circle(px + r * 0.03, ey + r * 0.03, r * 0.028),
            EYE_WHITE,
            shade=False,
            outline=False,
            emissive=True,
        )
        brow = [face_point(a, centre_x + dx - 0.12, 0.38), face_point(a, centre_x + dx + 0.12, 0.4)]
        figure.stroke(polygon(brow, close=False), (60, 40, 30), r * 0.05)


def mouth(figure: Figure, a: Anchors, centre_x: float, opening: float, r: float) -> None:
    """The mouth at `opening` (0..1): a line when closed, a dark oval with teeth and tongue when open."""
    opening = min(max(opening, 0.0), 1.0)
    mx, my = face_point(a, centre_x + 0.06, -0.46)
    half_w = r * (0.2 + 0.06 * opening)
    if opening < 0.05:
        figure.stroke(
            arc((mx, my + r * 0.04), (half_w, r * 0.07), math.pi * 1.15, math.pi * 0.7, 8),
            MOUTH_RGB,
            r * 0.06,
        )
        return
    half_h = r * (0.04 + 0.2 * opening)
    figure.fill(ellipse(mx, my, half_w, half_h), MOUTH_RGB, shade=False)
    if opening > 0.3:
        teeth_h = half_h * 0.22
        teeth = arc_points((mx, my), (half_w * 0.8, half_h * 0.95), math.pi * 0.2, math.pi * 0.6, 6)
        figure.fill(
            polygon([*teeth, (teeth[-1][0], teeth[-1][1] - teeth_h), (teeth[0][0], teeth[0][1] - teeth_h)]),
            TEETH_RGB,
            shade=False,
            outline=False,
        )
        figure.fill(
            ellipse(mx, my - half_h * 0.6, half_w * 0.5, half_h * 0.3), TONGUE_RGB, shade=False, outline=False
        )


def hair(figure: Figure, a: Anchors, rgb: RGB, *, behind: bool, face_image: bool = False) -> None:
    """Hair: a mass behind the head, then a cap over the crown that leaves the face clear."""
    r = a.head_r
    forward = math.cos(a.yaw)
    if behind:
        bx, by = face_point(a, -0.25 * forward, 0.05)
        figure.fill(ellipse(bx, by, r * 1.02, r * 1.0), rgb)
        return
    if face_image:
        return
    front = math.radians(35 + 30 * (1 - forward))
    back = math.radians(200 - 40 * (1 - forward))
    hx, hy = a.head
    outer = arc_points((hx, hy), (r * 1.05, r * 1.06), front, back - front, 10)
    inner = arc_points((hx - forward * 0.1 * r, hy + 0.18 * r), (r * 0.9, r * 0.78), back, front - back, 10)
    cap = [_rotate(p, a.head, a.tilt) for p in outer + inner]
    figure.fill(polygon(cap), rgb)


def _darker(rgb: RGB) -> RGB:
    return (round(rgb[0] * 0.86), round(rgb[1] * 0.8), round(rgb[2] * 0.8))
