"""Decoding uploads: round trips measured from pixels and samples, and every bad input refused quickly."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import wave
import zlib
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from mutoscope.engine import timebase
from mutoscope.engine.clip import Clip
from mutoscope.engine.media import probe_video, read_image, read_video, write_mp4
from mutoscope.errors import (
    CorruptMediaError,
    InvalidRequestError,
    MediaError,
    MediaTooLargeError,
    UnsupportedMediaError,
)

ClipFactory = Callable[..., Clip]
Gray = Callable[[int], int]
RATE = timebase.AUDIO_SAMPLE_RATE_HZ

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="the ffmpeg tool is not installed")


def frame_levels(clip: Clip) -> npt.NDArray[np.float64]:
    return np.asarray(clip.frames).reshape(clip.frame_count, -1).mean(axis=1)


def click_audio(count: int, fps: int, at_frame: int) -> npt.NDArray[np.float32]:
    audio = np.zeros((2, timebase.sample_count(count, fps)), dtype=np.float32)
    start = timebase.frame_start_sample(at_frame, fps)
    audio[:, start : start + 480] = 0.9 * np.sin(2 * np.pi * 1000 * np.arange(480) / RATE)
    return audio


def onset(audio: npt.NDArray[np.float32]) -> int:
    envelope = np.abs(audio).max(axis=0)
    return int(np.argmax(envelope > 0.5 * envelope.max()))


def write_with_pyav(
    path: Path,
    frames: npt.NDArray[np.uint8],
    rate: Fraction | int,
    *,
    container_format: str = "mp4",
    codec: str = "libx264",
    audio: npt.NDArray[np.float32] | None = None,
    audio_codec: str = "aac",
    audio_rate: int = 44_100,
    pix_fmt: str = "yuv420p",
) -> None:
    """A file made by another tool than mutoscope's encoder: other rates, containers, codecs and layouts."""
    with av.open(str(path), "w", format=container_format) as container:
        video = container.add_stream(codec, rate=rate)
        video.width, video.height = frames.shape[2], frames.shape[1]
        video.pix_fmt = pix_fmt
        if codec == "libvpx-vp9":
            video.options = {"deadline": "realtime", "cpu-used": "8"}
        sound = None
        if audio is not None:
            layout = "mono" if audio.shape[0] == 1 else "stereo"
            sound = container.add_stream(audio_codec, rate=audio_rate, layout=layout)
        for index, frame in enumerate(frames):
            picture = av.VideoFrame.from_ndarray(frame, format="rgb24")
            picture.pts = index
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
        if sound is not None and audio is not None:
            chunk = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio), format="fltp", layout=layout)
            chunk.sample_rate, chunk.pts = audio_rate, 0
            container.mux(sound.encode(chunk))
            container.mux(sound.encode(None))


@pytest.fixture
def mp4_file(make_clip: ClipFactory, tmp_path: Path) -> Path:
    """A 2 s 24 fps mutoscope MP4 of grey-coded frames with a click on frame 30."""
    path = tmp_path / "clip.mp4"
    write_mp4(make_clip(48, fps=24, audio=click_audio(48, 24, 30)), path)
    return path


# ------------------------------------------------------------------------------------------- round trips


def test_reading_our_own_mp4_gives_back_frames_and_sound_on_the_same_clock(
    mp4_file: Path, frame_gray: Gray
) -> None:
    clip = read_video(mp4_file)
    assert (clip.fps, clip.frame_count, clip.size) == (24, 48, (160, 96))
    assert clip.audio.shape == (2, 96_000) and clip.audio.dtype == np.float32
    assert np.abs(frame_levels(clip) - [frame_gray(i) for i in range(48)]).max() < 2.5
    assert abs(onset(clip.audio) - timebase.frame_start_sample(30, 24)) < 240  # within 5 ms


def test_bytes_and_paths_decode_the_same(mp4_file: Path) -> None:
    from_path = read_video(mp4_file)
    from_bytes = read_video(mp4_file.read_bytes())
    assert np.array_equal(np.asarray(from_path.frames), np.asarray(from_bytes.frames))
    assert np.array_equal(from_path.audio, from_bytes.audio)


