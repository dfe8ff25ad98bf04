"""Objects: sports gear, furniture, instruments, food, tools, fixtures (static) and worn accessories.

Balls carry measured restitution (a basketball bounces back ~0.8 of its impact speed, a bowling ball hardly
at all). Fixtures (`kind="fixture"`) never move: hoops, beams, trees, ramps. Worn things (`habitat="worn"`)
become accessories drawn on a body, not entities, unless a remix makes one a product prop.
"""

from __future__ import annotations

from typing import Any

from mutoscope.backends.procedural.scene import RGB, Shape
from mutoscope.backends.procedural.vocabulary.concepts import Thing


def _obj(
    word: str, shape: Shape, size: tuple[float, float, float], *palettes: tuple[RGB, ...], **kw: Any
) -> Thing:
    height_m, width_m, mass_kg = size
    return Thing(word, "object", shape, height_m, width_m, mass_kg, palettes, **kw)


def _fix(
    word: str, shape: Shape, size: tuple[float, float, float], *palettes: tuple[RGB, ...], **kw: Any
) -> Thing:
    height_m, width_m, mass_kg = size
    return Thing(word, "fixture", shape, height_m, width_m, mass_kg, palettes, **kw)


def _worn(word: str, shape: Shape, size: tuple[float, float], *palettes: tuple[RGB, ...]) -> Thing:
    height_m, width_m = size
    return Thing(word, "object", shape, height_m, width_m, 0.3, palettes, habitat="worn")


WOOD, DARK_WOOD, STEEL, WHITE, BLACK = (
    (160, 115, 70),
    (95, 65, 40),
    (165, 170, 180),
    (242, 242, 238),
    (28, 28, 30),
)
RED, BLUE, GREEN, YELLOW, ORANGE = (205, 45, 40), (45, 95, 205), (60, 150, 70), (240, 205, 45), (225, 110, 35)
GOLD, BROWN, GREY, PINK, PURPLE = (
    (215, 175, 55),
    (120, 80, 45),
    (130, 130, 134),
    (240, 160, 190),
    (130, 70, 170),
)
TAN = (196, 160, 110)

