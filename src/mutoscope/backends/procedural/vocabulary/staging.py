"""Staging: where the cast stands, flies and swims (layout), and when each act and line happens (timeline).

`layout` gives every member of a `World` a position in metres for the chosen place: fixtures first (a court's
hoop at its edge, a setting's water, a bench people sit on in the middle), then actors spaced along the ground
(a shooter at the free-throw line, a gymnast on her beam, two speakers facing each other or side by side on
their bench), then what they hold or ride, then what flies or swims. Before placing, it settles what the cast
does with the set: people who talk beside an unused seat sit on it, a small animal that knocks something off a
table climbs onto the table (and stands behind the thing, which waits at the edge), and a vehicle the reading
gave a hand's verb ("cars passing" read as a pass of a ball) drives instead, with its idle fellows.
`timeline` lays each shot's dialogue lines end to end and each member's acts in sequence inside the shot's
window: one-shot acts at their natural length, continuous ones sharing the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from mutoscope.backends.procedural.vocabulary.actions import VERBS
from mutoscope.backends.procedural.vocabulary.casting import Act, Line, Member, World
from mutoscope.backends.procedural.vocabulary.concepts import Place

# Flying heights above the ground (metres) by thing, with a default for anything else that flies.
ALTITUDE_M: dict[str, tuple[float, float]] = {
    "bird": (2.5, 6.0), "butterfly": (0.8, 2.0), "bee": (0.8, 2.0), "bat": (3.0, 6.0), "seagull": (4.0, 9.0),
    "eagle": (8.0, 15.0), "owl": (3.0, 7.0), "parrot": (2.5, 5.0), "dragon": (12.0, 20.0),
    "plane": (40.0, 80.0), "jet": (40.0, 80.0), "helicopter": (18.0, 30.0), "hot air balloon": (25.0, 40.0),
    "spaceship": (15.0, 30.0), "ufo": (12.0, 25.0), "kite": (7.0, 10.0), "balloon": (2.5, 4.0),
    "paper airplane": (1.6, 2.4), "leaf": (1.5, 3.0), "feather": (1.5, 3.0),
}  # fmt: skip
DEFAULT_ALTITUDE_M = (3.0, 8.0)

SPACING_M = 1.4  # free space between neighbours on the ground
TALK_DISTANCE_M = 1.6  # between two people talking to each other
THROW_DISTANCE_M = 6.0  # a catcher from the thrower
KICK_DISTANCE_M = 8.0  # a kicker from the goal
AIMED_VERBS = frozenset({"shoot", "dunk", "kick"})  # their doers face what they aim at, set when placed
SHOT_DISTANCE_M = 4.6  # a basketball shooter from the hoop (free-throw line)
HOOP_EDGE = 0.38  # the hoop's x as a fraction of the stage width, towards the right edge
HELD_FRACTION = 0.15  # a held prop's centre above the holder's centre, as a fraction of the holder's height

# Verbs whose prop is held in the hands (placed at hand height) rather than lying on the ground.
HELD_VERBS = frozenset(
    {"shoot", "dunk", "dribble", "throw", "juggle", "carry", "play", "read", "type", "drink", "cook", "eat"}
)
# Verbs whose prop is stood or ridden on.
BOARD_VERBS = frozenset({"kickflip", "ollie", "skate", "surf", "ski"})
MOUNT_VERBS = frozenset({"ride", "drive"})
SURFACE_RELATIONS = frozenset({"on", "onto", "upon", "on top of"})

# Speech pacing: a line lasts its words at the speaker's rate plus a breath; CJK counts characters.
SPEECH_BREATH_S = 0.35
LINE_GAP_S = 0.25
CJK_CHARS_PER_WORD = 2.5
SPEECH_LEAD_S = 0.3  # silence before the first line of a shot
MIN_SHOT_S = 1.5  # prompt sentences become separate shots only while each lasts at least this long
STUNT_LEAD_S = 1.0  # a lone stunt starts after this (or 15 % of the shot) so the set-up is seen
ANCHOR_X_M: dict[str, float] = {
    "balance beam": 0.0,
    "trampoline": 0.0,
    "ramp": 3.8,  # clear of where a trick on flat ground lands and rolls out
    "pedestal": 1.6,
    "sign": 3.2,
}
DIRECTIONAL = frozenset({"hoop", "goal", "ramp", "water"})  # a layout with these is never mirrored

# Seats: people who talk beside one nobody uses sit on it, side by side, spaced as the simulator's `Sit`
# spaces them (SEAT_SPACING_M apart, or closer on a short seat: all of them within SEAT_USE of its width).
SEATS = frozenset({"bench", "sofa", "chair"})
SEAT_SPACING_M = 1.0
SEAT_USE = 0.6
SEAT_ROOM_M = 0.55  # seat width each sitter needs
# Knocking a thing off a raised surface (a cup off a table): a pusher shorter than the surface's top climbs
# onto it; the thing waits this far from the edge it is pushed over, the pusher this far behind it.
KNOCK_VERBS = frozenset({"push", "pull"})
EDGE_GAP_M = 0.12
PUSH_GAP_M = 0.15
# What a vehicle can do; a verb outside these (a hand's verb: "passing" read as a throw) means it drives by.
VEHICLE_VERBS = frozenset(
    {"drive", "ride", "crash", "roll", "fly", "swim", "float", "take off", "land", "walk", "run", "chase",
     "push", "pull", "spin", "bounce", "jump", "call", "talk", "sing"}
)  # fmt: skip
OVERTAKE = 0.35  # each further vehicle sharing a drive is this much faster, so it overtakes the one ahead


# --- layout -------------------------------------------------------------------------------------------------


def layout(world: World, place: Place) -> None:
    """Give every member that has no position yet a sensible one for `place`."""
    free = [m for m in world.members if not m.placed]
    if not free:
        return
    _drive_vehicles(world)
    _in_hand(world)
    _seat_talkers(world)
    climbers = _climb_to_knock(world)
    taken: list[tuple[float, float]] = [
        (m.x_m - m.body.width_m / 2, m.x_m + m.body.width_m / 2)
        for m in world.members
        if m.placed and m.kind != "fixture"
    ]
    for member in free:
        if member.kind == "fixture":
            _place_fixture(world, member, place)
    seats = _place_seats(world, free, taken)
    for act in world.acts:  # a rider sits on the horse, bicycle or car it rides
        if act.verb in MOUNT_VERBS and act.target is not None and act.target != act.member:
            world.member(act.member).surface = act.target
    actors = [m for m in free if m.kind in ("person", "animal", "vehicle") and m.holder is None]
    for member in _placing_order(world, actors):
        _place_actor(world, member, place, taken)
    for member in free:
        if member.key in seats:
            continue
        if member.key in climbers.values():  # the table the cat climbs stands where the cat is
            member.x_m = next(world.member(k).x_m for k, s in climbers.items() if s == member.key)
            member.y_m = member.body.height_m / 2
            taken.append((member.x_m - member.body.width_m / 2, member.x_m + member.body.width_m / 2))
        elif member.kind == "object" or (member.holder is not None and member.kind != "fixture"):
            _place_thing(world, member, place, taken)
    for member in free:
        if member.surface is not None:
            _stand_on(member, world.member(member.surface))
    _face(world, free)
    _away_from_water(world, free, place)
    _line_up_knocks(world, climbers)
    # Mirror the whole set (a seed may stage it left-to-right or right-to-left), unless part of it was placed
    # before (a remix's parent scene): the new members must stay where they were put beside the old ones.
    directional = any(m.type in DIRECTIONAL for m in world.members)
    if not directional and len(free) == len(world.members) and world.rng.random() < 0.5:
        for member in free:
            member.x_m, member.facing = -member.x_m, -member.facing
    for member in free:
        member.x_m, member.y_m = round(member.x_m, 3), round(member.y_m, 3)


def _place_fixture(world: World, member: Member, place: Place) -> None:
    body, stage = member.body, place.width_m
    member.y_m = body.height_m / 2
    if member.type == "water" and place.water is not None:
        water = place.water
        member.x_m = (water.x0_m + water.x1_m) / 2
        member.y_m = water.surface_m - water.depth_m / 2
    elif member.type == "hoop":
        member.x_m, member.facing = stage * HOOP_EDGE, -1
    elif member.type == "goal":
        member.x_m, member.facing = stage * 0.42, -1
    elif member.type in ANCHOR_X_M:
        member.x_m = ANCHOR_X_M[member.type]
    else:  # scenery alternates sides, outside the middle where the action is
        side = 1 if member.key % 2 else -1
        member.x_m = side * (stage * 0.3 + world.rng.uniform(0.0, stage * 0.15))


def _placing_order(world: World, actors: list[Member]) -> list[Member]:
    """Mounts before their riders; then speakers in speaking order, so a conversation stands together."""
    speakers = list(dict.fromkeys(line.speaker for line in world.lines))
    mounts = {m.surface for m in world.members if m.surface is not None}

    def rank(member: Member) -> tuple[bool, int]:
        spoken = speakers.index(member.key) if member.key in speakers else len(speakers) + member.key
        return (member.key not in mounts, spoken)

    return sorted(actors, key=rank)


def _place_actor(world: World, member: Member, place: Place, taken: list[tuple[float, float]]) -> None:
    body = member.body
    member.y_m = body.height_m / 2
    verbs = {act.verb for act in world.acts if act.member == member.key}
    water = place.water
    hoops = [m for m in world.members if m.type == "hoop"]
    goals = [m for m in world.members if m.type == "goal"]
    if verbs & {"shoot", "dunk"} and hoops:
        distance = 2.2 if "dunk" in verbs else SHOT_DISTANCE_M
        member.x_m, member.facing = hoops[0].x_m - distance, 1
    elif "kick" in verbs and goals:
        member.x_m, member.facing = goals[0].x_m - KICK_DISTANCE_M, 1
    elif member.surface is not None:
        member.x_m = world.member(member.surface).x_m
    elif (spot := _seat_spot(world, member)) is not None:
        member.x_m = spot
    elif (walker := _walked_by(world, member)) is not None:
        member.x_m = walker.x_m + walker.facing * (walker.body.width_m / 2 + body.width_m / 2 + 0.4)
    elif (thrower := _catches_from(world, member)) is not None:
        member.x_m, member.facing = thrower.x_m + thrower.facing * THROW_DISTANCE_M, -thrower.facing
    elif (fixture := _fixture_target(world, member)) is not None:
        inward = -1.0 if fixture.x_m > 0 else 1.0  # on the side of the fixture that faces the action
        member.x_m = fixture.x_m + inward * (fixture.body.width_m / 2 + body.width_m / 2 + 0.2)
    elif (member.habitat == "air" or "fly" in verbs) and not verbs & {"take off", "land"}:
        low, high = ALTITUDE_M.get(member.type, DEFAULT_ALTITUDE_M)
        member.x_m = world.rng.uniform(-place.width_m / 4, place.width_m / 4)
        member.y_m = world.rng.uniform(low, high)
        return
    elif water is not None and (member.habitat in ("water", "surface") or verbs & {"swim", "dive", "surf"}):
        _place_in_water(world, member, place)
        return
    else:
        member.x_m = _free_slot(world, body.width_m, taken, place)
    if place.ground == "none" and member.surface is None:
        member.y_m = body.height_m / 2 + (1.5 if place.name == "space" else 0.0)
    taken.append((member.x_m - body.width_m / 2, member.x_m + body.width_m / 2))


def _drive_vehicles(world: World) -> None:
    """A vehicle given a verb it cannot do drives instead, and its idle fellows of the same type with it, in
    the far lane, each a little faster than the one before so they overtake ("a street with cars passing")."""
    for act in list(world.acts):
        vehicle = world.member(act.member)
        if vehicle.kind != "vehicle" or act.verb in VEHICLE_VERBS:
            continue
        world.note(f"the {vehicle.type} cannot {act.verb}: it drives")
        act.verb, act.target, act.after = "drive", None, None
        act.params = dict(VERBS["drive"].params)
        busy = {a.member for a in world.acts if a.shot in (act.shot, -1)}
        busy |= {a.target for a in world.acts if a.target is not None}  # a car someone drives is theirs
        fellows = [m for m in world.members if m.type == vehicle.type and m.key not in busy]
        for rank, fellow in enumerate(fellows, start=1):
            speed = VERBS["drive"].params["speed_m_s"] * (1.0 + OVERTAKE * rank)
            params = {"speed_m_s": round(speed, 2), "lane": 1.0}  # it passes in the far lane
            world.acts.append(Act(fellow.key, "drive", act.shot, params))


def _in_hand(world: World) -> None:
    """What a held verb uses starts in its doer's hands ("shoots and misses, the ball rebounds off the rim":
    the ball is the shooter's, not lying on the rim where it ends up); what the doer carries along ("runs
    with a kite") goes with it, not as where it runs to."""
    for act in world.acts:
        if (
            act.target is not None
            and VERBS[act.verb].travels
            and world.member(act.target).holder == act.member
        ):
            act.target = None
        if act.verb not in HELD_VERBS or act.target is None or act.target == act.member:
            continue
        thing = world.member(act.target)
        if thing.placed or thing.kind not in ("object",) or thing.holder not in (None, act.member):
            continue
        thing.holder, thing.surface = act.member, None


