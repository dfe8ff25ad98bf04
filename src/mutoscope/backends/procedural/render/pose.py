"""What a body builder knows: the body's constant look and its pose at one frame.

`BodyLook` is fixed for a render (entity, colours after character overrides, worn accessories, face image);
`BodyPose` changes every frame (joint angles from the track, mouth opening, time, speed). Builders turn the
two into a `Figure`. Joint-angle conventions are those of `physics.skeleton`, shared with the simulator.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import skia

from mutoscope.backends.procedural.scene import RGB, Body, Entity


@dataclass(frozen=True, slots=True)
class BodyLook:
    entity: Entity
    palette: tuple[RGB, ...]
    accessories: tuple[str, ...] = ()
    face: skia.Image | None = None
    proportions: Mapping[str, float] = field(default_factory=dict)
    underwater: bool = False  # the whole scene is under water (water regions only tint lightly)

    @property
    def body(self) -> Body:
        return self.entity.body

    @property
    def type(self) -> str:
        return self.entity.type

    @property
    def seed(self) -> int:
        """A stable per-entity number (for blink timing, patterns): never Python's salted hash()."""
        return zlib.crc32(self.entity.id.encode())

    def colour(self, index: int, default: RGB) -> RGB:
        return self.palette[index] if index < len(self.palette) else default


@dataclass(frozen=True, slots=True)
class BodyPose:
    joints: Mapping[str, float]
    mouth: float = 0.0  # 0 closed .. 1 wide open
    time_s: float = 0.0
    speed_m_s: float = 0.0  # signed along the facing
    x_m: float = 0.0  # root position, for rolling wheels when the track has no wheel angle
    height_above_ground_m: float = 0.0

    def joint(self, name: str, default: float = 0.0) -> float:
        return float(self.joints.get(name, default))
