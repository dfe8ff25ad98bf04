"""Objects: balls (with seams that show their spin), boxes and furniture, cylinders, boards (a skateboard's
roll), discs, cones, sticks, ramps and rocks.

Builders draw in the body's local frame (metres, x toward the facing, y up, origin at the bounding-box centre)
from `Body.height_m`/`width_m`; the track's `angle_rad` (applied outside) turns the whole drawing, so a ball's
seams rotate as it spins. `type` (the vocabulary word) picks the details: a basketball's black seams, a soccer
ball's patches, a chair's back. Palettes: (main, secondary, *accents).
"""

from __future__ import annotations

import math

from mutoscope.backends.procedural.render.figure import (
    Figure,
    Label,
    arc,
    capsule,
    circle,
    ellipse,
    polygon,
    polyline,
    rect,
    smooth_polyline,
)
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.scene import RGB

DARK: RGB = (35, 35, 38)


def ball(look: BodyLook, pose: BodyPose) -> Figure:
    if look.type == "hot air balloon":
        return _hot_air_balloon(look, pose)
    r = min(look.body.height_m, look.body.width_m) * 0.5
    main, second = look.colour(0, (210, 60, 50)), look.colour(1, (245, 245, 240))
    figure = Figure()
    if look.type == "balloon":
        figure.stroke(
            smooth_polyline([(0, -r * 1.1), (r * 0.2, -r * 2.0), (-r * 0.1, -r * 3.0)]),
            (90, 90, 90),
            r * 0.03,
        )
        figure.fill(ellipse(0, 0, r * 0.9, r * 1.1), main)
        figure.fill(polygon([(-r * 0.12, -r * 1.15), (r * 0.12, -r * 1.15), (0, -r * 1.0)]), main)
        return figure
    figure.fill(circle(0, 0, r), main)
    seam = max(r * 0.05, 0.002)
    kind = look.type
    if kind == "basketball":
        figure.stroke(polyline([(-r, 0), (r, 0)]), second, seam)
        figure.stroke(polyline([(0, -r), (0, r)]), second, seam)
        figure.stroke(arc((-r * 1.35, 0), (r * 0.95, r * 0.95), -0.8, 1.6), second, seam)
        figure.stroke(arc((r * 1.35, 0), (r * 0.95, r * 0.95), math.pi - 0.8, 1.6), second, seam)
    elif kind == "soccer ball":
        figure.fill(_pentagon(0, 0, r * 0.32), second, shade=False)
        for k in range(5):
            a = math.pi / 2 + k * 2 * math.pi / 5
            figure.fill(
                _pentagon(r * 0.78 * math.cos(a), r * 0.78 * math.sin(a), r * 0.2, a),
                second,
                shade=False,
                outline=False,
            )
    elif kind in ("tennis ball", "baseball"):
        line = second if kind == "tennis ball" else look.colour(1, (200, 40, 40))
        figure.stroke(
            arc((-r * 1.2, 0), (r * 0.9, r * 0.9), -0.9, 1.8),
            line,
            seam * (1.0 if kind == "tennis ball" else 0.7),
        )
        figure.stroke(
            arc((r * 1.2, 0), (r * 0.9, r * 0.9), math.pi - 0.9, 1.8),
            line,
            seam * (1.0 if kind == "tennis ball" else 0.7),
        )
    elif kind in ("volleyball", "beach ball"):
        colours = look.palette[1:] or (second,)
        for k in range(6):
            if k % 2:
                continue
            a0 = k * math.pi / 3
            pts = [(0.0, 0.0)] + [
                (r * math.cos(a0 + t * math.pi / 3 / 6), r * math.sin(a0 + t * math.pi / 3 / 6))
                for t in range(7)
            ]
            figure.fill(polygon(pts), colours[(k // 2) % len(colours)], outline=False)
    elif kind == "bowling ball":
        for dx, dy in ((0.2, 0.35), (0.42, 0.22), (0.35, 0.5)):
            figure.fill(circle(r * dx, r * dy, r * 0.1), DARK, shade=False, outline=False)
    elif kind in ("apple", "orange"):
        figure.stroke(polyline([(0, r * 0.85), (r * 0.1, r * 1.25)]), (100, 70, 40), r * 0.08)
        figure.fill(ellipse(r * 0.35, r * 1.1, r * 0.25, r * 0.1), (70, 150, 60))
    else:  # a two-tone band makes any ball's spin visible
        figure.fill(
            polygon([(-r * 0.95, -r * 0.3), (r * 0.95, -r * 0.3), (r * 0.95, r * 0.3), (-r * 0.95, r * 0.3)]),
            second,
            outline=False,
        )
    return figure


def _pentagon(cx: float, cy: float, r: float, rotation: float = math.pi / 2) -> object:
    return polygon(
        [
            (
                cx + r * math.cos(rotation + k * 2 * math.pi / 5),
                cy + r * math.sin(rotation + k * 2 * math.pi / 5),
            )
            for k in range(5)
        ]
    )


def _hot_air_balloon(look: BodyLook, pose: BodyPose) -> Figure:
    del pose
    h, w = look.body.height_m, look.body.width_m
    main, second = look.colour(0, (220, 50, 40)), look.colour(1, (250, 210, 50))
    figure = Figure()
    top = h * 0.12
    for dx in (-0.12, 0.12):
        figure.stroke(
            polyline([(w * dx * 1.8, top - h * 0.22), (w * dx * 0.5, -h * 0.38)]), (80, 60, 40), h * 0.006
        )
    figure.fill(rect(-w * 0.08, -h * 0.5, w * 0.08, -h * 0.38), (140, 100, 60))
    envelope = smooth_polyline(
        [
            (0, h * 0.5),
            (w * 0.48, top + h * 0.15),
            (w * 0.3, top - h * 0.2),
            (0, top - h * 0.3),
            (-w * 0.3, top - h * 0.2),
            (-w * 0.48, top + h * 0.15),
        ],
        True,
    )
    figure.fill(envelope, main)
    for k in (-1, 1):
        figure.fill(
            smooth_polyline([(0, h * 0.5), (w * 0.2 * k, top + h * 0.1), (0, top - h * 0.3)], True),
            second,
            outline=False,
        )
    return figure


def box(look: BodyLook, pose: BodyPose) -> Figure:
    del pose
    h, w = look.body.height_m, look.body.width_m
    main, second = look.colour(0, (190, 150, 100)), look.colour(1, (120, 80, 45))
    figure = Figure()
    builder = _BOXES.get(look.type)
    if builder is not None:
        builder(figure, w, h, main, second)
        return figure
    figure.fill(rect(-w / 2, -h / 2, w / 2, h / 2, min(w, h) * 0.04), main)
    figure.fill(rect(-w * 0.08, -h / 2, w * 0.08, h / 2), second, outline=False)  # tape or a plank
    return figure


def _chair(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    seat = -h * 0.02
    figure.fill(rect(-w / 2, seat, -w / 2 + w * 0.1, h / 2), second)
    for x in (-w / 2 + w * 0.05, w / 2 - w * 0.08):
        figure.fill(rect(x, -h / 2, x + w * 0.06, seat), second)
    figure.fill(rect(-w / 2, seat, w / 2, seat + h * 0.07, h * 0.02), main)


def _table(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, h / 2 - h * 0.08, w / 2, h / 2, h * 0.02), main)
    for x in (-w / 2 + w * 0.04, w / 2 - w * 0.08):
        figure.fill(rect(x, -h / 2, x + w * 0.04, h / 2 - h * 0.08), second)


def _sofa(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h * 0.3, w / 2, h * 0.5, h * 0.1), _dim(main, 0.85))
    figure.fill(rect(-w / 2, -h / 2, w / 2, -h * 0.05, h * 0.08), main)
    for x in (-w / 2, w / 2 - w * 0.1):
        figure.fill(rect(x, -h / 2, x + w * 0.1, h * 0.15, h * 0.06), main)
    del second


def _bed(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h / 2, w / 2, 0, h * 0.05), (130, 90, 60))
    figure.fill(rect(-w / 2, 0, w / 2, h * 0.3, h * 0.1), main)
    figure.fill(rect(-w / 2 + w * 0.03, h * 0.2, -w / 2 + w * 0.25, h * 0.45, h * 0.1), second)


def _screen(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h / 2, w / 2, h / 2, min(w, h) * 0.05), main)
    figure.fill(
        rect(-w / 2 * 0.9, -h / 2 * 0.85, w / 2 * 0.9, h / 2 * 0.85),
        (60, 110, 170),
        emissive=True,
        shade=False,
    )
    del second


