"""Worn accessories drawn on humanoids: hats, chains, glasses, capes, backpacks and the rest.

Every accessory a body lists is drawn, never silently dropped: the known ones (the worn vocabulary of
`vocabulary.objects`, matched by the longest known name inside the requested one, so "a big gold chain" is a
gold chain) get a drawing anchored to the skeleton and following the head's tilt; anything else becomes a
small labelled badge on the chest. Colours come from the vocabulary's worn palettes. Items worn on the back
(cape, backpack) are drawn behind the body.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from mutoscope.backends.procedural.render.faces import FACE_SHIFT, face_point
from mutoscope.backends.procedural.render.figure import (
    Figure,
    Label,
    Point,
    arc_points,
    capsule,
    circle,
    ellipse,
    polygon,
    polyline,
    rect,
)
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.scene import RGB
from mutoscope.backends.procedural.vocabulary.objects import OBJECTS

if TYPE_CHECKING:
    from mutoscope.backends.procedural.render.humanoid import Anchors

logger = logging.getLogger(__name__)
GOLD: RGB = (222, 178, 48)
Drawer = Callable[[Figure, "Anchors", tuple[RGB, ...], BodyPose], None]
BEHIND = frozenset({"cape", "backpack"})


def palette_of(name: str) -> tuple[RGB, ...]:
    thing = OBJECTS.get(name)
    return thing.palettes[0] if thing is not None and thing.palettes else (GOLD,)


def resolve(name: str) -> str | None:
    """The known accessory `name` refers to, or None (it will be drawn as a badge)."""
    key = name.strip().lower()
    if key in DRAWERS:
        return key
    matches = [known for known in DRAWERS if known in key]
    return max(matches, key=len) if matches else None


def wear(figure: Figure, look: BodyLook, a: Anchors, pose: BodyPose, *, behind: bool) -> None:
    """Draw the body's accessories of one layer (behind the body, or over it)."""
    badges = 0
    for name in look.accessories:
        known = resolve(name)
        if known is None:
            if not behind:
                _badge(figure, a, name, badges)
                badges += 1
            continue
        if (known in BEHIND) != behind:
            continue
        DRAWERS[known](figure, a, palette_of(known), pose)


def _badge(figure: Figure, a: Anchors, name: str, slot: int) -> None:
    logger.debug("no drawing for accessory %r; drawing a labelled badge", name)
    text = name.strip()[:16] or "?"
    x, y = a.shoulder
    figure.parts.append(
        Label(text, (x + a.torso_half_w * 0.2, y - a.height * (0.1 + 0.06 * slot)), (250, 230, 120))
    )


def _c(palette: tuple[RGB, ...], index: int, default: RGB) -> RGB:
    return palette[index] if index < len(palette) else default


# --- neck and chest ---