@pytest.mark.parametrize(("fps", "expected_sources"), [(12, range(0, 48, 2)), (8, range(0, 48, 3))])
def test_lower_rates_show_the_source_frame_on_screen_at_each_instant(
    mp4_file: Path, frame_gray: Gray, fps: int, expected_sources: range
) -> None:
    clip = read_video(mp4_file, fps=fps)
    assert clip.frame_count == 2 * fps
    assert clip.audio.shape[1] == 96_000
    assert np.abs(frame_levels(clip) - [frame_gray(i) for i in expected_sources]).max() < 2.5
    assert abs(onset(clip.audio) - 30 * 2000) < 240


def test_a_higher_rate_repeats_frames_without_copying_them(mp4_file: Path, frame_gray: Gray) -> None:
    clip = read_video(mp4_file, fps=48)
    assert clip.frame_count == 96
    assert np.abs(frame_levels(clip) - [frame_gray(i // 2) for i in range(96)]).max() < 2.5
    assert clip.frames[0] is clip.frames[1]


def test_an_ntsc_rate_upload_is_resampled_to_24_fps(tmp_path: Path, make_clip: ClipFactory) -> None:
    # 60 frames at 30000/1001 fps last 2.002 s: 48 whole frames at 24 fps.
    levels = np.arange(60, dtype=np.uint8) * 4
    frames = np.ascontiguousarray(np.broadcast_to(levels[:, None, None, None], (60, 96, 160, 3)))
    path = tmp_path / "ntsc.mp4"
    write_with_pyav(path, frames, Fraction(30000, 1001))
    clip = read_video(path)
    assert (clip.fps, clip.frame_count) == (24, 48)
    # Each output instant shows the source frame on screen then (one starting up to 2 ms later counts).
    expected = [levels[int((i / 24 + 0.002) * 30000 / 1001)] for i in range(48)]
    assert np.abs(frame_levels(clip) - expected).max() < 2.5


def test_a_supported_source_rate_is_kept_when_no_rate_is_asked_for(
    tmp_path: Path, make_clip: ClipFactory
) -> None:
    path = tmp_path / "thirty.mp4"
    write_mp4(make_clip(30, fps=30), path)
    clip = read_video(path)
    assert (clip.fps, clip.frame_count, clip.audio.shape[1]) == (30, 30, 48_000)


def test_a_video_without_sound_gets_an_exactly_long_silent_track(tmp_path: Path) -> None:
    path = tmp_path / "silent.mp4"
    write_with_pyav(path, np.full((24, 96, 160, 3), 90, np.uint8), 24)
    clip = read_video(path)
    assert clip.audio.shape == (2, 48_000)
    assert not clip.audio.any()


def test_mono_44k_sound_becomes_48k_stereo_at_the_same_moment(tmp_path: Path) -> None:
    mono = np.zeros((1, 44_100 * 2), np.float32)
    mono[0, 44_100 : 44_100 + 441] = 0.8  # a 10 ms pulse at exactly 1 s
    path = tmp_path / "mono.mp4"
    write_with_pyav(path, np.full((48, 96, 160, 3), 90, np.uint8), 24, audio=mono)
    clip = read_video(path)
    assert clip.audio.shape == (2, 96_000)
    assert np.abs(clip.audio[0] - clip.audio[1]).max() < 1e-6
    assert abs(onset(clip.audio) - 48_000) < 240
    assert clip.audio[0].max() == pytest.approx(0.8, abs=0.15)


def test_webm_vp9_opus_uploads_are_read(tmp_path: Path, frame_gray: Gray, make_clip: ClipFactory) -> None:
    frames = np.asarray(make_clip(24).frames)
    stereo = np.zeros((2, 48_000), np.float32)
    stereo[:, 24_000:24_480] = 0.8
    path = tmp_path / "clip.webm"
    write_with_pyav(
        path, frames, 24, container_format="webm", codec="libvpx-vp9", audio=stereo, audio_codec="libopus",
        audio_rate=48_000,
    )  # fmt: skip
    info = probe_video(path)
    assert (info.container, info.codec, info.audio_codec) == ("webm", "vp9", "opus")
    clip = read_video(path)
    assert (clip.fps, clip.frame_count) == (24, 24)
    assert np.abs(frame_levels(clip) - [frame_gray(i) for i in range(24)]).max() < 4
    assert abs(onset(clip.audio) - 24_000) < 480


def test_mov_uploads_are_read(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    write_with_pyav(path, np.full((12, 96, 160, 3), 90, np.uint8), 24, container_format="mov")
    assert probe_video(path).container == "mov"
    assert read_video(path).frame_count == 12


def test_size_scales_frames_while_decoding(mp4_file: Path) -> None:
    clip = read_video(mp4_file, size=(80, 48))
    assert clip.size == (80, 48)
    assert np.asarray(clip.frames).shape == (48, 48, 80, 3)


@needs_ffmpeg
def test_a_rotated_phone_video_is_turned_upright(mp4_file: Path, tmp_path: Path) -> None:
    rotated = tmp_path / "rotated.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(mp4_file),
            "-c",
            "copy",
            "-metadata:s:v:0",
            "rotate=90",
            str(rotated),
        ],
        check=True,
        timeout=60,
    )
    assert read_video(rotated).size == (96, 160)


def test_probe_reports_what_the_headers_say(mp4_file: Path) -> None:
    info = probe_video(mp4_file)
    assert (info.container, info.codec, info.width, info.height) == ("mp4", "h264", 160, 96)
    assert info.fps == 24.0
    assert info.duration_s == pytest.approx(2.0, abs=1e-3)
    assert (info.has_audio, info.audio_codec, info.frame_count) == (True, "aac", 48)
    assert info.size_bytes == mp4_file.stat().st_size


# -------------------------------------------------------------------------------------------- bad videos


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\0\0" * 8000)
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (64, 48), (i * 40, 0, 0)) for i in range(4)]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


