"""Speech in a recording: when it starts and stops (energy), and which digits were said (pocketsphinx).

The envelope is the RMS of 10 ms hops of 16 kHz mono audio. A hop is speech when it stands well above the
recording's own noise floor; runs closer than `_BRIDGE_S` are one utterance and runs shorter than
`_MIN_SPEECH_S` are clicks. Digits are decoded one utterance at a time with a JSGF grammar of the ten digit
words, using the English model that ships in the pocketsphinx wheel. That recogniser is weak on some voices
(synthetic ones especially), so its answer is one signal among several, never the only gate.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mutoscope.errors import MissingDependencyError

RATE_HZ = 16_000
HOP_S = 0.01
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_BRIDGE_S = 0.15
_MIN_SPEECH_S = 0.12
_FLOOR_MARGIN_DB = 12.0
_PEAK_RANGE_DB = 30.0
_GRAMMAR = "#JSGF V1.0;\ngrammar digits;\npublic <digit> = " + " | ".join(DIGIT_WORDS) + " ;\n"

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Utterance:
    start_s: float
    end_s: float


def to_speech_rate(audio: npt.NDArray[np.float32], rate_hz: int) -> Samples:
    """Mono 16 kHz float32 from `audio` shaped [channels, samples] (or [samples]) at `rate_hz`."""
    mono = audio.mean(axis=0) if audio.ndim == 2 else audio
    if rate_hz == RATE_HZ or len(mono) == 0:
        return mono.astype(np.float32)
    # Band-limited resampling through the spectrum (scipy.signal would cost seconds to import).
    size = round(len(mono) * RATE_HZ / rate_hz)
    spectrum = np.fft.rfft(mono.astype(np.float64))
    kept = np.zeros(size // 2 + 1, dtype=complex)
    bins = min(len(kept), len(spectrum))
    kept[:bins] = spectrum[:bins]
    out: Samples = (np.fft.irfft(kept, size) * (size / len(mono))).astype(np.float32)
    return out


def envelope_db(samples: Samples) -> npt.NDArray[np.float64]:
    """RMS level of each 10 ms hop, in dB (full scale 1.0)."""
    hop = int(RATE_HZ * HOP_S)
    count = len(samples) // hop
    frames = samples[: count * hop].astype(np.float64).reshape(count, hop)
    rms = np.sqrt((frames**2).mean(axis=1) + 1e-12)
    level: npt.NDArray[np.float64] = 20 * np.log10(rms)
    return level


def utterances(samples: Samples) -> list[Utterance]:
    level = envelope_db(samples)
    if len(level) == 0:
        return []
    floor = float(np.percentile(level, 10))
    peak = float(np.percentile(level, 99.5))
    threshold = max(floor + _FLOOR_MARGIN_DB, peak - _PEAK_RANGE_DB)
    if peak < floor + _FLOOR_MARGIN_DB:  # nothing stands out: silence or steady noise
        return []
    voiced = level > threshold
    runs: list[list[int]] = []
    for index in np.flatnonzero(voiced):
        if runs and index - runs[-1][1] <= _BRIDGE_S / HOP_S:
            runs[-1][1] = int(index)
        else:
            runs.append([int(index), int(index)])
    return [
        Utterance(round(a * HOP_S, 3), round((b + 1) * HOP_S, 3))
        for a, b in runs
        if (b + 1 - a) * HOP_S >= _MIN_SPEECH_S
    ]


def recognise_digit(samples: Samples, utterance: Utterance) -> int | None:
    """The digit said in `utterance` (with a little margin either side), or None if nothing was decoded."""
    start = max(0, int((utterance.start_s - 0.1) * RATE_HZ))
    end = min(len(samples), int((utterance.end_s + 0.15) * RATE_HZ))
    clip = samples[start:end]
    peak = float(np.abs(clip).max()) if len(clip) else 0.0
    if peak <= 0.0:
        return None
    pcm = (np.clip(clip / peak * 0.8, -1.0, 1.0) * 32767).astype(np.int16)
    decoder = _decoder()
    decoder.start_utt()
    decoder.process_raw(pcm.tobytes(), full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    words = hypothesis.hypstr.split() if hypothesis is not None else []
    return DIGIT_WORDS.index(words[0]) if words and words[0] in DIGIT_WORDS else None


_local = threading.local()  # a decoder is not thread-safe: one per thread, made on first use


def _decoder() -> Any:
    found = getattr(_local, "decoder", None)
    if found is not None:
        return found
    try:
        from pocketsphinx import Decoder
    except ImportError as exc:
        raise MissingDependencyError(
            "pocketsphinx", "server", "The liveness check (digit recognition)"
        ) from exc
    decoder = Decoder(samprate=RATE_HZ, loglevel="FATAL")
    decoder.add_jsgf_string("digits", _GRAMMAR)
    decoder.activate_search("digits")
    _local.decoder = decoder
    return decoder
