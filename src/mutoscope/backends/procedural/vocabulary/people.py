"""People: person roles mapped to humanoid bodies, plus skin, hair and first-name tables.

A humanoid's palette is ordered (skin, hair, top, bottom, *accents). A role's `palettes` hold its clothing
options (top, bottom, *accents); the planner puts a skin tone and hair colour (chosen by seed) in front.
`ROLE_ACCESSORIES` are worn items a role always has (an astronaut's helmet); `FIRST_NAMES` gives a likely
gender for common names so a named speaker gets a fitting voice.
"""

from __future__ import annotations

from typing import Any

from mutoscope.backends.procedural.scene import RGB
from mutoscope.backends.procedural.vocabulary.concepts import Gender, Thing


def _person(word: str, size: tuple[float, float, float], *palettes: tuple[RGB, ...], **kw: Any) -> Thing:
    height_m, width_m, mass_kg = size
    return Thing(word, "person", "humanoid", height_m, width_m, mass_kg, palettes, restitution=0.1, **kw)


ADULT, WOMAN, CHILD = (1.75, 0.45, 72), (1.65, 0.42, 62), (1.2, 0.32, 24)
RED, BLUE, NAVY, WHITE, BLACK = (200, 50, 45), (50, 90, 200), (30, 40, 80), (240, 240, 236), (30, 30, 32)
DENIM, KHAKI, GREEN, YELLOW, GREY = (
    (70, 100, 150),
    (190, 170, 120),
    (60, 130, 70),
    (235, 200, 50),
    (120, 120, 125),
)
PURPLE, ORANGE, PINK, STEEL = (120, 60, 160), (230, 120, 40), (230, 130, 170), (170, 175, 185)
CASUAL = ((RED, DENIM), (WHITE, DENIM), (GREEN, KHAKI), (YELLOW, NAVY), (BLUE, BLACK), (GREY, DENIM))

