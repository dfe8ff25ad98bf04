"""Import-safe spec of the `procedural` backend (no skia, pymunk or espeak import here)."""

from __future__ import annotations

from pydantic import Field

from mutoscope.backends.procedural.vocabulary.styles import STYLES
from mutoscope.engine.backend import ALL_MODES, BackendOptions, BackendSpec, Capabilities


class ProceduralOptions(BackendOptions):
    scene: str | None = Field(
        default=None,
        description="A scene JSON (as printed by `mutoscope plan`) used instead of planning from the prompt.",
    )
    motion_blur: bool = Field(default=True, description="Blur fast-moving bodies along their motion.")
    subtitles: bool = Field(default=False, description="Burn dialogue subtitles into the picture.")


SPEC = BackendSpec(
    name="procedural",
    summary="CPU world simulator: planned scene, pymunk physics, styled 2D rendering, speech, foley, ambience.",
    version="1",
    capabilities=Capabilities(
        audio="native",
        min_duration_s=1.0,
        max_duration_s=20.0,
        fps=(12, 15, 24, 25, 30, 48, 50, 60),
        max_side_px=1920,
        max_pixels=1920 * 1080,
        styles=STYLES,
        max_characters=4,
        first_frame=True,
        modes=ALL_MODES,
        shots=True,
        negative_prompt=True,
    ),
    options_model=ProceduralOptions,
    factory="mutoscope.backends.procedural.backend:load",
)
