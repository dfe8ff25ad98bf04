"""The whole procedural backend, measured from its output: rendered frames, the mixed audio and the MP4.

Every test goes through `mutoscope.engine.generate(..., backend="procedural")` (plan or scripted scene →
simulate → sound → render → mix → encode) and reads back what a viewer would see and hear: the ball's fall is
tracked by its colour in the frames, bounces are heard as onsets in the mixed track, the mouth is found in
the pixels of a close-up, a character's colours are compared across the shots of a storyboard. Sizes are
small (320x180 and less) to stay fast.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from mutoscope.backends.procedural.plan import plan_scene
from mutoscope.backends.procedural.scene import Body, CameraShot, DialogueLine, Entity, Scene, Voice
from mutoscope.backends.procedural.simulate import simulate
from mutoscope.backends.procedural.track import WorldTrack
from mutoscope.engine import (
    Appearance,
    CharacterRef,
    GenerationRequest,
    GenerationResult,
    Shot,
    generate,
)

F64 = npt.NDArray[np.float64]
FPS = 24
G = 9.81
WIDTH, HEIGHT = 320, 180
SAMPLE_RATE = 48_000
MAGENTA = (230, 20, 230)  # nothing in a studio or a park is this colour, so a colour mask finds what wears it
BALL_R = 0.25
RESTITUTION = 0.8
DROP_Y = 3.0  # the ball's centre at release
LUMA = np.array([0.2126, 0.7152, 0.0722])


# --- helpers --------------------------------------------------------------------------------------------------
def run(
    prompt: str, *, scene: Scene | None = None, output: Path | None = None, **fields: object
) -> GenerationResult:
    options: dict[str, object] = {}
    if scene is not None:
        options["scene"] = scene.to_json()
    options.update(fields.pop("options", {}))  # type: ignore[call-overload]
    request_fields: dict[str, object] = {
        "prompt": prompt,
        "width": WIDTH,
        "height": HEIGHT,
        "duration_s": scene.duration_s if scene is not None else 2.0,
        "fps": FPS,
        "seed": 7,
        "options": options,
        **fields,
    }
    return generate(GenerationRequest(**request_fields), backend="procedural", output=output)  # type: ignore[arg-type]


def frames_of(result: GenerationResult) -> npt.NDArray[np.int32]:
    return np.stack([np.asarray(frame) for frame in result.clip.frames]).astype(np.int32)


def mono(result: GenerationResult) -> F64:
    return np.asarray(result.clip.audio, dtype=np.float64).mean(axis=0)


def magenta_mask(frames: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    """Pixels of magenta hue at any shading (lighting darkens or lightens it, the hue stays)."""
    r, g, b = frames[..., 0], frames[..., 1], frames[..., 2]
    return (r > 140) & (b > 140) & (g < 110)


def frame_rms(x: F64, frame_count: int) -> F64:
    per_frame = SAMPLE_RATE // FPS
    return np.sqrt((x[: frame_count * per_frame].reshape(frame_count, per_frame) ** 2).mean(axis=1))


def onsets_s(x: F64, *, window_s: float = 0.01, rise: float = 2.0, refractory_s: float = 0.2) -> list[float]:
    """Times where the 10 ms RMS first climbs past `rise` times the clip's median level (one per event)."""
    hop = round(window_s * SAMPLE_RATE)
    count = x.size // hop
    level = np.sqrt((x[: count * hop].reshape(count, hop) ** 2).mean(axis=1))
    strength = level / max(float(np.median(level)), 1e-9)
    found: list[float] = []
    for i in range(1, count):
        t = i * hop / SAMPLE_RATE
        if strength[i] > rise >= strength[i - 1] and (not found or t - found[-1] > refractory_s):
            found.append(t)
    return found


