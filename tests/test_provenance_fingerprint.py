"""Fingerprints: copies hash close to their source, unrelated pictures and sounds do not."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from mutoscope.provenance.fingerprint import (
    MAX_AUDIO_DISTANCE,
    MAX_IMAGE_DISTANCE,
    audio_hashes,
    chunks,
    frame_hash,
    frame_hash_variants,
    hamming,
    is_copy,
    luma_thumbnail,
    match_sequence,
    sample_indices,
    to_signed,
    to_unsigned,
)


def _scene(seed: int, size: tuple[int, int] = (640, 360)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    picture = np.zeros((height, width, 3), dtype=np.float64)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(30, 140)
        picture[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = rng.uniform(0, 255, size=3)
    picture += (x / width * 80)[:, :, None]
    return np.clip(picture, 0, 255).astype(np.uint8)


def _degrade(rgb: np.ndarray, *, scale: float = 0.5, crop: float = 0.0) -> np.ndarray:
    image = Image.fromarray(rgb)
    if crop:
        w, h = image.size
        image = image.crop(
            (round(w * crop / 2), round(h * crop / 2), round(w * (1 - crop / 2)), round(h * (1 - crop / 2)))
        )
    image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR)
    return np.asarray(image.filter(ImageFilter.GaussianBlur(1.0)))


def test_a_scaled_blurred_copy_hashes_close_and_another_picture_far() -> None:
    source = frame_hash(luma_thumbnail(_scene(1)))
    copy = frame_hash(luma_thumbnail(_degrade(_scene(1))))
    other = frame_hash(luma_thumbnail(_scene(2)))
    assert hamming(source, copy) <= MAX_IMAGE_DISTANCE
    assert hamming(source, other) >= 16


def test_a_cropped_copy_is_close_to_the_stored_centre_variant() -> None:
    variants = frame_hash_variants(luma_thumbnail(_scene(3)))
    cropped = frame_hash(luma_thumbnail(_degrade(_scene(3), scale=1.0, crop=0.1)))
    assert min(hamming(cropped, v) for v in variants.values()) <= MAX_IMAGE_DISTANCE


def test_bgra_and_rgb_views_of_a_frame_hash_the_same() -> None:
    rgb = _scene(4)
    bgra = np.dstack([rgb[:, :, ::-1], np.full(rgb.shape[:2], 255, np.uint8)])
    assert frame_hash(luma_thumbnail(rgb)) == frame_hash(luma_thumbnail(bgra, reversed_colour=True, alpha=3))


def test_hash_integers_round_trip_through_signed_storage() -> None:
    for value in (0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1):
        signed = to_signed(value)
        assert -(1 << 63) <= signed < 1 << 63 and to_unsigned(signed) == value
    assert chunks(to_signed(0x0001_0002_0003_FFFF)) == (1, 2, 3, 0xFFFF)


def test_sampling_takes_four_frames_a_second() -> None:
    picked = sample_indices(96, 24)
    assert list(picked.items())[:3] == [(0, 0), (6, 1), (12, 2)] and len(picked) == 16


def _sound(seed: int, seconds: float = 6.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(48_000 * seconds)) / 48_000
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.5, 3) * t) ** 2
    tones = sum(np.sin(2 * np.pi * f * t) * rng.uniform(0.05, 0.2) for f in rng.uniform(200, 3000, size=6))
    return ((tones + rng.normal(scale=0.02, size=t.size)) * envelope).astype(np.float32)


def test_audio_hashes_survive_gain_and_a_trim_and_separate_sounds() -> None:
    source = audio_hashes(_sound(1))
    trimmed = _sound(1)[48_000 // 4 :] * 0.5  # a quarter second cut off the front, and quieter
    copy = audio_hashes(trimmed)
    found = match_sequence(copy, source, candidate_offsets=range(-4, 5))
    assert found is not None and found.offset == 1
    assert is_copy(found, query_length=len(copy), limit=MAX_AUDIO_DISTANCE)
    other = match_sequence(audio_hashes(_sound(2)), source, candidate_offsets=range(-4, 5))
    assert other is not None and not is_copy(other, query_length=len(copy), limit=MAX_AUDIO_DISTANCE)


def test_sequence_matching_prefers_the_true_offset_and_needs_enough_overlap() -> None:
    rng = np.random.default_rng(5)
    source = [(p, to_signed(int(rng.integers(0, 2**63)))) for p in range(40)]
    query = [(p - 10, value) for p, value in source[10:30]]
    found = match_sequence(query, source, candidate_offsets=[0, 5, 10, 15])
    assert found is not None and (found.offset, found.aligned, found.mean_distance) == (10, 20, 0.0)
    assert found.score == 1.0
    assert match_sequence(query, source, candidate_offsets=[100]) is None
