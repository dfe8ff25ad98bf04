"""Furnishing: what the prompt leaves out and the plan needs, added to a `World` before it is staged.

The setting when none is named (from the weather, the actions and the cast's homes), a subject when nobody is
named, the prop each act needs (a kickflip's skateboard, a shot's basketball, a guitarist's guitar), the
fixture it aims at (a hoop), the setting's own fixtures and water, and a wearer for worn things nobody wears.
Every addition is said in the world's notes.
"""

from __future__ import annotations

from mutoscope.backends.procedural.scene import Body
from mutoscope.backends.procedural.vocabulary import casting, lexicon, staging
from mutoscope.backends.procedural.vocabulary.actions import VERBS
from mutoscope.backends.procedural.vocabulary.casting import Act, Member, World
from mutoscope.backends.procedural.vocabulary.places import PLACES

_WATER_PALETTE = ((40, 110, 180), (90, 170, 220), (230, 245, 255))


def choose_place(world: World, place: str | None, weather: str | None) -> str:
    """The setting asked for, else one the weather, the actions or the cast suggest."""
    if place in PLACES:
        return place
    if weather == "snow":
        return _chosen(world, "snowfield", "it snows")
    verbs = {act.verb for act in world.acts}
    actors = [world.member(act.member) for act in world.acts] + [
        world.member(ln.speaker) for ln in world.lines
    ]
    homes = [
        t.home for m in actors + world.members if (t := lexicon.THINGS.get(m.type)) is not None and t.home
    ]
    if verbs & {"swim", "dive", "surf"}:
        wet = [home for home in homes if PLACES[home].water is not None]
        return _chosen(world, wet[0] if wet else ("beach" if "surf" in verbs else "pool"), "someone swims")
    if verbs & {"take off", "land"}:  # an aircraft needs ground to leave or reach
        homes = [home for home in homes if PLACES[home].ground != "none"] or ["desert"]
    homes = [home for home in homes if home not in world.avoid]
    if homes:
        return _chosen(world, homes[0], "it suits the cast")
    animate = any(m.kind in ("person", "animal", "vehicle") for m in world.members)
    fallback = [p for p in (("park", "studio") if animate else ("studio", "park")) if p not in world.avoid]
    return _chosen(world, (fallback or ["studio"])[0], "nothing else suggested one")


def _chosen(world: World, place: str, why: str) -> str:
    world.note(f"no setting named: chose '{place}' ({why})")
    return place


def complete(world: World, place: str) -> None:
    """Add what the plan needs and the prompt did not say: characters, a subject, props, fixtures, water."""
    for ref in world.characters:
        if ref.id not in world.bound:
            casting.character_member(world, ref)
            world.note(f"added character @{ref.handle.lstrip('@')}")
    if not world.acts and not any(m.kind in ("person", "animal", "vehicle") for m in world.members):
        _default_subjects(world, place)  # a thing that acts ("a top hat spins") is subject enough
    for act in list(world.acts):
        _equip(world, act)
    for member in list(world.members):
        thing = lexicon.THINGS.get(member.type)
        if member.kind == "person" and thing is not None and thing.prop and not world.of_type(thing.prop):
            world.create(lexicon.thing(thing.prop)).holder = member.key
    for word in PLACES[place].fixtures:
        if not world.of_type(word):
            world.create(lexicon.thing(word))
    _add_water(world, place)
    wearers = [m for m in world.members if m.kind == "person"] or [
        m for m in world.members if m.kind == "animal"
    ]
    for item in world.loose_accessories:
        if wearers:
            casting.wear(wearers[0], item)
            world.note(f"put the {item} on {wearers[0].name}")
    if "swim" in {a.verb for a in world.acts} and PLACES[place].water is None:
        world.note(f"the {place} has no water: swimming is drawn on the ground")
    for member in world.members:
        if member.habitat == "water" and PLACES[place].water is None:
            world.note(f"the {member.type} is out of water in the {place}")