PEOPLE: dict[str, Thing] = {
    t.word: t
    for t in (
        _person("person", ADULT, *CASUAL),
        _person("man", (1.78, 0.47, 78), *CASUAL, gender="m"),
        _person("woman", WOMAN, *CASUAL, (PURPLE, BLACK), gender="f"),
        _person("child", CHILD, (ORANGE, DENIM), (GREEN, NAVY), (PINK, DENIM), home="park"),
        _person("boy", (1.35, 0.34, 30), (BLUE, DENIM), (RED, KHAKI), gender="m", home="park"),
        _person("girl", (1.3, 0.33, 28), (PINK, DENIM), (YELLOW, PURPLE), gender="f", home="park"),
        _person("baby", (0.7, 0.3, 8), (WHITE, WHITE), (YELLOW, YELLOW), home="living room"),
        _person("old man", (1.72, 0.46, 75), (GREY, KHAKI), (NAVY, GREY), gender="m", home="park"),
        _person("old woman", (1.6, 0.42, 60), (PURPLE, GREY), (PINK, NAVY), gender="f", home="park"),
        _person("gymnast", (1.6, 0.38, 52), (PURPLE, PURPLE), (RED, RED), (BLUE, WHITE), home="gym"),
        _person("skater", ADULT, (RED, DENIM), (BLACK, KHAKI), home="skatepark", prop="skateboard"),
        _person("dancer", (1.68, 0.4, 58), (BLACK, BLACK), (RED, BLACK), (WHITE, PINK), home="stage"),
        _person("ballerina", (1.65, 0.38, 50), (PINK, PINK, WHITE), gender="f", home="stage"),
        _person("chef", ADULT, (WHITE, BLACK), home="kitchen"),
        _person("astronaut", ADULT, (WHITE, WHITE, ORANGE), home="space"),
        _person("knight", (1.8, 0.55, 95), (STEEL, STEEL, RED), gender="m", home="castle"),
        _person("basketball player", (1.98, 0.5, 95), (ORANGE, ORANGE), (BLUE, BLUE), (WHITE, RED),
                home="basketball court", prop="basketball"),
        _person("soccer player", (1.8, 0.46, 75), (RED, WHITE), (BLUE, WHITE), home="stadium",
                prop="soccer ball"),
        _person("tennis player", (1.8, 0.45, 72), (WHITE, WHITE), home="stadium", prop="tennis ball"),
        _person("athlete", (1.8, 0.46, 75), (RED, BLACK), (BLUE, BLACK), home="stadium"),
        _person("runner", (1.75, 0.42, 65), (YELLOW, BLACK), (BLUE, BLACK), home="park"),
        _person("swimmer", (1.8, 0.46, 75), (BLACK, BLACK), (RED, RED), home="pool"),
        _person("surfer", ADULT, (BLACK, BLUE), (YELLOW, RED), home="beach", prop="surfboard"),
        _person("skier", ADULT, (RED, BLACK), (BLUE, WHITE), home="snowfield", prop="skis"),
        _person("cyclist", ADULT, (YELLOW, BLACK), home="city street", prop="bicycle"),
        _person("singer", ADULT, (PURPLE, BLACK), (RED, BLACK), home="stage", prop="microphone"),
        _person("musician", ADULT, (BLACK, DENIM), home="stage", prop="guitar"),
        _person("guitarist", ADULT, (BLACK, DENIM), (RED, BLACK), home="stage", prop="guitar"),
        _person("drummer", ADULT, (WHITE, BLACK), home="stage", prop="drum"),
        _person("pianist", ADULT, (BLACK, BLACK, WHITE), home="stage", prop="piano"),
        _person("doctor", ADULT, (WHITE, NAVY), home="office"),
        _person("police officer", ADULT, (NAVY, NAVY), home="city street"),
        _person("firefighter", (1.8, 0.5, 85), (KHAKI, KHAKI, YELLOW), home="city street"),
        _person("farmer", ADULT, (DENIM, DENIM, RED), home="farm"),
        _person("teacher", ADULT, (GREEN, KHAKI), home="classroom"),
        _person("student", (1.6, 0.4, 55), (BLUE, DENIM), (RED, KHAKI), home="classroom"),
        _person("office worker", ADULT, (WHITE, NAVY), (BLUE, GREY), home="office"),
        _person("clown", ADULT, (YELLOW, RED, BLUE), home="stage"),
        _person("pirate", ADULT, (WHITE, BLACK, RED), home="beach"),
        _person("wizard", ADULT, (PURPLE, PURPLE, YELLOW), (NAVY, NAVY, WHITE), home="castle"),
        _person("ninja", ADULT, (BLACK, BLACK), home="city street"),
        _person("cowboy", ADULT, (RED, DENIM, (120, 80, 45)), gender="m", home="desert"),
        _person("king", ADULT, (RED, PURPLE, YELLOW), gender="m", home="castle"),
        _person("queen", WOMAN, (PURPLE, PURPLE, YELLOW), gender="f", home="castle"),
        _person("princess", WOMAN, (PINK, PINK, YELLOW), gender="f", home="castle"),
        _person("superhero", (1.85, 0.52, 90), (BLUE, RED, YELLOW), (RED, BLACK, YELLOW), home="city street"),
        _person("scientist", ADULT, (WHITE, GREY), home="office"),
        _person("robot", (1.8, 0.5, 120), (STEEL, STEEL, BLUE), home="city street"),
        _person("ghost", ADULT, (WHITE, WHITE), home="castle"),
        _person("zombie", ADULT, ((110, 140, 100), (90, 80, 70)), home="city street"),
        _person("crowd member", ADULT, *CASUAL),
    )
}  # fmt: skip

ROLE_ACCESSORIES: dict[str, tuple[str, ...]] = {
    "astronaut": ("space helmet",), "knight": ("helmet",), "chef": ("chef hat",), "cowboy": ("cowboy hat",),
    "wizard": ("wizard hat",), "pirate": ("pirate hat",), "king": ("crown",), "queen": ("crown",),
    "princess": ("crown",), "clown": ("red nose",), "police officer": ("cap",), "firefighter": ("helmet",),
    "ninja": ("mask",), "superhero": ("cape",), "cyclist": ("helmet",), "skier": ("goggles",),
}  # fmt: skip

SKIN_TONES: tuple[RGB, ...] = (
    (255, 224, 196), (241, 194, 157), (224, 172, 128), (198, 134, 90), (160, 102, 62), (120, 76, 46), (92,
    58, 38),
)  # fmt: skip
HAIR_COLOURS: tuple[RGB, ...] = (
    (30, 24, 20), (70, 45, 30), (120, 80, 40), (200, 160, 90), (160, 60, 30), (150, 150, 150),
)  # fmt: skip
# Costumed roles whose "skin" is a suit or a shell, not a skin tone.
ROLE_SKIN: dict[str, RGB] = {
    "robot": STEEL,
    "ghost": WHITE,
    "zombie": (130, 160, 110),
    "astronaut": (250, 250, 250),
}

