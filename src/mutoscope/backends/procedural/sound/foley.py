"""Foley: the simulated world's contact events and motions made audible, sample-accurate on the clip timeline.

Each `ContactEvent` becomes a synthesized impact whose first sample sits at exactly `round(time_s * 48000)`:
its kind picks the timbre (bounce, rim, footstep, landing, splash, scrape, impact), the bodies involved colour
it (a big body sounds lower, metal rings, wood knocks, rubber booms) and the ground it hits follows the
scene's setting (hardwood court, concrete street, grass, sand). Loudness grows with the logarithm of the
impulse, and the stereo position follows where the contact happened relative to the camera. Continuous sounds
made by moving bodies (engines, wings, swimming) come from `motion.py` and are added here.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..scene import Entity, Scene
from ..track import F32, ContactEvent, WorldTrack
from . import dsp
from .dsp import F64, SR
from .motion import render_motion

logger = logging.getLogger(__name__)

VIEW_ASPECT = 16 / 9  # the camera track gives the view height; sound assumes a 16:9 frame for its width
REFERENCE_SIZE_M = 0.24  # a basketball: the size whose impacts sound at the nominal pitch
# Level of an impact: a log of the impulse, from a tap (about 0.01 N s) to a car crash (10^4 N s).
LEVEL_DB_AT_1NS = -22.0
LEVEL_DB_PER_DECADE = 7.0
MIN_LEVEL_DB, MAX_LEVEL_DB = -60.0, -4.0
KIND_TRIM_DB = {"footstep": -5.0, "scrape": -4.0, "rim": -2.0, "landing": 2.0, "splash": 0.0}
BRITTLE_TRIM_DB = 8.0

# Words in a setting that tell what the ground is made of.
SURFACE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("water", ("pool", "sea", "ocean", "lake", "river", "underwater", "water")),
    ("sand", ("beach", "desert", "sand", "dune")),
    ("snow", ("snow", "ice", "glacier", "arctic", "ski")),
    ("grass", ("park", "field", "forest", "garden", "meadow", "farm", "jungle", "lawn", "grass", "woods")),
    (
        "concrete",
        ("street", "city", "road", "parking", "skate", "rooftop", "alley", "sidewalk", "highway", "town"),
    ),
    (
        "wood",
        ("court", "gym", "studio", "stage", "room", "house", "kitchen", "bar", "hall", "office", "home"),
    ),
)
# Words in an entity's type or shape that tell its material.
MATERIAL_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "metal",
        (
            "hoop",
            "rim",
            "car",
            "truck",
            "bus",
            "can",
            "pan",
            "pot",
            "bell",
            "metal",
            "robot",
            "bike",
            "plane",
        ),
    ),
    ("glass", ("glass", "bottle", "window", "jar", "vase", "cup", "mug", "plate", "bowl", "teapot")),
    (
        "wood",
        ("box", "crate", "table", "chair", "board", "door", "stick", "bat", "log", "tree", "beam", "ramp"),
    ),
    ("rubber", ("ball", "tire", "tyre", "balloon")),
    ("stone", ("rock", "stone", "brick", "building", "boulder")),
    ("flesh", ("person", "man", "woman", "child", "dog", "cat", "horse", "animal", "humanoid", "quadruped")),
)


@dataclass(frozen=True, slots=True)
class Hit:
    """What an impact is made of: the bodies' size and materials and the surface struck."""

    size_m: float
    mass_kg: float
    material: str
    surface: str
    impulse_ns: float


def render_foley(track: WorldTrack, scene: Scene, *, sample_count: int, rng: np.random.Generator) -> F32:
    """Impacts for every contact event plus motion sounds, as float32 stereo `[2, sample_count]`."""
    out = np.zeros((2, sample_count), dtype=np.float64)
    ground = surface_of(scene.setting)
    for event in track.events:
        start = round(event.time_s * SR)
        if not 0 <= start < sample_count:
            continue
        hit = hit_for(event, scene, ground)
        synth = TIMBRES.get(event.kind)
        if synth is None:
            logger.debug("contact kind %r has no timbre of its own; using a thud", event.kind)
            synth = thud
        sound = dsp.normalize_peak(synth(hit, rng))
        level = level_db(event) + material_trim_db(hit)
        dsp.place(out, sound, start, event_pan(event, track), dsp.db(level))
    out += render_motion(track, scene, sample_count=sample_count, rng=rng)
    return out.astype(np.float32)


def level_db(event: ContactEvent) -> float:
    """Peak level of an impact: logarithmic in the impulse, trimmed per kind."""
    decades = math.log10(max(event.impulse_ns, 1e-6))
    level = LEVEL_DB_AT_1NS + LEVEL_DB_PER_DECADE * decades + KIND_TRIM_DB.get(event.kind, 0.0)
    return min(max(level, MIN_LEVEL_DB), MAX_LEVEL_DB)


