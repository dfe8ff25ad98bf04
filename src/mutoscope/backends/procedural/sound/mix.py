"""The final mix: speech placed in the stereo field, ambience ducked under it, foley on top, and a limiter.

Each speaker is panned by where their entity stands (following it across the camera's view when the world
track is given, else by its starting x). A sidechain envelope of all speech lowers the ambience while anyone
talks. A look-ahead peak limiter brings loud passages down smoothly, and a soft clipper after it guarantees
that no sample ever exceeds 0.98.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import minimum_filter1d

from mutoscope.errors import BackendError

from ..scene import Scene
from ..track import F32, SpeechTrack, WorldTrack
from . import dsp
from .dsp import F64, SR
from .motion import frame_pan

SPEECH_GAIN_DB = 0.0
FOLEY_GAIN_DB = 0.0
AMBIENCE_GAIN_DB = 0.0
SPEECH_PAN_WIDTH = 0.6  # dialogue stays nearer the centre than the speakers stand
NOMINAL_VIEW_WIDTH_M = 8.0  # without a world track, x is read against a view this wide

DUCK_DB = 10.0  # how far ambience drops under full speech
DUCK_FULL_RMS = 0.03  # speech RMS (about -30 dBFS) at which ducking is complete
DUCK_BLOCK_S = 0.01
DUCK_ATTACK_S = 0.02
DUCK_RELEASE_S = 0.35

LIMIT_THRESHOLD = 0.9
LIMIT_BLOCK_S = 0.001
LIMIT_LOOKAHEAD_BLOCKS = 3
LIMIT_RELEASE_S = 0.08
CLIP_CEILING = 0.979  # the soft clipper's asymptote: output magnitude stays below 0.98


def mix(
    *,
    speech: SpeechTrack,
    scene: Scene,
    foley: F32,
    ambience: F32,
    track: WorldTrack | None = None,
) -> F32:
    """Speech, foley and ambience as one float32 stereo `[2, N]` track whose peaks stay below 0.98."""
    if foley.shape != ambience.shape or foley.ndim != 2 or foley.shape[0] != 2:
        raise BackendError(f"foley {foley.shape} and ambience {ambience.shape} must both be [2, N]")
    n = foley.shape[1]
    voices = np.zeros((2, n))
    for speaker, mono in speech.audio.items():
        if mono.shape != (n,):
            raise BackendError(f"speech of {speaker!r} has shape {mono.shape}; the mix is {n} samples")
        pan = SPEECH_PAN_WIDTH * speaker_pan(speaker, scene, track)
        left, right = dsp.frame_pan_gains(pan, track.fps, n) if track is not None else dsp.pan_gains(pan[0])
        voices[0] += mono * left
        voices[1] += mono * right
    ducking = duck_gain(voices.sum(axis=0) / 2, n)
    out = (
        voices * dsp.db(SPEECH_GAIN_DB)
        + foley.astype(np.float64) * dsp.db(FOLEY_GAIN_DB)
        + ambience.astype(np.float64) * ducking * dsp.db(AMBIENCE_GAIN_DB)
    )
    return soft_clip(limit(out)).astype(np.float32)


def speaker_pan(speaker: str, scene: Scene, track: WorldTrack | None) -> F64:
    """A speaker's pan in [-1, 1]: per frame along the world track when given, else one value from the
    entity's starting x (centre for a speaker the scene does not place)."""
    motion = track.entities.get(speaker) if track is not None else None
    if track is not None and motion is not None and motion.x_m.size:
        return frame_pan(motion, track)
    try:
        x = scene.entity(speaker).x_m
    except KeyError:
        x = 0.0
    return np.full(1, float(np.clip(2.0 * x / NOMINAL_VIEW_WIDTH_M, -1.0, 1.0)))


def _follow(levels: F64, block_s: float, attack_s: float, release_s: float) -> F64:
    """Block-rate envelope follower with separate attack and release (a short loop over blocks)."""
    rise = 1.0 - math.exp(-block_s / attack_s) if attack_s > 0 else 1.0
    fall = 1.0 - math.exp(-block_s / release_s)
    out = np.empty_like(levels)
    state = float(levels[0]) if levels.size else 0.0
    for i, value in enumerate(levels.tolist()):
        state += (rise if value > state else fall) * (value - state)
        out[i] = state
    return out


def _block_view(x: F64, block: int) -> F64:
    """`x` padded to whole blocks and reshaped to [blocks, block]."""
    blocks = max(1, math.ceil(x.size / block))
    padded = np.zeros(blocks * block)
    padded[: x.size] = x
    return padded.reshape(blocks, block)


def _to_samples(per_block: F64, block: int, n: int) -> F64:
    centres = (np.arange(per_block.size) + 0.5) * block
    return np.interp(np.arange(n), centres, per_block)


def duck_gain(sidechain: F64, n: int) -> F64:
    """Gain for the ambience: 1 in silence, down to -DUCK_DB while speech is at or above DUCK_FULL_RMS."""
    block = round(DUCK_BLOCK_S * SR)
    level = np.sqrt(np.mean(_block_view(sidechain, block) ** 2, axis=1))
    envelope = _follow(level, DUCK_BLOCK_S, DUCK_ATTACK_S, DUCK_RELEASE_S)
    depth_db = DUCK_DB * np.clip(envelope / DUCK_FULL_RMS, 0.0, 1.0)
    return _to_samples(10.0 ** (-depth_db / 20.0), block, n)


def limit(x: F64) -> F64:
    """A look-ahead peak limiter: gain falls before a peak arrives and recovers over LIMIT_RELEASE_S."""
    n = x.shape[1]
    block = round(LIMIT_BLOCK_S * SR)
    peaks = np.abs(_block_view(np.max(np.abs(x), axis=0), block)).max(axis=1)
    wanted = np.minimum(1.0, LIMIT_THRESHOLD / np.maximum(peaks, 1e-9))
    if wanted.min() >= 1.0:
        return x
    # The lowest gain needed a few blocks ahead or behind, so the gain is already down at the peak.
    held = minimum_filter1d(wanted, size=2 * LIMIT_LOOKAHEAD_BLOCKS + 1, mode="nearest")
    gain = _follow(held, LIMIT_BLOCK_S, 0.0, LIMIT_RELEASE_S)
    gain = np.minimum(gain, held)
    return x * _to_samples(gain, block, n)[None, :]


def soft_clip(x: F64) -> F64:
    """Identity below the limiter threshold, then a tanh knee that approaches (never reaches) 0.98."""
    knee = LIMIT_THRESHOLD
    span = CLIP_CEILING - knee
    out = x.copy()
    over = np.abs(x) > knee  # usually a handful of samples: only those are reshaped
    if over.any():
        values = x[over]
        out[over] = np.sign(values) * (knee + span * np.tanh((np.abs(values) - knee) / span))
    return out
