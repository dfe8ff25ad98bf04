"""The safety screens as the engine runs them: `PromptScreen` and `OutputScreen` implementations.

`output_screens()` is what every video job plugs into `engine.generate` (jobs/video.py), so no backend and no
path (API, app, remix, edit, extend) skips them: the scene plan first (no model), then the dialogue (the text
embedder), then sampled frames (NudeNet). A block raises `ContentPolicyError` in the engine, the job fails with
`error.code = moderation_blocked.<policy>`, and nothing is stored.

This layer sits below the engine, so clips and requests are read through small protocols that the engine's
`Clip` and `GenerationRequest` satisfy structurally.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from mutoscope.safety.frames import SCREEN as FRAME_SCREEN
from mutoscope.safety.frames import NudityDetector, ScreenedFrames, screen_frames
from mutoscope.safety.prompts import PromptPolicyScreen, PromptScreener, ScreenedRequest, request_context
from mutoscope.safety.scenes import SCENE_SCREEN, SCRIPT_SCREEN, screen_scene, screen_script
from mutoscope.safety.verdict import Verdict


class ScreenedMetadata(Protocol):
    @property
    def extra(self) -> Mapping[str, Any]: ...


class ScreenedClip(Protocol):
    """What output screens read of a clip (the engine's `Clip` fits)."""

    @property
    def frames(self) -> ScreenedFrames: ...
    @property
    def fps(self) -> int: ...
    @property
    def metadata(self) -> ScreenedMetadata: ...


class FrameScreen:
    name = FRAME_SCREEN

    def __init__(self, detector: NudityDetector | None = None) -> None:
        self._detector = detector

    def screen_clip(self, clip: ScreenedClip, request: ScreenedRequest) -> Verdict:
        del request
        return screen_frames(clip.frames, clip.fps, self._detector)


class DialogueScreen:
    name = SCRIPT_SCREEN

    def __init__(self, screener: PromptScreener | None = None) -> None:
        self._screener = screener

    def screen_clip(self, clip: ScreenedClip, request: ScreenedRequest) -> Verdict:
        return screen_script(clip.metadata.extra, request_context(request), self._screener)


class ScenePlanScreen:
    name = SCENE_SCREEN

    def __init__(self, screener: PromptScreener | None = None) -> None:
        self._screener = screener

    def screen_clip(self, clip: ScreenedClip, request: ScreenedRequest) -> Verdict:
        return screen_scene(clip.metadata.extra, request_context(request), self._screener)


def output_screens(
    *, screener: PromptScreener | None = None, detector: NudityDetector | None = None
) -> tuple[ScenePlanScreen, DialogueScreen, FrameScreen]:
    """The output screens every generation runs, cheapest first."""
    return (ScenePlanScreen(screener), DialogueScreen(screener), FrameScreen(detector))


__all__ = [
    "DialogueScreen",
    "FrameScreen",
    "PromptPolicyScreen",
    "ScenePlanScreen",
    "ScreenedClip",
    "output_screens",
]