def _laptop(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h / 2, w / 2, -h * 0.38, h * 0.02), main)
    figure.fill(
        polygon([(-w * 0.45, -h * 0.38), (-w * 0.3, h / 2), (-w * 0.22, h / 2), (-w * 0.37, -h * 0.38)]),
        second,
    )


def _piano(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h * 0.1, w / 2, h / 2, h * 0.03), main)
    figure.fill(rect(-w / 2, -h * 0.1, w / 2, h * 0.02), second, shade=False)
    for k in range(int(w / 0.05)):
        figure.stroke(polyline([(-w / 2 + k * 0.05, -h * 0.1), (-w / 2 + k * 0.05, h * 0.02)]), DARK, 0.005)
    for x in (-w / 2 + 0.05, w / 2 - 0.1):
        figure.fill(rect(x, -h / 2, x + 0.05, -h * 0.1), main)


def _trampoline(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, h / 2 - h * 0.1, w / 2, h / 2), second)
    figure.fill(rect(-w / 2 * 0.92, h / 2 - h * 0.08, w / 2 * 0.92, h / 2 - h * 0.02), main, shade=False)
    for x in (-w / 2 + w * 0.05, 0.0, w / 2 - w * 0.08):
        figure.fill(rect(x, -h / 2, x + w * 0.03, h / 2 - h * 0.1), (90, 90, 96))