SYNONYMS: dict[str, str] = {
    "people": "person", "human": "person", "someone": "person", "somebody": "person", "individual": "person",
    "guy": "man", "dude": "man", "gentleman": "man", "father": "man", "dad": "man", "husband": "man",
    "brother": "man", "grandpa": "old man", "grandfather": "old man", "elderly man": "old man",
    "lady": "woman", "mother": "woman", "mom": "woman", "wife": "woman", "sister": "woman",
    "grandma": "old woman", "grandmother": "old woman", "elderly woman": "old woman", "kid": "child",
    "toddler": "child", "son": "boy", "daughter": "girl", "teenager": "student", "teen": "student",
    "infant": "baby", "skateboarder": "skater", "skateboard rider": "skater", "ice skater": "skater",
    "acrobat": "gymnast", "tumbler": "gymnast", "ballet dancer": "ballerina", "breakdancer": "dancer",
    "cook": "chef", "baker": "chef", "spaceman": "astronaut", "cosmonaut": "astronaut", "warrior": "knight",
    "soldier": "knight", "samurai": "knight", "basketballer": "basketball player",
    "baller": "basketball player",
    "hooper": "basketball player", "footballer": "soccer player", "football player": "soccer player",
    "goalkeeper": "soccer player", "player": "athlete", "sportsman": "athlete", "jogger": "runner",
    "sprinter": "runner", "diver": "swimmer", "snowboarder": "skier", "biker": "cyclist", "rider": "cyclist",
    "rapper": "singer", "vocalist": "singer", "performer": "singer", "band member": "musician",
    "violinist": "musician", "nurse": "doctor", "surgeon": "doctor", "cop": "police officer",
    "policeman": "police officer", "policewoman": "police officer", "fireman": "firefighter",
    "professor": "teacher", "pupil": "student", "businessman": "office worker",
    "businesswoman": "office worker",
    "worker": "office worker", "employee": "office worker", "boss": "office worker", "magician": "wizard",
    "witch": "wizard", "sorcerer": "wizard", "cowgirl": "cowboy", "prince": "king", "emperor": "king",
    "empress": "queen", "android": "robot", "cyborg": "robot", "hero": "superhero",
    "spectator": "crowd member",
    "fan": "crowd member", "tourist": "person", "traveler": "person", "pedestrian": "person",
    "friend": "person", "stranger": "person", "chemist": "scientist",
    "researcher": "scientist", "pilot": "person", "driver": "person", "captain": "pirate",
    "reporter": "person", "news reporter": "person", "journalist": "person", "newscaster": "person",
    "news anchor": "person", "presenter": "person", "host": "person", "interviewer": "person",
    "detective": "person", "spy": "person", "wakeboarder": "surfer", "kitesurfer": "surfer",
    "windsurfer": "surfer", "bodyboarder": "surfer", "shopper": "person", "vendor": "person",
    "customer": "person", "waiter": "person", "waitress": "person",
}  # fmt: skip

_NAME_LISTS: tuple[tuple[str, Gender], ...] = (
    (
        "maria mary anna ana sofia sophia emma olivia ava mia isabella lucia elena laura sara sarah julia "
        "marie camille chloe lea claire amelie hannah lena mia leonie giulia chiara francesca beatriz "
        "fernanda camila valentina carmen rosa alice lily grace zoe emily jane kate linda susan lisa nina "
        "mei li ling xiu yan fang hua aiko yuki sakura priya aisha fatima amara",
        "f",
    ),
    (
        "john james david michael robert william tom thomas jack harry oliver noah liam lucas leo max "
        "carlos juan jose luis miguel pedro pablo diego javier antonio pierre jean louis hugo paul "
        "hans karl felix lukas jonas marco luca giovanni matteo joao rafael bruno tiago wei jun hao "
        "ming kenji hiro takeshi raj arjun omar ali ahmed kwame bob steve mike sam ben alex",
        "m",
    ),
)
FIRST_NAMES: dict[str, Gender] = {name: gender for names, gender in _NAME_LISTS for name in names.split()}
