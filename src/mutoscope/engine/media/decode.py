"""Uploads → clips and images: decoding untrusted video (MP4, MOV, WebM) and pictures (JPEG, PNG, WebP).

This module owns turning a user's file into a `Clip` on mutoscope's timebase (a supported fps, 48 kHz stereo
float audio exactly as long as the frames) or into an RGB array, and refusing anything it should not read.
Uploads are hostile until proven otherwise: size is checked before a byte is parsed, the container format is
checked against an allow-list after probing, duration and resolution are checked from the headers *and again
while decoding* (headers lie), the number of packets read is bounded, and decoded memory is bounded. Every
refusal is a project `MediaError` subclass naming the parameter at fault; nothing here crashes or hangs on bad
input.
"""

from __future__ import annotations

import io
import logging
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import av
import numpy as np
import numpy.typing as npt
from av.audio.resampler import AudioResampler
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.video.codeccontext import VideoCodecContext
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image, ImageOps, UnidentifiedImageError

from mutoscope.engine import timebase
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.frames import Frame, FrameSequence
from mutoscope.errors import (
    CorruptMediaError,
    InvalidRequestError,
    MediaTooLargeError,
    UnsupportedMediaError,
)
from mutoscope.settings import EngineSettings

logger = logging.getLogger(__name__)

Source = Path | bytes
Image8 = npt.NDArray[np.uint8]

_LIMITS = EngineSettings.model_fields
DEFAULT_MAX_BYTES: Final[int] = _LIMITS["max_upload_bytes"].default
DEFAULT_MAX_DURATION_S: Final[float] = _LIMITS["max_upload_duration_s"].default
DEFAULT_MAX_PIXELS: Final[int] = _LIMITS["max_upload_pixels"].default
# RGB frames held in memory after decoding; pass `size=` to scale big uploads down instead.
DEFAULT_MAX_DECODED_BYTES: Final = 4 * 1024**3

# FFmpeg demuxer names (as in `ffprobe -show_format`) that mutoscope accepts for video uploads.
VIDEO_DEMUXERS: Final = frozenset({"mov", "mp4", "webm", "matroska"})
WEBM_CODECS: Final = frozenset({"vp8", "vp9", "av1", "opus", "vorbis"})
IMAGE_FORMATS: Final = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
# Packets per second of media, generously: 240 fps video plus small-frame audio and subtitles.
_MAX_PACKETS_PER_S: Final = 1000
# A file whose streams end this much before its header's duration was cut short.
_TRUNCATION_TOLERANCE_S: Final = 0.5
_TRUNCATION_TOLERANCE_RATIO: Final = 0.9
_AUDIO_RATE: Final = timebase.AUDIO_SAMPLE_RATE_HZ
# Matroska/WebM store milliseconds, so a 24 fps frame "at 1/24 s" says 0.042 s: a source frame counts as
# on screen at an output instant up to this much before its stamped start (also absorbs float error).
_TIMESTAMP_SLACK_S: Final = 0.002


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What a video upload's headers say (cheap: nothing is decoded)."""

    container: str
    codec: str
    width: int
    height: int
    fps: float
    duration_s: float
    has_audio: bool
    frame_count: int
    audio_codec: str | None
    size_bytes: int


def probe_video(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES, param: str = "video") -> VideoInfo:
    """Read a video upload's headers, refusing non-video formats. Raises a `MediaError` subclass."""
    size_bytes = _check_size(source, max_bytes, param)
    with _open_video(source, param) as container:
        video = _video_stream(container, param)
        audio = _audio_stream(container, param)
        fps = float(video.average_rate or video.guessed_rate or 0)
        duration_s = _header_duration_s(container, video)
        frame_count = video.frames or (round(duration_s * fps) if fps and duration_s else 0)
        return VideoInfo(
            container=_container_label(container),
            codec=video.codec_context.name,
            width=video.codec_context.width,
            height=video.codec_context.height,
            fps=fps,
            duration_s=duration_s,
            has_audio=audio is not None,
            frame_count=frame_count,
            audio_codec=audio.codec_context.name if audio is not None else None,
            size_bytes=size_bytes,
        )


