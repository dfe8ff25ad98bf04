"""Fitting a model's latent grid to a request: generation sizes, frame counts, crops and audio resampling.

Video models only make sizes that are multiples of their latent patch and frame counts of the form
`k × temporal_compression + 1`. A request for, say, 1280x720 × 24 frames runs at the smallest grid that covers
it (1280x736 × 25 frames) and the result is centre-cropped and trimmed to exactly what was asked, so the
engine's contract (exact size, frame count and audio length) holds for every request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.signal import resample_poly

from mutoscope.engine import timebase


@dataclass(frozen=True, slots=True)
class Grid:
    """The size and frame count a model runs at to cover a request."""

    width: int
    height: int
    frames: int


def covering_grid(width: int, height: int, frames: int, *, multiple: int, temporal: int) -> Grid:
    """The smallest model grid at least `width`x`height` × `frames`."""
    return Grid(
        width=math.ceil(width / multiple) * multiple,
        height=math.ceil(height / multiple) * multiple,
        frames=math.ceil(max(frames - 1, 0) / temporal) * temporal + 1,
    )


def crop_frames(
    video: npt.NDArray[np.floating], width: int, height: int, start: int, count: int
) -> npt.NDArray[np.uint8]:
    """`[T, H, W, 3]` floats in [0, 1] → `count` uint8 frames from `start`, centre-cropped to `width`x`height`."""
    top = (video.shape[1] - height) // 2
    left = (video.shape[2] - width) // 2
    window = video[start : start + count, top : top + height, left : left + width]
    return np.asarray(np.clip(np.rint(window * 255.0), 0, 255), dtype=np.uint8)


def to_clip_audio(
    audio: npt.NDArray[np.floating], sample_rate_hz: int, frames: int, fps: int
) -> npt.NDArray[np.float32]:
    """`[C, N]` audio at `sample_rate_hz` → float32 stereo at 48 kHz, exactly as long as `frames` at `fps`."""
    target = timebase.sample_count(frames, fps)
    gcd = math.gcd(timebase.AUDIO_SAMPLE_RATE_HZ, sample_rate_hz)
    resampled = resample_poly(
        np.asarray(audio, dtype=np.float64),
        timebase.AUDIO_SAMPLE_RATE_HZ // gcd,
        sample_rate_hz // gcd,
        axis=1,
    )
    if resampled.shape[0] == 1:
        resampled = np.repeat(resampled, 2, axis=0)
    fitted = np.zeros((2, target), dtype=np.float32)
    kept = min(target, resampled.shape[1])
    fitted[:, :kept] = resampled[:2, :kept]
    return np.clip(fitted, -1.0, 1.0)


def fit_image(image: npt.NDArray[np.uint8], width: int, height: int) -> npt.NDArray[np.uint8]:
    """Resize-and-centre-crop an RGB image to fill `width`x`height` (for first-frame conditioning)."""
    from PIL import Image

    source = Image.fromarray(image)
    scale = max(width / source.width, height / source.height)
    resized = source.resize(
        (max(width, round(source.width * scale)), max(height, round(source.height * scale)))
    )
    left = (resized.width - width) // 2
    top = (resized.height - height) // 2
    return np.asarray(resized.crop((left, top, left + width, top + height)), dtype=np.uint8)
