"""A parallax layer: a horizontally periodic strip of scenery, cheap to draw at any camera position and zoom.

The strip is painted into an image once per zoom and every frame is a few unscaled blits tiled across the
frame (scaled image draws cost ~15 ns per pixel in this skia build: a full layer would take ~8 ms a frame at
720p). Zooms are quantised to ZOOM_STEP, so a dolly re-paints a layer only when its zoom crosses a step, and
the layer is scaled about the frame centre, so a step changes nothing at the centre and moves the frame edges
by at most half a step. Images are pure functions of the zoom step: frames stay deterministic in any order.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import skia

from mutoscope.backends.procedural.render.figure import Affine, Fill, Part, Stroke
from mutoscope.backends.procedural.render.ink import Ink
from mutoscope.backends.procedural.render.raster import blit, draw_offscreen
from mutoscope.backends.procedural.render.scenery import Glow, Strip

ZOOM_STEP = 1.01  # the default; nearer layers need finer steps to stay locked to the bodies
IMAGE_CACHE = 4  # zoom steps kept as images (a dolly moves through them in order)


@dataclass(frozen=True, slots=True)
class Extent:
    """A layer's vertical extent in strip units: from `below` under the baseline to `above` over it."""

    below: float
    above: float


class StripLayer:
    """`strip` (x in units over a period, y up from the baseline) drawn at `unit_px` px per unit × zoom."""

    def __init__(
        self,
        strip: Strip,
        ink: Ink,
        *,
        unit_px: float,
        extent: Extent,
        outline_scale: float,
        zoom_step: float = ZOOM_STEP,
    ) -> None:
        self.strip = strip
        self.zoom_step = zoom_step
        self.ink = ink
        self.unit_px = unit_px
        self.extent = extent
        self.outline_scale = outline_scale  # the px-per-metre outlines are judged at (the same at every zoom)
        self._spans = [(_span(part), _seamless(part, strip.period)) for part in strip.figure.parts]
        self._images: dict[int, skia.Image] = {}

    def draw(self, canvas: skia.Canvas, anchor: tuple[float, float], zoom: float, *, width: int) -> None:
        """Draw the strip so that strip x = `anchor[0]` (units) sits at the frame's centre column and the
        baseline at screen y `anchor[1]`, zoomed by `zoom` (quantised)."""
        step = round(math.log(max(zoom, 1e-3)) / math.log(self.zoom_step))
        image = self._image(step)
        scale = self.unit_px * self.zoom_step**step
        period_px = image.width()
        centre_u, baseline = anchor
        x0 = width * 0.5 - centre_u * scale  # screen x of strip x = 0 in tile 0
        top = baseline - self.extent.above * scale
        first = math.floor(-x0 / period_px) - 1
        last = math.floor((width - x0) / period_px) + 1
        for n in range(first, last + 1):
            blit(canvas, image, x0 + n * period_px, top)

    def _image(self, step: int) -> skia.Image:
        image = self._images.get(step)
        if image is not None:
            return image
        if len(self._images) >= IMAGE_CACHE:
            self._images.pop(next(iter(self._images)))
        scale = self.unit_px * self.zoom_step**step
        period = self.strip.period
        width = max(2, round(period * scale))
        height = max(2, math.ceil((self.extent.above + self.extent.below) * scale))

        def paint(canvas: skia.Canvas) -> None:
            # The tile, plus the overhangs of its neighbours' parts, so tiles join without a seam.
            for n in (-1, 0, 1):
                transform = Affine(a=scale, d=-scale, e=n * period * scale, f=self.extent.above * scale)
                self._paint(canvas, transform, (-n * period, (1 - n) * period))

        image = self._images[step] = draw_offscreen(width, height, paint)
        return image

    def _paint(self, canvas: skia.Canvas, transform: Affine, span: tuple[float, float]) -> None:
        lo, hi = span
        parts = [part for (left, right), part in self._spans if right >= lo and left <= hi]
        if parts:
            self.ink.draw(canvas, parts, transform, px_per_m=self.outline_scale)
        if self.ink.style.paper:
            return
        for glow in self.strip.glows:
            if lo - glow[2] <= glow[0] <= hi + glow[2]:
                _draw_glow(canvas, self.ink, transform, glow)


def _seamless(part: Part, period: float) -> Part:
    """A part as wide as much of the period (a band of sea, a range of hills) is drawn unshaded: its lit end
    and its shaded end would otherwise meet at every tile join as a visible seam."""
    if isinstance(part, Fill) and part.shade:
        bounds = part.path.getBounds()
        if bounds.width() > 0.5 * period:
            return dataclasses.replace(part, shade=False)
    return part


def _span(part: Part) -> tuple[float, float]:
    """A part's horizontal extent in strip units (labels and pictures never appear in strips)."""
    if isinstance(part, Fill | Stroke):
        bounds = part.path.getBounds()
        pad = part.width_m if isinstance(part, Stroke) else 0.0
        return bounds.left() - pad, bounds.right() + pad
    return -math.inf, math.inf


def _draw_glow(canvas: skia.Canvas, ink: Ink, transform: Affine, glow: Glow) -> None:
    """A soft pool of light (lamps, lit windows) added over the scenery."""
    gx, gy, radius, rgb = glow
    x, y = transform.apply(gx, gy)
    r = max(1.0, radius * transform.scale)
    shader = skia.GradientShader.MakeRadial(
        skia.Point(x, y),
        r,
        [ink.tone.argb(rgb, alpha=0.5, lit=False), ink.tone.argb(rgb, alpha=0.0, lit=False)],
    )
    canvas.drawCircle(x, y, r, skia.Paint(Shader=shader, AntiAlias=True, BlendMode=skia.BlendMode.kPlus))
