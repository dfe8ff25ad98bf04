"""Joining clips end to end (extend, stitch) without breaking audio/video alignment.

Picture cuts hard at each join; sound gets a short equal-power fade out and in around the cut so there is no
click, and no sample is added or removed, so every frame keeps its exact audio.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mutoscope.engine import timebase
from mutoscope.engine.clip import Audio, Clip, ClipMetadata
from mutoscope.engine.frames import ConcatFrames
from mutoscope.errors import InvalidRequestError

DEFAULT_JOIN_FADE_S = 0.04


def concatenate(
    clips: Sequence[Clip], *, metadata: ClipMetadata | None = None, join_fade_s: float = DEFAULT_JOIN_FADE_S
) -> Clip:
    """One clip made of `clips` in order; they must share size, fps and channel count."""
    if not clips:
        raise InvalidRequestError("nothing to stitch", param="video")
    first = clips[0]
    for clip in clips[1:]:
        if clip.size != first.size or clip.fps != first.fps:
            raise InvalidRequestError(
                f"clips to stitch must share size and frame rate: {first.width}x{first.height}@{first.fps} "
                f"vs {clip.width}x{clip.height}@{clip.fps}",
                param="video",
            )
    channels = max(c.audio.shape[0] for c in clips)
    tracks = [_to_channels(c.audio, channels) for c in clips]
    fade = round(join_fade_s * timebase.AUDIO_SAMPLE_RATE_HZ / 2)
    audio = np.concatenate(
        [_fade_edges(t, fade, i > 0, i < len(tracks) - 1) for i, t in enumerate(tracks)], 1
    )
    return Clip(
        frames=ConcatFrames([c.frames for c in clips]),
        audio=audio.astype(np.float32),
        fps=first.fps,
        metadata=metadata or first.metadata,
    )


def _to_channels(audio: Audio, channels: int) -> Audio:
    return audio if audio.shape[0] == channels else np.repeat(audio[:1], channels, axis=0)


def _fade_edges(track: Audio, samples: int, fade_in: bool, fade_out: bool) -> Audio:
    samples = min(samples, track.shape[1] // 2)
    if samples == 0 or not (fade_in or fade_out):
        return track
    out = track.copy()
    ramp = np.sin(np.linspace(0.0, np.pi / 2, samples, dtype=np.float32))
    if fade_in:
        out[:, :samples] *= ramp
    if fade_out:
        out[:, -samples:] *= ramp[::-1]
    return out
