"""Screen-space finishing: vignette and venetian blinds, film grain and dust, letterbox bars and captions.

Everything static is baked at construction (vignette, blind shadows and the grain into one overlay, each
caption into its own image), so the per-frame cost is a blit or two, a handful of dust specks
drawn from a generator seeded by the frame index (frames stay deterministic and independent), and two black
rectangles for the letterbox.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import skia

from mutoscope.backends.procedural.render.raster import blit, draw_offscreen
from mutoscope.backends.procedural.render.styles import Style
from mutoscope.backends.procedural.render.text import label_font
from mutoscope.backends.procedural.render.textures import GRAIN_PAD, grain_sheet

MAX_LETTERBOX_FRACTION = 0.13  # each bar covers at most this much of the frame height


@dataclass(frozen=True, slots=True)
class Caption:
    start_s: float
    end_s: float
    lines: tuple[str, ...]


class Finish:
    """The finishing pass of one render."""

    def __init__(
        self,
        style: Style,
        *,
        size: tuple[int, int],
        seed: int,
        fps: int,
        captions: Sequence[tuple[float, float, str]],
    ) -> None:
        width, height = size
        self.style = style
        self.width = width
        self.height = height
        self.fps = fps
        self.seed = seed
        self.bar_px = letterbox_px(style, width, height)
        grain = grain_sheet(seed, width, height, style.grain) if style.grain > 0 else None
        # Vignette, blinds and grain all hold still: one overlay image, one full-frame blend per frame.
        self.overlay = (
            _overlay(style, width, height, grain, seed)
            if style.vignette > 0 or style.blinds or grain
            else None
        )
        self.grain = grain
        self.captions = _captions(captions, width, height)
        self._font = label_font(height * 0.045)
        self._caption_images: dict[Caption, tuple[skia.Image, float]] = {}

    def draw(self, canvas: skia.Canvas, index: int) -> None:
        if self.overlay is not None:
            blit(canvas, self.overlay, 0, 0)
        if self.grain is not None:
            # The grain itself holds still (it is in the overlay): per-pixel noise that moved every frame would
            # multiply the H.264 bitrate ~40× and the encode time ~3× (measured). Life comes from sparse dust.
            self._dust(canvas, index)
        if self.bar_px > 0:
            black = skia.Paint(Color=skia.ColorBLACK)
            canvas.drawRect(skia.Rect.MakeWH(self.width, self.bar_px), black)
            canvas.drawRect(skia.Rect.MakeXYWH(0, self.height - self.bar_px, self.width, self.bar_px), black)
        caption = self._caption_at(index / self.fps)
        if caption is not None:
            self._draw_caption(canvas, caption)

    def _dust(self, canvas: skia.Canvas, index: int) -> None:
        """A few specks of dust and, now and then, a scratch: different on every frame, cheap to encode."""
        rng = np.random.default_rng([self.seed, index, 0xD057])
        scale = self.height / 720.0
        paint = skia.Paint(AntiAlias=True)
        for _ in range(int(rng.integers(0, 5))):
            light = rng.random() < 0.4
            paint.setColor(skia.Color(235, 235, 225, 150) if light else skia.Color(20, 18, 16, 170))
            x, y = rng.random() * self.width, rng.random() * self.height
            canvas.drawCircle(x, y, (0.8 + rng.random() * 1.8) * scale, paint)
        if rng.random() < 0.12:
            x = rng.random() * self.width
            top = rng.random() * self.height * 0.5
            paint.setColor(skia.Color(230, 230, 220, 90))
            paint.setStrokeWidth(max(1.0, scale))
            canvas.drawLine(x, top, x + (rng.random() - 0.5) * 4 * scale, top + self.height * 0.5, paint)

    def _caption_at(self, t_s: float) -> Caption | None:
        for caption in self.captions:
            if caption.start_s <= t_s < caption.end_s:
                return caption
        return None

    def _draw_caption(self, canvas: skia.Canvas, caption: Caption) -> None:
        # Outlined text costs milliseconds per frame at 1080p; each caption is drawn once and blitted.
        cached = self._caption_images.get(caption)
        if cached is None:
            cached = self._caption_images[caption] = self._caption_image(caption)
        image, top = cached
        blit(canvas, image, 0, top)

    def _caption_image(self, caption: Caption) -> tuple[skia.Image, float]:
        size = self.height * 0.045
        line_h = size * 1.3
        bottom = self.height - max(self.bar_px, 0) - size * 1.2
        top = bottom - line_h * len(caption.lines) - size * 0.2
        fill = skia.Paint(Color=skia.ColorWHITE, AntiAlias=True)
        edge = skia.Paint(
            Color=skia.Color(0, 0, 0, 220),
            AntiAlias=True,
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=max(2.0, size / 7),
        )

        def draw(offscreen: skia.Canvas) -> None:
            for k, line in enumerate(reversed(caption.lines)):
                width = self._font.measureText(line)
                x = (self.width - width) / 2
                y = bottom - k * line_h - top
                offscreen.drawString(line, x, y, self._font, edge)
                offscreen.drawString(line, x, y, self._font, fill)

        return draw_offscreen(self.width, round(bottom - top + size * 0.6), draw), round(top)


def letterbox_px(style: Style, width: int, height: int) -> int:
    """Height of each letterbox bar for the style at this frame size (0 when the style has none)."""
    if style.letterbox_aspect <= 0:
        return 0
    wanted = (height - width / style.letterbox_aspect) / 2
    return round(min(max(wanted, height * 0.06), height * MAX_LETTERBOX_FRACTION))


def _captions(captions: Sequence[tuple[float, float, str]], width: int, height: int) -> tuple[Caption, ...]:
    font = label_font(height * 0.045)
    per_line = max(10, int(width * 0.85 / max(font.measureText("n"), 1.0)))
    out = []
    for start_s, end_s, text in captions:
        lines = textwrap.wrap(text.strip(), per_line)[:3]
        if lines:
            out.append(Caption(start_s, end_s, tuple(lines)))
    return tuple(out)


def _overlay(style: Style, width: int, height: int, grain: skia.Image | None, seed: int) -> skia.Image:
    def draw(canvas: skia.Canvas) -> None:
        if style.blinds:
            _blinds(canvas, width, height)
        if style.vignette > 0:
            radius = math.hypot(width, height) * 0.5
            shader = skia.GradientShader.MakeRadial(
                skia.Point(width / 2, height / 2),
                radius,
                [
                    skia.Color(0, 0, 0, 0),
                    skia.Color(0, 0, 0, 0),
                    skia.Color(0, 0, 0, round(255 * style.vignette)),
                ],
                [0.0, 0.55, 1.0],
            )
            canvas.drawRect(skia.Rect.MakeWH(width, height), skia.Paint(Shader=shader))
        if grain is not None:
            blit(canvas, grain, -(seed % GRAIN_PAD), -((seed >> 8) % GRAIN_PAD))

    return draw_offscreen(width, height, draw)


def _blinds(canvas: skia.Canvas, width: int, height: int) -> None:
    """Slanted bands of shadow, as light through venetian blinds, with soft edges (one repeating gradient)."""
    slat = height / 6.5
    shade = skia.Color(0, 0, 0, 96)
    clear = skia.Color(0, 0, 0, 0)
    rotation = skia.Matrix.RotateDeg(-18, skia.Point(width / 2, height / 2))
    shader = skia.GradientShader.MakeLinear(
        [skia.Point(0, 0), skia.Point(0, slat)],
        [shade, shade, clear, clear, shade],
        [0.0, 0.36, 0.46, 0.9, 1.0],
        skia.TileMode.kRepeat,
        0,
        rotation,
    )
    canvas.drawRect(skia.Rect.MakeWH(width, height), skia.Paint(Shader=shader))
