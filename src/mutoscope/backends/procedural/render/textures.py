"""Procedural textures built once per render with numpy and reused every frame.

Film grain (a frame-sized sheet blitted at a few per-frame offsets), paper (off-white with fibres and
blotches), pencil hatching tiles (light, medium, cross-hatched), a clay tile (lumpy noise with
fingerprint-like ridges). Everything is deterministic from the seed, and all the
per-pixel numpy work happens here, at construction, never per frame.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import skia

from mutoscope.backends.procedural.render.raster import draw_offscreen, image_from_bgra, premultiply

F32 = npt.NDArray[np.float32]
GRAIN_PAD = 64  # the grain sheet is this much larger than the frame, so offsets never show an edge
TILE = 512  # side of the noise tiles that larger textures repeat
HATCH_TILE = 48
CLAY_TILE = 192


def smooth_noise(rng: np.random.Generator, height: int, width: int, cell: int) -> F32:
    """Value noise in 0..1: random values on a coarse grid, bilinearly upsampled (periodic in both axes)."""
    gh, gw = max(2, height // cell + 1), max(2, width // cell + 1)
    grid = rng.random((gh, gw), dtype=np.float32)
    ys = np.linspace(0, gh, height, endpoint=False, dtype=np.float32)
    xs = np.linspace(0, gw, width, endpoint=False, dtype=np.float32)
    y0, x0 = ys.astype(np.int64), xs.astype(np.int64)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    fy, fx = fy * fy * (3 - 2 * fy), fx * fx * (3 - 2 * fx)
    y1, x1 = (y0 + 1) % gh, (x0 + 1) % gw
    top = grid[y0][:, x0] * (1 - fx) + grid[y0][:, x1] * fx
    bottom = grid[y1][:, x0] * (1 - fx) + grid[y1][:, x1] * fx
    noise: F32 = np.asarray(top * (1 - fy) + bottom * fy, dtype=np.float32)
    return noise


def grain_sheet(seed: int, width: int, height: int, strength: float) -> skia.Image:
    """Signed film grain: specks of white and black with small alpha, larger than the frame by GRAIN_PAD.

    A TILE-sized patch of noise is repeated over the sheet (a memory copy, not per-pixel work); a repeat
    every few hundred pixels of grain is invisible, and the per-frame offset hides it further.
    """
    rng = np.random.default_rng([seed, 0x6EA1])
    noise = rng.standard_normal((TILE, TILE), dtype=np.float32)
    alpha = np.clip(np.abs(noise) * (0.11 * strength), 0.0, 0.5).astype(np.float32)
    white = (noise > 0).astype(np.float32)
    tile = premultiply(np.repeat(white[:, :, None], 3, axis=2), alpha)
    h, w = height + GRAIN_PAD, width + GRAIN_PAD
    sheet = np.tile(tile, (h // TILE + 1, w // TILE + 1, 1))[:h, :w]
    return image_from_bgra(sheet)


def paper_tile(seed: int) -> skia.Image:
    """A seamless, opaque off-white paper tile (soft blotches, fine fibres, specks) to fill areas with."""
    rng = np.random.default_rng([seed, 0x9A9E])
    blotch = smooth_noise(rng, TILE, TILE, TILE // 4)
    fibre = smooth_noise(rng, TILE, TILE, 3)
    speck = rng.random((TILE, TILE), dtype=np.float32)
    base = np.array([0.95, 0.935, 0.9], dtype=np.float32)
    shade = 1.0 - 0.05 * blotch - 0.035 * fibre - 0.04 * (speck > 0.985)
    rgb = (base[None, None, :] * shade[:, :, None]).astype(np.float32)
    return image_from_bgra(premultiply(rgb, np.ones((TILE, TILE), dtype=np.float32)))


def fill_with_tile(
    canvas: skia.Canvas, tile: skia.Image, size: tuple[int, int], offset: tuple[float, float]
) -> None:
    """Cover a `size` area with a repeating image, shifted by `offset` pixels."""
    shader = tile.makeShader(
        skia.TileMode.kRepeat, skia.TileMode.kRepeat, skia.SamplingOptions(), skia.Matrix.Translate(*offset)
    )
    canvas.drawRect(skia.Rect.MakeWH(*size), skia.Paint(Shader=shader))


def hatch_tiles(line_rgb: tuple[int, int, int]) -> tuple[skia.Image, skia.Image, skia.Image]:
    """Three periodic hatching tiles from light to dark: sparse diagonal, dense diagonal, cross-hatch."""
    colour = skia.Color(*line_rgb)

    def strokes(spacing: int, cross: bool, width: float) -> skia.Image:
        def draw(canvas: skia.Canvas) -> None:
            paint = skia.Paint(
                Color=colour, AntiAlias=True, StrokeWidth=width, Style=skia.Paint.kStroke_Style
            )
            for k in range(-HATCH_TILE, 2 * HATCH_TILE + 1, spacing):
                canvas.drawLine(k, HATCH_TILE, k + HATCH_TILE, 0, paint)
                if cross:
                    canvas.drawLine(k, 0, k + HATCH_TILE, HATCH_TILE, paint)

        return draw_offscreen(HATCH_TILE, HATCH_TILE, draw)

    return strokes(12, False, 1.0), strokes(6, False, 1.1), strokes(6, True, 1.2)


def clay_tile(seed: int) -> skia.Image:
    """A periodic clay texture: lumps, tool marks and fingerprint ridges as dark/light alpha."""
    rng = np.random.default_rng([seed, 0xC1A7])
    size = CLAY_TILE
    lumps = smooth_noise(rng, size, size, 24) - 0.5
    fine = smooth_noise(rng, size, size, 4) - 0.5
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    ridges = np.zeros((size, size), dtype=np.float32)
    for _ in range(5):  # a few thumbprints: concentric ridges fading out from a centre
        cy, cx = rng.random(2) * size
        dy = np.minimum(np.abs(yy - cy), size - np.abs(yy - cy))
        dx = np.minimum(np.abs(xx - cx), size - np.abs(xx - cx))
        r = np.sqrt(dx * dx + dy * 1.6 * dy)
        ridges += np.sin(r * 1.3) * np.clip(1.0 - r / 34.0, 0.0, 1.0)
    signal = lumps * 0.9 + fine * 0.5 + ridges * 0.22
    alpha = np.clip(np.abs(signal) * 0.55, 0.0, 0.45).astype(np.float32)
    light = (signal > 0).astype(np.float32)
    rgb = np.repeat(light[:, :, None], 3, axis=2)
    return image_from_bgra(premultiply(rgb, alpha))
