"""The procedural backend's sound stage, judged by measuring the audio it produces.

Speech: energy inside the reported line spans, word timings, distinct voices (f0), determinism, layout and
truncation. Lip sync: mouth opening against the speech envelope. Foley: onsets at their contact events,
loudness and pan. Ambience: spectral character, determinism, speed. Mix: ducking and the 0.98 ceiling.
Scenes and world tracks are built here directly; nothing depends on the planner or the simulator.
"""

from __future__ import annotations

import itertools
import logging
import textwrap
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from mutoscope.backends.procedural.scene import Body, DialogueLine, Entity, Scene, SoundSource, Voice
from mutoscope.backends.procedural.sound import (
    EspeakMissingError,
    mix,
    render_ambience,
    render_foley,
    synthesize_speech,
)
from mutoscope.backends.procedural.sound import espeak as espeak_module
from mutoscope.backends.procedural.track import (
    CameraTrack,
    ContactEvent,
    EntityTrack,
    SpeechTrack,
    WorldTrack,
)
from mutoscope.errors import InvalidRequestError, MissingDependencyError

SR = 48_000
FPS = 24
F64 = npt.NDArray[np.float64]

SENTENCES = {
    "en": "Hello there, welcome to the show. Today we talk about boats and planes.",
    "es": "Hola, ¿cómo estás? Muy bien, gracias por preguntar.",
    "fr": "Bonjour tout le monde, je suis très content d'être ici.",
    "de": "Guten Morgen, wie geht es dir heute? Mir geht es gut.",
    "it": "Buongiorno a tutti, oggi parliamo di calcio e di cucina.",
    "pt": "Olá, tudo bem? Hoje vamos falar sobre música.",
    "zh": "你好，我很好，谢谢你。",
}


# --- fixtures -------------------------------------------------------------------------------------------


def person(entity_id: str, voice: Voice | None = None, x_m: float = 0.0) -> Entity:
    return Entity(
        id=entity_id,
        name=entity_id,
        kind="person",
        type="person",
        body=Body("humanoid", 1.8, 0.5, 70.0),
        x_m=x_m,
        voice=voice,
    )


def ball() -> Entity:
    return Entity(
        id="ball", name="the ball", kind="object", type="basketball", body=Body("ball", 0.24, 0.24, 0.6)
    )


def scene_with(
    *,
    entities: tuple[Entity, ...] = (),
    dialogue: tuple[DialogueLine, ...] = (),
    sounds: tuple[SoundSource, ...] = (),
    duration_s: float = 6.0,
    setting: str = "studio",
    weather: str = "clear",
) -> Scene:
    return Scene(
        prompt="test",
        duration_s=duration_s,
        seed=7,
        setting=setting,
        weather=weather,
        entities=entities,
        dialogue=dialogue,
        sounds=sounds,
    )


def still_track(frames: int, events: tuple[ContactEvent, ...] = (), **entities: EntityTrack) -> WorldTrack:
    """A world track with a static camera centred on x = 0 showing 6 m of height (10.7 m of width)."""
    zeros = np.zeros(frames, dtype=np.float32)
    camera = CameraTrack(zeros, zeros + 1.0, zeros + 6.0, np.zeros(frames, dtype=np.int16))
    return WorldTrack(fps=FPS, frame_count=frames, entities=entities, camera=camera, events=events)


def entity_track(entity_id: str, x_m: F64, y_m: F64, **pose: F64) -> EntityTrack:
    frames = x_m.size
    return EntityTrack(
        entity=entity_id,
        x_m=x_m.astype(np.float32),
        y_m=y_m.astype(np.float32),
        angle_rad=np.zeros(frames, dtype=np.float32),
        facing=np.ones(frames, dtype=np.int8),
        pose={name: angle.astype(np.float32) for name, angle in pose.items()},
    )


# --- measurements ---------------------------------------------------------------------------------------


