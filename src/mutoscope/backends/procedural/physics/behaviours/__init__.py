"""Behaviours: what drives each actor during each action, chosen by verb and by the actor's role.

`behaviour_for` is the one table from (role, verb, situation) to a behaviour class. Loose objects get their
verbs as initial motions, vehicles drive or coast, fliers in the air keep flying, bodies in deep water swim,
and people and animals get the full repertoire.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mutoscope.backends.procedural.physics.actors import Actor
from mutoscope.backends.procedural.physics.behaviours.acrobatics import (
    Fall,
    ForwardRoll,
    Handstand,
    Kickflip,
    Leap,
)
from mutoscope.backends.procedural.physics.behaviours.base import Behaviour, Idle
from mutoscope.backends.procedural.physics.behaviours.ground import (
    Climb,
    Drive,
    LieDown,
    Push,
    Sit,
    Stand,
    VehicleIdle,
    Walk,
)
from mutoscope.backends.procedural.physics.behaviours.handling import Catch, Dribble, Kick, Shoot, Throw
from mutoscope.backends.procedural.physics.behaviours.medium import Fly, Swim
from mutoscope.backends.procedural.physics.behaviours.objects import ObjectIdle, ObjectMotion, Tethered
from mutoscope.backends.procedural.physics.bodies import TETHERED
from mutoscope.backends.procedural.physics.timeline import core_verb
from mutoscope.backends.procedural.scene import Action

if TYPE_CHECKING:
    from mutoscope.backends.procedural.physics.world import World

__all__ = ["Behaviour", "behaviour_for"]

LIVING: dict[str, type[Behaviour]] = {
    "walk": Walk, "run": Walk, "jump": Leap, "bounce": Leap, "backflip": Leap, "cartwheel": Leap,
    "kickflip": Kickflip, "dribble": Dribble, "shoot": Shoot, "throw": Throw, "catch": Catch, "kick": Kick,
    "fall": Fall, "roll": ForwardRoll, "push": Push, "climb": Climb, "drive": Drive, "fly": Fly, "swim": Swim,
    "sleep": LieDown, "dance": Stand, "sit": Sit, "eat": Stand, "wave": Stand, "talk": Stand, "sing": Stand,
    "spin": Stand, "idle": Idle,
}  # fmt: skip
WATER_VERBS = frozenset({"walk", "run", "swim", "idle", "dance", "wave", "talk", "sing", "spin", "eat"})
GROUND_VERBS_FOR_FLIERS = frozenset({"walk", "run", "jump", "eat", "sit", "sleep", "push", "kick", "drive"})


def behaviour_for(world: World, actor: Actor, action: Action | None) -> Behaviour:
    """The behaviour that performs `action` (None: idle) for `actor` where it is now."""
    verb = core_verb(action.verb) if action is not None else "idle"
    role = actor.phys.role
    if role in ("ball", "object") and actor.entity.type in TETHERED:
        return Tethered(world, actor, action)
    if role in ("ball", "object"):
        return (ObjectIdle if verb == "idle" else ObjectMotion)(world, actor, action)
    if role == "vehicle":
        moving = verb in ("drive", "walk", "run", "roll", "swim", "fly")
        return (Drive if moving else VehicleIdle)(world, actor, action)
    if role == "swimmer":
        return Swim(world, actor, action if verb == "swim" else None)
    if actor.riding is not None and verb in ("idle", "talk", "sing", "wave"):
        return Idle(world, actor, action)
    if role == "flier" and verb not in GROUND_VERBS_FOR_FLIERS:
        airborne = actor.dyn.position.y - actor.phys.half_height_m > 0.3 or actor.mode in ("fly", "air")
        if verb == "fly" or airborne:
            return Fly(world, actor, action if verb == "fly" else None)
    if _in_deep_water(world, actor) and verb in WATER_VERBS:
        return Swim(world, actor, action if verb in ("swim", "walk", "run") else None)
    if action is not None and action.verb == "handstand" and role == "person":
        return Handstand(world, actor, action)
    return LIVING.get(verb, Stand)(world, actor, action)


def _in_deep_water(world: World, actor: Actor) -> bool:
    if actor.body is None:
        return False
    x, y = actor.dyn.position
    region = world.water_at(x)
    if region is None:
        return False
    feet = y - actor.phys.half_height_m
    return feet < region.surface_m and region.surface_m - region.bottom_m > 0.6 * actor.height
