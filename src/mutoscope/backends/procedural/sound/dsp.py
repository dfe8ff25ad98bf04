"""Signal building blocks the sound stage shares: filters, envelopes, noise, panning and levels.

Everything runs at the clip's 48 kHz rate, on whole numpy arrays (no per-sample Python loops), in float64
internally; the public stage functions convert to float32 at their edge.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy.signal import butter, sosfilt

from mutoscope.engine.timebase import AUDIO_SAMPLE_RATE_HZ

SR = AUDIO_SAMPLE_RATE_HZ
F64 = npt.NDArray[np.float64]
NYQUIST_MARGIN = 0.45  # filter edges are kept below this fraction of the sample rate
CONTROL_RATE_HZ = 200.0  # slow curves (gusts, swells, envelopes) are computed at this rate, then interpolated


@lru_cache(maxsize=256)
def _sos(kind: str, low_hz: float, high_hz: float, order: int) -> npt.NDArray[np.float64]:
    top = SR * NYQUIST_MARGIN
    if kind == "lowpass":
        return np.asarray(butter(order, min(low_hz, top), btype="lowpass", fs=SR, output="sos"))
    if kind == "highpass":
        return np.asarray(butter(order, min(low_hz, top), btype="highpass", fs=SR, output="sos"))
    low, high = max(low_hz, 10.0), min(high_hz, top)
    return np.asarray(butter(order, (low, max(high, low * 1.05)), btype="bandpass", fs=SR, output="sos"))


def lowpass(x: F64, cutoff_hz: float, order: int = 2) -> F64:
    return np.asarray(sosfilt(_sos("lowpass", round(cutoff_hz, 1), 0.0, order), x, axis=-1))


def highpass(x: F64, cutoff_hz: float, order: int = 2) -> F64:
    return np.asarray(sosfilt(_sos("highpass", round(cutoff_hz, 1), 0.0, order), x, axis=-1))


def bandpass(x: F64, low_hz: float, high_hz: float, order: int = 2) -> F64:
    return np.asarray(sosfilt(_sos("bandpass", round(low_hz, 1), round(high_hz, 1), order), x, axis=-1))


def seconds(n: int) -> F64:
    """Time in seconds of each of `n` samples."""
    return np.arange(n, dtype=np.float64) / SR


def decay(n: int, tau_s: float) -> F64:
    """An exponential decay starting at 1 with time constant `tau_s`."""
    return np.exp(-seconds(n) / max(tau_s, 1e-4))


def attack_decay(n: int, attack_s: float, tau_s: float) -> F64:
    """A linear rise over `attack_s` followed by an exponential decay."""
    t = seconds(n)
    rise = np.clip(t / max(attack_s, 1e-4), 0.0, 1.0)
    return rise * np.exp(-np.maximum(t - attack_s, 0.0) / max(tau_s, 1e-4))


def damped_partials(n: int, freqs_hz: F64, taus_s: F64, amps: F64) -> F64:
    """A sum of exponentially decaying sines (a struck resonant body)."""
    t = seconds(n)[None, :]
    partials = amps[:, None] * np.sin(2 * np.pi * freqs_hz[:, None] * t) * np.exp(-t / taus_s[:, None])
    return np.asarray(partials.sum(axis=0))


def noise(rng: np.random.Generator, n: int, channels: int | None = None) -> F64:
    """White noise in [-1, 1): uniform costs a quarter of Gaussian, and filtering makes it Gaussian anyway."""
    shape = (n,) if channels is None else (channels, n)
    return np.asarray(rng.random(shape) * 2.0 - 1.0)


def control_noise(
    rng: np.random.Generator,
    n: int,
    rate_hz: float,
    channels: int = 1,
    shape: Callable[[F64], F64] | None = None,
) -> F64:
    """Smooth random curves in about [-1, 1] that change at `rate_hz` (gusts, swells, modulation).

    The curve is built at a control rate well above `rate_hz`, optionally reshaped there by `shape` (a power
    or a clip costs little on a few thousand points), and only then interpolated to the audio rate.
    """
    points = max(2, math.ceil(n / SR * rate_hz) + 2)
    knots = rng.uniform(-1.0, 1.0, size=(channels, points))
    steps = max(2, math.ceil(n / SR * max(CONTROL_RATE_HZ, 8 * rate_hz)) + 1)
    grid = np.linspace(0.0, points - 1, steps)
    # Cosine interpolation between random knots: smooth, cheap and bounded.
    base = np.minimum(np.floor(grid).astype(np.int64), points - 2)
    frac = (1 - np.cos(np.pi * (grid - base))) / 2
    curve = knots[:, base] * (1 - frac) + knots[:, base + 1] * frac
    if shape is not None:
        curve = shape(curve)
    sample_grid = np.linspace(0.0, steps - 1, n)
    return np.stack([np.interp(sample_grid, np.arange(steps), row) for row in curve])


def sweep(n: int, start_hz: float, end_hz: float) -> F64:
    """A sine gliding exponentially from `start_hz` to `end_hz` over `n` samples."""
    ratio = max(end_hz, 1.0) / max(start_hz, 1.0)
    freq = start_hz * ratio ** (np.arange(n) / max(n - 1, 1))
    return np.sin(2 * np.pi * np.cumsum(freq) / SR)


def pan_gains(pan: F64 | float) -> tuple[F64, F64]:
    """Constant-power left and right gains for pan in [-1 (left), 1 (right)]."""
    angle = (np.clip(pan, -1.0, 1.0) + 1.0) * np.pi / 4
    return np.cos(angle), np.sin(angle)


def frame_pan_gains(pan_per_frame: F64, fps: int, n: int) -> tuple[F64, F64]:
    """Left and right gains for every sample from a pan sampled at frame starts (cheaper than panning per
    sample: the gains are computed per frame and interpolated)."""
    left, right = pan_gains(pan_per_frame)
    frame_s = np.arange(pan_per_frame.size) / fps
    times = seconds(n)
    return np.interp(times, frame_s, left), np.interp(times, frame_s, right)


def place(out: F64, mono: F64, start: int, pan: float, gain: float) -> None:
    """Add `mono` into stereo `out` from sample `start`, panned, cut at the end of `out`."""
    if start >= out.shape[1] or start < 0:
        return
    length = min(mono.size, out.shape[1] - start)
    left, right = pan_gains(pan)
    out[0, start : start + length] += mono[:length] * (gain * float(left))
    out[1, start : start + length] += mono[:length] * (gain * float(right))


def db(gain_db: float) -> float:
    return float(10.0 ** (gain_db / 20.0))


def rms(x: F64) -> float:
    return float(np.sqrt(np.mean(np.square(x)))) if x.size else 0.0


def normalize_peak(x: F64) -> F64:
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    return x / peak if peak > 0 else x
