"""`Clip`: what a backend produces and the encoder consumes.

Frames are `uint8 [T, H, W, 3]` (a `FrameSequence`, possibly lazy), audio is `float32 [C, N]` at 48 kHz with
exactly `T × 48000 / fps` samples, so sound and picture line up to the sample. Sizes are `(width, height)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from mutoscope.engine import timebase
from mutoscope.engine.frames import FrameSequence, as_frames

Audio = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ClipMetadata:
    """Where a clip came from: enough to reproduce it."""

    backend: str
    backend_version: str
    seed: int
    options: Mapping[str, Any] = field(default_factory=dict)
    config_hash: str = ""
    # Backend-specific facts later stages use: the procedural scene, dialogue lines for subtitles, ...
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, eq=False)
class Clip:
    frames: FrameSequence
    audio: Audio
    fps: int
    metadata: ClipMetadata

    def __post_init__(self) -> None:
        object.__setattr__(self, "frames", as_frames(self.frames))
        timebase.check_fps(self.fps)
        audio = self.audio
        if audio.dtype != np.float32 or audio.ndim != 2 or audio.shape[0] not in (1, 2):
            raise ValueError(f"audio must be float32 [1 or 2, N], got {audio.dtype} {audio.shape}")
        expected = timebase.sample_count(self.frames.count, self.fps)
        if audio.shape[1] != expected:
            raise ValueError(
                f"audio has {audio.shape[1]} samples but {self.frames.count} frames at {self.fps} fps "
                f"need exactly {expected}"
            )

    @property
    def width(self) -> int:
        return self.frames.width

    @property
    def height(self) -> int:
        return self.frames.height

    @property
    def size(self) -> tuple[int, int]:
        return (self.frames.width, self.frames.height)

    @property
    def frame_count(self) -> int:
        return self.frames.count

    @property
    def duration(self) -> Fraction:
        return timebase.duration_of(self.frames.count, self.fps)

    @property
    def duration_s(self) -> float:
        return float(self.duration)

    @property
    def sample_rate_hz(self) -> int:
        return timebase.AUDIO_SAMPLE_RATE_HZ


def silent_audio(frames: int, fps: int, channels: int = 2) -> Audio:
    """A silent track exactly as long as `frames` frames."""
    return np.zeros((channels, timebase.sample_count(frames, fps)), dtype=np.float32)