OBJECTS: dict[str, Thing] = {
    t.word: t
    for t in (
        # Balls and sports gear.
        _obj("basketball", "ball", (0.24, 0.24, 0.62), (ORANGE, BLACK), restitution=0.8, friction=0.9,
             sound="bounce"),
        _obj("soccer ball", "ball", (0.22, 0.22, 0.43), (WHITE, BLACK), restitution=0.7, sound="thump"),
        _obj("tennis ball", "ball", (0.067, 0.067, 0.058), ((205, 225, 60), WHITE), restitution=0.75,
             sound="pock"),
        _obj("baseball", "ball", (0.074, 0.074, 0.145), (WHITE, RED), restitution=0.55, sound="thump"),
        _obj("golf ball", "ball", (0.043, 0.043, 0.046), (WHITE,), restitution=0.8, sound="click"),
        _obj("volleyball", "ball", (0.21, 0.21, 0.27), (WHITE, YELLOW, BLUE), restitution=0.7, sound="thump"),
        _obj("beach ball", "ball", (0.5, 0.5, 0.2), (RED, WHITE, BLUE, YELLOW), restitution=0.65,
             sound="thump"),
        _obj("bowling ball", "ball", (0.22, 0.22, 6.5), (BLACK, PURPLE), restitution=0.2, sound="thud"),
        _obj("ball", "ball", (0.2, 0.2, 0.4), (RED, WHITE), (BLUE, YELLOW), restitution=0.7, sound="bounce"),
        _obj("snowball", "ball", (0.1, 0.1, 0.2), (WHITE,), restitution=0.05, sound="thud"),
        _obj("balloon", "ball", (0.35, 0.3, 0.005), (RED,), (BLUE,), (YELLOW,), restitution=0.5,
             habitat="air",
             sound="squeak"),
        _obj("skateboard", "board", (0.1, 0.8, 3.5), (BLACK, RED), (WOOD, BLACK), friction=1.0,
             sound="wheels"),
        _obj("surfboard", "board", (0.08, 2.0, 6), (WHITE, BLUE), (YELLOW, RED), habitat="surface"),
        _obj("snowboard", "board", (0.05, 1.5, 4), (BLUE, WHITE), (BLACK, ORANGE)),
        _obj("skis", "board", (0.04, 1.7, 3), (RED, WHITE)),
        _obj("frisbee", "disc", (0.03, 0.27, 0.175), (RED,), (YELLOW,), (BLUE,), restitution=0.3,
             sound="whoosh"),
        _obj("kite", "board", (0.9, 0.8, 0.3), (RED, YELLOW), (BLUE, WHITE), habitat="air", sound="flutter"),
        _obj("paper airplane", "plane", (0.03, 0.25, 0.005), (WHITE,), habitat="air", sound="whoosh"),
        # Furniture and household things.
        _obj("box", "box", (0.5, 0.5, 5), ((190, 150, 100), BROWN), sound="thud"),
        _obj("crate", "box", (0.6, 0.6, 15), (WOOD, DARK_WOOD), sound="thud"),
        _obj("barrel", "cylinder", (0.9, 0.6, 40), (DARK_WOOD, STEEL), sound="thud"),
        _obj("chair", "box", (0.9, 0.5, 5), (WOOD, DARK_WOOD), (RED, BLACK), sound="scrape"),
        _obj("table", "box", (0.75, 1.4, 25), (WOOD, DARK_WOOD), (WHITE, STEEL), sound="thud"),
        _obj("sofa", "box", (0.85, 2.0, 50), (BLUE, GREY), (RED, BROWN), (GREY, WHITE)),
        _obj("bed", "box", (0.6, 2.0, 60), (WHITE, BLUE), (PINK, WHITE)),
        _obj("lamp", "stick", (1.5, 0.35, 4), (YELLOW, BLACK), (WHITE, STEEL)),
        _obj("pillow", "box", (0.15, 0.6, 0.5), (WHITE,), (BLUE,), (PINK,), restitution=0.1),
        _obj("umbrella", "cone", (1.0, 1.0, 0.8), (RED, BLACK), (BLUE, WHITE), (YELLOW, BLACK)),
        _obj("book", "box", (0.25, 0.18, 0.6), (RED, WHITE), (BLUE, WHITE), (GREEN, WHITE)),
        _obj("phone", "box", (0.15, 0.07, 0.2), (BLACK, STEEL), sound="ring"),
        _obj("laptop", "box", (0.25, 0.33, 1.5), (STEEL, BLACK), sound="typing"),
        _obj("television", "box", (0.6, 1.0, 12), (BLACK, GREY)),
        _obj("clock", "disc", (0.3, 0.3, 1), (WHITE, BLACK), sound="tick"),
        _obj("candle", "cylinder", (0.15, 0.03, 0.1), (WHITE, YELLOW)),
        _obj("lantern", "cylinder", (0.3, 0.2, 1), (RED, YELLOW), (YELLOW, BLACK)),
        _obj("suitcase", "box", (0.6, 0.4, 10), (BLACK,), (RED,), (BLUE,)),
        _obj("bag", "blob", (0.4, 0.35, 1.5), (BROWN,), (BLACK,), (RED,)),
        _obj("bucket", "cylinder", (0.3, 0.3, 1), (RED, STEEL), (BLUE, STEEL), sound="clank"),
        _obj("broom", "stick", (1.4, 0.3, 1), (WOOD, YELLOW)),
        _obj("shovel", "stick", (1.2, 0.25, 2), (WOOD, STEEL), sound="clank"),
        _obj("hammer", "stick", (0.3, 0.12, 0.6), (WOOD, STEEL), sound="clank"),
        _obj("rope", "stick", (2.0, 0.03, 1), (TAN,)),
        _obj("stick", "stick", (0.9, 0.05, 0.3), (BROWN,)),
        _obj("log", "cylinder", (0.35, 1.5, 50), (BROWN, TAN), sound="thud"),
        _obj("flag", "stick", (2.0, 1.0, 2), (RED, WHITE), (BLUE, YELLOW), sound="flutter"),
        _obj("sign", "board", (1.0, 1.2, 8), (WHITE, BLACK), (YELLOW, BLACK)),
        _obj("teddy bear", "blob", (0.4, 0.3, 0.5), (BROWN, TAN), (WHITE, PINK)),
        _obj("toy", "box", (0.2, 0.2, 0.3), (RED, YELLOW), (BLUE, GREEN)),
        _obj("sword", "stick", (1.0, 0.08, 1.5), (STEEL, GOLD), sound="clang"),
        _obj("shield", "disc", (0.7, 0.6, 5), (RED, GOLD), (BLUE, STEEL), sound="clang"),
        _obj("wand", "stick", (0.35, 0.02, 0.05), (DARK_WOOD, WHITE)),
        _obj("flower", "stick", (0.4, 0.1, 0.05), (RED, GREEN), (YELLOW, GREEN), (PINK, GREEN)),
        _obj("leaf", "disc", (0.01, 0.08, 0.002), (GREEN,), (ORANGE,), habitat="air"),
        _obj("feather", "stick", (0.2, 0.03, 0.001), (WHITE,), habitat="air"),
        # Instruments.
        _obj("guitar", "board", (1.0, 0.35, 3), (WOOD, BLACK), ((200, 40, 40), WHITE), sound="strum"),
        _obj("violin", "board", (0.6, 0.2, 0.5), (BROWN, BLACK), sound="violin"),
        _obj("drum", "cylinder", (0.5, 0.5, 5), (RED, WHITE), (BLUE, STEEL), sound="drum"),
        _obj("piano", "box", (1.0, 1.5, 250), (BLACK, WHITE), sound="piano"),
        _obj("trumpet", "cone", (0.15, 0.5, 1.1), (GOLD,), sound="trumpet"),
        _obj("microphone", "stick", (0.2, 0.05, 0.3), (BLACK, STEEL)),
        # Kitchen and food.
        _obj("cup", "cylinder", (0.1, 0.08, 0.3), (WHITE, RED), (BLUE, WHITE), sound="clink"),
        _obj("bottle", "cylinder", (0.25, 0.08, 0.8), (GREEN, WHITE), ((120, 180, 230), WHITE),
             sound="clink"),
        _obj("glass", "cylinder", (0.15, 0.07, 0.2), ((210, 230, 240), WHITE), sound="clink"),
        _obj("plate", "disc", (0.02, 0.26, 0.5), (WHITE,), sound="clink"),
        _obj("bowl", "cylinder", (0.08, 0.18, 0.4), (WHITE, BLUE), sound="clink"),
        _obj("frying pan", "disc", (0.05, 0.3, 1.2), (BLACK, STEEL), sound="sizzle"),
        _obj("pot", "cylinder", (0.2, 0.3, 2), (STEEL, BLACK), sound="clank"),
        _obj("teapot", "blob", (0.18, 0.25, 1), (WHITE, BLUE), (RED, WHITE), sound="clink"),
        _obj("apple", "ball", (0.08, 0.08, 0.2), (RED, GREEN), (GREEN,), restitution=0.2),
        _obj("orange", "ball", (0.08, 0.08, 0.2), (ORANGE,), restitution=0.2),
        _obj("banana", "stick", (0.04, 0.18, 0.12), (YELLOW, BROWN)),
        _obj("pizza", "disc", (0.03, 0.35, 0.8), ((230, 180, 90), RED)),
        _obj("pancake", "disc", (0.02, 0.2, 0.1), ((225, 175, 95), (150, 95, 45))),
        _obj("cake", "cylinder", (0.15, 0.25, 1.5), (PINK, WHITE), (BROWN, WHITE)),
        _obj("sandwich", "box", (0.06, 0.15, 0.3), ((220, 190, 130), GREEN)),
        _obj("ice cream", "cone", (0.15, 0.07, 0.15), (PINK, (220, 180, 120)), (WHITE, (220, 180, 120))),
        # Fixtures: they anchor actions and never move.
        _fix("hoop", "hoop", (3.05, 1.8, 150), (ORANGE, WHITE, STEEL), restitution=0.6, sound="rim"),
        _fix("goal", "hoop", (2.44, 7.32, 120), (WHITE, GREY), sound="net"),
        _fix("balance beam", "beam", (1.25, 5.0, 110), ((200, 170, 130), STEEL), restitution=0.1),
        _fix("trampoline", "box", (0.9, 3.0, 80), (BLACK, BLUE), restitution=0.95, sound="boing"),
        _fix("ramp", "ramp", (1.2, 3.0, 300), (WOOD, STEEL), (GREY, STEEL), sound="wheels"),
        _fix("ladder", "stick", (3.0, 0.5, 10), (STEEL,), (WOOD,), sound="clank"),
        _fix("bench", "box", (0.45, 1.6, 40), (WOOD, BLACK), (GREEN, BLACK)),
        _fix("fence", "box", (1.2, 3.0, 60), (WHITE,), (WOOD,)),
        _fix("wall", "box", (2.5, 4.0, 2000), ((190, 180, 170),), ((170, 90, 70),)),
        _fix("door", "box", (2.0, 0.9, 30), (BROWN, GOLD), (WHITE, STEEL), sound="creak"),
        _fix("tree", "tree", (6.0, 3.0, 1000), ((60, 130, 60), BROWN), ((200, 120, 50), BROWN),
             sound="rustle"),
        _fix("palm tree", "tree", (7.0, 3.0, 800), ((70, 150, 70), WOOD), sound="rustle"),
        _fix("bush", "blob", (1.0, 1.5, 50), ((60, 120, 60),), sound="rustle"),
        _fix("rock", "rock", (0.6, 0.9, 300), (GREY,), ((150, 130, 110),), restitution=0.2, sound="thud"),
        _fix("boulder", "rock", (2.0, 2.5, 8000), (GREY,), ((140, 120, 100),), restitution=0.2, sound="thud"),
        _fix("sandcastle", "blob", (0.5, 0.8, 40), ((225, 200, 150),)),
        _fix("tent", "cone", (1.5, 2.5, 8), (ORANGE, GREY), (GREEN, GREY)),
        _fix("campfire", "cone", (0.5, 0.8, 20), (ORANGE, YELLOW, BROWN), sound="fire"),
        _fix("building", "building", (12.0, 10.0, 1e6), ((180, 170, 160), (90, 120, 160)), ((150, 90, 70),
             WHITE)),
        _fix("house", "building", (6.0, 8.0, 1e5), (WHITE, RED), (YELLOW, BROWN)),
        _fix("street lamp", "stick", (4.0, 0.3, 100), (BLACK, YELLOW)),
        _fix("pedestal", "box", (1.0, 0.6, 60), (WHITE, GOLD)),
        # Worn accessories: drawn on a body.
        _worn("hat", "cylinder", (0.15, 0.3), (BROWN,), (BLACK,), (RED,)),
        _worn("top hat", "cylinder", (0.2, 0.3), (BLACK, RED)),
        _worn("cap", "cylinder", (0.1, 0.25), (RED,), (BLUE,), (BLACK,)),
        _worn("cowboy hat", "cylinder", (0.15, 0.4), (BROWN,)),
        _worn("chef hat", "cylinder", (0.25, 0.25), (WHITE,)),
        _worn("wizard hat", "cone", (0.4, 0.3), (PURPLE, YELLOW)),
        _worn("pirate hat", "cylinder", (0.15, 0.4), (BLACK, WHITE)),
        _worn("crown", "cylinder", (0.12, 0.2), (GOLD, RED)),
        _worn("helmet", "ball", (0.25, 0.25), (STEEL,), (RED,), (WHITE,)),
        _worn("space helmet", "ball", (0.35, 0.35), (WHITE, (100, 150, 220))),
        _worn("gold chain", "stick", (0.3, 0.2), (GOLD,)),
        _worn("necklace", "stick", (0.25, 0.15), (WHITE,), (GOLD,)),
        _worn("sunglasses", "stick", (0.05, 0.15), (BLACK,)),
        _worn("glasses", "stick", (0.05, 0.15), (BLACK,), (BROWN,)),
        _worn("goggles", "stick", (0.07, 0.18), (ORANGE, BLACK)),
        _worn("mask", "disc", (0.15, 0.15), (BLACK,), (WHITE,)),
        _worn("red nose", "ball", (0.05, 0.05), (RED,)),
        _worn("scarf", "stick", (0.3, 0.2), (RED,), (BLUE, WHITE), (GREEN,)),
        _worn("tie", "stick", (0.4, 0.08), (RED,), (BLUE,), (BLACK,)),
        _worn("bow tie", "stick", (0.06, 0.12), (BLACK,), (RED,)),
        _worn("cape", "board", (1.0, 0.5), (RED,), (BLACK, RED)),
        _worn("backpack", "box", (0.45, 0.3), (RED,), (BLUE,), (BLACK,)),
        _worn("sneakers", "box", (0.1, 0.28), (WHITE, RED), (BLACK, WHITE)),
        _worn("boots", "box", (0.25, 0.3), (BROWN,), (BLACK,)),
        _worn("watch", "disc", (0.04, 0.04), (GOLD,), (STEEL,)),
        _worn("headphones", "disc", (0.2, 0.2), (BLACK,), (WHITE,)),
        _worn("earrings", "disc", (0.03, 0.02), (GOLD,)),
        _worn("bracelet", "disc", (0.02, 0.07), (GOLD,), (WHITE,)),
        _worn("gloves", "box", (0.2, 0.1), (BLACK,), (WHITE,)),
        _worn("skinny jeans", "board", (0.9, 0.3), ((70, 100, 150),)),
    )
}  # fmt: skip

