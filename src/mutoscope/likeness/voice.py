"""A voice profile from speech: pitch (autocorrelation), speaking rate and timbre.

Pitch is the median over voiced 40 ms frames of the autocorrelation peak between 60 and 400 Hz (a frame is
voiced when that peak is strong). The rate is words per minute from the utterances' length (each digit is one
word). Timbre is a 0..1 brightness: the spectral centroid of the speech between 80 Hz and 4 kHz, mapped from
dark (500 Hz) to bright (2.5 kHz).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mutoscope.likeness.speech import RATE_HZ, Samples, Utterance

_FRAME_S = 0.04
_MIN_HZ, _MAX_HZ = 60.0, 400.0
_VOICED = 0.45  # normalised autocorrelation peak for a voiced frame


@dataclass(frozen=True, slots=True)
class VoiceMeasure:
    pitch_hz: float
    rate_wpm: float
    timbre: float


def measure_voice(samples: Samples, spoken: Sequence[Utterance]) -> VoiceMeasure:
    speech = [samples[int(u.start_s * RATE_HZ) : int(u.end_s * RATE_HZ)] for u in spoken]
    pitches = [p for chunk in speech for p in _frame_pitches(chunk)]
    pitch = float(np.median(pitches)) if pitches else 120.0
    mean_word_s = float(np.mean([u.end_s - u.start_s for u in spoken])) if spoken else 0.4
    rate = float(np.clip(60.0 / max(mean_word_s, 0.1) * 0.6, 90.0, 240.0))  # words plus the gaps between them
    joined = np.concatenate(speech) if speech else np.zeros(1, np.float32)
    return VoiceMeasure(round(pitch, 1), round(rate, 1), round(_brightness(joined), 3))


def _frame_pitches(chunk: Samples) -> list[float]:
    size = int(_FRAME_S * RATE_HZ)
    low, high = int(RATE_HZ / _MAX_HZ), int(RATE_HZ / _MIN_HZ)
    out = []
    for start in range(0, len(chunk) - size, size // 2):
        frame = chunk[start : start + size].astype(np.float64)
        frame = frame - frame.mean()
        energy = float(np.dot(frame, frame))
        if energy <= 1e-8:
            continue
        corr = np.correlate(frame, frame, mode="full")[size - 1 :] / energy
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] >= _VOICED:
            out.append(RATE_HZ / lag)
    return out


def _brightness(samples: Samples) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE_HZ)
    band = (freqs >= 80) & (freqs <= 4000)
    if not band.any() or spectrum[band].sum() <= 0:
        return 0.5
    centroid = float((freqs[band] * spectrum[band]).sum() / spectrum[band].sum())
    return float(np.clip((centroid - 500.0) / 2000.0, 0.0, 1.0))