def frame_rms(audio: npt.NDArray[np.float32], fps: int = FPS) -> F64:
    per_frame = SR // fps
    frames = audio[: audio.size // per_frame * per_frame].reshape(-1, per_frame).astype(np.float64)
    return np.asarray(np.sqrt(np.mean(frames**2, axis=1)))


def median_f0(audio: npt.NDArray[np.float32]) -> float:
    """Median autocorrelation pitch of the voiced 40 ms frames (60-400 Hz)."""
    x = audio.astype(np.float64)
    size = int(0.04 * SR)
    frames = [x[i : i + size] for i in range(0, x.size - size, size)]
    loudest = max(float(np.sqrt(np.mean(f**2))) for f in frames)
    pitches = []
    for frame in frames:
        if np.sqrt(np.mean(frame**2)) < 0.3 * loudest:
            continue
        centred = frame - frame.mean()
        corr = np.correlate(centred, centred, "full")[size - 1 :]
        low, high = SR // 400, SR // 60
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > 0.3 * corr[0]:
            pitches.append(SR / lag)
    assert len(pitches) > 5, "too few voiced frames to measure pitch"
    return float(np.median(pitches))


def onsets_s(x: F64, *, rise_db: float = 12.0, hop: int = 48) -> list[float]:
    """Onsets: 1 ms hops whose energy jumps `rise_db` above the mean of the 10 ms before (and not quiet)."""
    energy = np.mean(x[: x.size // hop * hop].reshape(-1, hop) ** 2, axis=1) + 1e-12
    level = 10 * np.log10(energy)
    before = np.array([level[max(0, i - 10) : i].mean() if i else -120.0 for i in range(level.size)])
    candidates = np.flatnonzero((level - before > rise_db) & (level > level.max() - 50))
    found: list[int] = []
    for hop_index in candidates.tolist():
        if not found or hop_index - found[-1] > 50:
            found.append(hop_index)
    return [i * hop / SR for i in found]


def centroid_hz(x: F64) -> float:
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / SR)
    return float(np.sum(freqs * spectrum) / np.sum(spectrum))


def band_fraction(x: F64, low_hz: float, high_hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / SR)
    return float(spectrum[(freqs >= low_hz) & (freqs < high_hz)].sum() / spectrum.sum())


def rms(x: npt.NDArray[np.floating]) -> float:
    return float(np.sqrt(np.mean(np.square(x.astype(np.float64)))))


# --- speech ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_each_language_is_spoken_inside_its_reported_span(language: str) -> None:
    voice = Voice(language=language, espeak_voice=espeak_module.LANGUAGE_VOICES[language])
    scene = scene_with(
        entities=(person("a", voice),),
        dialogue=(DialogueLine("a", SENTENCES[language], language, start_s=0.5),),
    )
    speech = synthesize_speech(scene, fps=FPS, frame_count=6 * FPS)

    audio = speech.audio["a"]
    assert audio.dtype == np.float32 and audio.shape == (6 * SR,)
    (line,) = speech.lines
    assert line.start_s == pytest.approx(0.5) and line.end_s > line.start_s + 0.5
    inside = audio[round(line.start_s * SR) : round(line.end_s * SR)].astype(np.float64)
    assert rms(inside) > 0.02
    assert np.sum(inside**2) / np.sum(audio.astype(np.float64) ** 2) > 0.999
    starts = [w.start_s for w in line.words]
    assert len(line.words) >= 3
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for word in line.words:
        assert line.start_s <= word.start_s <= word.end_s <= line.end_s
        assert word.text.strip()


def test_two_voices_differ_in_measured_pitch() -> None:
    text = "The quick brown fox jumps over the lazy dog, again and again."
    scene = scene_with(
        entities=(
            person("low", Voice("en", "en-us+m3", pitch=35)),
            person("high", Voice("en", "en-us+f2", pitch=65)),
        ),
        dialogue=(DialogueLine("low", text, "en", 0.0), DialogueLine("high", text, "en", 4.0)),
        duration_s=9.0,
    )
    speech = synthesize_speech(scene, fps=FPS, frame_count=9 * FPS)
    low, high = median_f0(speech.audio["low"]), median_f0(speech.audio["high"])
    assert high >= 1.15 * low, (low, high)


def test_speech_is_identical_whatever_was_spoken_before() -> None:
    scene = scene_with(
        entities=(person("a", Voice("en", "en-us+f2", pitch=60)),),
        dialogue=(DialogueLine("a", "Deterministic speech, every single time.", "en", 0.2),),
        duration_s=4.0,
    )
    other = scene_with(
        entities=(person("b", Voice("fr", "fr+m3")),),
        dialogue=(DialogueLine("b", "Une autre phrase, pour changer l'état du moteur.", "fr", 0.0),),
        duration_s=4.0,
    )
    first = synthesize_speech(scene, fps=FPS, frame_count=4 * FPS)
    synthesize_speech(other, fps=FPS, frame_count=4 * FPS)
    second = synthesize_speech(scene, fps=FPS, frame_count=4 * FPS)
    assert np.array_equal(first.audio["a"], second.audio["a"])
    assert np.array_equal(first.mouth_open["a"], second.mouth_open["a"])
    assert rms(first.audio["a"]) > 0.01


def test_lines_planned_at_the_same_time_do_not_overlap() -> None:
    scene = scene_with(
        entities=(person("a", Voice("en", "en-us+m3")), person("b", Voice("en", "en-us+f2"))),
        dialogue=(
            DialogueLine("a", "I will speak first.", "en", 1.0),
            DialogueLine("b", "And I was told to start at the same moment.", "en", 1.0),
            DialogueLine("a", "Then me again.", "en", 1.5),
        ),
        duration_s=10.0,
    )
    speech = synthesize_speech(scene, fps=FPS, frame_count=10 * FPS)
    spans = sorted((line.start_s, line.end_s) for line in speech.lines)
    assert len(spans) == 3 and spans[0][0] == pytest.approx(1.0)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end
    # Measured: the two speakers are never loud in the same frame.
    a, b = frame_rms(speech.audio["a"]), frame_rms(speech.audio["b"])
    assert not np.any((a > 0.01) & (b > 0.01))


def test_a_line_running_past_the_clip_end_is_cut_with_a_fade(caplog: pytest.LogCaptureFixture) -> None:
    scene = scene_with(
        entities=(person("a", Voice("en", "en-us")),),
        dialogue=(
            DialogueLine(
                "a", "This sentence is far too long to fit in the little time that is left.", "en", 2.0
            ),
            DialogueLine("a", "And this one starts after the end.", "en", 3.5),
        ),
        duration_s=3.0,
    )
    with caplog.at_level(logging.WARNING):
        speech = synthesize_speech(scene, fps=FPS, frame_count=3 * FPS)
    (line,) = speech.lines
    assert line.end_s == pytest.approx(3.0)
    audio = speech.audio["a"]
    assert audio.shape == (3 * SR,)
    assert np.max(np.abs(audio[-48:])) < 0.1 * np.max(np.abs(audio[-SR // 2 :]))  # faded out
    assert all(w.end_s <= 3.0 for w in line.words)
    assert "cut at the clip end" in caplog.text and "dropped" in caplog.text


def test_unknown_speaker_and_unknown_voice_are_refused() -> None:
    no_such_speaker = scene_with(entities=(person("a"),), dialogue=(DialogueLine("ghost", "Boo.", "en"),))
    with pytest.raises(InvalidRequestError, match="ghost"):
        synthesize_speech(no_such_speaker, fps=FPS, frame_count=FPS)
    bad_voice = scene_with(
        entities=(person("a", Voice("en", "no-such-voice")),),
        dialogue=(DialogueLine("a", "Hello.", "xx"),),
    )
    with pytest.raises(InvalidRequestError, match="no voice"):
        synthesize_speech(bad_voice, fps=FPS, frame_count=FPS)


def test_missing_espeak_library_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs the real host script with its library search pointed at nothing.
    host = tmp_path / "host_without_library.py"
    host.write_text(
        textwrap.dedent(
            f"""
            import ctypes.util, importlib.util, sys
            spec = importlib.util.spec_from_file_location("host", {str(espeak_module.HOST_SCRIPT)!r})
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            module.LIBRARY_NAMES = ("libno-such-espeak.so.9",)
            ctypes.util.find_library = lambda name: None
            sys.exit(module.main())
            """
        )
    )
    monkeypatch.setattr(espeak_module, "HOST_SCRIPT", host)
    scene = scene_with(entities=(person("a"),), dialogue=(DialogueLine("a", "Hello.", "en"),))
    with pytest.raises(EspeakMissingError, match="apt-get install espeak-ng") as caught:
        synthesize_speech(scene, fps=FPS, frame_count=FPS)
    assert isinstance(caught.value, MissingDependencyError)


# --- lip sync -------------------------------------------------------------------------------------------


def test_mouth_opening_follows_the_speech_envelope() -> None:
    scene = scene_with(
        entities=(
            person("a", Voice("en", "en-us+m3", pitch=40)),
            person("b", Voice("es", "es+f2", pitch=60)),
        ),
        dialogue=(
            DialogueLine("a", SENTENCES["en"], "en", 0.3),
            DialogueLine("b", SENTENCES["es"], "es", 4.6),
            DialogueLine("a", "Then we will swim across the bay and climb the old lighthouse.", "en", 8.2),
            DialogueLine("b", "¡Qué buena idea!", "es", 12.5),
        ),
        duration_s=15.0,
    )
    frames = 15 * FPS
    speech = synthesize_speech(scene, fps=FPS, frame_count=frames)
    for speaker in ("a", "b"):
        mouth = speech.mouth_open[speaker]
        assert mouth.shape == (frames,) and mouth.dtype == np.float32
        assert mouth.min() >= 0.0 and mouth.max() <= 1.0 and mouth.max() > 0.5
        envelope = np.convolve(frame_rms(speech.audio[speaker]), [0.25, 0.5, 0.25], mode="same")
        correlation = float(np.corrcoef(mouth, envelope)[0, 1])
        assert correlation >= 0.6, (speaker, correlation)
        # Closed while the speaker is silent (two frames away from any of their sound).
        silent = np.convolve(envelope > 1e-3, np.ones(5), mode="same") == 0
        assert silent.sum() > FPS and mouth[silent].max() < 0.05


# --- foley ----------------------------------------------------------------------------------------------

FOLEY_KINDS = ("bounce", "rim", "footstep", "landing", "splash", "impact", "scrape", "bounce", "footstep")


def test_each_impact_starts_within_a_frame_of_its_contact() -> None:
    frames = 10 * FPS
    times = [0.5 + 1.063 * i for i in range(len(FOLEY_KINDS))]
    events = tuple(
        ContactEvent(
            t, int(t * FPS), "p" if kind in ("footstep", "landing") else "ball", "ground", 5.0, kind, 0.0
        )
        for t, kind in zip(times, FOLEY_KINDS, strict=True)
    )
    scene = scene_with(entities=(ball(), person("p")), setting="basketball court", duration_s=10.0)
    out = render_foley(
        still_track(frames, events), scene, sample_count=frames * 2000, rng=np.random.default_rng(3)
    )
    assert out.dtype == np.float32 and out.shape == (2, frames * 2000)
    found = onsets_s(out.astype(np.float64).sum(axis=0))
    assert len(found) == len(times), found
    for expected, got in zip(times, found, strict=True):
        assert abs(got - expected) <= 1 / FPS
    # Sample-accurate: nothing at all before the first contact.
    assert not out[:, : round(times[0] * SR)].any()


def _single_impact(impulse_ns: float, x_m: float, kind: str = "bounce") -> npt.NDArray[np.float32]:
    frames = 2 * FPS
    event = ContactEvent(0.5, 12, "ball", "ground", impulse_ns, kind, x_m)
    scene = scene_with(entities=(ball(),), setting="basketball court", duration_s=2.0)
    return render_foley(
        still_track(frames, (event,)), scene, sample_count=frames * 2000, rng=np.random.default_rng(1)
    )


def test_a_harder_impact_sounds_louder() -> None:
    peaks = [float(np.abs(_single_impact(impulse, 0.0)).max()) for impulse in (0.3, 3.0, 30.0)]
    assert peaks[0] * 1.5 < peaks[1] and peaks[1] * 1.5 < peaks[2]


def test_impacts_are_panned_by_where_they_happen() -> None:
    left = _single_impact(5.0, -4.0)
    right = _single_impact(5.0, 4.0)
    centre = _single_impact(5.0, 0.0)
    assert rms(left[0]) > 3 * rms(left[1])
    assert rms(right[1]) > 3 * rms(right[0])
    assert rms(centre[0]) == pytest.approx(rms(centre[1]), rel=0.01)


def test_a_driving_car_has_an_engine_and_a_parked_one_is_silent() -> None:
    frames = 4 * FPS
    car = Entity(id="car", name="the car", kind="vehicle", type="car", body=Body("car", 1.5, 4.2, 1300.0))
    scene = scene_with(entities=(car,), setting="city street", duration_s=4.0)
    t = np.arange(frames) / FPS
    driving = still_track(frames, car=entity_track("car", -8.0 + 4.0 * t, np.full(frames, 0.75)))
    parked = still_track(frames, car=entity_track("car", np.full(frames, 2.0), np.full(frames, 0.75)))
    moving_audio = render_foley(driving, scene, sample_count=frames * 2000, rng=np.random.default_rng(0))
    parked_audio = render_foley(parked, scene, sample_count=frames * 2000, rng=np.random.default_rng(0))
    assert rms(moving_audio) > 0.005 and not parked_audio.any()
    # The car drives left to right: louder on the left early, on the right late.
    early, late = moving_audio[:, : SR // 2], moving_audio[:, -SR // 2 :]
    assert rms(early[0]) > rms(early[1]) and rms(late[1]) > rms(late[0])
    assert band_fraction(moving_audio[0].astype(np.float64), 20, 1000) > 0.7  # a low engine


def test_wing_flaps_follow_the_wing_joint() -> None:
    frames = 3 * FPS
    bird = Entity(id="bird", name="the bird", kind="animal", type="gull", body=Body("bird", 0.3, 0.9, 0.8))
    scene = scene_with(entities=(bird,), setting="beach", duration_s=3.0)
    t = np.arange(frames) / FPS
    wing = np.cos(2 * np.pi * 2.0 * t)  # a downstroke begins at each peak: 0, 0.5, 1.0 ... s
    track = still_track(frames, bird=entity_track("bird", np.zeros(frames), np.full(frames, 3.0), wing=wing))
    out = render_foley(track, scene, sample_count=frames * 2000, rng=np.random.default_rng(0))
    loudness = frame_rms(out.astype(np.float64).sum(axis=0) / 2)
    flaps = [
        i for i in range(1, frames - 1) if loudness[i] > loudness[i - 1] and loudness[i] >= loudness[i + 1]
    ]
    # Loudest in the frames of the downstrokes at 0.5, 1.0, 1.5, 2.0 and 2.5 s (the one at 0 s has no rise).
    expected = [12, 24, 36, 48, 60]
    assert len(flaps) == len(expected) and all(abs(f - e) <= 1 for f, e in zip(flaps, expected, strict=True))


# --- ambience -------------------------------------------------------------------------------------------

TEXTURE_NAMES = ("waves", "rain", "wind", "traffic", "birds", "crowd", "city", "forest", "fire", "underwater")


def _ambience(
    *sources: str, seed: int = 5, seconds: float = 4.0, setting: str = "void", weather: str = "clear"
) -> npt.NDArray[np.float32]:
    scene = scene_with(
        sounds=tuple(SoundSource("ambience", name) for name in sources), setting=setting, weather=weather
    )
    return render_ambience(scene, sample_count=round(seconds * SR), rng=np.random.default_rng(seed))


@pytest.mark.parametrize("name", (*TEXTURE_NAMES, "room"))
def test_each_named_source_sounds_and_repeats_for_a_seed(name: str) -> None:
    first = _ambience(name)
    assert first.dtype == np.float32 and first.shape == (2, 4 * SR)
    # At the default -18 dB a texture has an RMS near -30 dBFS and peaks of at most 0.5.
    assert 0.01 < rms(first) < 0.04 and np.abs(first).max() <= 4 * 10 ** (-18 / 20) + 1e-6
    assert np.array_equal(first, _ambience(name))
    assert not np.array_equal(first, _ambience(name, seed=6))


def test_a_music_source_plays_a_chord_progression() -> None:
    scene = scene_with(sounds=(SoundSource("music", "lofi piano", -18.0),), setting="void")
    music = render_ambience(scene, sample_count=8 * SR, rng=np.random.default_rng(2)).astype(np.float64)
    assert rms(music) > 0.01 and np.array_equal(
        music, render_ambience(scene, sample_count=8 * SR, rng=np.random.default_rng(2))
    )
    # Tonal: a few spectral peaks hold most of the energy of each bar, and the bars differ (chords change).
    bars = [music[0, i * 2 * SR + SR // 2 : (i + 1) * 2 * SR - SR // 4] for i in range(4)]
    spectra = [np.abs(np.fft.rfft(bar * np.hanning(bar.size))) ** 2 for bar in bars]
    for spectrum in spectra:
        top = np.sort(spectrum)[::-1]
        assert top[:60].sum() > 0.8 * spectrum.sum()
    peaks = [set(np.argsort(spectrum)[-8:] // 8) for spectrum in spectra]
    assert peaks[0] != peaks[1] and peaks[1] != peaks[2]


def test_textures_have_their_spectral_character() -> None:
    mono = {name: _ambience(name).astype(np.float64).sum(axis=0) for name in TEXTURE_NAMES}
    centroid = {name: centroid_hz(x) for name, x in mono.items()}
    assert centroid["rain"] > 3 * centroid["wind"]
    assert band_fraction(mono["rain"], 2000, 20000) > 0.5 > band_fraction(mono["wind"], 2000, 20000)
    assert centroid["underwater"] < 400 and band_fraction(mono["underwater"], 0, 500) > 0.8
    assert band_fraction(mono["birds"], 2000, 8000) > 0.8
    assert 300 < centroid["crowd"] < 3500 and band_fraction(mono["crowd"], 250, 3500) > 0.8
    assert centroid["traffic"] < centroid["crowd"]
    assert band_fraction(mono["fire"], 1000, 20000) > 0.1 and band_fraction(mono["fire"], 0, 400) > 0.3

    # Waves swell: their loudness over 250 ms windows varies far more than rain's.
    def swing(x: F64) -> float:
        windows = np.sqrt(np.mean(x[: x.size // 12000 * 12000].reshape(-1, 12000) ** 2, axis=1))
        return float(windows.max() / windows.min())

    waves = _ambience("waves", seconds=10.0).astype(np.float64).sum(axis=0)
    assert swing(waves) > 3 * swing(mono["rain"])


def test_weather_and_setting_add_their_own_ambience() -> None:
    beach_in_rain = _ambience(setting="beach", weather="rain").astype(np.float64).sum(axis=0)
    dry_beach = _ambience(setting="beach").astype(np.float64).sum(axis=0)
    assert not _ambience(setting="void").any()
    assert rms(dry_beach) > 0.01 and centroid_hz(dry_beach) < 2500  # waves
    # Each texture has its own random stream, so the beach sounds the same and the difference is the rain.
    rain = beach_in_rain - dry_beach
    assert rms(rain) > 0.01 and centroid_hz(rain) > 4000
    named = _ambience("traffic", setting="beach")  # a named ambience replaces the setting's
    assert np.array_equal(named, _ambience("traffic"))


def test_twelve_seconds_of_ambience_render_fast() -> None:
    scene = scene_with(setting="beach", weather="wind", sounds=(SoundSource("ambience", "birds"),))
    best = min(
        _timed(lambda: render_ambience(scene, sample_count=12 * SR, rng=np.random.default_rng(0)))
        for _ in range(3)
    )
    assert best < 0.2, best


def _timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


# --- mix ------------------------------------------------------------------------------------------------


def _tone_speech(n: int, start_s: float, end_s: float, speaker: str = "a") -> SpeechTrack:
    audio = np.zeros(n, dtype=np.float32)
    span = slice(round(start_s * SR), round(end_s * SR))
    t = np.arange(span.stop - span.start) / SR
    audio[span] = (0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
    return SpeechTrack(
        lines=(), audio={speaker: audio}, mouth_open={speaker: np.zeros(n // 2000, np.float32)}
    )


def test_mix_never_exceeds_the_ceiling() -> None:
    n = 3 * SR
    rng = np.random.default_rng(0)
    foley = (3.0 * rng.standard_normal((2, n))).astype(np.float32)
    ambience = (2.0 * rng.standard_normal((2, n))).astype(np.float32)
    speech = _tone_speech(n, 0.5, 2.5)
    out = mix(speech=speech, scene=scene_with(entities=(person("a"),)), foley=foley, ambience=ambience)
    assert out.dtype == np.float32 and out.shape == (2, n)
    assert float(np.abs(out).max()) <= 0.98
    quiet = np.zeros((2, n), dtype=np.float32)
    gentle = mix(speech=speech, scene=scene_with(entities=(person("a"),)), foley=quiet, ambience=quiet)
    assert float(np.abs(gentle).max()) == pytest.approx(
        0.3 * np.cos(np.pi / 4), rel=0.02
    )  # centred, untouched


def test_ambience_ducks_under_speech() -> None:
    n = 6 * SR
    ambience = (0.05 * np.random.default_rng(0).standard_normal((2, n))).astype(np.float32)
    quiet = np.zeros((2, n), dtype=np.float32)
    speech = _tone_speech(n, 2.0, 4.0)
    scene = scene_with(entities=(person("a"),))
    with_bed = mix(speech=speech, scene=scene, foley=quiet, ambience=ambience).astype(np.float64)
    without = mix(speech=speech, scene=scene, foley=quiet, ambience=quiet).astype(np.float64)
    bed = with_bed - without  # what is left of the ambience in the mix
    during = rms(bed[:, round(2.5 * SR) : round(3.5 * SR)])
    before = rms(bed[:, : round(1.5 * SR)])
    after = rms(bed[:, round(5.0 * SR) :])
    assert during < 0.5 * before and during < 0.5 * after
    assert before == pytest.approx(rms(ambience[:, : round(1.5 * SR)]), rel=0.05)


def test_speakers_are_panned_by_their_position() -> None:
    n = 2 * SR
    speech = _tone_speech(n, 0.2, 1.8, speaker="left")
    scene = scene_with(entities=(person("left", x_m=-3.0),))
    quiet = np.zeros((2, n), dtype=np.float32)
    out = mix(speech=speech, scene=scene, foley=quiet, ambience=quiet)
    assert rms(out[0]) > 1.5 * rms(out[1])
    # With a world track, the speaker's tracked position wins: here they stand right of the camera.
    frames = 2 * FPS
    track = still_track(frames, left=entity_track("left", np.full(frames, 3.0), np.full(frames, 0.9)))
    tracked = mix(speech=speech, scene=scene, foley=quiet, ambience=quiet, track=track)
    assert rms(tracked[1]) > 1.5 * rms(tracked[0])


# --- the whole stage ------------------------------------------------------------------------------------


def test_all_sound_for_a_twelve_second_clip_takes_well_under_a_second() -> None:
    frames = 12 * FPS
    scene = scene_with(
        entities=(
            person("a", Voice("en", "en-us+m3"), x_m=-2.0),
            person("b", Voice("es", "es+f2"), x_m=2.0),
            ball(),
        ),
        dialogue=(
            DialogueLine("a", "Watch this shot, it is going in.", "en", 0.5),
            DialogueLine("b", "¡No puede ser! ¡Increíble!", "es", 4.0),
            DialogueLine("a", "Told you so. Your turn now.", "en", 8.0),
        ),
        sounds=(SoundSource("ambience", "crowd", -20.0),),
        setting="basketball court",
        duration_s=12.0,
    )
    events = tuple(
        ContactEvent(t, int(t * FPS), "ball", "ground", 6.0 / (1 + i), "bounce", 1.0)
        for i, t in enumerate((1.0, 1.6, 2.1, 2.5))
    )
    track = still_track(frames, events)

    def all_sound() -> npt.NDArray[np.float32]:
        speech = synthesize_speech(scene, fps=FPS, frame_count=frames)
        foley = render_foley(track, scene, sample_count=frames * 2000, rng=np.random.default_rng(1))
        ambience = render_ambience(scene, sample_count=frames * 2000, rng=np.random.default_rng(2))
        return mix(speech=speech, scene=scene, foley=foley, ambience=ambience, track=track)

    out = all_sound()
    assert out.shape == (2, frames * 2000) and float(np.abs(out).max()) <= 0.98
    best = min(_timed(all_sound) for _ in range(2))
    assert best < 1.0, best