# Words for the top and bottom garments a humanoid always wears: "a man in a red shirt" recolours his top.
GARMENTS: dict[str, str] = {
    "shirt": "top", "t shirt": "top", "tshirt": "top", "blouse": "top", "jacket": "top", "coat": "top",
    "raincoat": "top", "trench coat": "top",
    "hoodie": "top", "sweater": "top", "jersey": "top", "uniform": "top", "suit": "top", "dress": "top",
    "gown": "top", "robe": "top", "tuxedo": "top", "vest": "top", "outfit": "top", "costume": "top",
    "clothes": "top", "pants": "bottom", "trousers": "bottom", "jeans": "bottom", "shorts": "bottom",
    "skirt": "bottom", "leggings": "bottom",
}  # fmt: skip

SYNONYMS: dict[str, str] = {
    "football": "soccer ball", "soccerball": "soccer ball", "bball": "basketball", "rubber ball": "ball",
    "basketball hoop": "hoop", "basket": "hoop", "rim": "hoop", "net": "goal", "soccer goal": "goal",
    "goalpost": "goal", "soccer": "soccer ball", "tennis": "tennis ball", "golf": "golf ball",
    "beam": "balance beam", "board": "skateboard", "deck": "skateboard",
    "longboard": "skateboard", "ski": "skis", "couch": "sofa", "armchair": "chair", "stool": "chair",
    "seat": "chair", "desk": "table", "counter": "table", "computer": "laptop", "notebook": "book",
    "smartphone": "phone", "cellphone": "phone", "mobile phone": "phone", "tv": "television",
    "screen": "television", "mug": "cup", "teacup": "cup", "coffee": "cup", "tea": "cup", "jar": "bottle",
    "can": "bottle",
    "wine glass": "glass", "dish": "plate", "pan": "frying pan", "skillet": "frying pan", "wok": "frying pan",
    "kettle": "teapot", "saucepan": "pot", "cauldron": "pot", "stone": "rock", "pebble": "rock",
    "branch": "stick", "twig": "stick", "baseball bat": "stick", "golf club": "stick", "racket": "stick",
    "racquet": "stick",
    "trunk": "log", "package": "box", "parcel": "box", "present": "box", "gift": "box",
    "cardboard box": "box",
    "chest": "crate", "keg": "barrel", "parasol": "umbrella", "drums": "drum", "drum kit": "drum",
    "keyboard": "piano", "fiddle": "violin", "cello": "violin", "saxophone": "trumpet", "horn": "trumpet",
    "flute": "trumpet", "mic": "microphone", "kite string": "kite", "plushie": "teddy bear",
    "stuffed animal": "teddy bear", "teddy": "teddy bear", "doll": "toy", "blocks": "toy", "lego": "toy",
    "rose": "flower", "tulip": "flower", "sunflower": "flower", "bouquet": "flower", "plant": "flower",
    "cookie": "cake", "cupcake": "cake", "donut": "cake", "bread": "sandwich", "burger": "sandwich",
    "hamburger": "sandwich", "taco": "sandwich", "noodles": "bowl", "soup": "bowl", "rice": "bowl",
    "hot dog": "sandwich", "hotdog": "sandwich", "crepe": "pancake", "omelette": "pancake",
    "omelet": "pancake", "ketchup": "bottle", "perfume": "bottle", "sauce": "bottle", "soda": "bottle",
    "sushi": "plate", "food": "plate", "meal": "plate", "fruit": "apple", "pear": "apple", "lemon": "orange",
    "katana": "sword", "blade": "sword", "staff": "wand", "torch": "lantern", "flashlight": "lantern",
    "luggage": "suitcase", "purse": "bag", "handbag": "bag", "sack": "bag", "tote": "bag",
    "pole": "street lamp", "lamppost": "street lamp", "streetlight": "street lamp",
    "lamp post": "street lamp",
    "oak": "tree", "pine": "tree", "pine tree": "tree", "oak tree": "tree", "palm": "palm tree",
    "shrub": "bush", "hedge": "bush", "gate": "fence", "skyscraper": "building", "tower": "building",
    "apartment": "building", "shop": "building", "store": "building", "cabin": "house", "hut": "house",
    "home": "house", "bonfire": "campfire", "fire": "campfire", "halfpipe": "ramp", "half pipe": "ramp",
    "kicker": "ramp", "bouncy castle": "trampoline", "stairs": "ladder", "steps": "ladder",
    "podium": "pedestal", "stand": "pedestal", "billboard": "sign", "poster": "sign", "banner": "sign",
    "placard": "sign", "fedora": "hat", "beanie": "hat", "sombrero": "hat", "baseball cap": "cap",
    "tophat": "top hat", "top-hat": "top hat", "stovepipe hat": "top hat", "tiara": "crown",
    "chain": "gold chain", "gold necklace": "gold chain", "bling": "gold chain", "pendant": "necklace",
    "collar": "necklace",
    "shades": "sunglasses", "sunnies": "sunglasses", "spectacles": "glasses", "eyeglasses": "glasses",
    "muffler": "scarf", "necktie": "tie", "bowtie": "bow tie", "cloak": "cape", "rucksack": "backpack",
    "knapsack": "backpack", "sneaker": "sneakers", "shoes": "sneakers", "trainers": "sneakers",
    "boot": "boots", "wristwatch": "watch", "earphones": "headphones",
    "earbuds": "headphones", "mittens": "gloves", "glove": "gloves", "accessory": "necklace",
    "jewelry": "necklace", "jewellery": "necklace", "item": "box", "object": "box", "thing": "box",
    "product": "box", "prop": "box", "mirror": "sign", "painting": "sign", "picture": "sign",
    "whiteboard": "sign", "blackboard": "sign", "gem": "rock", "crystal": "rock",
}  # fmt: skip
