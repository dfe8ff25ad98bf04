"""Direction: the choices a director makes once the cast and its timeline are known.

Cameras (one per shot: the prompt's framing and move, else one that suits what happens in the shot), lights
(the setting's family of lights, dimmed by weather), the sky (time of day and weather) and the sound beds
(ambience for the setting, weather and prompt, plus music), and the scene's style. Everything here is chosen
from `Conditions` (what the prompt or a parent scene asked for) and the planned world; choices that need
chance draw from the world's seeded random generator. Imports no rendering, physics or audio library.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mutoscope.backends.procedural.scene import CameraMove, CameraShot, Framing, Light, SoundSource
from mutoscope.backends.procedural.vocabulary import lighting, sounds, staging
from mutoscope.backends.procedural.vocabulary.actions import VERBS
from mutoscope.backends.procedural.vocabulary.camera import DEFAULT_FRAMINGS
from mutoscope.backends.procedural.vocabulary.casting import World
from mutoscope.backends.procedural.vocabulary.conditions import TIMES_OF_DAY, WEATHERS
from mutoscope.backends.procedural.vocabulary.places import PLACES
from mutoscope.backends.procedural.vocabulary.styles import DEFAULT_STYLE, STYLES

_AIMED = frozenset({"shoot", "dunk", "kick", "throw", "catch"})  # the thing aimed at must be in frame too


@dataclass(slots=True)
class Conditions:
    """Scene-wide settings: from a parent scene, overridden by what the prompt says."""

    place: str | None = None
    time: str | None = None
    weather: str | None = None
    style: str | None = None
    music: str | None = None
    ambience: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ShotCues:
    """What a shot's own words ask of its camera: a framing and a move, or None for a fitting default."""

    framing: str | None = None
    move: str | None = None


def sky(world: World, conditions: Conditions, place: str) -> tuple[str, str]:
    """Time of day and weather: as asked (a night market is at night), else day and clear."""
    time = conditions.time or ("night" if place == "night market" else "day")
    weather = conditions.weather or "clear"
    if time not in TIMES_OF_DAY or weather not in WEATHERS:  # a hand-edited parent scene may say anything
        world.note(f"unknown time '{time}' or weather '{weather}': used day and clear")
        time = time if time in TIMES_OF_DAY else "day"
        weather = weather if weather in WEATHERS else "clear"
    return time, weather


def style_for(world: World, style: str | None, conditions: Conditions) -> str:
    """The style argument, else the prompt's, else the default (unless the negative prompt names it)."""
    default = next((s for s in (DEFAULT_STYLE, *STYLES) if s not in world.avoid), DEFAULT_STYLE)
    chosen = style or conditions.style or default
    return chosen if chosen in STYLES else default


def cameras(
    world: World,
    *,
    cues: list[ShotCues],
    windows: list[tuple[float, float]],
    timed: list[staging.Timed],
    lines: list[staging.TimedLine],
    ids: dict[int, str],
) -> tuple[CameraShot, ...]:
    """One camera per shot: the prompt's framing and move, else a default that suits the shot and varies."""
    offset = world.rng.randrange(len(DEFAULT_FRAMINGS))
    cameras: list[CameraShot] = []
    for index, (start, end) in enumerate(windows):
        asked = cues[index] if index < len(cues) else ShotCues()
        framing, move = asked.framing, asked.move
        speakers = [ln.speaker for ln in lines if start <= ln.start_s < end or ln.start_s == start]
        during = [t for t in timed if t.start_s < end and t.end_s > start and t.verb not in ("talk", "sing")]
        animate = [m.key for m in world.members if m.kind in ("person", "animal", "vehicle")]
        subject = next(iter(speakers + [t.member for t in during] + animate), None)
        default_framing, default_move = _default_camera(world, subject, during, speakers=bool(speakers))
        if default_framing is None:  # nothing happens: cycle framings so consecutive cuts differ
            default_framing = DEFAULT_FRAMINGS[(index + offset) % len(DEFAULT_FRAMINGS)]
            if len(windows) == 1:
                default_move = world.rng.choice(("static", "dolly_in", "pan"))
        if cameras and framing is None and default_framing == cameras[-1].framing:
            default_framing = "close_up" if default_framing != "close_up" else "wide"
        chosen_framing: Framing = framing or default_framing  # type: ignore[assignment]
        chosen_move: CameraMove = move or default_move  # type: ignore[assignment]
        cameras.append(
            CameraShot(start, end, chosen_framing, chosen_move, ids[subject] if subject is not None else None)
        )
    return tuple(cameras)


