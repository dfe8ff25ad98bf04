"""Geometry of the things that do not move: hoops, ramps, walls and water, derived from a `Scene`.

The simulator builds its static collision shapes from these values and the renderer should draw from the same
values, so a rim is drawn where the ball bounces off it. Placement rule for every entity: (`x_m`, `y_m`) is
the body's centre (as in `EntityTrack`), so a body resting on the ground has `y_m` = half its height.

A soccer goal (a hoop-shaped fixture of type "goal") is seen face-on: a ball that flies into its mouth below
the crossbar is caught by the net. A hoop entity's `x_m` is the backboard face; its rim (standard 0.457 m
ring) reaches out toward `facing` and sits at the top of its box (3.05 m for a regulation hoop). Water comes
from `water` entities (a rectangle `width_m` × `height_m` around its centre); water below ground level lies in
a basin dug into the ground. A scene that needs water but has none (a swim action, a fish, a boat, or an
aquatic setting) gets an implicit pool around those entities, its surface at ground level. The default
"studio" is an open backdrop; enclosed rooms get walls 6 m beyond the entities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mutoscope.backends.procedural.scene import Entity, Scene

RIM_RADIUS_M = 0.2286  # inner radius of a regulation ring
RIM_ROD_M = 0.012  # radius of the rim's rod
RIM_GAP_M = 0.15  # from the backboard face to the ring
BACKBOARD_BELOW_RIM_M = 0.15
BACKBOARD_HEIGHT_M = 1.07
IMPLICIT_WATER_DEPTH_M = 1.6
IMPLICIT_WATER_MARGIN_M = 8.0
WALL_MARGIN_M = 6.0
WATER_DRAG_PER_S = 2.5  # how quickly water takes a body's speed away (drag force = this × mass × speed)

AQUATIC_SETTINGS = frozenset({"ocean", "sea", "pool", "lake", "river", "underwater", "swimming pool", "pond"})
INDOOR_SETTINGS = frozenset(
    {"gym", "room", "kitchen", "living room", "office", "bedroom", "classroom", "hall", "indoor", "bar",
     "restaurant", "museum", "library", "warehouse", "garage", "indoors"}
)  # fmt: skip
AQUATIC_TYPES = frozenset({"fish", "boat"})


@dataclass(frozen=True, slots=True)
class HoopGeometry:
    """A basketball hoop in side view: the ring seen edge-on is two rim points at the same height."""

    rim_y_m: float
    rim_front_x_m: float  # the rim point away from the backboard
    rim_back_x_m: float  # the rim point next to the backboard
    rim_center_x_m: float
    rim_rod_m: float
    backboard_x_m: float
    backboard_bottom_m: float
    backboard_top_m: float
    post_x_m: float  # the post stands behind the backboard
    facing: int  # the rim reaches from the backboard toward this side

    @property
    def ring_left_m(self) -> float:
        return min(self.rim_front_x_m, self.rim_back_x_m)

    @property
    def ring_right_m(self) -> float:
        return max(self.rim_front_x_m, self.rim_back_x_m)


@dataclass(frozen=True, slots=True)
class WaterRegion:
    """Water occupying [left, right] × [bottom, surface]; `entity` is None for an implicit pool."""

    left_m: float
    right_m: float
    bottom_m: float
    surface_m: float
    entity: str | None = None

    def contains_x(self, x_m: float) -> bool:
        return self.left_m <= x_m <= self.right_m


def hoop_geometry(entity: Entity) -> HoopGeometry:
    """Where a hoop entity's rim, backboard and post are."""
    facing = 1 if entity.facing >= 0 else -1
    rim_y = entity.y_m + entity.body.height_m / 2.0  # the top of the hoop
    board_x = entity.x_m
    back = board_x + facing * RIM_GAP_M
    front = back + facing * 2.0 * RIM_RADIUS_M
    return HoopGeometry(
        rim_y_m=rim_y,
        rim_front_x_m=front,
        rim_back_x_m=back,
        rim_center_x_m=(front + back) / 2.0,
        rim_rod_m=RIM_ROD_M,
        backboard_x_m=board_x,
        backboard_bottom_m=rim_y - BACKBOARD_BELOW_RIM_M,
        backboard_top_m=rim_y - BACKBOARD_BELOW_RIM_M + BACKBOARD_HEIGHT_M,
        post_x_m=board_x - facing * 1.0,
        facing=facing,
    )


def is_goal(entity: Entity) -> bool:
    """A soccer goal (a hoop-shaped fixture of type "goal"): seen face-on, a ball goes *into* it."""
    return entity.body.shape == "hoop" and entity.type.lower() in ("goal", "soccer goal")


def goal_mouth(entity: Entity) -> tuple[float, float, float, float]:
    """(left, right, bottom, crossbar) of a goal's mouth, drawn face-on around its centre."""
    half_w, half_h = entity.body.width_m / 2.0, entity.body.height_m / 2.0
    return entity.x_m - half_w, entity.x_m + half_w, entity.y_m - half_h, entity.y_m + half_h


def ramp_vertices(entity: Entity) -> tuple[tuple[float, float], ...]:
    """A ramp's triangle (world coordinates), rising toward `facing`."""
    half = entity.body.width_m / 2.0
    h = entity.body.height_m
    x, y = entity.x_m, entity.y_m - h / 2.0
    high = x + half if entity.facing >= 0 else x - half
    return ((x - half, y), (x + half, y), (high, y + h))


def water_regions(scene: Scene) -> tuple[WaterRegion, ...]:
    """The scene's water: its `water` entities, or an implicit pool if something needs water and there is
    none."""
    regions = tuple(
        WaterRegion(
            left_m=e.x_m - e.body.width_m / 2.0,
            right_m=e.x_m + e.body.width_m / 2.0,
            bottom_m=e.y_m - e.body.height_m / 2.0,
            surface_m=e.y_m + e.body.height_m / 2.0,
            entity=e.id,
        )
        for e in scene.entities
        if e.body.shape == "water"
    )
    if regions:
        return regions
    swimmers = {a.entity for a in scene.actions if a.verb == "swim"}
    wet = [
        e
        for e in scene.entities
        if e.id in swimmers or e.body.shape in ("fish", "boat") or e.type in AQUATIC_TYPES
    ]
    if not wet and scene.setting.lower() in AQUATIC_SETTINGS:
        wet = [e for e in scene.entities if e.kind in ("person", "animal", "object", "vehicle")]
    if not wet:
        return ()
    xs = [e.x_m for e in wet]
    return (
        WaterRegion(
            left_m=min(xs) - IMPLICIT_WATER_MARGIN_M,
            right_m=max(xs) + IMPLICIT_WATER_MARGIN_M,
            bottom_m=-IMPLICIT_WATER_DEPTH_M,
            surface_m=0.0,
        ),
    )


def walls(scene: Scene) -> tuple[float, ...]:
    """x positions of the walls an indoor setting has (left, right), or () outdoors."""
    if scene.setting.lower() not in INDOOR_SETTINGS or not scene.entities:
        return ()
    lefts = [e.x_m - e.body.width_m / 2.0 for e in scene.entities]
    rights = [e.x_m + e.body.width_m / 2.0 for e in scene.entities]
    return (math.floor(min(lefts) - WALL_MARGIN_M), math.ceil(max(rights) + WALL_MARGIN_M))
