"""Vehicles: wheeled (`car` body plan), watercraft (`boat`), aircraft (`plane`) and rockets, at real sizes.

The renderer draws a vehicle from its shape and specialises by `type` where it can (a bicycle is a light `car`
body plan with two wheels and no cabin).
"""

from __future__ import annotations

from typing import Any

from mutoscope.backends.procedural.scene import RGB, Shape
from mutoscope.backends.procedural.vocabulary.concepts import Thing


def _vehicle(
    word: str, shape: Shape, size: tuple[float, float, float], *palettes: tuple[RGB, ...], **kw: Any
) -> Thing:
    height_m, width_m, mass_kg = size
    return Thing(word, "vehicle", shape, height_m, width_m, mass_kg, palettes, restitution=0.2, **kw)


RED, BLUE, WHITE, BLACK, SILVER = (200, 40, 40), (40, 90, 200), (240, 240, 240), (30, 30, 34), (180, 185, 190)
YELLOW, GREEN, ORANGE, GREY = (240, 200, 40), (50, 140, 70), (230, 120, 30), (110, 110, 115)

VEHICLES: dict[str, Thing] = {
    t.word: t
    for t in (
        _vehicle("car", "car", (1.45, 4.5, 1400), (RED, BLACK), (BLUE, BLACK), (SILVER, BLACK), (WHITE,
                 BLACK),
                 sound="engine", home="city street"),
        _vehicle("race car", "car", (1.1, 4.8, 800), (RED, WHITE), (YELLOW, BLACK), sound="race engine",
                 home="stadium"),
        _vehicle("taxi", "car", (1.5, 4.6, 1500), (YELLOW, BLACK), sound="engine", home="city street"),
        _vehicle("police car", "car", (1.5, 4.9, 1700), (WHITE, BLACK, BLUE), sound="siren",
                 home="city street"),
        _vehicle("bus", "car", (3.2, 12.0, 12000), (YELLOW, BLACK), (RED, WHITE), sound="diesel",
                 home="city street"),
        _vehicle("truck", "car", (3.5, 8.0, 9000), (WHITE, BLUE), (RED, SILVER), sound="diesel",
                 home="city street"),
        _vehicle("fire truck", "car", (3.3, 10.0, 15000), (RED, SILVER), sound="siren", home="city street"),
        _vehicle("ambulance", "car", (2.7, 6.0, 4000), (WHITE, RED), sound="siren", home="city street"),
        _vehicle("van", "car", (2.0, 5.0, 2200), (WHITE, GREY), (BLUE, WHITE), sound="engine",
                 home="city street"),
        _vehicle("tractor", "car", (2.8, 4.0, 5000), (GREEN, YELLOW), (RED, BLACK), sound="diesel",
                 home="farm"),
        _vehicle("bicycle", "car", (1.0, 1.75, 12), (RED, BLACK), (BLUE, SILVER), sound="bicycle",
                 home="park"),
        _vehicle("motorcycle", "car", (1.1, 2.1, 200), (BLACK, SILVER), (RED, BLACK), sound="motorcycle",
                 home="city street"),
        _vehicle("scooter", "car", (1.1, 1.8, 100), (WHITE, GREEN), (RED, WHITE), sound="motorcycle",
                 home="city street"),
        _vehicle("train", "car", (4.0, 25.0, 50000), (RED, GREY), (BLUE, WHITE), sound="train",
                 home="city street"),
        _vehicle("boat", "boat", (1.5, 5.0, 800), (WHITE, BLUE), (RED, WHITE), habitat="surface",
                 sound="motorboat",
                 home="lake"),
        _vehicle("sailboat", "boat", (8.0, 7.0, 2000), (WHITE, BLUE), habitat="surface", sound="sails",
                 home="ocean"),
        _vehicle("ship", "boat", (20.0, 60.0, 1e6), (BLACK, RED, WHITE), habitat="surface", sound="horn",
                 home="ocean"),
        _vehicle("canoe", "boat", (0.6, 4.5, 30), (ORANGE, BLACK), (GREEN, WHITE), habitat="surface",
                 sound="paddle", home="lake"),
        _vehicle("submarine", "boat", (5.0, 30.0, 1e6), (YELLOW, BLACK), habitat="water", sound="sonar",
                 home="underwater"),
        _vehicle("plane", "plane", (4.0, 30.0, 40000), (WHITE, BLUE), (SILVER, RED), habitat="air",
                 sound="jet", home="sky"),
        _vehicle("jet", "plane", (3.0, 15.0, 12000), (GREY, BLACK), habitat="air", sound="jet", home="sky"),
        _vehicle("helicopter", "plane", (3.5, 12.0, 3000), (RED, WHITE), (BLACK, YELLOW), habitat="air",
                 sound="rotor", home="city street"),
        _vehicle("hot air balloon", "ball", (20.0, 15.0, 400), (RED, YELLOW), (BLUE, WHITE), habitat="air",
                 sound="burner", home="sky"),
        _vehicle("rocket", "cylinder", (40.0, 4.0, 500000), (WHITE, RED), habitat="ground", sound="rocket",
                 home="desert"),
        _vehicle("spaceship", "plane", (8.0, 25.0, 80000), (SILVER, BLUE), habitat="air", sound="hum",
                 home="space"),
        _vehicle("ufo", "disc", (3.0, 10.0, 20000), (SILVER, GREEN), habitat="air", sound="hum",
                 home="desert"),
    )
}  # fmt: skip

SYNONYMS: dict[str, str] = {
    "automobile": "car", "auto": "car", "sedan": "car", "suv": "car", "jeep": "car", "convertible": "car",
    "vehicle": "car", "racecar": "race car", "sports car": "race car", "cab": "taxi", "cop car": "police car",
    "coach": "bus", "school bus": "bus", "lorry": "truck", "pickup": "truck", "pickup truck": "truck",
    "firetruck": "fire truck", "fire engine": "fire truck", "minivan": "van", "bike": "bicycle",
    "cycle": "bicycle", "motorbike": "motorcycle", "moped": "scooter", "vespa": "scooter",
    "locomotive": "train", "subway": "train", "metro": "train", "tram": "train", "streetcar": "train",
    "yacht": "sailboat", "sailing boat": "sailboat", "speedboat": "boat", "motorboat": "boat",
    "rowboat": "canoe", "kayak": "canoe", "raft": "canoe", "ferry": "ship", "cruise ship": "ship",
    "pirate ship": "ship", "airplane": "plane", "aeroplane": "plane", "airliner": "plane",
    "aircraft": "plane",
    "jet plane": "jet", "fighter jet": "jet", "chopper": "helicopter", "drone": "helicopter",
    "blimp": "hot air balloon", "airship": "hot air balloon", "spacecraft": "spaceship",
    "spaceshuttle": "spaceship", "space shuttle": "spaceship", "flying saucer": "ufo",
}  # fmt: skip
