"""Inspecting an uploaded file for provenance: its C2PA manifest, invisible marks and fingerprints.

A provenance check accepts a video, an image or a sound file. This module tells which it is from the bytes
(never the name), reads its C2PA manifest, and decodes it *streaming*: frames are taken about eight times a
second (fewer for long videos, so at most `MAX_MARK_FRAMES` are analysed), turned into grey pictures no taller
than 540 rows by FFmpeg's scaler, fed to the frame-mark reader and hashed four times a second; the sound is
resampled to 48 kHz mono for the audio-mark reader and hashed at eight sub-window offsets (a copy may have
been trimmed anywhere). Memory stays bounded whatever the file's length. The upload's container is checked
by the engine's probe first (size, allowed formats, declared duration and resolution), decoding stops at the
duration limit, and every failure is a `MediaError` naming the `file` parameter.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

import av
import numpy as np
import numpy.typing as npt
from av.audio.resampler import AudioResampler

from mutoscope.engine.media import probe_video, read_image
from mutoscope.errors import CorruptMediaError, MediaTooLargeError, UnsupportedMediaError
from mutoscope.provenance.audio_mark import AudioMark
from mutoscope.provenance.codes import PayloadReading
from mutoscope.provenance.fingerprint import HASHES_PER_S, audio_hashes, frame_hash, luma_thumbnail
from mutoscope.provenance.frame_mark import FrameMark
from mutoscope.provenance.manifest import ManifestReading, read_manifest

logger = logging.getLogger(__name__)

Kind = Literal["video", "image", "audio"]
MAX_MARK_FRAMES: Final = 32
_MARK_FPS: Final = 8.0
_ANALYSIS_MAX_HEIGHT: Final = 540
_AUDIO_OFFSETS: Final = 8
_AUDIO_DEMUXERS: Final = frozenset({"mp3", "wav", "mov", "mp4", "ogg", "flac", "aac", "matroska", "webm"})
_PARAM: Final = "file"
_MAX_PACKETS_PER_S: Final = 1000


@dataclass(frozen=True, slots=True)
class MediaLimits:
    max_bytes: int
    max_duration_s: float
    max_pixels: int


@dataclass(slots=True)
class Inspection:
    kind: Kind
    media_type: str
    duration_s: float
    manifest: ManifestReading | None = None
    frame_payloads: list[PayloadReading] = field(default_factory=list)
    audio_payloads: list[PayloadReading] = field(default_factory=list)
    frame_hashes: list[tuple[int, int]] = field(default_factory=list)  # (position, hash)
    audio_hashes: list[list[tuple[int, int]]] = field(default_factory=list)  # per sub-window offset


def _sniff(data: bytes) -> Kind | None:
    if (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    ):
        return "image"
    return None


def _image_type(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:4] == b"\x89PNG":
        return "image/png"
    return "image/webp"


def inspect_media(
    data: bytes,
    *,
    frame_mark: FrameMark,
    audio_mark: AudioMark,
    trust_anchors_pem: bytes,
    limits: MediaLimits,
) -> Inspection:
    """Everything provenance can read from an uploaded file."""
    if not data:
        raise CorruptMediaError("the file is empty (0 bytes)", param=_PARAM)
    if len(data) > limits.max_bytes:
        raise MediaTooLargeError(
            f"the file is {len(data)} bytes; the limit is {limits.max_bytes} bytes", param=_PARAM
        )
    if _sniff(data) == "image":
        inspection = _inspect_image(data, frame_mark, limits)
    else:
        inspection = _inspect_timed(data, frame_mark, audio_mark, limits)
    inspection.manifest = read_manifest(data, inspection.media_type, trust_anchors_pem=trust_anchors_pem)
    return inspection


def _inspect_image(data: bytes, frame_mark: FrameMark, limits: MediaLimits) -> Inspection:
    rgb = read_image(data, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels, param=_PARAM)
    reader = frame_mark.reader()
    reader.add(rgb, 0.0)
    return Inspection(
        kind="image",
        media_type=_image_type(data),
        duration_s=0.0,
        frame_payloads=reader.read(),
        frame_hashes=[(0, frame_hash(luma_thumbnail(rgb)))],
    )


def _inspect_timed(
    data: bytes, frame_mark: FrameMark, audio_mark: AudioMark, limits: MediaLimits
) -> Inspection:
    has_video = _has_video(data)
    if has_video:
        info = probe_video(data, max_bytes=limits.max_bytes, param=_PARAM)
        if info.width * info.height > limits.max_pixels:
            raise MediaTooLargeError(
                f"the video is {info.width}x{info.height}; the limit is {limits.max_pixels} pixels",
                param=_PARAM,
            )
        media_type = "video/quicktime" if info.container == "mov" else "video/mp4"
        declared_s = info.duration_s
    else:
        media_type, declared_s = _probe_audio(data)
    if declared_s > limits.max_duration_s:
        raise MediaTooLargeError(
            f"the file is {declared_s:.1f} s long; the limit is {limits.max_duration_s:g} s", param=_PARAM
        )
    reader = frame_mark.reader()
    decoded = _decode(
        data,
        with_video=has_video,
        max_duration_s=limits.max_duration_s,
        declared_s=declared_s,
        on_mark_frame=reader.add,
    )
    inspection = Inspection(
        kind="video" if has_video else "audio", media_type=media_type, duration_s=decoded.duration_s
    )
    if has_video:
        inspection.frame_payloads = reader.read()
        inspection.frame_hashes = decoded.hashes
    if decoded.audio.size:
        inspection.audio_payloads = audio_mark.read(decoded.audio)
        inspection.audio_hashes = [
            audio_hashes(decoded.audio, offset_s=k / (HASHES_PER_S * _AUDIO_OFFSETS))
            for k in range(_AUDIO_OFFSETS)
        ]
    return inspection


def _open(data: bytes) -> av.container.InputContainer:
    try:
        return av.open(io.BytesIO(data), mode="r", metadata_errors="replace")
    except av.FFmpegError as error:
        raise UnsupportedMediaError(
            "the file is not a video, image or sound file mutoscope can read "
            "(MP4, MOV, WebM; JPEG, PNG, WebP; M4A, MP3, WAV, Ogg, FLAC)",
            param=_PARAM,
        ) from error


def _has_video(data: bytes) -> bool:
    with _open(data) as container:
        return any(not s.disposition & av.stream.Disposition.attached_pic for s in container.streams.video)


def _probe_audio(data: bytes) -> tuple[str, float]:
    with _open(data) as container:
        names = set(container.format.name.split(","))
        if not names & _AUDIO_DEMUXERS or not container.streams.audio:
            raise UnsupportedMediaError(
                "the file has neither a picture nor a sound track mutoscope can read", param=_PARAM
            )
        duration_s = (container.duration or 0) / av.time_base
    if names & {"mov", "mp4"}:
        return "audio/mp4", duration_s
    if "mp3" in names:
        return "audio/mpeg", duration_s
    if "wav" in names:
        return "audio/wav", duration_s
    return "audio/ogg", duration_s


@dataclass(slots=True)
class _Decoded:
    duration_s: float = 0.0
    hashes: list[tuple[int, int]] = field(default_factory=list)
    audio: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, dtype=np.float32))


def _decode(
    data: bytes,
    *,
    with_video: bool,
    max_duration_s: float,
    declared_s: float,
    on_mark_frame: Callable[[npt.NDArray[np.uint8], float], None],
) -> _Decoded:
    """One pass over the file: grey analysis frames (marks, hashes) and 48 kHz mono sound."""
    decoded = _Decoded()
    mark_step_s = max(1.0 / _MARK_FPS, declared_s / MAX_MARK_FRAMES if declared_s > 0 else 0.0)
    next_mark_s, next_hash, marked = 0.0, 0, 0
    chunks: list[npt.NDArray[np.float32]] = []
    resampler = AudioResampler(format="flt", layout="mono", rate=48_000)
    try:
        with _open(data) as container:
            video = (
                next(
                    (
                        s
                        for s in container.streams.video
                        if not s.disposition & av.stream.Disposition.attached_pic
                    ),
                    None,
                )
                if with_video
                else None
            )
            audio = next((s for s in container.streams.audio if s.codec_context is not None), None)
            streams = [s for s in (video, audio) if s is not None]
            if video is not None:
                video.thread_type = "AUTO"
            origin: float | None = None
            # Headers can lie about duration; a flood of tiny packets is stopped here, as the engine does.
            packets_left = int(max_duration_s * _MAX_PACKETS_PER_S) + 1000
            for packet in container.demux(streams):
                packets_left -= 1
                if packets_left < 0:
                    raise MediaTooLargeError("the file holds too many packets for its length", param=_PARAM)
                for frame in packet.decode():
                    if not isinstance(frame, av.VideoFrame | av.AudioFrame):
                        continue
                    time_s = float(frame.time) if frame.time is not None else 0.0
                    if isinstance(frame, av.VideoFrame):
                        origin = time_s if origin is None else origin
                        at = time_s - origin
                        if at > max_duration_s:
                            raise MediaTooLargeError(
                                f"the video plays longer than the {max_duration_s:g} s limit", param=_PARAM
                            )
                        decoded.duration_s = max(decoded.duration_s, at)
                        wants_hash = at + 1e-3 >= next_hash / HASHES_PER_S
                        wants_mark = at + 1e-3 >= next_mark_s and marked < MAX_MARK_FRAMES
                        if wants_hash or wants_mark:
                            grey = _grey(frame)
                            if wants_hash:
                                decoded.hashes.append((next_hash, frame_hash(luma_thumbnail(grey))))
                                next_hash = int(at * HASHES_PER_S) + 1
                            if wants_mark:
                                on_mark_frame(grey, at)
                                marked += 1
                                next_mark_s = at + mark_step_s
                    elif isinstance(frame, av.AudioFrame):
                        for out in resampler.resample(frame):
                            chunks.append(out.to_ndarray().reshape(-1).astype(np.float32))
                        if sum(c.size for c in chunks) > (max_duration_s + 1) * 48_000:
                            raise MediaTooLargeError(
                                f"the sound plays longer than the {max_duration_s:g} s limit", param=_PARAM
                            )
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1).astype(np.float32))
    except av.FFmpegError as error:
        raise CorruptMediaError(
            f"the file is corrupt or truncated ({error.strerror})", param=_PARAM
        ) from error
    if chunks:
        decoded.audio = np.concatenate(chunks)
        decoded.duration_s = max(decoded.duration_s, decoded.audio.size / 48_000)
    if with_video and not decoded.hashes:
        raise CorruptMediaError("no frame of the video could be decoded", param=_PARAM)
    return decoded


def _grey(frame: av.VideoFrame) -> npt.NDArray[np.uint8]:
    width, height = frame.width, frame.height
    if height > _ANALYSIS_MAX_HEIGHT:
        width = max(2, round(width * _ANALYSIS_MAX_HEIGHT / height / 2) * 2)
        height = _ANALYSIS_MAX_HEIGHT
    grey = frame.reformat(width=width, height=height, format="gray").to_ndarray()
    return np.asarray(grey, dtype=np.uint8)
