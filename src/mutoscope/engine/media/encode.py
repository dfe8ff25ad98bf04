"""Clip → MP4: H.264 (libx264, yuv420p, BT.709) and AAC (48 kHz stereo), muxed with `+faststart`, via PyAV.

This module owns writing a `Clip` to a playable file. Frames are rendered and colour-converted on a worker
thread and handed through a bounded queue to the thread that drives x264 and the muxer, so rendering, the
RGB→YUV conversion and encoding overlap on a two-core machine (see the performance notes in
docs/architecture.md). Audio is cut per video frame and encoded alongside, so packets interleave in time and a
player can stream the file. The file is written next to its destination under a temporary name and renamed at
the end: a reader never sees half a video, and a failure or a cancellation leaves nothing behind.

AAC starts with 1024 samples of encoder priming; FFmpeg's MP4 muxer records it in an edit list, so decoders
drop it and sound stays on the picture's clock (the tests measure this with a flash and a click).
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final, TypeAlias

import av
import numpy as np
import numpy.typing as npt
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.packet import Packet
from av.video.frame import VideoFrame
from av.video.reformatter import ColorRange, Colorspace, VideoReformatter
from av.video.stream import VideoStream

from mutoscope.engine import timebase
from mutoscope.engine.clip import Clip
from mutoscope.engine.frames import FrameSequence
from mutoscope.errors import BackendError, GenerationCancelledError, InvalidRequestError

logger = logging.getLogger(__name__)

X264_PRESETS: Final = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)
# Channels per pixel of the raw formats a frame sequence may hand over (see FrameSequence.iter_raw).
RAW_PIXEL_FORMATS: Final = {"rgb24": 3, "bgr24": 3, "rgba": 4, "bgra": 4, "argb": 4, "abgr": 4}
# AVCOL_SPC/PRI/TRC_BT709 share the value 1 in FFmpeg; BT.709 is what players assume for HD H.264.
_BT709: Final = 1
_OUTPUT_PIX_FMT: Final = "yuv420p"
_MP4_MUXER_OPTIONS: Final = {"movflags": "+faststart"}
# How long to wait for the frame worker after an abort; it stops between frames, so this bounds one render.
_WORKER_JOIN_TIMEOUT_S: Final = 60.0


@dataclass(frozen=True, slots=True)
class EncodeOptions:
    """How a clip is compressed. The defaults keep a 720p clip faster than real time on two cores.

    `threads=0` lets x264 pick its thread count (what the ffmpeg tool does); `queue_frames` bounds how many
    converted frames wait between the render thread and the encoder (each is one yuv420p frame in memory).
    """

    crf: int = 20
    preset: str = "veryfast"
    threads: int = 0
    audio_bitrate_bps: int = 160_000
    queue_frames: int = 8

    def __post_init__(self) -> None:
        if not 0 <= self.crf <= 51:
            raise InvalidRequestError(f"crf must be within 0..51, got {self.crf}", param="crf")
        if self.preset not in X264_PRESETS:
            raise InvalidRequestError(
                f"preset must be one of {', '.join(X264_PRESETS)}; got {self.preset!r}", param="preset"
            )
        if self.threads < 0:
            raise InvalidRequestError(
                f"threads must be 0 (auto) or more, got {self.threads}", param="threads"
            )
        if not 32_000 <= self.audio_bitrate_bps <= 512_000:
            raise InvalidRequestError(
                f"audio_bitrate_bps must be within 32000..512000, got {self.audio_bitrate_bps}",
                param="audio_bitrate_bps",
            )
        if self.queue_frames < 1:
            raise InvalidRequestError(
                f"queue_frames must be at least 1, got {self.queue_frames}", param="queue_frames"
            )


FrameProgress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def write_mp4(
    clip: Clip,
    path: Path,
    *,
    options: EncodeOptions | None = None,
    on_frame: FrameProgress | None = None,
    is_cancelled: CancelCheck | None = None,
) -> None:
    """Encode `clip` to an MP4 at `path`, atomically.

    `on_frame(done, total)` is called after each encoded frame and `is_cancelled()` is polled before each one;
    when it returns true the partial file is removed and `GenerationCancelledError` is raised.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the folder {path.parent} does not exist")
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(descriptor)
    temp = Path(temp_name)
    try:
        _encode(clip, temp, options or EncodeOptions(), on_frame, is_cancelled)
        # mkstemp makes the file private; a published video is meant to be read by the web server too.
        temp.chmod(0o644)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    logger.debug("wrote %s (%d frames, %d bytes)", path, clip.frame_count, path.stat().st_size)


