"""The sky layer: one frame-sized opaque image painted once per render and blitted every frame.

Kinds: an outdoor sky (gradient from the lighting, sun or moon placed from the key light's angle, stars at
night, puffy clouds by day), an indoor back wall, a studio cyclorama, space (stars and a planet), underwater
(blue depths with light shafts), a cave and a theatre curtain. In the paper styles the sky is the paper.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import skia

from mutoscope.backends.procedural.render.figure import Affine, Figure, circle, ellipse, polygon, rect, union
from mutoscope.backends.procedural.render.ink import Ink
from mutoscope.backends.procedural.render.lighting import mix_rgb
from mutoscope.backends.procedural.render.raster import draw_offscreen
from mutoscope.backends.procedural.render.settings import SettingLook
from mutoscope.backends.procedural.render.textures import fill_with_tile, paper_tile
from mutoscope.backends.procedural.scene import RGB

HORIZON_FRACTION = 0.56  # where the sky gradient reaches its horizon colour, as a fraction of frame height


@dataclass(frozen=True, slots=True)
class SkyJob:
    """What a sky painter needs: the look, the ink (style, colours), the frame size and a seeded rng."""

    look: SettingLook
    ink: Ink
    width: int
    height: int
    rng: np.random.Generator

    @property
    def units(self) -> Affine:
        """Local units where 1 = frame height, x right, y up from the bottom edge."""
        return Affine(a=self.height, d=-self.height, f=self.height)


def sky_image(look: SettingLook, ink: Ink, width: int, height: int, seed: int) -> skia.Image:
    """The sky (or back wall) for a whole render."""
    job = SkyJob(look, ink, width, height, np.random.default_rng([seed, 0x5C1]))
    if ink.style.paper:
        paper = paper_tile(seed)

        def draw_paper(canvas: skia.Canvas) -> None:
            fill_with_tile(canvas, paper, (width, height), (0, 0))
            if look.sky == "sky" and ink.tone.lighting.celestial:
                _celestial(canvas, job)
            elif look.sky in ("wall", "curtain"):
                _wall_line(canvas, job)

        return draw_offscreen(width, height, draw_paper, opaque=True)
    painter = _PAINTERS.get(look.sky, _outdoor)
    return draw_offscreen(width, height, lambda canvas: painter(canvas, job), opaque=True)


def _gradient(canvas: skia.Canvas, job: SkyJob, top: RGB, bottom: RGB, *, y0: float, y1: float) -> None:
    """Fill the frame with a vertical gradient from `top` (at y0) to `bottom` (at y1)."""
    shader = skia.GradientShader.MakeLinear(
        [skia.Point(0, y0), skia.Point(0, y1)], [skia.Color(*top), skia.Color(*bottom)]
    )
    canvas.drawRect(skia.Rect.MakeWH(job.width, job.height), skia.Paint(Shader=shader))


def _outdoor(canvas: skia.Canvas, job: SkyJob) -> None:
    lighting = job.ink.tone.lighting
    top = job.ink.tone.rgb(lighting.sky_top, lit=False)
    horizon = job.ink.tone.rgb(lighting.sky_horizon, lit=False)
    _gradient(canvas, job, top, horizon, y0=0, y1=job.height * HORIZON_FRACTION)
    if lighting.night:
        _stars(canvas, job, count=job.width * job.height // 2500, reach=0.6)
    if lighting.celestial:
        _celestial(canvas, job)
    if not lighting.night and job.look.far != "clouds":
        _clouds(canvas, job, count=4)


def _stars(canvas: skia.Canvas, job: SkyJob, *, count: int, reach: float) -> None:
    """`count` stars over the top `reach` of the frame."""
    paint = skia.Paint(AntiAlias=True)
    for _ in range(count):
        x, y = job.rng.random() * job.width, job.rng.random() * job.height * reach
        paint.setColor(job.ink.tone.argb((255, 255, 240), alpha=0.4 + 0.6 * job.rng.random(), lit=False))
        canvas.drawCircle(x, y, 0.4 + job.rng.random() * job.height / 600, paint)


def _celestial(canvas: skia.Canvas, job: SkyJob) -> None:
    """The sun or the moon, placed from the key light's angle, with a glow."""
    lighting = job.ink.tone.lighting
    width, height = job.width, job.height
    a = math.radians(lighting.key_angle_deg)
    horizon = height * HORIZON_FRACTION
    x = width * (0.5 + 0.36 * math.cos(a))
    # A low sun still clears the far hills (it would otherwise set behind them for the whole clip).
    y = min(max(height * 0.1, horizon - horizon * 0.82 * math.sin(a)), horizon - height * 0.22)
    r = height * 0.045
    moon = lighting.celestial == "moon"
    core = (244, 244, 230) if moon else mix_rgb(lighting.key_rgb, (255, 255, 240), 0.6)
    if not job.ink.style.paper:
        glow = skia.GradientShader.MakeRadial(
            skia.Point(x, y),
            r * 5,
            [job.ink.tone.argb(core, alpha=0.45, lit=False), job.ink.tone.argb(core, alpha=0.0, lit=False)],
        )
        canvas.drawCircle(x, y, r * 5, skia.Paint(Shader=glow, AntiAlias=True))
    figure = Figure()
    figure.fill(circle(x / height, 1 - y / height, r / height), core, emissive=True, shade=False)
    if moon:
        for _ in range(3):
            cx = x / height + (job.rng.random() - 0.5) * r / height
            cy = 1 - y / height + (job.rng.random() - 0.5) * r / height
            figure.fill(
                circle(cx, cy, r / height * 0.18), (210, 210, 200), emissive=True, shade=False, outline=False
            )
    job.ink.draw(canvas, figure.parts, job.units)


