"""Four-legged animals, drawn from the shared quadruped skeleton and a per-species `Breed`.

Skeleton (`physics.skeleton`): the root is the torso centre line at h/2; hips sit at ±QUADRUPED_HIP_X of the
body length; legs are QUADRUPED_LEG of the height and swing from hanging down (+ forward) with `leg_fl`,
`leg_fr`, `leg_bl`, `leg_br`; `neck` + lowers the head; `tail` + raises the tail. A `Breed` gives the
proportions, ears, tail, coat pattern and extras (mane, horn, antlers, trunk, tusks, shell, hump, spikes,
wool). Palette: (coat, secondary, *accents). A talking animal opens its jaw with `BodyPose.mouth`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mutoscope.backends.procedural.physics.skeleton import QUADRUPED_HIP_X, QUADRUPED_LEG
from mutoscope.backends.procedural.render.figure import (
    Figure,
    Point,
    capsule,
    circle,
    ellipse,
    limb_end,
    polygon,
    polyline,
    smooth_polyline,
)
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.scene import RGB

EYE: RGB = (20, 18, 20)
MOUTH: RGB = (60, 20, 24)
NOSE: RGB = (30, 25, 25)
HORN: RGB = (230, 225, 210)
ANTLER: RGB = (150, 120, 80)
TUSK: RGB = (245, 240, 225)
WOOL: RGB = (245, 243, 236)
TAIL_LENGTH = {"long": 0.5, "bushy": 0.45, "short": 0.12, "curl": 0.18, "thin": 0.45}


@dataclass(frozen=True, slots=True)
class Breed:
    leg_w: float = 0.07  # leg radius / height
    torso_h: float = 0.22  # torso half-height / height
    neck: float = 0.22  # neck length / height
    neck_up: float = 0.9  # neck angle above forward (radians)
    head_r: float = 0.14  # head radius / height
    snout: float = 0.9  # snout length / head radius
    ears: str = "point"  # point, flop, round, long, horse, none
    tail: str = "long"  # long, bushy, short, curl, thin, none
    pattern: str = "none"  # belly, stripes, spots, patches, panda
    extras: tuple[str, ...] = ()


# fmt: off
BREEDS: dict[str, Breed] = {
    #                  leg_w torso  neck  up    head  snout  ears     tail     pattern
    "dog":       Breed(0.07, 0.26, 0.22, 0.9, 0.16, 0.9, "flop", "long", "belly"),
    "cat":       Breed(0.06, 0.22, 0.22, 0.9, 0.16, 0.45, "point", "long"),
    "horse":     Breed(0.05, 0.17, 0.30, 1.0, 0.09, 1.6, "horse", "bushy", extras=("mane",)),
    "unicorn":   Breed(0.05, 0.17, 0.30, 1.0, 0.09, 1.6, "horse", "bushy", extras=("mane", "horn")),
    "zebra":     Breed(0.05, 0.17, 0.30, 1.0, 0.09, 1.5, "horse", "thin", "stripes", ("mane",)),
    "deer":      Breed(0.04, 0.16, 0.28, 1.1, 0.09, 1.2, "point", "short", extras=("antlers",)),
    "cow":       Breed(0.06, 0.22, 0.15, 0.5, 0.11, 1.1, "flop", "thin", "patches", ("horn",)),
    "goat":      Breed(0.05, 0.20, 0.18, 0.9, 0.11, 1.0, "point", "short", extras=("horn",)),
    "sheep":     Breed(0.05, 0.26, 0.12, 0.9, 0.12, 0.8, "flop", "short", extras=("wool",)),
    "pig":       Breed(0.06, 0.27, 0.06, 0.3, 0.16, 0.7, "flop", "curl"),
    "rabbit":    Breed(0.08, 0.26, 0.10, 0.9, 0.20, 0.5, "long", "short"),
    "mouse":     Breed(0.06, 0.26, 0.06, 0.4, 0.20, 0.8, "round", "thin"),
    "squirrel":  Breed(0.07, 0.24, 0.08, 0.9, 0.18, 0.6, "point", "bushy"),
    "bear":      Breed(0.10, 0.28, 0.10, 0.4, 0.15, 0.7, "round", "short"),
    "panda":     Breed(0.10, 0.28, 0.10, 0.4, 0.17, 0.5, "round", "short", "panda"),
    "lion":      Breed(0.08, 0.20, 0.15, 0.7, 0.14, 0.7, "round", "thin", extras=("mane",)),
    "tiger":     Breed(0.08, 0.20, 0.12, 0.6, 0.14, 0.7, "round", "long", "stripes"),
    "elephant":  Breed(0.11, 0.28, 0.05, 0.5, 0.20, 0.3, "flop", "thin", extras=("trunk", "tusks")),
    "giraffe":   Breed(0.03, 0.10, 0.48, 1.25, 0.05, 1.4, "point", "thin", "spots", ("horn",)),
    "monkey":    Breed(0.07, 0.22, 0.10, 1.2, 0.18, 0.4, "round", "curl"),
    "gorilla":   Breed(0.11, 0.26, 0.05, 1.2, 0.14, 0.4, "round", "none"),
    "fox":       Breed(0.06, 0.22, 0.22, 0.9, 0.14, 1.0, "point", "bushy", "belly"),
    "wolf":      Breed(0.06, 0.22, 0.22, 0.9, 0.13, 1.1, "point", "bushy", "belly"),
    "kangaroo":  Breed(0.08, 0.24, 0.15, 1.3, 0.10, 0.9, "long", "long"),
    "camel":     Breed(0.045, 0.15, 0.30, 0.6, 0.08, 1.4, "round", "thin", extras=("hump",)),
    "dinosaur":  Breed(0.10, 0.20, 0.20, 0.7, 0.12, 1.3, "none", "long", extras=("spikes",)),
    "crocodile": Breed(0.12, 0.30, 0.05, 0.1, 0.35, 2.5, "none", "long", extras=("spikes",)),
    "lizard":    Breed(0.12, 0.30, 0.05, 0.2, 0.30, 1.2, "none", "long"),
    "turtle":    Breed(0.14, 0.30, 0.15, 0.4, 0.20, 0.5, "none", "short", extras=("shell",)),
    "frog":      Breed(0.14, 0.32, 0.02, 0.3, 0.30, 0.4, "none", "none"),
}
# fmt: on


@dataclass(frozen=True, slots=True)
class _Quad:
    """One quadruped at one frame: breed, look, pose and the sizes every part needs."""

    breed: Breed
    look: BodyLook
    pose: BodyPose

    @property
    def h(self) -> float:
        return self.look.body.height_m

    @property
    def length(self) -> float:
        return self.look.body.width_m

    @property
    def coat(self) -> RGB:
        return self.look.colour(0, (150, 110, 70))

    @property
    def second(self) -> RGB:
        return self.look.colour(1, (220, 200, 170))


@dataclass(frozen=True, slots=True)
class _Head:
    """Head-relative placement: points given in head radii from the head's centre."""

    centre: Point
    r: float

    def at(self, dx: float, dy: float) -> Point:
        return (self.centre[0] + self.r * dx, self.centre[1] + self.r * dy)


