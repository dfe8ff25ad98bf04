"""The `Scene`: what the planner makes of a prompt, and what the simulator, renderer and sound stage obey.

A scene is plain data (frozen dataclasses) with a JSON form, so power users can print a plan
(`mutoscope plan PROMPT`), edit it, and pass it back instead of a prompt. Units: metres, seconds, kilograms;
the world's ground is y = 0 with y up and x to the right; colours are RGB 0–255.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

SCENE_VERSION = 1

RGB = tuple[int, int, int]
EntityKind = Literal["person", "animal", "object", "vehicle", "fixture"]
# Body plans the simulator and renderer know how to move and draw.
Shape = Literal[
    "humanoid", "quadruped", "bird", "fish", "serpent", "insect",
    "ball", "box", "cylinder", "board", "disc", "cone", "blob", "stick", "car", "boat", "plane",
    "hoop", "beam", "ramp", "tree", "rock", "building", "water",
]  # fmt: skip
Framing = Literal["wide", "medium", "close_up", "aerial"]
CameraMove = Literal["static", "pan", "tracking", "dolly_in", "dolly_out", "crane"]


@dataclass(frozen=True, slots=True)
class Body:
    """A parametric body: shape plan, size, mass, surface and colours."""

    shape: Shape
    height_m: float
    width_m: float
    mass_kg: float
    palette: tuple[RGB, ...] = ((200, 200, 200),)
    restitution: float = 0.3
    friction: float = 0.8
    accessories: tuple[str, ...] = ()  # "gold chain", "top hat", ...: drawn on the body
    static: bool = False  # fixtures (hoops, beams, trees) do not move


@dataclass(frozen=True, slots=True)
class Voice:
    """How an entity speaks: an espeak-ng voice plus pitch and rate."""

    language: str = "en"
    espeak_voice: str = "en-us"
    pitch: int = 50  # espeak pitch 0–99
    rate_wpm: int = 165


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str  # what the prompt called it: "the dog", "Maria"
    kind: EntityKind
    type: str  # vocabulary word: "person", "dog", "basketball", "car", "hoop"
    body: Body
    x_m: float = 0.0
    y_m: float = 0.0
    facing: int = 1  # +1 faces right, -1 faces left
    voice: Voice | None = None
    character_id: str | None = None  # set when the entity renders a CharacterRef


@dataclass(frozen=True, slots=True)
class Action:
    """`entity` does `verb` from `start_s` to `end_s` (to `target`, if any)."""

    entity: str
    verb: str
    start_s: float
    end_s: float
    target: str | None = None
    params: Mapping[str, float] = field(default_factory=dict)  # e.g. {"success": 0.0} for a missed shot


@dataclass(frozen=True, slots=True)
class CameraShot:
    start_s: float
    end_s: float
    framing: Framing = "wide"
    move: CameraMove = "static"
    subject: str | None = None  # entity id the camera frames or follows


@dataclass(frozen=True, slots=True)
class Light:
    kind: str  # "sun", "moon", "street", "neon", "key", "fill"
    color: RGB = (255, 244, 229)
    intensity: float = 1.0
    angle_deg: float = 45.0  # direction the light comes from, 0 = from the right, 90 = from above


@dataclass(frozen=True, slots=True)
class SoundSource:
    kind: Literal["ambience", "music", "effect"]
    name: str  # "waves", "rain", "traffic", "crowd", "wind", "birds", ...
    gain_db: float = -18.0


@dataclass(frozen=True, slots=True)
class DialogueLine:
    speaker: str  # entity id
    text: str
    language: str = "en"
    start_s: float = 0.0  # planned start; the sound stage lays lines out without overlaps


@dataclass(frozen=True, slots=True)
class ShotPlan:
    """One shot of a multi-shot scene: its own prompt over [start_s, end_s) of one persistent world."""

    prompt: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Scene:
    prompt: str
    duration_s: float
    seed: int
    setting: str = "studio"
    time_of_day: str = "day"  # "dawn", "day", "sunset", "night"
    weather: str = "clear"  # "clear", "rain", "snow", "fog", "wind", "storm"
    style: str = "cinematic"
    entities: tuple[Entity, ...] = ()
    actions: tuple[Action, ...] = ()
    cameras: tuple[CameraShot, ...] = ()
    lights: tuple[Light, ...] = ()
    sounds: tuple[SoundSource, ...] = ()
    dialogue: tuple[DialogueLine, ...] = ()
    shots: tuple[ShotPlan, ...] = ()
    notes: tuple[str, ...] = ()  # what the planner mapped, guessed or could not use
    version: int = SCENE_VERSION

    def entity(self, entity_id: str) -> Entity:
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scene:
        return _build(cls, data, "scene")

    @classmethod
    def from_json(cls, text: str) -> Scene:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SceneFormatError(f"scene JSON does not parse: {exc}") from exc
        if not isinstance(data, dict):
            raise SceneFormatError("scene JSON must be an object")
        return cls.from_dict(data)


class SceneFormatError(ValueError):
    """A scene JSON that does not match the Scene schema (the message names the field)."""


T = TypeVar("T")


def _build(cls: type[T], data: Any, path: str) -> T:
    """Rebuild a dataclass from JSON-shaped data, checking names and types strictly."""
    if not isinstance(data, Mapping):
        raise SceneFormatError(f"{path} must be an object")
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - names
    if unknown:
        raise SceneFormatError(f"{path} has unknown fields: {', '.join(sorted(unknown))}")
    kwargs = {name: _convert(hints[name], value, f"{path}.{name}") for name, value in data.items()}
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise SceneFormatError(f"{path}: {exc}") from exc


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if isinstance(hint, type) and is_dataclass(hint):
        return _build(hint, value, path)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise SceneFormatError(f"{path} must be a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v, f"{path}[{i}]") for i, v in enumerate(value))
        if len(args) != len(value):
            raise SceneFormatError(f"{path} must have {len(args)} items")
        return tuple(_convert(a, v, f"{path}[{i}]") for i, (a, v) in enumerate(zip(args, value, strict=True)))
    if origin is Literal:
        if value not in args:
            raise SceneFormatError(f"{path} must be one of {', '.join(map(str, args))}; got {value!r}")
        return value
    if origin is Mapping or hint is Mapping:
        if not isinstance(value, Mapping):
            raise SceneFormatError(f"{path} must be an object")
        return {str(k): _convert(float, v, f"{path}.{k}") for k, v in value.items()}
    if args and type(None) in args:  # Optional[X]
        if value is None:
            return None
        inner = next(a for a in args if a is not type(None))
        return _convert(inner, value, path)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SceneFormatError(f"{path} must be a number")
        return float(value)
    if hint in (int, str, bool):
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise SceneFormatError(f"{path} must be {hint.__name__}")
        return value
    return value
