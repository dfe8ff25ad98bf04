"""The ground: the receding ground plane below the horizon and the detail strip along the ground line.

The ground plane is a frame-wide vertical gradient (far colour at the horizon, near colour at the bottom),
painted once and blitted at the horizon each frame. The detail strip is the k = 1 parallax layer: it scrolls
exactly with the world, so it is painted in world metres (grass tufts, kerb and lane lines, planks, court
lines, ripples) over one horizontal period and tiled.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import skia

from mutoscope.backends.procedural.render.figure import (
    Figure,
    band,
    capsule,
    circle,
    ellipse,
    polygon,
    polyline,
    rect,
)
from mutoscope.backends.procedural.render.ink import Ink
from mutoscope.backends.procedural.render.lighting import mix_rgb
from mutoscope.backends.procedural.render.raster import draw_offscreen
from mutoscope.backends.procedural.render.settings import SettingLook
from mutoscope.backends.procedural.render.textures import fill_with_tile, paper_tile

DETAIL_TOP_M = 0.35  # the detail strip reaches this far above the ground line (tufts, kerbs)
DETAIL_DEPTH_M = 2.5  # ... and this far below it (the near ground in front of the action)

DetailPainter = Callable[[Figure, SettingLook, float, np.random.Generator], None]


def ground_plane_image(look: SettingLook, ink: Ink, width: int, height: int, seed: int) -> skia.Image:
    """A frame-wide, two-frames-tall opaque gradient from the horizon colour to the near colour."""
    tall = height * 2
    if ink.style.paper:
        paper = paper_tile(seed)

        def draw_paper(canvas: skia.Canvas) -> None:
            fill_with_tile(canvas, paper, (width, tall), (-width * 0.37, -height * 0.61))
            line = skia.Paint(
                Color=skia.Color(80, 80, 84), StrokeWidth=max(1.0, height / 400), AntiAlias=True
            )
            canvas.drawLine(0, 0.5, width, 0.5, line)

        return draw_offscreen(width, tall, draw_paper, opaque=True)
    far = ink.tone.rgb(look.ground_far)
    near = ink.tone.rgb(look.ground_near)

    def draw(canvas: skia.Canvas) -> None:
        shader = skia.GradientShader.MakeLinear(
            [skia.Point(0, 0), skia.Point(0, height * 0.6)], [skia.Color(*far), skia.Color(*near)]
        )
        canvas.drawRect(skia.Rect.MakeWH(width, tall), skia.Paint(Shader=shader))

    return draw_offscreen(width, tall, draw, opaque=True)


def grass(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    dark = mix_rgb(look.ground_near, (20, 50, 20), 0.35)
    light = mix_rgb(look.ground_near, (200, 230, 120), 0.25)
    for _ in range(int(period * 7)):
        x = rng.random() * period
        h = 0.05 + rng.random() * 0.1
        figure.fill(
            polygon([(x - 0.03, 0), (x - 0.01, h), (x, 0.01), (x + 0.015, h * 0.8), (x + 0.03, 0)]),
            dark,
            outline=False,
        )
    for _ in range(int(period * 4)):
        x, y = rng.random() * period, -rng.random() * DETAIL_DEPTH_M
        figure.stroke(polyline([(x, y), (x + 0.02, y + 0.06)]), light if rng.random() < 0.5 else dark, 0.012)
    for _ in range(int(period * 0.6)):
        x, y = rng.random() * period, -rng.random() * DETAIL_DEPTH_M * 0.8
        colour = ((250, 250, 250), (250, 220, 60), (230, 90, 120))[int(rng.integers(0, 3))]
        figure.fill(circle(x, y, 0.025), colour, shade=False, outline=False)


def road(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    del rng
    figure.fill(band(period, 0, -0.35), mix_rgb(look.ground_far, (200, 200, 196), 0.5), outline=False)
    for k in range(int(period / 1.2)):
        figure.stroke(
            polyline([(k * 1.2, 0), (k * 1.2, -0.35)]), mix_rgb(look.ground_far, (0, 0, 0), 0.3), 0.015
        )
    figure.fill(band(period, -0.35, -0.45), (150, 150, 150), outline=False)
    for k in range(int(period / 3.0)):
        figure.fill(rect(k * 3.0, -1.45, k * 3.0 + 1.6, -1.55), (235, 225, 170), shade=False, outline=False)


def sand(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    ripple = mix_rgb(look.ground_near, (120, 90, 50), 0.25)
    for _ in range(int(period * 1.5)):
        x, y = rng.random() * period, -0.1 - rng.random() * DETAIL_DEPTH_M
        figure.stroke(polyline([(x, y), (x + 0.25, y + 0.03), (x + 0.5, y)]), ripple, 0.015)
    for _ in range(int(period)):
        x, y = rng.random() * period, -rng.random() * DETAIL_DEPTH_M
        figure.fill(
            ellipse(x, y, 0.04, 0.025), mix_rgb(look.ground_near, (255, 255, 255), 0.4), outline=False
        )


def planks(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    seam = mix_rgb(look.ground_near, (60, 30, 10), 0.35)
    y = 0.0
    row = 0
    while y > -DETAIL_DEPTH_M:
        figure.stroke(polyline([(0, y), (period, y)]), seam, 0.012)
        step = 0.12 + 0.05 * row
        offset = rng.random() * 1.5
        for k in range(int(period / 1.5)):
            x = (k * 1.5 + offset) % period
            figure.stroke(polyline([(x, y), (x, y - step)]), seam, 0.01)
        y -= step
        row += 1


def court(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    planks(figure, look, period, rng)
    figure.fill(band(period, -0.55, -0.61), (250, 250, 245), shade=False, outline=False)
    figure.fill(band(period, -0.05, 0.0), (180, 60, 40), shade=False, outline=False)


def tiles(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    del rng
    seam = mix_rgb(look.ground_near, (0, 0, 0), 0.25)
    y, step = 0.0, 0.15
    while y > -DETAIL_DEPTH_M:
        figure.stroke(polyline([(0, y), (period, y)]), seam, 0.01)
        y -= step
        step *= 1.35  # rows widen toward the viewer, a cheap perspective
    for k in range(int(period / 0.6)):
        x = k * 0.6
        figure.stroke(polyline([(x, 0), (x + (x - period / 2) * 0.25, -DETAIL_DEPTH_M)]), seam, 0.01)


def snow(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    shade = mix_rgb(look.ground_near, (150, 170, 200), 0.3)
    for _ in range(int(period * 1.2)):
        x, y = rng.random() * period, -rng.random() * DETAIL_DEPTH_M
        figure.fill(ellipse(x, y, 0.3, 0.04), shade, outline=False)
    for _ in range(int(period * 2)):
        figure.fill(ellipse(rng.random() * period, 0.0, 0.2, 0.05), look.ground_far, outline=False)


def rock(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    for _ in range(int(period * 2.5)):
        x, y = rng.random() * period, -rng.random() * DETAIL_DEPTH_M
        r = 0.03 + rng.random() * 0.08
        figure.fill(
            ellipse(x, y, r * 1.4, r),
            mix_rgb(look.ground_near, (40, 36, 30), 0.3 * rng.random()),
            outline=False,
        )
    for _ in range(int(period)):
        x = rng.random() * period
        figure.fill(ellipse(x, 0.0, 0.12, 0.06), mix_rgb(look.ground_far, (60, 56, 50), 0.2), outline=False)


def pitch(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    del rng
    stripe = mix_rgb(look.ground_near, (255, 255, 255), 0.08)
    for k in range(int(period / 4)):
        x = k * 4
        figure.fill(
            polygon([(x, 0), (x + 2, 0), (x + 2.6, -DETAIL_DEPTH_M), (x + 0.6, -DETAIL_DEPTH_M)]),
            stripe,
            outline=False,
            shade=False,
        )
    figure.fill(band(period, -0.3, -0.36), (245, 245, 240), outline=False, shade=False)


def stage(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    planks(figure, look, period, rng)
    figure.fill(band(period, -1.2, -DETAIL_DEPTH_M), (30, 20, 20), outline=False, shade=False)
    for k in range(int(period / 2.0)):  # footlights along the stage edge
        figure.fill(
            capsule((k * 2.0, -1.15), (k * 2.0 + 0.3, -1.15), 0.05),
            (255, 230, 160),
            emissive=True,
            shade=False,
        )


def flat_detail(figure: Figure, look: SettingLook, period: float, rng: np.random.Generator) -> None:
    del figure, look, period, rng


DETAILS: dict[str, DetailPainter] = {
    "none": flat_detail, "grass": grass, "road": road, "sand": sand, "planks": planks, "court": court,
    "tiles": tiles, "snow": snow, "rock": rock, "pitch": pitch, "stage": stage,
}  # fmt: skip


def wave_offsets(x_m: npt.NDArray[np.float64], t_s: float) -> npt.NDArray[np.float64]:
    """Height in metres of the water surface at each x (two travelling swells)."""
    return 0.06 * np.sin(x_m * 1.3 - t_s * 1.9) + 0.03 * np.sin(x_m * 3.1 + t_s * 2.7)
