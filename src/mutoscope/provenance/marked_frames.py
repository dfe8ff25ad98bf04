"""Frame sequences with marks applied as frames stream to the encoder.

A mark is a `FrameOp` that writes a marked copy of a frame; `mark_frames` wraps a sequence so every frame read
from it (random access, iteration, or the encoder's raw fast path) comes out marked. Several marks stack into
one wrapper, so a frame is copied once however many marks it gets: the first mark writes from the backend's
buffer into a fresh one (a renderer may reuse its own), the next ones work in place. Marks work in the raw
pixel format the backend hands the encoder (BGRA for the procedural renderer), so no colour conversion is
added. Frames before `start` (an extension's parent part, which already carries its own marks) pass through
untouched. Observers (`FrameObserver`) see each finished frame, read-only: the fingerprint tap samples frames
this way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from mutoscope.engine.frames import Frame, FrameSequence

U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class PixelLayout:
    """Where colour and alpha live in a raw pixel format."""

    channels: int
    alpha: int | None  # index of the alpha channel, if any
    reversed_colour: bool  # BGR order


LAYOUTS: Final = {
    "rgb24": PixelLayout(3, None, False),
    "bgr24": PixelLayout(3, None, True),
    "rgba": PixelLayout(4, 3, False),
    "bgra": PixelLayout(4, 3, True),
    "argb": PixelLayout(4, 0, False),
    "abgr": PixelLayout(4, 0, True),
}
RGB: Final = LAYOUTS["rgb24"]
_BLOCK_BYTES: Final = 256 * 1024


class FrameOp(Protocol):
    """One mark. `apply` writes frame `index`, marked, into `target`; `source` is either `target` (mark in
    place) or the unmarked frame to read from (then every pixel of `target` must be written)."""

    def apply(self, index: int, source: U8, target: U8, layout: PixelLayout) -> None: ...


class FrameObserver(Protocol):
    """Sees each finished (marked) frame in order; must not modify it."""

    def observe(self, index: int, pixels: U8, layout: PixelLayout) -> None: ...


class MarkedFrames(FrameSequence):
    """`base` with `ops` applied to frames `start` onwards, and `observers` told about every frame."""

    def __init__(
        self,
        base: FrameSequence,
        ops: tuple[FrameOp, ...],
        *,
        start: int = 0,
        observers: tuple[FrameObserver, ...] = (),
    ) -> None:
        super().__init__(base.count, base.width, base.height)
        self.base = base
        self.ops = ops
        self.start = start
        self.observers = observers

    @property
    def is_lazy(self) -> bool:
        return self.base.is_lazy

    def frame(self, index: int) -> Frame:
        return self._mark(index, self.base.frame(index), RGB, observe=False)

    def __iter__(self) -> Iterator[Frame]:
        for index, frame in enumerate(self.base):
            yield self._mark(index, frame, RGB, observe=True)

    def iter_raw(self) -> Iterator[tuple[U8, str]]:
        # The raw path may hand the same buffers out again (the engine's contract for `iter_raw`: the encoder
        # converts each frame before asking for the next): no fresh 3.7 MB allocation per 720p frame.
        ring: list[U8] = []
        for index, (pixels, pix_fmt) in enumerate(self.base.iter_raw()):
            layout = LAYOUTS.get(pix_fmt)
            if layout is None or pixels.shape[-1] != layout.channels:
                raise ValueError(f"cannot mark frame {index}: unknown raw pixel format {pix_fmt!r}")
            if len(ring) < 2 or ring[0].shape != pixels.shape:
                ring = [np.empty_like(pixels), np.empty_like(pixels)]
            yield self._mark(index, pixels, layout, observe=True, into=ring[index % 2]), pix_fmt

    def _mark(
        self, index: int, pixels: U8, layout: PixelLayout, *, observe: bool, into: U8 | None = None
    ) -> U8:
        marked = pixels
        if index >= self.start and self.ops:
            marked = into if into is not None else np.empty_like(pixels)
            source = pixels
            for op in self.ops:
                op.apply(index, source, marked, layout)
                source = marked
        if observe:
            for observer in self.observers:
                observer.observe(index, marked, layout)
        return marked


def mark_frames(
    frames: FrameSequence,
    *,
    op: FrameOp | None = None,
    start: int = 0,
    observer: FrameObserver | None = None,
) -> MarkedFrames:
    """`frames` with one more mark and/or observer (stacked onto a `MarkedFrames` with the same start)."""
    ops = (op,) if op is not None else ()
    observers = (observer,) if observer is not None else ()
    if isinstance(frames, MarkedFrames) and (frames.start == start or not ops):
        return MarkedFrames(
            frames.base, frames.ops + ops, start=frames.start, observers=frames.observers + observers
        )
    return MarkedFrames(frames, ops, start=start, observers=observers)


class PatternOp:
    """Adds a fixed luma offset pattern (`int8 [H, W]`) to the colour channels, saturating at 0 and 255.

    numpy has no saturating add, so the frame is first clamped to the range the offset cannot leave
    (`min(p, 255 - d⁺)`, `max(p, d⁻)`), then the offset is added with wrap-around that can no longer wrap:
    three uint8 passes, with tables precomputed per pixel layout. The passes run over blocks of rows that fit
    in the CPU cache, so the three together read the frame from memory about once (half the time of three
    whole-frame passes at 720p).
    """

    def __init__(self, offsets: npt.NDArray[np.int8]) -> None:
        self._offsets = offsets
        self._tables: dict[PixelLayout, tuple[U8, U8, U8]] = {}

    def apply(self, index: int, source: U8, target: U8, layout: PixelLayout) -> None:
        del index
        ceiling, floor, offset = self._table(layout)
        rows = max(1, _BLOCK_BYTES // (source.shape[1] * source.shape[2]))
        for top in range(0, source.shape[0], rows):
            block = slice(top, top + rows)
            out = target[block]
            np.minimum(source[block], ceiling[block], out=out)
            np.maximum(out, floor[block], out=out)
            np.add(out, offset[block], out=out)

    def _table(self, layout: PixelLayout) -> tuple[U8, U8, U8]:
        table = self._tables.get(layout)
        if table is None:
            offsets = np.repeat(self._offsets[:, :, None].astype(np.int16), layout.channels, axis=2)
            if layout.alpha is not None:
                offsets[:, :, layout.alpha] = 0
            ceiling = (255 - np.maximum(offsets, 0)).astype(np.uint8)
            floor = np.maximum(-offsets, 0).astype(np.uint8)
            table = (ceiling, floor, offsets.astype(np.int8).view(np.uint8))
            self._tables[layout] = table
        return table