def _seat_talkers(world: World) -> None:
    """People who talk in a shot beside a seat nobody uses sit on it for that shot (as many as it holds)."""
    used = (
        {a.target for a in world.acts}
        | {m.surface for m in world.members}
        | {m.holder for m in world.members}
    )
    seats = [m for m in world.members if m.type in SEATS and m.key not in used]
    if not seats:
        return
    seat = seats[0]
    room = max(1, int(seat.body.width_m / SEAT_ROOM_M))
    doing = {(a.member, a.shot) for a in world.acts if a.verb not in ("talk", "sing")}
    seated: list[int] = []
    for line in world.lines:
        talker = world.member(line.speaker)
        if talker.kind != "person" or (talker.key, line.shot) in doing or talker.surface is not None:
            continue
        if talker.key not in seated and len(seated) >= room:
            continue
        world.acts.append(Act(talker.key, "sit", line.shot, {}, seat.key))
        doing.add((talker.key, line.shot))
        if talker.key not in seated:
            seated.append(talker.key)
    if seated:
        world.note(f"the speakers sit on the {seat.type}")


def _sitters(world: World, seat: Member) -> list[Member]:
    """Who sits on `seat`, in speaking order (then by key): their order along it, left to right."""
    speakers = list(dict.fromkeys(line.speaker for line in world.lines))
    keys = {a.member for a in world.acts if a.verb == "sit" and a.target == seat.key}
    ordered = sorted(keys, key=lambda k: (speakers.index(k) if k in speakers else len(speakers), k))
    return [world.member(k) for k in ordered]


