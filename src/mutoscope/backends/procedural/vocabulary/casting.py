"""Casting: which entity each phrase of a prompt is, what it does, and the bodies and voices of the cast.

A `World` is the planner's working state across all shots of one scene: its members (future entities) with
their bodies, the acts and lines they perform, and the notes that explain what was mapped or guessed.
`cast_sentence` applies one read sentence to it: noun phrases resolve to members ("the dog" in shot 3 is the
dog of shot 1; "Maria" names the first unnamed person or is a new one; characters are bound by name,
@handle or
kind), verbs become acts, quotes become lines. Bodies come from the vocabulary (or a character's appearance),
with colours chosen by the world's seeded random generator.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mutoscope.backends.procedural.scene import RGB, Body, EntityKind, Voice
from mutoscope.backends.procedural.vocabulary import languages, lexicon
from mutoscope.backends.procedural.vocabulary.actions import VERBS
from mutoscope.backends.procedural.vocabulary.concepts import Gender, Habitat, Thing
from mutoscope.backends.procedural.vocabulary.people import (
    FIRST_NAMES,
    HAIR_COLOURS,
    ROLE_ACCESSORIES,
    ROLE_SKIN,
    SKIN_TONES,
)
from mutoscope.backends.procedural.vocabulary.reading import NounPhrase, Quote, Sentence, VerbPhrase
from mutoscope.engine.request import CharacterRef, VoiceProfile

SPEECH_VERBS = frozenset({"talk", "sing"})
MAX_MEMBERS = 32  # bodies the prompt's phrases may create (props and fixtures the plan needs come on top)
FEMALE_VARIANTS = ("f3", "f2", "f4", "f1", "f5")
MALE_VARIANTS = ("m3", "m1", "m5", "m2", "m4", "m7", "m6")
_WEARS = re.compile(r"\b(?:always\s+)?(?:wears?|wearing|with|has|sports?|dons?)\s+(.+)", re.IGNORECASE)


@dataclass(slots=True)
class Member:
    """A future entity while the plan is being built (mutable; `Entity` is its frozen result)."""

    key: int
    name: str
    kind: EntityKind
    type: str
    body: Body
    id: str = ""  # fixed for members that come from a parent scene; otherwise assigned at the end
    gender: Gender = ""
    generic: bool = True  # named by a common noun: a later proper name may be given to it
    language: str | None = None
    voice: Voice | None = None
    profile: VoiceProfile | None = None
    character_id: str | None = None
    habitat: Habitat = "ground"
    x_m: float = 0.0
    y_m: float = 0.0
    facing: int = 1
    placed: bool = False  # position kept from a parent scene
    surface: int | None = None  # the member it stands on
    holder: int | None = None  # the member that uses it
    shots: set[int] = field(default_factory=set)


@dataclass(slots=True)
class Act:
    """`member` does `verb` in `shot` (-1: in every shot where it does nothing else)."""

    member: int
    verb: str
    shot: int
    params: dict[str, float] = field(default_factory=dict)
    target: int | None = None
    after: Act | None = None  # an act this one follows (a catch follows its throw)


@dataclass(slots=True)
class Line:
    speaker: int
    text: str
    language: str
    shot: int
    verb: str = "talk"


@dataclass(slots=True)
class World:
    rng: random.Random
    characters: tuple[CharacterRef, ...] = ()
    members: list[Member] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chatter: list[tuple[int, int, str]] = field(default_factory=list)  # (shot, member, verb) wanting words
    bound: dict[str, int] = field(default_factory=dict)  # character id -> member key
    named_characters: set[str] = field(default_factory=set)  # characters the prompt names itself
    last_subjects: list[int] = field(default_factory=list)
    recent: list[int] = field(default_factory=list)
    loose_accessories: list[str] = field(default_factory=list)  # worn things with no wearer named
    shot: int = 0
    continuing: bool = False  # planning on from a parent scene: "a dog" is the parent's dog
    avoid: frozenset[str] = frozenset()  # the negative prompt's things and cues: never chosen by default

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def member(self, key: int) -> Member:
        return self.members[key]

    def of_type(self, word: str) -> list[Member]:
        return [m for m in self.members if m.type == word]

    def add(self, name: str, kind: EntityKind, word: str, body: Body) -> Member:
        member = Member(len(self.members), name, kind, word, body)
        member.shots.add(self.shot)
        self.members.append(member)
        return member

    def create(self, thing: Thing, noun: NounPhrase | None = None, name: str = "") -> Member:
        """A new member of a vocabulary thing, with a body coloured and sized as the phrase says."""
        colour, size, garments = (noun.colour, noun.size, noun.garments) if noun else (None, 1.0, {})
        body = body_for(thing, self.rng, colour=colour, size=size, garments=garments)
        member = self.add(name or thing.word, thing.kind, thing.word, body)
        member.gender, member.habitat, member.generic = thing.gender, thing.habitat, not name
        if name and name.lower() in FIRST_NAMES:
            member.gender = FIRST_NAMES[name.lower()]
        if noun is not None and noun.language:
            member.language = noun.language
        return member

    def touch(self, keys: Sequence[int]) -> None:
        for key in keys:
            self.members[key].shots.add(self.shot)
            if key in self.recent:
                self.recent.remove(key)
            self.recent.append(key)


def body_for(
    thing: Thing,
    rng: random.Random,
    *,
    colour: RGB | None = None,
    size: float = 1.0,
    garments: dict[str, RGB] | None = None,
) -> Body:
    """A body for a thing: its size and mass scaled by `size` (mass by volume), colours chosen by seed."""
    palette = list(rng.choice(thing.palettes))
    if thing.kind == "person":
        skin = ROLE_SKIN.get(thing.word) or rng.choice(SKIN_TONES)
        palette = [skin, rng.choice(HAIR_COLOURS), *palette]
        palette += [palette[-1]] * (4 - len(palette))
        if colour is not None:
            palette[2] = colour
        for part, rgb in (garments or {}).items():
            palette[2 if part == "top" else 3] = rgb
    elif colour is not None:
        palette[0] = colour
    size = min(max(size, 0.1), 5.0)
    return Body(
        thing.shape,
        round(thing.height_m * size, 4),
        round(thing.width_m * size, 4),
        round(thing.mass_kg * size**3, 4),
        tuple(palette),
        thing.restitution,
        thing.friction,
        ROLE_ACCESSORIES.get(thing.word, ()),
        thing.static,
    )


def wear(member: Member, item: str) -> None:
    if item not in member.body.accessories:
        member.body = replace(member.body, accessories=(*member.body.accessories, item))


# --- characters -------------------------------------------------------------------------------------------


def character_thing(ref: CharacterRef) -> Thing:
    """The vocabulary thing a character is drawn as: a person, or its species for pets and objects."""
    if ref.kind == "person":
        return lexicon.thing("person")
    species = (ref.species or ("dog" if ref.kind == "pet" else "")).lower()
    found = lexicon.match(species.split(), 0) if species else None
    senses = found.senses if found and found.length == len(species.split()) else lexicon.nearest(species)
    word = next((s.value for s in senses if s.kind == "thing"), "")
    if word:
        return lexicon.thing(word)
    return lexicon.thing("dog" if ref.kind == "pet" else "box")


def character_member(world: World, ref: CharacterRef, role: Thing | None = None) -> Member:
    """The member that renders `ref` (created on first use), optionally cast in a role ("a chef")."""
    if ref.id in world.bound:
        return world.member(world.bound[ref.id])
    thing = (
        role if role is not None and role.kind == "person" and ref.kind == "person" else character_thing(ref)
    )
    base = body_for(thing, world.rng)
    body = _appearance_body(ref, base)
    kind: EntityKind = (
        "person" if ref.kind == "person" else ("animal" if thing.kind == "animal" else "object")
    )
    member = world.add(ref.name, kind, thing.word, body)
    member.generic, member.character_id, member.profile, member.habitat = (
        False,
        ref.id,
        ref.voice,
        thing.habitat,
    )
    if ref.voice is not None:
        member.language = ref.voice.language
        member.gender = "f" if ref.voice.pitch_hz >= 165 else "m"
    for item in _preference_accessories(ref.preferences):
        wear(member, item)
    world.bound[ref.id] = member.key
    return member


def _appearance_body(ref: CharacterRef, base: Body) -> Body:
    look = ref.appearance
    height = look.proportions.get("height_m", base.height_m)
    height = min(max(float(height), 0.05), 6.0)
    ratio = look.proportions.get("width_ratio", base.width_m / base.height_m)
    scale = height / base.height_m
    palette = tuple(look.palette) + base.palette[len(look.palette) :] if look.palette else base.palette
    return replace(
        base,
        height_m=round(height, 4),
        width_m=round(height * float(ratio), 4),
        mass_kg=round(base.mass_kg * scale**3, 4),
        palette=palette,
        accessories=tuple(dict.fromkeys((*base.accessories, *look.accessories))),
    )


def _preference_accessories(preferences: Sequence[str]) -> list[str]:
    """Worn items from appearance rules: "always wears a gold chain" -> "gold chain" ("never" adds none)."""
    items: list[str] = []
    for rule in preferences:
        match = _WEARS.search(rule)
        if match is None or re.search(r"\b(never|no|not|don't|doesn't)\b", rule[: match.start()], re.I):
            continue
        words = re.findall(r"[\w']+", match.group(1).lower())
        for start in range(len(words)):
            found = lexicon.match(words, start)
            thing = lexicon.THINGS.get(found.senses[0].value) if found else None
            if found and found.senses[0].kind == "thing" and thing is not None and thing.worn:
                items.append(thing.word)
                break
    return items


def bind_character(world: World, thing: Thing) -> Member | None:
    """Cast an attached character the prompt does not name as a fitting common noun ("a man", "a dog")."""
    for ref in world.characters:
        if ref.id in world.bound or ref.id in world.named_characters:
            continue
        fits_person = ref.kind == "person" and thing.kind == "person"
        fits_other = ref.kind != "person" and character_thing(ref).word == thing.word
        if fits_person or fits_other:
            member = character_member(world, ref, role=thing)
            world.note(f"cast character @{ref.handle} as the {thing.word}")
            return member
    return None


def find_character(world: World, name: str) -> CharacterRef | None:
    wanted = name.lower().lstrip("@")
    for ref in world.characters:
        if wanted in (ref.handle.lower().lstrip("@"), ref.name.lower()):
            return ref
    return None


# --- resolving phrases to members ---------------------------------------------------------------------------


def resolve(world: World, sentence: Sentence, index: int, cache: dict[int, list[int]]) -> list[int]:
    """The member keys a noun phrase refers to, creating members for new things."""
    if index in cache:
        return cache[index]
    noun = sentence.nouns[index]
    keys: list[int] = []
    if noun.pronoun:
        as_object = any(index in verb.objects for verb in sentence.verbs)
        keys = _pronoun(world, noun.pronoun, as_object=as_object)
    elif noun.name:
        keys = [_named(world, noun.name).key]
    elif noun.word:
        thing = lexicon.thing(noun.word)
        if thing.worn:
            _wear_on_owner(world, sentence, noun, thing, cache)
        else:
            keys = _things(world, noun, thing)
    cache[index] = keys
    world.touch(keys)
    return keys


def _wear_on_owner(
    world: World, sentence: Sentence, noun: NounPhrase, thing: Thing, cache: dict[int, list[int]]
) -> None:
    owners = resolve(world, sentence, noun.owner, cache) if noun.owner is not None else []
    if not owners:
        world.loose_accessories.append(thing.word)
    for key in owners:
        wear(world.member(key), thing.word)


def _named(world: World, name: str) -> Member:
    ref = find_character(world, name)
    if ref is not None:
        return character_member(world, ref)
    wanted = name.lower()
    for member in world.members:
        if member.name.lower() == wanted and not member.generic:
            return member
    for member in world.members:  # "two people talk, Maria says...": Maria is one of them
        if member.generic and member.kind == "person" and member.character_id is None:
            member.name, member.generic = name, False
            member.gender = FIRST_NAMES.get(wanted, member.gender)
            return member
    return world.create(lexicon.thing("person"), name=name)


def _pronoun(world: World, word: str, *, as_object: bool) -> list[int]:
    people = [k for k in reversed(world.recent) if world.member(k).kind == "person"]
    if word in ("he", "him", "himself"):
        found = [k for k in people if world.member(k).gender in ("m", "")]
    elif word in ("she", "her", "herself"):
        found = [k for k in people if world.member(k).gender in ("f", "")]
    elif word in ("it", "itself"):
        found = [k for k in reversed(world.recent) if world.member(k).kind != "person"]
        if as_object:  # "the dog catches it": the thing, not the dog
            found.sort(key=lambda k: world.member(k).kind != "object")
    else:  # they, them...
        return list(world.last_subjects) if len(world.last_subjects) > 1 else list(reversed(world.recent))[:2]
    return found[:1]


def _things(world: World, noun: NounPhrase, thing: Thing) -> list[int]:
    existing = world.of_type(thing.word)
    if noun.definite and existing:
        chosen = existing[-noun.count :]
        for member in chosen:  # "make the dog red": a colour on a known thing recolours it
            _recolour(world, member, noun)
        return [m.key for m in chosen]
    if existing and (world.shot > 0 or world.continuing):  # "a dog" again later is, for continuity, the dog
        earlier = [m.key for m in existing if world.shot not in m.shots or world.continuing]
        if len(earlier) >= noun.count:
            return earlier[: noun.count]
    count = min(noun.count, MAX_MEMBERS - len(world.members))
    if count < noun.count:  # a scene is a stage, not a census: reuse what is there, or leave it out
        world.note(f"the scene holds at most {MAX_MEMBERS} bodies: not every '{thing.word}' was added")
        if existing:
            return [m.key for m in existing[: noun.count]]
    keys: list[int] = []
    for _ in range(max(count, 0)):
        member = bind_character(world, thing) or world.create(thing, noun)
        keys.append(member.key)
    return keys


def _recolour(world: World, member: Member, noun: NounPhrase) -> None:
    if noun.colour is None and not noun.garments:
        return
    palette = list(member.body.palette)
    if member.kind == "person":
        palette += [palette[-1]] * (4 - len(palette))
        if noun.colour is not None:
            palette[2] = noun.colour
        for part, rgb in noun.garments.items():
            palette[2 if part == "top" else 3] = rgb
    elif noun.colour is not None:
        palette[0] = noun.colour
    if tuple(palette) != member.body.palette:
        member.body = replace(member.body, palette=tuple(palette))
        world.note(f"recoloured {member.name}")


# --- acts and lines ----------------------------------------------------------------------------------------


def cast_sentence(world: World, sentence: Sentence, quotes: Sequence[Quote], shot: int) -> None:
    """Apply one read sentence to the world: resolve its phrases, add its acts and its lines."""
    world.shot = max(shot, 0)
    cache: dict[int, list[int]] = {}
    for index in range(len(sentence.nouns)):
        resolve(world, sentence, index, cache)
    taken: set[int] = set()
    for verb in sentence.verbs:
        if verb.negated:
            continue
        subjects = [k for i in verb.subjects for k in resolve(world, sentence, i, cache)] or default_subject(
            world, verb.verb
        )
        _act(world, sentence, verb, subjects, cache=cache, shot=shot)
        _speak(world, verb, subjects, quotes, shot)
        taken.update(verb.quotes)
        world.last_subjects = subjects
    for index in sentence.quotes:
        if index not in taken:
            _speak_unattributed(world, quotes[index], shot)


def default_subject(world: World, verb: str) -> list[int]:
    """Who does a verb that names no one: the last subjects, an attached character, or a fitting newcomer."""
    if world.last_subjects:
        return list(world.last_subjects)
    for ref in world.characters:
        if ref.id not in world.named_characters:
            return [character_member(world, ref).key]
    animate = [m.key for m in world.members if m.kind in ("person", "animal", "vehicle")]
    if animate:
        return animate[:1]
    word = {"fly": "bird", "swim": "fish", "drive": "car", "roll": "ball", "bounce": "ball"}.get(
        verb, "person"
    )
    word = word if word not in world.avoid else "person"
    world.note(f"no one is named for '{verb}': added a {word}")
    return [world.create(lexicon.thing(word)).key]


def _act(
    world: World,
    sentence: Sentence,
    verb: VerbPhrase,
    subjects: list[int],
    *,
    cache: dict[int, list[int]],
    shot: int,
) -> None:
    if verb.verb in SPEECH_VERBS:
        if verb.language:
            for key in subjects:
                world.member(key).language = verb.language
        if not verb.quotes:
            world.chatter.extend((shot, key, verb.verb) for key in subjects)
        return
    target, surface, receiver = _objects(world, sentence, verb, cache)
    name, params = _verb_for(world, verb, target)
    params = {**VERBS[name].params, **params}
    for key in subjects:
        act = Act(key, name, shot, dict(params), target if target is not None else surface)
        if any((a.member, a.verb, a.shot, a.target) == (key, name, shot, act.target) for a in world.acts):
            continue  # "throws it to his dog and the dog catches it": that catch is already planned
        world.acts.append(act)
        if surface is not None and surface != key:
            world.member(key).surface = surface
        if receiver is not None and name in ("throw", "kick"):
            world.acts.append(
                Act(receiver, "catch", shot, dict(VERBS["catch"].params), act.target, after=act)
            )
        led = target is not None and world.member(target).kind in ("person", "animal")
        if name in ("chase", "walk") and led and target is not None:  # the chased run; a walked dog walks too
            follow = "run" if name == "chase" else "walk"
            world.acts.append(Act(target, follow, shot, dict(VERBS[follow].params)))


def _objects(
    world: World, sentence: Sentence, verb: VerbPhrase, cache: dict[int, list[int]]
) -> tuple[int | None, int | None, int | None]:
    """A verb's direct object, the surface it happens on, and the one it is thrown to."""
    target = surface = receiver = None
    for index in verb.objects:
        noun = sentence.nouns[index]
        keys = resolve(world, sentence, index, cache)
        if not keys or (noun.owner is not None and noun.relation != "with"):
            continue
        if noun.relation in ("on", "onto", "upon", "on top of") and surface is None:
            surface = keys[0]
        elif (
            noun.relation == "to" and world.member(keys[0]).kind in ("person", "animal") and receiver is None
        ):
            receiver = keys[0]
        elif noun.relation in ("off", "from", "out of") and target is not None and target != keys[0]:
            world.member(target).surface = keys[0]  # "knocks a cup off a table": the cup starts on it
        elif target is None and noun.relation not in ("from", "without", "behind", "near", "next to"):
            target = keys[0]
    return target, surface, receiver