def _bench(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, h * 0.1, w / 2, h * 0.25, h * 0.03), main)
    for x in (-w / 2 + w * 0.06, w / 2 - w * 0.1):
        figure.fill(rect(x, -h / 2, x + w * 0.04, h * 0.1), second)


def _fence(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    for k in range(max(2, int(w / 0.15))):
        x = -w / 2 + k * 0.15
        figure.fill(
            polygon(
                [
                    (x, -h / 2),
                    (x + 0.1, -h / 2),
                    (x + 0.1, h / 2 - 0.06),
                    (x + 0.05, h / 2),
                    (x, h / 2 - 0.06),
                ]
            ),
            main,
        )
    for y in (-h * 0.2, h * 0.25):
        figure.fill(rect(-w / 2, y, w / 2, y + 0.06), main)
    del second


def _wall(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h / 2, w / 2, h / 2), main)
    rows = max(2, int(h / 0.25))
    for r in range(1, rows):
        y = -h / 2 + r * h / rows
        figure.stroke(polyline([(-w / 2, y), (w / 2, y)]), _dim(main, 0.75), 0.02)
        for k in range(int(w / 0.5) + 1):
            x = -w / 2 + k * 0.5 + (0.25 if r % 2 else 0.0)
            if x < w / 2:
                figure.stroke(polyline([(x, y), (x, y - h / rows)]), _dim(main, 0.75), 0.02)
    del second


def _door(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h / 2, w / 2, h / 2), main)
    for y0, y1 in ((-h * 0.4, -h * 0.05), (h * 0.05, h * 0.42)):
        figure.fill(rect(-w * 0.35, y0, w * 0.35, y1), _dim(main, 0.88))
    figure.fill(circle(w * 0.35, 0, w * 0.05), second)