# --- (a, b) a dropped ball, scripted: seen in the frames and heard in the mix -------------------------------
def drop_scene(duration_s: float = 4.0) -> Scene:
    body = Body(
        "ball", 2 * BALL_R, 2 * BALL_R, 0.6, palette=(MAGENTA,), restitution=RESTITUTION, friction=0.6
    )
    ball = Entity("ball", "the ball", "object", "basketball", body, 0.0, DROP_Y)
    return Scene(
        "a magenta ball drops in a studio",
        duration_s,
        7,
        setting="studio",
        style="cartoon",
        entities=(ball,),
        cameras=(CameraShot(0.0, duration_s, "wide", "static"),),
    )


@pytest.fixture(scope="module")
def dropped() -> tuple[GenerationResult, WorldTrack]:
    scene = drop_scene()
    # Motion blur off: the cartoon smear is symmetric, but a blur trail would pull the centroid backwards.
    result = run(scene.prompt, scene=scene, options={"motion_blur": False})
    recorded = Scene.from_dict(result.clip.metadata.extra["scene"])
    track = simulate(recorded, fps=FPS, frame_count=result.clip.frame_count, aspect=WIDTH / HEIGHT)
    return result, track


def ball_heights_from_pixels(result: GenerationResult, track: WorldTrack) -> F64:
    """The ball's centre height in metres per frame, from its colour centroid and the camera's scale."""
    mask = magenta_mask(frames_of(result))
    assert mask.sum(axis=(1, 2)).min() >= 20, "the ball is missing from some frames"
    rows = np.array([np.nonzero(m)[0].mean() for m in mask])
    camera = track.camera
    assert np.ptp(camera.view_height_m) == 0.0 and np.ptp(camera.center_y_m) == 0.0, "camera must be static"
    metres_per_px = float(camera.view_height_m[0]) / HEIGHT
    return float(camera.center_y_m[0]) - (rows + 0.5 - HEIGHT / 2) * metres_per_px


def test_gravity_fitted_from_rendered_frames_is_g(dropped: tuple[GenerationResult, WorldTrack]) -> None:
    result, track = dropped
    y = ball_heights_from_pixels(result, track)
    first = next(e for e in track.events if e.kind == "bounce")
    t = np.arange(y.size) / FPS
    flight = t < first.time_s - 0.5 / FPS  # frames before the first contact (the last one may be squashed)
    g = -2.0 * float(np.polyfit(t[flight], y[flight], 2)[0])
    assert flight.sum() >= 10
    assert g == pytest.approx(G, rel=0.05)
    assert y[0] == pytest.approx(DROP_Y, abs=0.05)


def test_bounce_apexes_in_rendered_frames_shrink_by_restitution_squared(
    dropped: tuple[GenerationResult, WorldTrack],
) -> None:
    result, track = dropped
    bottom = ball_heights_from_pixels(result, track) - BALL_R
    bounces = [e.frame for e in track.events if e.kind == "bounce"]
    assert len(bounces) >= 3
    apexes = [float(bottom[a + 1 : b].max()) for a, b in itertools.pairwise(bounces)]
    heights = [DROP_Y - BALL_R, *apexes]
    for high, low in itertools.pairwise(heights):
        assert low / high == pytest.approx(RESTITUTION**2, rel=0.10)


def test_bounces_are_heard_in_the_mix_within_a_frame(dropped: tuple[GenerationResult, WorldTrack]) -> None:
    result, track = dropped
    assert result.clip.sample_rate_hz == SAMPLE_RATE
    heard = onsets_s(mono(result))
    contacts = [e.time_s for e in track.events if e.kind == "bounce"]
    assert len(contacts) >= 3
    # Every contact is heard within one frame, and nothing else sounds like one.
    assert len(heard) == len(contacts), (heard, contacts)
    for onset, contact in zip(heard, contacts, strict=True):
        assert abs(onset - contact) <= 1.0 / FPS, (onset, contact)


# --- (c) lip sync, measured from the pixels of a close-up ---------------------------------------------------
SKIN = (200, 60, 40)  # a red skin (cartoon draws it saturated) no other part of the drawing uses
LINE = "Hello there, my friend. How are you doing on this fine sunny day?"