def _verb_for(world: World, verb: VerbPhrase, target: int | None) -> tuple[str, dict[str, float]]:
    """ "Play" means an instrument if one is there; with a ball it is a kick; otherwise running about."""
    if verb.verb != "play":
        return verb.verb, dict(verb.params)
    thing = lexicon.THINGS.get(world.member(target).type) if target is not None else None
    if thing is not None and thing.sound in ("strum", "violin", "drum", "piano", "trumpet"):
        return "play", {}
    if thing is not None and thing.shape == "ball":  # "plays basketball" dribbles; "plays soccer" kicks
        return {"basketball": "dribble", "soccer ball": "kick", "ball": "kick"}.get(thing.word, "throw"), {}
    return "run", {"speed_m_s": 2.5}


def _speak(world: World, verb: VerbPhrase, subjects: list[int], quotes: Sequence[Quote], shot: int) -> None:
    if not subjects or not verb.quotes:
        return
    for n, index in enumerate(verb.quotes):
        speaker = subjects[min(n, len(subjects) - 1)]
        quote = quotes[index]
        verb_name = verb.verb if verb.verb in SPEECH_VERBS else "talk"
        add_line(
            world, speaker, quote.text, shot=shot, verb=verb_name, language=quote.language or verb.language
        )


def _speak_unattributed(world: World, quote: Quote, shot: int) -> None:
    """A quote with no speaker: the other person of a conversation, else the last person, else a newcomer."""
    people = [m.key for m in world.members if m.kind == "person"]
    last = world.lines[-1].speaker if world.lines else None
    others = [k for k in people if k != last]
    if others:
        speaker = others[0]
    elif people:
        speaker = people[0]
    else:
        speaker = world.create(lexicon.thing("person")).key
        world.note("a quoted line names no speaker: added a person to say it")
    add_line(world, speaker, quote.text, shot=shot, verb="talk", language=quote.language)


