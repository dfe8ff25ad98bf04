"""The invisible audio mark: keyed spread-spectrum gains on the 0.5–8 kHz band, and its reader.

Embedding. The soundtrack is cut into 2048-sample frames (hop 1024, √Hann windows, so analysis and synthesis
reconstruct exactly). In the band, the time-frequency plane is divided into *chips* of 8 bins × 3 frames
(190 Hz × 64 ms); a tile of 40 × 32 chips (about 2 s) repeats along time. As in the frame mark, a quarter of
the chips are keyed pilots and the rest carry the payload's coded bits times keyed signs. Each chip scales the
magnitudes under it by 1 ± `strength` (±1.2 dB by default), smoothed between chip centres, so the mark is as
loud as the sound it rides on and silent where the sound is: masked, and never added to silence. It survives
AAC, which keeps mid-band magnitudes.

Reading. The log-magnitude spectrogram's band, minus its local average (the sound itself), is folded modulo
the tile's length in frames; the pilot pattern's time offset comes from circular correlation (a copy may start
anywhere), then chips are measured, combined per coded bit and decoded. Audio-only files and videos use the
same reader, on 48 kHz mono.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import fft, ndimage

from mutoscope.provenance.codes import CODED_BITS, PayloadReading, encode_payload, read_payload
from mutoscope.provenance.keyring import WatermarkKey

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

SAMPLE_RATE_HZ: Final = 48_000
FRAME: Final = 2048
HOP: Final = 1024
FIRST_BIN: Final = 22  # 516 Hz
BINS_PER_CHIP: Final = 8
FRAMES_PER_CHIP: Final = 3
CHIP_ROWS: Final = 40  # up to bin 341, 8 kHz
CHIP_COLUMNS: Final = 32
STRENGTH: Final = 0.15
_PILOTS: Final = CHIP_ROWS * CHIP_COLUMNS // 4
_PERIOD: Final = CHIP_COLUMNS * FRAMES_PER_CHIP  # frames
MIN_SYNC_PSR: Final = 5.0
# Frames quieter than this (RMS of the band) carry too little sound to hold or read a mark.
_SILENCE: Final = 1e-4


@dataclass(frozen=True, slots=True)
class _Chips:
    signs: F64  # [rows, columns]
    pilot: npt.NDArray[np.bool_]
    bit_of_chip: npt.NDArray[np.intp]


def _window() -> F64:
    return np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / FRAME))


def _chips(key: WatermarkKey) -> _Chips:
    rng = key.rng("audio-chips")
    count = CHIP_ROWS * CHIP_COLUMNS
    signs = rng.choice(np.array([-1.0, 1.0]), size=(CHIP_ROWS, CHIP_COLUMNS))
    order = rng.permutation(count)
    pilot = np.zeros(count, dtype=bool)
    pilot[order[:_PILOTS]] = True
    bit_of_chip = np.full(count, -1, dtype=np.intp)
    bit_of_chip[order[_PILOTS:]] = np.arange(count - _PILOTS) % CODED_BITS
    return _Chips(signs, pilot.reshape(CHIP_ROWS, CHIP_COLUMNS), bit_of_chip.reshape(CHIP_ROWS, CHIP_COLUMNS))


def _spread(values: F64, frames: int) -> F64:
    """Chip values `[rows, columns]` smoothed onto the band's bins × `frames` (the tile repeats in time)."""
    bins = CHIP_ROWS * BINS_PER_CHIP
    u = (np.arange(bins) + 0.5) / BINS_PER_CHIP - 0.5
    v = (np.arange(frames) + 0.5) / FRAMES_PER_CHIP - 0.5
    grid = np.meshgrid(np.clip(u, 0, CHIP_ROWS - 1), v % CHIP_COLUMNS, indexing="ij")
    spread: F64 = ndimage.map_coordinates(values, grid, order=1, mode="grid-wrap")
    return spread


def _stft(signals: F32) -> npt.NDArray[np.complex64]:
    """`[channels, samples]` → `[channels, frames, bins]` (float32 throughout: half the work of float64)."""
    padded = np.pad(signals.astype(np.float32), ((0, 0), (HOP, FRAME)))
    count = (padded.shape[1] - FRAME) // HOP + 1
    frames = np.lib.stride_tricks.sliding_window_view(padded, FRAME, axis=1)[:, ::HOP][:, :count]
    spectrum: npt.NDArray[np.complex64] = fft.rfft(frames * _window().astype(np.float32), axis=-1)
    return spectrum


def _istft(spectrum: npt.NDArray[np.complex64], length: int) -> F32:
    """The inverse of `_stft`: windowed frames overlap-added at half a frame (vectorised, not a loop)."""
    frames = fft.irfft(spectrum, n=FRAME, axis=-1) * _window().astype(np.float32)
    channels, count, _ = frames.shape
    out = np.zeros((channels, count + 1, HOP), dtype=np.float32)
    out[:, :count] += frames[:, :, :HOP]
    out[:, 1:] += frames[:, :, HOP:]
    result: F32 = out.reshape(channels, -1)[:, HOP : HOP + length]
    return result