def _chain(
    figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose, *, width: float, pendant: bool
) -> None:
    del pose
    h = a.height
    sx, sy = a.shoulder
    cx = sx + a.torso_half_w * 0.25 * math.cos(a.yaw)
    rx, ry = a.torso_half_w * (0.55 + 0.25 * math.sin(a.yaw)), 0.085 * h
    points = arc_points((cx, sy + 0.01 * h), (rx, ry), math.pi * 1.08, math.pi * 0.84, 14)
    colour = _c(palette, 0, GOLD)
    figure.stroke(polyline(points), colour, width * h)
    for px, py in points[2:-2:3]:  # links catch the light
        figure.fill(circle(px, py, width * h * 0.75), colour, outline=False)
    if pendant:
        bx, by = points[len(points) // 2]
        figure.fill(circle(bx, by - 0.012 * h, 0.016 * h), colour)


def gold_chain(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    _chain(figure, a, palette, pose, width=0.011, pendant=True)


def necklace(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    _chain(figure, a, palette, pose, width=0.006, pendant=True)


def scarf(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    h = a.height
    colour = _c(palette, 0, (200, 40, 40))
    nx, ny = a.neck
    figure.fill(capsule((nx - 0.05 * h, ny - 0.01 * h), (nx + 0.05 * h, ny - 0.01 * h), 0.03 * h), colour)
    flutter = min(0.2, abs(pose.speed_m_s) * 0.03)
    tail = (nx - 0.05 * h - flutter * h, ny - 0.12 * h + flutter * 0.5 * h)
    figure.fill(capsule((nx - 0.03 * h, ny - 0.02 * h), tail, 0.022 * h, 0.018 * h), colour)


def tie(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    h = a.height
    x, y = a.shoulder
    x += a.torso_half_w * 0.7 * math.cos(a.yaw)
    figure.fill(
        polygon(
            [
                (x - 0.012 * h, y),
                (x + 0.012 * h, y),
                (x + 0.018 * h, y - 0.17 * h),
                (x, y - 0.2 * h),
                (x - 0.018 * h, y - 0.17 * h),
            ]
        ),
        _c(palette, 0, (200, 40, 40)),
    )


def bow_tie(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    h = a.height
    x, y = a.shoulder
    x += a.torso_half_w * 0.7 * math.cos(a.yaw)
    y -= 0.005 * h
    s = 0.03 * h
    colour = _c(palette, 0, (30, 30, 30))
    figure.fill(polygon([(x, y), (x - s, y + s * 0.6), (x - s, y - s * 0.6)]), colour)
    figure.fill(polygon([(x, y), (x + s, y + s * 0.6), (x + s, y - s * 0.6)]), colour)


# --- head ---


def _on_head(a: Anchors, points: list[Point]) -> list[Point]:
    """Head-relative points (head radii; x toward the facing, y up) → local metres, tilted with the head."""
    return [face_point(a, x, y) for x, y in points]


def top_hat(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour, band = _c(palette, 0, (25, 25, 28)), _c(palette, 1, (180, 30, 30))
    figure.fill(polygon(_on_head(a, [(-1.35, 0.62), (1.35, 0.62), (1.35, 0.78), (-1.35, 0.78)])), colour)
    figure.fill(polygon(_on_head(a, [(-0.85, 0.7), (0.85, 0.7), (0.8, 2.3), (-0.8, 2.3)])), colour)
    figure.fill(
        polygon(_on_head(a, [(-0.85, 0.78), (0.85, 0.78), (0.84, 1.05), (-0.84, 1.05)])), band, outline=False
    )


def hat(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (110, 75, 45))
    figure.fill(polygon(_on_head(a, [(-1.4, 0.55), (1.4, 0.55), (1.2, 0.72), (-1.2, 0.72)])), colour)
    figure.fill(
        polygon(_on_head(a, [(-0.9, 0.65), (0.9, 0.65), (0.75, 1.35), (0.0, 1.2), (-0.75, 1.35)])), colour
    )
    figure.fill(
        polygon(_on_head(a, [(-0.88, 0.7), (0.88, 0.7), (0.86, 0.86), (-0.86, 0.86)])),
        (40, 30, 25),
        outline=False,
    )


def cowboy_hat(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (120, 80, 45))
    figure.fill(
        polygon(
            _on_head(a, [(-1.8, 0.85), (-1.2, 0.55), (1.2, 0.55), (1.8, 0.85), (1.0, 0.68), (-1.0, 0.68)])
        ),
        colour,
    )
    figure.fill(
        polygon(_on_head(a, [(-0.85, 0.6), (0.85, 0.6), (0.7, 1.45), (0.0, 1.25), (-0.7, 1.45)])), colour
    )


def cap(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (200, 40, 40))
    forward = math.cos(a.yaw)
    dome = [(math.cos(t) * 1.04, 0.35 + math.sin(t) * 0.75) for t in [k * math.pi / 10 for k in range(11)]]
    figure.fill(polygon(_on_head(a, dome)), colour)
    figure.fill(
        polygon(
            _on_head(
                a, [(0.6, 0.42), (0.6 + 0.9 * forward + 0.2, 0.36), (0.6 + 0.9 * forward, 0.5), (0.6, 0.55)]
            )
        ),
        colour,
    )


def chef_hat(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (250, 250, 250))
    figure.fill(polygon(_on_head(a, [(-0.85, 0.55), (0.85, 0.55), (0.85, 1.2), (-0.85, 1.2)])), colour)
    for k, (x, y, r) in enumerate(((-0.6, 1.5, 0.55), (0.0, 1.7, 0.65), (0.6, 1.5, 0.55))):
        del k
        px, py = face_point(a, x, y)
        figure.fill(circle(px, py, r * a.head_r), colour)


def wizard_hat(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour, star = _c(palette, 0, (120, 60, 170)), _c(palette, 1, (240, 210, 60))
    figure.fill(polygon(_on_head(a, [(-1.5, 0.55), (1.5, 0.55), (1.3, 0.75), (-1.3, 0.75)])), colour)
    figure.fill(polygon(_on_head(a, [(-0.95, 0.65), (0.95, 0.65), (-0.4, 2.9)])), colour)
    sx, sy = face_point(a, 0.0, 1.3)
    figure.fill(_star(sx, sy, a.head_r * 0.25), star, shade=False)


def pirate_hat(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour, trim = _c(palette, 0, (25, 25, 28)), _c(palette, 1, (240, 240, 240))
    figure.fill(
        polygon(_on_head(a, [(-1.6, 0.9), (-0.9, 0.55), (0.9, 0.55), (1.6, 0.9), (0.6, 1.6), (-0.6, 1.6)])),
        colour,
    )
    sx, sy = face_point(a, 0.0, 1.1)
    figure.fill(circle(sx, sy, a.head_r * 0.2), trim, shade=False)


def crown(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    gold, jewel = _c(palette, 0, GOLD), _c(palette, 1, (200, 30, 40))
    points = [
        (-0.8, 0.6),
        (0.8, 0.6),
        (0.85, 1.25),
        (0.5, 0.95),
        (0.25, 1.35),
        (0.0, 1.0),
        (-0.25, 1.35),
        (-0.5, 0.95),
        (-0.85, 1.25),
    ]
    figure.fill(polygon(_on_head(a, points)), gold)
    jx, jy = face_point(a, 0.0, 0.78)
    figure.fill(circle(jx, jy, a.head_r * 0.12), jewel, shade=False)


def helmet(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (170, 175, 185))
    dome = [(math.cos(t) * 1.12, 0.15 + math.sin(t) * 1.0) for t in [k * math.pi / 12 for k in range(13)]]
    figure.fill(polygon(_on_head(a, dome)), colour)
    figure.fill(
        polygon(_on_head(a, [(-1.12, 0.15), (1.12, 0.15), (1.12, 0.3), (-1.12, 0.3)])),
        _shade(colour, 0.7),
        outline=False,
    )


def space_helmet(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    visor = _c(palette, 1, (100, 150, 220))
    hx, hy = a.head
    figure.fill(circle(hx, hy + a.head_r * 0.1, a.head_r * 1.45), visor, alpha=0.35, outline=True)
    figure.fill(
        ellipse(hx + a.head_r * 0.5, hy + a.head_r * 0.7, a.head_r * 0.3, a.head_r * 0.15),
        (255, 255, 255),
        alpha=0.6,
        shade=False,
        outline=False,
    )
    nx, ny = a.neck
    figure.fill(
        capsule((nx - a.head_r, ny), (nx + a.head_r, ny), a.head_r * 0.22), _c(palette, 0, (240, 240, 240))
    )


def mask(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (25, 25, 28))
    figure.fill(polygon(_on_head(a, [(-1.05, 0.02), (1.08, 0.02), (1.08, 0.34), (-1.05, 0.34)])), colour)
    cx = FACE_SHIFT * math.cos(a.yaw)
    for dx in (-0.22, 0.22):
        ex, ey = face_point(a, cx + dx, 0.17)
        figure.fill(
            ellipse(ex, ey, a.head_r * 0.1, a.head_r * 0.07), (245, 245, 240), shade=False, outline=False
        )


def red_nose(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    nx, ny = face_point(a, (FACE_SHIFT + 0.3) * math.cos(a.yaw), -0.1)
    figure.fill(circle(nx, ny, a.head_r * 0.2), _c(palette, 0, (220, 30, 30)))


def _lenses(figure: Figure, a: Anchors, colour: RGB, *, filled: bool, size: float, band: bool) -> None:
    forward = math.cos(a.yaw)
    cx = FACE_SHIFT * forward
    gap = 0.2 + 0.16 * (1.0 - forward)
    centres = [face_point(a, cx + dx, 0.14) for dx in (-gap, gap)]
    for ex, ey in centres:
        lens = ellipse(ex, ey, a.head_r * size, a.head_r * size * 0.8)
        if filled:
            figure.fill(lens, colour, shade=False)
        else:
            figure.stroke(lens, colour, a.head_r * 0.06)
    figure.stroke(polyline(centres), colour, a.head_r * 0.06)
    back = face_point(a, -0.9, 0.2 if band else 0.1)
    figure.stroke(polyline([centres[0], back]), colour, a.head_r * (0.14 if band else 0.05))


def sunglasses(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    _lenses(figure, a, _c(palette, 0, (20, 20, 22)), filled=True, size=0.19, band=False)


def glasses(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    _lenses(figure, a, _c(palette, 0, (30, 30, 30)), filled=False, size=0.19, band=False)


def goggles(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    _lenses(figure, a, _c(palette, 0, (230, 120, 40)), filled=True, size=0.23, band=True)


def headphones(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (25, 25, 28))
    band = _on_head(
        a, [(math.cos(t) * 1.08, math.sin(t) * 1.08) for t in [k * math.pi / 10 for k in range(11)]]
    )
    figure.stroke(polyline(band), colour, a.head_r * 0.14)
    ex, ey = face_point(a, -0.2 * math.cos(a.yaw), -0.05)
    figure.fill(ellipse(ex, ey, a.head_r * 0.28, a.head_r * 0.36), colour)


def earrings(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    ex, ey = face_point(a, -0.2 * math.cos(a.yaw), -0.45)
    figure.fill(circle(ex, ey, a.head_r * 0.09), _c(palette, 0, GOLD), shade=False)


# --- body, hands and feet ---


def cape(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    h = a.height
    colour = _c(palette, 0, (200, 30, 30))
    sx, sy = a.shoulder
    billow = min(0.35, abs(pose.speed_m_s) * 0.05) * h
    wave = math.sin(pose.time_s * 5.0) * 0.02 * h
    back = -a.torso_half_w * math.cos(a.yaw)
    points = [
        (sx + back * 0.3 + a.torso_half_w * 0.5, sy + 0.01 * h),
        (sx + back - 0.02 * h, sy),
        (back - 0.1 * h - billow, -0.28 * h + billow * 0.6 + wave),
        (back + 0.08 * h - billow * 0.5, -0.3 * h + billow * 0.5 - wave),
    ]
    figure.fill(polygon(points), colour)


def backpack(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    h = a.height
    colour = _c(palette, 0, (200, 40, 40))
    sx, sy = a.shoulder
    back = -(a.torso_half_w + 0.05 * h) * math.cos(a.yaw)
    ux, uy = math.sin(a.spine), math.cos(a.spine)
    centre = (sx * 0.55 + back, sy * 0.55)
    w, t = 0.07 * h, 0.1 * h
    corners = [
        (centre[0] + dx * uy + dy * ux, centre[1] - dx * ux + dy * uy)
        for dx, dy in ((-w, -t), (w, -t), (w, t), (-w, t))
    ]
    figure.fill(polygon(corners), colour)
    figure.fill(
        rect(centre[0] - w * 0.7, centre[1] - t * 0.8, centre[0] + w * 0.7, centre[1] - t * 0.2, 0.01 * h),
        _shade(colour, 0.8),
    )


def watch(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    _wristband(figure, a, _c(palette, 0, GOLD), 0.018)


def bracelet(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    _wristband(figure, a, _c(palette, 0, GOLD), 0.012)


def _wristband(figure: Figure, a: Anchors, colour: RGB, size: float) -> None:
    (ex, ey), (hx, hy) = a.elbows[0], a.hands[0]
    wx, wy = ex + (hx - ex) * 0.78, ey + (hy - ey) * 0.78
    figure.fill(circle(wx, wy, size * a.height), colour, shade=False)


def gloves(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    for hx, hy in a.hands:
        figure.fill(circle(hx, hy, 0.03 * a.height), _c(palette, 0, (30, 30, 30)))


def sneakers(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    body, stripe = _c(palette, 0, (245, 245, 245)), _c(palette, 1, (200, 40, 40))
    h = a.height
    forward = math.cos(a.yaw)
    for fx, fy in a.feet:
        figure.fill(
            capsule(
                (fx - 0.012 * h, fy + 0.017 * h),
                (fx + 0.095 * h * forward + 0.01 * h, fy + 0.013 * h),
                0.022 * h,
                0.018 * h,
            ),
            body,
        )
        figure.stroke(
            polyline([(fx, fy + 0.02 * h), (fx + 0.06 * h * forward, fy + 0.02 * h)]), stripe, 0.008 * h
        )


def boots(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (90, 60, 35))
    h = a.height
    forward = math.cos(a.yaw)
    for (fx, fy), (kx, ky) in zip(a.feet, a.knees, strict=True):
        top = (fx + (kx - fx) * 0.45, fy + (ky - fy) * 0.45)
        figure.fill(capsule((fx, fy + 0.03 * h), top, 0.035 * h, 0.04 * h), colour)
        figure.fill(
            capsule(
                (fx - 0.012 * h, fy + 0.018 * h),
                (fx + 0.09 * h * forward + 0.01 * h, fy + 0.014 * h),
                0.024 * h,
                0.018 * h,
            ),
            colour,
        )


def skinny_jeans(figure: Figure, a: Anchors, palette: tuple[RGB, ...], pose: BodyPose) -> None:
    del pose
    colour = _c(palette, 0, (70, 100, 150))
    h = a.height
    for knee, foot in zip(a.knees, a.feet, strict=True):
        ankle = (foot[0], foot[1] + 0.03 * h)
        figure.fill(capsule(a.pelvis, knee, 0.045 * h, 0.035 * h), colour)
        figure.fill(capsule(knee, ankle, 0.035 * h, 0.026 * h), colour)


def _star(cx: float, cy: float, r: float) -> object:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.45
        angle = math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return polygon(points)


def _shade(rgb: RGB, factor: float) -> RGB:
    return (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))


DRAWERS: dict[str, Drawer] = {
    "gold chain": gold_chain, "necklace": necklace, "scarf": scarf, "tie": tie, "bow tie": bow_tie,
    "top hat": top_hat, "hat": hat, "cowboy hat": cowboy_hat, "cap": cap, "chef hat": chef_hat,
    "wizard hat": wizard_hat, "pirate hat": pirate_hat, "crown": crown, "helmet": helmet,
    "space helmet": space_helmet, "mask": mask, "red nose": red_nose, "sunglasses": sunglasses,
    "glasses": glasses, "goggles": goggles, "headphones": headphones, "earrings": earrings, "cape": cape,
    "backpack": backpack, "watch": watch, "bracelet": bracelet, "gloves": gloves, "sneakers": sneakers,
    "boots": boots, "skinny jeans": skinny_jeans,
}  # fmt: skip