def _place_seats(world: World, free: list[Member], taken: list[tuple[float, float]]) -> set[int]:
    """Seats someone sits on stand in the middle of the set (before anyone is placed beside them)."""
    placed: set[int] = set()
    for seat in free:
        if seat.type in SEATS and _sitters(world, seat):
            seat.x_m, seat.y_m = 0.0, seat.body.height_m / 2
            placed.add(seat.key)
            taken.append((seat.x_m - seat.body.width_m / 2, seat.x_m + seat.body.width_m / 2))
    return placed


def _seat_spot(world: World, member: Member) -> float | None:
    """Where along its seat a sitter starts (it sits straight down there), or None for a non-sitter."""
    for act in world.acts:
        if act.member != member.key or act.verb != "sit" or act.target is None:
            continue
        seat = world.member(act.target)
        if seat.type not in SEATS:
            return None
        sitters = _sitters(world, seat)
        spacing = min(SEAT_SPACING_M, SEAT_USE * seat.body.width_m / max(len(sitters) - 1, 1))
        k = sitters.index(member)
        return seat.x_m + (k - (len(sitters) - 1) / 2.0) * spacing
    return None


def _climb_to_knock(world: World) -> dict[int, int]:
    """Pushers of a thing that rests on a raised surface they are shorter than (a cat and the table a cup
    stands on): each stands on that surface too. Returns pusher key -> surface key."""
    climbers: dict[int, int] = {}
    for act in world.acts:
        if act.verb not in KNOCK_VERBS or act.target is None:
            continue
        pusher, thing = world.member(act.member), world.member(act.target)
        if thing.surface is None or pusher.kind not in ("animal", "person"):
            continue
        surface = world.member(thing.surface)
        raised = surface.kind in ("object", "fixture") and surface.body.height_m > 0.3
        if raised and pusher.body.height_m < surface.body.height_m and pusher.surface is None:
            pusher.surface = surface.key
            climbers[pusher.key] = surface.key
    return climbers


