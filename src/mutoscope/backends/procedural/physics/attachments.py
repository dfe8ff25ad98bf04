"""Attachments between actors: an object held in a hand, a rider on a board or in a car.

Holding makes the object a kinematic body that follows the holder's hand on a stiff critically damped spring,
so it never jumps; releasing makes it dynamic again with a launch velocity and lets it pass through its
thrower for a moment. Riding makes the rider kinematic on the vehicle's deck or seat. `attach_initial` reads
the scene's placement: a ball placed in a person's hands starts held, a person placed on a board starts riding
it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mutoscope.backends.procedural.physics import ballistics
from mutoscope.backends.procedural.physics.actors import Actor

if TYPE_CHECKING:
    from mutoscope.backends.procedural.physics.world import World

HOLDABLE_MAX_KG = 12.0
RELEASE_CLEAR_S = 0.3
HAND_REACH_M = 0.7
OPEN_VEHICLES = frozenset({"bicycle", "bike", "motorcycle", "scooter", "tractor", "quad bike"})


def holdable(actor: Actor) -> bool:
    """Whether a person could pick this up and throw it."""
    return (
        actor.body is not None
        and actor.phys.role in ("ball", "object")
        and actor.entity.body.mass_kg <= HOLDABLE_MAX_KG
        and actor.rider is None
    )


def hold(holder: Actor, obj: Actor, time_s: float) -> None:
    """`holder` takes `obj` in hand (from the ground, out of the air or from another holder)."""
    if obj.holder is holder:
        return
    if obj.holder is not None:
        obj.holder.holding = None
    if holder.holding is not None:
        drop(holder.holding, time_s)
    obj.holder = holder
    holder.holding = obj
    obj.make_kinematic()
    obj.mode = "held"
    obj.share_group(holder)
    obj.ignore_group_until = -1.0
    holder.mark(time_s, f"hold:{obj.id}")


def release(obj: Actor, time_s: float, vx: float, vy: float, *, spin: float, dt: float) -> None:
    """Let go of `obj` with velocity (vx, vy): from here on it is a free body under gravity."""
    holder = obj.holder
    obj.holder = None
    if holder is not None:
        holder.holding = None
        holder.mark(time_s, f"release:{obj.id}")
    obj.make_dynamic()
    body = obj.dyn
    body.velocity = ballistics.discrete(vx, vy, dt)
    body.angular_velocity = spin
    obj.mode = "air"
    obj.ignore_group_until = time_s + RELEASE_CLEAR_S


def drop(obj: Actor, time_s: float) -> None:
    """Let go of `obj` with the hand's velocity."""
    velocity = obj.dyn.velocity
    release(obj, time_s, velocity.x, velocity.y, spin=obj.dyn.angular_velocity, dt=0.0)


def mount(rider: Actor, vehicle: Actor, time_s: float) -> None:
    """`rider` gets on `vehicle` (stands on a board's deck, sits in a car, boat or plane)."""
    if rider.riding is vehicle:
        return
    rider.riding = vehicle
    vehicle.rider = rider
    rider.make_kinematic()
    rider.mode = "ride"
    rider.settle_angle = False
    rider.share_group(vehicle)
    rider.mark(time_s, f"mount:{vehicle.id}")


def dismount(rider: Actor, time_s: float) -> None:
    vehicle = rider.riding
    rider.riding = None
    if vehicle is not None:
        vehicle.rider = None
    rider.make_dynamic()
    rider.mode = "air"
    rider.ignore_group_until = time_s + RELEASE_CLEAR_S
    rider.mark(time_s, "dismount")


def mountable(actor: Actor) -> bool:
    """Whether a person can ride this: a vehicle, or a four-legged animal (a horse, a camel)."""
    if actor.body is None:
        return False
    return actor.phys.role == "vehicle" or actor.entity.body.shape == "quadruped"


def how_ridden(vehicle: Actor) -> str:
    """ "stand" on a board, "inside" a car or plane (hidden), "saddle" on a bike, a horse or in a boat."""
    shape = vehicle.entity.body.shape
    if shape == "board":
        return "stand"
    if shape == "plane" or (shape == "car" and vehicle.entity.type.lower() not in OPEN_VEHICLES):
        return "inside"
    return "saddle"


def seat(rider: Actor, vehicle: Actor) -> tuple[float, float, float]:
    """World (x, y, angle) of the rider's root: standing on a deck, in a cabin, or on a saddle's top."""
    body = vehicle.dyn
    way = how_ridden(vehicle)
    if way == "stand":
        up = vehicle.phys.half_height_m + rider.phys.half_height_m
    elif way == "inside":
        up = vehicle.phys.half_height_m * 0.2
    else:
        up = vehicle.phys.half_height_m + 0.04 * rider.height  # the pelvis on the saddle
    c, s = math.cos(body.angle), math.sin(body.angle)
    return body.position.x - s * up, body.position.y + c * up, body.angle


def rides_inside(rider: Actor) -> bool:
    """Whether the rider is hidden inside the vehicle (a car's or a plane's cabin)."""
    return rider.riding is not None and how_ridden(rider.riding) == "inside"


def attach_initial(world: World) -> None:
    """Start held what the scene placed in a hand and start riding what a person was placed on."""
    people = [a for a in world.actors if a.phys.role == "person" and a.body is not None]
    for person in people:
        vehicle = _placed_on(world, person)
        if vehicle is not None:
            mount(person, vehicle, 0.0)
            x, y, angle = seat(person, vehicle)
            person.dyn.position = (x, y)
            person.dyn.angle = angle
    for obj in world.actors:
        if not holdable(obj) or obj.entity.y_m - obj.phys.half_height_m <= 0.05:
            continue
        ox, oy = obj.dyn.position
        for person in people:
            hx, hy = world.hand_point(person)
            if math.hypot(ox - hx, oy - hy) <= HAND_REACH_M and person.holding is None:
                hold(person, obj, 0.0)
                break


def _placed_on(world: World, person: Actor) -> Actor | None:
    """The vehicle or mount the scene placed `person` on (or in), if any."""
    base = person.entity.y_m - person.phys.half_height_m
    for vehicle in world.actors:
        if not mountable(vehicle) or vehicle is person or vehicle.rider is not None:
            continue
        e = vehicle.entity
        top, bottom = e.y_m + vehicle.phys.half_height_m, e.y_m - vehicle.phys.half_height_m
        if abs(person.entity.x_m - e.x_m) > max(vehicle.phys.half_width_m, 0.3):
            continue
        way = how_ridden(vehicle)
        if way == "stand":
            on = abs(base - top) <= 0.15
        elif way == "inside":
            on = bottom <= person.entity.y_m <= top + 0.3
        else:
            on = max(bottom - 0.1, e.y_m if e.body.shape == "quadruped" else -1e9) <= base <= top + 0.2
        if on:
            return vehicle
    return None


def rider_candidates(world: World, person: Actor, shapes: tuple[str, ...]) -> Actor | None:
    """The nearest free vehicle or mount of one of `shapes` (a board, a car, a boat, a horse)."""
    return world.nearest(
        person,
        lambda a: mountable(a) and a.entity.body.shape in shapes and a.rider is None and a is not person,
    )
