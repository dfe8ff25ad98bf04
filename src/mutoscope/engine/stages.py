"""The seams of `generate()`: safety screens and provenance marks, run by the engine on every clip.

A backend cannot skip them: `generate()` runs prompt screens before any compute, output screens on the
backend's clip, clip marks (invisible watermarks) before encoding, and file marks (C2PA signing) on the
encoded MP4. Each stage is a small protocol so the safety and provenance packages, or a deployment, can plug
in implementations; `Stages` is the ordered set a generation runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mutoscope.engine.clip import Clip
from mutoscope.engine.request import GenerationRequest
from mutoscope.safety import Verdict


class PromptScreen(Protocol):
    """Decides on a request before any compute is spent."""

    name: str

    def screen_request(self, request: GenerationRequest) -> Verdict: ...


class OutputScreen(Protocol):
    """Decides on a finished clip (sampled frames, dialogue, backend metadata)."""

    name: str

    def screen_clip(self, clip: Clip, request: GenerationRequest) -> Verdict: ...


class ClipMark(Protocol):
    """Returns the clip with a mark embedded in its frames and/or audio."""

    name: str

    def mark_clip(self, clip: Clip, request: GenerationRequest) -> Clip: ...


class FileMark(Protocol):
    """Marks the encoded file in place (for example, signs a C2PA manifest into it)."""

    name: str

    def mark_file(self, path: Path, clip: Clip, request: GenerationRequest) -> None: ...


@dataclass(frozen=True, slots=True)
class Stages:
    prompt_screens: tuple[PromptScreen, ...] = ()
    output_screens: tuple[OutputScreen, ...] = ()
    clip_marks: tuple[ClipMark, ...] = ()
    file_marks: tuple[FileMark, ...] = ()
