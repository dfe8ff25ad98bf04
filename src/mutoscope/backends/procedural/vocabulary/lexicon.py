"""The lexicon: every phrase the planner understands, indexed for longest-match lookup, with inflections.

Each phrase maps to one or more `Sense`s (a word can be a thing and a verb: "skateboard"); the reader picks
one by context. Plurals and verb forms are generated when the index is built, so lookup is a dict hit.
Synonyms keep the prompt's words in `Sense.source`, so the planner can say what it mapped; `nearest` maps a
misspelt or unknown word to the closest known concept by spelling.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from mutoscope.backends.procedural.scene import RGB
from mutoscope.backends.procedural.vocabulary import (
    actions,
    animals,
    camera,
    conditions,
    languages,
    objects,
    people,
    places,
    sounds,
    styles,
    vehicles,
)
from mutoscope.backends.procedural.vocabulary.concepts import Thing, split_words

SenseKind = Literal[
    "thing", "verb", "place", "style", "framing", "move", "time", "weather", "language", "music", "mood",
    "ambience", "outcome", "manner", "auxiliary", "number", "colour", "size", "garment", "pronoun",
    "determiner",
    "preposition", "conjunction", "negation", "meta",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sense:
    """One meaning of a phrase: its kind, canonical value and any number it carries."""

    kind: SenseKind
    value: str = ""
    number: float = 0.0  # a count, a factor, an outcome
    params: tuple[tuple[str, float], ...] = ()  # verb parameter overrides ("sprint" = run fast)
    plural: bool = False
    source: str = ""  # the prompt's words when they were mapped through a synonym


@dataclass(frozen=True, slots=True)
class Match:
    length: int  # tokens consumed
    text: str
    senses: tuple[Sense, ...]


THINGS: dict[str, Thing] = {**people.PEOPLE, **animals.ANIMALS, **objects.OBJECTS, **vehicles.VEHICLES}

COLOURS: dict[str, RGB] = {
    "red": (205, 40, 40), "crimson": (170, 20, 40), "maroon": (120, 25, 35), "orange": (235, 125, 35),
    "yellow": (240, 210, 50), "gold": (215, 175, 55), "golden": (215, 175, 55), "green": (60, 160, 70),
    "lime": (150, 210, 60), "teal": (30, 140, 140), "cyan": (60, 200, 220), "turquoise": (60, 200, 190),
    "blue": (45, 95, 210), "navy": (30, 40, 90), "purple": (130, 60, 170), "violet": (140, 90, 200),
    "magenta": (210, 50, 160), "pink": (240, 150, 185), "brown": (125, 85, 50), "tan": (200, 165, 115),
    "beige": (220, 200, 165), "black": (28, 28, 30), "white": (242, 242, 238), "grey": (128, 128, 132),
    "gray": (128, 128, 132), "silver": (185, 190, 198), "rainbow": (230, 80, 200),
}  # fmt: skip
SIZES: dict[str, float] = {
    "big": 1.5, "large": 1.5, "huge": 2.5, "giant": 3.0, "enormous": 3.0, "massive": 3.0, "gigantic": 3.5,
    "colossal": 4.0, "tiny": 0.4, "small": 0.7, "little": 0.7, "miniature": 0.3, "mini": 0.5, "tall": 1.15,
    "short": 0.85, "chubby": 1.1, "fluffy": 1.05,
}  # fmt: skip
NUMBERS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2, "a pair of": 2, "pair of": 2,
    "both": 2, "twin": 2, "twins": 2, "a few": 3, "few": 3, "several": 3, "some": 2, "many": 5, "lots of": 5,
    "a lot of": 5, "a group of": 4, "group of": 4, "a bunch of": 4, "a crowd of": 6, "a flock of": 5,
    "a herd of": 5, "a pack of": 4, "a school of": 6, "a swarm of": 6, "a team of": 5, "dozens of": 8,
    "hundreds of": 8, "a dozen": 8, "a trio of": 3, "trio of": 3,
}  # fmt: skip
# Collective nouns: one word, several bodies.
COLLECTIVES: dict[str, tuple[str, int]] = {
    "couple": ("person", 2), "crowd": ("crowd member", 6), "family": ("person", 4), "band": ("musician", 3),
    "team": ("athlete", 5), "flock": ("bird", 5), "herd": ("cow", 5), "pack": ("wolf", 4), "swarm": ("bee",
    6),
    "audience": ("crowd member", 6), "orchestra": ("musician", 5), "choir": ("singer", 4),
}  # fmt: skip
GRAMMAR: dict[SenseKind, str] = {
    "pronoun": "he she it they him her them himself herself itself themselves someone everyone",
    "determiner": "a an the this that these those another each every his her its their my your our whose",
    "preposition": (
        "on onto upon over above under below beneath underneath in into inside within at near beside by "
        "behind across along through around towards toward to from with without off past against "
        "next_to in_front_of on_top_of out_of away_from up down "
        "wear wears wore wearing worn dressed_in sporting"
    ),
    "conjunction": "and or but while as then after before when , & plus who which that where",
    "negation": "not no never don't doesn't didn't isn't won't can't cannot nor",
    "meta": (
        "video clip scene shot shots footage camera frame view style styled aesthetic vibe render rendered "
        "4k 8k hd uhd resolution quality detailed cinematography animation sequence moment image picture "
        "generated generate create make show showing shows depict depicting featuring feature features "
        "add include insert put give "
        "visible background foreground scenery there here"
    ),
}
STOPWORDS = frozenset(
    split_words(
        "i me my myself we our ours you your yours be is are was were been being am have has had having "
        "it's i'm let's lets let of for about between during so than too very can could will would shall "
        "should may might must just now only also really quite rather such same own all any both each "
        "more most other what why how if because until once again further here there out up down s t get "
        "gets got getting is isn't are aren't was wasn't like one's thing things something anything "
        "everything nothing way ways lot kind sort while whilst still even ever yet already almost around "
        "about within same very much bit slightly super totally completely fully entirely literally "
        "basically actually simply away back together forward forwards backwards"
    )
)

_IRREGULAR_PLURALS = {
    "man": "men", "woman": "women", "person": "people", "child": "children", "mouse": "mice",
    "goose": "geese", "wolf": "wolves", "leaf": "leaves", "knife": "knives", "fish": "fish", "sheep": "sheep",
    "deer": "deer", "skis": "skis", "glasses": "glasses", "sunglasses": "sunglasses", "jeans": "jeans",
    "sneakers": "sneakers", "boots": "boots", "headphones": "headphones", "gloves": "gloves", "ox": "oxen",
    "cactus": "cacti", "shelf": "shelves", "calf": "calves", "earrings": "earrings", "goggles": "goggles",
    "tooth": "teeth", "foot": "feet", "police officer": "police officers", "dice": "dice",
    "octopus": "octopuses",
}  # fmt: skip
_VOWELS = "aeiou"


def pluralize(phrase: str) -> str:
    """English plural of a phrase's last word: "soccer ball" -> "soccer balls", "wolf" -> "wolves"."""
    head, _, last = phrase.rpartition(" ")
    if phrase in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[phrase]
    if last in _IRREGULAR_PLURALS:
        plural = _IRREGULAR_PLURALS[last]
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        plural = last + "es"
    elif last.endswith("y") and len(last) > 1 and last[-2] not in _VOWELS:
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