def read_video(
    source: Source,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_duration_s: float = DEFAULT_MAX_DURATION_S,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    fps: int | None = None,
    size: tuple[int, int] | None = None,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    param: str = "video",
) -> Clip:
    """Decode a video upload into a `Clip` on mutoscope's timebase.

    Frames are resampled to `fps` (by default the source's own rate when it is one of
    `timebase.SUPPORTED_FPS`, else 24) by showing, at each output instant, the source frame on screen then.
    `size=(width, height)` scales frames while decoding; without it frames keep the upright source size,
    less a last row or column when that is odd (H.264 yuv420p needs even sizes). Audio becomes 48 kHz stereo
    float32 (silence when the file has none), aligned to the first video frame and cut or padded to exactly
    `frames × 48000 / fps` samples. The clip is as long as the whole output frames that fit in the video.
    """
    _check_size(source, max_bytes, param)
    _check_output_size(size)
    with _open_video(source, param) as container:
        video = _video_stream(container, param)
        _check_header_limits(container, video, max_duration_s, max_pixels, param)
        target_fps = _choose_fps(video, fps, param)
        limits = _DecodeLimits(max_duration_s, max_pixels, max_decoded_bytes, param)
        decoder = _ClipDecoder(container, video, target_fps, size, limits)
        frames, audio = decoder.run()
    return Clip(
        frames=frames,
        audio=audio,
        fps=target_fps,
        metadata=ClipMetadata(backend="upload", backend_version="", seed=0),
    )


