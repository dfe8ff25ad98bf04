"""Ambient textures: vectorised generators of named background sounds, stereo, at any level.

Waves swell and crash, rain is dense droplets over a hiss, wind is low-passed noise under slow gusts, traffic
is a rumble with cars passing across the stereo field, birds are frequency-swept chirps, a crowd is babble-
like band noise with syllable-rate modulation, fire crackles over a low roar, underwater is a muffled rumble
with bubbles, a room has its tone, and music is a soft pad over a chord progression. `ambience.py` decides
which textures a scene needs and at what level; this module only makes the sounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import dsp
from .dsp import F64, SR

Texture = Callable[[np.random.Generator, int], F64]


def _envelope_at(times_s: F64, n: int, attack_s: float, tau_s: float, amps: F64) -> F64:
    """Sum of attack-decay envelopes starting at `times_s` (each cut after 6 time constants)."""
    out = np.zeros(n)
    length = round((attack_s + 6 * tau_s) * SR)
    shape = dsp.attack_decay(length, attack_s, tau_s)
    for time_s, amp in zip(times_s.tolist(), amps.tolist(), strict=True):
        start = round(time_s * SR)
        stop = min(n, start + length)
        if 0 <= start < n:
            out[start:stop] += amp * shape[: stop - start]
    return out


def _impulses(rng: np.random.Generator, n: int, rate_hz: float, channels: int = 2) -> F64:
    """Poisson-timed clicks with exponentially distributed heights (rain drops, fire crackle)."""
    rows = []
    for k in rng.poisson(rate_hz * n / SR, size=channels).tolist():
        positions = rng.integers(0, n, size=k)
        rows.append(np.bincount(positions, weights=rng.exponential(1.0, size=k), minlength=n))
    return np.stack(rows)


def waves(rng: np.random.Generator, n: int) -> F64:
    """Surf: a slowly swelling wash with a crash at the top of each swell."""
    period_s = rng.uniform(6.5, 9.0)
    phase = rng.uniform(0, 2 * np.pi)
    control = np.arange(0.0, n / SR + 0.01, 0.01)
    swell = np.interp(
        dsp.seconds(n), control, (0.5 - 0.5 * np.cos(2 * np.pi * control / period_s + phase)) ** 2
    )
    noise = dsp.noise(rng, n, 2)
    wash = dsp.lowpass(noise, 700.0) * (0.25 + swell)
    # Crashes come just after each swell peaks: where the phase passes pi (mod 2 pi).
    first = ((np.pi - phase) % (2 * np.pi)) / (2 * np.pi) * period_s
    crash_times = np.arange(first + 0.3, n / SR, period_s)
    crash_env = _envelope_at(crash_times, n, 0.25, 0.9, rng.uniform(0.7, 1.0, crash_times.size))
    crash = dsp.bandpass(noise[::-1], 400.0, 6000.0) * crash_env
    return np.asarray(wash + 0.8 * crash)


def rain(rng: np.random.Generator, n: int) -> F64:
    """Rain: thousands of droplet ticks a second over a high hiss."""
    drops = dsp.bandpass(np.minimum(_impulses(rng, n, 2000.0), 3.0), 1800.0, 9000.0)  # no drop far louder
    hiss = dsp.highpass(dsp.noise(rng, n, 2), 3000.0)
    return np.asarray(3.0 * drops + 0.3 * hiss)


def _gusts(rng: np.random.Generator, n: int, rate_hz: float, power: float) -> F64:
    return dsp.control_noise(rng, n, rate_hz, shape=lambda c: np.clip(0.55 + 0.45 * c, 0.05, 1.0) ** power)


def wind(rng: np.random.Generator, n: int) -> F64:
    """Wind: low-passed noise under slow gusts, with a faint whistle when a gust peaks."""
    gusts = _gusts(rng, n, 0.35, 1.5)
    whistle_level = gusts**2
    noise = dsp.noise(rng, n, 2)
    body = dsp.lowpass(noise, 450.0, order=3)
    whistle = dsp.bandpass(noise[::-1], 500.0, 900.0)
    return np.asarray(gusts * body + 0.3 * whistle_level * whistle)


def traffic(rng: np.random.Generator, n: int) -> F64:
    """Traffic: a distant low rumble and cars passing from one side to the other."""
    noise = dsp.noise(rng, n, 2)
    out = 1.2 * dsp.lowpass(noise, 160.0, order=3)
    car = dsp.bandpass(noise[::-1], 70.0, 1400.0)
    pass_times = np.cumsum(rng.uniform(1.5, 4.5, size=max(1, math.ceil(n / SR / 1.5))))
    for centre in pass_times[pass_times < n / SR + 1.0].tolist():
        width = rng.uniform(0.8, 1.6)
        direction = rng.choice((-1.0, 1.0))
        # Only the few seconds around the pass are touched.
        lo, hi = max(0, round((centre - 3 * width) * SR)), min(n, round((centre + 3 * width) * SR))
        if hi <= lo:
            continue
        t = np.arange(lo, hi) / SR
        envelope = np.exp(-0.5 * ((t - centre) / width) ** 2)
        left, right = dsp.pan_gains(np.clip(direction * (t - centre) / (2 * width), -1, 1))
        out[0, lo:hi] += car[0, lo:hi] * envelope * left
        out[1, lo:hi] += car[1, lo:hi] * envelope * right
    return out


def _chirp(rng: np.random.Generator) -> F64:
    length = round(rng.uniform(0.04, 0.12) * SR)
    start_hz = rng.uniform(2500.0, 6000.0)
    end_hz = start_hz * rng.uniform(0.6, 1.6)
    vibrato = 1.0 + 0.04 * np.sin(2 * np.pi * rng.uniform(20, 60) * dsp.seconds(length))
    freq = np.geomspace(start_hz, end_hz, length) * vibrato
    tone = np.sin(2 * np.pi * np.cumsum(freq) / SR)
    return np.asarray(tone * np.sin(np.linspace(0, np.pi, length)) ** 2)


def birds(rng: np.random.Generator, n: int) -> F64:
    """Birdsong: short phrases of frequency-swept chirps at random times and places."""
    out = np.zeros((2, n))
    phrases = rng.poisson(1.2 * n / SR)
    for start_s in np.sort(rng.uniform(0, n / SR, size=phrases)).tolist():
        pan = rng.uniform(-0.9, 0.9)
        amp = rng.uniform(0.3, 1.0)
        at = round(start_s * SR)
        for _ in range(int(rng.integers(2, 7))):
            chirp = _chirp(rng)
            dsp.place(out, chirp, at, pan, amp)
            at += chirp.size + round(rng.uniform(0.02, 0.12) * SR)
    return out


def _syllables(curves: F64) -> F64:
    """Many talkers: rectified syllable-rate curves summed (computed at control rate)."""
    return np.asarray(0.4 + np.maximum(curves, 0.0).sum(axis=0, keepdims=True) / 3.0)


def crowd(rng: np.random.Generator, n: int) -> F64:
    """Crowd babble: speech-band noise whose formant bands flutter at syllable rate, many voices summed."""
    noise = dsp.noise(rng, n, 2)
    out = np.zeros((2, n))
    for index, (low, high) in enumerate(((250.0, 900.0), (900.0, 3200.0))):
        # Each band filters the noise from another offset, so the bands are not correlated.
        band = dsp.bandpass(np.roll(noise, index * 7919, axis=1), low, high)
        out += band * dsp.control_noise(rng, n, 4.5, channels=6, shape=_syllables)
    return out


def city(rng: np.random.Generator, n: int) -> F64:
    """A city street: traffic, a murmur of people and now and then a horn."""
    out = traffic(rng, n) + 0.5 * crowd(rng, n)
    for start_s in rng.uniform(0, n / SR, size=rng.poisson(0.12 * n / SR)).tolist():
        length = round(rng.uniform(0.2, 0.6) * SR)
        t = dsp.seconds(length)
        base = rng.uniform(380, 460)
        horn = np.sign(np.sin(2 * np.pi * base * t)) + np.sign(np.sin(2 * np.pi * base * 1.26 * t))
        horn = dsp.lowpass(horn, 2500.0) * np.minimum(1.0, t / 0.02) * np.minimum(1.0, (t[-1] - t) / 0.05)
        dsp.place(out, horn, round(start_s * SR), rng.uniform(-0.8, 0.8), 0.25)
    return out


def forest(rng: np.random.Generator, n: int) -> F64:
    """A forest: a gentle breeze in the leaves and birds."""
    noise = dsp.noise(rng, n, 2)
    gusts = _gusts(rng, n, 0.4, 1.0)
    breeze = dsp.lowpass(noise, 400.0) * gusts
    leaves = dsp.highpass(noise[::-1], 2500.0) * gusts * 0.3
    return np.asarray(breeze + leaves + 1.2 * birds(rng, n))


def fire(rng: np.random.Generator, n: int) -> F64:
    """Fire: a low flickering roar under sharp, sparse crackles and a soft hiss."""
    flicker = dsp.control_noise(rng, n, 3.0, shape=lambda c: np.clip(0.6 + 0.4 * c, 0.1, 1.0))
    noise = dsp.noise(rng, n, 2)
    roar = dsp.lowpass(noise, 300.0) * flicker
    pops = np.minimum(_impulses(rng, n, 80.0), 4.0)  # many small pops, a few loud ones (capped)
    crackle = dsp.bandpass(pops + 0.02 * noise[::-1], 1000.0, 7000.0)
    return np.asarray(2.5 * roar + 2.0 * crackle)


def underwater(rng: np.random.Generator, n: int) -> F64:
    """Underwater: a muffled low rumble, slowly moving, with bubbles rising now and then."""
    slow = dsp.control_noise(rng, n, 0.4, shape=lambda c: 0.7 + 0.3 * c)
    out = dsp.lowpass(dsp.noise(rng, n, 2), 220.0, order=3) * slow
    for start_s in rng.uniform(0, n / SR, size=rng.poisson(3.0 * n / SR)).tolist():
        length = round(rng.uniform(0.02, 0.07) * SR)
        bubble = dsp.sweep(length, rng.uniform(250, 500), rng.uniform(700, 1400))
        bubble *= np.sin(np.linspace(0, np.pi, length))
        dsp.place(out, dsp.lowpass(bubble, 1500.0), round(start_s * SR), rng.uniform(-0.7, 0.7), 0.08)
    return np.asarray(out)


def room_tone(rng: np.random.Generator, n: int) -> F64:
    """An interior's tone: soft, even low noise and a faint electrical hum."""
    air = dsp.lowpass(dsp.noise(rng, n, 2), 900.0)
    mains = 50.0 if rng.random() < 0.5 else 60.0
    period = round(SR / mains)  # 960 or 800 samples: the hum is one period, tiled
    t = np.arange(period) / SR
    cycle = 0.05 * (np.sin(2 * np.pi * mains * t) + 0.5 * np.sin(4 * np.pi * mains * t))
    hum = np.tile(cycle, math.ceil(n / period))[:n]
    return np.asarray(air + hum[None, :])