def _line_up_knocks(world: World, climbers: dict[int, int]) -> None:
    """On the shared surface, the thing waits near the edge it goes over and its pusher stands behind it,
    facing that edge (the edge on the outer side of the set, so it falls where the camera looks)."""
    for act in world.acts:
        if act.member not in climbers or act.verb not in KNOCK_VERBS or act.target is None:
            continue
        pusher, thing = world.member(act.member), world.member(act.target)
        surface = world.member(climbers[pusher.key])
        if thing.surface != surface.key:
            continue
        side = 1 if surface.x_m >= 0.0 else -1
        half = surface.body.width_m / 2
        thing.x_m = surface.x_m + side * (half - thing.body.width_m / 2 - EDGE_GAP_M)
        behind = thing.x_m - side * (thing.body.width_m / 2 + pusher.body.width_m / 2 + PUSH_GAP_M)
        pusher.x_m = max(surface.x_m - half + pusher.body.width_m / 2, min(behind, surface.x_m + half))
        pusher.facing = side


def _walked_by(world: World, member: Member) -> Member | None:
    """Who walks this member (a dog on its walk stays beside its person), once that one has a place."""
    for act in world.acts:
        if act.verb == "walk" and act.target == member.key and act.member < member.key:
            return world.member(act.member)
    return None


