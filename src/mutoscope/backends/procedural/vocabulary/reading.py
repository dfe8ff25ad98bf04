"""Reading a prompt: sentences, looked-up words, and who does what to what.

`read(text)` returns one `Sentence` per sentence: its noun phrases (things, names, pronouns, with counts,
colours, sizes, garments and relations), its verb phrases (with subjects, objects, quoted lines, outcomes and
manner), and its scene cues (place, time, weather, style, camera, music, languages). It knows grammar, not the
world: the planner decides which entity a phrase refers to. Dialogue is lifted out first (`dialogue.lift`),
so the words of a line are never read as scene words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from mutoscope.backends.procedural.scene import RGB
from mutoscope.backends.procedural.vocabulary import dialogue, lexicon
from mutoscope.backends.procedural.vocabulary.actions import VERBS
from mutoscope.backends.procedural.vocabulary.dialogue import Quote
from mutoscope.backends.procedural.vocabulary.lexicon import Sense
from mutoscope.backends.procedural.vocabulary.people import FIRST_NAMES

MAX_COUNT = 8  # bodies one phrase may ask for ("hundreds of birds" is 8)
PLURAL_DEFAULT = 2  # "dogs" with no number
MAX_ORDINAL = 32  # "Robot 99" is no more than the 32nd robot
STUNTS = frozenset({"backflip", "frontflip", "kickflip", "ollie", "cartwheel", "handstand", "jump", "dunk"})
_SPEECH = frozenset({"talk", "sing"})


@dataclass(slots=True)
class NounPhrase:
    """A reference to one or more bodies: a thing word, a name, a @handle or a pronoun."""

    word: str = ""  # canonical thing word
    name: str = ""  # "Maria", "@bob"
    pronoun: str = ""
    count: int = 1
    ordinal: int = 0  # "Robot 2": the second of its kind
    definite: bool = False  # "the dog", a name: refers back to something known
    colour: RGB | None = None
    colour_name: str = ""  # the colour's word ("red"), for what shows a colour by name (a "red hat")
    size: float = 1.0
    relation: str = ""  # the preposition before it: "on", "with", "to"...
    owner: int | None = None  # index of the noun phrase it belongs to (worn things, "a man with a dog")
    garments: dict[str, RGB] = field(default_factory=dict)  # "top"/"bottom" -> colour
    language: str | None = None  # "a Spanish woman"
    source: str = ""  # the prompt's words, when mapped through a synonym or by spelling


@dataclass(slots=True)
class VerbPhrase:
    verb: str
    params: dict[str, float] = field(default_factory=dict)
    subjects: list[int] = field(default_factory=list)  # noun phrase indices
    objects: list[int] = field(default_factory=list)
    quotes: list[int] = field(default_factory=list)
    language: str | None = None
    negated: bool = False
    source: str = ""
    participle: bool = False  # "a running dog": the subject follows


@dataclass(slots=True)
class Sentence:
    text: str
    nouns: list[NounPhrase] = field(default_factory=list)
    verbs: list[VerbPhrase] = field(default_factory=list)
    cues: dict[str, list[str]] = field(default_factory=dict)  # "place", "time", "weather", "style", ...
    quotes: list[int] = field(default_factory=list)  # every quote in the sentence, in order
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (prompt words, concept)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # anything else worth telling the user
    marker: bool = False  # starts with "Shot 2:", "Cut to", "Then": a new shot

    def cue(self, kind: str) -> str | None:
        values = self.cues.get(kind)
        return values[-1] if values else None


@dataclass(slots=True)
class Reading:
    sentences: list[Sentence]
    quotes: list[Quote]


_MARKER = re.compile(
    r"^\s*(?:(?:shot|scene|panel|part)\s*\d*\s*[:.)\-]|cut to\b:?|then\b,?|next\b,?|later\b,?|"
    r"meanwhile\b,?|after that\b,?|finally\b,?|\[cut\])",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\s*(?:shot|scene|panel|part)\s*\d+\s*[:.)\-]\s*", re.IGNORECASE)
_TOKEN = re.compile(r"@[\w.]*\w|_q\d+_|[^\W_]+(?:['’][^\W_]+)*|[,&:]")
_NAMING = re.compile(r"\b(named|called)\s+(@?[A-Z][\w'-]*|(?<=named )[^\W\d_][\w'-]*)")
_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+|(?<=[。！？])")


def read(text: str, names: Mapping[str, str] | None = None) -> Reading:
    """Read a prompt; `names` maps lowercase known names (characters, earlier speakers) to their spelling."""
    text, quotes = dialogue.lift(text)
    names = {**_given_names(text), **(names or {})}
    sentences = [_read_sentence(part, names) for part in _SPLIT.split(text) if part.strip()]
    return Reading([s for s in sentences if s.text], quotes)


@dataclass(slots=True)
class _Item:
    """One looked-up unit of a sentence: a phrase with its candidate senses, or a name, handle or quote."""

    text: str
    senses: tuple[Sense, ...]
    cap: bool = False
    kind: str = ""  # the chosen sense kind, or "name" / "handle" / "quote" / "digit"
    sense: Sense | None = None


def _given_names(text: str) -> dict[str, str]:
    """Names the prompt gives things ("a dog named Rocket"), so later mentions ("Rocket jumps") are names."""
    return {match.group(2).lower(): match.group(2) for match in _NAMING.finditer(text)}


def _read_sentence(text: str, names: Mapping[str, str]) -> Sentence:
    sentence = Sentence(text=text.strip(), marker=bool(_MARKER.match(text)))
    body = _NUMBERED.sub("", text)
    items = _tag(body, names, sentence)
    _disambiguate(items)
    units = _chunk(items, sentence)
    _structure(units, sentence)
    return sentence


def _tag(text: str, names: Mapping[str, str], sentence: Sentence) -> list[_Item]:
    tokens = [t.replace("’", "'") for t in _TOKEN.findall(text)]
    lowered = [_strip_possessive(t.lower()) for t in tokens]
    items: list[_Item] = []
    i = 0
    while i < len(tokens):
        item, used = _tag_at(tokens, lowered, i, names)
        if item is not None:
            items.append(item)
        elif lowered[i].isalpha() and len(lowered[i]) >= 3 and not lexicon.is_stopword(lowered[i]):
            sentence.ignored.append(lowered[i])
        i += used
    return items


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith("'s") and len(word) > 2 else word


def _tag_at(
    tokens: list[str], lowered: list[str], i: int, names: Mapping[str, str]
) -> tuple[_Item | None, int]:
    word = lowered[i]
    if word.startswith("_q"):
        return _Item(word, (), kind="quote"), 1
    if word.startswith("@"):
        return _Item(tokens[i], (), kind="handle"), 1
    if word.isascii() and word.isdigit():
        return _Item(word, (Sense("number", number=float(min(int(word[:3]), 999))),)), 1
    if word in ("named", "called") and i + 1 < len(tokens):
        given = _NAMING.match(f"{word} {tokens[i + 1]}")
        if given is not None and given.group(2) == tokens[i + 1]:
            return _Item(tokens[i + 1], (), cap=True, kind="naming"), 2
    known = _known_name(lowered, i, names)
    if known:
        return _Item(names[known], (), cap=True, kind="name"), len(known.split())
    name_length = _name_length(tokens, lowered, i)
    if name_length:
        return _Item(" ".join(tokens[i : i + name_length]), (), cap=True, kind="name"), name_length
    found = lexicon.match(lowered, i)
    if found is not None:
        return _Item(found.text, found.senses, cap=tokens[i][:1].isupper()), found.length
    if lexicon.is_stopword(word):
        return None, 1
    near = lexicon.nearest(word)
    if near:
        return _Item(word, near), 1
    return None, 1


def _known_name(lowered: list[str], i: int, names: Mapping[str, str]) -> str:
    for length in (3, 2, 1):
        phrase = " ".join(lowered[i : i + length])
        if i + length <= len(lowered) and phrase in names:
            return phrase
    return ""


def _name_length(tokens: list[str], lowered: list[str], i: int) -> int:
    """How many tokens from `i` form a proper name ("Maria", "Maria Lopez"), 0 when it is not one."""
    token, word = tokens[i], lowered[i]
    following = lowered[i + 1] if i + 1 < len(lowered) else ""
    if i > 0 and lowered[i - 1] in ("the", "a", "an"):  # "at the Olympics" is a place, not a person
        return 0
    if not token[:1].isupper():
        return 1 if word in FIRST_NAMES and _is_verbish(following) else 0
    known_word = lexicon.match(lowered, i) is not None or lexicon.is_stopword(word)
    starts_clause = _is_verbish(following) or following in (",", "and", ":")
    if word not in FIRST_NAMES and (known_word or not word.isalpha() or (i == 0 and not starts_clause)):
        return 0
    length = 1
    while i + length < len(tokens) and tokens[i + length][:1].isupper() and tokens[i + length].isalpha():
        if lexicon.match(lowered, i + length) is not None or lexicon.is_stopword(lowered[i + length]):
            break
        length += 1
    return length


def _is_verbish(word: str) -> bool:
    found = lexicon.index().get(word, ())
    return any(sense.kind in ("verb", "auxiliary", "outcome") for sense in found)


_WEAR_RELATIONS = frozenset({"in", "wearing", "wear", "wears", "wore", "worn", "dressed in", "sporting"})
_ATTACHING = (_WEAR_RELATIONS - {"in"}) | {
    "with"
}  # what follows belongs to the noun before ("a man with a hat")
_NOUN_LEADS = frozenset({"determiner", "number", "colour", "size", "preposition"})
_SUBJECT_KINDS = frozenset({"thing", "name", "handle", "pronoun"})
_PLACE_PREPOSITIONS = frozenset(
    {
        "in",
        "inside",
        "at",
        "into",
        "to",
        "from",
        "through",
        "across",
        "around",
        "near",
        "on",
        "over",
        "above",
        "along",
        "within",
        "toward",
        "towards",
    }
)


def _disambiguate(items: list[_Item]) -> None:
    """Choose one sense per item from its neighbours (a determiner before "skateboard" makes it a noun)."""
    for i, item in enumerate(items):
        if item.kind:
            continue
        before = items[i - 1] if i > 0 else None
        after = items[i + 1] if i + 1 < len(items) else None
        sense = _choose(item, before, after, items[max(0, i - 2)] if i >= 2 else None)
        item.sense, item.kind = sense, sense.kind


def _choose(item: _Item, before: _Item | None, after: _Item | None, two_before: _Item | None) -> Sense:
    kinds = {sense.kind: sense for sense in item.senses}
    if len(kinds) == 1:
        return item.senses[0]
    prev = before.kind if before else ""
    if "place" in kinds and (
        (prev == "preposition" and before and before.text in _PLACE_PREPOSITIONS)
        or (prev == "determiner" and two_before and two_before.text in _PLACE_PREPOSITIONS)
    ):
        return kinds["place"]
    if "meta" in kinds and (prev in _NOUN_LEADS or prev in ("framing", "move", "style") or not before):
        return kinds["meta"]  # "a close-up shot", "Shot of a dog"
    nounish = prev in _NOUN_LEADS or prev in ("verb", "garment")
    if (
        "verb" in kinds
        and not nounish
        and (prev in _SUBJECT_KINDS or prev in ("conjunction", "auxiliary", "negation", "manner", ""))
    ):
        return kinds["verb"]
    next_kind = after.senses[0].kind if after and after.senses else (after.kind if after else "")
    if "determiner" in kinds and next_kind in ("thing", "colour", "size", "garment"):
        return kinds["determiner"]
    if "colour" in kinds and next_kind in ("thing", "garment", "size"):
        return kinds["colour"]
    for preferred in ("thing", "place", "verb", "pronoun", "conjunction"):
        if preferred in kinds:
            return kinds[preferred]
    return item.senses[0]


@dataclass(slots=True)
class _Unit:
    """A chunked unit: a noun phrase (index), a verb phrase (index) or a marker."""

    kind: str  # "noun", "verb", "conj", "quote", "outcome", "manner", "language", "negation", "aux"
    index: int = -1
    value: str = ""
    number: float = 0.0


@dataclass(slots=True)
class _NounBuilder:
    """What the words before a noun said about it: article, count, colour, size, preposition, language."""

    definite: bool = False
    count: int = 0
    colour: RGB | None = None
    colour_name: str = ""
    size: float = 1.0
    relation: str = ""
    language: str | None = None

    def take(self) -> _NounBuilder:
        """Hand over what was gathered for the noun being finished, and start afresh for the next one."""
        taken = replace(self)
        for part in fields(self):
            setattr(self, part.name, getattr(_FRESH, part.name))
        return taken


_FRESH = _NounBuilder()  # what nothing before a noun looks like


def _chunk(items: list[_Item], sentence: Sentence) -> list[_Unit]:
    units: list[_Unit] = []
    builder = _NounBuilder()
    for i, item in enumerate(items):
        sense = item.sense
        if item.kind == "naming" and sentence.nouns and not sentence.nouns[-1].name:
            builder.take()
            sentence.nouns[-1].name = item.text  # "a dog named Rocket"
        elif item.kind in ("name", "handle", "naming"):
            _add_noun(sentence, units, builder.take(), NounPhrase(name=item.text, definite=True))
        elif item.kind == "quote":
            index = int(item.text[2:-1])
            sentence.quotes.append(index)
            units.append(_Unit("quote", index))
        elif sense is not None:
            _chunk_sense(item, sense, items=items, i=i, builder=builder, units=units, sentence=sentence)
    if builder.colour is not None and sentence.nouns and not _dress(builder, sentence):  # "the car is red"
        sentence.nouns[-1].colour = builder.colour
        sentence.nouns[-1].colour_name = builder.colour_name
    return units


def _chunk_sense(
    item: _Item,
    sense: Sense,
    *,
    items: list[_Item],
    i: int,
    builder: _NounBuilder,
    units: list[_Unit],
    sentence: Sentence,
) -> None:
    kind = sense.kind
    if sense.source:
        sentence.mapped.append((sense.source, sense.value))
    if kind == "thing":
        _thing_noun(sense, builder, units, sentence)
    elif kind == "pronoun":
        _add_noun(sentence, units, builder.take(), NounPhrase(pronoun=sense.value, definite=True))
    elif kind == "determiner":
        builder.definite = sense.value not in ("a", "an", "another", "each", "every")
    elif (
        kind == "number" and units and units[-1].kind == "noun" and item.text.isdigit() and builder == _FRESH
    ):
        sentence.nouns[units[-1].index].ordinal = int(min(sense.number, MAX_ORDINAL))  # "Robot 2"
    elif kind == "number":
        builder.count = int(min(sense.number, 999))
    elif kind == "colour":
        builder.colour, builder.colour_name = lexicon.COLOURS[sense.value], sense.value
    elif kind == "size":
        builder.size *= sense.number
    elif kind == "preposition":
        builder.relation = sense.value
    elif kind == "garment":
        _garment(sense, builder, sentence)
    elif kind == "language":
        _language(sense, items, i, builder, units)
    elif kind == "verb":
        _dress(builder, sentence)
        builder.take()  # a preposition or article left hanging belongs to no noun
        units.append(_Unit("verb", len(sentence.verbs)))
        participle = item.text.endswith("ing") and i > 0 and items[i - 1].kind in ("determiner", "number")
        sentence.verbs.append(
            VerbPhrase(sense.value, dict(sense.params), source=sense.source, participle=participle)
        )
    elif kind in ("conjunction", "outcome", "manner", "negation", "auxiliary"):
        if kind == "conjunction":
            _dress(builder, sentence)
            builder.take()
        kinds = {"conjunction": "conj", "auxiliary": "aux"}
        units.append(_Unit(kinds.get(kind, kind), value=sense.value, number=sense.number))
    elif kind != "meta":
        if not (i + 1 < len(items) and items[i + 1].kind == "thing"):  # "on a park bench": bench keeps "on a"
            builder.take()  # "across a meadow": the article and preposition went to the place
        sentence.cues.setdefault(kind, []).append(sense.value)


def _thing_noun(sense: Sense, builder: _NounBuilder, units: list[_Unit], sentence: Sentence) -> None:
    spec = builder.take()
    count = spec.count or int(sense.number) or (PLURAL_DEFAULT if sense.plural else 1)
    noun = NounPhrase(word=sense.value, count=max(1, min(count, MAX_COUNT)), source=sense.source)
    noun.definite, noun.colour, noun.colour_name, noun.size, noun.language = (
        spec.definite,
        spec.colour,
        spec.colour_name,
        spec.size,
        spec.language,
    )
    if spec.count > MAX_COUNT:
        sentence.notes.append(
            f"asked for {spec.count} '{sense.value}': made {MAX_COUNT}, the most for one phrase"
        )
    _add_noun(sentence, units, spec, noun)


def _add_noun(sentence: Sentence, units: list[_Unit], spec: _NounBuilder, noun: NounPhrase) -> None:
    noun.relation = spec.relation
    if noun.language is None:
        noun.language = spec.language
    if noun.name and not noun.word:  # "tall Maria": what came before a name describes the person
        noun.colour, noun.colour_name, noun.size = spec.colour, spec.colour_name, spec.size
    thing = lexicon.THINGS.get(noun.word)
    attaches = noun.relation in _ATTACHING
    if (thing is not None and thing.worn) or (attaches and sentence.nouns):
        noun.owner = _owner(sentence)
    units.append(_Unit("noun", len(sentence.nouns)))
    sentence.nouns.append(noun)


def _owner(sentence: Sentence) -> int | None:
    """The latest animate noun phrase: who a worn thing or a "with" companion belongs to."""
    for index in range(len(sentence.nouns) - 1, -1, -1):
        noun = sentence.nouns[index]
        thing = lexicon.THINGS.get(noun.word)
        if noun.owner is None and (noun.name or noun.pronoun or (thing is not None and thing.animate)):
            return index
    return None


def _garment(sense: Sense, builder: _NounBuilder, sentence: Sentence) -> None:
    spec = builder.take()
    owner = _owner(sentence)
    if spec.colour is not None and owner is not None:
        sentence.nouns[owner].garments[sense.value] = spec.colour


def _dress(builder: _NounBuilder, sentence: Sentence) -> bool:
    """ "A woman in red", "dressed in blue": a colour worn with no garment named colours the wearer's top."""
    owner = _owner(sentence)
    if builder.colour is None or builder.relation not in _WEAR_RELATIONS or owner is None:
        return False
    sentence.nouns[owner].garments.setdefault("top", builder.colour)
    builder.colour = None
    return True