def cloud(cx: float, cy: float, size: float, rng: np.random.Generator) -> skia.Path:
    """A puffy cloud of overlapping circles (in whatever units `size` is in)."""
    blobs = [ellipse(cx, cy, size * 0.9, size * 0.28)]
    for k in range(5):
        bx = cx + (k - 2) * size * 0.34 + (rng.random() - 0.5) * size * 0.1
        r = size * (0.22 + 0.16 * (1 - abs(k - 2) / 2) + rng.random() * 0.06)
        blobs.append(circle(bx, cy + r * 0.45, r))
    return union(blobs)


def _clouds(canvas: skia.Canvas, job: SkyJob, *, count: int) -> None:
    aspect = job.width / job.height
    figure = Figure()
    for _ in range(count):
        cx = job.rng.random() * aspect
        cy = 0.72 + job.rng.random() * 0.22
        figure.fill(cloud(cx, cy, 0.09 + job.rng.random() * 0.08, job.rng), (250, 250, 252), outline=True)
    job.ink.draw(canvas, figure.parts, job.units)


def _wall(canvas: skia.Canvas, job: SkyJob) -> None:
    wall = job.look.wall_rgb
    _gradient(canvas, job, job.ink.tone.rgb(wall, 0.82), job.ink.tone.rgb(wall), y0=0, y1=job.height * 0.6)
    _wall_line(canvas, job)
    trim = Figure()  # a darker band under the ceiling
    trim.fill(rect(0, 1 - 0.07, job.width / job.height, 1.0), wall, shade=False, outline=False)
    job.ink.draw(canvas, trim.parts, job.units)


def _wall_line(canvas: skia.Canvas, job: SkyJob) -> None:
    """A dado rail across the back wall."""
    y = job.height * (HORIZON_FRACTION - 0.1)
    paint = skia.Paint(
        Color=job.ink.tone.argb((90, 80, 70), alpha=0.5),
        StrokeWidth=max(1.0, job.height / 360),
        AntiAlias=True,
    )
    canvas.drawLine(0, y, job.width, y, paint)


