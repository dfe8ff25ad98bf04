"""Physical bodies: what role an entity plays in the world and the pymunk body and shapes it is made of.

Every entity gets a role from its body shape (a person, an animal, a flier, a swimmer, a ball, a loose object,
a vehicle, a fixture, background scenery, or water). Dynamic entities get a pymunk body whose mass,
restitution and friction come from `Body`; fixtures get static shapes (a hoop is a rim of two small circles, a
backboard and a post; see `fixtures`). Trees and buildings are background scenery and do not collide.

Restitution and friction: pymunk multiplies the two shapes' values, so the ground and walls use 1.0 for both
and a body bounces and slides on the ground with exactly its own `Body.restitution` and `Body.friction`.
People and animals absorb landings (elasticity 0), whatever their `Body.restitution`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Literal

import pymunk

from mutoscope.backends.procedural.physics import fixtures
from mutoscope.backends.procedural.scene import Entity

log = logging.getLogger(__name__)

Role = Literal[
    "person", "animal", "flier", "swimmer", "ball", "object", "vehicle", "fixture", "scenery", "water"
]

# Collision types: the world's own shapes, then one per entity (ENTITY_BASE + index).
GROUND, WALL, RIM, NET, GOAL = 1, 2, 3, 4, 5
ENTITY_BASE = 100
# Collision categories: every entity's shapes are in ENTITY_CATEGORY (people in PERSON_CATEGORY, animals in
# ANIMAL_CATEGORY instead); the ground and walls are in all categories. An animal passes people and other
# animals (in a side view a dog running along a beach goes by the people on it, not into them) unless one
# pushes the other (`Actor.meet_living`); people still bump into people. A car keeping to a road lane collides
# only with the ground, walls and cars in its lane (LANE_CATEGORIES), so it passes what stands at the roadside.
ENTITY_CATEGORY = 1 << 0
PERSON_CATEGORY = 1 << 1
ANIMAL_CATEGORY = 1 << 2
LIVING_CATEGORIES = PERSON_CATEGORY | ANIMAL_CATEGORY
LANE_CATEGORIES = (1 << 20, 1 << 21)  # a road's near and far lanes

TETHERED = frozenset({"kite", "balloon"})  # things that fly on a line held by someone
FLYING_INSECTS = frozenset({"bee", "butterfly", "fly", "mosquito", "dragonfly", "moth", "wasp", "firefly"})
UPRIGHT_ROLES = frozenset({"person", "animal", "flier", "swimmer"})  # balance themselves: no tipping over
SELF_PROPELLED = frozenset({"person", "animal", "flier", "swimmer", "vehicle"})
WATER_DENSITY = 1000.0
MIN_MASS_KG = 0.01
GROUND_EXTENT_M = 5000.0
BIRD_DENSITY = 400.0  # hollow bones and air sacs: a duck floats high
BOAT_DENSITY = 300.0  # a hull floats with about a third of its height under water


@dataclass(frozen=True, slots=True)
class Physique:
    """An entity's role and the numbers the behaviours need about its body."""

    role: Role
    half_height_m: float  # root (body centre) to the lowest point, upright
    half_width_m: float
    radius_m: float  # a person's capsule radius, a ball's radius, a box's corner radius
    volume_m3: float  # for buoyancy
    leg_m: float  # leg length for gaits (0 for legless bodies)


def role_of(entity: Entity) -> Role:
    """The role an entity plays, from its shape (fixtures are whatever is static)."""
    shape = entity.body.shape
    if shape == "water":
        return "water"
    if shape in ("tree", "building"):
        return "scenery"
    if entity.body.static or entity.kind == "fixture" or shape in ("hoop", "beam", "ramp"):
        return "fixture"
    if shape == "humanoid":
        return "person"
    if shape in ("bird", "plane") or (shape == "insect" and entity.type.lower() in FLYING_INSECTS):
        return "flier"
    if shape == "fish":
        return "swimmer"
    if shape in ("quadruped", "insect", "serpent"):
        return "animal"
    if entity.type.lower() in TETHERED:
        return "object"  # a kite is drawn as a board, but nobody rides it: it flies on its line
    if shape in ("car", "boat", "board"):
        return "vehicle"
    if shape in ("ball", "blob") or (shape == "disc" and _roundish(entity)):
        return "ball"
    return "object"


def _roundish(entity: Entity) -> bool:
    h, w = entity.body.height_m, entity.body.width_m
    return abs(h - w) <= 0.2 * max(h, w)