def _book(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h / 2, w / 2, h / 2, min(w, h) * 0.05), main)
    figure.fill(rect(-w / 2 + w * 0.1, -h / 2, -w / 2 + w * 0.16, h / 2), second, outline=False)


def _suitcase(figure: Figure, w: float, h: float, main: RGB, second: RGB) -> None:
    figure.fill(rect(-w / 2, -h / 2, w / 2, h * 0.4, min(w, h) * 0.1), main)
    figure.stroke(rect(-w * 0.15, h * 0.4, w * 0.15, h / 2, h * 0.03), _dim(main, 0.6), h * 0.03)
    del second


_BOXES = {
    "chair": _chair, "table": _table, "sofa": _sofa, "bed": _bed, "television": _screen, "phone": _screen,
    "laptop": _laptop, "piano": _piano, "trampoline": _trampoline, "bench": _bench, "fence": _fence,
    "wall": _wall, "door": _door, "book": _book, "suitcase": _suitcase,
}  # fmt: skip


HATS = frozenset({"top hat", "hat", "bowler hat", "cowboy hat"})


def _hat(figure: Figure, h: float, w: float, main: RGB, second: RGB) -> Figure:
    """A hat on its own (a product on show): a crown over a band and a brim as wide as the hat."""
    brim = h * 0.1
    crown = w * 0.31
    figure.fill(rect(-crown, -h / 2 + brim * 0.5, crown, h / 2, w * 0.04), main)
    figure.fill(rect(-crown, -h / 2 + brim, crown, -h / 2 + brim + h * 0.16), second, outline=False)
    figure.fill(ellipse(0, -h / 2 + brim * 0.5, w / 2, brim * 0.5), _dim(main, 0.85))
    return figure


