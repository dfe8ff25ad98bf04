"""Fixtures and scenery entities: basketball hoops (and soccer goals), balance beams, trees, buildings and
water bodies.

Geometry comes from `physics.fixtures` so the rim is drawn exactly where the simulated ball bounces off it
(the hoop's root is the backboard face at the box centre; the rim reaches out toward the facing at the top).
The hoop's rim front and net go in the figure's `front` layer so a ball drops *through* the ring. Water is a
region (root at its centre) with a wavy surface: a translucent back fill and a tint over whatever is inside.
"""

from __future__ import annotations

import math

import numpy as np

from mutoscope.backends.procedural.physics.fixtures import (
    BACKBOARD_BELOW_RIM_M,
    BACKBOARD_HEIGHT_M,
    RIM_GAP_M,
    RIM_RADIUS_M,
    RIM_ROD_M,
)
from mutoscope.backends.procedural.render.figure import (
    Figure,
    Fill,
    Stroke,
    capsule,
    circle,
    combine,
    ellipse,
    polygon,
    polyline,
    rect,
    union,
)
from mutoscope.backends.procedural.render.ground import wave_offsets
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.scene import RGB

POST_BEHIND_M = 1.0
NET_RGB: RGB = (245, 245, 245)
WATER_RGB: RGB = (40, 110, 160)


def hoop(look: BodyLook, pose: BodyPose) -> Figure:
    if look.type == "goal":
        return _goal(look)
    del pose
    h = look.body.height_m
    rim_rgb, board_rgb, post_rgb = (
        look.colour(0, (230, 100, 30)),
        look.colour(1, (245, 245, 245)),
        look.colour(2, (150, 155, 165)),
    )
    figure = Figure()
    ground, rim_y = -h / 2, h / 2
    board_bottom = rim_y - BACKBOARD_BELOW_RIM_M
    board_top = board_bottom + BACKBOARD_HEIGHT_M
    figure.fill(rect(-POST_BEHIND_M - 0.07, ground, -POST_BEHIND_M + 0.07, board_bottom + 0.5), post_rgb)
    figure.fill(rect(-POST_BEHIND_M, board_bottom + 0.35, -0.02, board_bottom + 0.45), post_rgb)
    figure.fill(rect(-0.06, board_bottom, 0.0, board_top), board_rgb)  # the board, seen edge-on
    figure.fill(rect(-0.09, board_bottom + 0.1, -0.06, board_top - 0.1), post_rgb, outline=False)
    back, front = RIM_GAP_M, RIM_GAP_M + 2 * RIM_RADIUS_M
    rod = max(RIM_ROD_M, 0.018)
    figure.fill(rect(0.0, rim_y - rod, back, rim_y + rod), rim_rgb)  # bracket
    figure.fill(ellipse((back + front) / 2, rim_y, RIM_RADIUS_M, rod * 1.5), rim_rgb)  # back half of the ring
    net_depth = 0.42
    knots = 5
    lines = []
    for k in range(knots + 1):
        top_x = back + (front - back) * k / knots
        bottom_x = back + 0.08 + (front - back - 0.16) * k / knots
        lines.append(polyline([(top_x, rim_y), (bottom_x, rim_y - net_depth)]))
    for j in range(1, 4):
        y = rim_y - net_depth * j / 4
        inset = 0.08 * j / 4
        lines.append(polyline([(back + inset, y), (front - inset, y)]))
    figure.front.append(Stroke(combine(lines), NET_RGB, 0.012))
    figure.front.append(Fill(capsule((back, rim_y), (front, rim_y), rod * 1.4), rim_rgb))
    figure.front.append(Fill(circle(front, rim_y, rod * 1.6), rim_rgb))
    return figure


def _goal(look: BodyLook) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    frame_rgb = look.colour(0, (245, 245, 245))
    figure = Figure()
    posts = union(
        [
            rect(-w / 2, -h / 2, -w / 2 + 0.12, h / 2),
            rect(w / 2 - 0.12, -h / 2, w / 2, h / 2),
            rect(-w / 2, h / 2 - 0.12, w / 2, h / 2),
        ]
    )
    mesh = [
        polyline([(-w / 2 + k * 0.4, -h / 2), (-w / 2 + k * 0.4, h / 2)]) for k in range(int(w / 0.4) + 1)
    ]
    mesh += [
        polyline([(-w / 2, -h / 2 + k * 0.4), (w / 2, -h / 2 + k * 0.4)]) for k in range(int(h / 0.4) + 1)
    ]
    figure.stroke(combine(mesh), look.colour(1, (200, 200, 205)), 0.02)
    figure.front.append(Fill(posts, frame_rgb))
    return figure


