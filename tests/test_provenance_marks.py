"""Invisible and visible marks, measured from the pixels and samples that come out of real encodes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import build_clip
from mutoscope.engine.clip import Clip
from mutoscope.engine.frames import ArrayFrames, LazyFrames
from mutoscope.engine.media import read_video, write_mp4
from mutoscope.engine.media.encode import EncodeOptions
from mutoscope.provenance.audio_mark import AudioMark
from mutoscope.provenance.frame_mark import FrameMark
from mutoscope.provenance.keyring import WatermarkKey, load_or_create_key
from mutoscope.provenance.marked_frames import LAYOUTS, PatternOp, mark_frames
from mutoscope.provenance.visible_mark import GLIDE_S, REST_S, VisibleMarkOp, render_badge

KEY = WatermarkKey(b"test-key-" * 4)
PAYLOAD = 0x0123_4567_89AB_CDEF


def _scene(frames: int = 24, size: tuple[int, int] = (640, 360), seed: int = 1) -> np.ndarray:
    """A moving scene: gradient sky, flat shapes, a moving ball and fixed grain (like the procedural look)."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    base = np.zeros((height, width, 3))
    base[:] = np.stack([60 + 100 * y / height, 90 + 60 * y / height, 180 - 80 * y / height], axis=-1)
    for _ in range(5):
        cx, cy, r = rng.uniform(0, width), rng.uniform(height / 2, height), rng.uniform(20, 90)
        base[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = rng.uniform(20, 230, size=3)
    base += rng.normal(scale=3.0, size=(height, width, 1))
    out = np.empty((frames, height, width, 3), dtype=np.uint8)
    for index in range(frames):
        picture = base.copy()
        cx = 40 + index * (width - 80) / max(frames - 1, 1)
        picture[(x - cx) ** 2 + (y - height * 0.3) ** 2 < 25**2] = (230, 120, 40)
        out[index] = np.clip(picture, 0, 255)
    return out


def _clip(frames: np.ndarray, audio: np.ndarray | None = None) -> Clip:
    return build_clip(frames, audio=audio, width=frames.shape[2], height=frames.shape[1])


def _marked(frames: np.ndarray, key: WatermarkKey = KEY, payload: int = PAYLOAD) -> np.ndarray:
    pattern = FrameMark(key).pattern(payload, frames.shape[2], frames.shape[1])
    return np.asarray(mark_frames(ArrayFrames(frames), op=PatternOp(pattern)))


def _read(frames: np.ndarray, key: WatermarkKey = KEY) -> list[int]:
    reader = FrameMark(key).reader()
    for index, frame in enumerate(frames):
        reader.add(frame, index / 24)
    return [reading.payload for reading in reader.read()]


def _through_h264(
    frames: np.ndarray, folder: Path, *, crf: int = 20, scale: float = 1.0, crop: float = 0.0
) -> np.ndarray:
    """Frames after an x264 encode, optionally scaled and cropped first (an attacker's re-encode)."""
    if scale != 1.0 or crop:
        changed = []
        for frame in frames:
            image = Image.fromarray(frame)
            if crop:
                w, h = image.size
                image = image.crop((round(w * 0.03), round(h * 0.07), round(w * (0.93)), round(h * 0.97)))
            size = (round(image.width * scale / 2) * 2, round(image.height * scale / 2) * 2)
            changed.append(np.asarray(image.resize(size, Image.Resampling.BILINEAR)))
        frames = np.stack(changed)
    path = folder / f"copy-{crf}-{scale}-{crop}.mp4"
    write_mp4(_clip(frames), path, options=EncodeOptions(crf=crf))
    return np.asarray(read_video(path).frames)


@pytest.fixture(scope="module")
def scene() -> np.ndarray:
    return _scene()


def test_the_frame_mark_is_imperceptible_by_psnr(scene: np.ndarray) -> None:
    marked = _marked(scene).astype(np.float64)
    mse = np.mean((marked - scene) ** 2)
    assert 10 * np.log10(255**2 / mse) >= 38.0


def test_the_frame_mark_survives_encoding_and_half_scale(scene: np.ndarray, tmp_path: Path) -> None:
    marked = _marked(scene)
    assert _read(_through_h264(marked, tmp_path)) == [PAYLOAD]
    assert _read(_through_h264(marked, tmp_path, crf=28, scale=0.5)) == [PAYLOAD]


def test_unmarked_video_and_a_wrong_key_read_nothing(scene: np.ndarray) -> None:
    assert _read(scene) == []
    assert _read(_marked(scene), key=WatermarkKey(b"another-key-" * 3)) == []


@pytest.mark.slow
def test_the_frame_mark_survives_crf35_and_a_10_percent_crop(tmp_path: Path) -> None:
    marked = _marked(_scene(48, (1280, 720), seed=3))
    assert _read(_through_h264(marked, tmp_path, crf=35)) == [PAYLOAD]
    assert _read(_through_h264(marked, tmp_path, crf=28, crop=0.1)) == [PAYLOAD]


def test_pattern_op_saturates_instead_of_wrapping_in_every_layout() -> None:
    rng = np.random.default_rng(0)
    offsets = rng.integers(-4, 5, size=(300, 1000)).astype(np.int8)  # several cache-sized row blocks
    op = PatternOp(offsets)
    for name, layout in LAYOUTS.items():
        pixels = rng.choice(
            np.array([0, 1, 2, 128, 253, 254, 255], dtype=np.uint8), size=(300, 1000, layout.channels)
        )
        out = np.empty_like(pixels)
        op.apply(0, pixels, out, layout)
        expected = np.clip(pixels.astype(np.int16) + offsets[:, :, None], 0, 255).astype(np.uint8)
        if layout.alpha is not None:
            expected[:, :, layout.alpha] = pixels[:, :, layout.alpha]
        assert np.array_equal(out, expected), name


def test_raw_and_rgb_paths_agree_and_frames_before_start_are_untouched(scene: np.ndarray) -> None:
    def render(index: int) -> np.ndarray:
        return scene[index]

    def raw() -> Iterator[tuple[np.ndarray, str]]:
        for frame in scene:  # what a renderer drawing BGRA hands the encoder
            yield np.dstack([frame[:, :, ::-1], np.full(frame.shape[:2], 255, np.uint8)]), "bgra"

    frames = LazyFrames(len(scene), scene.shape[2], scene.shape[1], render, raw=raw)
    pattern = FrameMark(KEY).pattern(PAYLOAD, scene.shape[2], scene.shape[1])
    marked = mark_frames(frames, op=PatternOp(pattern), start=10)
    via_raw = [bgra[:, :, 2::-1].copy() for bgra, _ in marked.iter_raw()]
    for index in (0, 9, 10, 23):
        assert np.array_equal(via_raw[index], marked.frame(index))
    assert all(np.array_equal(marked.frame(i), scene[i]) for i in range(10))
    assert not np.array_equal(marked.frame(10), scene[10])


def _badge_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int]:
    changed = np.argwhere(np.any(before != after, axis=-1))
    (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0)
    return int(left), int(top), int(right), int(bottom)


