"""Output screening of pictures: sampled frames of a finished clip through NudeNet.

NudeNet 3.4 ships its `320n` ONNX detector in the wheel and runs on onnxruntime's CPU provider (about 30 ms a
720p frame on the 2-core test machine), so it works offline. It is imported on first use, and loaded once per
process. Frames are sampled evenly (one a second, at least `MIN_SAMPLES`, at most `MAX_SAMPLES`, first and last
included): reading a frame of a lazy clip renders it, so the budget is fixed rather than per frame. An exposed
sexual body part at `BLOCK_SCORE` blocks; at `REVIEW_SCORE` it is sent to review. A missing NudeNet raises
`MissingDependencyError`: the screen fails closed, it never passes what it could not look at.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

from mutoscope.errors import MissingDependencyError
from mutoscope.safety.policy import POLICY_SERIES
from mutoscope.safety.verdict import Action, Verdict

SCREEN: Final = "frames"
MIN_SAMPLES: Final = 4
MAX_SAMPLES: Final = 16
BLOCK_SCORE: Final = 0.5
REVIEW_SCORE: Final = 0.3
# NudeNet's classes that make a frame sexual content; faces, feet, covered parts and the like do not.
EXPOSED: Final = frozenset(
    {
        "FEMALE_BREAST_EXPOSED",
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "BUTTOCKS_EXPOSED",
        "ANUS_EXPOSED",
    }
)
VERSION: Final = f"{POLICY_SERIES}-nudenet320n-{BLOCK_SCORE}"

Frame = npt.NDArray[np.uint8]


class NudityDetector(Protocol):
    """`detect(frame_rgb)` → NudeNet-style detections: `{"class": str, "score": float, "box": [x, y, w, h]}`."""

    def detect(self, frame: Frame) -> Sequence[Mapping[str, Any]]: ...


class ScreenedFrames(Protocol):
    """What the frame screen reads of a clip's frames (the engine's `FrameSequence` fits)."""

    @property
    def count(self) -> int: ...
    def sample_indices(self, count: int) -> list[int]: ...
    def frame(self, index: int) -> Frame: ...


class NudeNetDetector:
    """NudeNet's detector, fed RGB frames (it expects OpenCV's BGR order, so channels are swapped here)."""

    def __init__(self) -> None:
        try:
            from nudenet import NudeDetector  # type: ignore[import-untyped]
        except ImportError as exc:
            raise MissingDependencyError("nudenet", "server", "Output screening of video frames") from exc
        self._detector = NudeDetector()
        self._lock = threading.Lock()  # one onnxruntime session; its run() is safe but we keep memory flat

    def detect(self, frame: Frame) -> Sequence[Mapping[str, Any]]:
        bgr = np.ascontiguousarray(frame[:, :, ::-1])
        with self._lock:
            detections: list[Mapping[str, Any]] = self._detector.detect(bgr)
        return detections


_shared: NudeNetDetector | None = None
_shared_lock = threading.Lock()


def shared_detector() -> NudeNetDetector:
    """The process's NudeNet detector, loaded on first use."""
    global _shared  # noqa: PLW0603 - one model per process, loaded lazily so importing stays cheap
    with _shared_lock:
        if _shared is None:
            _shared = NudeNetDetector()
        return _shared


def sample_count(frame_count: int, fps: int) -> int:
    seconds = frame_count / max(fps, 1)
    return max(MIN_SAMPLES, min(MAX_SAMPLES, int(np.ceil(seconds)) + 1))


def screen_frames(frames: ScreenedFrames, fps: int, detector: NudityDetector | None = None) -> Verdict:
    """Sample `frames` and decide: the highest exposed-part score over the samples decides."""
    found = detector or shared_detector()
    worst: tuple[float, int, str] = (0.0, -1, "")
    for index in frames.sample_indices(sample_count(frames.count, fps)):
        for detection in found.detect(frames.frame(index)):
            label, score = str(detection["class"]), float(detection["score"])
            if label in EXPOSED and score > worst[0]:
                worst = (score, index, label)
    score, index, label = worst
    action: Action = "block" if score >= BLOCK_SCORE else "review" if score >= REVIEW_SCORE else "allow"
    if action == "allow":
        return Verdict(
            action="allow", screen=SCREEN, policy_version=VERSION, scores=(("sexual", round(score, 4)),)
        )
    return Verdict(
        action=action,
        screen=SCREEN,
        policy="sexual",
        policy_version=VERSION,
        reasons=(f"sexual: frame {index} shows {label.lower().replace('_', ' ')} ({score:.2f})",),
        scores=(("sexual", round(score, 4)),),
    )