def add_line(world: World, speaker: int, text: str, *, shot: int, verb: str, language: str | None) -> None:
    """A dialogue line; its language is the explicit one, else detected, else the speaker's, else English."""
    member = world.member(speaker)
    spoken = language or languages.detect_language(text) or member.language or "en"
    if member.language is None:
        member.language = spoken
    world.lines.append(Line(speaker, text, spoken, shot, verb))


def small_talk(world: World) -> None:
    """Give words to those who talk or sing without quoted lines, in their language."""
    by_shot: dict[int, list[tuple[int, str]]] = {}
    for shot, key, verb in world.chatter:
        if not any(line.speaker == key and line.shot == shot for line in world.lines):
            by_shot.setdefault(shot, []).append((key, verb))
    for shot, speakers in by_shot.items():
        talkers = [key for key, verb in speakers if verb == "talk"]
        for key, verb in speakers:
            if verb == "sing":
                language = world.member(key).language or "en"
                text = languages.SINGING.get(language, languages.SINGING["en"])
                world.lines.append(Line(key, text, language, shot, "sing"))
        for n in range(min(4, 2 * len(talkers)) if talkers else 0):
            key = talkers[n % len(talkers)]
            language = world.member(key).language or "en"
            lines = languages.SMALL_TALK.get(language, languages.SMALL_TALK["en"])
            world.lines.append(
                Line(key, lines[n % len(lines)], language if language in languages.SMALL_TALK else "en", shot)
            )
        if talkers:
            world.note("no words were given for the conversation: wrote short small talk")