def encode_mp4_bytes(clip: Clip, options: EncodeOptions | None = None) -> bytes:
    """The MP4 of `clip` as bytes (written through a temporary file: `+faststart` needs a seekable file)."""
    with tempfile.TemporaryDirectory(prefix="mutoscope-encode-") as folder:
        target = Path(folder) / "clip.mp4"
        write_mp4(clip, target, options=options)
        return target.read_bytes()


def _encode(
    clip: Clip,
    target: Path,
    options: EncodeOptions,
    on_frame: FrameProgress | None,
    is_cancelled: CancelCheck | None,
) -> None:
    _check_audio(clip)
    container = av.open(str(target), mode="w", format="mp4", options=dict(_MP4_MUXER_OPTIONS))
    try:
        video = _add_video_stream(container, clip, options)
        audio = _add_audio_stream(container, options)
        # Open both codecs and write the header here, so the worker never races this thread to open them.
        container.start_encoding()
        total = clip.frame_count
        with _Feeder(clip, audio, options.queue_frames) as feeder:
            for index, step in enumerate(feeder):
                if is_cancelled is not None and is_cancelled():
                    raise GenerationCancelledError(f"encoding was cancelled at frame {index} of {total}")
                step.picture.pts = index
                container.mux(video.encode(step.picture))
                container.mux(step.sound)
                if on_frame is not None:
                    on_frame(index + 1, total)
            container.mux(video.encode(None))
            container.mux(feeder.sound_tail)
    except BaseException:
        _abandon(container)
        raise
    container.close()


def _abandon(container: OutputContainer) -> None:
    """Close a container whose file is about to be deleted; its own errors must not mask the real one."""
    with contextlib.suppress(av.FFmpegError, OSError, ValueError):
        container.close()


def _add_video_stream(container: OutputContainer, clip: Clip, options: EncodeOptions) -> VideoStream:
    if clip.width % 2 or clip.height % 2:
        raise InvalidRequestError(
            f"H.264 yuv420p needs an even width and height, got {clip.width}x{clip.height}", param="size"
        )
    stream = container.add_stream(
        "libx264", rate=clip.fps, options={"crf": str(options.crf), "preset": options.preset}
    )
    stream.width = clip.width
    stream.height = clip.height
    stream.pix_fmt = _OUTPUT_PIX_FMT
    context = stream.codec_context
    context.thread_count = options.threads
    # Tag the stream with the matrix the frames were converted with, so players do not guess BT.601.
    context.colorspace = _BT709
    context.color_primaries = _BT709
    context.color_trc = _BT709
    context.color_range = int(ColorRange.MPEG)
    return stream


def _add_audio_stream(container: OutputContainer, options: EncodeOptions) -> AudioStream:
    stream = container.add_stream("aac", rate=timebase.AUDIO_SAMPLE_RATE_HZ, layout="stereo")
    stream.bit_rate = options.audio_bitrate_bps
    return stream


def _check_audio(clip: Clip) -> None:
    # The AAC encoder refuses NaN/Inf halfway through; say so up front and name the culprit.
    if not np.isfinite(clip.audio).all():
        raise BackendError(
            f"the clip from backend {clip.metadata.backend!r} has NaN or infinite audio samples"
        )


def _audio_chunks(clip: Clip) -> Iterator[av.AudioFrame]:
    """One stereo planar-float frame per video frame, stamped with its first sample's index."""
    step = timebase.samples_per_frame(clip.fps)
    audio = clip.audio
    for index in range(clip.frame_count):
        start = index * step
        chunk = audio[:, start : start + step]
        if chunk.shape[0] == 1:
            chunk = np.repeat(chunk, 2, axis=0)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp", layout="stereo")
        frame.sample_rate = timebase.AUDIO_SAMPLE_RATE_HZ
        frame.pts = start
        yield frame


AudioPacket: TypeAlias = "Packet[AudioStream]"  # Packet is generic only to the type checker


@dataclass(frozen=True, slots=True)
class _Step:
    """One video frame ready for x264, with the AAC packets of the audio under it."""

    picture: VideoFrame
    sound: list[AudioPacket]


