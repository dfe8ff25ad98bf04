"""Fingerprints: 64-bit perceptual hashes of sampled frames and of the sound, and the math to match them.

A copy can lose its watermark (cropped, re-shot, heavily re-encoded) and its C2PA manifest (any re-encode),
but it still looks and sounds like the original. Frames are hashed four times a second with a DCT hash
(pHash: the signs of the 8×8 lowest frequencies of a 32×32 luma thumbnail against their median), robust to
scaling, compression, blur and small shifts; the source is also hashed on its central 90 % so a cropped copy
finds a close variant. The sound gets one 64-bit hash per quarter second: the signs of band-energy slopes
across 17 bands × 5 sub-windows of 0.5 s (Haitsma–Kalker style), robust to AAC and resampling.

Search is multi-index hashing: each hash splits into four 16-bit chunks; stored hashes are indexed by chunk
(the server's table), so candidates that share at least one exact chunk with a query hash come back from an
index lookup (any hash within 3 bits shares one, by pigeonhole, and near copies mostly do), then
`match_sequence` verifies a candidate by aligning the two hash sequences in time and measuring the Hamming
distance of every aligned pair: a copy agrees all along, a look-alike only here and there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image
from scipy import fft

U8 = npt.NDArray[np.uint8]
F64 = npt.NDArray[np.float64]

HASHES_PER_S: Final = 4
CHUNKS: Final = 4
CHUNK_BITS: Final = 16
# Variants stored for the source: the whole frame, and its central 90 % (a cropped copy's view).
VARIANT_FULL: Final = 0
VARIANT_CENTRE: Final = 1
_CENTRE: Final = 0.9
_THUMB: Final = 32
_LUMA: Final = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)

AUDIO_RATE_HZ: Final = 48_000
_AUDIO_WINDOW_S: Final = 0.5
_AUDIO_SUBWINDOWS: Final = 5
_AUDIO_BANDS: Final = 17
_AUDIO_LOW_HZ: Final = 300.0
_AUDIO_HIGH_HZ: Final = 4000.0

# A verified match: at least this many aligned pairs, at most this mean Hamming distance (of 64). Measured on
# procedural clips (benchmarks/provenance.py): copies' sound stays within 14.2 even through AAC at 64 kbps,
# unrelated clips' sound is never closer than 18; frames are less telling (look-alike scenes share a backdrop:
# unrelated clips came within 3.75, cropped copies drift to 14), so frames alone decide only when the upload
# has no sound, and then only when very close; with sound, frames within 10 corroborate.
MIN_ALIGNED: Final = 4
MAX_AUDIO_DISTANCE: Final = 15.5
# Sound alone is enough when this close over at least 2 s; otherwise the frames must agree at the same offset
# (copies' sound came within 8 unless re-encoded at 64 kbps or re-recorded, whose frames still align).
AUDIO_ALONE_DISTANCE: Final = 10.0
AUDIO_ALONE_ALIGNED: Final = 8
MAX_FRAME_DISTANCE: Final = 10.0
MAX_FRAME_ONLY_DISTANCE: Final = 3.0
MAX_IMAGE_DISTANCE: Final = 3


def to_signed(value: int) -> int:
    """A 64-bit hash as a signed integer (how SQL BIGINT columns hold it)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def chunks(value: int) -> tuple[int, int, int, int]:
    """The hash's four 16-bit chunks, most significant first (the multi-index keys)."""
    value = to_unsigned(value)
    parts = [(value >> (CHUNK_BITS * (CHUNKS - 1 - i))) & 0xFFFF for i in range(CHUNKS)]
    return parts[0], parts[1], parts[2], parts[3]


def hamming(a: int, b: int) -> int:
    return (to_unsigned(a) ^ to_unsigned(b)).bit_count()


def _bits_to_int(bits: npt.NDArray[np.bool_]) -> int:
    value = 0
    for bit in bits.ravel().tolist():
        value = (value << 1) | int(bit)
    return value


