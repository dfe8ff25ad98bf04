"""Raster plumbing: skia surfaces over numpy buffers, images from arrays, offscreen pre-rendering.

The renderer draws every frame into one skia surface whose pixels *are* a preallocated numpy BGRA buffer
(`FrameSurface`), so no read-back is needed and a frame leaves as a single `memcpy`. Static things (sky,
parallax strips, overlays, textures) are drawn once offscreen with `draw_offscreen` or built with numpy and
wrapped by `image_from_bgra`, then blitted each frame. skia has no type stubs, so its calls are wrapped here
and in small typed helpers elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import skia

BGRA = npt.NDArray[np.uint8]
_INFO_TYPE = skia.kBGRA_8888_ColorType


class FrameSurface:
    """A skia raster surface drawing straight into a `uint8 [H, W, 4]` BGRA numpy buffer."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.pixels: BGRA = np.zeros((height, width, 4), dtype=np.uint8)
        info = skia.ImageInfo.Make(width, height, _INFO_TYPE, skia.kPremul_AlphaType)
        self._surface = skia.Surface.MakeRasterDirect(info, self.pixels, width * 4)
        if self._surface is None:
            raise RuntimeError(f"skia could not make a {width}x{height} raster surface")
        self.canvas: skia.Canvas = self._surface.getCanvas()

    def bgra_copy(self) -> BGRA:
        """A fresh copy of the frame (the buffer itself is redrawn for the next frame)."""
        return self.pixels.copy()

    def rgb_copy(self) -> npt.NDArray[np.uint8]:
        """The frame as contiguous RGB."""
        return np.ascontiguousarray(self.pixels[:, :, 2::-1])


def image_from_bgra(pixels: BGRA, *, opaque: bool = False) -> skia.Image:
    """An immutable skia image from premultiplied BGRA pixels (copied); `opaque` as in `draw_offscreen`."""
    alpha_type = skia.kOpaque_AlphaType if opaque else skia.kPremul_AlphaType
    return skia.Image.fromarray(
        np.ascontiguousarray(pixels), colorType=_INFO_TYPE, alphaType=alpha_type, copy=True
    )


def draw_offscreen(
    width: int, height: int, draw: Callable[[skia.Canvas], None], *, opaque: bool = False
) -> skia.Image:
    """Run `draw` on an offscreen canvas and return the result as an image.

    `opaque` promises that `draw` covers every pixel: skia then blits the image as a plain copy, about four
    times faster than blending it (use it for skies, ground planes and composites).
    """
    alpha_type = skia.kOpaque_AlphaType if opaque else skia.kPremul_AlphaType
    surface = skia.Surface.MakeRaster(
        skia.ImageInfo.Make(max(1, width), max(1, height), _INFO_TYPE, alpha_type)
    )
    canvas = surface.getCanvas()
    canvas.clear(skia.ColorBLACK if opaque else skia.ColorTRANSPARENT)
    draw(canvas)
    return surface.makeImageSnapshot()


def blit(canvas: skia.Canvas, image: skia.Image, x: float, y: float, alpha: float = 1.0) -> None:
    """Draw `image` with its top-left corner at (x, y), rounded to whole pixels (no resampling cost)."""
    if alpha >= 1.0:
        canvas.drawImage(image, round(x), round(y))
    else:
        canvas.drawImage(image, round(x), round(y), skia.SamplingOptions(), skia.Paint(Alphaf=alpha))


def premultiply(rgb: npt.NDArray[np.float32], alpha: npt.NDArray[np.float32]) -> BGRA:
    """Float RGB [H,W,3] and alpha [H,W] in 0..1 → premultiplied BGRA uint8."""
    out = np.empty((*alpha.shape, 4), dtype=np.uint8)
    a = np.clip(alpha, 0.0, 1.0)
    for channel, source in ((0, 2), (1, 1), (2, 0)):
        out[:, :, channel] = np.clip(rgb[:, :, source] * a * 255.0 + 0.5, 0, 255).astype(np.uint8)
    out[:, :, 3] = (a * 255.0 + 0.5).astype(np.uint8)
    return out
