"""Finding faces in a recording: OpenCV's Haar cascades (frontal, and profile both ways) on sampled frames.

The cascades ship with `opencv-python-headless` (4.x; 5.x dropped them) and load once per process, on first
use. Frames are analysed at `ANALYSIS_SIDE_PX` on their shorter side (a selfie's face is then 50-120 px), and
only a face of at least `MIN_FACE_SHARE` of that side counts, which keeps the cascades' small false hits out.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mutoscope.errors import MissingDependencyError

ANALYSIS_SIDE_PX = 240
MIN_FACE_SHARE = 0.15
SAMPLES_PER_S = 6.0
FULL_SCAN_EVERY = 3  # samples; between full scans only the neighbourhood of the last face is searched
_ROI_SCALE = 2.2  # that neighbourhood, in face widths
_SCALE_STEP = 1.2
_NEIGHBOURS = 5

Gray = npt.NDArray[np.uint8]
Side = Literal["frontal", "left", "right"]


@dataclass(frozen=True, slots=True)
class Box:
    """A face box in analysis pixels; `side` says which cascade found it ("left": facing the frame's left)."""

    x: float
    y: float
    w: float
    h: float
    side: Side = "frontal"

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlap(self, other: Box) -> float:
        """Intersection over union."""
        ix = max(0.0, min(self.x + self.w, other.x + other.w) - max(self.x, other.x))
        iy = max(0.0, min(self.y + self.h, other.y + other.h) - max(self.y, other.y))
        inter = ix * iy
        return inter / (self.w * self.h + other.w * other.h - inter)


@dataclass(frozen=True, slots=True)
class FaceSample:
    """The faces found in one sampled frame."""

    index: int  # frame index in the recording
    time_s: float
    faces: tuple[Box, ...]
    shift: tuple[float, float]  # the whole frame's shift from the first sample (camera motion), analysis px
    full: bool = True  # the whole frame was searched (so a second face would have been found)


def analysis_scale(frame_shape: Sequence[int]) -> float:
    return ANALYSIS_SIDE_PX / min(frame_shape[0], frame_shape[1])


def to_gray(frame: npt.NDArray[np.uint8], scale: float) -> Gray:
    cv2 = _cv2()
    small = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray: Gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    return gray


def detect_faces(gray: Gray, min_px: int | None = None) -> tuple[Box, ...]:
    """Frontal faces, or, when there is none, profiles (a turned head)."""
    cascades = _cascades()
    min_px = min_px if min_px is not None else int(min(gray.shape) * MIN_FACE_SHARE)
    found = cascades.frontal.detectMultiScale(gray, _SCALE_STEP, _NEIGHBOURS, minSize=(min_px, min_px))
    boxes = [Box(float(x), float(y), float(w), float(h)) for x, y, w, h in _rects(found)]
    if boxes:
        return tuple(boxes)
    width = gray.shape[1]
    left = cascades.profile.detectMultiScale(gray, _SCALE_STEP, _NEIGHBOURS, minSize=(min_px, min_px))
    right = cascades.profile.detectMultiScale(
        np.ascontiguousarray(gray[:, ::-1]), _SCALE_STEP, _NEIGHBOURS, minSize=(min_px, min_px)
    )
    boxes = [Box(float(x), float(y), float(w), float(h), "left") for x, y, w, h in _rects(left)]
    boxes += [
        Box(float(width - x - w), float(y), float(w), float(h), "right") for x, y, w, h in _rects(right)
    ]
    return tuple(_merge(boxes))


def sample_faces(frames: Any, fps: float) -> list[FaceSample]:
    """Faces on frames sampled `SAMPLES_PER_S` times a second, with each sample's camera shift."""
    cv2 = _cv2()
    count = len(frames)
    step = max(1, round(fps / SAMPLES_PER_S))
    scale = analysis_scale(np.asarray(frames[0]).shape)
    samples: list[FaceSample] = []
    first: npt.NDArray[np.float32] | None = None
    window: npt.NDArray[np.float32] | None = None
    last: Box | None = None
    for number, index in enumerate(range(0, count, step)):
        gray = to_gray(np.asarray(frames[index]), scale)
        plane = gray.astype(np.float32)
        if first is None or window is None:
            first = plane
            window = cv2.createHanningWindow((plane.shape[1], plane.shape[0]), cv2.CV_32F)
            shift = (0.0, 0.0)
        else:
            (dx, dy), _ = cv2.phaseCorrelate(first, plane, window)
            shift = (float(dx), float(dy))
        full = last is None or number % FULL_SCAN_EVERY == 0
        faces = detect_faces(gray) if full or last is None else _near(gray, last)
        if not faces and not full:
            faces, full = detect_faces(gray), True
        samples.append(FaceSample(index, index / fps, faces, shift, full))
        if faces:
            last = max(faces, key=lambda b: b.w) if last is None else _nearest(faces, last)
    return samples


def _near(gray: Gray, last: Box) -> tuple[Box, ...]:
    """Faces in the neighbourhood of the last one (a cheap search between full scans)."""
    half = last.w * _ROI_SCALE / 2
    height, width = gray.shape
    x0, y0 = max(0, int(last.cx - half)), max(0, int(last.cy - half))
    x1, y1 = min(width, int(last.cx + half)), min(height, int(last.cy + half))
    min_px = int(min(height, width) * MIN_FACE_SHARE)
    if x1 - x0 < min_px or y1 - y0 < min_px:
        return ()
    found = detect_faces(np.ascontiguousarray(gray[y0:y1, x0:x1]), min_px)
    return tuple(Box(b.x + x0, b.y + y0, b.w, b.h, b.side) for b in found)


def _nearest(faces: Sequence[Box], anchor: Box) -> Box:
    return min(faces, key=lambda b: abs(b.cx - anchor.cx) + abs(b.cy - anchor.cy))


def _merge(boxes: list[Box]) -> list[Box]:
    """One box per face when both profile passes (or overlapping hits) found it."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: -b.w):
        if all(box.overlap(other) < 0.3 for other in kept):
            kept.append(box)
    return kept


def _rects(found: Any) -> list[tuple[int, int, int, int]]:
    return [(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in np.asarray(found).reshape(-1, 4)]


@dataclass(frozen=True, slots=True)
class _Cascades:
    frontal: Any
    profile: Any


_local = threading.local()  # a cascade is not safe to share between threads: one set per thread


def _cascades() -> _Cascades:
    found: _Cascades | None = getattr(_local, "cascades", None)
    if found is not None:
        return found
    cv2 = _cv2()
    root = cv2.data.haarcascades
    frontal = cv2.CascadeClassifier(root + "haarcascade_frontalface_default.xml")
    profile = cv2.CascadeClassifier(root + "haarcascade_profileface.xml")
    if frontal.empty() or profile.empty():
        raise MissingDependencyError(
            "opencv-python-headless<5", "server", "The liveness check (its Haar cascades)"
        )
    made = _Cascades(frontal, profile)
    _local.cascades = made
    return made


def _cv2() -> Any:
    try:
        import cv2
    except ImportError as exc:
        raise MissingDependencyError("opencv-python-headless", "server", "The liveness check") from exc
    return cv2


def shows_human_face(frames: Any, *, samples: int = 8, min_hits: int = 2) -> bool:
    """Whether a clip shows a human face: a frontal or profile face on at least `min_hits` of `samples` evenly
    spaced frames (one stray hit on a pattern is not a face)."""
    count = len(frames)
    scale = analysis_scale(np.asarray(frames[0]).shape)
    hits = 0
    for index in sorted({round(i * (count - 1) / max(samples - 1, 1)) for i in range(samples)}):
        if detect_faces(to_gray(np.asarray(frames[index]), scale)):
            hits += 1
            if hits >= min_hits:
                return True
    return False