def _language(sense: Sense, items: list[_Item], i: int, builder: _NounBuilder, units: list[_Unit]) -> None:
    after = items[i + 1] if i + 1 < len(items) else None
    if after is not None and after.kind in ("thing", "name"):
        builder.language = sense.value  # "a Spanish woman"
    else:
        units.append(_Unit("language", value=sense.value))


def _structure(units: list[_Unit], sentence: Sentence) -> None:
    """Give every verb its subjects, objects, quotes, outcome, manner and language."""
    verb_positions = [p for p, unit in enumerate(units) if unit.kind == "verb"]
    previous: VerbPhrase | None = None
    for n, position in enumerate(verb_positions):
        verb = sentence.verbs[units[position].index]
        end = verb_positions[n + 1] if n + 1 < len(verb_positions) else len(units)
        verb.subjects = _subjects(units, position, sentence, verb, previous)
        subject_start = _subject_start(units, end, sentence) if n + 1 < len(verb_positions) else end
        _modifiers(units, position, max(subject_start, position + 1), verb, sentence)
        verb.negated = any(u.kind == "negation" for u in units[max(0, position - 2) : position])
        previous = verb
    _orphan_outcomes(units, sentence, verb_positions)
    _fold_falls(sentence)


_JOINERS = frozenset({"and", ",", "&", "who", "that", "which"})