def stream(rng: np.random.Generator, n: int) -> F64:
    """Running water: band noise with fast, bubbling amplitude changes."""
    bubbling = dsp.control_noise(rng, n, 12.0, channels=2, shape=lambda c: np.clip(0.6 + 0.4 * c, 0.1, 1.0))
    return np.asarray(dsp.bandpass(dsp.noise(rng, n, 2), 300.0, 3500.0) * bubbling)


def thunder(rng: np.random.Generator, n: int) -> F64:
    """Distant thunder: a few long low rumbles."""
    times = np.sort(rng.uniform(0, max(n / SR - 1.0, 0.1), size=max(1, rng.poisson(0.12 * n / SR))))
    envelope = _envelope_at(times, n, 0.15, 1.6, rng.uniform(0.5, 1.0, times.size))
    return np.asarray(dsp.lowpass(dsp.noise(rng, n, 2), 140.0, order=3) * envelope)


def storm(rng: np.random.Generator, n: int) -> F64:
    """A storm: heavy rain, strong wind and thunder."""
    return np.asarray(1.3 * rain(rng, n) + 0.8 * wind(rng, n) + 1.5 * thunder(rng, n))


def snow(rng: np.random.Generator, n: int) -> F64:
    """Snowfall: a hushed, muffled breeze."""
    gusts = _gusts(rng, n, 0.25, 1.0)
    return np.asarray(dsp.lowpass(dsp.noise(rng, n, 2), 250.0, order=3) * gusts)


