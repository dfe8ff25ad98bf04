"""Bodies on screen: which builder draws each body plan, where a body sits in a frame, and how it moves.

`figure_for` dispatches a `Body.shape` to its builder (humanoid, creatures, props, vehicles, fixtures).
`Placement` is a body's local-metres → pixels transform at one frame: the track's root position and rotation,
the facing (a mirror), the camera, and — for cartoon squash and stretch — a scale along the motion. `Motion`
measures on-screen speed from consecutive frames (never across a cut) for motion blur, speed lines and
stretch, so every frame remains a pure function of its index.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from mutoscope.backends.procedural.render import creatures, fixtures, humanoid, props, quadrupeds, vehicles
from mutoscope.backends.procedural.render.camera import View
from mutoscope.backends.procedural.render.figure import Affine, Figure
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.scene import Entity, Shape

Builder = Callable[[BodyLook, BodyPose], Figure]

BUILDERS: dict[Shape, Builder] = {
    "humanoid": humanoid.humanoid,
    "quadruped": quadrupeds.quadruped,
    "bird": creatures.bird,
    "fish": creatures.fish,
    "serpent": creatures.serpent,
    "insect": creatures.insect,
    "blob": creatures.blob,
    "ball": props.ball,
    "box": props.box,
    "cylinder": props.cylinder,
    "board": props.board,
    "disc": props.disc,
    "cone": props.cone,
    "stick": props.stick,
    "ramp": props.ramp,
    "rock": props.rock,
    "car": vehicles.car,
    "boat": vehicles.boat,
    "plane": vehicles.plane,
    "hoop": fixtures.hoop,
    "beam": fixtures.beam,
    "tree": fixtures.tree,
    "building": fixtures.building,
    "water": fixtures.water,
}
# Drawing order: scenery and fixtures at the back, then vehicles, creatures, people, small objects in front.
LAYER_OF: dict[str, int] = {
    "water": 0,
    "building": 0,
    "tree": 0,
    "hoop": 1,
    "beam": 1,
    "ramp": 1,
    "rock": 1,
    "car": 2,
    "boat": 2,
    "plane": 2,
    "quadruped": 3,
    "serpent": 3,
    "blob": 3,
    "fish": 3,
    "humanoid": 4,
    "bird": 5,
    "insect": 5,
    "box": 5,
    "cylinder": 5,
    "board": 6,
    "stick": 6,
    "disc": 6,
    "cone": 5,
    "ball": 7,
}


FURNITURE_LAYER = 1
FURNITURE_SHAPES = frozenset({"box", "cylinder", "cone", "board", "stick", "disc", "blob"})


def layer_of(entity: Entity) -> int:
    """Drawing depth: big props (sofas, tables, tents) stand behind the people and animals using them."""
    body = entity.body
    if body.shape in FURNITURE_SHAPES and (body.static or body.height_m > 0.6 or body.width_m > 1.2):
        return FURNITURE_LAYER
    return LAYER_OF.get(body.shape, 5)


def figure_for(look: BodyLook, pose: BodyPose) -> Figure:
    return BUILDERS[look.body.shape](look, pose)


def footprint(entity: Entity, x_m: float, facing: int) -> tuple[float, float]:
    """Where a body meets the ground, for its shadow: (centre x, width) in metres."""
    body = entity.body
    if body.shape == "hoop" and entity.type != "goal":
        return x_m - facing * fixtures.POST_BEHIND_M, 0.45  # only the post stands on the ground
    if body.shape == "humanoid":
        return x_m, body.width_m * 0.9
    if body.shape == "tree":
        return x_m, body.width_m * 0.8
    return x_m, body.width_m


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a body is in one frame: its root in the world and how it is turned."""

    x_m: float
    y_m: float
    angle_rad: float
    facing: int

    def transform(self, view: View, stretch: Affine | None = None) -> Affine:
        """Local metres (x toward the facing, y up) → pixels, optionally stretched in world space."""
        sx, sy = view.to_screen(self.x_m, self.y_m)
        world = Affine.rotation(self.angle_rad) @ Affine.scaling(float(self.facing), 1.0)
        if stretch is not None:
            world = stretch @ world
        return Affine.translate(sx, sy) @ Affine.scaling(view.scale, -view.scale) @ world


@dataclass(frozen=True, slots=True)
class Motion:
    """A body's movement over the last frame, in world metres per frame and pixels per frame."""

    dx_m: float
    dy_m: float
    speed_px: float  # on screen, camera motion included

    @property
    def direction_rad(self) -> float:
        return math.atan2(self.dy_m, self.dx_m)

    @staticmethod
    def still() -> Motion:
        return Motion(0.0, 0.0, 0.0)


def squash_stretch(motion: Motion, amount: float, scale_px_per_m: float, size_px: float) -> Affine | None:
    """Cartoon stretch along the motion (volume-preserving), growing with speed relative to body size."""
    if amount <= 0.0 or motion.speed_px <= 0.0 or size_px <= 0.0:
        return None
    world_speed_px = math.hypot(motion.dx_m, motion.dy_m) * scale_px_per_m
    along = 1.0 + min(0.6, amount * world_speed_px / max(size_px, 1.0))
    if along < 1.02:
        return None
    return Affine.stretch(motion.direction_rad, along, 1.0 / math.sqrt(along))
