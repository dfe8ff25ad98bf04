"""What an accepted recording gives a person's character: a face crop, a palette, proportions and a voice.

- face: the camera-facing sample whose face box is nearest the resting box (the steadiest look), cropped with
  a margin to a square `FACE_PX` image;
- palette: skin (the cheeks), hair (above the brow) and top (below the chin), as the procedural backend's
  humanoid palette orders them (skin, hair, top, ...); what the camera cannot see is left to the backend;
- proportions: the face's width over its height (from the skin under the face box), and from it a body
  width ratio around the average build: a rough guide, not a measurement of the body;
- voice: pitch, rate and timbre of the spoken digits (`voice.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mutoscope.likeness.faces import Box, analysis_scale
from mutoscope.likeness.liveness import Analysis
from mutoscope.likeness.voice import VoiceMeasure, measure_voice

FACE_PX = 128
_AVERAGE_FACE_RATIO = 0.8
_AVERAGE_BODY_RATIO = 0.257  # shoulder width over height of an average adult

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True, eq=False)
class PersonLikeness:
    face: npt.NDArray[np.uint8]
    palette: tuple[RGB, ...]
    proportions: dict[str, float]
    voice: VoiceMeasure


def capture_person(frames: Any, analysis: Analysis) -> PersonLikeness:
    rest = analysis.rest
    if rest is None:
        raise ValueError("an accepted recording always has a resting face box")
    scale = analysis_scale(np.asarray(frames[0]).shape)
    sample, box = min(
        (
            (s, b)
            for s, b in zip(analysis.samples, analysis.track, strict=True)
            if b is not None and b.side == "frontal"
        ),
        key=lambda pair: abs(pair[1].cx - rest.cx) + abs(pair[1].cy - rest.cy),
    )
    frame = np.asarray(frames[sample.index])
    full = Box(box.x / scale, box.y / scale, box.w / scale, box.h / scale)
    skin = _median(frame, full, (0.2, 0.5), (0.55, 0.75))
    hair = _median(frame, full, (0.3, 0.7), (-0.25, -0.05))
    top = _median(frame, full, (0.0, 1.0), (1.45, 1.9))
    ratio = _face_ratio(frame, full, skin)
    return PersonLikeness(
        face=_crop(frame, full),
        palette=tuple(c for c in (skin, hair, top) if c is not None),
        proportions={
            "face_ratio": round(ratio, 3),
            "width_ratio": round(
                float(np.clip(_AVERAGE_BODY_RATIO * ratio / _AVERAGE_FACE_RATIO, 0.21, 0.31)), 3
            ),
        },
        voice=measure_voice(analysis.speech, analysis.spoken),
    )


def _crop(frame: npt.NDArray[np.uint8], box: Box) -> npt.NDArray[np.uint8]:
    import cv2

    margin = box.w * 0.2
    h, w = frame.shape[:2]
    x0, y0 = max(0, int(box.x - margin)), max(0, int(box.y - margin))
    x1, y1 = min(w, int(box.x + box.w + margin)), min(h, int(box.y + box.h + margin))
    face = cv2.resize(
        np.ascontiguousarray(frame[y0:y1, x0:x1]), (FACE_PX, FACE_PX), interpolation=cv2.INTER_AREA
    )
    return np.asarray(face, dtype=np.uint8)


def _median(
    frame: npt.NDArray[np.uint8], box: Box, across: tuple[float, float], down: tuple[float, float]
) -> RGB | None:
    h, w = frame.shape[:2]
    x0, x1 = int(box.x + box.w * across[0]), int(box.x + box.w * across[1])
    y0, y1 = int(box.y + box.h * down[0]), int(box.y + box.h * down[1])
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    colour = np.median(frame[y0:y1, x0:x1].reshape(-1, 3), axis=0)
    return (int(colour[0]), int(colour[1]), int(colour[2]))


def _face_ratio(frame: npt.NDArray[np.uint8], box: Box, skin: RGB | None) -> float:
    """Width over height of the pixels coloured like the cheeks, around the face box."""
    if skin is None:
        return _AVERAGE_FACE_RATIO
    h, w = frame.shape[:2]
    x0, x1 = max(0, int(box.x - box.w * 0.2)), min(w, int(box.x + box.w * 1.2))
    y0, y1 = max(0, int(box.y)), min(h, int(box.y + box.h * 1.15))
    region = frame[y0:y1, x0:x1].astype(np.int16)
    near = np.abs(region - np.array(skin, np.int16)).sum(axis=2) < 60
    cols, rows = np.flatnonzero(near.mean(axis=0) > 0.3), np.flatnonzero(near.mean(axis=1) > 0.3)
    if len(cols) < 2 or len(rows) < 2:
        return _AVERAGE_FACE_RATIO
    return float(np.clip((cols[-1] - cols[0] + 1) / (rows[-1] - rows[0] + 1), 0.5, 1.2))