def _subject_start(units: list[_Unit], position: int, sentence: Sentence) -> int:
    """Where the subject run of the verb at `position` starts: nouns joined by "and" or ",", their companions
    ("a man with his dog") and worn things, but never a prepositional object ("to his dog")."""
    start = position
    p = position - 1
    while p >= 0 and units[p].kind in ("aux", "manner", "negation"):
        p -= 1
    while p >= 0 and units[p].kind == "noun":
        noun = sentence.nouns[units[p].index]
        modifier = noun.relation == "with" and p > 0 and units[p - 1].kind == "noun"  # "a hat with a feather"
        if noun.relation and not (_is_companion(noun) or noun.owner is not None or modifier):
            break
        if start < position and p > 0 and units[p - 1].kind == "verb":
            break  # "chases a cat, Maria says": the cat is what is chased, not a second speaker
        start = p
        p -= 1
        if p >= 0 and units[p].kind == "conj" and units[p].value in _JOINERS:
            p -= 1
        elif noun.owner is None and not modifier:
            break
    return start


def _subjects(
    units: list[_Unit], position: int, sentence: Sentence, verb: VerbPhrase, previous: VerbPhrase | None
) -> list[int]:
    if verb.participle:
        after = [u.index for u in units[position + 1 :] if u.kind == "noun"]
        return after[:1]
    found: list[int] = []
    for unit in units[_subject_start(units, position, sentence) : position]:
        noun = sentence.nouns[unit.index] if unit.kind == "noun" else None
        if noun is None:
            continue
        if not noun.relation:
            found.append(unit.index)
        elif noun.owner is not None and _is_companion(noun) and noun.owner in found:
            found.append(unit.index)  # "a man with his dog walks": the dog walks too
    if found:
        return found
    antecedent = _antecedent(units, position)
    if antecedent is not None:
        return [antecedent]
    if verb.verb in _SPEECH and position + 1 < len(units) and units[position + 1].kind == "noun":
        noun = sentence.nouns[units[position + 1].index]
        if noun.name or noun.pronoun:  # '"Hola", says Maria'
            return [units[position + 1].index]
    return list(previous.subjects) if previous else []


