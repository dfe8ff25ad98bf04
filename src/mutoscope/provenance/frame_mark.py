"""The invisible frame mark: a keyed, tiled spread-spectrum pattern in every frame's luma, and its reader.

Embedding. The payload's codeword (see `codes`) is spread over a tile of 32×32 *chips*: a quarter of them are
pilots (known ±1 signs, used only to find the pattern again), the rest carry coded bits, each bit on several
chips scattered by the key, each chip multiplied by a keyed ±1 sign. The tile repeats over the whole frame
(chips 7.5 px wide at any resolution), is smoothed by bilinear interpolation between chip centres, scaled to a
peak of ±4 luma levels and added equally to R, G and B (a pure luma change, about 40 dB PSNR). The same
pattern sits in every frame: the encoder's skipped blocks copy it forward, so it survives P-frames, and a
reader can add up as many frames as it gets.

Reading. Each frame's luma is band-passed (a difference of two smoothings at the chip scale removes flat
colour and gradients), divided by the local energy of that band (edges are loud and carry little mark; flat
areas carry it cleanly) and summed over frames. A copy may be scaled or cropped, so the reader searches chip
sizes from 2.8 to 10 px: for each it samples the sum at four points per chip, folds it modulo the tile and
finds the pilot pattern's shift by FFT correlation. At the best fit each chip is measured with its
interpolation kernel, chips are combined per coded bit, and the Viterbi decoder returns the payload when its
CRC holds. Frame-rate changes and blur leave the static, low-frequency pattern alone; H.264 at crf 35 and 0.5×
scaling weaken it, which the redundancy across chips and frames absorbs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import fft, ndimage, sparse

from mutoscope.provenance.codes import CODED_BITS, PayloadReading, encode_payload, read_payload
from mutoscope.provenance.keyring import WatermarkKey

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

TILE: Final = 32
CHIP_PX: Final = 7.5
AMPLITUDE: Final = 4.0
_PILOTS: Final = TILE * TILE // 4
_SAMPLES_PER_CHIP: Final = 4
_MIN_CHIP_PX: Final = 2.8
_MAX_CHIP_PX: Final = 10.0
_COARSE_STEP: Final = 1.015
_FINE_STEP: Final = 1.003
# Readers work on frames at most this tall (bigger ones are averaged down by an integer factor first).
_ANALYSIS_MAX_HEIGHT: Final = 720
# Below this peak-to-sidelobe ratio a pilot fit is noise (unmarked video peaks at 4-5.3); nothing is decoded
# from it. Fits above it still need the payload's CRC to pass.
MIN_SYNC_PSR: Final = 5.0
_CANDIDATE_FITS: Final = 3
_COARSE_FROM_PX: Final = 5.0
_LUMA: Final = (0.2126, 0.7152, 0.0722)


@dataclass(frozen=True, slots=True)
class _Tile:
    """The key's tile: chip signs, which chips are pilots, and which coded bit each data chip carries."""

    signs: F64  # [TILE, TILE] ±1
    pilot: npt.NDArray[np.bool_]  # [TILE, TILE]
    bit_of_chip: npt.NDArray[np.intp]  # [TILE, TILE], -1 for pilots


def _tile(key: WatermarkKey) -> _Tile:
    rng = key.rng("frame-tile")
    signs = rng.choice(np.array([-1.0, 1.0]), size=(TILE, TILE))
    order = rng.permutation(TILE * TILE)
    pilot = np.zeros(TILE * TILE, dtype=bool)
    pilot[order[:_PILOTS]] = True
    bit_of_chip = np.full(TILE * TILE, -1, dtype=np.intp)
    data = order[_PILOTS:]
    bit_of_chip[data] = np.arange(data.size) % CODED_BITS
    return _Tile(signs, pilot.reshape(TILE, TILE), bit_of_chip.reshape(TILE, TILE))


