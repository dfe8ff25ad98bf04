"""What each scene setting looks like: the recipe for its sky, parallax layers and ground.

The planner's places (`vocabulary.places.PLACES`) say what a setting *is* (outdoor or not, ground material,
water); a `SettingLook` says how to draw it: the sky kind, the far layer (mountains, skyline, sea, back
wall...), the mid layer (trees, buildings, lamps, stalls...), the ground colours and the detail along the
ground line. Settings the table does not know fall back to a look built from the place's ground material, or
to an open landscape, and the fallback is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from mutoscope.backends.procedural.scene import RGB
from mutoscope.backends.procedural.vocabulary.places import PLACES

logger = logging.getLogger(__name__)

Sky = Literal["sky", "wall", "space", "underwater", "studio", "cave", "curtain"]
Far = Literal[
    "none",
    "hills",
    "mountains",
    "peaks",
    "dunes",
    "skyline",
    "sea",
    "forest",
    "jungle",
    "savanna",
    "castle",
    "bleachers",
    "stands",
    "windows",
    "kitchen",
    "classroom",
    "shelves",
    "reef",
    "craters",
    "clouds",
    "stalactites",
]
Mid = Literal[
    "none",
    "trees",
    "pines",
    "snowpines",
    "palms",
    "acacias",
    "cacti",
    "buildings",
    "stalls",
    "barn",
    "hedges",
    "reeds",
    "seaweed",
    "fence",
    "furniture",
    "ramps",
    "walls",
    "clouds",
    "rocks",
    "lockers",
]
Detail = Literal[
    "none", "grass", "road", "sand", "planks", "court", "tiles", "snow", "rock", "pitch", "stage"
]


@dataclass(frozen=True, slots=True)
class SettingLook:
    sky: Sky
    far: Far
    mid: Mid
    ground_far: RGB  # ground colour at the horizon
    ground_near: RGB  # ground colour at the bottom of the frame
    detail: Detail  # what runs along the ground line (k = 1 layer)
    far_rgb: RGB = (120, 140, 160)
    mid_rgb: RGB = (70, 120, 70)
    wall_rgb: RGB = (214, 204, 186)  # indoor back wall


GRASS_FAR, GRASS_NEAR = (120, 165, 95), (76, 130, 60)
SAND_FAR, SAND_NEAR = (222, 204, 160), (210, 184, 130)
ASPHALT_FAR, ASPHALT_NEAR = (120, 120, 124), (78, 78, 82)
WOOD_FAR, WOOD_NEAR = (196, 150, 100), (176, 124, 76)
TILE_FAR, TILE_NEAR = (210, 210, 206), (180, 180, 176)
SNOW_FAR, SNOW_NEAR = (236, 240, 246), (222, 230, 240)
ROCK_FAR, ROCK_NEAR = (150, 140, 128), (118, 108, 96)
SEA_FAR, SEA_NEAR = (70, 130, 170), (40, 96, 140)

LOOKS: dict[str, SettingLook] = {
    "studio": SettingLook("studio", "none", "none", (214, 214, 218), (190, 190, 196), "none"),
    "beach": SettingLook("sky", "sea", "palms", SAND_FAR, SAND_NEAR, "sand", (60, 130, 180), (70, 140, 70)),
    "ocean": SettingLook("sky", "sea", "none", SEA_FAR, SEA_NEAR, "none", (60, 120, 170)),
    "lake": SettingLook(
        "sky", "hills", "reeds", GRASS_FAR, GRASS_NEAR, "grass", (110, 150, 140), (90, 130, 70)
    ),
    "river": SettingLook("sky", "forest", "trees", GRASS_FAR, GRASS_NEAR, "grass", (90, 130, 110)),
    "pool": SettingLook("sky", "skyline", "palms", TILE_FAR, TILE_NEAR, "tiles", (170, 180, 196)),
    "underwater": SettingLook(
        "underwater",
        "reef",
        "seaweed",
        (110, 150, 150),
        (170, 160, 120),
        "sand",
        (40, 90, 110),
        (40, 120, 80),
    ),
    "city street": SettingLook(
        "sky", "skyline", "buildings", ASPHALT_FAR, ASPHALT_NEAR, "road", (130, 140, 160), (170, 120, 95)
    ),
    "night market": SettingLook(
        "sky", "skyline", "stalls", ASPHALT_FAR, ASPHALT_NEAR, "road", (90, 90, 110), (170, 60, 50)
    ),
    "park": SettingLook("sky", "hills", "trees", GRASS_FAR, GRASS_NEAR, "grass", (130, 160, 150)),
    "garden": SettingLook(
        "sky", "hills", "hedges", GRASS_FAR, GRASS_NEAR, "grass", (130, 160, 150), (60, 120, 60)
    ),
    "forest": SettingLook(
        "sky", "forest", "pines", (80, 120, 70), (60, 95, 50), "grass", (60, 100, 80), (40, 85, 50)
    ),
    "jungle": SettingLook(
        "sky", "jungle", "palms", (70, 120, 60), (50, 95, 45), "grass", (50, 110, 70), (40, 110, 50)
    ),
    "savanna": SettingLook(
        "sky", "savanna", "acacias", (200, 180, 110), (180, 150, 80), "grass", (170, 150, 120), (90, 110, 50)
    ),
    "farm": SettingLook(
        "sky", "hills", "barn", GRASS_FAR, GRASS_NEAR, "grass", (120, 160, 120), (170, 60, 50)
    ),
    "desert": SettingLook(
        "sky", "dunes", "cacti", SAND_FAR, SAND_NEAR, "sand", (210, 160, 110), (80, 130, 70)
    ),
    "mountain": SettingLook(
        "sky", "peaks", "pines", ROCK_FAR, ROCK_NEAR, "rock", (120, 130, 150), (50, 90, 60)
    ),
    "snowfield": SettingLook(
        "sky", "peaks", "snowpines", SNOW_FAR, SNOW_NEAR, "snow", (170, 185, 210), (60, 100, 80)
    ),
    "sky": SettingLook(
        "sky", "clouds", "clouds", (230, 236, 244), (244, 246, 250), "none", (236, 240, 248), (250, 250, 252)
    ),
    "space": SettingLook("space", "none", "none", (10, 10, 20), (10, 10, 20), "none"),
    "moon": SettingLook(
        "space",
        "craters",
        "rocks",
        (150, 150, 150),
        (120, 120, 122),
        "rock",
        (110, 110, 115),
        (100, 100, 104),
    ),
    "gym": SettingLook("wall", "windows", "lockers", WOOD_FAR, WOOD_NEAR, "planks", wall_rgb=(200, 206, 214)),
    "basketball court": SettingLook(
        "wall", "bleachers", "none", WOOD_FAR, WOOD_NEAR, "court", wall_rgb=(70, 80, 110)
    ),
    "stadium": SettingLook("sky", "stands", "none", (90, 150, 80), (60, 130, 55), "pitch", (150, 150, 160)),
    "skatepark": SettingLook(
        "sky", "skyline", "ramps", (170, 170, 168), (150, 150, 148), "road", (140, 150, 160)
    ),
    "kitchen": SettingLook("wall", "kitchen", "none", TILE_FAR, TILE_NEAR, "tiles", wall_rgb=(226, 222, 206)),
    "living room": SettingLook(
        "wall", "windows", "furniture", WOOD_FAR, WOOD_NEAR, "planks", wall_rgb=(214, 196, 170)
    ),
    "bedroom": SettingLook(
        "wall", "windows", "furniture", WOOD_FAR, WOOD_NEAR, "planks", wall_rgb=(190, 200, 220)
    ),
    "classroom": SettingLook(
        "wall", "classroom", "none", TILE_FAR, TILE_NEAR, "tiles", wall_rgb=(220, 214, 190)
    ),
    "office": SettingLook("wall", "windows", "none", TILE_FAR, TILE_NEAR, "tiles", wall_rgb=(206, 210, 212)),
    "restaurant": SettingLook(
        "wall", "shelves", "none", WOOD_FAR, WOOD_NEAR, "planks", wall_rgb=(150, 90, 70)
    ),
    "stage": SettingLook(
        "curtain", "none", "none", (120, 80, 50), (90, 60, 40), "stage", wall_rgb=(150, 20, 30)
    ),
    "castle": SettingLook(
        "sky", "castle", "walls", ROCK_FAR, ROCK_NEAR, "rock", (140, 140, 150), (130, 125, 120)
    ),
    "cave": SettingLook(
        "cave", "stalactites", "rocks", (80, 74, 68), (56, 50, 46), "rock", (60, 55, 52), (74, 68, 62)
    ),
}

_BY_GROUND: dict[str, SettingLook] = {
    "grass": LOOKS["park"],
    "sand": LOOKS["desert"],
    "asphalt": LOOKS["city street"],
    "wood": LOOKS["living room"],
    "snow": LOOKS["snowfield"],
    "tile": LOOKS["studio"],
    "rock": LOOKS["mountain"],
    "none": LOOKS["sky"],
}


def look_for(setting: str) -> SettingLook:
    """The look of `setting`; unknown settings fall back (and say so in the log)."""
    look = LOOKS.get(setting)
    if look is not None:
        return look
    place = PLACES.get(setting)
    if place is not None and place.ground in _BY_GROUND:
        logger.info("no drawn look for setting %r; drawing it from its %s ground", setting, place.ground)
        return _BY_GROUND[place.ground]
    logger.info("unknown setting %r; drawing an open park landscape", setting)
    return LOOKS["park"]


def is_indoor(look: SettingLook) -> bool:
    return look.sky in ("wall", "studio", "curtain", "cave")
