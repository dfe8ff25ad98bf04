"""Timebase math shared by every backend and the encoder.

Video runs at an integer frame rate that divides 48 000, so each frame owns exactly `48000 / fps` audio samples
and frame boundaries always fall on sample boundaries. A clip's duration must be a whole number of frames; a
duration that is not is refused rather than rounded (nothing is silently "fixed").
"""

from __future__ import annotations

from fractions import Fraction

AUDIO_SAMPLE_RATE_HZ = 48_000
SUPPORTED_FPS: tuple[int, ...] = (8, 10, 12, 15, 16, 20, 24, 25, 30, 32, 40, 48, 50, 60)
DEFAULT_FPS = 24


class TimebaseError(ValueError):
    """A duration or rate that cannot be represented exactly."""


def check_fps(fps: int) -> int:
    """Return `fps` if it is supported, else raise with the supported list."""
    if fps not in SUPPORTED_FPS:
        raise TimebaseError(f"fps must be one of {', '.join(map(str, SUPPORTED_FPS))}; got {fps}")
    return fps


def samples_per_frame(fps: int) -> int:
    """Audio samples at 48 kHz that one video frame spans (exact for every supported fps)."""
    return AUDIO_SAMPLE_RATE_HZ // check_fps(fps)


def exact_duration(duration_s: float | Fraction) -> Fraction:
    """The duration as an exact fraction (floats like 4.2 become 21/5)."""
    return Fraction(duration_s).limit_denominator(1_000_000)


def frame_count(duration_s: float | Fraction, fps: int) -> int:
    """Frames in `duration_s` at `fps`; the product must be a whole number."""
    frames = exact_duration(duration_s) * check_fps(fps)
    if frames.denominator != 1:
        raise TimebaseError(
            f"{float(duration_s):g} s at {fps} fps is {float(frames):g} frames; "
            "the duration must be a whole number of frames"
        )
    if frames <= 0:
        raise TimebaseError(f"duration must be positive, got {float(duration_s):g} s")
    return int(frames)


def sample_count(frames: int, fps: int) -> int:
    """Audio samples that exactly cover `frames` video frames."""
    return frames * samples_per_frame(fps)


def frame_start_sample(index: int, fps: int) -> int:
    """The first audio sample of video frame `index`."""
    return index * samples_per_frame(fps)


def frame_time_s(index: int, fps: int) -> Fraction:
    """Presentation time of frame `index`, exact."""
    return Fraction(index, check_fps(fps))


def frame_at_time(time_s: float, fps: int) -> int:
    """The frame shown at `time_s` (the last frame that started at or before it)."""
    return int(Fraction(time_s).limit_denominator(1_000_000) * check_fps(fps))


def duration_of(frames: int, fps: int) -> Fraction:
    """Exact duration of `frames` frames."""
    return Fraction(frames, check_fps(fps))
