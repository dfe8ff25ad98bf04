"""Painters of the far and mid parallax layers: horizontally periodic strips of scenery.

Each painter adds parts to a `Strip` in frame-height units (1.0 = one frame height at the reference zoom;
x to the right over one period, y up from the strip's baseline) so the layer looks the same whatever the
world scale. The far layer is distant silhouettes (hills, peaks, dunes, a skyline, the sea, bleachers, the
back wall's windows...), the mid layer nearer set dressing (trees, storefronts, stalls, reeds, furniture...).
`Strip` also collects glows (lamps, lit windows at night) drawn as soft radial light. Content near the seam is
drawn twice, one period apart, so the strip tiles without a visible join.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mutoscope.backends.procedural.render.figure import (
    Figure,
    band,
    capsule,
    circle,
    ellipse,
    polygon,
    polyline,
    rect,
    smooth_polyline,
    union,
)
from mutoscope.backends.procedural.render.lighting import Lighting, mix_rgb
from mutoscope.backends.procedural.render.settings import SettingLook
from mutoscope.backends.procedural.render.sky import cloud
from mutoscope.backends.procedural.scene import RGB

Glow = tuple[float, float, float, RGB]  # x, y, radius (units), colour


@dataclass(slots=True)
class Strip:
    """What a layer painter produced: parts (one period wide) and soft glows."""

    period: float
    figure: Figure = field(default_factory=Figure)
    glows: list[Glow] = field(default_factory=list)


Painter = Callable[[Strip, SettingLook, Lighting, np.random.Generator], None]
WINDOW_LIT: RGB = (255, 214, 120)


def _ridge(
    period: float, rng: np.random.Generator, peaks: int, heights: tuple[float, float], jag: float = 0.0
) -> list[tuple[float, float]]:
    """A closed skyline of `peaks` summits between `heights` (low, high) that repeats every `period`.

    The outline runs a little past both ends with the neighbouring periods' summits, so when the strip tiles
    (each tile drawing its neighbours' overhangs) the joins are invisible, smoothing included.
    """
    low, high = heights
    xs = np.sort(rng.random(peaks)) * period
    tops = low + (high - low) * rng.random(peaks)
    points: list[tuple[float, float]] = []
    for x, top in zip(xs.tolist(), tops.tolist(), strict=True):
        points.append((x - period * 0.5 / peaks, top * (0.35 + 0.3 * rng.random())))
        points.append((x, top))
        if jag > 0:
            points.append((x + period * 0.2 / peaks, top * (1 - jag * rng.random())))
    margin = 1.5 * period / peaks
    wrapped = [(x - period, y) for x, y in points if x > period - margin]
    wrapped += points + [(x + period, y) for x, y in points if x < margin]
    wrapped.sort()
    return [(wrapped[0][0], 0.0), *wrapped, (wrapped[-1][0], 0.0)]


def hills(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    far = mix_rgb(look.far_rgb, lighting.sky_horizon, 0.45)
    strip.figure.fill(smooth_polyline(_ridge(strip.period, rng, 5, (0.08, 0.16), 0), True), far)
    strip.figure.fill(
        smooth_polyline(_ridge(strip.period, rng, 4, (0.04, 0.1), 0), True),
        look.far_rgb,
    )


def mountains(
    strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator, snow: bool = False
) -> None:
    far = mix_rgb(look.far_rgb, lighting.sky_horizon, 0.5)
    strip.figure.fill(polygon(_ridge(strip.period, rng, 7, (0.18, 0.36), 0.25)), far)
    near = _ridge(strip.period, rng, 5, (0.12, 0.28), 0.3)
    strip.figure.fill(polygon(near), look.far_rgb)
    if snow:
        for left, summit, right in zip(near, near[1:], near[2:], strict=False):
            _snow_cap(strip, left, summit, right)


def _snow_cap(
    strip: Strip, left: tuple[float, float], summit: tuple[float, float], right: tuple[float, float]
) -> None:
    """Snow over a summit (a point clearly higher than both neighbours), down to 72 % of its height."""
    (x0, y0), (x1, y1), (x2, y2) = left, summit, right
    if y1 < 0.16 or y1 - y0 < 0.04 or y1 - y2 < 0.04:
        return
    cut = y1 * 0.72
    lx = x1 + (x0 - x1) * min(1.0, (y1 - cut) / (y1 - y0))
    rx = x1 + (x2 - x1) * min(1.0, (y1 - cut) / (y1 - y2))
    ly = y1 + (y0 - y1) * min(1.0, (y1 - cut) / (y1 - y0))
    ry = y1 + (y2 - y1) * min(1.0, (y1 - cut) / (y1 - y2))
    mid = (lx + rx) / 2
    drips = [(mid + (rx - mid) * 0.5, (ly + ry) / 2 + 0.02), (mid, (ly + ry) / 2 - 0.015)]
    strip.figure.fill(polygon([(lx, ly), (x1, y1), (rx, ry), *drips]), (245, 248, 252))


def peaks(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    mountains(strip, look, lighting, rng, snow=True)


def dunes(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    far = mix_rgb(look.far_rgb, lighting.sky_horizon, 0.35)
    strip.figure.fill(smooth_polyline(_ridge(strip.period, rng, 4, (0.06, 0.14), 0), True), far)
    x = rng.random() * strip.period  # one mesa
    strip.figure.fill(
        polygon([(x, 0), (x + 0.05, 0.16), (x + 0.3, 0.16), (x + 0.36, 0)]),
        mix_rgb(look.far_rgb, (150, 80, 50), 0.4),
    )
    strip.figure.fill(
        smooth_polyline(_ridge(strip.period, rng, 3, (0.03, 0.08), 0), True),
        look.ground_far,
    )


def skyline(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    x = 0.0
    while x < strip.period:
        w = 0.06 + rng.random() * 0.1
        h = 0.12 + rng.random() * 0.32
        shade = 0.8 + rng.random() * 0.35
        colour = mix_rgb(look.far_rgb, lighting.sky_horizon, 0.3 * rng.random())
        colour = (
            min(255, round(colour[0] * shade)),
            min(255, round(colour[1] * shade)),
            min(255, round(colour[2] * shade)),
        )
        strip.figure.fill(rect(x, 0, x + w, h), colour, outline=True)
        if rng.random() < 0.3:  # an antenna
            strip.figure.stroke(polyline([(x + w / 2, h), (x + w / 2, h + 0.04)]), colour, 0.004)
        _windows(strip, (x, w, h), lighting, rng, colour)
        x += w + rng.random() * 0.015


def _windows(
    strip: Strip, box: tuple[float, float, float], lighting: Lighting, rng: np.random.Generator, wall: RGB
) -> None:
    """Rows of windows on a facade `box` = (x, width, height): some dark, some lit at night."""
    x, w, h = box
    cols = max(1, int(w / 0.022))
    rows = max(1, int(h / 0.03))
    ww, wh = w / cols * 0.5, 0.012
    dark = mix_rgb(wall, (30, 40, 60), 0.5)
    for r in range(rows - 1):
        for c in range(cols):
            lit = lighting.night and rng.random() < 0.45
            if not lit and rng.random() < 0.5:
                continue
            wx = x + (c + 0.25) * w / cols
            wy = 0.02 + r * h / rows
            strip.figure.fill(
                rect(wx, wy, wx + ww, wy + wh),
                WINDOW_LIT if lit else dark,
                emissive=lit,
                shade=False,
                outline=False,
            )


def sea(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    x = rng.random() * strip.period  # a distant island
    island = [(x, 0.02), (x + 0.05, 0.045), (x + 0.12, 0.07), (x + 0.2, 0.05), (x + 0.28, 0.02)]
    strip.figure.fill(smooth_polyline(island, True), mix_rgb(look.far_rgb, (90, 120, 90), 0.5))
    strip.figure.fill(band(strip.period, 0, 0.035), look.far_rgb, outline=False)


def forest(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    far = mix_rgb(look.far_rgb, lighting.sky_horizon, 0.3)
    for colour, count, size in ((far, 40, 0.16), (look.far_rgb, 30, 0.2)):
        for _ in range(count):
            x = rng.random() * strip.period
            h = size * (0.6 + 0.6 * rng.random())
            strip.figure.fill(polygon([(x - h * 0.28, 0), (x, h), (x + h * 0.28, 0)]), colour, outline=False)


def jungle(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    far = mix_rgb(look.far_rgb, lighting.sky_horizon, 0.3)
    for colour, count in ((far, 26), (look.far_rgb, 20)):
        blobs = [
            circle(rng.random() * strip.period, 0.08 + rng.random() * 0.12, 0.06 + rng.random() * 0.06)
            for _ in range(count)
        ]
        strip.figure.fill(union([*blobs, band(strip.period, 0, 0.1)]), colour, outline=False)


def savanna(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    hills(strip, look, lighting, rng)
    for _ in range(4):
        _acacia(
            strip,
            rng.random() * strip.period,
            0.07 + rng.random() * 0.03,
            mix_rgb(look.mid_rgb, lighting.sky_horizon, 0.4),
        )


def castle(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    hills(strip, look, lighting, rng)
    x = strip.period * (0.3 + 0.4 * rng.random())
    colour = mix_rgb(look.far_rgb, lighting.sky_horizon, 0.2)
    parts = [rect(x, 0.05, x + 0.4, 0.22)]
    for tx in (x - 0.03, x + 0.17, x + 0.37):
        parts.append(rect(tx, 0.05, tx + 0.07, 0.32))
        parts.append(polygon([(tx - 0.01, 0.32), (tx + 0.035, 0.4), (tx + 0.08, 0.32)]))
    for k in range(8):  # crenellations
        parts.append(rect(x + 0.04 + k * 0.045, 0.22, x + 0.065 + k * 0.045, 0.24))
    strip.figure.fill(union(parts), colour)
    if lighting.night:
        for k in range(3):
            wx = x + 0.08 + k * 0.1
            strip.figure.fill(
                rect(wx, 0.12, wx + 0.015, 0.15), WINDOW_LIT, emissive=True, shade=False, outline=False
            )


def bleachers(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    rows = 7
    for r in range(rows):
        y = 0.03 + r * 0.05
        strip.figure.fill(
            band(strip.period, y - 0.015, y),
            mix_rgb(look.wall_rgb, (20, 20, 30), 0.3 + 0.05 * r),
            outline=False,
        )
        x = rng.random() * 0.02
        while x < strip.period:
            if rng.random() < 0.8:
                _spectator(strip, x, y, rng)
            x += 0.024 + rng.random() * 0.01
    strip.figure.fill(band(strip.period, 0, 0.03), (40, 40, 50), outline=False)  # the court-side wall


def _spectator(strip: Strip, x: float, y: float, rng: np.random.Generator) -> None:
    shirt = (int(rng.integers(40, 240)), int(rng.integers(40, 240)), int(rng.integers(40, 240)))
    skin = ((241, 194, 157), (198, 134, 90), (120, 76, 46))[int(rng.integers(0, 3))]
    strip.figure.fill(rect(x - 0.008, y, x + 0.008, y + 0.022, 0.005), shirt, shade=False, outline=False)
    strip.figure.fill(circle(x, y + 0.03, 0.007), skin, shade=False, outline=False)


def stands(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    strip.figure.fill(band(strip.period, 0, 0.3), mix_rgb(look.far_rgb, (40, 40, 50), 0.4), outline=False)
    for r in range(5):
        y = 0.04 + r * 0.05
        x = rng.random() * 0.02
        while x < strip.period:
            if rng.random() < 0.75:
                _spectator(strip, x, y, rng)
            x += 0.026 + rng.random() * 0.01
    strip.figure.fill(band(strip.period, 0.3, 0.33), (70, 70, 80))
    for k in range(2):  # floodlight towers
        x = strip.period * (0.25 + 0.5 * k)
        strip.figure.fill(rect(x - 0.006, 0.3, x + 0.006, 0.5), (90, 90, 96))
        strip.figure.fill(rect(x - 0.04, 0.5, x + 0.04, 0.54), (240, 240, 230), emissive=lighting.night)
        if lighting.night:
            strip.glows.append((x, 0.52, 0.12, (255, 250, 220)))
    strip.figure.fill(band(strip.period, 0, 0.025), (30, 60, 120), outline=False)  # advertising boards


def windows(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    outside = (20, 30, 60) if lighting.night else mix_rgb(lighting.sky_top, lighting.sky_horizon, 0.5)
    step = strip.period / 3
    for k in range(3):
        x = k * step + step * 0.25
        strip.figure.fill(rect(x - 0.01, 0.14, x + 0.29, 0.5), (240, 236, 228))
        strip.figure.fill(rect(x, 0.15, x + 0.27, 0.49), outside, emissive=True, shade=False)
        strip.figure.stroke(polyline([(x + 0.135, 0.15), (x + 0.135, 0.49)]), (240, 236, 228), 0.008)
        strip.figure.stroke(polyline([(x, 0.32), (x + 0.27, 0.32)]), (240, 236, 228), 0.008)
        px = x + step * 0.55
        frame_rgb = ((190, 60, 50), (50, 90, 160), (210, 170, 60))[int(rng.integers(0, 3))]
        strip.figure.fill(rect(px, 0.24, px + 0.12, 0.36), (120, 80, 40))
        strip.figure.fill(rect(px + 0.01, 0.25, px + 0.11, 0.35), frame_rgb)
    strip.figure.fill(band(strip.period, 0, 0.04), mix_rgb(look.wall_rgb, (60, 40, 30), 0.5), outline=False)


def kitchen(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del rng, lighting
    cabinet = (236, 232, 220)
    strip.figure.fill(band(strip.period, 0, 0.17), cabinet)
    strip.figure.fill(band(strip.period, 0.17, 0.19), (90, 90, 96))
    for k in range(int(strip.period / 0.12)):
        x = k * 0.12
        strip.figure.fill(rect(x + 0.01, 0.3, x + 0.11, 0.48), cabinet)
        strip.figure.stroke(polyline([(x + 0.06, 0.02), (x + 0.06, 0.15)]), (160, 160, 160), 0.003)
    strip.figure.fill(rect(0.4, 0, 0.55, 0.46), (200, 206, 212))  # fridge
    strip.figure.fill(
        band(strip.period, 0.19, 0.29), mix_rgb(look.wall_rgb, (120, 170, 190), 0.3), outline=False
    )


def classroom(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    windows(strip, look, lighting, rng)
    x = strip.period * 0.05
    strip.figure.fill(rect(x, 0.18, x + 0.5, 0.44), (110, 80, 50))
    strip.figure.fill(rect(x + 0.015, 0.195, x + 0.485, 0.425), (40, 70, 55))
    strip.figure.stroke(
        polyline([(x + 0.06, 0.38), (x + 0.2, 0.37), (x + 0.3, 0.39)]), (230, 230, 220), 0.004
    )


def shelves(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del look
    for k in range(3):
        y = 0.22 + k * 0.09
        strip.figure.fill(band(strip.period, y, y + 0.012), (110, 70, 40), outline=False)
        x = rng.random() * 0.03
        while x < strip.period:
            h = 0.04 + rng.random() * 0.03
            colour = ((60, 120, 60), (120, 40, 40), (200, 180, 120), (60, 60, 120))[int(rng.integers(0, 4))]
            strip.figure.fill(rect(x, y + 0.012, x + 0.015, y + 0.012 + h, 0.004), colour, outline=False)
            x += 0.025 + rng.random() * 0.03
    for k in range(4):
        x = (k + 0.5) * strip.period / 4
        strip.figure.stroke(polyline([(x, 0.6), (x, 0.52)]), (30, 30, 30), 0.003)
        strip.figure.fill(
            polygon([(x - 0.03, 0.49), (x, 0.52), (x + 0.03, 0.49)]), (240, 200, 120), emissive=True
        )
        strip.glows.append((x, 0.48, 0.09, (255, 210, 140)))
    strip.figure.fill(band(strip.period, 0, 0.12), (90, 55, 35))


def reef(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    strip.figure.fill(
        smooth_polyline(_ridge(strip.period, rng, 6, (0.06, 0.16), 0.2), True),
        look.far_rgb,
    )
    for _ in range(10):
        x = rng.random() * strip.period
        colour = ((230, 110, 120), (240, 160, 80), (170, 100, 200))[int(rng.integers(0, 3))]
        colour = mix_rgb(colour, lighting.sky_horizon, 0.3)
        for k in range(3):
            a = -0.5 + k * 0.5 + (rng.random() - 0.5) * 0.3
            strip.figure.fill(
                capsule((x, 0.02), (x + math.sin(a) * 0.06, 0.02 + math.cos(a) * 0.07), 0.008, 0.005), colour
            )


def craters(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    strip.figure.fill(
        smooth_polyline(_ridge(strip.period, rng, 5, (0.04, 0.1), 0), True),
        look.far_rgb,
    )
    for _ in range(5):
        x = rng.random() * strip.period
        strip.figure.fill(
            ellipse(x, 0.02, 0.05, 0.008), mix_rgb(look.far_rgb, (40, 40, 40), 0.4), outline=False
        )


def cloudbank(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    for _ in range(9):
        x = rng.random() * strip.period
        strip.figure.fill(cloud(x, 0.05 + rng.random() * 0.2, 0.1 + rng.random() * 0.1, rng), look.far_rgb)


def stalactites(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    top = 0.6
    strip.figure.fill(band(strip.period, top - 0.05, top), look.far_rgb, outline=False)
    for _ in range(16):
        x = rng.random() * strip.period
        length = 0.05 + rng.random() * 0.15
        strip.figure.fill(
            polygon([(x - 0.02, top - 0.04), (x, top - 0.04 - length), (x + 0.02, top - 0.04)]), look.far_rgb
        )
        x = rng.random() * strip.period
        strip.figure.fill(polygon([(x - 0.03, 0), (x, length * 0.7), (x + 0.03, 0)]), look.mid_rgb)


FAR: dict[str, Painter] = {
    "hills": hills,
    "mountains": mountains,
    "peaks": peaks,
    "dunes": dunes,
    "skyline": skyline,
    "sea": sea,
    "forest": forest,
    "jungle": jungle,
    "savanna": savanna,
    "castle": castle,
    "bleachers": bleachers,
    "stands": stands,
    "windows": windows,
    "kitchen": kitchen,
    "classroom": classroom,
    "shelves": shelves,
    "reef": reef,
    "craters": craters,
    "clouds": cloudbank,
    "stalactites": stalactites,
}


# --- mid layer ---


def _round_tree(strip: Strip, x: float, h: float, leaf: RGB, rng: np.random.Generator) -> None:
    strip.figure.fill(capsule((x, 0), (x, h * 0.55), h * 0.05, h * 0.035), (110, 75, 45))
    blobs = [
        circle(x + (k - 1) * h * 0.17, h * (0.62 + 0.12 * (k % 2)), h * (0.2 + 0.05 * rng.random()))
        for k in range(3)
    ]
    blobs.append(circle(x, h * 0.82, h * 0.2))
    strip.figure.fill(union(blobs), leaf)


def _pine(strip: Strip, x: float, h: float, leaf: RGB, snow: bool) -> None:
    strip.figure.fill(rect(x - h * 0.03, 0, x + h * 0.03, h * 0.2), (100, 70, 45))
    for k in range(3):
        base = h * (0.15 + 0.25 * k)
        half = h * (0.3 - 0.07 * k)
        tier = polygon([(x - half, base), (x, base + h * 0.4), (x + half, base)])
        strip.figure.fill(tier, leaf)
        if snow:
            strip.figure.fill(
                polygon(
                    [
                        (x - half * 0.35, base + h * 0.26),
                        (x, base + h * 0.4),
                        (x + half * 0.35, base + h * 0.26),
                    ]
                ),
                (245, 248, 252),
                outline=False,
            )


def _palm(strip: Strip, x: float, h: float, leaf: RGB) -> None:
    top = (x + h * 0.12, h)
    strip.figure.fill(capsule((x, 0), top, h * 0.035, h * 0.022), (150, 110, 70))
    for k in range(6):
        a = math.pi * (0.1 + 0.16 * k)
        tip = (top[0] + math.cos(a) * h * 0.32, top[1] + math.sin(a) * h * 0.1 - h * 0.12)
        mid = ((top[0] + tip[0]) / 2, top[1] + h * 0.06)
        strip.figure.fill(smooth_polyline([top, mid, tip, (mid[0], mid[1] - h * 0.05)], True), leaf)


def _acacia(strip: Strip, x: float, h: float, leaf: RGB) -> None:
    strip.figure.fill(capsule((x, 0), (x + h * 0.05, h * 0.75), h * 0.04, h * 0.025), (100, 75, 50))
    strip.figure.fill(ellipse(x + h * 0.05, h * 0.82, h * 0.45, h * 0.1), leaf)


def _cactus(strip: Strip, x: float, h: float, colour: RGB) -> None:
    w = h * 0.09
    arms = [capsule((x, 0), (x, h), w), capsule((x - w * 3, h * 0.45), (x - w * 3, h * 0.75), w * 0.8)]
    arms.append(capsule((x - w * 3, h * 0.45), (x, h * 0.45), w * 0.8))
    arms.append(capsule((x + w * 2.5, h * 0.55), (x + w * 2.5, h * 0.85), w * 0.8))
    arms.append(capsule((x, h * 0.55), (x + w * 2.5, h * 0.55), w * 0.8))
    strip.figure.fill(union(arms), colour)


def _spread(strip: Strip, rng: np.random.Generator, count: int, place: Callable[[float], None]) -> None:
    for k in range(count):
        place((k + 0.2 + 0.6 * rng.random()) * strip.period / count)


def trees(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    _spread(strip, rng, 5, lambda x: _round_tree(strip, x, 0.3 + 0.12 * rng.random(), look.mid_rgb, rng))
    _lamps(strip, lighting, rng, 3)


def pines(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    _spread(strip, rng, 7, lambda x: _pine(strip, x, 0.3 + 0.15 * rng.random(), look.mid_rgb, False))


def snowpines(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    _spread(strip, rng, 6, lambda x: _pine(strip, x, 0.28 + 0.15 * rng.random(), look.mid_rgb, True))


def palms(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    _spread(strip, rng, 3, lambda x: _palm(strip, x, 0.35 + 0.1 * rng.random(), look.mid_rgb))


def acacias(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    _spread(strip, rng, 3, lambda x: _acacia(strip, x, 0.22 + 0.08 * rng.random(), look.mid_rgb))


def cacti(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    _spread(strip, rng, 3, lambda x: _cactus(strip, x, 0.16 + 0.08 * rng.random(), look.mid_rgb))


def buildings(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    x = 0.0
    while x < strip.period - 0.1:
        w = min(0.22 + rng.random() * 0.2, strip.period - x)
        h = 0.22 + rng.random() * 0.2
        wall = mix_rgb(
            look.mid_rgb,
            (int(rng.integers(80, 240)), int(rng.integers(80, 200)), int(rng.integers(80, 200))),
            0.4,
        )
        strip.figure.fill(rect(x, 0, x + w, h), wall)
        _windows(strip, (x + 0.01, w - 0.02, h), lighting, rng, wall)
        door_x = x + w * (0.2 + 0.5 * rng.random())
        strip.figure.fill(rect(door_x, 0, door_x + 0.04, 0.08), (70, 50, 40))
        awning = ((200, 60, 50), (50, 110, 170), (60, 140, 80))[int(rng.integers(0, 3))]
        strip.figure.fill(
            polygon([(x + 0.01, 0.1), (x + w - 0.01, 0.1), (x + w - 0.02, 0.13), (x + 0.02, 0.13)]), awning
        )
        if lighting.night or lighting.neon is not None:
            strip.figure.fill(
                rect(x + 0.02, 0.015, door_x - 0.01, 0.085), WINDOW_LIT, emissive=True, shade=False
            )
        x += w + 0.01
    _lamps(strip, lighting, rng, 4, always=True)
    if lighting.neon is not None:
        for k in range(3):
            nx = (k + 0.3) * strip.period / 3
            strip.figure.fill(rect(nx, 0.2, nx + 0.1, 0.24, 0.01), lighting.neon, emissive=True, shade=False)
            strip.glows.append((nx + 0.05, 0.22, 0.1, lighting.neon))


def _lamps(
    strip: Strip, lighting: Lighting, rng: np.random.Generator, count: int, always: bool = False
) -> None:
    if not (lighting.street_lights or always):
        return
    del rng
    for k in range(count):
        x = (k + 0.5) * strip.period / count
        strip.figure.fill(rect(x - 0.004, 0, x + 0.004, 0.3), (50, 52, 56))
        strip.figure.fill(rect(x - 0.004, 0.29, x + 0.04, 0.3), (50, 52, 56))
        on = lighting.night or lighting.street_lights
        strip.figure.fill(
            ellipse(x + 0.035, 0.285, 0.014, 0.007), (255, 220, 150) if on else (200, 200, 190), emissive=on
        )
        if lighting.night:
            strip.glows.append((x + 0.035, 0.27, 0.16, (255, 205, 130)))


def stalls(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    count = 4
    for k in range(count):
        x = k * strip.period / count + 0.02
        w = strip.period / count - 0.04
        strip.figure.fill(rect(x, 0, x + w, 0.09), (120, 80, 50))
        canopy = ((200, 50, 45), (230, 170, 40), (50, 120, 180))[k % 3]
        strip.figure.fill(rect(x + 0.005, 0.09, x + 0.012, 0.22), (80, 60, 40))
        strip.figure.fill(rect(x + w - 0.012, 0.09, x + w - 0.005, 0.22), (80, 60, 40))
        strip.figure.fill(
            polygon([(x - 0.01, 0.2), (x + w + 0.01, 0.2), (x + w - 0.02, 0.26), (x + 0.02, 0.26)]), canopy
        )
        for j in range(6):  # lanterns on a string
            lx = x + (j + 0.5) * w / 6
            strip.figure.fill(
                ellipse(lx, 0.185, 0.008, 0.011), (255, 120, 60) if j % 2 else (255, 200, 90), emissive=True
            )
            if lighting.night:
                strip.glows.append((lx, 0.185, 0.035, (255, 170, 90)))
    del look, rng


def barn(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    x = strip.period * (0.2 + 0.2 * rng.random())
    strip.figure.fill(
        polygon([(x, 0), (x, 0.2), (x + 0.13, 0.3), (x + 0.26, 0.2), (x + 0.26, 0)]), look.mid_rgb
    )
    strip.figure.fill(rect(x + 0.09, 0, x + 0.17, 0.12), mix_rgb(look.mid_rgb, (255, 255, 255), 0.6))
    strip.figure.fill(rect(x + 0.3, 0, x + 0.36, 0.32, 0.02), (170, 170, 175))
    _fence(strip, 0.05)
    _spread(strip, rng, 2, lambda tx: _round_tree(strip, tx + 0.3, 0.25, (70, 130, 60), rng))
    del lighting


def _fence(strip: Strip, height: float) -> None:
    posts = [rect(k * 0.03, 0, k * 0.03 + 0.008, height) for k in range(int(strip.period / 0.03))]
    posts.append(band(strip.period, height * 0.55, height * 0.7))
    strip.figure.fill(union(posts), (235, 232, 224))


def hedges(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    blobs = [circle(k * 0.06 + rng.random() * 0.02, 0.05, 0.045) for k in range(int(strip.period / 0.06) + 1)]
    strip.figure.fill(union([*blobs, band(strip.period, 0, 0.05)]), look.mid_rgb)
    for _ in range(30):
        x = rng.random() * strip.period
        colour = ((230, 60, 80), (250, 210, 60), (240, 140, 200), (255, 255, 255))[int(rng.integers(0, 4))]
        strip.figure.fill(circle(x, 0.02 + rng.random() * 0.06, 0.006), colour, shade=False, outline=False)


def reeds(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    for _ in range(40):
        x = rng.random() * strip.period
        h = 0.06 + rng.random() * 0.08
        lean = (rng.random() - 0.5) * 0.03
        strip.figure.stroke(polyline([(x, 0), (x + lean, h)]), look.mid_rgb, 0.003)
        if rng.random() < 0.3:
            strip.figure.fill(
                capsule((x + lean, h - 0.02), (x + lean, h), 0.004), (110, 70, 40), outline=False
            )


def seaweed(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    for _ in range(14):
        x = rng.random() * strip.period
        h = 0.12 + rng.random() * 0.2
        pts = [(x + 0.015 * math.sin(k * 1.3 + x * 9), h * k / 6) for k in range(7)]
        strip.figure.stroke(smooth_polyline(pts), look.mid_rgb, 0.008)


def fence(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del look, lighting, rng
    _fence(strip, 0.08)


def furniture(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    x = strip.period * (0.1 + 0.2 * rng.random())
    sofa = mix_rgb(look.mid_rgb, (90, 110, 170), 0.7)
    strip.figure.fill(rect(x, 0.02, x + 0.32, 0.12, 0.015), sofa)
    strip.figure.fill(rect(x - 0.02, 0.02, x + 0.03, 0.1, 0.012), sofa)
    strip.figure.fill(rect(x + 0.29, 0.02, x + 0.34, 0.1, 0.012), sofa)
    lamp_x = x + 0.45
    strip.figure.fill(rect(lamp_x - 0.004, 0, lamp_x + 0.004, 0.22), (60, 60, 60))
    strip.figure.fill(
        polygon([(lamp_x - 0.04, 0.2), (lamp_x + 0.04, 0.2), (lamp_x + 0.025, 0.26), (lamp_x - 0.025, 0.26)]),
        (240, 220, 170),
        emissive=lighting.night,
    )
    if lighting.night:
        strip.glows.append((lamp_x, 0.22, 0.1, (255, 220, 160)))
    shelf_x = x + 0.65
    strip.figure.fill(rect(shelf_x, 0, shelf_x + 0.16, 0.34), (120, 80, 50))
    for k in range(4):
        y = 0.03 + k * 0.08
        bx = shelf_x + 0.01
        while bx < shelf_x + 0.14:
            colour = ((170, 50, 50), (50, 90, 150), (200, 170, 80), (60, 120, 70))[int(rng.integers(0, 4))]
            strip.figure.fill(rect(bx, y, bx + 0.012, y + 0.05), colour, shade=False, outline=False)
            bx += 0.016


def ramps(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    for k in range(2):
        x = (k + 0.3 * rng.random()) * strip.period / 2
        pts = [
            (x, 0),
            *[
                (x + 0.15 - 0.15 * math.cos(a), 0.15 * (1 - math.sin(a)))
                for a in np.linspace(0, math.pi / 2, 8)
            ],
            (x + 0.2, 0.15),
            (x + 0.2, 0),
        ]
        strip.figure.fill(polygon([(float(px), float(py)) for px, py in pts]), look.mid_rgb)


def walls(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting, rng
    parts = [band(strip.period, 0, 0.16)]
    parts += [rect(k * 0.05, 0.16, k * 0.05 + 0.028, 0.19) for k in range(int(strip.period / 0.05))]
    strip.figure.fill(union(parts), look.mid_rgb)


def clouds_mid(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    for _ in range(4):
        strip.figure.fill(
            cloud(rng.random() * strip.period, 0.1 + rng.random() * 0.3, 0.16 + rng.random() * 0.1, rng),
            look.mid_rgb,
        )


def rocks(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting
    for _ in range(6):
        x = rng.random() * strip.period
        w, h = 0.04 + rng.random() * 0.06, 0.03 + rng.random() * 0.05
        strip.figure.fill(
            smooth_polyline(
                [(x - w, 0), (x - w * 0.8, h * 0.7), (x - w * 0.1, h), (x + w * 0.7, h * 0.8), (x + w, 0)],
                True,
            ),
            look.mid_rgb,
        )


def lockers(strip: Strip, look: SettingLook, lighting: Lighting, rng: np.random.Generator) -> None:
    del lighting, rng
    x0 = strip.period * 0.55
    for k in range(8):
        x = x0 + k * 0.05
        strip.figure.fill(rect(x, 0, x + 0.046, 0.3), mix_rgb(look.wall_rgb, (60, 90, 160), 0.6))
        strip.figure.stroke(polyline([(x + 0.01, 0.26), (x + 0.036, 0.26)]), (40, 40, 50), 0.003)


MID: dict[str, Painter] = {
    "trees": trees,
    "pines": pines,
    "snowpines": snowpines,
    "palms": palms,
    "acacias": acacias,
    "cacti": cacti,
    "buildings": buildings,
    "stalls": stalls,
    "barn": barn,
    "hedges": hedges,
    "reeds": reeds,
    "seaweed": seaweed,
    "fence": fence,
    "furniture": furniture,
    "ramps": ramps,
    "walls": walls,
    "clouds": clouds_mid,
    "rocks": rocks,
    "lockers": lockers,
}
