"""Continuous sounds of moving bodies: engines of driving vehicles, wing flaps of flyers, strokes of swimmers.

Each sound follows the body's simulated motion frame by frame: an engine's firing rate and loudness rise with
speed, a flap is heard at each downstroke of the `wing` joint (or, without one, at a size-dependent rate while
a bird or insect is airborne), and a swimmer's strokes splash for as long as a swim action lasts. The sound is
panned along the body's path across the camera's view.
"""

from __future__ import annotations

import math

import numpy as np

from ..scene import Entity, Scene
from ..track import EntityTrack, WorldTrack
from . import dsp
from .dsp import F64, SR

VIEW_ASPECT = 16 / 9
DRIVING_SPEED_M_S = 0.5  # a vehicle that never moves faster than this is parked: no engine
AIRBORNE_M = 0.3  # height above the ground at which a flyer is flying, not walking
ENGINE_TABLE = 2048
SWIM_VERBS = ("swim", "paddle", "row", "dive")
VEHICLE_SHAPES = ("car", "boat", "plane")
FLYER_SHAPES = ("bird", "insect")


def render_motion(track: WorldTrack, scene: Scene, *, sample_count: int, rng: np.random.Generator) -> F64:
    """Engines, wings and swimming for every entity that has them, as float64 stereo `[2, sample_count]`."""
    out = np.zeros((2, sample_count))
    for entity in scene.entities:
        motion = track.entities.get(entity.id)
        if motion is None or motion.x_m.size == 0:
            continue
        if entity.kind == "vehicle" or entity.body.shape in VEHICLE_SHAPES:
            mono = engine(entity, motion, track.fps, sample_count, rng)
        elif entity.body.shape in FLYER_SHAPES:
            mono = wings(entity, motion, track.fps, sample_count, rng)
        else:
            mono = np.zeros(sample_count)
        mono += swimming(entity, scene, motion, fps=track.fps, n=sample_count, rng=rng)
        if not mono.any():
            continue
        left, right = dsp.frame_pan_gains(frame_pan(motion, track), track.fps, sample_count)
        out[0] += mono * left
        out[1] += mono * right
    return out


def frame_pan(motion: EntityTrack, track: WorldTrack) -> F64:
    """Pan per frame from the body's x relative to the camera centre and view width."""
    camera = track.camera
    frames = min(motion.x_m.size, camera.center_x_m.size)
    if frames == 0:
        return np.zeros(1)
    width = np.maximum(camera.view_height_m[:frames].astype(np.float64) * VIEW_ASPECT, 1e-3)
    pan = np.clip(2.0 * (motion.x_m[:frames] - camera.center_x_m[:frames]) / width, -1.0, 1.0)
    return pan.astype(np.float64)


def _per_sample(per_frame: F64, fps: int, sample_count: int) -> F64:
    """A per-frame curve (sampled at frame starts) interpolated to every audio sample."""
    frame_s = np.arange(per_frame.size) / fps
    return np.interp(dsp.seconds(sample_count), frame_s, per_frame)


def _speed(motion: EntityTrack, fps: int) -> F64:
    x = motion.x_m.astype(np.float64)
    y = motion.y_m.astype(np.float64)
    if x.size < 2:
        return np.zeros(x.size)
    return np.hypot(np.gradient(x), np.gradient(y)) * fps


def engine(entity: Entity, motion: EntityTrack, fps: int, n: int, rng: np.random.Generator) -> F64:
    """A combustion engine (or a propeller) whose firing rate and level follow the vehicle's speed."""
    speed_frames = _speed(motion, fps)
    if speed_frames.size == 0 or float(speed_frames.max()) < DRIVING_SPEED_M_S:
        return np.zeros(n)
    speed = _per_sample(speed_frames, fps, n)
    shape = entity.body.shape
    idle_hz, span_hz = {"boat": (22.0, 60.0), "plane": (60.0, 90.0)}.get(shape, (32.0, 110.0))
    firing_hz = idle_hz + span_hz * (1.0 - np.exp(-speed / 15.0))
    cycles = np.cumsum(firing_hz) / SR
    # One engine cycle's waveform (harmonics falling off), read as a wavetable: far cheaper than 8 sines.
    table_t = np.arange(ENGINE_TABLE) / ENGINE_TABLE
    table = sum((0.8**k) * np.sin(2 * np.pi * k * table_t + k * 0.7) for k in range(1, 9))
    position = ((cycles % 1.0) * ENGINE_TABLE).astype(np.int64)
    tone = np.asarray(table)[position]
    # Combustion pulses: bursts of noise, one per firing.
    pulse_shape = (0.5 + 0.5 * np.cos(2 * np.pi * table_t)) ** 4
    pulses = pulse_shape[position] * dsp.lowpass(dsp.noise(rng, n), 1500.0)
    sound = dsp.lowpass(tone + 1.5 * pulses, 1800.0)
    if shape == "boat":
        sound = sound + 0.8 * dsp.bandpass(dsp.noise(rng, n), 300.0, 2500.0) * np.clip(speed / 8.0, 0, 1)
    if shape == "plane":
        sound = sound + 0.6 * dsp.highpass(dsp.noise(rng, n), 900.0) * np.clip(speed / 40.0, 0, 1)
    level = dsp.db(-24.0) * (0.35 + 0.65 * np.clip(speed / 20.0, 0.0, 1.0))
    size_db = 6.0 * math.log10(max(entity.body.mass_kg, 1.0) / 1200.0)
    return dsp.normalize_peak(sound) * level * dsp.db(min(max(size_db, -12.0), 6.0))


