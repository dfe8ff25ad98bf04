"""The backend contract: a cheap import-safe `BackendSpec` and a heavy `Backend` instance.

A spec says what a backend can do (`Capabilities`), which options it takes (a pydantic model with
`extra="forbid"`) and where its factory lives (`"package.module:callable"`, imported only when a worker loads
it). An instance is loaded once, kept warm, and asked `generate(request, ctx) -> Clip`. `RunContext` carries the
seed, the device, a progress callback and a cancellation probe.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from mutoscope.engine import timebase
from mutoscope.engine.clip import Clip
from mutoscope.engine.request import GenerationRequest, Mode
from mutoscope.errors import (
    BackendError,
    BackendOptionsError,
    GenerationCancelledError,
    UnsupportedCapabilityError,
)

AudioSupport = Literal["native", "synthesized", "none"]
ALL_MODES: frozenset[Mode] = frozenset({"create", "remix", "extend", "edit"})


class BackendOptions(BaseModel):
    """Base of every backend's options model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a backend can honestly do; `check` refuses requests outside it, naming the field."""

    audio: AudioSupport
    min_duration_s: float = 1.0
    max_duration_s: float = 20.0
    fps: tuple[int, ...] = (timebase.DEFAULT_FPS,)
    min_side_px: int = 64
    max_side_px: int = 1920
    max_pixels: int = 1920 * 1080
    size_multiple: int = 2
    styles: tuple[str, ...] = ()
    max_characters: int = 0
    first_frame: bool = False
    modes: frozenset[Mode] = frozenset({"create"})
    shots: bool = False
    negative_prompt: bool = False
    deterministic: bool = True
    devices: tuple[str, ...] = ("cpu",)

    def check(self, request: GenerationRequest) -> None:
        self._check_size(request)
        self._check_timing(request)
        self._check_inputs(request)

    def _check_size(self, request: GenerationRequest) -> None:
        width, height = request.size
        if not (self.min_side_px <= min(width, height) and max(width, height) <= self.max_side_px):
            raise UnsupportedCapabilityError(
                f"size {width}x{height} is outside this backend's range: each side must be in "
                f"[{self.min_side_px}, {self.max_side_px}] px",
                param="size",
            )
        if width * height > self.max_pixels:
            raise UnsupportedCapabilityError(
                f"size {width}x{height} has {width * height} pixels; this backend allows {self.max_pixels}",
                param="size",
            )
        if width % self.size_multiple or height % self.size_multiple:
            raise UnsupportedCapabilityError(
                f"width and height must be multiples of {self.size_multiple} for this backend",
                param="size",
            )

    def _check_timing(self, request: GenerationRequest) -> None:
        if not self.min_duration_s <= request.duration_s <= self.max_duration_s:
            raise UnsupportedCapabilityError(
                f"duration {request.duration_s:g} s is outside this backend's range "
                f"[{self.min_duration_s:g}, {self.max_duration_s:g}] s",
                param="duration_s",
            )
        if request.fps not in self.fps:
            raise UnsupportedCapabilityError(
                f"this backend renders at {', '.join(map(str, self.fps))} fps, not {request.fps}", param="fps"
            )

    def _check_inputs(self, request: GenerationRequest) -> None:
        if request.style is not None and request.style not in self.styles:
            known = ", ".join(self.styles) or "none (this backend has no styles)"
            raise UnsupportedCapabilityError(
                f"unknown style {request.style!r}; styles: {known}", param="style"
            )
        if len(request.characters) > self.max_characters:
            raise UnsupportedCapabilityError(
                f"this backend takes at most {self.max_characters} characters, got {len(request.characters)}",
                param="characters",
            )
        if request.first_frame is not None and not self.first_frame:
            raise UnsupportedCapabilityError(
                "this backend cannot start from an image", param="input_reference"
            )
        if request.mode not in self.modes:
            raise UnsupportedCapabilityError(f"this backend cannot {request.mode} videos", param="mode")
        if request.shots and not self.shots:
            raise UnsupportedCapabilityError("this backend does not take storyboards", param="shots")
        if request.negative_prompt and not self.negative_prompt:
            raise UnsupportedCapabilityError(
                "this backend does not use a negative prompt", param="negative_prompt"
            )


ProgressCallback = Callable[[int, int], None]


def _never() -> bool:
    return False


def _ignore_progress(step: int, total: int) -> None:
    del step, total


@dataclass(frozen=True, slots=True)
class RunContext:
    """What a backend gets besides the request: seed, device, progress and cancellation."""

    seed: int
    device: str = "cpu"
    on_progress: ProgressCallback = field(default=_ignore_progress)
    is_cancelled: Callable[[], bool] = field(default=_never)

    def rng(self) -> np.random.Generator:
        """A generator seeded from the request's seed; the only randomness a backend may use."""
        return np.random.default_rng(self.seed)

    def progress(self, step: int, total: int) -> None:
        self.on_progress(step, total)

    def check_cancelled(self) -> None:
        """Raise `GenerationCancelledError` if the job was cancelled (call between steps)."""
        if self.is_cancelled():
            raise GenerationCancelledError("the generation was cancelled")


@runtime_checkable
class Backend(Protocol):
    """A loaded, warm backend."""

    def generate(self, request: GenerationRequest, ctx: RunContext) -> Clip: ...

    def close(self) -> None: ...


BackendFactory = Callable[[Any, str], Backend]


@dataclass(frozen=True, slots=True)
class BackendSpec:
    """Import-safe description of a backend; `load` builds the heavy instance."""

    name: str
    summary: str
    version: str
    capabilities: Capabilities
    options_model: type[BackendOptions]
    factory: str  # "package.module:callable", called as callable(options, device)

    def validate_options(self, options: Mapping[str, Any]) -> BackendOptions:
        try:
            return self.options_model.model_validate(dict(options))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, err['loc'])) or 'options'}: {err['msg']}" for err in exc.errors()
            )
            raise BackendOptionsError(
                f"invalid options for backend {self.name!r}: {problems}", param="options"
            ) from exc

    def load(self, options: BackendOptions | Mapping[str, Any] | None = None, device: str = "cpu") -> Backend:
        """Import the factory and build a warm instance (the only heavy step)."""
        validated = options if isinstance(options, BackendOptions) else self.validate_options(options or {})
        module_name, _, attr = self.factory.partition(":")
        if not module_name or not attr:
            raise BackendError(f"backend {self.name!r} has a malformed factory {self.factory!r}")
        factory: BackendFactory = getattr(importlib.import_module(module_name), attr)
        backend = factory(validated, device)
        if not isinstance(backend, Backend):
            raise BackendError(
                f"backend {self.name!r} factory returned {type(backend).__name__}, not a Backend"
            )
        return backend