def _studio(canvas: skia.Canvas, job: SkyJob) -> None:
    centre = job.ink.tone.rgb(mix_rgb(job.look.ground_far, (255, 255, 255), 0.4))
    edge = job.ink.tone.rgb(job.look.ground_near, 0.7)
    shader = skia.GradientShader.MakeRadial(
        skia.Point(job.width / 2, job.height * 0.45),
        max(job.width, job.height) * 0.75,
        [skia.Color(*centre), skia.Color(*edge)],
    )
    canvas.drawRect(skia.Rect.MakeWH(job.width, job.height), skia.Paint(Shader=shader))


def _space(canvas: skia.Canvas, job: SkyJob) -> None:
    tone = job.ink.tone
    _gradient(
        canvas, job, tone.rgb((4, 4, 12), lit=False), tone.rgb((16, 14, 34), lit=False), y0=0, y1=job.height
    )
    _stars(canvas, job, count=job.width * job.height // 900, reach=1.0)
    figure = Figure()
    px, py, pr = job.width / job.height * 0.8, 0.78, 0.11  # a blue planet in the corner of the sky
    figure.fill(circle(px, py, pr), (70, 120, 200), emissive=True)
    figure.fill(
        ellipse(px - 0.02, py + 0.03, pr * 0.5, pr * 0.25), (80, 160, 90), emissive=True, outline=False
    )
    job.ink.draw(canvas, figure.parts, job.units)


def _underwater(canvas: skia.Canvas, job: SkyJob) -> None:
    width, height = job.width, job.height
    _gradient(canvas, job, job.ink.tone.rgb((60, 150, 190)), job.ink.tone.rgb((10, 50, 90)), y0=0, y1=height)
    paint = skia.Paint(AntiAlias=True, Color=job.ink.tone.argb((200, 240, 255), alpha=0.09))
    for _ in range(6):  # shafts of light from the surface
        x = job.rng.random() * width
        spread = width * (0.03 + job.rng.random() * 0.05)
        slant = width * 0.12
        canvas.drawPath(
            polygon([(x, 0), (x + spread, 0), (x + spread * 2.5 + slant, height), (x + slant, height)]), paint
        )


def _cave(canvas: skia.Canvas, job: SkyJob) -> None:
    rock = job.look.far_rgb
    _gradient(canvas, job, job.ink.tone.rgb(rock, 0.45), job.ink.tone.rgb(rock, 0.8), y0=0, y1=job.height)


def _curtain(canvas: skia.Canvas, job: SkyJob) -> None:
    width, height = job.width, job.height
    folds = max(6, width // max(1, height // 8))
    fold_w = width / folds
    base = job.look.wall_rgb
    colours = [job.ink.tone.rgb(base, 0.55), job.ink.tone.rgb(base, 1.0), job.ink.tone.rgb(base, 0.55)]
    for k in range(folds):
        x0 = k * fold_w
        shader = skia.GradientShader.MakeLinear(
            [skia.Point(x0, 0), skia.Point(x0 + fold_w, 0)], [skia.Color(*c) for c in colours]
        )
        canvas.drawRect(skia.Rect.MakeXYWH(x0, 0, fold_w + 1, height), skia.Paint(Shader=shader))
    light = (255, 250, 230)
    spot = skia.GradientShader.MakeRadial(
        skia.Point(width / 2, height * 0.5),
        height * 0.55,
        [job.ink.tone.argb(light, alpha=0.35, lit=False), job.ink.tone.argb(light, alpha=0.0, lit=False)],
    )
    canvas.drawRect(skia.Rect.MakeWH(width, height), skia.Paint(Shader=spot))


_PAINTERS: dict[str, Callable[[skia.Canvas, SkyJob], None]] = {
    "sky": _outdoor,
    "wall": _wall,
    "studio": _studio,
    "space": _space,
    "underwater": _underwater,
    "cave": _cave,
    "curtain": _curtain,
}