def _doubles(word: str) -> bool:
    """Whether -ing/-ed double the last consonant: one-syllable CVC words and the *-flip tricks."""
    if word.endswith("flip"):
        return True
    groups = re.findall(f"[{_VOWELS}]+", word)
    return (
        len(groups) == 1
        and len(word) >= 3
        and word[-1] not in _VOWELS + "wxy"
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    )


def verb_forms(base: str) -> set[str]:
    """A verb phrase's forms, inflecting its first word: "take off" -> "takes off", "taking off", ..."""
    first, _, rest = base.partition(" ")
    forms = {first, *(form for form, root in actions.IRREGULAR.items() if root == first)}
    if first.endswith(("s", "x", "z", "ch", "sh", "o")):
        forms.add(first + "es")
    elif first.endswith("y") and first[-2:-1] not in tuple(_VOWELS):
        forms.add(first[:-1] + "ies")
    else:
        forms.add(first + "s")
    stem = first + first[-1] if _doubles(first) else first
    if first.endswith("ie"):
        forms.add(first[:-2] + "ying")
    elif first.endswith("e") and not first.endswith(("ee", "ye", "oe")):
        forms.update({first[:-1] + "ing", first + "d"})
    elif first.endswith("y") and first[-2:-1] not in tuple(_VOWELS):
        forms.update({first + "ing", first[:-1] + "ied"})
    else:
        forms.update({stem + "ing", stem + "ed"})
    return {f"{form} {rest}" if rest else form for form in forms}


