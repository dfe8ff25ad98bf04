"""Property tests of the timebase: frame and audio-sample boundaries line up for every rate and duration."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutoscope.engine import timebase
from mutoscope.engine.timebase import TimebaseError

RATE = timebase.AUDIO_SAMPLE_RATE_HZ
fps_values = st.sampled_from(timebase.SUPPORTED_FPS)


@st.composite
def whole_frame_durations(draw: st.DrawFn) -> tuple[int, int]:
    """(fps, frames) for every duration the spec allows: whole frames lasting 1 s to 120 s."""
    fps = draw(fps_values)
    return fps, draw(st.integers(min_value=fps, max_value=120 * fps))


def test_every_supported_rate_divides_the_audio_rate() -> None:
    for fps in timebase.SUPPORTED_FPS:
        assert timebase.samples_per_frame(fps) * fps == RATE


@given(whole_frame_durations())
def test_frame_and_sample_counts_agree_with_the_duration(case: tuple[int, int]) -> None:
    fps, frames = case
    duration = Fraction(frames, fps)
    assert timebase.frame_count(duration, fps) == frames
    # Callers pass floats (4.2 s): the float nearest the exact duration must give the same count.
    assert timebase.frame_count(float(duration), fps) == frames
    assert timebase.duration_of(frames, fps) == duration
    assert timebase.sample_count(frames, fps) == duration * RATE


@given(whole_frame_durations(), st.data())
def test_frame_boundaries_fall_exactly_on_sample_boundaries(
    case: tuple[int, int], data: st.DataObject
) -> None:
    fps, frames = case
    index = data.draw(st.integers(min_value=0, max_value=frames - 1))
    start = timebase.frame_start_sample(index, fps)
    assert Fraction(start, RATE) == timebase.frame_time_s(index, fps)
    assert timebase.frame_start_sample(index + 1, fps) - start == timebase.samples_per_frame(fps)
    assert timebase.frame_start_sample(frames, fps) == timebase.sample_count(frames, fps)
    # A sample inside the frame, read back as a time, lands in that frame.
    offset = data.draw(st.integers(min_value=0, max_value=timebase.samples_per_frame(fps) - 1))
    assert timebase.frame_at_time((start + offset) / RATE, fps) == index


def test_every_whole_second_duration_works_at_every_rate() -> None:
    for fps in timebase.SUPPORTED_FPS:
        for seconds in range(1, 121):
            frames = timebase.frame_count(seconds, fps)
            assert frames == seconds * fps
            assert timebase.sample_count(frames, fps) == seconds * RATE


@given(fps_values, st.integers(min_value=1, max_value=120 * 60), st.integers(min_value=2, max_value=7))
def test_durations_between_frames_are_refused(fps: int, frames: int, parts: int) -> None:
    # 1/parts of a frame past a boundary: never a whole number of frames.
    duration = Fraction(frames, fps) + Fraction(1, fps * parts)
    with pytest.raises(TimebaseError, match="whole number of frames"):
        timebase.frame_count(duration, fps)


@given(st.integers(min_value=1, max_value=1000).filter(lambda fps: fps not in timebase.SUPPORTED_FPS))
def test_unsupported_rates_are_refused(fps: int) -> None:
    with pytest.raises(TimebaseError, match="fps must be one of"):
        timebase.samples_per_frame(fps)


@pytest.mark.parametrize("duration", [0, -1, Fraction(-1, 24)])
def test_non_positive_durations_are_refused(duration: Fraction | int) -> None:
    with pytest.raises(TimebaseError):
        timebase.frame_count(duration, 24)