def quadruped(look: BodyLook, pose: BodyPose) -> Figure:
    q = _Quad(BREEDS.get(look.type, BREEDS["dog"]), look, pose)
    figure = Figure()
    for leg in ("leg_fl", "leg_bl"):  # far legs first, darker
        _leg(figure, q, leg, _dim(q.coat, 0.75))
    _tail(figure, q)
    h, length, breed = q.h, q.length, q.breed
    figure.fill(ellipse(0.0, h * 0.02, length * 0.46, breed.torso_h * h), q.coat)
    _pattern(figure, q)
    _body_extras(figure, q)
    for leg in ("leg_fr", "leg_br"):
        _leg(figure, q, leg, q.coat)
    _head(figure, q)
    return figure


def _leg(figure: Figure, q: _Quad, name: str, colour: RGB) -> None:
    front = name[4] == "f"
    hip = ((1 if front else -1) * QUADRUPED_HIP_X * q.length, 0.0)
    length, radius = QUADRUPED_LEG * q.h, q.breed.leg_w * q.h
    angle = q.pose.joint(name)
    knee = limb_end(hip, length * 0.5, angle)
    foot = limb_end(knee, length * 0.5, angle * 0.35)
    figure.fill(capsule(hip, knee, radius * 1.25, radius), colour)
    figure.fill(capsule(knee, (foot[0], foot[1] + radius * 0.8), radius, radius * 0.85), colour)


