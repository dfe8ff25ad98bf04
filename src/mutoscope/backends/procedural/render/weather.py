"""Weather in front of (and between) the layers: rain, snow, wind-blown streaks, bubbles, fog, lightning.

Particles are painted once into frame-sized, seamlessly tiling sheets; each frame blits a sheet at an offset
that is a pure function of the frame index (fall speed, wind drift, sway), so any frame can be rendered alone
and the result is deterministic. Two sheets per effect at different speeds and sizes give depth. Fog is a soft
horizontal band blitted over the distant layers plus a light veil over everything; a storm adds lightning
flashes on frames chosen from the seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import skia

from mutoscope.backends.procedural.render.raster import blit, draw_offscreen
from mutoscope.backends.procedural.render.tone import Tone


@dataclass(frozen=True, slots=True)
class Sheet:
    image: skia.Image
    speed_x: float  # pixels per frame
    speed_y: float
    sway_px: float = 0.0


class Weather:
    """The weather effects of one render; `draw` paints them for frame `index` over the bodies."""

    def __init__(
        self, kind: str, tone: Tone, *, size: tuple[int, int], seed: int, underwater: bool, fps: int
    ) -> None:
        width, height = size
        self.kind = kind
        self.width = width
        self.height = height
        self.seed = seed
        self.fps = fps
        rng = np.random.default_rng([seed, 0x3EA7])
        scale = height / 720.0
        pace = 24.0 / max(fps, 1)  # sheets move in pixels per frame; keep real speeds at any fps
        self.sheets = _sheets(kind, _Sheets(rng, tone, width, height), scale, pace, underwater=underwater)
        self.veil = _veil(tone, width, height) if kind == "fog" else None
        self._flash_frames = _lightning_frames(seed, fps) if kind == "storm" else frozenset()

    def draw(self, canvas: skia.Canvas, index: int) -> None:
        for n, sheet in enumerate(self.sheets):
            sway = sheet.sway_px * math.sin(index * 0.07 + n)
            _blit_wrapped(canvas, sheet.image, (index * sheet.speed_x + sway, index * sheet.speed_y))
        if self.veil is not None:
            blit(canvas, self.veil, 0, 0)
        flash = self._flash(index)
        if flash > 0.0:
            canvas.drawPaint(skia.Paint(Color=skia.Color4f(0.92, 0.94, 1.0, flash)))

    def _flash(self, index: int) -> float:
        for age in range(4):  # a flash fades over four frames
            if index - age in self._flash_frames:
                return 0.55 * (1.0 - age / 4)
        return 0.0


def _sheets(kind: str, paint: _Sheets, scale: float, pace: float, *, underwater: bool) -> list[Sheet]:
    """The particle sheets of a weather, two depths each; speeds in pixels per frame."""
    sheets = []
    if kind in ("rain", "storm"):
        heavy = kind == "storm"
        slant = 0.25 if heavy else 0.12
        for depth, count in ((0.6, 130), (1.0, 80)):
            image = paint.streaks(
                count * (1.6 if heavy else 1.0), 26 * depth * scale, slant=slant, depth=depth
            )
            fall = 40 * depth * scale * pace
            sheets.append(Sheet(image, -slant * fall, fall))
    elif kind == "snow":
        for depth, count in ((0.5, 320), (1.0, 140)):
            image = paint.flakes(count, 2.2 * depth * scale, depth)
            sheets.append(Sheet(image, -1.0 * depth * pace, 3.0 * depth * scale * pace, 12 * depth * scale))
    elif kind == "wind":
        image = paint.streaks(140, 46 * scale, slant=0.0, depth=0.5, horizontal=True)
        sheets.append(Sheet(image, -45 * scale * pace, 2 * scale * pace))
        sheets.append(Sheet(paint.leaves(40, 4 * scale), -30 * scale * pace, 3 * scale * pace, 10 * scale))
    if underwater:
        sheets.append(Sheet(paint.bubbles(50, 4 * scale), 0.0, -3 * scale * pace, 6 * scale))
    return sheets


def _lightning_frames(seed: int, fps: int) -> frozenset[int]:
    rng = np.random.default_rng([seed, 0xF1A5])
    frames = set()
    t = 1.0 + rng.random() * 2.0
    for _ in range(20):
        frames.add(round(t * fps))
        t += 2.5 + rng.random() * 5.0
    return frozenset(frames)


def _blit_wrapped(canvas: skia.Canvas, image: skia.Image, offset: tuple[float, float]) -> None:
    """Blit a frame-sized tiling sheet shifted by `offset`, wrapping around: at most four partial copies."""
    width, height = image.width(), image.height()
    x = offset[0] % width
    y = offset[1] % height
    for dx in (x - width, x):
        for dy in (y - height, y):
            if dx < width and dy < height and dx + width > 0 and dy + height > 0:
                blit(canvas, image, dx, dy)


Particle = Callable[[skia.Canvas, float, float], None]  # draws one particle at (x, y)


@dataclass(frozen=True, slots=True)
class _Sheets:
    """Paints frame-sized, seamlessly tiling particle sheets from one seeded generator."""

    rng: np.random.Generator
    tone: Tone
    width: int
    height: int

    def paint(
        self, count: int, margin: float, particle: Callable[[np.random.Generator], Particle]
    ) -> skia.Image:
        """`count` particles at random places; `particle(rng)` draws one particle's looks once, so its copies
        wrapped across the sheet edges match."""

        def draw(canvas: skia.Canvas) -> None:
            for _ in range(int(count)):
                x, y = self.rng.random() * self.width, self.rng.random() * self.height
                one = particle(self.rng)
                for dx in (-self.width, 0, self.width):
                    for dy in (-self.height, 0, self.height):
                        px, py = x + dx, y + dy
                        if -margin < px < self.width + margin and -margin < py < self.height + margin:
                            one(canvas, px, py)

        return draw_offscreen(self.width, self.height, draw)

    def streaks(
        self, count: float, length: float, *, slant: float, depth: float, horizontal: bool = False
    ) -> skia.Image:
        paint = skia.Paint(
            Color=self.tone.argb((210, 220, 235), alpha=0.25 + 0.3 * depth, lit=False),
            AntiAlias=True,
            StrokeWidth=max(1.0, 1.3 * depth * self.height / 720),
        )
        dx, dy = (length, 0.0) if horizontal else (-slant * length, length)

        def streak(rng: np.random.Generator) -> Particle:
            del rng
            return lambda canvas, x, y: canvas.drawLine(x, y, x + dx, y + dy, paint)

        return self.paint(int(count), length * 2, streak)

    def flakes(self, count: int, radius: float, depth: float) -> skia.Image:
        paint = skia.Paint(
            Color=self.tone.argb((250, 250, 255), alpha=0.55 + 0.4 * depth, lit=False), AntiAlias=True
        )

        def flake(rng: np.random.Generator) -> Particle:
            r = max(0.8, radius * (0.6 + 0.8 * rng.random()))
            return lambda canvas, x, y: canvas.drawCircle(x, y, r, paint)

        return self.paint(count, radius * 4, flake)

    def leaves(self, count: int, size: float) -> skia.Image:
        colours = [
            self.tone.argb(rgb) for rgb in ((90, 140, 50), (200, 120, 40), (150, 90, 40), (220, 180, 60))
        ]

        def leaf(rng: np.random.Generator) -> Particle:
            paint = skia.Paint(AntiAlias=True, Color=colours[int(rng.integers(0, len(colours)))])
            s = max(1.5, size * (0.6 + 0.8 * rng.random()))
            angle = rng.random() * 180.0

            def draw(canvas: skia.Canvas, x: float, y: float) -> None:
                canvas.save()
                canvas.translate(x, y)
                canvas.rotate(angle)
                canvas.drawOval(skia.Rect.MakeLTRB(-s, -s * 0.45, s, s * 0.45), paint)
                canvas.restore()

            return draw

        return self.paint(count, size * 3, leaf)

    def bubbles(self, count: int, radius: float) -> skia.Image:
        paint = skia.Paint(
            Color=self.tone.argb((220, 245, 255), alpha=0.6, lit=False),
            AntiAlias=True,
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=max(1.0, radius / 3),
        )

        def bubble(rng: np.random.Generator) -> Particle:
            r = max(1.0, radius * (0.4 + rng.random()))
            return lambda canvas, x, y: canvas.drawCircle(x, y, r, paint)

        return self.paint(count, radius * 3, bubble)


def fog_band(tone: Tone, width: int, height: int) -> skia.Image:
    """A soft horizontal band of fog, a third of the frame tall, blitted over distant layers."""
    band_h = max(2, height // 3)
    fog = tone.rgb((215, 218, 222), lit=True)

    def draw(canvas: skia.Canvas) -> None:
        shader = skia.GradientShader.MakeLinear(
            [skia.Point(0, 0), skia.Point(0, band_h)],
            [skia.Color(*fog, 0), skia.Color(*fog, 200), skia.Color(*fog, 0)],
        )
        canvas.drawRect(skia.Rect.MakeWH(width, band_h), skia.Paint(Shader=shader))

    return draw_offscreen(width, band_h, draw)


def _veil(tone: Tone, width: int, height: int) -> skia.Image:
    """A light full-frame fog veil, thicker toward the top, drawn over the bodies."""
    fog = tone.rgb((215, 218, 222), lit=True)

    def draw(canvas: skia.Canvas) -> None:
        shader = skia.GradientShader.MakeLinear(
            [skia.Point(0, 0), skia.Point(0, height)], [skia.Color(*fog, 110), skia.Color(*fog, 40)]
        )
        canvas.drawRect(skia.Rect.MakeWH(width, height), skia.Paint(Shader=shader))

    return draw_offscreen(width, height, draw)