def _catches_from(world: World, member: Member) -> Member | None:
    """The thrower whose throw this member catches (placed before it, as actors go in order of mention)."""
    for act in world.acts:
        if act.member == member.key and act.after is not None and act.after.member < member.key:
            return world.member(act.after.member)
    return None


def _fixture_target(world: World, member: Member) -> Member | None:
    """The fixture this member climbs, sits on or uses (a tree, a bench, a ladder), if any."""
    for act in world.acts:
        if act.member == member.key and act.target is not None and world.member(act.target).kind == "fixture":
            target = world.member(act.target)
            return target if target.type not in DIRECTIONAL else None
    return None


def _place_in_water(world: World, member: Member, place: Place) -> None:
    water = place.water
    assert water is not None
    left = max(water.x0_m + 1.0, -place.width_m / 2)
    right = min(water.x1_m - 1.0, place.width_m / 2)
    member.x_m = world.rng.uniform(left, max(left, right))
    height = member.body.height_m
    if member.habitat == "surface":
        member.y_m = water.surface_m + height * 0.2  # floats: mostly above the surface
    elif member.kind == "person":
        member.y_m = water.surface_m - height * 0.25  # a swimmer's head and shoulders show
    else:  # swims between the bottom and the surface, nearer the bottom in deep water
        depth = min(water.depth_m, 12.0)
        member.y_m = water.surface_m - water.depth_m + world.rng.uniform(0.2, 0.7) * depth


def _free_slot(world: World, width: float, taken: list[tuple[float, float]], place: Place) -> float:
    """The free ground position nearest the stage centre, with a little seeded jitter."""
    step = width + SPACING_M
    limit = place.width_m / 2
    water_left = place.water.x0_m if place.water is not None and place.water.surface_m <= 0.0 else limit
    candidates = sorted((n * step / 2 for n in range(-40, 41)), key=lambda x: (abs(x), x))
    for slot in candidates:
        x = slot + world.rng.uniform(-0.15, 0.15)
        lo, hi = x - width / 2 - SPACING_M / 2, x + width / 2 + SPACING_M / 2
        if hi > water_left or abs(x) > limit * 3:
            continue
        if all(hi <= a or lo >= b for a, b in taken):
            return x
    return world.rng.uniform(-limit, min(limit, water_left - width))


def _place_thing(world: World, member: Member, place: Place, taken: list[tuple[float, float]]) -> None:
    body = member.body
    holder = world.member(member.holder) if member.holder is not None else None
    member.y_m = body.height_m / 2
    if holder is not None and member.type in ("kite", "balloon", "hot air balloon"):
        low, high = ALTITUDE_M.get(member.type, DEFAULT_ALTITUDE_M)
        member.x_m, member.y_m = holder.x_m + 0.5, holder.body.height_m + (low + high) / 4
    elif holder is not None and _boards(world, member):
        member.x_m = holder.x_m
        holder.surface = member.key
    elif holder is not None and _mounts(world, member):
        member.x_m = holder.x_m
        holder.surface = member.key
        taken.append((member.x_m - body.width_m / 2, member.x_m + body.width_m / 2))
    elif (user := _user_of_load(world, member)) is not None:  # the table the cat knocks a cup off
        member.x_m = user.x_m + user.facing * (user.body.width_m / 2 + body.width_m / 2 + 0.1)
    elif holder is not None:
        member.x_m = holder.x_m + holder.facing * (holder.body.width_m / 2 + body.width_m / 2 + 0.05)
        if _held(world, member):
            member.y_m = holder.y_m + holder.body.height_m * HELD_FRACTION
    elif member.habitat == "air":
        low, high = ALTITUDE_M.get(member.type, DEFAULT_ALTITUDE_M)
        member.x_m, member.y_m = world.rng.uniform(-2.0, 2.0), world.rng.uniform(low, high)
    elif member.habitat == "surface" and place.water is not None:
        _place_in_water(world, member, place)
    else:
        member.x_m = _free_slot(world, body.width_m, taken, place)
        taken.append((member.x_m - body.width_m / 2, member.x_m + body.width_m / 2))