def _antecedent(units: list[_Unit], position: int) -> int | None:
    """ "... to his father, who catches it": the noun a relative pronoun before the verb stands for."""
    p = position - 1
    while p >= 0 and units[p].kind in ("aux", "manner", "negation"):
        p -= 1
    if p < 1 or units[p].kind != "conj" or units[p].value not in ("who", "which", "that"):
        return None
    p -= 1
    if units[p].kind == "conj" and units[p].value == ",":
        p -= 1
    return units[p].index if p >= 0 and units[p].kind == "noun" else None


def _is_companion(noun: NounPhrase) -> bool:
    thing = lexicon.THINGS.get(noun.word)
    return noun.relation == "with" and thing is not None and thing.kind in ("person", "animal")


def _modifiers(units: list[_Unit], position: int, end: int, verb: VerbPhrase, sentence: Sentence) -> None:
    for unit in units[position + 1 : end]:
        if unit.kind == "noun" and unit.index not in verb.subjects:
            verb.objects.append(unit.index)
        elif unit.kind == "quote":
            verb.quotes.append(unit.index)
        elif unit.kind == "outcome":
            verb.params["success"] = unit.number
        elif unit.kind == "manner":
            _apply_manner(verb, unit)
        elif unit.kind == "language":
            verb.language = unit.value
    for unit in units[max(0, position - 3) : position]:
        if unit.kind == "manner":  # "quickly runs"
            _apply_manner(verb, unit)
    if verb.verb in _SPEECH and not verb.quotes:
        verb.quotes.extend(_quote_before(units, position, sentence))