class AudioMark:
    """Embeds and reads the audio mark of one key."""

    def __init__(self, key: WatermarkKey, *, strength: float = STRENGTH) -> None:
        if not 0 < strength < 0.5:
            raise ValueError(f"the audio mark strength must be within (0, 0.5), got {strength}")
        self._chips = _chips(key)
        self.strength = strength

    def embed(self, audio: F32, payload: int, *, start_sample: int = 0) -> F32:
        """`audio` (`float32 [channels, samples]`, 48 kHz) with `payload` marked from `start_sample` on."""
        if audio.ndim != 2:
            raise ValueError(f"audio must be [channels, samples], got shape {audio.shape}")
        chips = self._chips
        values = np.where(chips.pilot, chips.signs, chips.signs * encode_payload(payload)[chips.bit_of_chip])
        tail = audio[:, start_sample:]
        if tail.shape[1] < FRAME:
            return audio
        spectrum = _stft(tail)
        # Only the band changes, so only its change is synthesised and added: the rest stays bit-exact.
        band = slice(FIRST_BIN, FIRST_BIN + CHIP_ROWS * BINS_PER_CHIP)
        # The first frames of a marked stretch fade the mark in, so a join with unmarked sound is smooth.
        fade = np.clip(np.arange(spectrum.shape[1]) / 4.0, 0.0, 1.0)[:, None]
        change = (self.strength * _spread(values, spectrum.shape[1]).T * fade).astype(np.float32)
        delta = np.zeros_like(spectrum)
        delta[:, :, band] = spectrum[:, :, band] * change
        marked = audio.copy()
        marked[:, start_sample:] += _istft(delta, tail.shape[1])
        return np.clip(marked, -1.0, 1.0).astype(np.float32)

    def read(self, audio: F32, *, start_s: float = 0.0) -> list[PayloadReading]:
        """Payloads found in mono or multichannel 48 kHz audio (best first; empty when none)."""
        mono: F32 = (audio.mean(axis=0) if audio.ndim == 2 else audio).astype(np.float32)
        if mono.size < FRAME * 4:
            return []
        spectrum = _stft(mono[None, :])[0]
        band = np.abs(spectrum[:, FIRST_BIN : FIRST_BIN + CHIP_ROWS * BINS_PER_CHIP]).astype(np.float64)
        loud = np.sqrt(np.mean(band * band, axis=1)) > _SILENCE
        if loud.sum() < _PERIOD // 2:
            return []
        log = np.log(band + 1e-7)
        # The sound's own spectral shape and loudness: a local average over ~3 chips in each direction.
        residual = log - ndimage.uniform_filter(log, size=(FRAMES_PER_CHIP * 3, BINS_PER_CHIP * 3))
        residual = np.clip(residual, -2.0, 2.0) * loud[:, None]
        folded = self._fold(residual)
        offset, psr = self._sync(folded)
        if psr < MIN_SYNC_PSR:
            return []
        soft = self._soft(np.roll(folded, -offset, axis=1))
        duration_s = mono.size / SAMPLE_RATE_HZ
        found = read_payload(soft, start_s=start_s, end_s=start_s + duration_s)
        return [found] if found is not None else []

    def _fold(self, residual: F64) -> F64:
        """`[bins, period]`: the residual summed over every repetition of the tile in time."""
        frames = residual.shape[0]
        padded = np.zeros((-(-frames // _PERIOD) * _PERIOD, residual.shape[1]))
        padded[:frames] = residual
        folded: F64 = padded.reshape(-1, _PERIOD, residual.shape[1]).sum(axis=0).T
        return folded

    def _sync(self, folded: F64) -> tuple[int, float]:
        chips = self._chips
        template = _spread(np.where(chips.pilot, chips.signs, 0.0), _PERIOD)
        # Correlate along time only: frequencies are not shifted by re-encoding or resampling.
        surface = np.real(
            fft.ifft(np.sum(fft.fft(folded, axis=1) * np.conj(fft.fft(template, axis=1)), axis=0))
        )
        peak = int(np.argmax(surface))
        # Shifts within two chips of the peak overlap the peak itself; the sidelobes are the rest.
        distance = np.abs((np.arange(_PERIOD) - peak + _PERIOD // 2) % _PERIOD - _PERIOD // 2)
        sidelobes = surface[distance > 2 * FRAMES_PER_CHIP]
        psr = (float(surface[peak]) - float(sidelobes.mean())) / (float(sidelobes.std()) or 1.0)
        return peak, psr

    def _soft(self, aligned: F64) -> F64:
        chips = self._chips
        weights_f = 1.0 - np.abs((np.arange(BINS_PER_CHIP) + 0.5) / BINS_PER_CHIP - 0.5)
        weights_t = 1.0 - np.abs((np.arange(FRAMES_PER_CHIP) - (FRAMES_PER_CHIP - 1) / 2) / FRAMES_PER_CHIP)
        blocks = aligned.reshape(CHIP_ROWS, BINS_PER_CHIP, CHIP_COLUMNS, FRAMES_PER_CHIP)
        measured = np.einsum("iajb,a,b->ij", blocks, weights_f, weights_t)
        data = ~chips.pilot
        soft: F64 = np.bincount(
            chips.bit_of_chip[data], weights=(measured * chips.signs)[data], minlength=CODED_BITS
        ).astype(np.float64)
        return soft