def luma_thumbnail(pixels: U8, *, reversed_colour: bool = False, alpha: int | None = None) -> F64:
    """A small float luma picture of an RGB/BGR(A) or grey frame, cheap enough to take while encoding.

    The frame is first subsampled by an integer stride to about 180 rows (hashes only need a 32×32 view).
    """
    stride = max(1, pixels.shape[0] // 180)
    small = pixels[::stride, ::stride]
    if small.ndim == 2:
        return small.astype(np.float64)
    colour = [c for c in range(small.shape[2]) if c != alpha][:3]
    if reversed_colour:
        colour = colour[::-1]
    luma: F64 = (small[:, :, colour].astype(np.float32) @ _LUMA).astype(np.float64)
    return luma


def frame_hash(luma: F64, *, crop: float = 1.0) -> int:
    """pHash of a luma picture (any size), optionally of its central `crop` fraction."""
    height, width = luma.shape
    if crop < 1.0:
        dy, dx = round(height * (1 - crop) / 2), round(width * (1 - crop) / 2)
        luma = luma[dy : height - dy, dx : width - dx]
    thumb = Image.fromarray(luma.astype(np.float32), mode="F").resize((_THUMB, _THUMB), Image.Resampling.BOX)
    spectrum = fft.dctn(np.asarray(thumb, dtype=np.float64), norm="ortho")[:8, :8]
    median = float(np.median(spectrum.ravel()[1:]))
    return to_signed(_bits_to_int(spectrum > median))


def frame_hash_variants(luma: F64) -> dict[int, int]:
    """The hashes stored for a source frame, by variant."""
    return {VARIANT_FULL: frame_hash(luma), VARIANT_CENTRE: frame_hash(luma, crop=_CENTRE)}


def sample_indices(frame_count: int, fps: float) -> dict[int, int]:
    """Frame index → hash position (quarter seconds) for the frames that get hashed."""
    positions = int(np.floor((frame_count - 1) / fps * HASHES_PER_S)) + 1
    picked: dict[int, int] = {}
    for position in range(max(positions, 1)):
        index = min(frame_count - 1, round(position * fps / HASHES_PER_S))
        picked.setdefault(index, position)
    return picked


def audio_hashes(audio: npt.NDArray[np.float32], *, offset_s: float = 0.0) -> list[tuple[int, int]]:
    """`(position, hash)` for each quarter second of 48 kHz audio (mono or `[channels, samples]`).

    `offset_s` starts the grid later (a query is hashed at several sub-window offsets, since a copy may
    have been trimmed anywhere). Silent stretches get no hash.
    """
    mono = audio.mean(axis=0) if audio.ndim == 2 else audio
    mono = mono.astype(np.float64)
    window = round(_AUDIO_WINDOW_S * AUDIO_RATE_HZ)
    sub = window // _AUDIO_SUBWINDOWS
    step = AUDIO_RATE_HZ // HASHES_PER_S
    start = round(offset_s * AUDIO_RATE_HZ)
    edges = np.geomspace(_AUDIO_LOW_HZ, _AUDIO_HIGH_HZ, _AUDIO_BANDS + 1)
    freqs = np.fft.rfftfreq(sub, 1 / AUDIO_RATE_HZ)
    band_of = np.digitize(freqs, edges) - 1
    valid = (band_of >= 0) & (band_of < _AUDIO_BANDS)
    taper = np.hanning(sub)
    result: list[tuple[int, int]] = []
    position = 0
    while start + position * step + window <= mono.size:
        begin = start + position * step
        pieces = mono[begin : begin + window].reshape(_AUDIO_SUBWINDOWS, sub) * taper
        power = np.abs(fft.rfft(pieces, axis=1)) ** 2
        energy = np.zeros((_AUDIO_SUBWINDOWS, _AUDIO_BANDS))
        for row in range(_AUDIO_SUBWINDOWS):
            energy[row] = np.bincount(band_of[valid], weights=power[row][valid], minlength=_AUDIO_BANDS)
        if energy.sum() > 1e-6:
            slope = energy[:, :-1] - energy[:, 1:]
            bits = (slope[1:] - slope[:-1]) > 0
            result.append((position, to_signed(_bits_to_int(bits))))
        position += 1
    return result


@dataclass(frozen=True, slots=True)
class SequenceMatch:
    """How a query's hashes line up with a source's: `offset` in quarter seconds (source − query)."""

    offset: int
    aligned: int
    mean_distance: float

    @property
    def score(self) -> float:
        """1.0 for identical hashes, 0.5 for unrelated ones (half the bits differ by chance)."""
        return round(1.0 - self.mean_distance / 64.0, 4)


def match_sequence(
    query: Sequence[tuple[int, int]], source: Sequence[tuple[int, int]], *, candidate_offsets: Sequence[int]
) -> SequenceMatch | None:
    """The best alignment of `query` against `source` among `candidate_offsets` (quarter seconds).

    Each aligned pair's distance is capped at 32 (chance), and the mean over the query's hashes that fall
    inside the source decides; None when no offset aligns `MIN_ALIGNED` pairs (or all of a short query).
    """
    by_position = dict(source)
    best: SequenceMatch | None = None
    for offset in sorted(set(candidate_offsets)):
        distances = [
            min(32, hamming(value, by_position[position + offset]))
            for position, value in query
            if position + offset in by_position
        ]
        if len(distances) < min(MIN_ALIGNED, len(query)):
            continue
        found = SequenceMatch(offset, len(distances), float(np.mean(distances)))
        if best is None or (found.mean_distance, -found.aligned) < (best.mean_distance, -best.aligned):
            best = found
    return best


def is_copy(found: SequenceMatch, *, query_length: int, limit: float) -> bool:
    """Whether a verified alignment is close enough (mean distance ≤ `limit`) to call the query a copy."""
    if query_length == 1:
        return found.mean_distance <= min(limit, MAX_IMAGE_DISTANCE)
    return found.aligned >= min(MIN_ALIGNED, query_length) and found.mean_distance <= limit