def _add(index: dict[str, list[Sense]], phrase: str, sense: Sense) -> None:
    senses = index.setdefault(phrase.replace("-", " ").replace("_", " "), [])
    if sense not in senses:
        senses.append(sense)


def _add_things(index: dict[str, list[Sense]]) -> None:
    synonyms = {**people.SYNONYMS, **animals.SYNONYMS, **objects.SYNONYMS, **vehicles.SYNONYMS}
    entries = [(word, word, "") for word in THINGS] + [
        (word, target, word) for word, target in synonyms.items()
    ]
    for phrase, target, source in entries:
        _add(index, phrase, Sense("thing", target, source=source))
        _add(
            index, pluralize(phrase), Sense("thing", target, plural=True, source=source and pluralize(phrase))
        )
    for word, (target, count) in COLLECTIVES.items():
        _add(index, word, Sense("thing", target, number=count, plural=True))
    for word, part in objects.GARMENTS.items():
        _add(index, word, Sense("garment", part))


def _add_verbs(index: dict[str, list[Sense]]) -> None:
    quiet = {"talk", "sing", "call"}  # speech and animal calls are normal wording, not worth a note
    for verb in actions.VERBS:
        for form in verb_forms(verb):
            _add(index, form, Sense("verb", verb))
    for word, (verb, overrides) in actions.SYNONYMS.items():
        params = tuple(sorted(overrides.items()))
        for form in verb_forms(word):
            _add(index, form, Sense("verb", verb, params=params, source="" if verb in quiet else form))
    for word, value in actions.OUTCOMES.items():
        _add(index, word, Sense("outcome", word, number=value))
    for word, (param, factor) in actions.MANNER.items():
        _add(index, word, Sense("manner", param, number=factor))
    for word in actions.LIGHT_VERBS:
        _add(index, word, Sense("auxiliary", word))


def _add_table(index: dict[str, list[Sense]], kind: SenseKind, table: dict[str, str]) -> None:
    for word, value in table.items():
        _add(index, word, Sense(kind, value))


def _add_settings(index: dict[str, list[Sense]]) -> None:
    for name in places.PLACES:
        _add(index, name, Sense("place", name))
    for word, name in places.SYNONYMS.items():
        inflection = word in (pluralize(name), f"the {name}")  # "mountains" is no mapping worth a note
        _add(index, word, Sense("place", name, source="" if inflection else word))
    _add_table(index, "style", styles.STYLE_WORDS)
    _add_table(index, "framing", dict(camera.FRAMING_WORDS))
    _add_table(index, "move", dict(camera.MOVE_WORDS))
    _add_table(index, "time", conditions.TIME_WORDS)
    _add_table(index, "weather", conditions.WEATHER_WORDS)
    _add_table(index, "music", sounds.MUSIC_WORDS)
    _add_table(index, "mood", sounds.MOOD_WORDS)
    _add_table(index, "ambience", sounds.AMBIENCE_WORDS)
    for code, language in languages.LANGUAGES.items():
        for name in language.names:
            _add(index, name, Sense("language", code))


def _add_grammar(index: dict[str, list[Sense]]) -> None:
    for word, number in NUMBERS.items():
        _add(index, word, Sense("number", number=number))
    for word in COLOURS:
        _add(index, word, Sense("colour", word))
    for word, factor in SIZES.items():
        _add(index, word, Sense("size", number=factor))
    for kind, words in GRAMMAR.items():
        for word in words.split():
            _add(index, word, Sense(kind, word.replace("_", " ")))


@functools.cache
def index() -> dict[str, tuple[Sense, ...]]:
    """The phrase index, built once on first use (a few thousand entries)."""
    built: dict[str, list[Sense]] = {}
    _add_things(built)
    _add_verbs(built)
    _add_settings(built)
    _add_grammar(built)
    return {phrase: tuple(senses) for phrase, senses in built.items()}


@functools.cache
def _max_phrase_words() -> int:
    return max(len(phrase.split()) for phrase in index())


def match(words: Sequence[str], start: int) -> Match | None:
    """The longest phrase of `words` (lowercase tokens) starting at `start`, or None."""
    table = index()
    for length in range(min(_max_phrase_words(), len(words) - start), 0, -1):
        text = " ".join(words[start : start + length])
        senses = table.get(text)
        if senses:
            return Match(length, text, senses)
    return None


def _sound(word: str) -> str:
    """A rough spelling-by-sound key: "dolphin" and "dolfin" agree, and doubled letters do not count."""
    key = word.replace("ph", "f").replace("ck", "k").replace("qu", "kw")
    return re.sub(r"(.)\1+", r"\1", key)


