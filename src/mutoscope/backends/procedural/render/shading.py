"""Soft shading without gradient shaders: pre-rendered light ramps laid over flat fills.

In this skia build a gradient shader costs ~15 ns per pixel (a body filling a third of a 720p frame would
take ~5 ms), while an image shader with a translate-only matrix takes the fast blit path (~1 ns per pixel).
So soft styles paint a part flat and then fill the same path with a ramp image: translucent key-light colour
on the lit side fading to a translucent dark on the far side, along the key light's direction. Ramps are
rendered once per render in a geometric series of sizes; a part uses the smallest ramp that covers it.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
import skia

from mutoscope.backends.procedural.render.raster import image_from_bgra, premultiply
from mutoscope.backends.procedural.scene import RGB

SMALLEST_PX = 6.0
GROWTH = 1.25  # each ramp is this much larger than the last: a part is shaded over 80–100 % of its reach
LARGEST_PX = 640.0
SHADOW_RGB: RGB = (18, 22, 40)  # the far side leans cool and dark, like ambient sky light


class Ramps:
    """Light ramps for one render: `light` is the screen direction toward the key light (unit vector)."""

    def __init__(
        self, light: tuple[float, float], highlight: RGB, *, lift: float, shade: float, frame_height: int
    ) -> None:
        self.light = light
        self.highlight = highlight
        self.lift = lift
        self.shade = shade
        self.radii: list[float] = []
        self._images: dict[int, skia.Image] = {}  # made on first use: most renders need only a few sizes
        largest = min(LARGEST_PX, max(frame_height * 0.6, SMALLEST_PX))
        radius = SMALLEST_PX
        while True:
            self.radii.append(radius)
            if radius >= largest:
                break
            radius = min(radius * GROWTH, largest)

    def shader(self, centre: tuple[float, float], reach: float) -> skia.Shader:
        """A shader that shades a part centred at `centre` whose bounds reach `reach` pixels from it."""
        index = min(bisect.bisect_left(self.radii, reach * 0.95), len(self.radii) - 1)
        image = self._images.get(index)
        if image is None:
            radius = round(self.radii[index])
            image = self._images[index] = _ramp(
                self.light, self.highlight, radius, lift=self.lift, shade=self.shade
            )
        half = image.width() / 2
        # Whole-pixel offsets keep the shader on skia's translate-only fast path with nearest sampling.
        offset = skia.Matrix.Translate(round(centre[0] - half), round(centre[1] - half))
        return image.makeShader(skia.TileMode.kClamp, skia.TileMode.kClamp, skia.SamplingOptions(), offset)


def _ramp(
    light: tuple[float, float], highlight: RGB, radius: int, *, lift: float, shade: float
) -> skia.Image:
    size = max(2, 2 * radius)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    lx, ly = light
    norm = math.hypot(lx, ly) or 1.0
    d = ((xx + 0.5 - radius) * lx + (yy + 0.5 - radius) * ly) / (norm * max(radius, 1))
    d = np.clip(d, -1.0, 1.0)
    lit = np.clip(d, 0.0, 1.0) ** 1.5 * lift
    dark = np.clip(-d, 0.0, 1.0) * shade
    alpha = (lit + dark).astype(np.float32)
    colour = (
        np.where((d > 0)[:, :, None], np.array(highlight, np.float32), np.array(SHADOW_RGB, np.float32))
        / 255.0
    )
    return image_from_bgra(premultiply(colour.astype(np.float32), alpha))
