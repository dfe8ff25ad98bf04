"""Animals: body plan, realistic size and mass, coat colours, habitat, call and home setting."""

from __future__ import annotations

from typing import Any

from mutoscope.backends.procedural.scene import RGB, Shape
from mutoscope.backends.procedural.vocabulary.concepts import Thing


def _animal(
    word: str, shape: Shape, size: tuple[float, float, float], *palettes: tuple[RGB, ...], **kw: Any
) -> Thing:
    height_m, width_m, mass_kg = size
    return Thing(word, "animal", shape, height_m, width_m, mass_kg, palettes, restitution=0.15, **kw)


BROWN, TAN, BLACK, WHITE, GREY = (
    (120, 80, 45),
    (196, 160, 110),
    (35, 32, 30),
    (240, 238, 230),
    (128, 128, 128),
)
GOLD, ORANGE, GREEN, PINK = (212, 170, 60), (226, 120, 40), (70, 140, 60), (240, 170, 170)

ANIMALS: dict[str, Thing] = {
    t.word: t
    for t in (
        _animal("dog", "quadruped", (0.6, 0.9, 25), (BROWN, TAN), (BLACK, WHITE), (GOLD, WHITE), (WHITE,
                BLACK),
                sound="bark", home="park"),
        _animal("cat", "quadruped", (0.3, 0.5, 4.5), (ORANGE, WHITE), (GREY, WHITE), (BLACK, WHITE),
                sound="meow", home="living room"),
        _animal("horse", "quadruped", (1.6, 2.4, 500), (BROWN, BLACK), (WHITE, GREY), (BLACK, WHITE),
                sound="neigh", home="farm"),
        _animal("cow", "quadruped", (1.5, 2.4, 700), (WHITE, BLACK), (BROWN, WHITE), sound="moo",
                home="farm"),
        _animal("pig", "quadruped", (0.9, 1.4, 150), (PINK, (200, 130, 130)), sound="oink", home="farm"),
        _animal("sheep", "quadruped", (0.9, 1.2, 70), (WHITE, BLACK), sound="baa", home="farm"),
        _animal("goat", "quadruped", (0.8, 1.1, 60), (WHITE, TAN), (BROWN, WHITE), sound="bleat",
                home="farm"),
        _animal("chicken", "bird", (0.5, 0.4, 2.5), (WHITE, (220, 40, 30)), (BROWN, (220, 40, 30)),
                sound="cluck", home="farm"),
        _animal("rabbit", "quadruped", (0.25, 0.4, 2), (WHITE, PINK), (GREY, WHITE), (BROWN, WHITE),
                home="park"),
        _animal("mouse", "quadruped", (0.06, 0.1, 0.03), (GREY, PINK), sound="squeak", home="kitchen"),
        _animal("squirrel", "quadruped", (0.15, 0.25, 0.5), (BROWN, TAN), (GREY, WHITE), home="park"),
        _animal("bear", "quadruped", (1.2, 2.0, 300), (BROWN, TAN), (BLACK, TAN), (WHITE, GREY),
                sound="growl", home="forest"),
        _animal("panda", "quadruped", (0.9, 1.6, 110), (WHITE, BLACK), home="forest"),
        _animal("lion", "quadruped", (1.2, 2.0, 190), (GOLD, BROWN), sound="roar", home="savanna"),
        _animal("tiger", "quadruped", (1.0, 2.2, 220), (ORANGE, BLACK, WHITE), sound="roar", home="jungle"),
        _animal("elephant", "quadruped", (3.0, 5.5, 5000), (GREY, (100, 100, 100)), sound="trumpet",
                home="savanna"),
        _animal("giraffe", "quadruped", (5.0, 3.0, 1000), (GOLD, BROWN), home="savanna"),
        _animal("zebra", "quadruped", (1.4, 2.3, 350), (WHITE, BLACK), home="savanna"),
        _animal("monkey", "quadruped", (0.6, 0.5, 8), (BROWN, TAN), sound="chatter", home="jungle"),
        _animal("gorilla", "quadruped", (1.6, 1.2, 160), (BLACK, GREY), sound="grunt", home="jungle"),
        _animal("fox", "quadruped", (0.4, 0.7, 6), (ORANGE, WHITE), sound="yip", home="forest"),
        _animal("wolf", "quadruped", (0.8, 1.3, 40), (GREY, WHITE), (BLACK, GREY), sound="howl",
                home="forest"),
        _animal("deer", "quadruped", (1.1, 1.7, 90), (BROWN, WHITE), home="forest"),
        _animal("kangaroo", "quadruped", (1.5, 1.2, 60), (TAN, WHITE), home="desert"),
        _animal("camel", "quadruped", (2.0, 2.8, 500), (TAN, BROWN), home="desert"),
        _animal("unicorn", "quadruped", (1.6, 2.4, 450), (WHITE, PINK, GOLD), sound="neigh", home="forest"),
        _animal("dinosaur", "quadruped", (4.0, 9.0, 7000), (GREEN, BROWN), sound="roar", home="jungle"),
        _animal("turtle", "quadruped", (0.25, 0.5, 10), (GREEN, BROWN), home="beach"),
        _animal("lizard", "quadruped", (0.05, 0.3, 0.1), (GREEN, TAN), home="desert"),
        _animal("frog", "quadruped", (0.06, 0.1, 0.05), (GREEN, (200, 220, 90)), sound="croak", home="lake"),
        _animal("crocodile", "quadruped", (0.4, 3.5, 400), ((70, 90, 50), TAN), home="lake"),
        _animal("snake", "serpent", (0.1, 1.5, 2), (GREEN, GOLD), (BROWN, TAN), (BLACK, ORANGE), sound="hiss",
                home="jungle"),
        # Drawn serpentine (an eastern dragon) so it reads as a dragon in flight as well as on the ground.
        _animal("dragon", "serpent", (1.5, 8.0, 2000), ((200, 40, 30), GOLD), (GREEN, GOLD), (BLACK, (150,
                40, 200)),
                habitat="air", sound="roar", home="mountain"),
        _animal("bird", "bird", (0.15, 0.2, 0.05), ((60, 110, 200), WHITE), ((200, 60, 40), BROWN), (BROWN,
                TAN),
                habitat="air", sound="chirp", home="park"),
        _animal("eagle", "bird", (0.8, 0.9, 5), (BROWN, WHITE, GOLD), habitat="air", sound="screech",
                home="mountain"),
        _animal("owl", "bird", (0.5, 0.4, 1.5), (BROWN, TAN), (WHITE, GREY), habitat="air", sound="hoot",
                home="forest"),
        _animal("parrot", "bird", (0.4, 0.3, 0.4), ((220, 40, 40), (40, 80, 220), GOLD), ((60, 180, 70),
                GOLD),
                habitat="air", sound="squawk", home="jungle"),
        _animal("seagull", "bird", (0.4, 0.4, 1), (WHITE, GREY), habitat="air", sound="gull", home="beach"),
        _animal("bat", "bird", (0.1, 0.15, 0.03), (BLACK, BROWN), habitat="air", sound="squeak",
                home="forest"),
        _animal("butterfly", "insect", (0.05, 0.08, 0.0005), (ORANGE, BLACK), ((80, 120, 230), BLACK),
                habitat="air", home="park"),
        _animal("bee", "insect", (0.015, 0.02, 0.0001), (GOLD, BLACK), habitat="air", sound="buzz",
                home="park"),
        _animal("spider", "insect", (0.03, 0.06, 0.002), (BLACK, BROWN), home="forest"),
        _animal("crab", "insect", (0.1, 0.2, 0.5), ((210, 70, 40), WHITE), home="beach"),
        _animal("penguin", "bird", (0.7, 0.35, 20), (BLACK, WHITE, ORANGE), sound="squawk", home="snowfield"),
        _animal("duck", "bird", (0.4, 0.5, 1.2), (WHITE, ORANGE), ((60, 110, 60), BROWN, ORANGE),
                habitat="surface",
                sound="quack", home="lake"),
        _animal("swan", "bird", (0.9, 1.2, 10), (WHITE, ORANGE), (BLACK, (200, 40, 40)), habitat="surface",
                home="lake"),
        _animal("fish", "fish", (0.15, 0.3, 0.5), (ORANGE, WHITE), ((80, 140, 220), GOLD), (GREY, WHITE),
                habitat="water", home="underwater"),
        _animal("shark", "fish", (1.0, 4.0, 900), (GREY, WHITE), habitat="water", home="underwater"),
        _animal("dolphin", "fish", (0.8, 2.5, 150), ((120, 130, 150), WHITE), habitat="water", sound="click",
                home="ocean"),
        _animal("whale", "fish", (3.0, 15.0, 40000), ((50, 60, 90), (200, 200, 210)), habitat="water",
                sound="whale song", home="ocean"),
        _animal("octopus", "blob", (0.6, 0.9, 10), ((190, 70, 90), PINK), habitat="water", home="underwater"),
        _animal("jellyfish", "blob", (0.3, 0.3, 0.5), ((220, 180, 240), WHITE), habitat="water",
                home="underwater"),
    )
}  # fmt: skip

