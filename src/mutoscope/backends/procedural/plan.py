"""The PLAN stage of the procedural backend: a prompt (or a storyboard) becomes a `Scene`.

Reading (`vocabulary.reading`) says who does what; casting (`vocabulary.casting`) decides which entity each
phrase is, with one persistent cast across shots; this module groups sentences into shots and gathers the
scene-wide conditions, has the world furnished (`vocabulary.furnishing`: setting, subject, the props and
fixtures an action needs), voiced (`vocabulary.voices`) and staged (`vocabulary.staging`: layout and timing),
and has `direction` pick cameras, lights, sky, style and ambience. Everything mapped, guessed or unusable is
said in `Scene.notes`. Planning is deterministic: every choice comes from `random.Random(seed)`.

Conventions the later stages rely on:
- `Entity.x_m, y_m` are the body's centre (as in `EntityTrack`); y is up and the ground is y = 0.
- An action's `target` is the entity it uses or aims at: the ball of a shot or throw, the skateboard of a
  kickflip, the beam a backflip is done on. A scene with a `shoot`/`dunk` always has a `hoop` fixture.
- A `water` fixture is a rectangle of water (centre, width x height); a `sign` entity's `name` is its caption.
- Voices are espeak-ng voices with a variant ("es+f3"); no two speakers share both voice and pitch.

`remix_scene`, `edit_scene` and `extend_scene` start from a parent scene's world instead of an empty one.
This module imports no rendering, physics or audio library.
"""

from __future__ import annotations

import itertools
import logging
import math
import random
import re
from collections.abc import Sequence
from dataclasses import replace

from mutoscope.backends.procedural import direction
from mutoscope.backends.procedural.direction import Conditions
from mutoscope.backends.procedural.scene import (
    Action,
    DialogueLine,
    Entity,
    Scene,
    SceneFormatError,
    ShotPlan,
)
from mutoscope.backends.procedural.vocabulary import casting, furnishing, lexicon, revisions, staging, voices
from mutoscope.backends.procedural.vocabulary.actions import VERBS
from mutoscope.backends.procedural.vocabulary.casting import Act, Member, World
from mutoscope.backends.procedural.vocabulary.places import PLACES
from mutoscope.backends.procedural.vocabulary.reading import Reading, Sentence, read
from mutoscope.backends.procedural.vocabulary.styles import STYLES
from mutoscope.engine.request import CharacterRef
from mutoscope.errors import InvalidRequestError

log = logging.getLogger(__name__)

__all__ = ["STYLES", "edit_scene", "extend_scene", "plan_from_json", "plan_scene", "remix_scene"]

Group = list[tuple[Reading, Sentence]]  # the sentences of one shot, with the reading that holds their quotes


# --- public API -------------------------------------------------------------------------------------------


def plan_scene(
    prompt: str,
    *,
    duration_s: float,
    seed: int,
    style: str | None = None,
    shots: Sequence[tuple[str, float]] = (),
    characters: Sequence[CharacterRef] = (),
    negative_prompt: str = "",
) -> Scene:
    """Plan a scene from a prompt, or from a storyboard of `(prompt, duration_s)` shots (prompt = context).

    What the negative prompt names (things, weather, time, style, music, a setting) is never chosen by
    default; what the prompt itself asks for still wins.
    """
    _check(duration_s, seed, style, shots)
    duration_s = float(duration_s)
    world = World(random.Random(seed), tuple(characters))
    world.avoid = _avoided(negative_prompt)
    if world.avoid:
        world.note(f"negative prompt: never chose {', '.join(sorted(world.avoid))} by default")
    texts = " ".join([prompt, *(text for text, _ in shots)])
    world.named_characters = {c.id for c in characters if _mentions(texts, c)}
    names = {name.lower(): name for c in characters for name in (c.name, f"@{c.handle.lstrip('@')}")}
    context: Group = []
    if shots:  # the prompt is the storyboard's context: its cast, setting and ongoing actions span all shots
        reading = read(prompt, names)
        context = [(reading, s) for s in reading.sentences]
        groups: list[Group] = [
            [(r, s) for s in r.sentences] for r in (read(text, names) for text, _ in shots)
        ]
        windows: list[tuple[float, float]] | None = _storyboard_windows(shots, duration_s)
        _cast(world, [context], shot=-1)
    else:
        groups, windows = _group(read(prompt, names), duration_s), None
    if not prompt.strip() and not shots:
        world.note("the prompt is empty: planned a default scene")
    _cast(world, groups)
    conditions = _conditions(world, context + [pair for group in groups for pair in group], Conditions())
    return _finish(
        world,
        prompt=prompt,
        duration_s=duration_s,
        seed=seed,
        style=style,
        conditions=conditions,
        groups=groups,
        windows=windows,
    )


