"""Ambience: which background textures a scene needs and how loud each is.

The scene's `SoundSource`s name them (ambience, music, and effect beds), its weather adds its own (rain,
storm, wind, snow), and when the planner named no ambience the setting suggests one (a beach gets waves, a
city street traffic, a forest birds and breeze, an interior its room tone). Each texture is levelled so that
at 0 dB it has an RMS of -12 dBFS (with peaks at most 4, which is 0.5 at the default -18 dB), then set to its
source's `gain_db`. Every texture draws from its own random stream, derived from the caller's generator and
the texture's name, so adding one source never changes how another sounds.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass

import numpy as np

from ..scene import Scene
from ..track import F32
from . import dsp
from .dsp import F64
from .textures import TEXTURES

logger = logging.getLogger(__name__)

REFERENCE_RMS = dsp.db(-12.0)  # a texture's RMS at 0 dB gain
PEAK_CAP = 4.0  # ... unless that would put its peaks above this (0.5 at the default -18 dB)
DEFAULT_GAIN_DB = -18.0  # for the textures weather and setting add
WEATHER_TEXTURES = {"rain": "rain", "storm": "storm", "wind": "wind", "snow": "snow"}
SETTING_TEXTURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("underwater", ("underwater", "under water", "reef", "seabed")),
    ("waves", ("beach", "ocean", "sea", "coast", "shore", "surf", "harbor", "harbour")),
    ("city", ("city", "street", "downtown", "market", "square", "alley", "sidewalk")),
    ("traffic", ("highway", "road", "parking", "intersection", "bridge")),
    ("fire", ("campfire", "fireplace", "bonfire")),
    ("stream", ("river", "stream", "waterfall", "creek")),
    ("forest", ("forest", "park", "jungle", "woods", "garden", "meadow", "field", "farm", "countryside")),
    (
        "room",
        ("room", "kitchen", "office", "studio", "house", "home", "bar", "hall", "gym", "court", "classroom",
         "library", "restaurant", "cafe", "café", "shop", "store", "lab", "bedroom", "indoor", "inside"),
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Bed:
    """One texture to render and its level."""

    name: str
    gain_db: float


def render_ambience(scene: Scene, *, sample_count: int, rng: np.random.Generator) -> F32:
    """Every background texture of `scene`, mixed, as float32 stereo `[2, sample_count]`."""
    out = np.zeros((2, sample_count))
    base_seed = int(rng.integers(0, 2**63 - 1))
    for bed in beds_for(scene):
        texture = TEXTURES[bed.name]
        own = np.random.default_rng([base_seed, zlib.crc32(bed.name.encode())])
        out += level(texture(own, sample_count)) * dsp.db(bed.gain_db)
    return out.astype(np.float32)


def beds_for(scene: Scene) -> list[Bed]:
    """The textures a scene calls for: its named sources, then its weather, then (if needed) its setting."""
    beds: dict[str, Bed] = {}
    for source in scene.sounds:
        # Any music source gets the one music bed there is, whatever style it names.
        name = "music" if source.kind == "music" else source.name.strip().lower()
        if name not in TEXTURES:
            logger.warning("no ambience texture for sound source %r; it is left out", source.name)
            continue
        if name not in beds:
            beds[name] = Bed(name, source.gain_db)
    weather = WEATHER_TEXTURES.get(scene.weather.strip().lower())
    if weather is not None and weather not in beds:
        beds[weather] = Bed(weather, DEFAULT_GAIN_DB)
    named_ambience = any(s.kind == "ambience" for s in scene.sounds)
    setting = setting_texture(scene.setting)
    if not named_ambience and setting is not None and setting not in beds:
        beds[setting] = Bed(setting, DEFAULT_GAIN_DB)
    return list(beds.values())


def setting_texture(setting: str) -> str | None:
    words = setting.lower()
    for texture, keys in SETTING_TEXTURES:
        if any(key in words for key in keys):
            return texture
    return None


def level(sound: F64) -> F64:
    """Scale a texture to the reference RMS, or lower if its peaks would pass the cap."""
    loudness = dsp.rms(sound)
    peak = float(np.max(np.abs(sound))) if sound.size else 0.0
    if loudness <= 0 or peak <= 0:
        return sound
    return sound * min(REFERENCE_RMS / loudness, PEAK_CAP / peak)