NOT_VIDEOS = {
    "png": png_bytes,
    "wav": wav_bytes,
    "gif": gif_bytes,
    "text": lambda: b"this is a text file renamed to .mp4\n" * 40,
    "random": lambda: np.random.default_rng(7).bytes(20_000),
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", sorted(NOT_VIDEOS))
def test_files_that_are_not_videos_are_unsupported(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "upload.mp4"  # the name lies; the content decides
    path.write_bytes(NOT_VIDEOS[kind]())
    for source in (path, path.read_bytes()):
        with pytest.raises(UnsupportedMediaError) as caught:
            read_video(source)
        assert caught.value.param == "video"
    with pytest.raises(UnsupportedMediaError):
        probe_video(path)


@pytest.mark.timeout(20)
def test_an_audio_only_mp4_has_no_video_track(tmp_path: Path) -> None:
    path = tmp_path / "song.m4a"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=48_000, layout="stereo")
        chunk = av.AudioFrame.from_ndarray(np.zeros((2, 4800), np.float32), format="fltp", layout="stereo")
        chunk.sample_rate, chunk.pts = 48_000, 0
        container.mux(stream.encode(chunk))
        container.mux(stream.encode(None))
    with pytest.raises(UnsupportedMediaError, match="no video track"):
        read_video(path)


@pytest.mark.timeout(20)
def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(CorruptMediaError, match="empty"):
        read_video(path)
    with pytest.raises(CorruptMediaError, match="empty"):
        read_video(b"")


@pytest.mark.timeout(20)
def test_an_mp4_with_a_garbled_header_is_corrupt(mp4_file: Path) -> None:
    data = bytearray(mp4_file.read_bytes())
    moov = data.index(b"moov")
    data[moov + 4 : moov + 400] = np.random.default_rng(3).bytes(396)
    with pytest.raises(CorruptMediaError):
        read_video(bytes(data))


@pytest.mark.timeout(20)
def test_an_mp4_cut_in_half_is_corrupt(make_clip: ClipFactory, tmp_path: Path) -> None:
    path = tmp_path / "long.mp4"
    write_mp4(make_clip(96, fps=24, audio=click_audio(96, 24, 10)), path)
    data = path.read_bytes()
    with pytest.raises(CorruptMediaError, match="truncated"):
        read_video(data[: len(data) // 2])


@pytest.mark.timeout(20)
def test_a_matroska_file_cut_short_is_caught_by_comparing_with_its_header(tmp_path: Path) -> None:
    # Matroska needs no index, so the demuxer just stops early; only the header's duration reveals the cut.
    path = tmp_path / "clip.mkv"
    noise = np.random.default_rng(2).integers(0, 256, (48, 96, 160, 3), dtype=np.uint8)
    write_with_pyav(path, noise, 24, container_format="matroska")
    data = path.read_bytes()
    assert read_video(data).frame_count == 48
    with pytest.raises(CorruptMediaError, match=r"header says 2\.00 s"):
        read_video(data[: len(data) // 2])


@pytest.mark.timeout(20)
def test_an_mp4_cut_before_its_trailing_index_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "plain.mp4"  # PyAV without +faststart writes the index (moov) last
    write_with_pyav(path, np.full((24, 96, 160, 3), 90, np.uint8), 24)
    data = path.read_bytes()
    assert data.index(b"moov") > data.index(b"mdat")
    with pytest.raises(CorruptMediaError, match="corrupt"):
        read_video(data[: len(data) // 2])


@pytest.mark.timeout(20)
def test_a_file_over_the_byte_limit_is_refused_before_decoding(mp4_file: Path) -> None:
    size = mp4_file.stat().st_size
    with pytest.raises(MediaTooLargeError, match="bytes") as caught:
        read_video(mp4_file, max_bytes=size - 1)
    assert caught.value.param == "video"
    assert read_video(mp4_file, max_bytes=size).frame_count == 48


@pytest.mark.timeout(20)
def test_a_video_over_the_pixel_limit_is_refused(mp4_file: Path) -> None:
    with pytest.raises(MediaTooLargeError, match="pixels"):
        read_video(mp4_file, max_pixels=160 * 96 - 1)


@pytest.mark.timeout(20)
def test_a_video_over_the_duration_limit_is_refused(mp4_file: Path) -> None:
    with pytest.raises(MediaTooLargeError, match=r"limit is 1\.5 s"):
        read_video(mp4_file, max_duration_s=1.5)


@needs_ffmpeg
@pytest.mark.timeout(20)
def test_a_stream_whose_header_hides_its_length_is_stopped_while_decoding(tmp_path: Path) -> None:
    # Matroska written to a pipe has no duration in its header: only decoding can find out it is too long.
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x96:rate=24:duration=4",
         "-c:v", "mjpeg", "-f", "matroska", "pipe:1"],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    assert probe_video(result.stdout).duration_s == 0.0
    with pytest.raises(MediaTooLargeError, match="runs past 2 s"):
        read_video(result.stdout, max_duration_s=2)
    assert read_video(result.stdout).frame_count == 96


@pytest.mark.timeout(20)
def test_decoded_memory_is_bounded(mp4_file: Path) -> None:
    with pytest.raises(MediaTooLargeError, match="smaller size"):
        read_video(mp4_file, max_decoded_bytes=10 * 160 * 96 * 3)
    assert read_video(mp4_file, size=(16, 10), max_decoded_bytes=48 * 16 * 10 * 3 + 1).frame_count == 48


def test_an_unsupported_target_rate_or_size_is_refused(mp4_file: Path) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        read_video(mp4_file, fps=23)
    assert caught.value.param == "fps"
    with pytest.raises(InvalidRequestError) as caught:
        read_video(mp4_file, size=(81, 48))
    assert caught.value.param == "size"


def test_an_odd_sized_upload_loses_its_last_row_and_column_to_stay_encodable(tmp_path: Path) -> None:
    frames = np.zeros((6, 97, 161, 3), np.uint8)
    frames[:, :, :80] = 200  # bright left half: cropping keeps it exactly, scaling would smear the edge
    path = tmp_path / "odd.mkv"
    write_with_pyav(path, frames, 24, container_format="matroska", codec="ffv1", pix_fmt="yuv444p")
    clip = read_video(path)
    assert clip.size == (160, 96)
    first = np.asarray(clip.frames[0]).astype(int)
    assert np.abs(first[:, :80] - 200).max() <= 2
    assert first[:, 80:].max() <= 2


# ------------------------------------------------------------------------------------------------ images


def image_bytes(image_format: str, image: Image.Image | None = None, **save: object) -> bytes:
    buffer = io.BytesIO()
    (image or Image.new("RGB", (64, 48), (10, 120, 200))).save(buffer, image_format, **save)
    return buffer.getvalue()


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
def test_images_decode_to_rgb_arrays(image_format: str) -> None:
    array = read_image(image_bytes(image_format, quality=95))
    assert array.shape == (48, 64, 3) and array.dtype == np.uint8
    assert np.abs(array.reshape(-1, 3).mean(axis=0) - [10, 120, 200]).max() < 4


def test_transparent_pixels_are_laid_over_white() -> None:
    image = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    image.putpixel((0, 0), (255, 0, 0, 255))
    array = read_image(image_bytes("PNG", image))
    assert tuple(array[0, 0]) == (255, 0, 0)
    assert tuple(array[7, 7]) == (255, 255, 255)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    array = read_image(image_bytes("JPEG", Image.new("RGB", (64, 48), (50, 50, 50)), exif=exif))
    assert array.shape == (64, 48, 3)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a `width`×`height` canvas (a decompression bomb)."""
    data = bytearray(png_bytes(1, 1))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


@pytest.mark.timeout(20)
def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    with pytest.raises(MediaTooLargeError, match="pixels") as caught:
        read_image(png_declaring(50_000, 50_000))
    assert caught.value.param == "input_reference"
    with pytest.raises(MediaTooLargeError):
        read_image(png_declaring(300, 300), max_pixels=300 * 300 - 1)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_truncated_image_is_corrupt(image_format: str) -> None:
    rng = np.random.default_rng(5)
    noisy = Image.fromarray(rng.integers(0, 256, (96, 128, 3), dtype=np.uint8))
    data = image_bytes(image_format, noisy)
    with pytest.raises(CorruptMediaError):
        read_image(data[: len(data) // 2])


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "data", [gif_bytes(), b"plain text, not a picture" * 10, wav_bytes()], ids=["gif", "text", "wav"]
)
def test_files_that_are_not_accepted_images_are_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaError):
        read_image(data)


@pytest.mark.timeout(20)
def test_image_size_limits_apply(tmp_path: Path) -> None:
    data = image_bytes("PNG")
    with pytest.raises(MediaTooLargeError, match="bytes"):
        read_image(data, max_bytes=len(data) - 1)
    with pytest.raises(CorruptMediaError, match="empty"):
        read_image(b"")
    path = tmp_path / "photo.png"
    path.write_bytes(data)
    assert read_image(path).shape == (48, 64, 3)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", [0, 1])
def test_damaged_uploads_only_ever_raise_media_errors(mp4_file: Path, seed: int) -> None:
    # Byte flips and cuts once crashed the reader (undecodable codec ids, non-UTF-8 metadata): never again.
    data = mp4_file.read_bytes()
    rng = np.random.default_rng(seed)
    outcomes: set[str] = set()
    for trial in range(100):
        damaged = bytearray(data)
        for _ in range(int(rng.integers(1, 20))):
            damaged[int(rng.integers(0, len(damaged)))] = int(rng.integers(0, 256))
        if trial % 3 == 0:
            damaged = damaged[: int(rng.integers(1, len(damaged)))]
        try:
            clip = read_video(bytes(damaged))
        except MediaError as error:
            outcomes.add(type(error).__name__)
        else:
            assert clip.audio.shape[1] == timebase.sample_count(clip.frame_count, clip.fps)
            outcomes.add("decoded")
    assert "CorruptMediaError" in outcomes
