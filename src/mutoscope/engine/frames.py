"""Frame sequences: array-like `uint8 [T, H, W, 3]` video that may be produced lazily.

A 12 s 1080p clip is 1.8 GB of RGB, so a clip's frames are not always held in memory: a backend may hand the
engine a `LazyFrames` that renders frame `i` on demand, and the encoder pulls frames in order. Every sequence
behaves like the array it stands for (`len`, `shape`, `dtype`, indexing, iteration, `np.asarray`), so code that
only needs a few frames (screens, thumbnails, tests) never cares which kind it holds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]
FrameMap = Callable[[int, Frame], Frame]


class FrameSequence(ABC):
    """`count` frames of `width`×`height` RGB, readable in order or at random."""

    def __init__(self, count: int, width: int, height: int) -> None:
        if count <= 0 or width <= 0 or height <= 0:
            raise ValueError(f"a frame sequence needs positive count and size, got {count}x{width}x{height}")
        self.count = count
        self.width = width
        self.height = height

    @abstractmethod
    def frame(self, index: int) -> Frame:
        """Frame `index` as a contiguous `uint8 [H, W, 3]` array."""

    @property
    def is_lazy(self) -> bool:
        """Whether frames are produced on demand (reading them costs compute)."""
        return True

    def __iter__(self) -> Iterator[Frame]:
        for index in range(self.count):
            yield self.frame(index)

    def iter_raw(self) -> Iterator[tuple[npt.NDArray[np.uint8], str]]:
        """Frames in the cheapest pixel format for the encoder: `(array, ffmpeg_pix_fmt)` pairs.

        The default is RGB; renderers that draw BGRA natively override this so no per-frame colour
        conversion happens in Python (see the performance notes in docs/architecture.md).
        """
        for frame in self:
            yield frame, "rgb24"

    def __len__(self) -> int:
        return self.count

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return (self.count, self.height, self.width, 3)

    @property
    def dtype(self) -> np.dtype[np.uint8]:
        return np.dtype(np.uint8)

    def __getitem__(self, index: int) -> Frame:
        if not isinstance(index, int | np.integer):
            raise TypeError("frame sequences are indexed by int; use np.asarray(frames) for slicing")
        position = int(index)
        if position < 0:
            position += self.count
        if not 0 <= position < self.count:
            raise IndexError(f"frame {index} out of range for {self.count} frames")
        return self.frame(position)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> npt.NDArray[Any]:
        out = np.empty(self.shape, dtype=np.uint8)
        for index, frame in enumerate(self):
            out[index] = frame
        return out if dtype is None else out.astype(dtype)

    def sample_indices(self, count: int) -> list[int]:
        """`count` indices spread evenly over the sequence, first and last included."""
        if count <= 1 or self.count == 1:
            return [0]
        return sorted({round(i * (self.count - 1) / (count - 1)) for i in range(count)})

    def map(self, fn: FrameMap) -> FrameSequence:
        """A new sequence whose frame `i` is `fn(i, self[i])` (used by frame marks)."""
        return MappedFrames(self, fn)


class ArrayFrames(FrameSequence):
    """Frames already in memory."""

    def __init__(self, array: npt.NDArray[Any]) -> None:
        if array.dtype != np.uint8 or array.ndim != 4 or array.shape[3] != 3:
            raise ValueError(f"frames must be uint8 [T, H, W, 3], got {array.dtype} {array.shape}")
        super().__init__(array.shape[0], array.shape[2], array.shape[1])
        self.array = np.ascontiguousarray(array)

    @property
    def is_lazy(self) -> bool:
        return False

    def frame(self, index: int) -> Frame:
        frame: Frame = self.array[index]
        return frame

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.array)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> npt.NDArray[Any]:
        return self.array if dtype is None else self.array.astype(dtype)


class LazyFrames(FrameSequence):
    """Frames rendered on demand by `render(index)`; deterministic renderers only."""

    def __init__(
        self,
        count: int,
        width: int,
        height: int,
        render: Callable[[int], Frame],
        raw: Callable[[], Iterator[tuple[npt.NDArray[np.uint8], str]]] | None = None,
    ) -> None:
        super().__init__(count, width, height)
        self._render = render
        self._raw = raw

    def frame(self, index: int) -> Frame:
        frame = self._render(index)
        if frame.shape != (self.height, self.width, 3) or frame.dtype != np.uint8:
            raise ValueError(f"renderer gave {frame.dtype} {frame.shape} for frame {index}")
        return frame

    def iter_raw(self) -> Iterator[tuple[npt.NDArray[np.uint8], str]]:
        if self._raw is None:
            yield from super().iter_raw()
        else:
            yield from self._raw()


class MappedFrames(FrameSequence):
    """`fn(i, base[i])` for each frame of `base`."""

    def __init__(self, base: FrameSequence, fn: FrameMap) -> None:
        super().__init__(base.count, base.width, base.height)
        self._base = base
        self._fn = fn

    def frame(self, index: int) -> Frame:
        return self._fn(index, self._base.frame(index))

    def __iter__(self) -> Iterator[Frame]:
        for index, frame in enumerate(self._base):
            yield self._fn(index, frame)


class ConcatFrames(FrameSequence):
    """Several same-sized sequences played one after another."""

    def __init__(self, parts: Sequence[FrameSequence]) -> None:
        if not parts:
            raise ValueError("nothing to concatenate")
        width, height = parts[0].width, parts[0].height
        if any((p.width, p.height) != (width, height) for p in parts):
            raise ValueError("all parts must have the same size to be concatenated")
        super().__init__(sum(p.count for p in parts), width, height)
        self._parts = tuple(parts)

    @property
    def is_lazy(self) -> bool:
        return any(p.is_lazy for p in self._parts)

    def frame(self, index: int) -> Frame:
        for part in self._parts:
            if index < part.count:
                return part.frame(index)
            index -= part.count
        raise IndexError(index)

    def __iter__(self) -> Iterator[Frame]:
        for part in self._parts:
            yield from part

    def iter_raw(self) -> Iterator[tuple[npt.NDArray[np.uint8], str]]:
        for part in self._parts:
            yield from part.iter_raw()


def as_frames(frames: FrameSequence | npt.NDArray[Any]) -> FrameSequence:
    """Wrap an array as `ArrayFrames`; pass sequences through."""
    return frames if isinstance(frames, FrameSequence) else ArrayFrames(frames)