def test_the_visible_badge_rests_in_a_corner_then_moves_to_the_next() -> None:
    width, height, fps = 640, 360, 24
    badge = render_badge("maria", frame_width=width, frame_height=height, opacity=0.6)
    op = VisibleMarkOp(badge, fps=fps, frame_width=width, frame_height=height)
    grey = np.full((height, width, 3), 128, dtype=np.uint8)

    def box(seconds: float) -> tuple[int, int, int, int]:
        out = np.empty_like(grey)
        op.apply(round(seconds * fps), grey, out, LAYOUTS["rgb24"])
        return _badge_box(grey, out)

    first, later = box(0.0), box(REST_S - 0.5)
    assert first == later and first[0] < width / 4 and first[1] < height / 4  # resting top-left
    moved = box(REST_S + GLIDE_S + 0.1)
    assert moved[2] > width * 3 / 4 and moved[3] > height * 3 / 4  # now bottom-right
    assert badge.size[0] < width / 3 and badge.size[1] < height / 8


def test_badge_opacity_zero_changes_nothing_and_grows_with_the_frame() -> None:
    small = render_badge("a_long_handle_name", frame_width=640, frame_height=360, opacity=0.0)
    assert float(small.alpha.max()) == 0.0
    big = render_badge("a_long_handle_name", frame_width=1920, frame_height=1080, opacity=0.5)
    assert big.size[0] > 2 * small.size[0] and 0.45 <= float(big.alpha.max()) <= 0.5


def _sound(seconds: float, seed: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(48_000 * seconds)) / 48_000
    voice = sum(
        np.sin(2 * np.pi * f * t) * a for f, a in ((220, 0.1), (440, 0.05), (1250, 0.03), (2600, 0.02))
    )
    envelope = 0.4 + 0.6 * np.abs(np.sin(2 * np.pi * 1.7 * t))
    noise = rng.normal(scale=0.04, size=t.size)
    mono = (voice * envelope + noise).astype(np.float32)
    return np.stack([mono, mono * 0.8])


def test_the_audio_mark_survives_aac_at_96_kbps(tmp_path: Path) -> None:
    audio = _sound(12.0)
    mark = AudioMark(KEY)
    marked = mark.embed(audio, PAYLOAD)
    noise = marked.astype(np.float64) - audio
    assert 10 * np.log10(np.sum(audio.astype(np.float64) ** 2) / np.sum(noise**2)) >= 18.0
    frames = np.zeros((288, 64, 64, 3), dtype=np.uint8)
    path = tmp_path / "sound.mp4"
    write_mp4(_clip(frames, marked), path, options=EncodeOptions(audio_bitrate_bps=96_000))
    decoded = read_video(path).audio
    assert [r.payload for r in mark.read(decoded)] == [PAYLOAD]
    assert mark.read(audio) == []


def test_silence_stays_silent_and_carries_nothing() -> None:
    silence = np.zeros((2, 48_000 * 4), dtype=np.float32)
    marked = AudioMark(KEY).embed(silence, PAYLOAD)
    assert np.array_equal(marked, silence)
    assert AudioMark(KEY).read(marked) == []


def test_the_key_file_is_created_once_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "provenance" / "watermark.key"
    first = load_or_create_key(path)
    assert load_or_create_key(path) == first and (path.stat().st_mode & 0o777) == 0o600
    assert FrameMark(first).chips(1).tolist() == FrameMark(load_or_create_key(path)).chips(1).tolist()
