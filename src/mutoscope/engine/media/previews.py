"""Preview images of a clip: a WebP thumbnail and a JPEG spritesheet for scrubbing.

This module owns choosing which frames represent a clip and packing them into small images, from a `Clip` in
memory or straight from an MP4 on disk (decoding in order and keeping only the chosen frames, scaled down by
swscale, so a long video never sits in memory). The thumbnail is the frame a third of the way in (past
fade-ins and title cards); the spritesheet's tile `k` of `n` shows the middle frame of the `k`-th of `n` equal
slices of the clip, so a player can map a scrub position `x ∈ [0, 1)` to tile `floor(x · n)`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Protocol

import av
import numpy as np
from PIL import Image

from mutoscope.engine.clip import Clip
from mutoscope.engine.frames import Frame
from mutoscope.errors import CorruptMediaError, InvalidRequestError

WEBP_QUALITY: Final = 80
JPEG_QUALITY: Final = 82
DEFAULT_COLUMNS: Final = 5
DEFAULT_ROWS: Final = 5
DEFAULT_TILE_WIDTH: Final = 160
# WebP cannot store images wider or taller than this.
_WEBP_MAX_SIDE: Final = 16383
_JPEG_MAX_SIDE: Final = 65500


def thumbnail_index(frame_count: int) -> int:
    """The frame a thumbnail shows: one third of the way in."""
    return frame_count // 3


def spritesheet_indices(frame_count: int, tiles: int) -> list[int]:
    """The frame each of `tiles` tiles shows: the middle frame of each of `tiles` equal slices."""
    if frame_count <= 0 or tiles <= 0:
        raise InvalidRequestError(f"need frames and tiles, got {frame_count} frames and {tiles} tiles")
    return [min(frame_count - 1, int((k + 0.5) * frame_count / tiles)) for k in range(tiles)]


def scaled_size(width: int, height: int, target_width: int | None) -> tuple[int, int]:
    """`(target_width, height kept in proportion)`, or the original size when no width is asked for."""
    if target_width is None:
        return width, height
    if target_width <= 0:
        raise InvalidRequestError(f"width must be positive, got {target_width}", param="width")
    return target_width, max(1, round(height * target_width / width))


def thumbnail_webp(clip: Clip, width: int | None = None, *, quality: int = WEBP_QUALITY) -> bytes:
    """A WebP of the representative frame, `width` pixels wide (the clip's width by default)."""
    return _thumbnail(_ClipFrames(clip), width, quality)


def spritesheet_jpeg(
    clip: Clip,
    columns: int = DEFAULT_COLUMNS,
    rows: int = DEFAULT_ROWS,
    tile_width: int = DEFAULT_TILE_WIDTH,
    *,
    quality: int = JPEG_QUALITY,
) -> bytes:
    """A JPEG grid of `columns × rows` evenly spaced frames, row by row, each `tile_width` pixels wide."""
    return _spritesheet(_ClipFrames(clip), columns, rows, tile_width, quality)


def thumbnail_webp_from_mp4(path: Path, width: int | None = None, *, quality: int = WEBP_QUALITY) -> bytes:
    """`thumbnail_webp` of an MP4 (one of mutoscope's own files) without decoding it all into memory."""
    with _Mp4Frames(path) as video:
        return _thumbnail(video, width, quality)


def spritesheet_jpeg_from_mp4(
    path: Path,
    columns: int = DEFAULT_COLUMNS,
    rows: int = DEFAULT_ROWS,
    tile_width: int = DEFAULT_TILE_WIDTH,
    *,
    quality: int = JPEG_QUALITY,
) -> bytes:
    """`spritesheet_jpeg` of an MP4, decoding it once and keeping only the scaled-down tiles."""
    with _Mp4Frames(path) as video:
        return _spritesheet(video, columns, rows, tile_width, quality)


# ------------------------------------------------------------------------------------------------- building


class _FrameSource(Protocol):
    """Frames to pick previews from: a clip in memory or an MP4 read in one pass."""

    width: int
    height: int
    count: int

    def read_many(self, indices: Sequence[int], size: tuple[int, int]) -> dict[int, Frame]:
        """Frames `indices`, each scaled to `size` (width, height)."""
        ...


def _thumbnail(source: _FrameSource, target_width: int | None, quality: int) -> bytes:
    size = scaled_size(source.width, source.height, target_width)
    if max(size) > _WEBP_MAX_SIDE:
        raise InvalidRequestError(f"a WebP cannot be {size[0]}x{size[1]}", param="width")
    index = thumbnail_index(source.count)
    frame = source.read_many([index], size)[index]
    return _encode(Image.fromarray(frame), "WEBP", quality)


def _spritesheet(source: _FrameSource, columns: int, rows: int, tile_width: int, quality: int) -> bytes:
    tile_size = scaled_size(source.width, source.height, tile_width)
    indices = spritesheet_indices(source.count, _tile_count(columns, rows))
    tiles = source.read_many(indices, tile_size)
    return _pack_spritesheet([tiles[i] for i in indices], columns, rows, tile_size, quality)


def _tile_count(columns: int, rows: int) -> int:
    if columns <= 0 or rows <= 0:
        raise InvalidRequestError(f"a spritesheet needs at least 1x1 tiles, got {columns}x{rows}")
    return columns * rows


def _pack_spritesheet(
    tiles: Sequence[Frame], columns: int, rows: int, tile_size: tuple[int, int], quality: int
) -> bytes:
    tile_width, tile_height = tile_size
    if max(columns * tile_width, rows * tile_height) > _JPEG_MAX_SIDE:
        raise InvalidRequestError(
            f"a {columns}x{rows} sheet of {tile_width}x{tile_height} tiles is too big for a JPEG"
        )
    sheet = np.zeros((rows * tile_height, columns * tile_width, 3), dtype=np.uint8)
    for k, tile in enumerate(tiles):
        row, column = divmod(k, columns)
        top, left = row * tile_height, column * tile_width
        sheet[top : top + tile_height, left : left + tile_width] = tile
    return _encode(Image.fromarray(sheet), "JPEG", quality)


def _encode(image: Image.Image, image_format: str, quality: int) -> bytes:
    if not 1 <= quality <= 100:
        raise InvalidRequestError(f"quality must be within 1..100, got {quality}", param="quality")
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, quality=quality)
    return buffer.getvalue()