def plan_from_json(text: str) -> Scene:
    """A scene from its JSON form (as `Scene.to_json` writes it); malformed input names the field at fault."""
    try:
        scene = Scene.from_json(text)
    except (SceneFormatError, ValueError, TypeError, RecursionError) as exc:
        raise InvalidRequestError(f"the scene JSON is not a valid scene: {exc}", param="prompt") from exc
    problem = _scene_problem(scene)
    if problem:
        raise InvalidRequestError(f"the scene JSON is not a valid scene: {problem}", param="prompt")
    return scene


def _scene_problem(scene: Scene) -> str:
    """What makes a well-formed scene unplayable (a dangling id, a time outside the clip), or ""."""
    ids = [e.id for e in scene.entities]
    if not math.isfinite(scene.duration_s) or scene.duration_s <= 0:
        return "scene.duration_s must be a positive number of seconds"
    if len(set(ids)) != len(ids):
        return "scene.entities has two entities with the same id"
    if scene.style not in STYLES:
        return f"scene.style must be one of {', '.join(STYLES)}; got {scene.style!r}"
    refs = [(f"scene.actions[{i}].entity", a.entity) for i, a in enumerate(scene.actions)]
    refs += [(f"scene.actions[{i}].target", a.target) for i, a in enumerate(scene.actions) if a.target]
    refs += [(f"scene.dialogue[{i}].speaker", d.speaker) for i, d in enumerate(scene.dialogue)]
    refs += [(f"scene.cameras[{i}].subject", c.subject) for i, c in enumerate(scene.cameras) if c.subject]
    for where, ref in refs:
        if ref not in ids:
            return f"{where} is {ref!r}, which is no entity's id"
    spans = [(f"scene.actions[{i}]", a.start_s, a.end_s) for i, a in enumerate(scene.actions)]
    spans += [(f"scene.cameras[{i}]", c.start_s, c.end_s) for i, c in enumerate(scene.cameras)]
    spans += [(f"scene.dialogue[{i}]", d.start_s, d.start_s) for i, d in enumerate(scene.dialogue)]
    for where, start, end in spans:
        if not (0.0 <= start <= end <= scene.duration_s):
            return f"{where} runs {start:g}-{end:g} s, outside the scene's 0-{scene.duration_s:g} s"
    return ""


def remix_scene(parent: Scene, prompt: str, *, seed: int) -> Scene:
    """The parent's world, cast and seed, changed by the prompt; `seed` drives only the new choices."""
    return _change(parent, prompt, random.Random(seed), "remix")


def edit_scene(parent: Scene, prompt: str) -> Scene:
    """The parent changed only as the prompt says (new choices are seeded by the parent's seed)."""
    return _change(parent, prompt, random.Random(parent.seed), "edit")


def extend_scene(parent: Scene, prompt: str, duration_s: float) -> Scene:
    """What happens next: the same entities where they were, new acts from the prompt, time from 0."""
    _check(duration_s, parent.seed, None, ())
    duration_s = float(duration_s)
    world = _world_from(parent, random.Random(parent.seed + 1))
    reading = read(prompt, _entity_names(parent))
    groups = _group(reading, duration_s)
    _cast(world, groups)
    if not world.acts and not world.lines:
        _continue_acts(world, parent)
    base = Conditions(parent.setting, parent.time_of_day, parent.weather, parent.style)
    conditions = _conditions(world, [pair for group in groups for pair in group], base)
    world.note(f"continues the scene '{parent.prompt}'")
    scene = _finish(
        world,
        prompt=prompt,
        duration_s=duration_s,
        seed=parent.seed,
        style=None,
        conditions=conditions,
        groups=groups,
        windows=None,
    )
    return scene


# --- checks -----------------------------------------------------------------------------------------------


