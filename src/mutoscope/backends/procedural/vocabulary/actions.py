"""Actions: canonical verbs with the parameters the simulator performs them with, and the words for them.

Parameter names (all floats): `speed_m_s` (travel speed), `height_m` (apex above the take-off point),
`rotations` (body turns; a backflip is 1), `board_rotations` (a kickflip's board turns), `success` (1 = it
works: the shot goes in, the flip lands; 0 = a real, physical failure: the ball rebounds off the rim, the
gymnast falls), `energy` (0..1 amplitude of dancing, waving...).

One-shot verbs (`duration_s > 0`) happen once at their natural length; continuous verbs fill the time they
are given. `prop` is the object a verb needs (a kickflip needs a skateboard); `fixture` what it aims at.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from mutoscope.backends.procedural.vocabulary.concepts import Verb, split_words


def _v(verb: str, duration_s: float = 0.0, **kw: Any) -> Verb:
    params = MappingProxyType(dict(kw.pop("params", {})))
    return Verb(verb, duration_s, params, **kw)


VERBS: dict[str, Verb] = {
    v.verb: v
    for v in (
        _v("walk", params={"speed_m_s": 1.4}, travels=True),
        _v("run", params={"speed_m_s": 4.0}, travels=True),
        _v("crawl", params={"speed_m_s": 0.4}, travels=True),
        _v("jump", 0.8, params={"height_m": 0.5}),
        _v("backflip", 1.2, params={"height_m": 0.6, "rotations": 1.0, "success": 1.0}),
        _v("frontflip", 1.2, params={"height_m": 0.6, "rotations": 1.0, "success": 1.0}),
        _v("cartwheel", 1.2, params={"rotations": 1.0, "success": 1.0}, travels=True),
        _v("handstand", 2.0, params={"success": 1.0}),
        _v(
            "kickflip",
            1.0,
            params={"height_m": 0.3, "board_rotations": 1.0, "success": 1.0},
            prop="skateboard",
        ),
        _v("ollie", 0.8, params={"height_m": 0.3, "success": 1.0}, prop="skateboard"),
        _v("skate", params={"speed_m_s": 3.0}, prop="skateboard", travels=True),
        _v("surf", params={"speed_m_s": 3.0}, prop="surfboard", medium="water", travels=True),
        _v("ski", params={"speed_m_s": 6.0}, prop="skis", travels=True),
        _v("dribble", params={"speed_m_s": 1.5}, prop="basketball"),
        _v("shoot", 1.2, params={"success": 1.0}, prop="basketball", fixture="hoop"),
        _v("dunk", 1.0, params={"height_m": 0.9, "success": 1.0}, prop="basketball", fixture="hoop"),
        _v("throw", 0.8, params={"speed_m_s": 8.0, "success": 1.0}, prop="ball"),
        _v("catch", 0.6, params={"success": 1.0}),
        _v("kick", 0.6, params={"speed_m_s": 10.0, "success": 1.0}, prop="soccer ball"),
        _v("juggle", params={"height_m": 0.6}, prop="ball"),
        _v("fall", 1.0),
        _v("dance", params={"energy": 0.7}),
        _v("spin", 1.0, params={"rotations": 2.0}),
        _v("swim", params={"speed_m_s": 1.0}, medium="water", travels=True),
        _v("dive", 1.2, params={"height_m": 0.5}, medium="water"),
        _v("float"),
        _v("fly", params={"speed_m_s": 5.0}, medium="air", travels=True),
        _v("take off", 2.0, params={"height_m": 5.0}, medium="air"),
        _v("land", 2.0),
        _v("drive", params={"speed_m_s": 10.0}, travels=True),
        _v("ride", params={"speed_m_s": 5.0}, travels=True),
        _v("crash", 1.0, params={"speed_m_s": 8.0}),
        _v("roll", params={"speed_m_s": 2.0}, travels=True),
        _v("bounce", params={"height_m": 1.0}),
        _v("climb", params={"height_m": 2.0}),
        _v("chase", params={"speed_m_s": 5.0}, travels=True),
        _v("push", 1.0, params={"force_n": 200.0}),
        _v("pull", 1.0, params={"force_n": 200.0}),
        _v("carry", params={"speed_m_s": 1.2}, travels=True),
        _v("balance"),
        _v("wave", 1.5, params={"energy": 0.8}),
        _v("clap", 1.5, params={"energy": 0.7}),
        _v("bow", 1.5),
        _v("point", 1.0),
        _v("hug", 1.5),
        _v("laugh", 1.5),
        _v("cry", 2.0),
        _v("stretch", 2.0),
        _v("kneel", 1.0),
        _v("sit"),
        _v("stand"),
        _v("lie down"),
        _v("sleep"),
        _v("eat"),
        _v("drink", prop="cup"),
        _v("cook", prop="frying pan"),
        _v("read", prop="book"),
        _v("type", prop="laptop"),
        _v("play", prop="guitar"),
        _v("call", 1.0),  # an animal's call: the sound comes from the animal's vocabulary entry
        _v("talk", speech=True),
        _v("sing", speech=True),
    )
}

# Word (base form) -> (canonical verb, parameter overrides).
SYNONYMS: dict[str, tuple[str, dict[str, float]]] = {
    **{w: ("walk",
    {}) for w in split_words("stroll amble wander march stride strut hike step tiptoe pace trudge")},
    "jog": ("run", {"speed_m_s": 2.5}), "trot": ("run", {"speed_m_s": 2.5}), "gallop": ("run",
    {"speed_m_s": 8.0}),
    **{w: ("run", {"speed_m_s": 7.0}) for w in split_words("sprint dash race rush bolt charge")},
    "scurry": ("run", {"speed_m_s": 2.0}), "flee": ("run", {"speed_m_s": 6.0}),
    "slither": ("crawl", {}), "creep": ("crawl", {}), "sneak": ("crawl", {"speed_m_s": 0.8}),
    "hop": ("jump", {"height_m": 0.25}), "leap": ("jump", {"height_m": 0.8}), "pounce": ("jump",
    {"height_m": 0.6}),
    "vault": ("jump", {"height_m": 1.0}), "skip": ("jump", {"height_m": 0.2}), "jump up": ("jump", {}),
    "back flip": ("backflip", {}), "flip": ("backflip", {}), "back handspring": ("backflip", {}),
    "front flip": ("frontflip", {}), "somersault": ("frontflip", {}), "tumble": ("frontflip", {}),
    "kick flip": ("kickflip", {}), "heelflip": ("kickflip", {}), "treflip": ("kickflip",
    {"board_rotations": 2.0}),
    "skateboard": ("skate", {}), "rollerblade": ("skate", {}), "snowboard": ("ski", {}),
    "shoot hoops": ("shoot", {}), "take a shot": ("shoot", {}), "jump shot": ("shoot", {}),
    "free throw": ("shoot", {}), "three pointer": ("shoot", {}), "layup": ("shoot", {}), "lay up": ("shoot",
    {}),
    "slam dunk": ("dunk", {}),
    **{w: ("throw", {}) for w in split_words("toss hurl pitch lob pass serve fling")},
    "grab": ("catch", {}), "fetch": ("catch", {}), "punt": ("kick", {}),
    **{w: ("fall", {}) for w in split_words("slip trip collapse stumble topple")},
    "fall over": ("fall", {}), "fall down": ("fall", {}), "wipe out": ("fall", {}), "drop": ("fall", {}),
    **{w: ("dance", {}) for w in split_words("boogie groove breakdance shimmy sway tango waltz salsa")},
    **{w: ("dance", {}) for w in split_words("shake wiggle wag")},
    "tap dance": ("dance", {}), "twirl": ("spin", {}), "rotate": ("spin", {}), "pirouette": ("spin", {}),
    "spin around": ("spin", {}), "turn around": ("spin", {"rotations": 0.5}), "paddle": ("swim", {}),
    "plunge": ("dive", {}), "drift": ("float", {}), "hover": ("float", {}), "bob": ("float", {}),
    "soar": ("fly", {}), "glide": ("fly", {"speed_m_s": 3.0}), "flutter": ("fly", {"speed_m_s": 1.5}),
    "swoop": ("fly", {"speed_m_s": 8.0}), "blast off": ("take off", {}),
    "lift off": ("take off", {}), "launch": ("take off", {}), "touch down": ("land", {}), "steer": ("drive",
    {}),
    "cruise": ("drive", {"speed_m_s": 6.0}), "pedal": ("ride", {}), "cycle": ("ride", {}),
    "collide": ("crash", {}), "smash": ("crash", {}), "crash into": ("crash", {}), "tumble down": ("roll",
    {}),
    "scale": ("climb", {}), "clamber": ("climb", {}),
    "climb up": ("climb", {}), "pursue": ("chase", {}), "follow": ("chase", {"speed_m_s": 2.0}),
    "shove": ("push", {}), "knock": ("push", {}), "knock over": ("push", {}), "bump": ("push", {}),
    "nudge": ("push", {}), "tip over": ("push", {}), "drag": ("pull", {}), "tow": ("pull", {}),
    "hold": ("carry", {"speed_m_s": 0.0}),
    "lift": ("carry", {"speed_m_s": 0.0}), "hold up": ("carry", {"speed_m_s": 0.0}),
    **{w: ("push", {}) for w in split_words("fight battle attack punch hit strike wrestle spar tackle")},
    **{w: ("walk", {}) for w in split_words("arrive approach enter return meet")},
    "wakeboard": ("surf", {}), "kitesurf": ("surf", {}), "windsurf": ("surf", {}),
    "greet": ("wave", {}), "wave goodbye": ("wave", {}), "applaud": ("clap", {}), "cheer": ("clap",
    {"energy": 1.0}),
    "celebrate": ("jump", {"height_m": 0.3}), "bow down": ("bow", {}), "embrace": ("hug", {}),
    "cuddle": ("hug", {}),
    "giggle": ("laugh", {}), "smile": ("laugh", {}), "chuckle": ("laugh", {}), "weep": ("cry", {}),
    "sob": ("cry", {}),
    "sit down": ("sit", {}), "perch": ("sit", {}), "stand up": ("stand", {}), "pose": ("stand", {}),
    "wait": ("stand", {}), "lie": ("lie down", {}), "lay down": ("lie down", {}), "relax": ("lie down", {}),
    "sunbathe": ("lie down", {}), "nap": ("sleep", {}), "doze": ("sleep", {}), "rest": ("sleep", {}),
    **{w: ("eat", {}) for w in split_words("munch chew devour bite nibble snack dine feast")},
    "sip": ("drink", {}), "gulp": ("drink", {}), "fry": ("cook", {}), "bake": ("cook", {}), "stir": ("cook",
    {}),
    "chop": ("cook", {}), "flip pancakes": ("cook", {}), "study": ("read", {}), "write": ("type", {}),
    "strum": ("play", {}), "practice": ("play", {}),
    **{w: ("call", {}) for w in split_words(
        "bark woof meow purr roar growl howl moo neigh chirp tweet quack oink hiss squawk hoot croak buzz "
        "whinny bleat cluck squeak trumpet snarl yelp"
    )},
    **{w: ("talk", {}) for w in split_words(
        "say speak chat tell ask reply answer shout yell whisper exclaim respond explain announce "
        "converse argue discuss mutter murmur scream cry out call out introduce joke"
    )},
    **{w: ("sing", {}) for w in split_words("rap chant hum serenade")},
}  # fmt: skip

# Irregular forms -> base form ("ran" -> "run"); regular -s/-ing/-ed forms are derived by the lexicon.
IRREGULAR: dict[str, str] = {
    "ran": "run", "swam": "swim", "flew": "fly", "threw": "throw", "thrown": "throw", "caught": "catch",
    "fell": "fall", "fallen": "fall", "sang": "sing", "sung": "sing", "sat": "sit", "ate": "eat",
    "eaten": "eat",
    "slept": "sleep", "drove": "drive", "driven": "drive", "rode": "ride", "ridden": "ride", "spun": "spin",
    "dove": "dive", "spoke": "speak", "spoken": "speak", "said": "say", "told": "tell", "drank": "drink",
    "lay": "lie", "lying": "lie", "stood": "stand", "held": "hold", "bit": "bite", "leapt": "leap",
    "crept": "creep", "fled": "flee", "flung": "fling", "swung": "swing", "shot": "shoot", "made": "make",
    "did": "do", "done": "do", "went": "go", "gone": "go", "came": "come", "took": "take", "got": "get",
    "dying": "die", "rode off": "ride", "won": "win", "wrote": "write", "written": "write", "dug": "dig",
}  # fmt: skip

# Words that only carry the next verb ("does a backflip", "tries a kickflip"), never an action themselves.
LIGHT_VERBS = frozenset(
    split_words(
        "do does did doing done perform performs performed performing execute executes executed try tries "
        "tried trying attempt attempts attempted attempting go goes going start starts starting begin "
        "begins beginning keep keeps keeping continue continues continuing then also suddenly finally"
    )
)

# Outcome words modify the previous attempt of the same subject (and create a shot if there is none).
OUTCOMES: dict[str, float] = {
    "miss": 0.0, "misses": 0.0, "missed": 0.0, "missing": 0.0, "airball": 0.0, "airballs": 0.0, "brick": 0.0,
    "bricks": 0.0, "fail": 0.0, "fails": 0.0, "failed": 0.0, "failing": 0.0, "botch": 0.0, "botches": 0.0,
    "botched": 0.0, "misses the shot": 0.0, "misses the basket": 0.0, "misses the hoop": 0.0,
    "falls short": 0.0,
    "bails": 0.0, "bail": 0.0, "unsuccessfully": 0.0, "score": 1.0, "scores": 1.0, "scored": 1.0,
    "scoring": 1.0, "makes the shot": 1.0, "makes it": 1.0, "makes the basket": 1.0, "sinks it": 1.0,
    "sinks the shot": 1.0, "swish": 1.0, "swishes": 1.0, "nails it": 1.0, "lands it": 1.0, "lands": 1.0,
    "landed": 1.0, "lands the trick": 1.0, "sticks the landing": 1.0, "successfully": 1.0, "perfectly": 1.0,
}  # fmt: skip

# Manner words: (parameter, factor) applied to the nearest action ("runs fast", "a double backflip").
MANNER: dict[str, tuple[str, float]] = {
    "fast": ("speed_m_s", 1.6), "quickly": ("speed_m_s", 1.6), "rapidly": ("speed_m_s", 1.6),
    "swiftly": ("speed_m_s", 1.5), "speedily": ("speed_m_s", 1.6), "full speed": ("speed_m_s", 2.0),
    "slowly": ("speed_m_s", 0.5), "slow": ("speed_m_s", 0.5), "gently": ("speed_m_s", 0.6),
    "leisurely": ("speed_m_s", 0.6), "slow motion": ("speed_m_s", 0.4), "high": ("height_m", 1.6),
    "higher": ("height_m", 1.8), "really high": ("height_m", 2.2), "very high": ("height_m", 2.2),
    "low": ("height_m", 0.6), "double": ("rotations", 2.0), "triple": ("rotations", 3.0),
    "wildly": ("energy", 1.4), "energetically": ("energy", 1.4), "happily": ("energy", 1.2),
    "gracefully": ("energy", 0.8), "calmly": ("energy", 0.5),
}  # fmt: skip