def _default_subjects(world: World, place: str) -> None:
    added = []
    wanted = [w for w in dict.fromkeys(PLACES[place].subjects) if w not in world.avoid]
    for word in wanted or ["person"]:
        thing = lexicon.thing(word)
        member = world.create(thing)
        member.shots.clear()
        verb = {"air": "fly", "water": "swim", "surface": "swim"}.get(thing.habitat, "walk")
        if thing.kind == "vehicle":
            verb = "fly" if thing.habitat == "air" else "drive"
        if thing.kind != "fixture":
            world.acts.append(Act(member.key, verb, -1, dict(VERBS[verb].params)))
        added.append(word)
        if len(added) == 2:
            break
    world.note(f"no subject named: added {' and '.join(f'a {w}' for w in added)} (fits the {place})")


def _equip(world: World, act: Act) -> None:
    """Give an act the prop and fixture it needs (a kickflip's skateboard, a shot's ball and hoop)."""
    member = world.member(act.member)
    concept = VERBS[act.verb]
    unmounted = act.target is None or world.member(act.target).kind not in ("vehicle", "animal")
    if act.verb in ("ride", "drive") and member.kind != "vehicle" and unmounted:
        mount = world.create(lexicon.thing("bicycle" if act.verb == "ride" else "car"))
        act.target = mount.key
        world.note(f"added a {mount.type} to {act.verb}")
    prop = _prop_for(member, act.verb)
    uses_props = member.kind == "person" or act.verb in staging.BOARD_VERBS
    if prop and uses_props and not _fits(world, act.target, prop, act.verb):
        found = _free_prop(world, prop, member.key)
        if found is None:
            found = world.create(lexicon.thing(prop))
            world.note(f"added a {prop} for '{act.verb}'")
        act.target = found.key
    if prop and uses_props and act.target is not None:
        _specify(world, world.member(act.target), prop)
    if (
        act.target is not None
        and world.member(act.target).holder is None
        and world.member(act.target).kind == "object"
    ):
        world.member(act.target).holder = member.key
    if concept.fixture and not world.of_type(concept.fixture):
        world.create(lexicon.thing(concept.fixture))
        world.note(f"added a {concept.fixture} for '{act.verb}'")


def _prop_for(member: Member, verb: str) -> str:
    """The prop a member needs for a verb: the verb's own, but a player's instrument for "play" and a
    player's own kind of ball for a ball verb (a tennis player serves a tennis ball)."""
    prop = VERBS[verb].prop
    role = lexicon.THINGS.get(member.type)
    own = role.prop if role is not None and role.prop else ""
    if verb == "play":
        return casting.role_instrument(member) or prop
    if own and prop and lexicon.thing(own).shape == "ball" and lexicon.thing(prop).shape == "ball":
        return own
    return prop


def _specify(world: World, member: Member, prop: str) -> None:
    """A plain "ball" used where a kind of ball is needed becomes that ball (its asked colour kept)."""
    if member.type != "ball" or prop == "ball" or lexicon.thing(prop).shape != "ball":
        return
    thing = lexicon.thing(prop)
    member.body = casting.body_for(thing, world.rng, colour=member.colour)
    world.note(f"took the ball to be a {prop}")
    member.type = prop
    if member.generic:
        member.name = prop


def _fits(world: World, key: int | None, prop: str, verb: str) -> bool:
    if key is None:
        return False
    member = world.member(key)
    if verb in ("throw", "kick", "catch", "juggle"):
        return member.kind == "object"
    if lexicon.thing(prop).shape == "ball":
        return member.body.shape == "ball"
    return member.type == prop or (member.body.shape == lexicon.thing(prop).shape and member.kind == "object")


def _free_prop(world: World, prop: str, user: int) -> Member | None:
    ball = lexicon.thing(prop).shape == "ball"
    for member in world.members:
        fits = member.type == prop or (ball and member.body.shape == "ball" and member.kind == "object")
        if fits and member.holder in (None, user):
            return member
    return None


def _add_water(world: World, place: str) -> None:
    water = PLACES[place].water
    if water is None or world.of_type("water"):
        return
    body = Body(
        "water",
        water.depth_m,
        water.x1_m - water.x0_m,
        1000.0 * water.depth_m,
        _WATER_PALETTE,
        restitution=0.0,
        friction=0.0,
        static=True,
    )
    world.add("water", "fixture", "water", body)