def _interpolation(length: int, chip_px: float, samples: int | None = None) -> F64:
    """Bilinear weights `[length, TILE]` from tile chips to positions along one axis (the tile wraps).

    Position p (a pixel, or a sample when `samples` per chip are asked) lies at chip coordinate u; chip i is
    centred at u = i, so p gets weight 1 - |u - i| from the two chips around it.
    """
    step = chip_px if samples is None else float(samples)
    u = (np.arange(length) + 0.5) / step - 0.5
    low = np.floor(u)
    frac = u - low
    weights = np.zeros((length, TILE))
    rows = np.arange(length)
    weights[rows, low.astype(np.intp) % TILE] += 1.0 - frac
    weights[rows, (low.astype(np.intp) + 1) % TILE] += frac
    return weights


class FrameMark:
    """Embeds and reads the frame mark of one key."""

    def __init__(self, key: WatermarkKey, *, amplitude: float = AMPLITUDE, chip_px: float = CHIP_PX) -> None:
        if not 0 < amplitude <= 16:
            raise ValueError(f"the frame mark amplitude must be within (0, 16] levels, got {amplitude}")
        self._tile = _tile(key)
        interp = _interpolation(TILE * _SAMPLES_PER_CHIP, 1.0, samples=_SAMPLES_PER_CHIP)
        template = interp @ np.where(self._tile.pilot, self._tile.signs, 0.0) @ interp.T
        self._pilot_spectrum = np.conj(fft.fft2(template))
        self.amplitude = amplitude
        self.chip_px = chip_px

    # -- embedding -------------------------------------------------------------------------------------------

    def chips(self, payload: int) -> F64:
        """The tile's chip values for `payload`: pilots keep their sign, data chips carry coded bits."""
        codeword = encode_payload(payload)
        tile = self._tile
        values = tile.signs.copy()
        data = ~tile.pilot
        values[data] *= codeword[tile.bit_of_chip[data]]
        return values

    def pattern(self, payload: int, width: int, height: int) -> npt.NDArray[np.int8]:
        """The luma offsets `int8 [height, width]` that carry `payload` in a frame of this size."""
        # One tile period is a whole number of pixels at the default chip size (32 × 7.5 = 240): compute it
        # once and repeat it, rather than interpolating every pixel of the frame.
        period = TILE * self.chip_px
        side = round(period) if abs(period - round(period)) < 1e-9 else max(width, height)
        rows = _interpolation(min(side, height), self.chip_px)
        cols = _interpolation(min(side, width), self.chip_px)
        block = np.round((rows @ self.chips(payload) @ cols.T) * self.amplitude).astype(np.int8)
        reps = (-(-height // block.shape[0]), -(-width // block.shape[1]))
        return np.ascontiguousarray(np.tile(block, reps)[:height, :width])

    # -- reading ---------------------------------------------------------------------------------------------

    def reader(self) -> FrameMarkReader:
        return FrameMarkReader(self._tile, self._pilot_spectrum)


@dataclass(slots=True)
class _Window:
    start_s: float
    end_s: float
    fine: F64
    coarse: F64


@dataclass(frozen=True, slots=True)
class _Fit:
    psr: float
    chip_px: float
    shift: tuple[int, int]


@dataclass(slots=True)
class FrameMarkReader:
    """Accumulates frames (`add`), then finds the pattern and decodes payloads (`read`).

    Frames are summed per window of `window_frames`, so an extended video, whose first part carries its
    parent's payload and whose new part carries its own, yields both.
    """

    tile: _Tile
    pilot_spectrum: npt.NDArray[np.complex128]
    window_frames: int = 16
    _windows: list[_Window] = field(default_factory=list)
    _count_in_window: int = 0
    _factor: int = 0

    def add(self, frame: npt.NDArray[np.uint8], time_s: float) -> None:
        """Add one RGB `uint8 [H, W, 3]` frame (or a luma `[H, W]` array) shown at `time_s`."""
        luma = _luma(frame)
        if self._factor == 0:
            self._factor = max(1, -(-luma.shape[0] // _ANALYSIS_MAX_HEIGHT))
        luma = _downscale(luma, self._factor)
        fine, coarse = _normalised_bands(luma)
        if not self._windows or self._count_in_window >= self.window_frames:
            self._windows.append(_Window(time_s, time_s, np.zeros_like(fine), np.zeros_like(coarse)))
            self._count_in_window = 0
        window = self._windows[-1]
        if window.fine.shape != fine.shape:
            raise ValueError("all frames given to one reader must have the same size")
        window.fine += fine
        window.coarse += coarse
        window.end_s = time_s
        self._count_in_window += 1

    def read(self) -> list[PayloadReading]:
        """Payloads found, the whole run's first (when it decodes), then any other found in one window.

        The few best geometric fits are tried in turn: a weak fit whose payload passes the CRC is real, one
        that does not is moved past.
        """
        if not self._windows:
            return []
        fine = np.sum([w.fine for w in self._windows], axis=0)
        coarse = np.sum([w.coarse for w in self._windows], axis=0)
        start, end = self._windows[0].start_s, self._windows[-1].end_s
        for fit in self._fits(fine, coarse):
            if fit.psr < MIN_SYNC_PSR:
                break
            readings: list[PayloadReading] = []
            whole = read_payload(self._soft(fine, coarse, fit), start_s=start, end_s=end)
            if whole is not None:
                readings.append(whole)
            if len(self._windows) > 1:
                for window in self._windows:
                    found = read_payload(
                        self._soft(window.fine, window.coarse, fit),
                        start_s=window.start_s,
                        end_s=window.end_s,
                    )
                    if found is not None and all(found.payload != r.payload for r in readings):
                        readings.append(found)
            if readings:
                return readings
        return []

    @property
    def sync_psr(self) -> float:
        """How clearly the pilot pattern stands out (for diagnostics); 0 before any frame."""
        if not self._windows:
            return 0.0
        fine = np.sum([w.fine for w in self._windows], axis=0)
        coarse = np.sum([w.coarse for w in self._windows], axis=0)
        return self._fits(fine, coarse)[0].psr

    # -- geometry --------------------------------------------------------------------------------------------

    def _fits(self, fine: F64, coarse: F64) -> list[_Fit]:
        """The best fits of distinct chip sizes (coarse search, each refined), strongest first."""
        coarse_fits = [
            self._try(fine, coarse, size) for size in _geometric(_MIN_CHIP_PX, _MAX_CHIP_PX, _COARSE_STEP)
        ]
        coarse_fits.sort(key=lambda f: -f.psr)
        chosen: list[_Fit] = []
        for fit in coarse_fits:
            if len(chosen) == _CANDIDATE_FITS:
                break
            if all(abs(np.log(fit.chip_px / c.chip_px)) > 0.03 for c in chosen):
                chosen.append(fit)
        refined = []
        for fit in chosen:
            sizes = _geometric(fit.chip_px / _COARSE_STEP, fit.chip_px * _COARSE_STEP, _FINE_STEP)
            refined.append(max((self._try(fine, coarse, size) for size in sizes), key=lambda f: f.psr))
        return sorted(refined, key=lambda f: -f.psr)

    def _try(self, fine: F64, coarse: F64, chip_px: float) -> _Fit:
        folded = _fold(*_band_for(fine, coarse, chip_px))
        surface = np.real(fft.ifft2(fft.fft2(folded) * self.pilot_spectrum))
        peak = int(np.argmax(surface))
        spread = float(surface.std()) or 1.0
        psr = (float(surface.flat[peak]) - float(surface.mean())) / spread
        shift = np.unravel_index(peak, surface.shape)
        return _Fit(psr, chip_px, (int(shift[0]), int(shift[1])))

    def _soft(self, fine: F64, coarse: F64, fit: _Fit) -> F64:
        """One soft value per coded bit: chip measurements times their signs, summed per bit."""
        folded = _fold(*_band_for(fine, coarse, fit.chip_px))
        aligned = np.roll(folded, (-fit.shift[0], -fit.shift[1]), axis=(0, 1))
        # Each chip's kernel spans two chips; its K×K core (weighted) carries nearly all of its energy.
        k = _SAMPLES_PER_CHIP
        offsets = (np.arange(k) + 0.5) / k - 0.5
        weights = 1.0 - np.abs(offsets)
        blocks = aligned.reshape(TILE, k, TILE, k)
        chips = np.einsum("iajb,a,b->ij", blocks, weights, weights)
        tile = self.tile
        data = ~tile.pilot
        soft = np.bincount(
            tile.bit_of_chip[data], weights=(chips * tile.signs)[data], minlength=CODED_BITS
        ).astype(np.float64)
        return soft


def _geometric(low: float, high: float, step: float) -> list[float]:
    count = int(np.floor(np.log(high / low) / np.log(step))) + 1
    return [low * step**i for i in range(count)]


def _luma(frame: npt.NDArray[np.uint8]) -> F32:
    if frame.ndim == 2:
        return frame.astype(np.float32)
    if frame.ndim != 3 or frame.shape[2] < 3:
        raise ValueError(f"expected an RGB frame [H, W, 3] or luma [H, W], got shape {frame.shape}")
    rgb = frame[..., :3].astype(np.float32)
    return rgb @ np.array(_LUMA, dtype=np.float32)


def _downscale(luma: F32, factor: int) -> F32:
    if factor == 1:
        return luma
    height, width = (luma.shape[0] // factor) * factor, (luma.shape[1] // factor) * factor
    blocks = luma[:height, :width].reshape(height // factor, factor, width // factor, factor)
    smaller: F32 = blocks.mean(axis=(1, 3), dtype=np.float32)
    return smaller


def _normalised_bands(luma: F32) -> tuple[F64, F64]:
    """The chip-scale band of the frame for small chips (< 5 px, full resolution) and for large ones (at half
    resolution, which is plenty for them and four times cheaper), each divided by its local energy.

    Dividing by local energy is the matched weighting for noise that is loud at edges and quiet in flat
    areas; clipping keeps a single bright speck from outweighing a region. Two box passes approximate each
    Gaussian (σ ≈ 1.2 and 2.8 px) at a fraction of its cost.
    """
    fine = _box(_box(luma, 3), 3) - _box(_box(luma, 7), 7)
    half = _downscale(luma, 2)
    coarse = _box(_box(half, 3), 3) * 0.5 + half * 0.5 - _box(_box(half, 7), 7)
    return _normalise(fine, 9), _normalise(coarse, 9)


def _box(picture: F32, size: int) -> F32:
    smoothed: F32 = ndimage.uniform_filter(picture, size=size, mode="nearest")
    return smoothed


def _normalise(band: F32, size: int) -> F64:
    energy = ndimage.uniform_filter(band * band, size=size)
    weighted = band / (energy + 0.25)
    clipped: F64 = np.clip(weighted, -4.0, 4.0).astype(np.float64)
    return clipped


def _band_for(fine: F64, coarse: F64, chip_px: float) -> tuple[F64, float]:
    """The band to measure chips of `chip_px` in, and the chip size in that band's pixels."""
    return (fine, chip_px) if chip_px < _COARSE_FROM_PX else (coarse, chip_px / 2)


def _fold_matrix(length: int, chip_px: float) -> sparse.csr_array:
    """Weights `[TILE·4, length]` that spread each pixel onto the two nearest of four samples per chip, folded
    modulo the tile, so `M_rows @ band @ M_cols.T` is the band summed over every repetition of the tile.

    Sparse (two weights per pixel), which also keeps a loaded machine's BLAS threads out of the way.
    """
    k = _SAMPLES_PER_CHIP
    period = TILE * k
    position = (np.arange(length) + 0.5) * k / chip_px - 0.5
    low = np.floor(position).astype(np.intp)
    frac = position - low
    pixels = np.arange(length)
    rows = np.concatenate([low % period, (low + 1) % period])
    cols = np.concatenate([pixels, pixels])
    weights = np.concatenate([1.0 - frac, frac])
    return sparse.csr_array((weights, (rows, cols)), shape=(period, length))


def _fold(band: F64, chip_px: float) -> F64:
    """`band` resampled to four samples per chip and summed modulo the tile: `[TILE·4, TILE·4]`."""
    height, width = band.shape
    by_rows = _fold_matrix(height, chip_px) @ band  # [period, width]
    folded: F64 = (_fold_matrix(width, chip_px) @ by_rows.T).T
    return folded