def _tail(figure: Figure, q: _Quad) -> None:
    kind = q.breed.tail
    if kind == "none":
        return
    h = q.h
    wag = math.sin(q.pose.time_s * 9.0) * 0.15 if abs(q.pose.speed_m_s) < 0.3 else 0.0  # wags when still
    angle = 0.6 + q.pose.joint("tail") + wag - 0.9
    base = (-q.length * 0.45, h * 0.1)
    length = TAIL_LENGTH.get(kind, 0.3) * h
    end = (base[0] - length * math.cos(angle), base[1] + length * math.sin(angle))
    mid = ((base[0] + end[0]) / 2 - length * 0.1, (base[1] + end[1]) / 2 + length * 0.15)
    if kind == "bushy":
        figure.fill(
            smooth_polyline([base, mid, end, (mid[0] + length * 0.05, mid[1] - length * 0.2)], True), q.coat
        )
        figure.fill(circle(end[0], end[1], length * 0.12), q.second)
    elif kind == "curl":
        bx, by = base
        curl = [base, (bx - length * 0.6, by + length * 0.5), (bx - length * 0.2, by + length * 0.9)]
        figure.stroke(smooth_polyline([*curl, (bx - length * 0.3, by + length * 0.5)]), q.coat, h * 0.03)
    else:
        width = h * (0.025 if kind == "thin" else 0.045)
        figure.stroke(smooth_polyline([base, mid, end]), q.coat, width)
        if kind == "thin":
            figure.fill(ellipse(end[0], end[1], width * 1.3, width * 2), _dim(q.coat, 0.6))


def _pattern(figure: Figure, q: _Quad) -> None:
    length, cy, half_h = q.length, q.h * 0.02, q.breed.torso_h * q.h
    pattern = q.breed.pattern
    if pattern == "belly" and _lum(q.second) < _lum(q.coat):
        pattern = "patches"  # a dark second colour on a light coat reads as patches, not as a dark belly
    if pattern == "belly":
        figure.fill(
            ellipse(length * 0.05, cy - half_h * 0.45, length * 0.34, half_h * 0.5), q.second, outline=False
        )
    elif pattern == "stripes":
        stripe = q.look.colour(1, (30, 30, 30))
        for k in range(7):
            x = length * (-0.35 + 0.11 * k)
            top = cy + half_h * 0.9
            points = [(x, top), (x + length * 0.035, top), (x + length * 0.01, cy - half_h * 0.5)]
            figure.fill(polygon(points), stripe, outline=False, shade=False)
    elif pattern in ("spots", "patches"):
        size = 0.06 if pattern == "spots" else 0.12
        spots = q.look.colour(1, (60, 40, 30))
        for k in range(6 if pattern == "spots" else 4):
            x = length * (-0.34 + 0.13 * k) + length * 0.03 * ((q.look.seed >> k) & 1)
            y = cy + half_h * (0.4 if k % 2 else -0.2)
            figure.fill(
                ellipse(x, y, length * size * 0.6, half_h * size * 3), spots, outline=False, shade=False
            )
    elif pattern == "panda":
        figure.fill(
            ellipse(length * 0.3, cy + half_h * 0.2, length * 0.12, half_h * 0.9), q.second, outline=False
        )


def _body_extras(figure: Figure, q: _Quad) -> None:
    h, length, breed = q.h, q.length, q.breed
    if "shell" in breed.extras:
        figure.fill(ellipse(-length * 0.02, h * 0.12, length * 0.44, breed.torso_h * h * 1.15), q.second)
    if "hump" in breed.extras:
        figure.fill(ellipse(-length * 0.05, h * (breed.torso_h + 0.05), length * 0.14, h * 0.12), q.coat)
    if "wool" in breed.extras:
        figure.fill(ellipse(0.0, h * 0.05, length * 0.5, breed.torso_h * h * 1.15), WOOL)
    if "spikes" in breed.extras:
        top = h * 0.02 + breed.torso_h * h * 0.95
        for k in range(6):
            x = length * (-0.3 + 0.1 * k)
            figure.fill(
                polygon([(x - 0.03 * length, top), (x, top + 0.08 * h), (x + 0.03 * length, top)]), q.second
            )