def physique(entity: Entity) -> Physique:
    """Role and body measurements of an entity."""
    role = role_of(entity)
    h = max(entity.body.height_m, 0.01)
    w = max(entity.body.width_m, 0.01)
    radius = min(h, w) * 0.2
    volume = w * h * min(w, h)
    leg = 0.0
    if role == "person":
        radius = min(max(w / 2.0, 0.08), 0.25, h / 4.0)
        leg = 0.5 * h
    elif role in ("ball",):
        radius = h / 2.0
        volume = 4.0 / 3.0 * math.pi * radius**3
    elif role == "animal" and entity.body.shape == "quadruped":
        leg = 0.5 * h
    elif role == "animal":
        leg = 0.3 * h
    if entity.body.shape == "boat":
        volume = max(entity.body.mass_kg, MIN_MASS_KG) / BOAT_DENSITY
    if role in ("person", "animal", "swimmer", "flier"):
        density = BIRD_DENSITY if entity.body.shape == "bird" else 985.0  # otherwise about as dense as water
        volume = max(entity.body.mass_kg, MIN_MASS_KG) / density
    return Physique(role=role, half_height_m=h / 2.0, half_width_m=w / 2.0, radius_m=radius, volume_m3=volume,
                    leg_m=leg)  # fmt: skip


def make_body(
    space: pymunk.Space, entity: Entity, index: int, phys: Physique, center: tuple[float, float]
) -> tuple[pymunk.Body, tuple[pymunk.Shape, ...]]:
    """Create and add the pymunk body and shapes of a non-fixture entity, its centre at `center`."""
    mass = entity.body.mass_kg
    if mass < MIN_MASS_KG:
        log.warning("entity %s has mass %.3g kg; using %.2g kg", entity.id, mass, MIN_MASS_KG)
        mass = MIN_MASS_KG
    body = pymunk.Body()
    body.position = center
    shapes = _shapes(body, entity, phys)
    per_shape = mass / len(shapes)
    living = phys.role in ("person", "animal", "flier", "swimmer")
    for shape in shapes:
        shape.mass = per_shape
        shape.friction = max(entity.body.friction, 0.0)
        shape.elasticity = 0.0 if living else min(max(entity.body.restitution, 0.0), 1.0)
        shape.collision_type = ENTITY_BASE + index
        shape.filter = _filter(index, phys.role)
    space.add(body, *shapes)
    if phys.role in UPRIGHT_ROLES:
        body.moment = math.inf
    elif phys.role == "ball":
        # Balls are mostly hollow shells (basketballs, footballs); heavy small balls are solid.
        density = mass / max(phys.volume_m3, 1e-9)
        body.moment = (2.0 / 3.0 if density < 300.0 else 2.0 / 5.0) * mass * phys.radius_m**2
    return body, shapes


def _shapes(body: pymunk.Body, entity: Entity, phys: Physique) -> tuple[pymunk.Shape, ...]:
    h, w = 2.0 * phys.half_height_m, 2.0 * phys.half_width_m
    kind = entity.body.shape
    if phys.role == "person":
        reach = max(phys.half_height_m - phys.radius_m, 0.01)
        return (pymunk.Segment(body, (0.0, -reach), (0.0, reach), phys.radius_m),)
    if phys.role == "ball" or kind in ("bird",) or (kind == "insect" and phys.role == "flier"):
        return (pymunk.Circle(body, phys.radius_m if phys.role == "ball" else min(h, w) / 2.0),)
    if kind == "cone":
        return (pymunk.Poly(body, [(-w / 2.0, -h / 2.0), (w / 2.0, -h / 2.0), (0.0, h / 2.0)]),)
    rounding = min(phys.radius_m, 0.15)
    inner = (max(w - 2.0 * rounding, 0.005), max(h - 2.0 * rounding, 0.005))
    return (pymunk.Poly.create_box(body, inner, radius=rounding),)


def ground_profile(water: tuple[fixtures.WaterRegion, ...]) -> list[tuple[float, float, float]]:
    """(left, right, top) pieces of ground from far left to far right: y = 0, or a basin's bottom."""
    basins = sorted((w.left_m, w.right_m, w.bottom_m) for w in water if w.bottom_m < -0.01)
    merged: list[list[float]] = []
    for left, right, bottom in basins:
        if merged and left <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], right)
            merged[-1][2] = min(merged[-1][2], bottom)
        else:
            merged.append([left, right, bottom])
    pieces: list[tuple[float, float, float]] = []
    x = -GROUND_EXTENT_M
    for left, right, bottom in merged:
        if left > x:
            pieces.append((x, left, 0.0))
        pieces.append((max(left, x), right, bottom))
        x = right
    if x < GROUND_EXTENT_M:
        pieces.append((x, GROUND_EXTENT_M, 0.0))
    return pieces


def _filter(index: int, role: Role) -> pymunk.ShapeFilter:
    """An entity's own group (a held thing or a seat may share it) and its collision category and mask."""
    categories = {"person": PERSON_CATEGORY, "animal": ANIMAL_CATEGORY}.get(role, ENTITY_CATEGORY)
    return pymunk.ShapeFilter(group=index + 1, categories=categories, mask=default_mask(role))