def cylinder(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, second = look.colour(0, (150, 150, 160)), look.colour(1, (90, 90, 100))
    figure = Figure()
    if look.type == "log" or w > h * 1.5:  # lying down: the end shows as an ellipse of rings
        figure.fill(rect(-w / 2, -h / 2, w / 2, h / 2, h * 0.45), main)
        figure.fill(ellipse(w / 2 - h * 0.15, 0, h * 0.2, h * 0.48), second)
        figure.stroke(ellipse(w / 2 - h * 0.15, 0, h * 0.1, h * 0.24), _dim(main, 0.7), h * 0.03)
        return figure
    if look.type == "rocket":
        figure.fill(polygon([(-w / 2, -h * 0.3), (-w, -h / 2), (-w / 2, -h * 0.45)]), second)
        figure.fill(polygon([(w / 2, -h * 0.3), (w, -h / 2), (w / 2, -h * 0.45)]), second)
        figure.fill(
            smooth_polyline(
                [(-w / 2, -h / 2), (-w / 2, h * 0.3), (0, h / 2), (w / 2, h * 0.3), (w / 2, -h / 2)], True
            ),
            main,
        )
        figure.fill(circle(0, h * 0.15, w * 0.2), (120, 180, 230), shade=False)
        if abs(pose.speed_m_s) > 0.5 or pose.height_above_ground_m > 0.5:
            flame = 0.3 + 0.1 * math.sin(pose.time_s * 40)
            figure.fill(
                polygon([(-w * 0.35, -h / 2), (0, -h / 2 - h * flame), (w * 0.35, -h / 2)]),
                (255, 170, 40),
                emissive=True,
                shade=False,
            )
        return figure
    if look.type in HATS:
        return _hat(figure, h, w, main, second)
    if look.type in ("cup", "mug"):  # the handle first, so the body's outline overlaps its ends
        figure.stroke(arc((w / 2, 0.0), (w * 0.3, h * 0.25), -1.4, 2.8), main, max(w * 0.12, 0.006))
    body = rect(-w / 2, -h / 2, w / 2, h / 2 - w * 0.12, w * 0.12)
    figure.fill(body, main)
    figure.fill(ellipse(0, h / 2 - w * 0.12, w / 2, w * 0.12), _dim(main, 1.1))
    if look.type in ("barrel", "drum", "bucket"):
        for y in (-h * 0.3, h * 0.3):
            figure.fill(rect(-w / 2, y - h * 0.03, w / 2, y + h * 0.03), second, outline=False)
    elif look.type == "bottle":
        figure.fill(rect(-w * 0.18, h / 2 - w * 0.1, w * 0.18, h / 2 + h * 0.2), main)
        figure.fill(rect(-w / 2, -h * 0.1, w / 2, h * 0.15), second, outline=False)
    elif look.type in ("candle", "lantern"):
        flicker = 1.0 + 0.15 * math.sin(pose.time_s * 23.0)
        figure.fill(
            ellipse(0, h / 2 + w * 0.6 * flicker, w * 0.35, w * 0.7 * flicker),
            (255, 200, 80),
            emissive=True,
            shade=False,
        )
    elif look.type == "cake":
        figure.fill(rect(-w / 2, h * 0.1, w / 2, h * 0.25), second, outline=False)
    return figure


def board(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, second = look.colour(0, (40, 40, 40)), look.colour(1, (200, 50, 40))
    figure = Figure()
    kind = look.type
    if kind in ("guitar", "violin"):
        figure.fill(capsule((0, -h * 0.2), (0, h * 0.48), w * 0.1), _dim(main, 0.6))
        figure.fill(circle(0, -h * 0.25, w * 0.5), main)
        figure.fill(circle(0, -h * 0.05, w * 0.38), main)
        figure.fill(circle(0, -h * 0.15, w * 0.12), DARK, shade=False, outline=False)
        return figure
    if kind == "kite":
        dx, dy = pose.joint("line_dx"), pose.joint("line_dy")
        if dx or dy:  # the line to the flyer's hand, sagging a little in the wind
            reach = math.hypot(dx, dy)
            line = [(dx * u, dy * u - 0.12 * reach * u * (1.0 - u)) for u in (k / 12 for k in range(13))]
            figure.stroke(polyline(line), (235, 235, 235), 0.012)
        figure.fill(polygon([(0, h / 2), (w / 2, h * 0.1), (0, -h / 2), (-w / 2, h * 0.1)]), main)
        figure.fill(polygon([(0, h / 2), (w / 2, h * 0.1), (0, h * 0.1)]), second, outline=False)
        figure.stroke(smooth_polyline([(0, -h / 2), (-w * 0.2, -h), (w * 0.1, -h * 1.4)]), second, h * 0.02)
        return figure
    if kind == "sign":
        figure.fill(rect(-w * 0.03, -h / 2, w * 0.03, 0), (120, 90, 60))
        figure.fill(rect(-w / 2, 0, w / 2, h / 2, h * 0.03), main)
        figure.fill(rect(-w / 2 * 0.8, h * 0.15, w / 2 * 0.8, h * 0.35), second, shade=False)
        name = look.entity.name.strip()
        if name and name.lower() != kind:  # a named sign ("Top Hat") reads its name on the panel
            figure.parts.append(Label(name, (0.0, h * 0.25), main, size_m=h * 0.13, width_m=w * 0.72))
        return figure
    if kind == "cape":
        figure.fill(polygon([(-w / 2, h / 2), (w / 2, h / 2), (w * 0.7, -h / 2), (-w * 0.7, -h / 2)]), main)
        return figure
    roll = pose.joint("roll")
    thickness = max(h * 0.35, w * 0.035)
    face = math.cos(roll)  # 1 wheels down, -1 upside down; the deck's edge shows at ±π/2
    deck_h = thickness * (0.35 + 0.65 * abs(math.sin(roll))) + thickness * 0.2
    tip = w * 0.5
    deck = smooth_polyline(
        [
            (-tip, h * 0.2),
            (-tip * 0.85, 0),
            (tip * 0.85, 0),
            (tip, h * 0.2),
            (tip * 0.85, deck_h),
            (-tip * 0.85, deck_h),
        ],
        True,
    )
    if kind == "skateboard":
        wheel_y = -h * 0.35 if face >= 0 else h * 0.9
        spin = pose.joint("wheel", -pose.x_m / max(h * 0.3, 1e-3))
        for x in (-w * 0.32, w * 0.32):
            if abs(face) > 0.2:
                figure.fill(circle(x, wheel_y, h * 0.28), (235, 225, 200))
                figure.stroke(
                    polyline(
                        [(x, wheel_y), (x + h * 0.2 * math.cos(spin), wheel_y + h * 0.2 * math.sin(spin))]
                    ),
                    DARK,
                    h * 0.05,
                )
        figure.fill(deck, second if face < 0 else main)
        figure.fill(
            rect(-w * 0.3, deck_h * 0.6, w * 0.3, deck_h),
            main if face < 0 else _dim(main, 0.7),
            outline=False,
        )
        return figure
    figure.fill(
        smooth_polyline(
            [
                (-tip, 0),
                (-tip * 0.6, h * 0.5),
                (tip * 0.7, h * 0.5),
                (tip, h * 0.2),
                (tip * 0.7, -h * 0.5),
                (-tip * 0.6, -h * 0.5),
            ],
            True,
        ),
        main,
    )
    figure.fill(rect(-tip * 0.7, -h * 0.12, tip * 0.7, h * 0.12), second, outline=False)
    return figure


def disc(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, second = look.colour(0, (200, 60, 50)), look.colour(1, (240, 240, 240))
    figure = Figure()
    if look.type == "ufo":
        figure.fill(ellipse(0, h * 0.15, w * 0.2, h * 0.35), (150, 210, 230), alpha=0.85)
        figure.fill(ellipse(0, -h * 0.05, w * 0.5, h * 0.22), main)
        for k in range(5):
            on = (int(pose.time_s * 6) + k) % 2 == 0
            figure.fill(
                circle(w * (-0.3 + 0.15 * k), -h * 0.08, h * 0.05),
                second if on else _dim(second, 0.5),
                emissive=on,
                shade=False,
            )
        return figure
    if h > w * 0.6:  # a face-on disc: clock, shield
        figure.fill(circle(0, 0, min(w, h) / 2), main)
        figure.fill(circle(0, 0, min(w, h) * 0.38), second)
        if look.type == "clock":
            angle = pose.time_s * 0.5
            figure.stroke(
                polyline([(0, 0), (min(w, h) * 0.3 * math.sin(angle), min(w, h) * 0.3 * math.cos(angle))]),
                DARK,
                min(w, h) * 0.03,
            )
        return figure
    figure.fill(ellipse(0, 0, w / 2, max(h / 2, w * 0.06)), main)
    figure.fill(ellipse(0, h * 0.1, w * 0.3, max(h * 0.2, w * 0.02)), second, outline=False)
    return figure


def cone(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, second = look.colour(0, (230, 120, 40)), look.colour(1, (240, 240, 240))
    figure = Figure()
    kind = look.type
    if kind == "umbrella":
        figure.stroke(polyline([(0, h / 2), (0, -h / 2), (w * 0.06, -h / 2 - w * 0.05)]), DARK, w * 0.02)
        canopy = (
            [(-w / 2, h * 0.2)]
            + [
                (w / 2 * math.cos(a), h * 0.2 + h * 0.3 * math.sin(a))
                for a in (math.pi * 0.75, math.pi / 2, math.pi / 4)
            ]
            + [(w / 2, h * 0.2)]
        )
        figure.fill(smooth_polyline([*canopy[::-1], (0, h * 0.25)], True), main)
        return figure
    if kind == "campfire":
        for a in (-0.4, 0.4):
            figure.fill(
                capsule(
                    (-w * 0.4 * math.cos(a), -h / 2), (w * 0.4 * math.cos(a), -h / 2 + w * 0.15), h * 0.08
                ),
                (110, 70, 40),
            )
        for k, colour in enumerate(((240, 90, 30), (255, 170, 40), (255, 230, 120))):
            flick = 0.1 * math.sin(pose.time_s * (11 + 3 * k) + k)
            s = 1.0 - 0.28 * k
            figure.fill(
                smooth_polyline(
                    [
                        (-w * 0.35 * s, -h * 0.4),
                        (-w * 0.2 * s, h * (0.0 + flick)),
                        (w * 0.05 * s, h * (0.5 * s + flick)),
                        (w * 0.2 * s, h * 0.05),
                        (w * 0.35 * s, -h * 0.4),
                    ],
                    True,
                ),
                colour,
                emissive=True,
                shade=False,
                outline=k == 0,
            )
        return figure
    if kind == "ice cream":
        figure.fill(polygon([(-w / 2, h * 0.1), (w / 2, h * 0.1), (0, -h / 2)]), second)
        figure.fill(circle(0, h * 0.22, w * 0.5), main)
        return figure
    if kind == "trumpet":
        figure.fill(rect(-w / 2, -h * 0.1, w * 0.25, h * 0.1), main)
        figure.fill(polygon([(w * 0.2, -h * 0.1), (w / 2, -h / 2), (w / 2, h / 2), (w * 0.2, h * 0.1)]), main)
        return figure
    if kind == "tent":
        figure.fill(polygon([(-w / 2, -h / 2), (0, h / 2), (w / 2, -h / 2)]), main)
        figure.fill(
            polygon([(-w * 0.12, -h / 2), (0, -h * 0.05), (w * 0.12, -h / 2)]), _dim(main, 0.5), outline=False
        )
        return figure
    figure.fill(polygon([(-w / 2, -h / 2), (0, h / 2), (w / 2, -h / 2)]), main)
    figure.fill(
        polygon([(-w * 0.3, -h * 0.1), (w * 0.3, -h * 0.1), (w * 0.22, h * 0.05), (-w * 0.22, h * 0.05)]),
        second,
        outline=False,
    )
    return figure


def stick(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    main, second = look.colour(0, (130, 90, 50)), look.colour(1, (200, 200, 200))
    figure = Figure()
    kind = look.type
    long_side = max(h, w)
    horizontal = w > h  # a banana or a rope lying down is drawn along x
    a, b = (
        ((-long_side / 2, 0.0), (long_side / 2, 0.0))
        if horizontal
        else ((0.0, -long_side / 2), (0.0, long_side / 2))
    )
    thin = max(min(w, h) * 0.5, long_side * 0.015)
    if kind in ("street lamp", "lamp"):
        figure.fill(rect(-long_side * 0.015, -h / 2, long_side * 0.015, h / 2), main)
        figure.fill(rect(-long_side * 0.015, h / 2 - h * 0.03, w * 0.45, h / 2), main)
        figure.fill(
            ellipse(w * 0.4, h / 2 - h * 0.04, w * 0.12, h * 0.025),
            (255, 225, 150),
            emissive=True,
            shade=False,
        )
        return figure
    if kind == "ladder":
        for x in (-w * 0.4, w * 0.4):
            figure.fill(rect(x - w * 0.05, -h / 2, x + w * 0.05, h / 2), main)
        for k in range(int(h / 0.3)):
            y = -h / 2 + 0.2 + k * 0.3
            figure.fill(rect(-w * 0.4, y, w * 0.4, y + 0.04), main)
        return figure
    if kind == "flag":
        figure.fill(rect(-h * 0.01, -h / 2, h * 0.01, h / 2), (120, 120, 120))
        pts = [
            (h * 0.01 + w * t / 6, h / 2 - 0.05 + w * 0.06 * math.sin(pose.time_s * 6 - t)) for t in range(7)
        ]
        lower = [(x, y - h * 0.3) for x, y in pts[::-1]]
        figure.fill(polygon(pts + lower), main)
        figure.fill(polygon(pts[:4] + [(x, y - h * 0.15) for x, y in pts[:4][::-1]]), second, outline=False)
        return figure
    if kind == "flower":
        figure.stroke(polyline([(0, -h / 2), (0, h * 0.3)]), second, h * 0.03)
        for k in range(6):
            ang = k * math.pi / 3
            figure.fill(circle(h * 0.09 * math.cos(ang), h * 0.35 + h * 0.09 * math.sin(ang), h * 0.07), main)
        figure.fill(circle(0, h * 0.35, h * 0.06), (250, 210, 60))
        return figure
    if kind == "sword":
        figure.fill(
            polygon(
                [
                    (-w * 0.2, -h * 0.2),
                    (w * 0.2, -h * 0.2),
                    (w * 0.12, h / 2 - w * 0.4),
                    (0, h / 2),
                    (-w * 0.12, h / 2 - w * 0.4),
                ]
            ),
            main,
        )
        figure.fill(rect(-w / 2, -h * 0.24, w / 2, -h * 0.2), second)
        figure.fill(rect(-w * 0.1, -h / 2, w * 0.1, -h * 0.24), (90, 60, 40))
        return figure
    figure.fill(capsule(a, b, thin), main)
    if kind in ("broom", "shovel", "hammer", "microphone", "wand"):
        head = {
            "broom": (0.18, 0.5),
            "shovel": (0.2, 0.35),
            "hammer": (0.1, 0.6),
            "microphone": (0.15, 0.45),
            "wand": (0.05, 0.1),
        }[kind]
        end = b
        figure.fill(
            rect(end[0] - w * head[1], end[1] - long_side * head[0], end[0] + w * head[1], end[1], thin),
            second,
        )
    return figure


def ramp(look: BodyLook, pose: BodyPose) -> Figure:
    del pose
    h, w = look.body.height_m, look.body.width_m
    main, second = look.colour(0, (160, 115, 70)), look.colour(1, (170, 175, 185))
    figure = Figure()
    curve = [
        (w / 2 - w * (1 - math.cos(t)) * 0.9, -h / 2 + h * (1 - math.sin(t)))
        for t in [k * math.pi / 2 / 10 for k in range(11)]
    ]
    points = [(-w / 2, -h / 2), *sorted(curve), (w / 2, h / 2), (w / 2, -h / 2)]
    figure.fill(polygon(points), main)
    figure.stroke(polyline([(w / 2 - w * 0.1, h / 2), (w / 2, h / 2)]), second, h * 0.04)
    return figure


def rock(look: BodyLook, pose: BodyPose) -> Figure:
    del pose
    h, w = look.body.height_m, look.body.width_m
    main = look.colour(0, (128, 128, 132))
    seed = look.seed
    points = []
    for k in range(9):
        a = math.pi * k / 8
        wobble = 0.85 + 0.15 * ((seed >> (k * 3)) & 7) / 7
        points.append((w / 2 * math.cos(a) * wobble, -h / 2 + h * math.sin(a) * wobble))
    figure = Figure()
    figure.fill(smooth_polyline([(w / 2, -h / 2), *points[1:-1], (-w / 2, -h / 2)], True), main)
    figure.stroke(
        polyline([(-w * 0.1, h * 0.2), (w * 0.05, 0), (0, -h * 0.2)]), _dim(main, 0.7), min(w, h) * 0.03
    )
    return figure


def _dim(rgb: RGB, factor: float) -> RGB:
    return (
        min(255, round(rgb[0] * factor)),
        min(255, round(rgb[1] * factor)),
        min(255, round(rgb[2] * factor)),
    )