def _head(figure: Figure, q: _Quad) -> None:
    h, breed = q.h, q.breed
    lower = q.pose.joint("neck")
    angle = breed.neck_up - lower
    base = (q.length * 0.4, h * 0.06)
    head = _Head(
        (base[0] + math.cos(angle) * breed.neck * h, base[1] + math.sin(angle) * breed.neck * h),
        breed.head_r * h,
    )
    r = head.r
    if breed.neck > 0.03:
        figure.fill(capsule(base, head.centre, max(r * 0.7, breed.leg_w * h * 1.3), r * 0.65), q.coat)
    _mane(figure, q, base, head)
    tilt = -lower * 0.5 - 0.25
    reach = r * 0.6 + breed.snout * r
    nose = (head.centre[0] + math.cos(tilt) * reach, head.centre[1] + math.sin(tilt) * reach - r * 0.15)
    _ears(figure, q, head, far=True)
    figure.fill(circle(*head.centre, r), q.coat)
    jaw = min(max(q.pose.mouth, 0.0), 1.0)
    if jaw > 0.05:
        figure.fill(
            polygon([head.at(0, -0.3), nose, (nose[0] - r * 0.1, nose[1] - r * (0.2 + 0.7 * jaw))]),
            MOUTH,
            shade=False,
        )
    figure.fill(capsule(head.at(0.3, -0.1), nose, r * 0.55, r * 0.36), q.coat)
    figure.fill(circle(nose[0] + r * 0.05, nose[1] + r * 0.1, r * 0.16), NOSE, shade=False)
    if q.look.type == "panda":
        figure.fill(ellipse(*head.at(0.35, 0.15), r * 0.28, r * 0.22), q.second, outline=False)
    figure.fill(circle(*head.at(0.35, 0.2), r * 0.12), EYE, shade=False, outline=False)
    figure.fill(
        circle(*head.at(0.39, 0.25), r * 0.04), (250, 250, 250), shade=False, outline=False, emissive=True
    )
    _ears(figure, q, head, far=False)
    _head_extras(figure, q, head)


def _mane(figure: Figure, q: _Quad, base: Point, head: _Head) -> None:
    if "mane" not in q.breed.extras:
        return
    r = head.r
    if q.look.type == "lion":
        figure.fill(circle(head.centre[0] - r * 0.2, head.centre[1], r * 1.55), _dim(q.coat, 0.6))
        return
    root = (base[0] - r * 0.3, base[1] + r * 0.6)
    figure.fill(capsule(root, head.at(-0.5, 0.4), r * 0.35), q.look.colour(2, _dim(q.coat, 0.55)))


def _head_extras(figure: Figure, q: _Quad, head: _Head) -> None:
    extras, r = q.breed.extras, head.r
    if "horn" in extras:
        unicorn = q.look.type == "unicorn"
        tip = head.at(0.9, 2.2 if unicorn else 1.3)
        figure.fill(
            polygon([head.at(0.15, 0.7), tip, head.at(0.45, 0.6)]), (240, 220, 140) if unicorn else HORN
        )
    if "antlers" in extras:
        for dx in (-0.2, 0.2):
            stem, top = head.at(dx, 0.8), head.at(dx - 0.4, 2.4)
            figure.stroke(polyline([stem, top]), ANTLER, r * 0.12)
            fork = ((stem[0] + top[0]) / 2, (stem[1] + top[1]) / 2)
            figure.stroke(polyline([fork, head.at(dx + 0.4, 2.0)]), ANTLER, r * 0.1)
    if "trunk" in extras:
        sway = math.sin(q.pose.time_s * 1.7) * 0.2
        trunk = [head.at(0.7, -0.1), head.at(1.2 + sway, -0.8), head.at(1.1 + sway * 2, -1.8)]
        figure.stroke(smooth_polyline(trunk), q.coat, r * 0.35)
    if "tusks" in extras:
        figure.stroke(
            smooth_polyline([head.at(0.6, -0.5), head.at(1.1, -0.8), head.at(1.3, -0.5)]), TUSK, r * 0.12
        )


def _ears(figure: Figure, q: _Quad, head: _Head, *, far: bool) -> None:
    colour = _dim(q.coat, 0.75) if far else q.coat
    r = head.r
    x, y = head.at(-0.15 if far else 0.1, 0.6)
    kind = q.breed.ears
    if kind == "point":
        figure.fill(polygon([(x - r * 0.3, y), (x, y + r * 0.8), (x + r * 0.25, y)]), colour)
    elif kind == "flop":
        figure.fill(ellipse(x - r * 0.3, y - r * 0.5, r * 0.25, r * 0.55), _dim(q.coat, 0.7))
    elif kind == "round":
        figure.fill(circle(x, y + r * 0.1, r * 0.3), colour)
    elif kind == "long":
        figure.fill(ellipse(x - r * 0.1, y + r * 0.9, r * 0.2, r * 0.9), colour)
    elif kind == "horse":
        figure.fill(polygon([(x - r * 0.25, y), (x - r * 0.05, y + r * 0.9), (x + r * 0.15, y)]), colour)


def _lum(rgb: RGB) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def _dim(rgb: RGB, factor: float) -> RGB:
    return (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))