def default_mask(role: Role) -> int:
    """What an entity of `role` collides with when nothing special is going on."""
    everything = pymunk.ShapeFilter.ALL_MASKS()
    if role == "person":
        return everything ^ ANIMAL_CATEGORY
    if role == "animal":
        return everything ^ LIVING_CATEGORIES
    return everything


def add_fixture(space: pymunk.Space, entity: Entity, index: int) -> tuple[pymunk.Shape, ...]:
    """Add a fixture's static shapes (a hoop's rim, backboard, post and net sensor; a ramp; a block)."""
    body = space.static_body
    if fixtures.is_goal(entity):
        left, right, bottom, top = fixtures.goal_mouth(entity)
        mouth = pymunk.Poly(body, [(left, bottom), (right, bottom), (right, top), (left, top)])
        mouth.sensor = True  # face-on: the posts stand in depth, a ball enters the net behind the mouth
        mouth.collision_type = GOAL
        shapes: tuple[pymunk.Shape, ...] = (mouth,)
    elif entity.body.shape == "hoop":
        shapes = _hoop_shapes(body, fixtures.hoop_geometry(entity))
    elif entity.body.shape == "ramp":
        shapes = (pymunk.Poly(body, list(fixtures.ramp_vertices(entity))),)
    else:
        half = entity.body.width_m / 2.0
        h = entity.body.height_m
        x, y = entity.x_m, entity.y_m - h / 2.0
        shapes = (pymunk.Poly(body, [(x - half, y), (x + half, y), (x + half, y + h), (x - half, y + h)]),)
    for shape in shapes:
        # Its own group, so a person can sit on it (sharing the group); an entity's category, so a car
        # keeping to its lane passes it.
        shape.filter = pymunk.ShapeFilter(group=index + 1, categories=ENTITY_CATEGORY)
        if shape.collision_type == 0:
            shape.collision_type = ENTITY_BASE + index
        if not shape.sensor:
            shape.friction = max(entity.body.friction, 0.0) if shape.collision_type != RIM else 0.6
            shape.elasticity = (
                min(max(entity.body.restitution, 0.0), 1.0) if shape.collision_type != RIM else 0.75
            )
    space.add(*shapes)
    return shapes


def _hoop_shapes(body: pymunk.Body, hoop: fixtures.HoopGeometry) -> tuple[pymunk.Shape, ...]:
    rim_front = pymunk.Circle(body, hoop.rim_rod_m, (hoop.rim_front_x_m, hoop.rim_y_m))
    rim_back = pymunk.Circle(body, hoop.rim_rod_m, (hoop.rim_back_x_m, hoop.rim_y_m))
    for rim in (rim_front, rim_back):
        rim.collision_type = RIM
    board_x = hoop.backboard_x_m - hoop.facing * 0.03
    board = pymunk.Segment(body, (board_x, hoop.backboard_bottom_m), (board_x, hoop.backboard_top_m), 0.03)
    post = pymunk.Segment(body, (hoop.post_x_m, 0.0), (hoop.post_x_m, hoop.backboard_bottom_m), 0.08)
    arm = pymunk.Segment(
        body,
        (hoop.post_x_m, hoop.backboard_bottom_m),
        (board_x - hoop.facing * 0.03, hoop.backboard_bottom_m),
        0.04,
    )
    # A sensor across the ring just below the rim: a ball through it went in ("net" contact).
    inset = fixtures.RIM_RADIUS_M * 0.8
    net = pymunk.Segment(
        body,
        (hoop.rim_center_x_m - inset, hoop.rim_y_m - 0.2),
        (hoop.rim_center_x_m + inset, hoop.rim_y_m - 0.2),
        0.0,
    )
    net.sensor = True
    net.collision_type = NET
    return (rim_front, rim_back, board, post, arm, net)


def add_ground(
    space: pymunk.Space, wall_xs: tuple[float, ...], water: tuple[fixtures.WaterRegion, ...] = ()
) -> None:
    """The ground (thick slabs, so fast bodies cannot tunnel through), dug out under water, and any walls.

    Water whose bottom is below y = 0 (a pool, a lake, the sea with its surface at ground level) lies in a
    basin: the ground there is at the water's bottom, and the basin's sides are the neighbouring slabs' faces.
    """
    body = space.static_body
    shapes: list[pymunk.Shape] = []
    for left, right, top in ground_profile(water):
        slab = pymunk.Poly(body, [(left, top - 50.0), (right, top - 50.0), (right, top), (left, top)])
        slab.collision_type = GROUND
        shapes.append(slab)
    for i, x in enumerate(wall_xs):
        outer = x + (5.0 if i == len(wall_xs) - 1 else -5.0)  # the last wall closes the right side
        left, right = min(x, outer), max(x, outer)
        wall = pymunk.Poly(body, [(left, -1.0), (right, -1.0), (right, 60.0), (left, 60.0)])
        wall.collision_type = WALL
        shapes.append(wall)
    for shape in shapes:
        shape.friction = 1.0
        shape.elasticity = 1.0
    space.add(*shapes)