def _user_of_load(world: World, member: Member) -> Member | None:
    """Whoever uses something that stands on this member (a cup on a table), so the table stands by them."""
    for other in world.members:
        if other.surface == member.key and other.holder is not None and other.holder != member.key:
            return world.member(other.holder)
    return None


def _uses(world: World, member: Member) -> set[str]:
    return {act.verb for act in world.acts if act.target == member.key}


def _held(world: World, member: Member) -> bool:
    return bool(_uses(world, member) & HELD_VERBS) or not _uses(world, member)


def _boards(world: World, member: Member) -> bool:
    return bool(_uses(world, member) & BOARD_VERBS) or member.type in (
        "skateboard",
        "surfboard",
        "skis",
        "snowboard",
    )


def _mounts(world: World, member: Member) -> bool:
    return bool(_uses(world, member) & MOUNT_VERBS)


def _stand_on(member: Member, base: Member) -> None:
    """Put a member on top of what it stands on: a beam, a board, a horse (a car's driver sits inside)."""
    member.x_m = base.x_m
    if (
        base.kind == "vehicle"
        and base.body.shape == "car"
        and base.type not in ("bicycle", "motorcycle", "scooter")
    ):
        member.y_m = base.y_m
    elif base.kind in ("animal", "vehicle"):
        member.y_m = base.y_m + base.body.height_m / 2 + member.body.height_m * 0.3
    else:
        member.y_m = base.y_m + base.body.height_m / 2 + member.body.height_m / 2


def _face(world: World, members: list[Member]) -> None:
    """Movers face where they go; speakers face each other; others face the centre of the action."""
    speakers = list(dict.fromkeys(line.speaker for line in world.lines))
    for member in members:
        if member.kind == "fixture" or any(
            a.verb in AIMED_VERBS for a in world.acts if a.member == member.key
        ):
            continue
        listeners = [world.member(k) for k in speakers if k != member.key]
        if member.key in speakers and listeners:
            member.facing = 1 if listeners[0].x_m >= member.x_m else -1
        elif (
            not any(VERBS[a.verb].travels for a in world.acts if a.member == member.key) and member.x_m > 0.5
        ):
            member.facing = -1


def _away_from_water(world: World, members: list[Member], place: Place) -> None:
    """On a shore (a beach, a lake side), whoever travels over the ground goes along it, away from the water,
    not into the sea (those who swim, surf or sail are in it already)."""
    water = place.water
    if water is None or water.surface_m > 0.0:
        return
    for member in members:
        verbs = {a.verb for a in world.acts if a.member == member.key}
        walks = any(VERBS[v].travels and VERBS[v].medium == "ground" for v in verbs)
        if member.kind in ("person", "animal") and member.habitat == "ground" and walks:
            if water.x0_m > member.x_m:
                member.facing = -1
            elif water.x1_m < member.x_m:
                member.facing = 1


# --- timeline -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timed:
    member: int
    verb: str
    start_s: float
    end_s: float
    target: int | None
    params: dict[str, float]


@dataclass(frozen=True, slots=True)
class TimedLine:
    speaker: int
    text: str
    language: str
    start_s: float
    end_s: float
    verb: str


def timeline(world: World, windows: list[tuple[float, float]]) -> tuple[list[Timed], list[TimedLine]]:
    """Every act and line of every shot, timed inside its shot's window."""
    acts: list[Timed] = []
    lines: list[TimedLine] = []
    for shot, (start, end) in enumerate(windows):
        shot_lines = _lay_lines(world, [line for line in world.lines if line.shot == shot], start, end)
        lines.extend(shot_lines)
        own = [act for act in world.acts if act.shot == shot]
        busy = {act.member for act in own} | {line.speaker for line in shot_lines}
        ambient = [act for act in world.acts if act.shot == -1 and act.member not in busy]
        acts.extend(_lay_acts(own + ambient, start, end))
        acts.extend(_speech_acts(world, shot_lines))
    return acts, lines