# --- voices ------------------------------------------------------------------------------------------------


def assign_voices(world: World) -> None:
    """A distinct espeak-ng voice for every speaker: language, a gendered variant, pitch and rate."""
    used: set[tuple[str, int]] = set()
    variants = {"f": list(FEMALE_VARIANTS), "m": list(MALE_VARIANTS)}
    speakers = list(dict.fromkeys(line.speaker for line in world.lines))
    for member in world.members:
        if member.voice is not None:
            used.add((member.voice.espeak_voice, member.voice.pitch))
    for n, key in enumerate(speakers):
        member = world.member(key)
        if member.voice is not None:  # a parent scene's speaker keeps their voice
            continue
        language = next(line.language for line in world.lines if line.speaker == key)
        gender = member.gender or ("f" if n % 2 else "m")
        pool = variants[gender] or list(FEMALE_VARIANTS if gender == "f" else MALE_VARIANTS)
        variant = pool.pop(0)
        pitch, rate = _pitch_rate(world.rng, member, gender)
        voice = f"{languages.espeak_voice(language)}+{variant}"
        while (voice, pitch) in used:
            pitch = (pitch + 9) % 100
        used.add((voice, pitch))
        member.voice = Voice(language, voice, pitch, rate)


def _pitch_rate(rng: random.Random, member: Member, gender: str) -> tuple[int, int]:
    if member.profile is not None:  # a character sounds as measured: map Hz onto espeak's 0-99 pitch
        centre = 210.0 if gender == "f" else 120.0
        pitch = 50 + (member.profile.pitch_hz - centre) * 0.4
        return int(min(max(pitch, 0), 99)), int(min(max(member.profile.rate_wpm, 80), 400))
    pitch = 50 + rng.randint(-12, 12)
    if member.type in ("child", "boy", "girl", "baby") or member.body.height_m < 1.0:
        pitch += 25
    return int(min(max(pitch, 0), 99)), 150 + rng.randint(0, 35)