def _check(duration_s: float, seed: int, style: str | None, shots: Sequence[tuple[str, float]]) -> None:
    if (
        isinstance(duration_s, bool)
        or not isinstance(duration_s, int | float)
        or not math.isfinite(duration_s)
    ):
        raise InvalidRequestError(
            f"duration_s must be a finite number, got {duration_s!r}", param="duration_s"
        )
    if duration_s <= 0:
        raise InvalidRequestError(f"duration_s must be positive, got {duration_s:g}", param="duration_s")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidRequestError(f"seed must be an integer, got {seed!r}", param="seed")
    if style is not None and style not in STYLES:
        raise InvalidRequestError(f"style must be one of {', '.join(STYLES)}; got {style!r}", param="style")
    for index, (_, shot_s) in enumerate(shots):
        if not math.isfinite(shot_s) or shot_s <= 0:
            raise InvalidRequestError(
                f"shot {index + 1} must last a positive time, got {shot_s!r}", param="shots"
            )
    total = sum(shot_s for _, shot_s in shots)
    if shots and abs(total - duration_s) > 1e-3:
        raise InvalidRequestError(
            f"the shots last {total:g} s in all but duration_s is {duration_s:g} s; they must match",
            param="shots",
        )


def _avoided(negative_prompt: str) -> frozenset[str]:
    """Thing words and cue values ("rain", "night", "noir", "music", "beach") of a negative prompt."""
    found: set[str] = set()
    for sentence in read(negative_prompt).sentences:
        found.update(noun.word for noun in sentence.nouns if noun.word)
        found.update(value for values in sentence.cues.values() for value in values)
        found.update("music" for _ in sentence.cues.get("music", ()))
        found.update(sentence.ignored)
    return frozenset(found)


def _mentions(text: str, ref: CharacterRef) -> bool:
    handle = re.escape(ref.handle.lstrip("@"))
    name = re.escape(ref.name)
    return bool(
        re.search(rf"@{handle}\b", text, re.I) or (ref.name and re.search(rf"\b{name}\b", text, re.I))
    )


# --- shots ------------------------------------------------------------------------------------------------