SYNONYMS: dict[str, str] = {
    "puppy": "dog", "hound": "dog", "doggy": "dog", "doggo": "dog", "pup": "dog", "poodle": "dog",
    "labrador": "dog", "retriever": "dog", "corgi": "dog", "terrier": "dog", "bulldog": "dog", "husky": "dog",
    "dachshund": "dog", "beagle": "dog", "shepherd dog": "dog", "german shepherd": "dog", "canine": "dog",
    "kitten": "cat", "kitty": "cat", "feline": "cat", "tabby": "cat", "pony": "horse", "stallion": "horse",
    "mare": "horse", "foal": "horse", "bull": "cow", "calf": "cow", "ox": "cow", "cattle": "cow",
    "piglet": "pig", "hog": "pig", "lamb": "sheep", "ram": "sheep", "hen": "chicken", "rooster": "chicken",
    "chick": "chicken", "bunny": "rabbit", "hare": "rabbit", "rat": "mouse", "hamster": "mouse",
    "grizzly": "bear", "polar bear": "bear", "lioness": "lion", "cub": "lion",
    "chimp": "monkey", "chimpanzee": "monkey", "ape": "gorilla", "orangutan": "monkey", "coyote": "wolf",
    "reindeer": "deer", "moose": "deer", "elk": "deer", "stag": "deer", "fawn": "deer",
    "alligator": "crocodile",
    "gator": "crocodile", "tortoise": "turtle", "gecko": "lizard", "iguana": "lizard", "chameleon": "lizard",
    "toad": "frog", "python": "snake", "cobra": "snake", "serpent": "snake", "viper": "snake",
    "wyvern": "dragon", "drake": "dragon", "t rex": "dinosaur", "trex": "dinosaur", "dino": "dinosaur",
    "raptor": "dinosaur", "sparrow": "bird", "robin": "bird", "pigeon": "bird", "dove": "bird",
    "crow": "bird",
    "raven": "bird", "songbird": "bird", "finch": "bird", "hummingbird": "bird", "hawk": "eagle",
    "falcon": "eagle", "vulture": "eagle", "condor": "eagle", "gull": "seagull", "pelican": "seagull",
    "flamingo": "swan", "goose": "swan", "duckling": "duck", "goldfish": "fish", "salmon": "fish",
    "trout": "fish", "tuna": "fish", "clownfish": "fish", "orca": "whale", "porpoise": "dolphin",
    "squid": "octopus", "moth": "butterfly", "wasp": "bee", "hornet": "bee", "ladybug": "bee",
    "insect": "bee", "bug": "bee", "lobster": "crab", "pet": "dog", "animal": "dog", "critter": "rabbit",
    "creature": "dog", "beast": "bear", "mammal": "dog", "fowl": "chicken", "jaguar": "tiger",
    "leopard": "tiger", "cheetah": "tiger", "panther": "tiger", "lynx": "cat", "llama": "camel",
    "alpaca": "camel", "donkey": "horse", "mule": "horse", "hippo": "elephant", "rhino": "elephant",
    "hippopotamus": "elephant", "rhinoceros": "elephant", "walrus": "whale", "seal": "dolphin",
    "sea lion": "dolphin", "otter": "dolphin", "beaver": "squirrel", "raccoon": "fox", "hedgehog": "mouse",
    "koala": "bear", "sloth": "monkey", "pegasus": "unicorn", "wren": "bird", "parakeet": "parrot",
    "macaw": "parrot", "cockatoo": "parrot", "tadpole": "fish", "stingray": "fish", "eel": "snake",
}  # fmt: skip