def mouth_pixels(image: npt.NDArray[np.int32]) -> float:
    """Dark pixels (open mouth and its outline) in the lower front quarter of the head, found by skin colour."""
    skin = (image[..., 0] > 200) & (image[..., 1] < 90) & (image[..., 2] < 90)
    rows = np.nonzero(skin.any(axis=1))[0]
    assert rows.size, "no face in the frame"
    top = int(rows[0])
    widths = skin.sum(axis=1)
    widest = top + int(np.argmax(widths[top : top + image.shape[0] // 3]))  # the head's equator
    cols = np.nonzero(skin[widest])[0]
    radius = (cols[-1] - cols[0] + 1) / 2
    cx = (cols[-1] + cols[0]) / 2  # the speaker faces right: the mouth is right of centre, below the equator
    box = image[
        round(widest + 0.2 * radius) : round(widest + 0.95 * radius),
        round(cx + 0.05 * radius) : round(cx + 0.9 * radius),
    ]
    return float(((box @ LUMA) < 60).sum())


def test_the_mouth_in_the_frames_follows_the_speech_in_the_mix() -> None:
    duration = 4.0
    speaker = Entity(
        "ann",
        "Ann",
        "person",
        "person",
        Body("humanoid", 1.75, 0.4, 70.0, palette=(SKIN, (60, 90, 200))),
        0.0,
        0.875,
        1,
        Voice("en", "en-us+f2", 60),
    )
    scene = Scene(
        "Ann talks",
        duration,
        7,
        setting="studio",
        style="cartoon",
        entities=(speaker,),
        cameras=(CameraShot(0.0, duration, "close_up", "static", "ann"),),
        dialogue=(DialogueLine("ann", LINE, "en", 0.3),),
    )
    result = run(scene.prompt, scene=scene)
    frames = frames_of(result)
    mouth = np.array([mouth_pixels(image) for image in frames])
    # The speech envelope: per-frame RMS of the mix, smoothed over three frames (125 ms) as mouths move.
    envelope = np.convolve(frame_rms(mono(result), len(frames)), np.ones(3) / 3, mode="same")
    correlation = float(np.corrcoef(mouth, envelope)[0, 1])
    assert correlation >= 0.6, correlation
    # And the mouth is shut before the line starts (frame 0) but open at some point while it is spoken.
    assert mouth.max() > 2.5 * mouth[0]


# --- (d) continuity across the shots of a storyboard --------------------------------------------------------
def colour_histogram(pixels: npt.NDArray[np.int32]) -> F64:
    counts, _ = np.histogramdd(pixels.reshape(-1, 3), bins=(6, 6, 6), range=((0, 256),) * 3)
    return (counts / max(counts.sum(), 1.0)).ravel()


def test_a_character_keeps_its_colours_across_three_shots() -> None:
    palette = ((241, 194, 157), (40, 30, 20), MAGENTA, (235, 235, 235))
    maria = CharacterRef("c1", "Maria", "maria", "person", Appearance(palette=palette))
    shots = (
        Shot("Maria walks through a park", 2.0),
        Shot("close-up of Maria smiling", 2.0),
        Shot("Maria sits on a bench", 2.0),
    )
    result = run("Maria in a park", duration_s=6.0, style="cartoon", characters=(maria,), shots=shots)
    scene = result.clip.metadata.extra["scene"]
    assert len(scene["shots"]) == 3
    assert [e["character_id"] for e in scene["entities"] if e["kind"] == "person"] == ["c1"]
    frames = frames_of(result)
    per_shot = 2 * FPS
    histograms, means = [], []
    for shot in range(3):
        sample = frames[shot * per_shot + 8 : (shot + 1) * per_shot - 8 : 8]
        near = np.abs(sample - np.array(MAGENTA)).max(axis=-1) < 70
        assert near.sum() >= 100, f"Maria's magenta top is missing from shot {shot}"
        histograms.append(colour_histogram(sample[near]))
        means.append(sample[near].mean(axis=0))
    for a, b in itertools.combinations(range(3), 2):
        assert np.abs(histograms[a] - histograms[b]).sum() < 0.45, (a, b)  # L1, 0 = same, 2 = disjoint
        assert np.abs(means[a] - means[b]).max() < 20, (a, b, means)


# --- (e) determinism ----------------------------------------------------------------------------------------
def fingerprint(result: GenerationResult) -> tuple[list[str], str]:
    clip = result.clip
    picks = (0, clip.frame_count // 2, clip.frame_count - 1)
    frames = [hashlib.sha256(np.asarray(clip.frames[i]).tobytes()).hexdigest() for i in picks]
    return frames, hashlib.sha256(np.ascontiguousarray(clip.audio).tobytes()).hexdigest()


def test_the_same_request_and_seed_give_identical_frames_and_audio() -> None:
    prompt = 'a dog runs on a beach at sunset and a man says "Good boy!"'
    first = fingerprint(run(prompt, duration_s=1.5, width=160, height=96))
    again = fingerprint(run(prompt, duration_s=1.5, width=160, height=96))
    other = fingerprint(run(prompt, duration_s=1.5, width=160, height=96, seed=8))
    assert first == again
    assert other[1] != first[1]  # the seed does matter (ambience and foley draw from it)


# --- (f) a clip with dialogue: audible lines, a decodable MP4 ----------------------------------------------
def test_a_dialogue_clip_is_audible_during_its_lines_and_decodes_as_h264_and_aac(tmp_path: Path) -> None:
    duration = 4.0
    path = tmp_path / "talk.mp4"
    prompt = 'Maria and John talk on a park bench. Maria: "Hola, ¿cómo estás?" John: "I am fine, thanks."'
    result = run(prompt, duration_s=duration, output=path)
    lines = result.clip.metadata.extra["dialogue"]
    spoken_by = [(line["speaker"], line["text"], line["language"]) for line in lines]
    assert spoken_by == [("maria", "Hola, ¿cómo estás?", "es"), ("john", "I am fine, thanks.", "en")]

    with av.open(str(path)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert audio.codec_context.name == "aac"
        frame_count = sum(1 for _ in container.decode(video=0))
    assert frame_count == round(duration * FPS)
    with av.open(str(path)) as container:
        decoded = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=-1)
        rate = container.streams.audio[0].rate
    samples = np.asarray(decoded, dtype=np.float64).reshape(-1, decoded.shape[-1]).mean(axis=0)
    assert samples.size / rate == pytest.approx(duration, abs=0.05)

    def level(start_s: float, end_s: float) -> float:
        part = samples[round(start_s * rate) : round(end_s * rate)]
        return float(np.sqrt((part**2).mean()))

    spoken = np.zeros(samples.size, dtype=bool)
    for line in lines:
        assert 0.0 <= line["start_s"] < line["end_s"] <= duration + 1e-6
        spoken[round(line["start_s"] * rate) : round(line["end_s"] * rate)] = True
        assert level(line["start_s"], line["end_s"]) > 0.02, line["text"]
    quiet = samples[~spoken]
    if quiet.size > rate // 4:  # where nobody speaks, the lines stand out above the ambience
        assert min(level(line["start_s"], line["end_s"]) for line in lines) > 2 * float(
            np.sqrt((quiet**2).mean())
        )


def test_says_phrasing_gives_each_quoted_line_to_its_speaker() -> None:
    prompt = (
        'two people talk on a park bench, Maria says "Hola, ¿cómo estás?" and John says "I am fine, thanks."'
    )
    scene = plan_scene(prompt, duration_s=4.0, seed=7)
    assert [(line.speaker, line.text) for line in scene.dialogue] == [
        ("maria", "Hola, ¿cómo estás?"),
        ("john", "I am fine, thanks."),
    ]