def _default_camera(
    world: World, subject: int | None, during: list[staging.Timed], *, speakers: bool
) -> tuple[Framing | None, CameraMove]:
    """What suits a shot: a conversation a medium two-shot; a flight, a throw or a shot at a hoop a wide
    frame that holds both ends; travel a tracking camera; a stunt a steady medium; nothing at all: None."""
    verbs = {t.verb for t in during if t.member == subject}
    flies = subject is not None and (world.member(subject).habitat == "air" or "fly" in verbs)
    travels = any(VERBS[verb].travels for verb in verbs)
    aimed = any(t.verb in _AIMED for t in during)
    if speakers:
        return "medium", "static"
    if flies or aimed:
        return "wide", "tracking" if flies or travels else "static"
    if travels:
        return "medium", "tracking"
    if verbs:
        return "medium", "static"
    return None, "static"


def lights(place: str, time: str, weather: str) -> tuple[Light, ...]:
    family = PLACES[place].lights
    dim = lighting.WEATHER_DIMMING.get(weather, 1.0)
    sky = tuple(
        replace(light, intensity=round(light.intensity * dim, 3))
        for light in (lighting.SUN[time], lighting.SKY_FILL[time])
    )
    late = time in ("sunset", "night")
    chosen: dict[str, tuple[Light, ...]] = {
        "sky": sky,
        "street": sky + ((lighting.STREET_LAMPS,) if late else ()),
        "market": sky + ((lighting.STREET_LAMPS, *lighting.NEON) if late else ()),
        "indoor": lighting.INDOOR,
        "stage": lighting.STAGE,
        "underwater": lighting.UNDERWATER,
        "space": lighting.SPACE,
    }
    return chosen[family]


def sound_beds(
    place: str,
    time: str,
    weather: str,
    *,
    conditions: Conditions,
    verbs: set[str],
    style: str,
    avoid: frozenset[str],
) -> tuple[SoundSource, ...]:
    """Ambience beds for the setting (its night variant at night), the weather and the prompt, plus music;
    a default bed the negative prompt names ("no birds") is left out, one the prompt asks for is kept."""
    spot = PLACES[place]
    beds = list(spot.night_ambience if time == "night" and spot.night_ambience else spot.ambience)
    beds += sounds.WEATHER_AMBIENCE.get(weather, ())
    beds = [b for b in beds if b not in avoid and b.rstrip("s") not in avoid] + conditions.ambience
    out = [
        SoundSource("ambience", name, -18.0 if n == 0 else -24.0)
        for n, name in enumerate(dict.fromkeys(beds))
    ]
    if weather in ("rain", "storm"):
        out = [replace(s, gain_db=-15.0) if s.name == "rain" else s for s in out]
    by_verb = bool(verbs & set(sounds.MUSIC_FOR_VERBS)) and "music" not in avoid
    wants_music = conditions.music is not None or by_verb
    if wants_music:
        mood = (
            conditions.music
            or next((sounds.MUSIC_FOR_VERBS[v] for v in sorted(verbs & set(sounds.MUSIC_FOR_VERBS))), None)
            or sounds.STYLE_MUSIC.get(style, "upbeat")
        )
        out.append(SoundSource("music", mood, -20.0))
    return tuple(out)