@functools.cache
def _fuzzy_candidates() -> dict[str, dict[str, str]]:
    """Sound keys of base forms (no plurals or verb forms, which breed false matches), by first letter."""
    words = {
        *THINGS,
        *people.SYNONYMS,
        *animals.SYNONYMS,
        *objects.SYNONYMS,
        *vehicles.SYNONYMS,
        *actions.VERBS,
        *actions.SYNONYMS,
        *places.PLACES,
        *places.SYNONYMS,
    }
    by_letter: dict[str, dict[str, str]] = {}
    for word in sorted(words):
        if " " not in word and len(word) >= 3:
            by_letter.setdefault(word[0], {}).setdefault(_sound(word), word)
    return by_letter


_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"))
# Common prompt words that are spelt like a concept but are not typos of it ("a bearded man" has no bear).
_NOT_TYPOS = frozenset(
    split_words(
        "elegant tired crowded bearded metal metallic hooded solar creepy moscow vibrant combat water waters"
    )
)


@functools.cache
def nearest(word: str) -> tuple[Sense, ...]:
    """Senses of the known word spelt most like `word` ("dolfin" -> dolphin), else of the known thing a
    compound ends with ("bulldog" -> dog), or () when none is close.

    Words are compared by a sound key, only with words sharing the first letter (a typo rarely changes it);
    an inflected typo ("dolfins") is compared by its stem and keeps its plural.
    """
    if len(word) < 5 or not word.isalpha() or word in _NOT_TYPOS:
        return ()
    stems = [
        (word[: -len(end)] + add, end.endswith("s"))
        for end, add in _SUFFIXES
        if word.endswith(end) and len(word) - len(end) >= 3
    ] + [(word, False)]
    candidates = _fuzzy_candidates().get(word[0], {})
    for stem, plural in stems:
        close = difflib.get_close_matches(_sound(stem), list(candidates), n=1, cutoff=0.84)
        if close:
            senses = index().get(candidates[close[0]], ())
            return tuple(
                replace(sense, source=word, plural=plural and sense.kind == "thing")
                for sense in senses
                if sense.kind in ("thing", "verb", "place")
            )
    for stem, plural in stems:
        head = _compound_head(stem)
        if head:
            found = (replace(s, source=word, plural=plural) for s in index()[head] if s.kind == "thing")
            return tuple(dict.fromkeys(found))
    return ()


# Three-letter heads safe to find at the end of a compound ("bulldog", "wildcat"); "ant", "bat", "rat" and
# "ox" end too many other words ("vibrant", "combat", "paradox").
_SHORT_HEADS = frozenset({"dog", "cat", "cow", "pig", "owl", "fox", "bee", "hen", "elk", "car", "bus", "van"})
# Endings of derived words, never compounds of a thing ("walking", "friendship"), and known false heads.
_NOT_COMPOUND = ("ing", "ship", "ness", "ment", "less", "ful", "ly", "ed")
_FALSE_COMPOUNDS = frozenset({"million", "billion", "trillion", "pavilion", "rebellion", "outdoor", "indoor"})


@functools.cache
def _heads() -> tuple[str, ...]:
    """One-word thing words (and their synonyms) that may end a compound, longest first."""
    words = {
        phrase
        for phrase, senses in index().items()
        if " " not in phrase and any(s.kind == "thing" and not s.plural for s in senses)
    }
    usable = (w for w in words if len(w) >= 4 or w in _SHORT_HEADS)
    return tuple(sorted(usable, key=lambda w: (-len(w), w)))


def _compound_head(stem: str) -> str:
    """The known thing a compound word ends with ("hummingbird" -> "bird"), or "" when there is none."""
    if stem in _FALSE_COMPOUNDS or stem.endswith(_NOT_COMPOUND):
        return ""
    return next((head for head in _heads() if stem.endswith(head) and len(stem) - len(head) >= 3), "")


def thing(word: str) -> Thing:
    """The vocabulary entry for a thing word; KeyError names the word when it is unknown."""
    return THINGS[word]


def is_stopword(word: str) -> bool:
    return word in STOPWORDS or not any(char.isalpha() for char in word)


def canonical_words(kind: SenseKind) -> Iterable[str]:
    """Every canonical value of one sense kind (for tests and documentation)."""
    return sorted({sense.value for senses in index().values() for sense in senses if sense.kind == kind})
