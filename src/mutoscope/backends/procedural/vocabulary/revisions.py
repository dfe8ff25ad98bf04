"""Revisions: the change requests of a remix or an edit, applied to a parent scene's world.

"Make it an ad for a top hat" (the main person wears it, it stands on a pedestal, a sign shows its name),
"remove the dog" / "without the dog", "replace the dog with a horse" / "turn the car into a bus". `revise`
applies these to the world and returns the rest of the prompt, which the planner reads as usual (new things,
new actions, colours, style, time, weather, setting).
"""

from __future__ import annotations

import re
from dataclasses import replace

from mutoscope.backends.procedural.vocabulary import casting, lexicon
from mutoscope.backends.procedural.vocabulary.casting import Member, World

_AD = re.compile(
    r"\b(?:an?\s+)?(?:ad|advert|advertisement|commercial|promo|promotion)\s+(?:for|of)\s+"
    r"(?:a|an|the|some)?\s*([\w' -]+?)\s*(?=$|[.,;!?]|\band\b)",
    re.I,
)
_REMOVE = re.compile(
    r"\b(?:remove|delete|get rid of|take out|take away|without|no more|drop)\s+"
    r"(?:the|a|an|all|any|every)?\s*([\w' -]+?)\s*(?=$|[.,;!?]|\band\b)",
    re.I,
)
_REPLACE = re.compile(
    r"\b(?:replace|swap)\s+(?:the|a|an)?\s*([\w' -]+?)\s+(?:with|for)\s+(?:a|an|the)?\s*"
    r"([\w' -]+?)\s*(?=$|[.,;!?])|\b(?:turn|change|transform)\s+(?:the|a|an)?\s*([\w' -]+?)"
    r"\s+into\s+(?:a|an|the)?\s*([\w' -]+?)\s*(?=$|[.,;!?])",
    re.I,
)


def revise(world: World, prompt: str) -> str:
    """Apply the prompt's ad, removal and replacement requests to `world`; return the words left to read."""
    text = _AD.sub(lambda m: _advertise(world, m.group(1)), prompt)
    text = _REMOVE.sub(lambda m: _remove(world, m.group(1)), text)
    return _REPLACE.sub(
        lambda m: _replace_thing(world, m.group(1) or m.group(3), m.group(2) or m.group(4)), text
    )


def _thing_named(words: str) -> str:
    tokens = re.findall(r"[\w']+", words.lower())
    for start in range(len(tokens)):
        found = lexicon.match(tokens, start)
        senses = found.senses if found else lexicon.nearest(tokens[start])
        thing = next((s.value for s in senses if s.kind == "thing"), "")
        if thing:
            return thing
    return ""


def _advertise(world: World, words: str) -> str:
    """ "An ad for a top hat": the main person wears or holds it, it stands on a pedestal, a sign names it."""
    word = _thing_named(words)
    caption = words.strip().title()
    people = [m for m in world.members if m.kind == "person"] or [
        m for m in world.members if m.kind == "animal"
    ]
    if word:
        thing = lexicon.thing(word)
        if thing.worn and people:
            casting.wear(people[0], word)
            world.note(f"ad: {people[0].name} wears the {word}")
        pedestal = world.create(lexicon.thing("pedestal"))
        _beside_the_cast(world, pedestal, 1.5)
        product = world.create(thing, name=f"{word} (product)")
        product.habitat, product.surface = "ground", pedestal.key
        if product.kind == "fixture":
            product.kind = "object"
        world.note(f"ad: the {word} is shown on a pedestal")
    else:
        world.note(f"ad: no visual concept for '{words.strip()}'; it is shown as a caption only")
    _beside_the_cast(world, world.create(lexicon.thing("sign"), name=caption), 1.2)
    world.note(f"ad: a sign reads '{caption}'")
    return " "


def _beside_the_cast(world: World, member: Member, gap_m: float) -> None:
    """Stand a new prop just right of everything already placed, so the ad's display blocks no one."""
    placed = [m for m in world.members if m.placed and m.type != "water"]
    right = max((m.x_m + m.body.width_m / 2 for m in placed), default=0.0)
    member.x_m = round(right + gap_m + member.body.width_m / 2, 3)
    member.y_m = member.body.height_m / 2
    member.placed = True


def _remove(world: World, words: str) -> str:
    word = _thing_named(words)
    doomed = {
        m.key for m in world.members if (word and m.type == word) or m.name.lower() == words.strip().lower()
    }
    if not doomed:
        world.note(f"nothing to remove for '{words.strip()}'")
        return " "
    world.members = [m for m in world.members if m.key not in doomed]
    for index, member in enumerate(world.members):  # keys are list positions: renumber the survivors
        _renumber(world, member.key, index)
    world.note(f"removed the {word or words.strip()}")
    return " "


def _renumber(world: World, old: int, new: int) -> None:
    if old == new:
        return
    for member in world.members:
        if member.key == old:
            member.key = new
        member.surface = new if member.surface == old else member.surface
        member.holder = new if member.holder == old else member.holder


def _replace_thing(world: World, old_words: str, new_words: str) -> str:
    old, new = _thing_named(old_words), _thing_named(new_words)
    if not old or not new:
        world.note(f"could not replace '{old_words}' with '{new_words}': unknown thing")
        return " "
    thing = lexicon.thing(new)
    for member in world.of_type(old):
        body = casting.body_for(thing, world.rng)
        member.body = replace(body, accessories=member.body.accessories)
        member.type, member.kind, member.habitat = thing.word, thing.kind, thing.habitat
        member.name = thing.word if member.generic else member.name
        member.placed = False
        world.note(f"replaced the {old} with a {new}")
    return " "
