"""Is it the same face all the way through? Face-crop appearance compared with the face's resting look.

Each frontal sample's inner face (the box less a margin) becomes a small descriptor: a hue/saturation
histogram (skin and hair colour) and a normalised 16×16 grey patch (the layout of eyes, nose and mouth).
Samples taken while the face looks at the camera are compared with the first of them; a swapped face differs
in both halves at once, while speech, blinks and compression move either only a little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mutoscope.likeness.faces import Box, FaceSample, analysis_scale
from mutoscope.likeness.turns import Pose

FRONTAL_LIMIT = 0.08  # |yaw| and |pitch| below this: looking at the camera
REFERENCE_SAMPLES = 4

Descriptor = tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]


@dataclass(frozen=True, slots=True)
class Appearance:
    time_s: float
    distance: float  # 0: same as the reference look, ~1: unrelated


def descriptor(frame: npt.NDArray[np.uint8], box: Box, scale: float) -> Descriptor:
    import cv2

    x0, y0 = int((box.x + box.w * 0.15) / scale), int((box.y + box.h * 0.12) / scale)
    x1, y1 = int((box.x + box.w * 0.85) / scale), int((box.y + box.h * 0.95) / scale)
    crop = np.ascontiguousarray(frame[max(0, y0) : y1, max(0, x0) : x1])
    hsv = cv2.cvtColor(crop, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, [12, 6], [0, 180, 0, 256]).astype(np.float32).ravel()
    hist /= max(float(hist.sum()), 1.0)
    gray = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), (16, 16), interpolation=cv2.INTER_AREA)
    patch = gray.astype(np.float32).ravel()
    patch = (patch - patch.mean()) / max(float(patch.std()), 1e-3)
    return hist, patch


def distance(a: Descriptor, b: Descriptor) -> float:
    colour = 1.0 - float(np.minimum(a[0], b[0]).sum())  # 1 - histogram intersection
    layout = (1.0 - float(np.dot(a[1], b[1])) / len(a[1])) / 2  # (1 - correlation) / 2
    return round((colour + layout) / 2, 4)


def appearance_track(
    frames: Any, samples: Sequence[FaceSample], track: Sequence[Box | None], poses: Sequence[Pose | None]
) -> list[Appearance]:
    """Distance of each frontal, camera-facing sample's face from the first few such samples."""
    scale = analysis_scale(np.asarray(frames[0]).shape)
    facing = [
        (sample, box)
        for sample, box, pose in zip(samples, track, poses, strict=True)
        if box is not None
        and pose is not None
        and box.side == "frontal"
        and abs(pose.yaw) < FRONTAL_LIMIT
        and abs(pose.pitch) < FRONTAL_LIMIT
    ]
    if len(facing) <= REFERENCE_SAMPLES:
        return []
    described = [(s.time_s, descriptor(np.asarray(frames[s.index]), b, scale)) for s, b in facing]
    reference = [d for _, d in described[:REFERENCE_SAMPLES]]
    return [Appearance(time_s, min(distance(d, ref) for ref in reference)) for time_s, d in described]
