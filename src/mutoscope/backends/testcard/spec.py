"""Import-safe spec of the `testcard` backend."""

from __future__ import annotations

from pydantic import Field

from mutoscope.engine.backend import ALL_MODES, BackendOptions, BackendSpec, Capabilities
from mutoscope.engine.timebase import SUPPORTED_FPS


class TestcardOptions(BackendOptions):
    tone_hz: float = Field(default=1000.0, gt=20.0, lt=20_000.0, description="pitch of the sync beep")
    beep_s: float = Field(default=0.1, gt=0.0, le=0.5, description="length of each sync beep")


SPEC = BackendSpec(
    name="testcard",
    summary="Colour bars, a moving sweep and a once-a-second flash + beep for checking picture and A/V sync.",
    version="1",
    capabilities=Capabilities(
        audio="native",
        min_duration_s=0.25,
        max_duration_s=120.0,
        fps=SUPPORTED_FPS,
        max_side_px=3840,
        max_pixels=3840 * 2160,
        first_frame=True,
        modes=ALL_MODES,
        shots=True,
        negative_prompt=True,
        max_characters=8,
    ),
    options_model=TestcardOptions,
    factory="mutoscope.backends.testcard.backend:load",
)