@dataclass(frozen=True, slots=True)
class _End:
    """The worker is done; the AAC encoder's final packets come with this."""

    sound: list[AudioPacket]


@dataclass(frozen=True, slots=True)
class _Failure:
    """A worker-side exception, carried through the queue to be raised on the encoding thread."""

    error: BaseException


class _Feeder:
    """A worker thread that renders frames, converts them to BT.709 yuv420p and encodes the matching audio.

    Work is handed to the muxing thread through a bounded queue. x264 is the bottleneck and runs on its own
    threads behind `encode()`, so everything else (rendering, swscale, AAC, which all release the GIL in C)
    happens here, where it overlaps with x264 instead of delaying the next frame. Handing over converted
    frames also lets a renderer reuse its output buffer.
    """

    def __init__(self, clip: Clip, audio: AudioStream, depth: int) -> None:
        self._clip = clip
        self._audio = audio
        self._queue: queue.Queue[_Step | _End | _Failure] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._reformatter = VideoReformatter()
        self._thread = threading.Thread(target=self._run, name="mutoscope-encode-feeder", daemon=True)
        self.sound_tail: list[AudioPacket] = []

    def __enter__(self) -> _Feeder:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        # The worker polls the stop flag between frames and while waiting on a full queue, so it ends within
        # one render; a renderer stuck for longer is abandoned (the thread is a daemon) rather than awaited.
        self._thread.join(timeout=_WORKER_JOIN_TIMEOUT_S)
        if self._thread.is_alive():
            logger.warning(
                "the encode worker did not stop within %.0f s; abandoning it", _WORKER_JOIN_TIMEOUT_S
            )

    def __iter__(self) -> Iterator[_Step]:
        while True:
            item = self._queue.get()
            if isinstance(item, _Failure):
                raise item.error
            if isinstance(item, _End):
                self.sound_tail = item.sound
                return
            yield item

    def _run(self) -> None:
        try:
            self._produce()
        except BaseException as error:  # noqa: BLE001 - any failure is handed to the encoding thread and re-raised
            self._put(_Failure(error))

    def _produce(self) -> None:
        frames = self._clip.frames
        sound = _audio_chunks(self._clip)
        produced = 0
        for array, pix_fmt in frames.iter_raw():
            if produced >= frames.count:
                raise BackendError(f"the frame sequence yielded more than its {frames.count} frames")
            picture = self._convert(produced, array, pix_fmt)
            if self._stop.is_set():
                return  # checked after the render: the muxing thread may be closing the container
            self._put(_Step(picture, self._audio.encode(next(sound))))
            produced += 1
        if produced != frames.count:
            raise BackendError(f"the frame sequence yielded {produced} frames but declares {frames.count}")
        if not self._stop.is_set():
            self._put(_End(self._audio.encode(None)))

    def _put(self, item: _Step | _End | _Failure) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=0.1)
                return

    def _convert(self, index: int, array: npt.NDArray[np.uint8], pix_fmt: str) -> VideoFrame:
        _check_raw_frame(index, array, pix_fmt, self._clip.frames)
        if array.flags.c_contiguous:
            # Zero-copy wrap: swscale reads the renderer's buffer directly into a new YUV frame.
            source = VideoFrame.from_numpy_buffer(array, format=pix_fmt)
        else:
            source = VideoFrame.from_ndarray(np.ascontiguousarray(array), format=pix_fmt)
        return self._reformatter.reformat(
            source,
            format=_OUTPUT_PIX_FMT,
            dst_colorspace=Colorspace.ITU709,
            dst_color_range=ColorRange.MPEG,
        )


def _check_raw_frame(index: int, array: npt.NDArray[np.uint8], pix_fmt: str, frames: FrameSequence) -> None:
    channels = RAW_PIXEL_FORMATS.get(pix_fmt)
    if channels is None:
        raise BackendError(
            f"frame {index} has pixel format {pix_fmt!r}; the encoder takes {', '.join(RAW_PIXEL_FORMATS)}"
        )
    expected = (frames.height, frames.width, channels)
    if array.dtype != np.uint8 or array.shape != expected:
        raise BackendError(
            f"frame {index} is {array.dtype} {array.shape}; expected uint8 {expected} for {pix_fmt}"
        )
