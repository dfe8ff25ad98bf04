"""`GenerationRequest`: one vocabulary for a generation, from HTTP to CLI to backend.

The request checks what it can check alone (types, ranges, timebase, shot timings, first-frame size) and raises
`InvalidRequestError` naming the field. What a particular backend can do is checked by its `Capabilities`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mutoscope.engine import timebase
from mutoscope.engine.clip import Clip
from mutoscope.errors import InvalidRequestError

Mode = Literal["create", "remix", "extend", "edit"]
CharacterKind = Literal["person", "pet", "object", "illustration"]
RGB = tuple[int, int, int]

MAX_PROMPT_CHARS = 10_000
MIN_SIDE_PX = 64
MAX_SIDE_PX = 4096
MAX_SEED = 2**63 - 1
MAX_CHARACTERS = 8


@dataclass(frozen=True, slots=True)
class Shot:
    """One storyboard shot: its own prompt and duration."""

    prompt: str
    duration_s: float


@dataclass(frozen=True, slots=True)
class VoiceProfile:
    """How a character sounds: measured from their capture, used by speech synthesis."""

    pitch_hz: float = 120.0
    rate_wpm: float = 160.0
    timbre: float = 0.5  # 0 = dark, 1 = bright
    language: str = "en"


@dataclass(frozen=True, slots=True, eq=False)
class Appearance:
    """How a character looks: palette, body proportions, optional face crop, worn items."""

    palette: tuple[RGB, ...] = ()
    proportions: Mapping[str, float] = field(default_factory=dict)
    face_image: npt.NDArray[np.uint8] | None = None
    accessories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class CharacterRef:
    """A consented likeness a backend renders: a person, pet, object or illustration."""

    id: str
    name: str
    handle: str
    kind: CharacterKind
    appearance: Appearance = field(default_factory=Appearance)
    voice: VoiceProfile | None = None
    species: str | None = None  # "dog", "teapot"...: what a non-person character is
    preferences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class ParentClip:
    """The clip a remix, extend or edit starts from (and its id, when it is a stored video)."""

    clip: Clip
    video_id: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class GenerationRequest:
    prompt: str
    negative_prompt: str = ""
    width: int = 720
    height: int = 1280
    duration_s: float = 4.0
    fps: int = timebase.DEFAULT_FPS
    seed: int | None = None
    style: str | None = None
    shots: tuple[Shot, ...] = ()
    characters: tuple[CharacterRef, ...] = ()
    first_frame: npt.NDArray[np.uint8] | None = None
    parent: ParentClip | None = None
    mode: Mode = "create"
    num_inference_steps: int | None = None
    guidance_scale: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._check_text()
        self._check_size()
        self._check_timing()
        self._check_inputs()

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def frame_count(self) -> int:
        return timebase.frame_count(self.duration_s, self.fps)

    @property
    def sample_count(self) -> int:
        return timebase.sample_count(self.frame_count, self.fps)

    def _check_text(self) -> None:
        if not self.prompt.strip() and not self.shots:
            raise InvalidRequestError("prompt must not be empty", param="prompt")
        for name, text in (("prompt", self.prompt), ("negative_prompt", self.negative_prompt)):
            if len(text) > MAX_PROMPT_CHARS:
                raise InvalidRequestError(
                    f"{name} is {len(text)} characters; the limit is {MAX_PROMPT_CHARS}", param=name
                )

    def _check_size(self) -> None:
        for name, value in (("width", self.width), ("height", self.height)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidRequestError(f"{name} must be an integer, got {value!r}", param=name)
            if not MIN_SIDE_PX <= value <= MAX_SIDE_PX or value % 2:
                raise InvalidRequestError(
                    f"{name} must be an even number of pixels in [{MIN_SIDE_PX}, {MAX_SIDE_PX}], got {value}",
                    param=name,
                )

    def _check_timing(self) -> None:
        if isinstance(self.duration_s, bool) or not math.isfinite(self.duration_s):
            raise InvalidRequestError(
                f"duration_s must be a finite number, got {self.duration_s!r}", param="duration_s"
            )
        try:
            timebase.check_fps(self.fps)
        except timebase.TimebaseError as exc:
            raise InvalidRequestError(str(exc), param="fps") from exc
        try:
            timebase.frame_count(self.duration_s, self.fps)
        except timebase.TimebaseError as exc:
            raise InvalidRequestError(str(exc), param="duration_s") from exc
        if self.seed is not None and not 0 <= self.seed <= MAX_SEED:
            raise InvalidRequestError(f"seed must be in [0, 2**63-1], got {self.seed}", param="seed")
        if self.shots:
            self._check_shots()

    def _check_shots(self) -> None:
        for index, shot in enumerate(self.shots):
            if not shot.prompt.strip():
                raise InvalidRequestError(f"shot {index + 1} has an empty prompt", param="shots")
            try:
                timebase.frame_count(shot.duration_s, self.fps)
            except timebase.TimebaseError as exc:
                raise InvalidRequestError(f"shot {index + 1}: {exc}", param="shots") from exc
        total = sum(timebase.exact_duration(s.duration_s) for s in self.shots)
        if total != timebase.exact_duration(self.duration_s):
            raise InvalidRequestError(
                f"the shots last {float(total):g} s in all but duration_s is {self.duration_s:g} s; "
                "they must match",
                param="shots",
            )

    def _check_inputs(self) -> None:
        if len(self.characters) > MAX_CHARACTERS:
            raise InvalidRequestError(
                f"at most {MAX_CHARACTERS} characters per generation, got {len(self.characters)}",
                param="characters",
            )
        if len({c.id for c in self.characters}) != len(self.characters):
            raise InvalidRequestError("a character is listed twice", param="characters")
        frame = self.first_frame
        if frame is not None and (frame.dtype != np.uint8 or frame.shape != (self.height, self.width, 3)):
            raise InvalidRequestError(
                f"the first-frame image must be {self.width}x{self.height} RGB to match the requested size, "
                f"got {frame.shape[1] if frame.ndim > 1 else '?'}x{frame.shape[0]}",
                param="input_reference",
            )
        if self.mode != "create" and self.parent is None:
            raise InvalidRequestError(f"a {self.mode} needs a parent video", param="video")
        if self.parent is not None and self.mode == "create":
            raise InvalidRequestError("a parent video is only used by remix, extend or edit", param="video")
        if self.num_inference_steps is not None and not 1 <= self.num_inference_steps <= 1000:
            raise InvalidRequestError("num_inference_steps must be in [1, 1000]", param="num_inference_steps")
        if self.guidance_scale is not None and not 0.0 <= self.guidance_scale <= 100.0:
            raise InvalidRequestError("guidance_scale must be in [0, 100]", param="guidance_scale")
