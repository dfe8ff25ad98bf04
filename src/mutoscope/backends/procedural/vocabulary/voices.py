"""Voices: words for a wordless conversation and a distinct espeak-ng voice for every speaker of a `World`.

`small_talk` writes short lines in the talkers' language when the prompt says people talk or sing but gives
no words at all (never when it gives some: then nothing is invented). `assign_voices` gives each speaker a
voice for the language of their first line, a variant fitting their gender, and a pitch and rate (a
character's measured voice when it has one); no two speakers share both voice and pitch.
"""

from __future__ import annotations

import random

from mutoscope.backends.procedural.scene import Voice
from mutoscope.backends.procedural.vocabulary import languages
from mutoscope.backends.procedural.vocabulary.casting import Line, Member, World

FEMALE_VARIANTS = ("f3", "f2", "f4", "f1", "f5")
MALE_VARIANTS = ("m3", "m1", "m5", "m2", "m4", "m7", "m6")


def small_talk(world: World) -> None:
    """Give words to those who talk or sing without quoted lines, in their language; when the prompt gives
    any lines, those are all that is said (a singer still hums)."""
    given = bool(world.lines)
    by_shot: dict[int, list[tuple[int, str]]] = {}
    for shot, key, verb in world.chatter:
        if not any(line.speaker == key and line.shot == shot for line in world.lines):
            by_shot.setdefault(shot, []).append((key, verb))
    for shot, speakers in by_shot.items():
        talkers = [key for key, verb in speakers if verb == "talk"]
        if talkers and given:
            world.note("the prompt gives lines: no words were invented for the rest of the talk")
            talkers = []
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
