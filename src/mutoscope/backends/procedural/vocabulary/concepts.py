"""The record types of the vocabulary: a `Thing` (anything with a body), a `Verb` and a `Place`.

Data modules build their tables with these; the planner reads them. Sizes are realistic (metres, kilograms);
`width_m` is the extent along the ground (a horse's length), `height_m` the vertical extent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from mutoscope.backends.procedural.scene import RGB, EntityKind, Shape

# Where a thing lives: on the ground, in the air, in water (swimming), on the water surface (floating),
# or on a body (a worn accessory, never an entity of its own).
Habitat = Literal["ground", "air", "water", "surface", "worn"]
Gender = Literal["f", "m", ""]


def split_words(text: str) -> list[str]:
    """The words of a space-separated word list (tables keep long lists as one readable string)."""
    return text.split()


@dataclass(frozen=True, slots=True)
class Thing:
    """A noun with a body: a person role, an animal, an object, a vehicle or a fixture."""

    word: str
    kind: EntityKind
    shape: Shape
    height_m: float
    width_m: float
    mass_kg: float
    palettes: tuple[tuple[RGB, ...], ...]  # colour options; the planner picks one per entity by seed
    restitution: float = 0.3
    friction: float = 0.8
    habitat: Habitat = "ground"
    sound: str = ""  # the sound it makes: "bark", "engine", "strum"
    home: str = ""  # the place it suggests when the prompt names none
    gender: Gender = ""
    prop: str = ""  # a role's tool: a skater's skateboard, a guitarist's guitar

    @property
    def static(self) -> bool:
        return self.kind == "fixture"

    @property
    def worn(self) -> bool:
        return self.habitat == "worn"

    @property
    def animate(self) -> bool:
        return self.kind in ("person", "animal", "vehicle")


@dataclass(frozen=True, slots=True)
class Verb:
    """A canonical action and what the simulator needs to perform it."""

    verb: str
    duration_s: float  # a one-shot's natural length; 0 for continuous actions that fill their time
    params: Mapping[str, float] = field(default_factory=dict)
    prop: str = ""  # the object it needs ("skateboard" for a kickflip); added when the scene lacks one
    fixture: str = ""  # the fixture it aims at ("hoop" for a basketball shot)
    medium: Literal["ground", "air", "water"] = "ground"
    travels: bool = False  # moves the body along the ground, so a tracking camera suits it
    speech: bool = False  # a talk/sing action, timed by dialogue lines


@dataclass(frozen=True, slots=True)
class WaterBody:
    """Where a setting's water is: `x0_m..x1_m` horizontally, surface at `surface_m`, `depth_m` deep."""

    x0_m: float
    x1_m: float
    surface_m: float
    depth_m: float


@dataclass(frozen=True, slots=True)
class Place:
    """A scene setting: ground, water, ambience and the fixtures that make it recognisable."""

    name: str
    outdoor: bool
    ground: str  # "sand", "grass", "asphalt", "wood", "snow", "tile", "rock", "none"
    width_m: float  # usable stage width for layout
    ambience: tuple[str, ...]  # by day
    night_ambience: tuple[str, ...] = ()  # replaces `ambience` at night when given
    fixtures: tuple[str, ...] = ()  # placed whenever the scene is here (a court's hoop)
    subjects: tuple[str, ...] = ("person",)  # who is there when the prompt names nobody
    water: WaterBody | None = None
    lights: Literal["sky", "indoor", "stage", "underwater", "space", "street", "market"] = "sky"
    notes: str = ""  # said in Scene.notes when chosen ("low gravity is not simulated")
