"""Casting: which entity each phrase of a prompt is, what it does, and who says each quoted line.

A `World` is the planner's working state across all shots of one scene: its members (future entities) with
their bodies, the acts and lines they perform, and the notes that explain what was mapped or guessed.
`cast_sentence` applies one read sentence to it: noun phrases resolve to members ("the dog", "she", or "a
dog" again in a later shot is the dog met before; "Maria" names the first unnamed person of her gender or is a
new one; "a dog named Rex" is a dog; characters are bound by name, @handle or kind), verbs become acts, and
each quote becomes a line of the subject that says it (an object never speaks unless it is a character).
Bodies come from the vocabulary (or a character's appearance) dressed as the phrase says (colours, garments,
size, coloured accessories such as "blue hat"), with other colours chosen by the world's seeded generator.
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
from mutoscope.backends.procedural.vocabulary.dialogue import Quote
from mutoscope.backends.procedural.vocabulary.people import (
    FIRST_NAMES,
    HAIR_COLOURS,
    ROLE_ACCESSORIES,
    ROLE_SKIN,
    SKIN_TONES,
)
from mutoscope.backends.procedural.vocabulary.reading import NounPhrase, Sentence, VerbPhrase
from mutoscope.engine.request import CharacterRef, VoiceProfile

SPEECH_VERBS = frozenset({"talk", "sing"})
INSTRUMENT_SOUNDS = frozenset({"strum", "violin", "drum", "piano", "trumpet"})  # things that are played
MAX_MEMBERS = 32  # bodies the prompt's phrases may create (props and fixtures the plan needs come on top)
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
    colour: RGB | None = None  # the colour the prompt asked for ("a red ball"), kept if it is re-typed
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
        member.colour = colour
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
    elif noun.name and noun.word:
        keys = [_named_thing(world, noun)]
    elif noun.name:
        keys = [_named(world, noun).key]
    elif noun.word:
        thing = lexicon.thing(noun.word)
        acts = noun.owner is None and any(index in verb.subjects for verb in sentence.verbs)
        if thing.worn and not acts:
            _wear_on_owner(world, sentence, noun, thing, cache)
        else:  # a worn thing that acts on its own ("a top hat spins") is an object
            keys = _things(world, noun, thing)
    cache[index] = keys
    world.touch(keys)
    return keys


def _wear_on_owner(
    world: World, sentence: Sentence, noun: NounPhrase, thing: Thing, cache: dict[int, list[int]]
) -> None:
    owners = resolve(world, sentence, noun.owner, cache) if noun.owner is not None else []
    item = f"{noun.colour_name} {thing.word}" if noun.colour_name else thing.word  # "a blue hat"
    if not owners:
        world.loose_accessories.append(item)
    for key in owners:
        wear(world.member(key), item)


def _named(world: World, noun: NounPhrase) -> Member:
    """The person a name refers to (dressed as the phrase says: "Maria, in a red coat")."""
    name = noun.name
    ref = find_character(world, name)
    if ref is not None:  # a character looks as captured: the prompt does not re-dress a likeness
        return character_member(world, ref)
    wanted = name.lower()
    for member in world.members:
        if member.name.lower() == wanted and not member.generic:
            _recolour(world, member, noun)
            return member
    gender = FIRST_NAMES.get(wanted, "")
    unnamed = [m for m in world.members if m.generic and m.kind == "person" and m.character_id is None]
    # "two people talk, Maria says...": Maria is one of them; "a man and a woman... Maria": the woman.
    fitting = [m for m in unnamed if m.gender == gender] + [m for m in unnamed if not m.gender]
    if fitting:
        member = fitting[0]
        member.name, member.generic = name, False
        member.gender = gender or member.gender
        _recolour(world, member, noun, quiet=True)
        return member
    return world.create(lexicon.thing("person"), noun, name=name)


def _named_thing(world: World, noun: NounPhrase) -> int:
    """ "A dog named Rocket": the member of that name, else a new thing with that name."""
    for member in world.members:
        if member.name.lower() == noun.name.lower() and not member.generic:
            return member.key
    return world.create(lexicon.thing(noun.word), noun, name=noun.name).key


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
    if 0 < noun.ordinal <= len(existing):  # "Two robots talk. Robot 2: ...": the second robot
        return [existing[noun.ordinal - 1].key]
    if noun.definite and existing:
        chosen = existing[-noun.count :]
        for member in chosen:  # "make the dog red": a colour on a known thing recolours it
            _recolour(world, member, noun)
        return [m.key for m in chosen]
    # "A dog" again in a later shot (or after a storyboard's context) is, for continuity, the dog met before.
    if existing:
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


def _recolour(world: World, member: Member, noun: NounPhrase, *, quiet: bool = False) -> None:
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
        if not quiet:
            world.note(f"recoloured {member.name}")


# --- acts and lines ----------------------------------------------------------------------------------------


def cast_sentence(world: World, sentence: Sentence, quotes: Sequence[Quote], shot: int) -> None:
    """Apply one read sentence to the world: resolve its phrases, add its acts and its lines."""
    world.shot = shot  # -1: a storyboard's context, before every shot
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
            world.chatter.extend((shot, key, verb.verb) for key in subjects if can_speak(world.member(key)))
        return
    target, surface, receiver = _objects(world, sentence, verb, cache)
    name, params = _verb_for(world, verb, target, subjects)
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


def _verb_for(
    world: World, verb: VerbPhrase, target: int | None, subjects: list[int]
) -> tuple[str, dict[str, float]]:
    """What a verb means with its object and doers: "play" an instrument (the target, or the player's own),
    a ball game, else running about; "flip" an object is a toss ("flips a pancake"), a board a kickflip."""
    aimed = world.member(target) if target is not None else None
    flipped = aimed is not None and aimed.kind == "object" and verb.verb in ("backflip", "frontflip")
    if flipped and aimed is not None and verb.source:
        toss = aimed.body.shape != "board"
        _remap(world, verb.source, verb.verb, "throw" if toss else "kickflip")
        return ("throw", {"speed_m_s": 3.0}) if toss else ("kickflip", {})
    if verb.verb != "play":
        return verb.verb, dict(verb.params)
    thing = lexicon.THINGS.get(aimed.type) if aimed is not None else None
    if thing is not None and thing.sound in INSTRUMENT_SOUNDS:
        return "play", {}
    if thing is not None and thing.shape == "ball":  # "plays basketball" dribbles; "plays soccer" kicks
        return {"basketball": "dribble", "soccer ball": "kick", "ball": "kick"}.get(thing.word, "throw"), {}
    if aimed is None and all(role_instrument(world.member(key)) for key in subjects):
        return "play", {}  # "a guitarist plays": the guitar is added when the world is furnished
    return "run", {"speed_m_s": 2.5}


def _remap(world: World, source: str, old: str, new: str) -> None:
    """Correct the note of a word the reader mapped before its object showed what it means."""
    stale, fresh = f"mapped '{source}' to '{old}'", f"mapped '{source}' to '{new}'"
    world.notes[:] = [fresh if note == stale else note for note in world.notes]


def role_instrument(member: Member) -> str:
    """The instrument a member's role plays (a guitarist's guitar, a drummer's drum), or ""."""
    role = lexicon.THINGS.get(member.type)
    prop = lexicon.THINGS.get(role.prop) if role is not None and role.prop else None
    return prop.word if prop is not None and prop.sound in INSTRUMENT_SOUNDS else ""


def can_speak(member: Member) -> bool:
    """People and animals speak (a cartoon dog may); an object only when it is a character."""
    return member.kind in ("person", "animal") or member.character_id is not None


def _speak(world: World, verb: VerbPhrase, subjects: list[int], quotes: Sequence[Quote], shot: int) -> None:
    speakers = [key for key in subjects if can_speak(world.member(key))]
    for n, index in enumerate(verb.quotes):
        quote = quotes[index]
        if not speakers:  # "the lamp says ...": someone else in the scene says it
            speaker = _speak_unattributed(world, quote, shot)
            for key in subjects:
                world.note(
                    f"the {world.member(key).name} cannot speak: {world.member(speaker).name} says its line"
                )
            continue
        verb_name = verb.verb if verb.verb in SPEECH_VERBS else "talk"
        add_line(
            world,
            speakers[min(n, len(speakers) - 1)],
            quote.text,
            shot=shot,
            verb=verb_name,
            language=quote.language or verb.language,
        )


def _speak_unattributed(world: World, quote: Quote, shot: int) -> int:
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
    return speaker


def add_line(world: World, speaker: int, text: str, *, shot: int, verb: str, language: str | None) -> None:
    """A dialogue line; its language is the explicit one, else detected, else the speaker's, else English."""
    member = world.member(speaker)
    spoken = language or languages.detect_language(text) or member.language or "en"
    if member.language is None:
        member.language = spoken
    world.lines.append(Line(speaker, text, spoken, shot, verb))