def read_image(
    source: Source,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    param: str = "input_reference",
) -> Image8:
    """Decode a JPEG, PNG or WebP upload to `uint8 [H, W, 3]` RGB (EXIF rotation applied, alpha over white).

    The pixel count is checked from the header before any pixel is decoded, so a small file declaring a huge
    canvas (a decompression bomb) is refused without allocating it.
    """
    _check_size(source, max_bytes, param)
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with warnings.catch_warnings():
            # We enforce our own, lower pixel limit below; Pillow's global one only warns before that.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                _check_image_header(image, max_pixels, param)
                image.load()
                return _image_to_rgb(image)
    except Image.DecompressionBombError as error:
        raise MediaTooLargeError(f"the image is too large to decode: {error}", param=param) from error
    except UnidentifiedImageError as error:
        raise UnsupportedMediaError(
            f"the file is not an image mutoscope can read; upload {_image_format_list()}", param=param
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise CorruptMediaError(f"the image is corrupt or truncated: {error}", param=param) from error


def _image_format_list() -> str:
    return ", ".join(IMAGE_FORMATS.values())


def _check_image_header(image: Image.Image, max_pixels: int, param: str) -> None:
    if image.format not in IMAGE_FORMATS:
        raise UnsupportedMediaError(
            f"{image.format or 'this'} images are not accepted; upload {_image_format_list()}", param=param
        )
    width, height = image.size
    if width <= 0 or height <= 0:
        raise CorruptMediaError(f"the image declares an empty canvas ({width}x{height})", param=param)
    if width * height > max_pixels:
        raise MediaTooLargeError(
            f"the image is {width}x{height} ({width * height} pixels); the limit is {max_pixels} pixels",
            param=param,
        )


def _image_to_rgb(image: Image.Image) -> Image8:
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        upright = Image.alpha_composite(canvas, rgba)
    return np.asarray(upright.convert("RGB"), dtype=np.uint8).copy()


# ----------------------------------------------------------------------------------------------- containers


def _check_size(source: Source, max_bytes: int, param: str) -> int:
    if isinstance(source, bytes):
        size_bytes = len(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise UnsupportedMediaError(f"{path} is not a regular file", param=param)
        size_bytes = path.stat().st_size
    if size_bytes == 0:
        raise CorruptMediaError("the file is empty (0 bytes)", param=param)
    if size_bytes > max_bytes:
        raise MediaTooLargeError(
            f"the file is {size_bytes} bytes; the limit is {max_bytes} bytes ({max_bytes / 1024**2:.0f} MiB)",
            param=param,
        )
    return size_bytes


def _open_video(source: Source, param: str) -> InputContainer:
    """Open and probe the container, accepting only the allowed demuxers."""
    target: io.BytesIO | str = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    try:
        # Metadata strings in a hostile file need not be valid UTF-8; they are never trusted anyway.
        container = av.open(target, mode="r", metadata_errors="replace")
    except av.FFmpegError as error:
        raise _unreadable(source, param, error) from error
    names = _demuxer_names(container)
    if not VIDEO_DEMUXERS.intersection(names):
        container.close()
        raise UnsupportedMediaError(
            f"the file is {_describe_demuxer(names[0])}, not a video mutoscope accepts; "
            "upload MP4, MOV or WebM",
            param=param,
        )
    return container


def _demuxer_names(container: InputContainer) -> list[str]:
    return container.format.name.split(",")


def _container_label(container: InputContainer) -> str:
    """mp4, mov, webm or matroska: FFmpeg names demuxer families, so tell the members apart."""
    if "mov" in _demuxer_names(container):
        return "mov" if container.metadata.get("major_brand", "").strip() == "qt" else "mp4"
    tracks = [s for s in container.streams if s.type in ("video", "audio") and s.codec_context is not None]
    codecs = {s.codec_context.name for s in tracks}
    return "webm" if codecs <= WEBM_CODECS else "matroska"


def _describe_demuxer(name: str) -> str:
    return f"{name.removesuffix('_pipe').upper()} data"


def _unreadable(
    source: Source, param: str, error: av.FFmpegError
) -> CorruptMediaError | UnsupportedMediaError:
    """Probing failed: a file that starts like a supported container is corrupt, anything else unsupported."""
    head = _head_bytes(source)
    looks_like_video = head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"
    if looks_like_video:
        return CorruptMediaError(f"the video is corrupt and cannot be opened ({error.strerror})", param=param)
    return UnsupportedMediaError(
        "the file is not a video format mutoscope can read; upload MP4, MOV or WebM", param=param
    )


def _head_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source[:16]
    with Path(source).open("rb") as handle:
        return handle.read(16)


def _video_stream(container: InputContainer, param: str) -> VideoStream:
    candidates = [
        s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic
    ]
    if not candidates:
        if not container.streams:
            raise CorruptMediaError("the file has no readable streams; it may be corrupt", param=param)
        raise UnsupportedMediaError("the file has no video track", param=param)
    video = candidates[0]
    # PyAV gives no codec context when FFmpeg has no decoder for the track's codec.
    context: VideoCodecContext | None = video.codec_context
    if context is None:
        raise UnsupportedMediaError(
            "the video track uses a codec mutoscope cannot decode; use H.264, HEVC, VP8, VP9 or AV1",
            param=param,
        )
    if context.width <= 0 or context.height <= 0:
        raise CorruptMediaError("the video track declares no picture size; it may be corrupt", param=param)
    return video


def _audio_stream(container: InputContainer, param: str) -> AudioStream | None:
    """The first decodable sound track; a file whose only sound cannot be decoded is refused, not muted."""
    tracks = list(container.streams.audio)
    decodable = [s for s in tracks if s.codec_context is not None and s.codec_context.sample_rate > 0]
    if tracks and not decodable:
        raise UnsupportedMediaError(
            "the sound track uses a codec mutoscope cannot decode; use AAC, Opus, Vorbis or MP3",
            param=param,
        )
    return decodable[0] if decodable else None


def _header_duration_s(container: InputContainer, video: VideoStream) -> float:
    if video.duration is not None and video.time_base is not None:
        return float(video.duration * video.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _check_header_limits(
    container: InputContainer, video: VideoStream, max_duration_s: float, max_pixels: int, param: str
) -> None:
    width, height = video.codec_context.width, video.codec_context.height
    if width * height > max_pixels:
        raise MediaTooLargeError(
            f"the video is {width}x{height} ({width * height} pixels); the limit is {max_pixels} pixels",
            param=param,
        )
    declared = max(_header_duration_s(container, video), (container.duration or 0) / av.time_base)
    if declared > max_duration_s:
        raise MediaTooLargeError(
            f"the video is {declared:.1f} s long; the limit is {max_duration_s:g} s", param=param
        )


def _check_output_size(size: tuple[int, int] | None) -> None:
    if size is None:
        return
    width, height = size
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise InvalidRequestError(
            f"size must be a positive, even (width, height) for H.264 video; got {width}x{height}",
            param="size",
        )


def _choose_fps(video: VideoStream, fps: int | None, param: str) -> int:
    if fps is not None:
        try:
            return timebase.check_fps(fps)
        except timebase.TimebaseError as error:
            raise InvalidRequestError(str(error), param="fps") from error
    rate = video.average_rate or video.guessed_rate
    if rate is not None and rate.denominator == 1 and int(rate) in timebase.SUPPORTED_FPS:
        return int(rate)
    return timebase.DEFAULT_FPS


# ------------------------------------------------------------------------------------------------ decoding


@dataclass(frozen=True, slots=True)
class _DecodeLimits:
    max_duration_s: float
    max_pixels: int
    max_decoded_bytes: int
    param: str

    @property
    def max_packets(self) -> int:
        return math.ceil(self.max_duration_s * _MAX_PACKETS_PER_S) + 1000


class DecodedFrames(FrameSequence):
    """Frames decoded from an upload; repeated frames (when the output rate is higher) share one array."""

    def __init__(self, frames: list[Frame], width: int, height: int) -> None:
        super().__init__(len(frames), width, height)
        self._frames = frames

    @property
    def is_lazy(self) -> bool:
        return False

    def frame(self, index: int) -> Frame:
        return self._frames[index]

    def __iter__(self) -> Iterator[Frame]:
        return iter(self._frames)


class _ClipDecoder:
    """One pass over the packets: video resampled to the target rate, audio resampled to 48 kHz stereo."""

    def __init__(
        self,
        container: InputContainer,
        video: VideoStream,
        fps: int,
        size: tuple[int, int] | None,
        limits: _DecodeLimits,
    ) -> None:
        self._container = container
        self._video = video
        self._audio = _audio_stream(container, limits.param)
        self._fps = fps
        self._limits = limits
        self._frames: list[Frame] = []
        self._shown: Frame | None = None  # the converted source frame currently on screen
        self._pending: VideoFrame | None = None  # the source frame on screen, not converted yet
        self._start_s: float | None = None
        self._last_time_s = -math.inf
        self._video_end_s = 0.0
        self._out_size: tuple[int, int] | None = size  # (width, height) every output frame is scaled to
        self._audio_start_s: float | None = None
        self._audio_parts: list[npt.NDArray[np.float32]] = []
        self._audio_end_s = 0.0
        self._resampler: AudioResampler | None = None
        self._frame_bytes = 0

    def run(self) -> tuple[DecodedFrames, npt.NDArray[np.float32]]:
        self._video.thread_type = "AUTO"
        # FFmpeg then refuses to allocate bigger pictures: a stream that grows mid-way never gets the memory.
        self._video.codec_context.options = {"max_pixels": str(self._limits.max_pixels)}
        streams = [self._video] + ([self._audio] if self._audio is not None else [])
        try:
            for count, packet in enumerate(self._container.demux(streams)):
                if count > self._limits.max_packets:
                    self._fail_too_large("it has more packets than a video of the allowed length can have")
                if packet.stream is self._video:
                    for frame in self._video.decode(packet):
                        self._on_video_frame(frame)
                elif self._audio is not None and packet.stream is self._audio:
                    for audio_frame in self._audio.decode(packet):
                        self._on_audio_frame(audio_frame)
        except av.FFmpegError as error:
            raise CorruptMediaError(
                f"the video is corrupt or truncated and cannot be decoded ({error.strerror})",
                param=self._limits.param,
            ) from error
        self._flush_audio()
        self._check_complete()
        return self._finish_frames(), self._finish_audio()

    # -- video

    def _on_video_frame(self, frame: VideoFrame) -> None:
        if frame.width * frame.height > self._limits.max_pixels:
            self._fail_too_large(
                f"a frame is {frame.width}x{frame.height}, over {self._limits.max_pixels} pixels"
            )
        time_s = self._frame_time_s(frame)
        if time_s <= self._last_time_s:
            return  # a duplicate or out-of-order timestamp: keep the frame already on screen
        if self._start_s is None:
            self._start_s = time_s
        if time_s - self._start_s > self._limits.max_duration_s:
            self._fail_too_large(f"it runs past {self._limits.max_duration_s:g} s")
        # Every output instant before this frame's start shows the previous source frame.
        self._emit_until(time_s - self._start_s)
        self._pending, self._shown = frame, None
        self._last_time_s = time_s
        self._video_end_s = time_s + self._frame_duration_s(frame)

    def _frame_time_s(self, frame: VideoFrame) -> float:
        if frame.time is not None:
            return frame.time
        rate = float(self._video.average_rate or self._video.guessed_rate or timebase.DEFAULT_FPS)
        return self._last_time_s + 1 / rate if math.isfinite(self._last_time_s) else 0.0

    def _frame_duration_s(self, frame: VideoFrame) -> float:
        if frame.duration and frame.time_base is not None:
            return float(frame.duration * frame.time_base)
        rate = self._video.average_rate or self._video.guessed_rate
        return 1 / float(rate) if rate else 1 / timebase.DEFAULT_FPS

    def _emit_until(self, relative_s: float) -> None:
        """Append output frames for every output instant strictly before `relative_s`."""
        if self._pending is None:
            return
        while len(self._frames) / self._fps < relative_s - _TIMESTAMP_SLACK_S:
            self._frames.append(self._current_rgb())
            self._check_memory()

    def _current_rgb(self) -> Frame:
        if self._shown is None:
            assert self._pending is not None
            if self._out_size is None:
                # The first frame fixes the clip's size; a stream that changes resolution is scaled to it.
                self._out_size = _display_size(self._pending)
            self._shown = _to_rgb(self._pending, self._out_size)
            self._frame_bytes = self._shown.nbytes
        return self._shown

    def _check_memory(self) -> None:
        used = len(self._frames) * self._frame_bytes
        if used > self._limits.max_decoded_bytes:
            self._fail_too_large(
                f"its decoded frames need more than {self._limits.max_decoded_bytes / 1024**3:.1f} GiB; "
                "ask for a smaller size"
            )

    def _finish_frames(self) -> DecodedFrames:
        if self._pending is None or self._start_s is None:
            raise CorruptMediaError("the video track has no decodable frames", param=self._limits.param)
        duration_s = self._video_end_s - self._start_s
        # Whole output frames only: a trailing part-frame of the source is dropped, at least one frame kept.
        count = max(1, math.floor((duration_s + _TIMESTAMP_SLACK_S) * self._fps))
        self._emit_until(count / self._fps)
        # Kept as the clip's length: the audio is cut to it (a variable-rate source, such as a browser's
        # MediaRecorder WebM, can have emitted frames past `count`).
        frames = self._frames = self._frames[:count]
        height, width = frames[0].shape[:2]
        return DecodedFrames(frames, width, height)

    # -- audio

    def _on_audio_frame(self, frame: av.AudioFrame) -> None:
        if self._resampler is None:
            # Mono stays mono through the resampler (swresample would upmix at -3 dB) and is duplicated below.
            layout = "mono" if frame.layout.nb_channels == 1 else "stereo"
            self._resampler = AudioResampler(format="fltp", layout=layout, rate=_AUDIO_RATE)
        start_s = frame.time if frame.time is not None else self._audio_end_s
        if self._audio_start_s is None:
            self._audio_start_s = start_s
        if start_s - self._audio_start_s > self._limits.max_duration_s:
            self._fail_too_large(f"its sound runs past {self._limits.max_duration_s:g} s")
        for out in self._resampler.resample(frame):
            self._audio_parts.append(_audio_samples(out))
        self._audio_end_s = start_s + frame.samples / max(frame.sample_rate, 1)

    def _flush_audio(self) -> None:
        if self._resampler is not None:
            self._audio_parts.extend(_audio_samples(out) for out in self._resampler.resample(None))

    def _finish_audio(self) -> npt.NDArray[np.float32]:
        total = timebase.sample_count(len(self._frames), self._fps)
        out = np.zeros((2, total), dtype=np.float32)
        parts = [part for part in self._audio_parts if part.size]
        if not parts or self._audio_start_s is None or self._start_s is None:
            return out
        samples = np.concatenate(parts, axis=1)
        # Put sound on the picture's clock: a positive offset means the sound starts after the first frame.
        offset = round((self._audio_start_s - self._start_s) * _AUDIO_RATE)
        source_from, target_from = max(0, -offset), max(0, offset)
        length = min(samples.shape[1] - source_from, total - target_from)
        if length > 0:
            # Broadcasting copies a mono track into both channels.
            out[:, target_from : target_from + length] = samples[:, source_from : source_from + length]
        return out

    # -- checks

    def _check_complete(self) -> None:
        """Headers may promise more than the file holds: a cut-short upload is corrupt, not silently short."""
        declared_s = _header_duration_s(self._container, self._video)
        if self._start_s is None or declared_s <= 0:
            return
        decoded_s = max(self._video_end_s, self._audio_end_s) - self._start_s
        expected_s = declared_s * _TRUNCATION_TOLERANCE_RATIO - _TRUNCATION_TOLERANCE_S
        if decoded_s < expected_s:
            raise CorruptMediaError(
                f"the video is truncated: its header says {declared_s:.2f} s but only {decoded_s:.2f} s "
                "could be decoded",
                param=self._limits.param,
            )

    def _fail_too_large(self, reason: str) -> None:
        raise MediaTooLargeError(f"the video is too large to accept: {reason}", param=self._limits.param)


def _audio_samples(frame: av.AudioFrame) -> npt.NDArray[np.float32]:
    return np.asarray(frame.to_ndarray(), dtype=np.float32)


def _quarter_turns(frame: VideoFrame) -> int:
    """Counter-clockwise quarter turns the display matrix asks for (phones record portrait video this way)."""
    return round(frame.rotation / 90) % 4


def _upright_size(frame: VideoFrame) -> tuple[int, int]:
    return (frame.height, frame.width) if _quarter_turns(frame) % 2 else (frame.width, frame.height)


def _display_size(frame: VideoFrame) -> tuple[int, int]:
    """The upright size, rounded down to even so the clip can be encoded again."""
    width, height = _upright_size(frame)
    return max(2, width - width % 2), max(2, height - height % 2)


def _to_rgb(frame: VideoFrame, size: tuple[int, int]) -> Frame:
    """The frame as upright RGB of `size` (width, height): cropped by the odd last row/column, else scaled."""
    turns = _quarter_turns(frame)
    # At the source's own (even-rounded) size, decode at full size and let the crop drop the odd row/column.
    scaled = _upright_size(frame) if _display_size(frame) == size else size
    width, height = (scaled[1], scaled[0]) if turns % 2 else scaled
    rgb = np.asarray(frame.to_ndarray(format="rgb24", width=width, height=height), dtype=np.uint8)
    if turns:
        rgb = np.rot90(rgb, k=turns)
    return np.ascontiguousarray(rgb[: size[1], : size[0]])
