"""The testcard backend's instance: bars, a sweep that crosses the frame once a second, and a flash + beep."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mutoscope.backends.testcard.spec import SPEC, TestcardOptions
from mutoscope.engine import timebase
from mutoscope.engine.backend import RunContext
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.frames import LazyFrames
from mutoscope.engine.request import GenerationRequest

BARS: npt.NDArray[np.uint8] = np.array(
    [
        (192, 192, 192),
        (192, 192, 0),
        (0, 192, 192),
        (0, 192, 0),
        (192, 0, 192),
        (192, 0, 0),
        (0, 0, 192),
    ],
    dtype=np.uint8,
)
BEEP_AMPLITUDE = 0.5


class TestcardBackend:
    def __init__(self, options: TestcardOptions) -> None:
        self.options = options

    def generate(self, request: GenerationRequest, ctx: RunContext) -> Clip:
        frames = request.frame_count
        base = self._base_image(request)
        ctx.progress(1, 1)
        return Clip(
            frames=LazyFrames(frames, request.width, request.height, lambda i: _frame(base, i, request.fps)),
            audio=self._beeps(frames, request.fps),
            fps=request.fps,
            metadata=ClipMetadata(
                backend=SPEC.name,
                backend_version=SPEC.version,
                seed=ctx.seed,
                options=self.options.model_dump(),
            ),
        )

    def close(self) -> None:
        """Nothing to release."""

    def _base_image(self, request: GenerationRequest) -> npt.NDArray[np.uint8]:
        if request.first_frame is not None:
            return request.first_frame.copy()
        columns = np.arange(request.width) * len(BARS) // request.width
        row = BARS[columns]
        return np.broadcast_to(row, (request.height, request.width, 3)).copy()

    def _beeps(self, frames: int, fps: int) -> npt.NDArray[np.float32]:
        samples = timebase.sample_count(frames, fps)
        t = np.arange(samples, dtype=np.float64) / timebase.AUDIO_SAMPLE_RATE_HZ
        # A beep starts on each whole second, exactly where the flash frame starts.
        on = (t % 1.0) < self.options.beep_s
        tone = np.sin(2 * np.pi * self.options.tone_hz * t) * BEEP_AMPLITUDE * on
        return np.stack([tone, tone]).astype(np.float32)


def _frame(base: npt.NDArray[np.uint8], index: int, fps: int) -> npt.NDArray[np.uint8]:
    if index % fps == 0:
        return np.full_like(base, 255)  # the sync flash
    frame = base.copy()
    width = frame.shape[1]
    sweep_x = (index % fps) * width // fps
    frame[:, sweep_x : sweep_x + max(2, width // 64)] = 255
    return frame


def load(options: TestcardOptions, device: str) -> TestcardBackend:
    del device  # CPU only
    return TestcardBackend(options)
