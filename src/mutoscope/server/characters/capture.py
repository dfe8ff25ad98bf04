"""What a character clip gives a backend: its palette (the dominant colours over the clip).

This is the capture for pets, objects and illustrations; people get the consented capture with a liveness check
(issue "Characters"), which adds face crops, proportions and voice.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

from mutoscope.engine.clip import Clip

PALETTE_COLOURS = 4
_SAMPLES = 8
_THUMB_PX = 96
_BACKGROUND_DISTANCE = 60  # sum of |ΔR|+|ΔG|+|ΔB| from the border's median colour
_MIN_SUBJECT_PX = 64


def dominant_palette(clip: Clip, colours: int = PALETTE_COLOURS) -> list[tuple[int, int, int]]:
    """The clip's most common colours, most frequent first (median-cut over a few evenly spaced frames)."""
    count = clip.frame_count
    indices = sorted({round(i * (count - 1) / max(_SAMPLES - 1, 1)) for i in range(_SAMPLES)})
    pixels = np.concatenate([_subject_pixels(_shrink(np.asarray(clip.frames[i]))) for i in indices])
    mosaic = Image.fromarray(pixels.reshape(1, -1, 3))
    quantized = mosaic.quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    palette: list[int] = list(quantized.getpalette() or [])
    counts: list[tuple[int, int]] = sorted(quantized.getcolors() or [], reverse=True)  # type: ignore[arg-type]
    return [(palette[3 * i], palette[3 * i + 1], palette[3 * i + 2]) for _, i in counts]


def _subject_pixels(frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The pixels that differ from the frame's border (the background), or all of them if none do.

    A character clip is framed on its subject, so the border is mostly background: without this the palette
    would describe the table the pet sits on rather than the pet.
    """
    edge = max(1, frame.shape[0] // 12)
    border = np.concatenate(
        [
            frame[:edge].reshape(-1, 3),
            frame[-edge:].reshape(-1, 3),
            frame[:, :edge].reshape(-1, 3),
            frame[:, -edge:].reshape(-1, 3),
        ]
    )
    background = np.median(border, axis=0)
    distance = np.abs(frame.reshape(-1, 3).astype(np.int16) - background.astype(np.int16)).sum(axis=1)
    subject = frame.reshape(-1, 3)[distance > _BACKGROUND_DISTANCE]
    return subject if len(subject) >= _MIN_SUBJECT_PX else frame.reshape(-1, 3)


def _shrink(frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    image = Image.fromarray(frame).resize((_THUMB_PX, _THUMB_PX), Image.Resampling.BILINEAR)
    return np.asarray(image)