def material_trim_db(hit: Hit) -> float:
    """Brittle things (a cup, a glass, a plate) crash louder than their small impulse suggests."""
    return BRITTLE_TRIM_DB if "glass" in (hit.material, hit.surface) else 0.0


def event_pan(event: ContactEvent, track: WorldTrack) -> float:
    """-1 at the left edge of the camera's view, +1 at the right edge."""
    camera = track.camera
    if camera.center_x_m.size == 0:
        return 0.0
    frame = min(max(event.frame, 0), camera.center_x_m.size - 1)
    width = max(float(camera.view_height_m[frame]) * VIEW_ASPECT, 1e-3)
    return float(np.clip(2.0 * (event.x_m - float(camera.center_x_m[frame])) / width, -1.0, 1.0))


def surface_of(setting: str) -> str:
    words = setting.lower()
    for surface, keys in SURFACE_WORDS:
        if any(key in words for key in keys):
            return surface
    return "wood" if not words.strip() else "concrete"


def material_of(entity: Entity) -> str:
    words = f"{entity.type} {entity.body.shape} {entity.name}".lower()
    for material, keys in MATERIAL_WORDS:
        if any(key in words for key in keys):
            return material
    return "wood"


def hit_for(event: ContactEvent, scene: Scene, ground: str) -> Hit:
    """The bodies and surface of an event; unknown ids fall back to a mid-sized object."""
    size, mass, material = REFERENCE_SIZE_M, 1.0, "wood"
    entity = _entity(scene, event.a)
    if entity is not None:
        size = max(entity.body.height_m, entity.body.width_m, 0.01)
        mass = entity.body.mass_kg
        material = material_of(entity)
    other = _entity(scene, event.b)
    if other is not None:
        surface = material_of(other)
    elif event.b == "water":
        surface = "water"
    else:
        surface = ground
    return Hit(size_m=size, mass_kg=mass, material=material, surface=surface, impulse_ns=event.impulse_ns)


def _entity(scene: Scene, entity_id: str) -> Entity | None:
    try:
        return scene.entity(entity_id)
    except KeyError:
        return None


def size_factor(hit: Hit) -> float:
    """Pitch multiplier: bodies larger than a basketball sound lower, smaller ones higher."""
    return float(np.clip(math.sqrt(REFERENCE_SIZE_M / hit.size_m), 0.2, 4.0))


def _jitter(rng: np.random.Generator, spread: float = 0.06) -> float:
    """Two identical contacts never sound identical: a small random detune."""
    return float(1.0 + rng.uniform(-spread, spread))


def _click(rng: np.random.Generator, n: int, low_hz: float, high_hz: float, tau_s: float) -> F64:
    return dsp.bandpass(dsp.noise(rng, n), low_hz, high_hz) * dsp.decay(n, tau_s)


def _body(hit: Hit, rng: np.random.Generator, base_hz: float, tau_s: float, n: int) -> F64:
    """The low 'thump' of a body: a sine falling slightly in pitch, as a struck membrane does."""
    f0 = base_hz * size_factor(hit) * _jitter(rng)
    return dsp.sweep(n, f0 * 1.25, f0) * dsp.decay(n, tau_s)


def _surface_tone(hit: Hit, rng: np.random.Generator, n: int) -> F64:
    """How the struck surface answers: hardwood resonates, concrete cracks, grass and sand muffle."""
    surface = hit.surface
    if surface == "wood":
        return 0.5 * dsp.damped_partials(
            n,
            np.array([310.0, 720.0, 1180.0]) * _jitter(rng),
            np.array([0.05, 0.03, 0.02]),
            np.array([1, 0.5, 0.3]),
        )
    if surface == "metal":
        return 0.6 * _ring(hit, rng, n, base_hz=420.0)
    if surface in {"concrete", "stone"}:
        return 0.5 * _click(rng, n, 1500.0, 7000.0, 0.012)
    if surface == "glass":
        return 0.5 * dsp.damped_partials(
            n, np.array([2100.0, 4700.0, 7600.0]), np.full(3, 0.12), np.array([1, 0.6, 0.4])
        )
    return np.zeros(n)  # grass, sand, snow, flesh: soft surfaces add nothing bright


def _ring(hit: Hit, rng: np.random.Generator, n: int, *, base_hz: float) -> F64:
    """A metallic ring: inharmonic partials (a free bar's mode ratios) with long, uneven decays."""
    ratios = np.array([1.0, 2.76, 5.40, 8.93, 13.34])
    freqs = base_hz * size_factor(hit) ** 0.5 * _jitter(rng, 0.03) * ratios
    taus = np.array([0.9, 0.6, 0.4, 0.25, 0.15])
    amps = np.array([1.0, 0.7, 0.5, 0.35, 0.2])
    keep = freqs < SR * dsp.NYQUIST_MARGIN
    return dsp.damped_partials(n, freqs[keep], taus[keep], amps[keep])