class _ClipFrames:
    def __init__(self, clip: Clip) -> None:
        self._frames = clip.frames
        self.width, self.height, self.count = clip.width, clip.height, clip.frame_count

    def read_many(self, indices: Sequence[int], size: tuple[int, int]) -> dict[int, Frame]:
        return {index: _resize(self._frames[index], *size) for index in set(indices)}


def _resize(frame: Frame, width: int, height: int) -> Frame:
    if frame.shape[1] == width and frame.shape[0] == height:
        return frame
    # reducing_gap pre-shrinks by an integer factor first: as good as plain Lanczos, several times faster.
    resized = Image.fromarray(frame).resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return np.asarray(resized, dtype=np.uint8)


class _Mp4Frames:
    """Frames of an MP4 read in one forward pass, keeping only the ones asked for."""

    def __init__(self, path: Path) -> None:
        try:
            self._container = av.open(str(path), mode="r", metadata_errors="replace")
        except av.FFmpegError as error:
            raise CorruptMediaError(f"cannot open {path} for previews: {error.strerror}") from error
        if not self._container.streams.video or self._container.streams.video[0].codec_context is None:
            self._container.close()
            raise CorruptMediaError(f"{path} has no decodable video track")
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self.width = self._stream.codec_context.width
        self.height = self._stream.codec_context.height
        self.count = self._stream.frames or self._count_packets()

    def __enter__(self) -> _Mp4Frames:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._container.close()

    def read_many(self, indices: Sequence[int], size: tuple[int, int]) -> dict[int, Frame]:
        wanted = set(indices)
        found: dict[int, Frame] = {}
        try:
            self._container.seek(0)
            for position, frame in enumerate(self._container.decode(self._stream)):
                if position in wanted:
                    rgb = frame.to_ndarray(format="rgb24", width=size[0], height=size[1])
                    found[position] = np.asarray(rgb, dtype=np.uint8)
                    if len(found) == len(wanted):
                        break
        except av.FFmpegError as error:
            raise CorruptMediaError(f"cannot decode the video for previews: {error.strerror}") from error
        missing = wanted - found.keys()
        if missing:
            raise CorruptMediaError(f"the video ended before frame {min(missing)} of {self.count}")
        return found

    def _count_packets(self) -> int:
        """Frame count of a file whose header does not say (demuxing without decoding is cheap)."""
        count = sum(1 for packet in self._container.demux(self._stream) if packet.size)
        self._container.seek(0)
        if count == 0:
            raise CorruptMediaError("the video has no frames")
        return count