def _group(reading: Reading, duration_s: float) -> list[Group]:
    """Sentences to shots: each sentence that acts (or names a camera) starts a shot, while time allows."""
    groups: list[Group] = []
    for sentence in reading.sentences:
        starts = (
            sentence.marker or bool(sentence.verbs) or bool(sentence.cue("framing") or sentence.cue("move"))
        )
        if groups and (not starts or not any(s.verbs or s.cue("framing") for _, s in groups[-1])):
            groups[-1].append((reading, sentence))
        else:
            groups.append([(reading, sentence)])
    limit = max(1, int(duration_s // staging.MIN_SHOT_S))
    while len(groups) > limit:
        tail = groups.pop()
        groups[-1].extend(tail)
    return groups or [[]]


def _storyboard_windows(shots: Sequence[tuple[str, float]], duration_s: float) -> list[tuple[float, float]]:
    windows, start = [], 0.0
    for index, (_, shot_s) in enumerate(shots):
        end = duration_s if index == len(shots) - 1 else min(start + shot_s, duration_s)
        windows.append((start, end))
        start = end
    return windows


def _prompt_windows(world: World, count: int, duration_s: float) -> list[tuple[float, float]]:
    """Split the duration between shots by what each must fit: its speech, its stunts, at least a beat."""
    weights = []
    for shot in range(count):
        speech = sum(
            staging.SPEECH_BREATH_S + len(line.text.split()) * 0.4
            for line in world.lines
            if line.shot == shot
        )
        stunts = sum(VERBS[act.verb].duration_s for act in world.acts if act.shot == shot)
        weights.append(max(1.5, speech + 0.6, stunts + 0.8))
    total = sum(weights)
    bounds, running = [0.0], 0.0
    for weight in weights[:-1]:
        running += weight
        bounds.append(round(duration_s * running / total, 3))
    bounds.append(duration_s)
    return list(itertools.pairwise(bounds))


def _shot_text(group: Group) -> str:
    parts = [_unquote(reading, sentence.text) for reading, sentence in group]
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def _unquote(reading: Reading, text: str) -> str:
    """Put a sentence's quoted lines back in place of their `_qN_` markers."""
    return re.sub(r"_q(\d+)_", lambda m: f'"{reading.quotes[int(m.group(1))].text}"', text)


# --- casting ----------------------------------------------------------------------------------------------


def _cast(world: World, groups: list[Group], shot: int | None = None) -> None:
    for index, group in enumerate(groups):
        for reading, sentence in group:
            for words, concept in sentence.mapped:
                world.note(f"mapped '{words}' to '{concept}'")
            for word in sentence.ignored:
                world.note(f"ignored '{word}': no visual concept")
            for note in sentence.notes:
                world.note(note)
            casting.cast_sentence(world, sentence, reading.quotes, index if shot is None else shot)
    for line in world.lines:  # the storyboard's context speaks in the first shot
        line.shot = max(line.shot, 0)
    world.chatter = [(max(s, 0), key, verb) for s, key, verb in world.chatter]


def _conditions(world: World, pairs: Group, base: Conditions) -> Conditions:
    """Scene-wide cues, first mention wins; a second setting is noted, since a scene has one world."""
    found = replace(base, ambience=list(base.ambience))
    places: list[str] = []
    for _, sentence in pairs:
        places.extend(sentence.cues.get("place", ()))
        for kind in ("time", "weather", "style"):
            value = sentence.cue(kind)
            if value and (getattr(found, kind) is None or getattr(found, kind) == getattr(base, kind)):
                setattr(found, kind, sentence.cues[kind][0])
        if sentence.cue("music") is not None:
            found.music = sentence.cue("music") or sentence.cue("mood") or found.music or ""
        found.ambience.extend(sentence.cues.get("ambience", ()))
    if places:
        found.place = places[0]
        for other in dict.fromkeys(places[1:]):
            if other != places[0]:
                world.note(f"kept one setting ('{places[0]}'); '{other}' is not a second setting")
    return found


def _world_from(parent: Scene, rng: random.Random) -> World:
    """A world holding the parent's entities where they are (their ids, bodies and voices kept)."""
    world = World(rng)
    for entity in parent.entities:
        thing = lexicon.THINGS.get(entity.type)
        member = world.add(entity.name, entity.kind, entity.type, entity.body)
        member.id, member.voice, member.character_id = entity.id, entity.voice, entity.character_id
        member.generic = entity.name == entity.type
        member.language = entity.voice.language if entity.voice else None
        member.habitat = thing.habitat if thing is not None else "ground"
        member.gender = thing.gender if thing is not None else ""
        member.x_m, member.y_m, member.facing, member.placed = entity.x_m, entity.y_m, entity.facing, True
        member.shots = set()
    world.continuing = True
    return world


def _entity_names(scene: Scene) -> dict[str, str]:
    return {e.name.lower(): e.name for e in scene.entities if e.name != e.type and e.name.isprintable()}


def _continue_acts(world: World, parent: Scene) -> None:
    """An extension with no new action goes on doing what was still going on when the parent ended."""
    keys = {m.id: m.key for m in world.members}
    for action in parent.actions:
        still = (
            action.end_s >= parent.duration_s - 0.05
            and VERBS.get(action.verb, VERBS["stand"]).duration_s == 0
        )
        if still and action.entity in keys and action.verb in VERBS and not VERBS[action.verb].speech:
            target = keys.get(action.target) if action.target else None
            world.acts.append(Act(keys[action.entity], action.verb, -1, dict(action.params), target))
    if world.acts:
        world.note("no new action: the ongoing actions continue")


# --- finishing: layout, timing, cameras, light and sound --------------------------------------------------


def _finish(
    world: World,
    *,
    prompt: str,
    duration_s: float,
    seed: int,
    style: str | None,
    conditions: Conditions,
    groups: list[Group],
    windows: list[tuple[float, float]] | None,
) -> Scene:
    place = furnishing.choose_place(world, conditions.place, conditions.weather)
    if PLACES[place].notes:
        world.note(PLACES[place].notes)
    furnishing.complete(world, place)
    voices.small_talk(world)
    voices.assign_voices(world)
    windows = windows or _prompt_windows(world, len(groups), duration_s)
    staging.layout(world, PLACES[place])
    timed, lines = staging.timeline(world, windows)
    ids = _assign_ids(world)
    time, weather = direction.sky(world, conditions, place)
    chosen_style = direction.style_for(world, style, conditions)
    log.debug(
        "planned %d entities, %d acts, %d lines in %s", len(world.members), len(timed), len(lines), place
    )
    return Scene(
        prompt=prompt,
        duration_s=float(duration_s),
        seed=seed,
        setting=place,
        time_of_day=time,
        weather=weather,
        style=chosen_style,
        entities=tuple(_entity(m, ids) for m in world.members),
        actions=_actions(timed, ids),
        cameras=direction.cameras(
            world, cues=[_cues(g) for g in groups], windows=windows, timed=timed, lines=lines, ids=ids
        ),
        lights=direction.lights(place, time, weather),
        sounds=direction.sound_beds(
            place,
            time,
            weather,
            conditions=conditions,
            verbs={t.verb for t in timed},
            style=chosen_style,
            avoid=world.avoid,
        ),
        dialogue=tuple(DialogueLine(ids[ln.speaker], ln.text, ln.language, ln.start_s) for ln in lines),
        shots=tuple(
            ShotPlan(_shot_text(g) if g else prompt, s, e) for g, (s, e) in zip(groups, windows, strict=True)
        ),
        notes=tuple(world.notes),
    )


def _cues(group: Group) -> direction.ShotCues:
    """The framing and move a shot's own words ask for (its last mention wins)."""
    sentences = [s for _, s in group]
    framing = next((s.cue("framing") for s in reversed(sentences) if s.cue("framing")), None)
    move = next((s.cue("move") for s in reversed(sentences) if s.cue("move")), None)
    return direction.ShotCues(framing, move)


def _actions(timed: list[staging.Timed], ids: dict[int, str]) -> tuple[Action, ...]:
    actions = (
        Action(ids[t.member], t.verb, t.start_s, t.end_s, ids[t.target] if t.target is not None else None,
               dict(t.params))
        for t in timed
    )  # fmt: skip
    return tuple(sorted(actions, key=lambda a: (a.start_s, a.entity)))


def _assign_ids(world: World) -> dict[int, str]:
    """Stable, readable ids: a parent scene's, else the name ("maria") or the type and a number ("dog-2")."""
    used = {m.id for m in world.members if m.id}
    counts: dict[str, int] = {}
    ids: dict[int, str] = {}
    for member in world.members:
        if not member.id:
            base = _slug(member.name if not member.generic else member.type) or "entity"
            counts[base] = counts.get(base, 0) + 1
            candidate = base if not member.generic and counts[base] == 1 else f"{base}-{counts[base]}"
            while candidate in used:
                counts[base] += 1
                candidate = f"{base}-{counts[base]}"
            member.id = candidate
            used.add(candidate)
        ids[member.key] = member.id
    return ids


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower().lstrip("@")).strip("-_")


def _entity(member: Member, ids: dict[int, str]) -> Entity:
    return Entity(
        ids[member.key],
        member.name,
        member.kind,
        member.type,
        member.body,
        member.x_m,
        member.y_m,
        member.facing,
        member.voice,
        member.character_id,
    )


# --- remix and edit ---------------------------------------------------------------------------------------


def _change(parent: Scene, prompt: str, rng: random.Random, mode: str) -> Scene:
    world = _world_from(parent, rng)
    reading = read(revisions.revise(world, prompt), _entity_names(parent))
    groups = [[(reading, s) for s in reading.sentences]]
    known = len(world.members)
    _cast(world, groups, shot=0)
    for member in world.members[known:]:
        if member.kind != "fixture" and not member.name.endswith("(product)"):
            world.note(f"{mode}: added {member.name}")
    base = Conditions(parent.setting, parent.time_of_day, parent.weather, parent.style)
    conditions = _conditions(world, groups[0], base)
    for kind, old in (
        ("setting", parent.setting),
        ("time", parent.time_of_day),
        ("weather", parent.weather),
        ("style", parent.style),
    ):
        new = conditions.place if kind == "setting" else getattr(conditions, kind)
        if new and new != old:
            world.note(f"{mode}: {kind} '{old}' -> '{new}'")
    return _merge(parent, world, conditions, groups, prompt)


def _merge(parent: Scene, world: World, conditions: Conditions, groups: list[Group], prompt: str) -> Scene:
    """The parent with the world's changes: new and changed entities, new acts replace a member's old ones."""
    fresh = _finish(
        world,
        prompt=prompt,
        duration_s=parent.duration_s,
        seed=parent.seed,
        style=None,
        conditions=conditions,
        groups=groups,
        windows=[(0.0, parent.duration_s)],
    )
    alive = {e.id for e in fresh.entities}
    acting = {a.entity for a in fresh.actions if a.verb not in ("talk", "sing")}
    actions = [
        replace(a, target=a.target if a.target in alive else None)
        for a in parent.actions
        if a.entity in alive
        and a.entity not in acting
        and not (fresh.dialogue and a.verb in ("talk", "sing"))
    ]
    actions += [
        a for a in fresh.actions if a.entity in acting or (fresh.dialogue and a.verb in ("talk", "sing"))
    ]
    dialogue = fresh.dialogue or tuple(d for d in parent.dialogue if d.speaker in alive)
    cameras = tuple(replace(c, subject=c.subject if c.subject in alive else None) for c in parent.cameras)
    return replace(
        fresh,
        prompt=prompt,
        seed=parent.seed,
        actions=tuple(sorted(actions, key=lambda a: (a.start_s, a.entity))),
        dialogue=dialogue,
        cameras=cameras or fresh.cameras,
        shots=parent.shots or fresh.shots,
        notes=tuple(dict.fromkeys((*parent.notes, *fresh.notes))),
    )
