"""Does the mouth move with the voice? Mouth-region motion against the speech envelope, frame by frame.

For each video frame in the spoken part of the recording, the mouth region (the lower middle of the face box,
interpolated between detection samples) is compared with the previous frame; motion of the upper face
(eyes, brow) is subtracted so a nodding head or a shaking camera is not lip movement. The result is
correlated with the audio level of the same frames, allowing the lips up to ~170 ms either way of the sound.
A photo with a voice-over has a still mouth, so its correlation stays near zero whatever is said.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mutoscope.likeness.faces import Box, FaceSample, analysis_scale, to_gray
from mutoscope.likeness.speech import HOP_S, envelope_db

MAX_LAG_FRAMES = 4
_ROI_PX = (24, 12)  # mouth patch, resized (width, height)


def mouth_motion(
    frames: Any, fps: float, samples: Sequence[FaceSample], track: Sequence[Box | None], span: tuple[int, int]
) -> npt.NDArray[np.float64]:
    """Mouth motion energy for frames `span[0]..span[1]-1` (NaN where no face box is known)."""
    import cv2

    scale = analysis_scale(np.asarray(frames[0]).shape)
    known = [(s.index, b) for s, b in zip(samples, track, strict=True) if b is not None]
    energies = np.full(span[1] - span[0], np.nan)
    if len(known) < 2:
        return energies
    previous: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None = None
    for offset, index in enumerate(range(span[0], span[1])):
        box = _box_at(known, index)
        gray = to_gray(np.asarray(frames[index]), scale)
        mouth = _patch(cv2, gray, box, top=0.62, bottom=0.95, width=0.5)
        upper = _patch(cv2, gray, box, top=0.2, bottom=0.5, width=0.7)
        if previous is not None:
            motion = float(np.abs(mouth - previous[0]).mean()) - float(np.abs(upper - previous[1]).mean())
            energies[offset] = max(motion, 0.0)
        previous = (mouth, upper)
    return energies


def audio_level(
    samples16k: npt.NDArray[np.float32], fps: float, span: tuple[int, int]
) -> npt.NDArray[np.float64]:
    """The audio's linear RMS level per video frame of `span`."""
    level = 10 ** (envelope_db(samples16k) / 20)
    hops_per_frame = 1 / (fps * HOP_S)
    out = np.zeros(span[1] - span[0])
    for offset, index in enumerate(range(span[0], span[1])):
        a, b = int(index * hops_per_frame), int((index + 1) * hops_per_frame)
        window = level[a : max(b, a + 1)]
        out[offset] = float(window.mean()) if len(window) else 0.0
    return out


def correlation(motion: npt.NDArray[np.float64], level: npt.NDArray[np.float64]) -> float:
    """The best Pearson correlation of mouth motion and audio level over lags of ±`MAX_LAG_FRAMES`."""
    smooth = np.ones(3) / 3
    m = np.convolve(np.nan_to_num(motion), smooth, mode="same")
    a = np.convolve(level, smooth, mode="same")
    best = -1.0
    for lag in range(-MAX_LAG_FRAMES, MAX_LAG_FRAMES + 1):
        x, y = (m[lag:], a[: len(a) - lag]) if lag >= 0 else (m[:lag], a[-lag:])
        if len(x) < 8 or x.std() == 0 or y.std() == 0:
            continue
        best = max(best, float(np.corrcoef(x, y)[0, 1]))
    return best


def _box_at(known: Sequence[tuple[int, Box]], index: int) -> Box:
    """The face box at frame `index`, linearly interpolated between the nearest detection samples."""
    indices = [i for i, _ in known]
    position = int(np.searchsorted(indices, index))
    if position <= 0:
        return known[0][1]
    if position >= len(known):
        return known[-1][1]
    (i0, b0), (i1, b1) = known[position - 1], known[position]
    t = (index - i0) / (i1 - i0)
    return Box(
        b0.x + (b1.x - b0.x) * t, b0.y + (b1.y - b0.y) * t, b0.w + (b1.w - b0.w) * t, b0.h + (b1.h - b0.h) * t
    )


def _patch(
    cv2: Any, gray: npt.NDArray[np.uint8], box: Box, *, top: float, bottom: float, width: float
) -> npt.NDArray[np.float32]:
    x0 = round(box.cx - box.w * width / 2)
    x1 = round(box.cx + box.w * width / 2)
    y0, y1 = round(box.y + box.h * top), round(box.y + box.h * bottom)
    h, w = gray.shape
    x0, x1, y0, y1 = max(0, x0), min(w, max(x1, x0 + 2)), max(0, y0), min(h, max(y1, y0 + 2))
    patch: npt.NDArray[np.float32] = cv2.resize(
        gray[y0:y1, x0:x1], _ROI_PX, interpolation=cv2.INTER_AREA
    ).astype(np.float32)
    return patch