def _flap_times(entity: Entity, motion: EntityTrack, fps: int) -> list[float]:
    """When each downstroke begins: peaks of the wing joint, or a steady rate while airborne."""
    wing = motion.pose.get("wing")
    if wing is not None and wing.size >= 3:
        angle = wing.astype(np.float64)
        peaks = np.flatnonzero((angle[1:-1] > angle[:-2]) & (angle[1:-1] >= angle[2:])) + 1
        swing = float(angle.max() - angle.min())
        return [i / fps for i in peaks] if swing > 0.1 else []
    airborne = motion.y_m.astype(np.float64) - entity.body.height_m / 2 > AIRBORNE_M
    if not airborne.any():
        return []
    rate_hz = float(np.clip(3.5 * math.sqrt(0.3 / max(entity.body.width_m, 0.01)), 2.0, 12.0))
    times = np.arange(0.0, motion.y_m.size / fps, 1.0 / rate_hz)
    frames = np.minimum((times * fps).astype(np.int64), airborne.size - 1)
    return [float(t) for t in times[airborne[frames]]]


def wings(entity: Entity, motion: EntityTrack, fps: int, n: int, rng: np.random.Generator) -> F64:
    """Wing flaps (a whoosh per downstroke); an insect's wings buzz instead."""
    out = np.zeros(n)
    times = _flap_times(entity, motion, fps)
    if not times:
        return out
    span = max(entity.body.width_m, 0.02)
    if entity.body.shape == "insect":
        # Wings too fast to hear one by one: a buzz while flying.
        first, last = round(times[0] * SR), min(n, round((times[-1] + 0.3) * SR))
        t = dsp.seconds(last - first)
        buzz = sum(np.sin(2 * np.pi * 190.0 * k * t) / k for k in range(1, 6))
        out[first:last] = dsp.db(-34.0) * buzz * (0.8 + 0.2 * np.sin(2 * np.pi * 7.0 * t))
        return out
    size = float(np.clip(math.sqrt(span / 0.5), 0.3, 3.0))
    length = round(0.16 * SR)
    level = dsp.db(-30.0 + 8.0 * math.log10(size))
    for time_s in times:
        start = round(time_s * SR)
        if start >= n:
            break
        whoosh = dsp.bandpass(dsp.noise(rng, length), 120.0 / size, 1400.0 / size)
        whoosh *= dsp.attack_decay(length, 0.03, 0.04)
        stop = min(n, start + length)
        out[start:stop] += level * dsp.normalize_peak(whoosh)[: stop - start]
    return out


def swimming(
    entity: Entity, scene: Scene, motion: EntityTrack, *, fps: int, n: int, rng: np.random.Generator
) -> F64:
    """Swim strokes: a watery splash per stroke for as long as each swim action lasts."""
    out = np.zeros(n)
    size = max(entity.body.height_m, entity.body.width_m, 0.05)
    stroke_s = float(np.clip(0.9 * math.sqrt(size / 1.8), 0.3, 1.5))
    length = round(0.3 * SR)
    level = dsp.db(-28.0 + 6.0 * math.log10(size / 1.8))
    for action in scene.actions:
        if action.entity != entity.id or not any(verb in action.verb.lower() for verb in SWIM_VERBS):
            continue
        for time_s in np.arange(action.start_s, action.end_s, stroke_s):
            start = round(float(time_s) * SR)
            if start >= n:
                break
            noise = dsp.noise(rng, length)
            stroke = dsp.bandpass(noise, 400.0, 3500.0) * dsp.attack_decay(length, 0.04, 0.07)
            stroke += 0.5 * dsp.lowpass(noise, 400.0) * dsp.attack_decay(length, 0.02, 0.12)
            stop = min(n, start + length)
            out[start:stop] += level * dsp.normalize_peak(stroke)[: stop - start]
    return out
