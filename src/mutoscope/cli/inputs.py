"""Files the CLI reads for a generation: a scene JSON given instead of a prompt, and a first-frame image.

A PROMPT argument of `-` means "read a scene JSON from stdin", and a PROMPT that names an existing file (or
looks like `something.json`) is a scene file; anything else is an ordinary prompt. The scene is passed to the
backend untouched (as the `scene` option); only the few fields the CLI uses as defaults (prompt, duration,
seed) are read here. Images go through the engine's `read_image`, with the upload limits from the settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

import numpy as np
import numpy.typing as npt

from mutoscope.engine.media.decode import read_image
from mutoscope.errors import InvalidRequestError
from mutoscope.settings import EngineSettings

STDIN = "-"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SceneInput:
    """A scene JSON as given, plus the defaults the command line takes from it."""

    text: str
    origin: str  # "stdin" or the file's path, for messages
    prompt: str | None
    duration_s: float | None
    seed: int | None


def _is_file(text: str) -> bool:
    # A long prompt is no valid path (ENAMETOOLONG) and must not crash the check.
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def names_scene(argument: str) -> bool:
    """Whether PROMPT means a scene JSON (stdin or a file) rather than a text prompt."""
    if argument == STDIN or _is_file(argument):
        return True
    return argument.lower().endswith(".json") and not any(c.isspace() for c in argument)


def read_scene_text(argument: str, stdin: TextIO) -> tuple[str, str]:
    """The scene JSON text and where it came from; a missing file is bad input, not a crash."""
    if argument == STDIN:
        return stdin.read(), "stdin"
    path = Path(argument)
    if not path.is_file():
        raise InvalidRequestError(f"the scene file {argument} does not exist", param="scene")
    return path.read_text(encoding="utf-8"), str(path)


def read_scene(argument: str, stdin: TextIO) -> SceneInput:
    """Read a scene JSON and the defaults it carries; the backend validates the rest."""
    text, origin = read_scene_text(argument, stdin)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidRequestError(f"{origin} is not valid JSON: {exc}", param="scene") from None
    if not isinstance(data, dict):
        raise InvalidRequestError(f"{origin} must hold a JSON object (a scene)", param="scene")
    return SceneInput(
        text=text,
        origin=origin,
        prompt=_typed(data, "prompt", str),
        duration_s=_number(data.get("duration_s")),
        seed=_typed(data, "seed", int),
    )


def _typed(data: dict[str, Any], key: str, kind: type[T]) -> T | None:
    value = data.get(key)
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def read_first_frame(path: Path, limits: EngineSettings) -> npt.NDArray[np.uint8]:
    """Decode an image to `uint8 [H, W, 3]` RGB for `GenerationRequest.first_frame`, within upload limits."""
    if not path.is_file():
        raise InvalidRequestError(f"the image {path} does not exist", param="input_reference")
    return read_image(path, max_bytes=limits.max_upload_bytes, max_pixels=limits.max_upload_pixels)
