"""MP4 encoding, checked by decoding the files (PyAV and ffprobe) and measuring pixels and samples."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from mutoscope.engine import timebase
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.frames import ArrayFrames, LazyFrames
from mutoscope.engine.media import EncodeOptions, encode_mp4_bytes, write_mp4
from mutoscope.errors import BackendError, GenerationCancelledError, InvalidRequestError

ClipFactory = Callable[..., Clip]
RATE = timebase.AUDIO_SAMPLE_RATE_HZ

needs_ffprobe = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe is not installed")


def decode_video(path: Path) -> tuple[list[float], npt.NDArray[np.uint8]]:
    """(presentation time of each frame, RGB frames) as PyAV decodes them."""
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
        return [float(f.time or 0.0) for f in frames], np.stack(
            [f.to_ndarray(format="rgb24") for f in frames]
        )


def decode_audio(path: Path) -> tuple[float, npt.NDArray[np.float32]]:
    """(time of the first decoded sample, float samples [channels, N]) as PyAV decodes them."""
    with av.open(str(path)) as container:
        frames = list(container.decode(audio=0))
        first = float(frames[0].time or 0.0)
        samples = np.concatenate([f.to_ndarray() for f in frames], axis=1)
        return first, samples.astype(np.float32)


def ffprobe(path: Path) -> dict[str, list[dict[str, object]]]:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    data: dict[str, list[dict[str, object]]] = json.loads(result.stdout)
    return data


def top_level_boxes(data: bytes) -> list[str]:
    """The ISO-BMFF top-level box types in file order."""
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8].decode("ascii")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        boxes.append(kind)
        if size < 8:
            break
        offset += size
    return boxes


def tone(samples: int, frequency_hz: float, amplitude: float = 0.5) -> npt.NDArray[np.float32]:
    t = np.arange(samples) / RATE
    return (amplitude * np.sin(2 * np.pi * frequency_hz * t)).astype(np.float32)


@needs_ffprobe
def test_ffprobe_sees_h264_yuv420p_and_aac_48k_stereo_with_exact_frame_count(
    make_clip: ClipFactory, tmp_path: Path
) -> None:
    clip = make_clip(48, fps=24)
    target = tmp_path / "clip.mp4"
    write_mp4(clip, target)

    streams = {s["codec_type"]: s for s in ffprobe(target)["streams"]}
    video, audio = streams["video"], streams["audio"]
    assert video["codec_name"] == "h264"
    assert video["pix_fmt"] == "yuv420p"
    assert (video["width"], video["height"]) == (160, 96)
    assert video["color_space"] == "bt709"
    assert int(str(video["nb_read_frames"])) == 48
    assert video["avg_frame_rate"] == "24/1"
    assert audio["codec_name"] == "aac"
    assert int(str(audio["sample_rate"])) == 48_000
    assert audio["channels"] == 2
    video_s, audio_s = float(str(video["duration"])), float(str(audio["duration"]))
    assert video_s == pytest.approx(2.0, abs=1e-6)
    assert abs(audio_s - video_s) < 1 / 24
    assert float(str(audio["start_time"])) == pytest.approx(0.0, abs=1e-6)


def test_pyav_decodes_every_frame_with_its_content(
    make_clip: ClipFactory, frame_gray: Callable[[int], int], tmp_path: Path
) -> None:
    clip = make_clip(30, fps=30)
    target = tmp_path / "clip.mp4"
    write_mp4(clip, target)

    times, frames = decode_video(target)
    assert frames.shape == (30, 96, 160, 3)
    assert times == pytest.approx([i / 30 for i in range(30)], abs=1e-3)
    measured = frames.reshape(30, -1).mean(axis=1)
    expected = np.array([frame_gray(i) for i in range(30)])
    assert np.abs(measured - expected).max() < 2.5


def test_saturated_colours_survive_the_bt709_round_trip(make_clip: ClipFactory, tmp_path: Path) -> None:
    # A matrix mismatch between conversion and stream tag shifts saturated colours by 10+ levels.
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255), (200, 60, 140)]
    frames = np.zeros((len(colours), 96, 160, 3), dtype=np.uint8)
    for index, colour in enumerate(colours):
        frames[index] = colour
    target = tmp_path / "colours.mp4"
    write_mp4(make_clip(frames, fps=24), target)

    _, decoded = decode_video(target)
    centres = decoded[:, 40:56, 70:90].reshape(len(colours), -1, 3).mean(axis=1)
    assert np.abs(centres - np.array(colours)).max() < 6


def test_stereo_audio_round_trips_channel_by_channel(make_clip: ClipFactory, tmp_path: Path) -> None:
    samples = timebase.sample_count(48, 24)
    audio = np.stack([tone(samples, 440.0), np.zeros(samples, np.float32)])
    target = tmp_path / "stereo.mp4"
    write_mp4(make_clip(48, fps=24, audio=audio), target)

    first, decoded = decode_audio(target)
    assert first == pytest.approx(0.0, abs=1e-6)
    assert decoded.shape[0] == 2
    assert samples <= decoded.shape[1] < samples + 1024
    left, right = decoded[0, :samples], decoded[1, :samples]
    window = slice(2400, samples - 2400)
    assert np.sqrt(np.mean(left[window] ** 2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)
    assert np.abs(right).max() < 0.01
    # Same waveform, not merely the same loudness: AAC keeps a pure tone almost intact.
    assert np.corrcoef(left[window], audio[0, window])[0, 1] > 0.99


def test_mono_audio_is_written_as_identical_stereo_channels(make_clip: ClipFactory, tmp_path: Path) -> None:
    samples = timebase.sample_count(24, 24)
    target = tmp_path / "mono.mp4"
    write_mp4(make_clip(24, fps=24, audio=tone(samples, 330.0)[None, :]), target)

    _, decoded = decode_audio(target)
    assert decoded.shape[0] == 2
    assert np.sqrt(np.mean(decoded[0, 2400:-2400] ** 2)) > 0.3
    # AAC's joint-stereo coding leaves the channels equal to within a fraction of a percent.
    assert np.abs(decoded[0] - decoded[1]).max() < 0.01


@pytest.mark.parametrize("fps", [24, 30])
def test_a_click_and_a_flash_on_the_same_frame_decode_within_one_frame(
    make_clip: ClipFactory, tmp_path: Path, fps: int
) -> None:
    count, flash = 2 * fps, fps + 5
    frames = np.full((count, 96, 160, 3), 30, dtype=np.uint8)
    frames[flash] = 255
    audio = np.zeros((2, timebase.sample_count(count, fps)), dtype=np.float32)
    start = timebase.frame_start_sample(flash, fps)
    audio[:, start : start + 480] = tone(480, 1000.0, 0.9)  # a 10 ms click
    target = tmp_path / "sync.mp4"
    write_mp4(make_clip(frames, fps=fps, audio=audio), target)

    times, decoded = decode_video(target)
    flash_s = times[int(np.argmax(decoded.reshape(count, -1).mean(axis=1)))]
    first_s, sound = decode_audio(target)
    envelope = np.abs(sound).max(axis=0)
    onset = int(np.argmax(envelope > 0.5 * envelope.max()))
    click_s = first_s + onset / RATE
    assert flash_s == pytest.approx(flash / fps, abs=1e-3)
    assert abs(click_s - flash_s) < 1 / fps
    # In practice AAC keeps the click within a couple of milliseconds of its true place.
    assert abs(click_s - start / RATE) < 0.005


def test_moov_atom_comes_before_mdat_for_streaming(make_clip: ClipFactory, tmp_path: Path) -> None:
    target = tmp_path / "fast.mp4"
    write_mp4(make_clip(24), target)
    boxes = top_level_boxes(target.read_bytes())
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")


def test_bgra_frames_from_a_renderer_encode_to_the_same_colours(tmp_path: Path) -> None:
    count, width, height = 12, 160, 96
    red_bgra = np.zeros((height, width, 4), dtype=np.uint8)
    red_bgra[..., 2] = 230
    red_bgra[..., 3] = 255

    def raw() -> Iterator[tuple[npt.NDArray[np.uint8], str]]:
        buffer = np.empty_like(red_bgra)
        for _ in range(count):
            buffer[...] = red_bgra  # the renderer reuses one buffer, as a skia surface readback does
            yield buffer, "bgra"

    def render(index: int) -> npt.NDArray[np.uint8]:
        return np.ascontiguousarray(red_bgra[..., 2::-1])

    frames = LazyFrames(count, width, height, render, raw=raw)
    clip = Clip(frames, np.zeros((2, count * 2000), np.float32), 24, ClipMetadata("test", "0", 0))
    target = tmp_path / "bgra.mp4"
    write_mp4(clip, target)

    _, decoded = decode_video(target)
    assert decoded.shape == (count, height, width, 3)
    assert np.abs(decoded.reshape(-1, 3).mean(axis=0) - [230, 0, 0]).max() < 4


def test_progress_is_reported_once_per_frame_in_order(make_clip: ClipFactory, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    write_mp4(make_clip(20), tmp_path / "p.mp4", on_frame=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 20) for i in range(1, 21)]


@pytest.mark.timeout(20)
def test_cancelling_mid_encode_leaves_no_file_and_no_temp_file(
    make_clip: ClipFactory, tmp_path: Path
) -> None:
    polls = 0

    def is_cancelled() -> bool:
        nonlocal polls
        polls += 1
        return polls > 10

    threads_before = threading.active_count()
    with pytest.raises(GenerationCancelledError):
        write_mp4(make_clip(48), tmp_path / "c.mp4", is_cancelled=is_cancelled)
    assert list(tmp_path.iterdir()) == []
    assert polls == 11
    assert threading.active_count() == threads_before  # the frame worker has stopped


@pytest.mark.timeout(20)
def test_a_failed_encode_keeps_the_previous_file_intact(make_clip: ClipFactory, tmp_path: Path) -> None:
    target = tmp_path / "keep.mp4"
    write_mp4(make_clip(12), target)
    before = target.read_bytes()
    with pytest.raises(GenerationCancelledError):
        write_mp4(make_clip(48), target, is_cancelled=lambda: True)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.mp4"]


@pytest.mark.timeout(20)
def test_a_renderer_error_propagates_unchanged_and_cleans_up(tmp_path: Path) -> None:
    def render(index: int) -> npt.NDArray[np.uint8]:
        if index == 5:
            raise RuntimeError("renderer exploded at frame 5")
        return np.zeros((96, 160, 3), np.uint8)

    clip = Clip(
        LazyFrames(24, 160, 96, render), np.zeros((2, 48_000), np.float32), 24, ClipMetadata("t", "0", 0)
    )
    with pytest.raises(RuntimeError, match="frame 5"):
        write_mp4(clip, tmp_path / "r.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.timeout(20)
def test_a_raw_frame_of_the_wrong_shape_is_a_backend_error(tmp_path: Path) -> None:
    def raw() -> Iterator[tuple[npt.NDArray[np.uint8], str]]:
        for _ in range(4):
            yield np.zeros((96, 160, 3), np.uint8), "bgra"  # says BGRA, has three channels

    frames = LazyFrames(4, 160, 96, lambda i: np.zeros((96, 160, 3), np.uint8), raw=raw)
    clip = Clip(frames, np.zeros((2, 8000), np.float32), 24, ClipMetadata("t", "0", 0))
    with pytest.raises(BackendError, match="frame 0"):
        write_mp4(clip, tmp_path / "bad.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.timeout(20)
def test_a_sequence_yielding_too_few_frames_is_a_backend_error(tmp_path: Path) -> None:
    def raw() -> Iterator[tuple[npt.NDArray[np.uint8], str]]:
        for _ in range(3):
            yield np.zeros((96, 160, 3), np.uint8), "rgb24"

    frames = LazyFrames(4, 160, 96, lambda i: np.zeros((96, 160, 3), np.uint8), raw=raw)
    clip = Clip(frames, np.zeros((2, 8000), np.float32), 24, ClipMetadata("t", "0", 0))
    with pytest.raises(BackendError, match="yielded 3 frames"):
        write_mp4(clip, tmp_path / "short.mp4")
    assert list(tmp_path.iterdir()) == []


def test_nan_audio_is_refused_before_encoding(make_clip: ClipFactory, tmp_path: Path) -> None:
    audio = np.zeros((2, 48_000), np.float32)
    audio[1, 100] = np.nan
    with pytest.raises(BackendError, match="NaN"):
        write_mp4(make_clip(24, audio=audio), tmp_path / "nan.mp4")
    assert list(tmp_path.iterdir()) == []


def test_odd_frame_sizes_are_refused(make_clip: ClipFactory, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError, match="even") as caught:
        write_mp4(make_clip(4, width=161, height=96), tmp_path / "odd.mp4")
    assert caught.value.param == "size"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("crf", 52), ("crf", -1), ("preset", "warp"), ("threads", -2), ("audio_bitrate_bps", 8000)],
)
def test_invalid_encode_options_name_the_field(field: str, value: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        EncodeOptions(**{field: value})  # type: ignore[arg-type]
    assert caught.value.param == field


def test_a_lower_crf_spends_more_bits(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    frames = rng.integers(0, 256, (12, 96, 160, 3), dtype=np.uint8)
    clip = Clip(ArrayFrames(frames), np.zeros((2, 24_000), np.float32), 24, ClipMetadata("t", "0", 0))
    write_mp4(clip, tmp_path / "hq.mp4", options=EncodeOptions(crf=12))
    write_mp4(clip, tmp_path / "lq.mp4", options=EncodeOptions(crf=36))
    assert (tmp_path / "hq.mp4").stat().st_size > 2 * (tmp_path / "lq.mp4").stat().st_size


def test_encode_mp4_bytes_is_a_playable_faststart_mp4(make_clip: ClipFactory, tmp_path: Path) -> None:
    data = encode_mp4_bytes(make_clip(24))
    boxes = top_level_boxes(data)
    assert boxes.index("moov") < boxes.index("mdat")
    path = tmp_path / "from-bytes.mp4"
    path.write_bytes(data)
    _, frames = decode_video(path)
    assert frames.shape[0] == 24


def test_writing_into_a_missing_folder_fails_clearly(make_clip: ClipFactory, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_mp4(make_clip(4), tmp_path / "nope" / "clip.mp4")
