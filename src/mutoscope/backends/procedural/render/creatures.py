"""Animals other than quadrupeds (quadrupeds.py): birds and bats, fish (sharks, dolphins, whales), serpents
(snakes and eastern dragons), insects and soft-bodied blobs (octopus, jellyfish, teddy bears, teapots).

Birds flap `wing` (+ raised; when the track has no wing angle, an airborne bird flaps on its own); fish and
serpents undulate with `body_wave` (the phase of a wave running head to tail) and swing `tail`. Palettes:
(body, secondary, *accents). A talking animal opens its beak or mouth with `BodyPose.mouth`.
"""

from __future__ import annotations

import math

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


# --- birds ---


def bird(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    body_rgb, second = look.colour(0, (90, 120, 200)), look.colour(1, (240, 240, 240))
    accent = look.colour(2, (240, 170, 40))
    figure = Figure()
    upright = look.type in ("penguin", "owl")
    flightless = look.type in ("penguin", "chicken")
    airborne = pose.height_above_ground_m > h * 0.3
    wing = pose.joint(
        "wing", math.sin(pose.time_s * 14.0) * 0.9 if airborne and "wing" not in pose.joints else 0.0
    )
    span = (0.35 if flightless else 0.75) * w
    shoulder = (w * 0.05, h * 0.12)
    bat = look.type == "bat"
    _wing(figure, shoulder, span, wing + 0.25, colour=_dim(body_rgb, 0.7), bat=bat)
    if not airborne or flightless:
        for dx in (-0.06, 0.06):
            hip = (w * dx, -h * 0.1)
            foot = (hip[0] + w * 0.04, -h * 0.5)
            figure.stroke(polyline([hip, foot, (foot[0] + w * 0.08, foot[1])]), accent, max(0.01 * h, 0.004))
    tail_angle = pose.joint("tail")
    tail = [
        (-w * 0.3, h * 0.05),
        (-w * 0.55, h * (0.15 + 0.2 * tail_angle)),
        (-w * 0.55, h * (-0.05 + 0.2 * tail_angle)),
    ]
    figure.fill(polygon(tail), _dim(body_rgb, 0.85))
    if upright:
        figure.fill(ellipse(0.0, -h * 0.05, w * 0.38, h * 0.42), body_rgb)
        figure.fill(ellipse(w * 0.1, -h * 0.1, w * 0.24, h * 0.32), second, outline=False)
        head = (w * 0.05, h * 0.32)
    else:
        figure.fill(ellipse(0.0, 0.0, w * 0.34, h * 0.26), body_rgb)
        figure.fill(ellipse(w * 0.08, -h * 0.08, w * 0.22, h * 0.14), second, outline=False)
        head = (w * 0.3, h * 0.2)
    r = h * (0.2 if upright else 0.17)
    if look.type in ("swan", "duck"):
        neck_base = (w * 0.22, h * 0.05)
        head = (w * 0.36, h * (0.42 if look.type == "swan" else 0.28))
        figure.fill(capsule(neck_base, head, r * 0.45, r * 0.4), body_rgb)
    figure.fill(circle(*head, r), body_rgb if look.type != "chicken" else second)
    beak_len = r * (1.1 if look.type in ("duck", "swan") else 0.8)
    beak = [
        (head[0] + r * 0.8, head[1] + r * 0.15),
        (head[0] + r * 0.8 + beak_len, head[1] - r * 0.1),
        (head[0] + r * 0.75, head[1] - r * 0.3),
    ]
    if pose.mouth > 0.05:
        beak.insert(2, (head[0] + r * 0.8 + beak_len * 0.8, head[1] - r * (0.2 + pose.mouth * 0.8)))
    figure.fill(polygon(beak), accent)
    if look.type == "chicken":
        figure.fill(circle(head[0], head[1] + r * 0.9, r * 0.35), look.colour(1, (220, 40, 30)))
    figure.fill(circle(head[0] + r * 0.4, head[1] + r * 0.25, r * 0.16), EYE, shade=False, outline=False)
    _wing(figure, (shoulder[0] + w * 0.03, shoulder[1]), span, wing, colour=body_rgb, bat=bat)
    return figure


def _wing(figure: Figure, shoulder: Point, span: float, angle: float, *, colour: RGB, bat: bool) -> None:
    """A wing from the shoulder; `angle` raises it (0 = level), swept back."""
    tip = (shoulder[0] - span * 0.55 * math.cos(angle * 0.5), shoulder[1] + span * math.sin(angle))
    elbow = (
        (shoulder[0] + tip[0]) / 2 + span * 0.05,
        (shoulder[1] + tip[1]) / 2 + span * 0.12 * math.cos(angle),
    )
    trailing = (shoulder[0] - span * 0.35, shoulder[1] - span * 0.05)
    if bat:
        figure.fill(
            polygon(
                [
                    shoulder,
                    elbow,
                    tip,
                    ((tip[0] + trailing[0]) / 2, (tip[1] + trailing[1]) / 2 - span * 0.08),
                    trailing,
                ]
            ),
            colour,
        )
    else:
        figure.fill(smooth_polyline([shoulder, elbow, tip, trailing], True), colour)


# --- fish and serpents ---


def fish(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    body_rgb, belly = look.colour(0, (240, 140, 40)), look.colour(1, (250, 250, 245))
    figure = Figure()
    wave = pose.joint("body_wave", pose.time_s * 8.0)
    swing = pose.joint("tail", math.sin(wave) * 0.35)
    tail_base = (-w * 0.4, 0.0)
    fin_tip = -w * (0.62 if look.type != "whale" else 0.55)
    figure.fill(
        polygon(
            [
                tail_base,
                (fin_tip, h * (0.45 + swing)),
                (fin_tip + w * 0.06, h * swing * 0.5),
                (fin_tip, h * (-0.45 + swing)),
            ]
        ),
        _dim(body_rgb, 0.85),
    )
    bend = math.sin(wave) * h * 0.06
    top = [(w * 0.5, -h * 0.02), (w * 0.3, h * 0.38), (-w * 0.05, h * 0.45), (-w * 0.42, h * 0.12 + bend)]
    bottom = [(-w * 0.42, -h * 0.12 + bend), (-w * 0.05, -h * 0.42), (w * 0.3, -h * 0.35)]
    figure.fill(smooth_polyline(top + bottom, True), body_rgb)
    figure.fill(
        smooth_polyline(
            [(w * 0.45, -h * 0.08), (w * 0.2, -h * 0.34), (-w * 0.2, -h * 0.35), (-w * 0.35, -h * 0.1)], True
        ),
        belly,
        outline=False,
    )
    dorsal = 0.55 if look.type in ("shark", "dolphin") else 0.3
    figure.fill(
        polygon([(-w * 0.05, h * 0.4), (-w * 0.15, h * (0.45 + dorsal)), (-w * 0.2, h * 0.38)]),
        _dim(body_rgb, 0.9),
    )
    figure.fill(
        polygon([(w * 0.12, -h * 0.05), (-w * 0.02, -h * 0.3), (w * 0.04, -h * 0.05)]), _dim(body_rgb, 0.8)
    )
    eye = (w * 0.33, h * 0.1)
    figure.fill(circle(*eye, h * 0.07), (250, 250, 250), shade=False, outline=False)
    figure.fill(circle(eye[0] + h * 0.015, eye[1], h * 0.045), EYE, shade=False, outline=False)
    if pose.mouth > 0.05:
        figure.fill(
            ellipse(w * 0.47, -h * 0.06, w * 0.03, h * 0.05 + h * 0.12 * pose.mouth), MOUTH, shade=False
        )
    return figure


def serpent(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    body_rgb, belly = look.colour(0, (70, 140, 60)), look.colour(1, (220, 200, 120))
    dragon = look.type == "dragon"
    figure = Figure()
    wave = pose.joint("body_wave", pose.time_s * 4.0 + pose.x_m * 1.5)
    amplitude = h * (0.35 if dragon else 0.25)
    steps = 24
    centre: list[Point] = []
    for k in range(steps + 1):
        s = k / steps
        centre.append((w * (0.5 - s), amplitude * math.sin(2.2 * math.pi * s - wave) * min(1.0, s * 3)))
    thickness = [h * (0.32 if dragon else 0.45) * (1 - 0.85 * (k / steps) ** 1.5) for k in range(steps + 1)]
    upper, lower = _offset(centre, thickness)
    figure.fill(polygon(upper + lower[::-1]), body_rgb)
    figure.stroke(
        polyline([(x, y - t * 0.6) for (x, y), t in zip(centre[2:-3], thickness[2:-3], strict=True)]),
        belly,
        h * 0.08,
    )
    if dragon:
        _dragon_details(figure, look, pose, list(zip(centre, thickness, strict=True)))
    head = centre[0]
    r = thickness[0] * 0.8
    figure.fill(ellipse(head[0] + r * 0.4, head[1], r * 1.3, r * 0.8), body_rgb)
    figure.fill(
        circle(head[0] + r * 0.6, head[1] + r * 0.35, r * 0.18),
        (250, 210, 40) if dragon else EYE,
        shade=False,
        outline=False,
    )
    if pose.mouth > 0.05 or not dragon:
        tongue = (head[0] + r * (2.0 + pose.mouth), head[1] - r * 0.1)
        figure.stroke(polyline([(head[0] + r * 1.6, head[1] - r * 0.1), tongue]), (200, 40, 50), r * 0.12)
    return figure


def _dragon_details(figure: Figure, look: BodyLook, pose: BodyPose, spine: list[tuple[Point, float]]) -> None:
    """Spikes, little clawed legs, horns and whiskers along a serpent's `spine` of (point, thickness)."""
    centre = [point for point, _ in spine]
    thickness = [t for _, t in spine]
    body_rgb = look.colour(0, (70, 140, 60))
    spikes = look.colour(2, (240, 200, 60))
    for k in range(2, len(centre) - 3, 2):
        x, y = centre[k]
        t = thickness[k]
        figure.fill(
            polygon([(x - t * 0.3, y + t * 0.9), (x, y + t * 1.6), (x + t * 0.3, y + t * 0.9)]), spikes
        )
    for k in (5, 14):  # little legs with claws
        x, y = centre[k]
        t = thickness[k]
        swing = math.sin(pose.time_s * 6 + k) * 0.4
        figure.fill(
            capsule((x, y - t * 0.6), limb_end((x, y - t * 0.6), t * 1.4, swing), t * 0.25),
            _dim(body_rgb, 0.85),
        )
    hx, hy = centre[0]
    r = thickness[0]
    for dx in (-0.2, 0.1):
        figure.stroke(
            polyline([(hx + r * dx, hy + r * 0.7), (hx - r * (0.8 - dx), hy + r * 1.6)]), spikes, r * 0.14
        )
    whisker = math.sin(pose.time_s * 3.0) * r * 0.3
    figure.stroke(
        smooth_polyline(
            [
                (hx + r * 1.3, hy - r * 0.2),
                (hx + r * 1.8, hy - r * 0.6 + whisker),
                (hx + r * 1.5, hy - r * 1.3),
            ]
        ),
        spikes,
        r * 0.07,
    )


def _offset(centre: list[Point], thickness: list[float]) -> tuple[list[Point], list[Point]]:
    upper, lower = [], []
    for k, (x, y) in enumerate(centre):
        nxt = centre[min(k + 1, len(centre) - 1)]
        prv = centre[max(k - 1, 0)]
        dx, dy = nxt[0] - prv[0], nxt[1] - prv[1]
        norm = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / norm, dx / norm
        t = thickness[k] * 0.5
        upper.append((x - nx * t, y - ny * t))
        lower.append((x + nx * t, y + ny * t))
    return upper, lower


# --- insects and blobs ---


def insect(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    body_rgb, second = look.colour(0, (230, 180, 40)), look.colour(1, (30, 30, 30))
    figure = Figure()
    flap = pose.joint("wing", math.sin(pose.time_s * 30.0))
    if look.type in ("spider", "crab"):
        for k in range(4):
            x = w * (-0.2 + 0.13 * k)
            knee = (x + w * 0.1 * (k - 1.5), h * 0.3)
            figure.stroke(
                polyline([(x, 0), knee, (knee[0] + w * 0.1 * (k - 1.5), -h * 0.5)]), second, h * 0.06
            )
        figure.fill(ellipse(0, 0, w * 0.3, h * 0.35), body_rgb)
        if look.type == "crab":
            for dx in (0.3, 0.45):
                figure.fill(circle(w * dx, h * 0.35, h * 0.18), body_rgb)
        return figure
    if look.type == "butterfly":
        figure.fill(
            ellipse(-w * 0.05, h * 0.3 + h * 0.4 * flap, w * 0.4, h * 0.5 * (0.4 + 0.6 * abs(flap))), body_rgb
        )
        figure.fill(ellipse(-w * 0.1, -h * 0.1, w * 0.25, h * 0.3), _dim(body_rgb, 0.85))
        figure.fill(capsule((-w * 0.3, 0), (w * 0.3, 0), h * 0.08), second)
        return figure
    figure.fill(
        ellipse(-w * 0.05, h * 0.45, w * 0.25, h * 0.4 * (0.3 + 0.7 * abs(flap))),
        (230, 240, 250),
        alpha=0.7,
        shade=False,
    )
    figure.fill(ellipse(0, 0, w * 0.45, h * 0.35), body_rgb)
    for k in range(3):
        x = w * (-0.25 + 0.15 * k)
        figure.fill(ellipse(x, 0, w * 0.04, h * 0.33), second, outline=False, shade=False)
    figure.fill(circle(w * 0.42, h * 0.05, h * 0.22), second)
    return figure


def blob(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    colour, second = look.colour(0, (190, 70, 90)), look.colour(1, (240, 170, 190))
    figure = Figure()
    if look.type in ("octopus", "jellyfish"):
        jelly = look.type == "jellyfish"
        for k in range(8 if not jelly else 6):
            x = w * (-0.35 + 0.1 * k)
            pts = [
                (x + w * 0.04 * math.sin(pose.time_s * 3 + k + j), -h * 0.05 - j * h * 0.12) for j in range(6)
            ]
            figure.stroke(
                smooth_polyline(pts), colour if not jelly else second, h * (0.07 if not jelly else 0.025)
            )
        figure.fill(ellipse(0, h * 0.2, w * 0.4, h * 0.32), colour, alpha=0.75 if jelly else 1.0)
        if not jelly:
            for dx in (-0.12, 0.12):
                figure.fill(circle(w * dx, h * 0.18, h * 0.06), (250, 250, 250), shade=False, outline=False)
                figure.fill(circle(w * dx, h * 0.17, h * 0.03), EYE, shade=False, outline=False)
        return figure
    if look.type == "teddy bear":
        for dx in (-0.25, 0.25):
            figure.fill(circle(w * dx, h * 0.45, h * 0.1), colour)
        figure.fill(ellipse(0, -h * 0.15, w * 0.4, h * 0.32), colour)
        figure.fill(circle(0, h * 0.25, h * 0.25), colour)
        figure.fill(ellipse(0, h * 0.18, h * 0.1, h * 0.07), second)
        for dx in (-0.08, 0.08):
            figure.fill(circle(w * dx, h * 0.3, h * 0.03), EYE, shade=False, outline=False)
        return figure
    if look.type == "teapot":
        figure.fill(ellipse(0, -h * 0.05, w * 0.35, h * 0.42), colour)
        figure.stroke(
            smooth_polyline([(w * 0.3, -h * 0.05), (w * 0.45, h * 0.05), (w * 0.5, h * 0.3)]), colour, h * 0.1
        )
        figure.stroke(
            smooth_polyline([(-w * 0.3, h * 0.2), (-w * 0.5, h * 0.1), (-w * 0.3, -h * 0.2)]),
            colour,
            h * 0.07,
        )
        figure.fill(ellipse(0, h * 0.38, w * 0.15, h * 0.08), second)
        return figure
    lumps = [circle(w * (-0.3 + 0.2 * k), -h * 0.1 + h * 0.15 * (k % 2), h * 0.35) for k in range(4)]
    figure.fill(
        smooth_polyline(
            [
                (-w * 0.5, -h * 0.5),
                (-w * 0.45, h * 0.1),
                (0, h * 0.5),
                (w * 0.45, h * 0.1),
                (w * 0.5, -h * 0.5),
            ],
            True,
        ),
        colour,
    )
    del lumps
    return figure


def _dim(rgb: RGB, factor: float) -> RGB:
    return (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))