def _quote_before(units: list[_Unit], position: int, sentence: Sentence) -> list[int]:
    """'"Hola," Maria says': quotes right before the speaker that no earlier verb took."""
    taken = {q for v in sentence.verbs for q in v.quotes}
    found: list[int] = []
    for unit in reversed(units[:position]):
        if unit.kind == "verb":
            break
        if unit.kind == "quote" and unit.index not in taken:
            found.insert(0, unit.index)
    return found


def _apply_manner(verb: VerbPhrase, unit: _Unit) -> None:
    param = unit.value
    if param == "rotations":
        verb.params[param] = unit.number
        return
    base = VERBS[verb.verb].params.get(param)
    if base is not None:
        verb.params[param] = verb.params.get(param, base) * unit.number


def _orphan_outcomes(units: list[_Unit], sentence: Sentence, verb_positions: list[int]) -> None:
    """ "A player misses": an outcome with no attempt before it is a basketball shot with that outcome."""
    first_verb = verb_positions[0] if verb_positions else len(units)
    for position, unit in enumerate(units[:first_verb]):
        if unit.kind == "outcome":
            subjects = [
                u.index for u in units[:position] if u.kind == "noun" and not sentence.nouns[u.index].relation
            ]
            verb = VerbPhrase("shoot", {"success": unit.number}, subjects=subjects[-1:], source=unit.value)
            sentence.verbs.insert(0, verb)
            sentence.mapped.append((unit.value or "outcome", "a basketball shot"))
            return


def _fold_falls(sentence: Sentence) -> None:
    """ "Does a backflip and falls": the fall is the flip failing, not a second action."""
    kept: list[VerbPhrase] = []
    for verb in sentence.verbs:
        last = kept[-1] if kept else None
        if (
            verb.verb == "fall"
            and last is not None
            and last.verb in STUNTS
            and verb.subjects == last.subjects
        ):
            last.params["success"] = 0.0
            continue
        kept.append(verb)
    sentence.verbs = kept
