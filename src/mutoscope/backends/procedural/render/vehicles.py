"""Vehicles: wheeled (`car` body plan: cars, buses, trucks, bicycles, motorcycles, trains), watercraft
(`boat`: boats, sailboats, ships, canoes, submarines) and aircraft (`plane`: airliners, jets, helicopters,
spaceships, paper planes).

Wheels turn with the track's `wheel` angle (or with distance travelled when it has none), propellers and
rotors with `prop`. Bodies are drawn facing +x in their bounding box (origin at its centre). Palettes:
(body, trim, *accents).
"""

from __future__ import annotations

import math

from mutoscope.backends.procedural.render.figure import (
    Figure,
    circle,
    ellipse,
    polygon,
    polyline,
    rect,
    smooth_polyline,
)
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.scene import RGB

TYRE: RGB = (28, 28, 30)
HUB: RGB = (190, 190, 196)
GLASS: RGB = (150, 195, 225)


def car(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, trim = look.colour(0, (200, 40, 40)), look.colour(1, (30, 30, 34))
    kind = look.type
    if kind in ("bicycle", "motorcycle", "scooter"):
        return _two_wheeler(look, pose)
    figure = Figure()
    wheel_r = min(h * 0.22, w * 0.1) if kind not in ("tractor",) else h * 0.3
    spin = pose.joint("wheel", -pose.x_m / max(wheel_r, 1e-3))
    floor = -h / 2 + wheel_r
    if kind in ("bus", "train", "truck", "fire truck", "ambulance", "van"):
        figure.fill(rect(-w / 2, floor, w / 2, h / 2, h * 0.08), main)
        count = max(2, int(w / 1.6))
        for k in range(count):
            x = -w / 2 + w * 0.05 + k * (w * 0.9 / count)
            figure.fill(rect(x, h * 0.05, x + w * 0.9 / count * 0.8, h * 0.38, h * 0.03), GLASS, shade=False)
        figure.fill(rect(-w / 2, floor, w / 2, floor + h * 0.08), trim, outline=False)
        if kind == "fire truck":
            figure.stroke(
                polyline([(-w * 0.4, h / 2 + h * 0.05), (w * 0.3, h / 2 + h * 0.05)]), HUB, h * 0.04
            )
        if kind in ("ambulance", "police car"):
            figure.fill(rect(-w * 0.1, h * 0.12, w * 0.1, h * 0.2), (220, 30, 30), shade=False)
        xs = (-w * 0.35, w * 0.35) if kind != "train" else (-w * 0.4, -w * 0.3, w * 0.3, w * 0.4)
    else:
        sport = kind == "race car"
        roof = h / 2 if not sport else h * 0.25
        cabin = smooth_polyline(
            [(-w * 0.3, floor + h * 0.3), (-w * 0.18, roof), (w * 0.12, roof), (w * 0.28, floor + h * 0.3)],
            True,
        )
        figure.fill(cabin, main)
        figure.fill(
            polygon(
                [
                    (-w * 0.24, floor + h * 0.32),
                    (-w * 0.15, roof - h * 0.08),
                    (-w * 0.02, roof - h * 0.08),
                    (-w * 0.02, floor + h * 0.32),
                ]
            ),
            GLASS,
            shade=False,
        )
        figure.fill(
            polygon(
                [
                    (w * 0.02, floor + h * 0.32),
                    (w * 0.02, roof - h * 0.08),
                    (w * 0.1, roof - h * 0.08),
                    (w * 0.22, floor + h * 0.32),
                ]
            ),
            GLASS,
            shade=False,
        )
        figure.fill(rect(-w / 2, floor, w / 2, floor + h * 0.34, h * 0.12), main)
        figure.fill(
            ellipse(w / 2 - w * 0.03, floor + h * 0.22, w * 0.025, h * 0.05),
            (255, 240, 190),
            emissive=True,
            shade=False,
        )
        figure.fill(rect(-w / 2, floor, w / 2, floor + h * 0.06), trim, outline=False)
        if kind == "taxi":
            figure.fill(rect(-w * 0.06, roof, w * 0.06, roof + h * 0.08), (250, 240, 200), shade=False)
        if kind == "police car":
            figure.fill(
                rect(-w * 0.08, roof, w * 0.08, roof + h * 0.07), look.colour(2, (40, 80, 220)), emissive=True
            )
        if kind == "tractor":
            figure.fill(rect(-w * 0.45, floor, -w * 0.05, h / 2, h * 0.04), main)
        xs = (-w * 0.32, w * 0.32)
    for x in xs:
        _wheel(figure, x, -h / 2 + wheel_r, wheel_r, spin)
    return figure


def _wheel(figure: Figure, x: float, y: float, r: float, spin: float) -> None:
    figure.fill(circle(x, y, r), TYRE)
    figure.fill(circle(x, y, r * 0.55), HUB, shade=False)
    for k in range(3):  # spokes show the roll
        a = spin + k * 2 * math.pi / 3
        figure.stroke(
            polyline([(x, y), (x + r * 0.5 * math.cos(a), y + r * 0.5 * math.sin(a))]), TYRE, r * 0.12
        )


def _two_wheeler(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, trim = look.colour(0, (200, 40, 40)), look.colour(1, (30, 30, 34))
    figure = Figure()
    r = min(h * 0.33, w * 0.2)
    spin = pose.joint("wheel", -pose.x_m / max(r, 1e-3))
    back, front = (-w / 2 + r, -h / 2 + r), (w / 2 - r, -h / 2 + r)
    for x, y in (back, front):
        figure.stroke(ellipse(x, y, r, r), TYRE, r * 0.14)
        for k in range(4 if look.type == "bicycle" else 2):
            a = spin + k * math.pi / (2 if look.type == "bicycle" else 1)
            figure.stroke(
                polyline(
                    [(x - r * math.cos(a), y - r * math.sin(a)), (x + r * math.cos(a), y + r * math.sin(a))]
                ),
                HUB,
                r * 0.04,
            )
    seat = (back[0] + r * 0.5, back[1] + r * 1.6)
    bars = (front[0] - r * 0.2, front[1] + r * 1.9)
    crank = (0.0, back[1])
    frame = [back, crank, seat, back, (bars[0] - r * 0.3, seat[1] - r * 0.2), crank]
    figure.stroke(polyline(frame), main, r * 0.12)
    figure.stroke(polyline([front, bars]), main, r * 0.12)
    if look.type != "bicycle":
        figure.fill(
            smooth_polyline(
                [
                    (back[0], back[1] + r * 0.8),
                    (seat[0], seat[1] - r * 0.2),
                    (bars[0], bars[1] - r * 0.8),
                    (0, back[1] + r * 0.5),
                ],
                True,
            ),
            main,
        )
    figure.fill(ellipse(seat[0], seat[1], r * 0.35, r * 0.1), trim)
    figure.stroke(polyline([bars, (bars[0] - r * 0.3, bars[1] + r * 0.1)]), trim, r * 0.1)
    return figure


def boat(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, trim = look.colour(0, (240, 240, 240)), look.colour(1, (40, 90, 200))
    kind = look.type
    figure = Figure()
    if kind == "submarine":
        figure.fill(ellipse(0, 0, w / 2, h * 0.35), main)
        figure.fill(rect(-w * 0.08, h * 0.2, w * 0.08, h / 2, h * 0.05), main)
        for k in range(4):
            figure.fill(circle(-w * 0.2 + k * w * 0.13, 0, h * 0.08), GLASS, shade=False)
        angle = pose.joint("prop", pose.time_s * 12)
        figure.fill(ellipse(-w / 2, 0, h * 0.05, h * 0.25 * abs(math.cos(angle)) + h * 0.03), trim)
        return figure
    sail = kind == "sailboat"
    hull_h = h * (0.25 if sail else 0.55) if kind != "ship" else h * 0.4
    deck = -h / 2 + hull_h
    hull = polygon(
        [
            (-w / 2, deck),
            (w / 2, deck + hull_h * 0.15),
            (w / 2 - w * 0.12, -h / 2),
            (-w / 2 + w * 0.06, -h / 2),
        ]
    )
    if kind == "canoe":
        hull = smooth_polyline(
            [
                (-w / 2, deck + hull_h * 0.3),
                (0, deck - hull_h * 0.1),
                (w / 2, deck + hull_h * 0.3),
                (w * 0.3, -h / 2),
                (-w * 0.3, -h / 2),
            ],
            True,
        )
    figure.fill(hull, main)
    figure.fill(
        polygon(
            [
                (-w / 2 + w * 0.02, deck - hull_h * 0.25),
                (w / 2 - w * 0.03, deck - hull_h * 0.1),
                (w / 2 - w * 0.05, deck - hull_h * 0.3),
                (-w / 2 + w * 0.03, deck - hull_h * 0.4),
            ]
        ),
        trim,
        outline=False,
    )
    if sail:
        mast_x = -w * 0.05
        figure.fill(rect(mast_x - w * 0.01, deck, mast_x + w * 0.01, h / 2), (120, 90, 60))
        figure.fill(
            polygon(
                [
                    (mast_x + w * 0.02, deck + h * 0.05),
                    (mast_x + w * 0.02, h / 2 - h * 0.03),
                    (mast_x + w * 0.42, deck + h * 0.05),
                ]
            ),
            (250, 250, 245),
        )
        figure.fill(
            polygon(
                [
                    (mast_x - w * 0.02, deck + h * 0.08),
                    (mast_x - w * 0.02, h / 2 - h * 0.1),
                    (mast_x - w * 0.35, deck + h * 0.08),
                ]
            ),
            (245, 245, 240),
        )
    elif kind == "ship":
        figure.fill(rect(-w * 0.3, deck, w * 0.25, deck + h * 0.25), (245, 245, 245))
        for k in range(8):
            figure.fill(circle(-w * 0.25 + k * w * 0.06, deck + h * 0.12, h * 0.03), GLASS, shade=False)
        figure.fill(rect(-w * 0.05, deck + h * 0.25, w * 0.05, h / 2), look.colour(1, (200, 40, 40)))
    elif kind != "canoe":
        figure.fill(
            polygon(
                [(-w * 0.15, deck), (-w * 0.1, deck + h * 0.35), (w * 0.12, deck + h * 0.35), (w * 0.2, deck)]
            ),
            main,
        )
        figure.fill(
            polygon([(w * 0.02, deck + h * 0.05), (w * 0.1, deck + h * 0.3), (w * 0.15, deck + h * 0.05)]),
            GLASS,
            shade=False,
        )
    return figure


def plane(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, trim = look.colour(0, (240, 240, 240)), look.colour(1, (40, 90, 200))
    kind = look.type
    figure = Figure()
    if kind == "paper airplane":
        figure.fill(polygon([(w / 2, 0), (-w / 2, h / 2), (-w * 0.3, 0), (-w / 2, -h / 2)]), main)
        figure.stroke(polyline([(w / 2, 0), (-w * 0.3, 0)]), (180, 180, 180), h * 0.05)
        return figure
    if kind == "helicopter":
        figure.fill(ellipse(w * 0.1, -h * 0.05, w * 0.25, h * 0.3), main)
        figure.fill(
            polygon([(-w * 0.1, 0), (-w / 2, h * 0.05), (-w / 2, -h * 0.05), (-w * 0.1, -h * 0.15)]), main
        )
        figure.fill(ellipse(w * 0.22, 0, w * 0.1, h * 0.18), GLASS, shade=False)
        blade = pose.joint("prop", pose.time_s * 40.0)
        span = w * 0.48 * abs(math.cos(blade)) + w * 0.05
        figure.stroke(polyline([(w * 0.05 - span, h * 0.35), (w * 0.05 + span, h * 0.35)]), trim, h * 0.04)
        figure.stroke(polyline([(-w * 0.3, -h * 0.35), (w * 0.35, -h * 0.35)]), trim, h * 0.03)
        return figure
    wing = pose.joint("wing")
    body = smooth_polyline(
        [
            (w / 2, 0),
            (w * 0.4, h * 0.12),
            (-w * 0.4, h * 0.12),
            (-w / 2, h * 0.05),
            (-w / 2, -h * 0.05),
            (-w * 0.4, -h * 0.12),
            (w * 0.4, -h * 0.12),
        ],
        True,
    )
    figure.fill(
        polygon(
            [
                (-w * 0.05, -h * 0.02),
                (-w * 0.25, -h * (0.35 + wing)),
                (-w * 0.15, -h * (0.35 + wing)),
                (w * 0.08, -h * 0.02),
            ]
        ),
        _dim(trim, 0.8),
    )
    figure.fill(
        polygon([(-w * 0.38, h * 0.1), (-w * 0.5, h / 2), (-w * 0.43, h / 2), (-w * 0.28, h * 0.1)]), trim
    )
    figure.fill(body, main)
    if kind in ("plane", "spaceship"):
        for k in range(10):
            figure.fill(
                circle(-w * 0.3 + k * w * 0.06, h * 0.03, h * 0.025), GLASS, shade=False, outline=False
            )
    figure.fill(
        polygon([(w * 0.4, h * 0.1), (w * 0.47, h * 0.03), (w * 0.4, h * 0.03)]),
        GLASS,
        shade=False,
        outline=False,
    )
    figure.fill(
        polygon([(w * 0.05, -h * 0.02), (-w * 0.12, -h * 0.2), (-w * 0.05, -h * 0.2), (w * 0.12, -h * 0.02)]),
        trim,
    )
    if kind == "spaceship":
        figure.fill(
            ellipse(-w / 2, 0, w * 0.04, h * 0.08 + h * 0.03 * math.sin(pose.time_s * 30)),
            (120, 200, 255),
            emissive=True,
            shade=False,
        )
    return figure


def _dim(rgb: RGB, factor: float) -> RGB:
    return (round(rgb[0] * factor), round(rgb[1] * factor), round(rgb[2] * factor))