# Major-key progression I-V-vi-IV as semitones above the key's root.
PROGRESSION = ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12))
CHORD_S = 2.0
CROSSFADE_S = 0.4


def music(rng: np.random.Generator, n: int) -> F64:
    """A music bed: a soft detuned pad and bass over a I-V-vi-IV progression in a key drawn from the seed."""
    key_hz = 196.0 * 2 ** (int(rng.integers(0, 12)) / 12)  # from G3 upwards
    out = np.zeros((2, n), dtype=np.float32)
    bar = round(CHORD_S * SR)
    fade = round(CROSSFADE_S * SR)
    for index, start in enumerate(range(0, n, bar)):
        chord = PROGRESSION[index % len(PROGRESSION)]
        # Each bar rings on under the start of the next one: the chords crossfade.
        length = min(bar + fade, n - start)
        t = (np.arange(length, dtype=np.float32) / SR).astype(np.float32)
        ramp = np.minimum(np.arange(length, dtype=np.float32), fade) / fade
        window = np.sqrt(np.minimum(ramp, np.clip((bar + fade - np.arange(length)) / fade, 0, 1)))
        for semitones in chord:
            freq = key_hz * 2 ** (semitones / 12)
            for detune, side in ((0.997, 0), (1.003, 1)):
                out[side, start : start + length] += (
                    np.sin(np.float32(2 * np.pi * freq * detune) * t) * window
                )
        bass_hz = key_hz / 2 * 2 ** (chord[0] / 12)
        bass = np.sin(np.float32(2 * np.pi * bass_hz) * t) * window
        out[:, start : start + length] += 1.5 * bass
    return out.astype(np.float64)


TEXTURES: dict[str, Texture] = {
    "waves": waves,
    "ocean": waves,
    "sea": waves,
    "surf": waves,
    "beach": waves,
    "rain": rain,
    "wind": wind,
    "traffic": traffic,
    "birds": birds,
    "birdsong": birds,
    "crowd": crowd,
    "people": crowd,
    "chatter": crowd,
    "city": city,
    "street": city,
    "forest": forest,
    "jungle": forest,
    "fire": fire,
    "campfire": fire,
    "underwater": underwater,
    "room": room_tone,
    "room tone": room_tone,
    "interior": room_tone,
    "river": stream,
    "stream": stream,
    "water": stream,
    "thunder": thunder,
    "storm": storm,
    "snow": snow,
    "music": music,
}