def beam(look: BodyLook, pose: BodyPose) -> Figure:
    del pose
    h, w = look.body.height_m, look.body.width_m
    top_rgb, leg_rgb = look.colour(0, (200, 170, 130)), look.colour(1, (160, 165, 175))
    figure = Figure()
    thickness = min(0.12, h * 0.15)
    for x in (-w * 0.38, w * 0.38):
        figure.fill(
            polygon(
                [
                    (x - 0.05, h / 2 - thickness),
                    (x + 0.05, h / 2 - thickness),
                    (x + 0.2, -h / 2),
                    (x - 0.2, -h / 2),
                ]
            ),
            leg_rgb,
        )
    figure.fill(rect(-w / 2, h / 2 - thickness, w / 2, h / 2, thickness * 0.3), top_rgb)
    return figure


def tree(look: BodyLook, pose: BodyPose) -> Figure:
    h, w = look.body.height_m, look.body.width_m
    leaf, bark = look.colour(0, (60, 130, 60)), look.colour(1, (110, 75, 45))
    sway = math.sin(pose.time_s * 1.3 + look.seed % 7) * 0.02 * h
    figure = Figure()
    if "palm" in look.type:
        top = (w * 0.15 + sway, h / 2 - h * 0.05)
        figure.fill(capsule((0, -h / 2), top, w * 0.07, w * 0.045), bark)
        for k in range(7):
            a = math.pi * (0.05 + 0.15 * k)
            tip = (top[0] + math.cos(a) * w * 0.6, top[1] + math.sin(a) * h * 0.05 - h * 0.12)
            figure.fill(
                polygon(
                    [
                        top,
                        ((top[0] + tip[0]) / 2, top[1] + h * 0.06),
                        tip,
                        ((top[0] + tip[0]) / 2, top[1] - h * 0.01),
                    ]
                ),
                leaf,
            )
        return figure
    figure.fill(
        polygon([(-w * 0.08, -h / 2), (w * 0.08, -h / 2), (w * 0.05, h * 0.1), (-w * 0.05, h * 0.1)]), bark
    )
    blobs = [
        circle(sway, h * 0.25, w * 0.42),
        circle(-w * 0.25 + sway, h * 0.08, w * 0.3),
        circle(w * 0.25 + sway, h * 0.1, w * 0.32),
        circle(sway * 1.3, h * 0.38, w * 0.3),
    ]
    figure.fill(union(blobs), leaf)
    return figure


def building(look: BodyLook, pose: BodyPose) -> Figure:
    del pose
    h, w = look.body.height_m, look.body.width_m
    wall, trim = look.colour(0, (180, 170, 160)), look.colour(1, (90, 120, 160))
    figure = Figure()
    house = look.type == "house"
    body_top = h / 2 - (h * 0.35 if house else 0.0)
    figure.fill(rect(-w / 2, -h / 2, w / 2, body_top), wall)
    if house:
        figure.fill(polygon([(-w / 2 - 0.3, body_top), (0, h / 2), (w / 2 + 0.3, body_top)]), trim)
    floors = max(1, int((body_top + h / 2) / 3.0))
    cols = max(1, int(w / 2.0))
    for f in range(floors):
        for c in range(cols):
            x = -w / 2 + (c + 0.3) * w / cols
            y = -h / 2 + 1.0 + f * 3.0
            if f == 0 and c == cols // 2:
                figure.fill(rect(x, -h / 2, x + 1.0, -h / 2 + 2.1), (90, 60, 40))
                continue
            figure.fill(
                rect(x, y, x + w / cols * 0.45, y + 1.3), (150, 195, 225) if not house else trim, shade=False
            )
    return figure


def water(look: BodyLook, pose: BodyPose) -> Figure:
    """A water region: deep fill behind the bodies, a translucent tint and the surface line in front."""
    h, w = look.body.height_m, look.body.width_m
    colour = look.colour(0, WATER_RGB)
    figure = Figure()
    step = max(0.25, w / 240)
    xs = np.append(-w / 2 + np.arange(int(w / step) + 1) * step, w / 2)
    ys = h / 2 + wave_offsets(pose.x_m + xs, pose.time_s)
    surface = list(zip(xs.tolist(), ys.tolist(), strict=True))
    region = polygon([*surface, (w / 2, -h / 2), (-w / 2, -h / 2)])
    if not look.underwater:
        figure.fill(region, colour, alpha=0.75, outline=False, shade=False)
    figure.front.append(
        Fill(region, colour, shade=False, outline=False, alpha=0.18 if look.underwater else 0.35)
    )
    figure.front.append(Stroke(polyline(surface), (225, 240, 250), 0.035, alpha=0.8))
    return figure