def bounce(hit: Hit, rng: np.random.Generator) -> F64:
    """A ball meeting the floor: a damped low thump plus a short bright transient."""
    n = round(0.35 * SR)
    boom = 1.4 if hit.material == "rubber" else 1.0  # a hollow ball booms
    body = boom * _body(hit, rng, 120.0, 0.07, n)
    out = body + 0.45 * _click(rng, n, 2000.0, 8000.0, 0.004) + _surface_tone(hit, rng, n)
    if hit.material == "metal":
        out += 0.5 * _ring(hit, rng, n, base_hz=600.0)
    return out


def rim(hit: Hit, rng: np.random.Generator) -> F64:
    """A ball on a hoop's rim: a metallic ring with a sharp clank at its start."""
    n = round(1.2 * SR)
    ring = _ring(Hit(0.45, 5.0, "metal", "metal", hit.impulse_ns), rng, n, base_hz=520.0)
    return ring + 0.8 * _click(rng, n, 1500.0, 9000.0, 0.006) + 0.4 * _body(hit, rng, 120.0, 0.05, n)


def footstep(hit: Hit, rng: np.random.Generator) -> F64:
    """A short filtered noise burst (heel then sole) over a faint low heel thump."""
    n = round(0.12 * SR)
    bands = {
        "wood": (300.0, 3000.0),
        "concrete": (600.0, 6000.0),
        "stone": (600.0, 6000.0),
        "grass": (800.0, 5000.0),
        "sand": (400.0, 2500.0),
        "snow": (500.0, 3500.0),
        "metal": (800.0, 6000.0),
    }
    low, high = bands.get(hit.surface, (400.0, 3000.0))
    scuff = dsp.bandpass(dsp.noise(rng, n), low, high) * dsp.attack_decay(n, 0.002, 0.025)
    heel = 0.6 * dsp.sweep(n, 110.0, 70.0) * dsp.decay(n, 0.02)
    return scuff + heel + 0.3 * _surface_tone(hit, rng, n)


def landing(hit: Hit, rng: np.random.Generator) -> F64:
    """A body landing from a jump: a heavier, longer thump than an impact."""
    n = round(0.5 * SR)
    body = dsp.sweep(n, 90.0 * _jitter(rng), 50.0) * dsp.decay(n, 0.12)
    thud = dsp.lowpass(dsp.noise(rng, n), 600.0) * dsp.decay(n, 0.05)
    return body + 0.8 * thud + 0.4 * _surface_tone(hit, rng, n)


def splash(hit: Hit, rng: np.random.Generator) -> F64:
    """Water struck: a bright noise burst whose band falls and fades, with a low plunge under it."""
    n = round(min(0.35 + 0.08 * math.log10(max(hit.impulse_ns, 1.0) + 1.0), 1.2) * SR)
    noise = dsp.noise(rng, n)
    bright = dsp.bandpass(noise, 1500.0, 8000.0) * dsp.attack_decay(n, 0.003, 0.08)
    low = dsp.bandpass(noise, 300.0, 1500.0) * dsp.attack_decay(n, 0.01, 0.25)
    plunge = dsp.sweep(n, 180.0 * size_factor(hit), 60.0) * dsp.decay(n, 0.1)
    return bright + low + 0.5 * plunge


def scrape(hit: Hit, rng: np.random.Generator) -> F64:
    """Sliding contact: band noise with a rough, fluttering envelope."""
    n = round(0.3 * SR)
    rough = 0.6 + 0.4 * dsp.control_noise(rng, n, 60.0)[0]
    band = dsp.bandpass(dsp.noise(rng, n), 800.0 * size_factor(hit), 5000.0)
    return np.asarray(band * rough * dsp.attack_decay(n, 0.01, 0.1))


def thud(hit: Hit, rng: np.random.Generator) -> F64:
    """A generic impact: a low body thud over low-passed noise, coloured by what was struck."""
    n = round(0.4 * SR)
    soft = hit.material in ("flesh", "rubber")
    body = _body(hit, rng, 90.0 if soft else 140.0, 0.09, n)
    noise = dsp.lowpass(dsp.noise(rng, n), 900.0 if soft else 2500.0) * dsp.decay(n, 0.03)
    out = body + 0.6 * noise + 0.5 * _surface_tone(hit, rng, n)
    if hit.material == "metal":
        out += 0.6 * _ring(hit, rng, n, base_hz=350.0)
    elif hit.material == "glass":
        out += 0.5 * _surface_tone(Hit(hit.size_m, hit.mass_kg, "glass", "glass", hit.impulse_ns), rng, n)
    return out


TIMBRES: dict[str, Callable[[Hit, np.random.Generator], F64]] = {
    "bounce": bounce,
    "rim": rim,
    "footstep": footstep,
    "landing": landing,
    "land": landing,
    "splash": splash,
    "scrape": scrape,
    "impact": thud,
    "collision": thud,
}