def _speech_s(world: World, line: Line) -> float:
    voice = world.member(line.speaker).voice
    rate = voice.rate_wpm if voice is not None else 165
    cjk = sum(1 for char in line.text if ord(char) > 0x2E80)
    words = len(line.text.split()) + cjk / CJK_CHARS_PER_WORD
    return SPEECH_BREATH_S + words * 60.0 / rate


def _lay_lines(world: World, lines: list[Line], start: float, end: float) -> list[TimedLine]:
    if not lines:
        return []
    window = end - start
    lead = min(SPEECH_LEAD_S, window * 0.1)
    spans = [_speech_s(world, line) for line in lines]
    needed = sum(spans) + LINE_GAP_S * (len(lines) - 1)
    scale = min(1.0, max(window - lead, 0.0) / needed) if needed > 0 else 1.0
    cursor = start + lead
    timed: list[TimedLine] = []
    for line, span in zip(lines, spans, strict=True):
        line_start, line_end = _clamp(cursor, cursor + span * scale, start, end)
        timed.append(TimedLine(line.speaker, line.text, line.language, line_start, line_end, line.verb))
        cursor += (span + LINE_GAP_S) * scale
    return timed


def _speech_acts(world: World, lines: list[TimedLine]) -> list[Timed]:
    """Talk and sing acts that move each speaker's body while their line plays, turned to the listener."""
    speakers = list(dict.fromkeys(line.speaker for line in world.lines))
    acts = []
    for line in lines:
        listeners = [k for k in speakers if k != line.speaker]
        acts.append(
            Timed(line.speaker, line.verb, line.start_s, line.end_s, listeners[0] if listeners else None, {})
        )
    return acts


def _lay_acts(acts: list[Act], start: float, end: float) -> list[Timed]:
    by_member: dict[int, list[Act]] = {}
    for act in acts:
        by_member.setdefault(act.member, []).append(act)
    timed: dict[int, Timed] = {}
    for sequence in by_member.values():
        for act, item in zip(sequence, _sequence(sequence, start, end), strict=True):
            timed[id(act)] = item
    for act in acts:  # a catch waits for its throw, plus the flight
        if act.after is not None and id(act.after) in timed:
            thrown = timed[id(act.after)]
            item = timed[id(act)]
            begin, finish = _clamp(
                thrown.end_s + 0.4, thrown.end_s + 0.4 + (item.end_s - item.start_s), start, end
            )
            timed[id(act)] = Timed(item.member, item.verb, begin, finish, item.target, item.params)
    return [timed[id(act)] for act in acts]


def _sequence(acts: list[Act], start: float, end: float) -> list[Timed]:
    """One member's acts back to back: one-shots at natural length, continuous acts sharing the rest."""
    window = end - start
    natural = [VERBS[act.verb].duration_s for act in acts]
    fixed = sum(natural)
    continuous = sum(1 for d in natural if d == 0.0)
    lead = min(STUNT_LEAD_S, window * 0.15) if natural[0] > 0 else 0.0
    room = max(window - lead, 0.0)
    each = max(0.5, (room - fixed) / continuous) if continuous else 0.0
    total = fixed + each * continuous
    scale = min(1.0, room / total) if total > 0 else 1.0
    cursor = start + lead
    out = []
    for act, duration in zip(acts, natural, strict=True):
        span = (duration or each) * scale
        begin, finish = _clamp(cursor, cursor + span, start, end)
        out.append(Timed(act.member, act.verb, begin, finish, act.target, dict(act.params)))
        cursor += span
    return out


def _clamp(begin: float, finish: float, start: float, end: float) -> tuple[float, float]:
    """Keep [begin, finish] inside [start, end], ordered, rounded to the millisecond without leaving it."""
    begin = min(max(begin, start), end)
    finish = min(max(finish, begin), end)
    b, f = round(begin, 3), round(finish, 3)
    b = min(max(b, start), end)
    f = min(max(f, b), end)
    return b, f
