"""The procedural renderer: styles, camera and parallax, placement, mouths, accessories, motion blur, goldens.

Every test builds a small world by hand (a person, a dog, a ball and a hoop; the camera static unless the test
moves it) and measures what it asks about from the rendered pixels, at small sizes to stay fast.

Golden hashes: `GOLDEN` holds the sha256 of one low-resolution frame per style. When a rendering change is
intended, run `pytest tests/test_procedural_render.py -k golden`; the failure message prints the complete new
table to paste over `GOLDEN` (check a few frames by eye first: `Renderer(...).render_rgb(i)` saved as PNG).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from typing import get_args

import numpy as np
import numpy.typing as npt
import pytest

from mutoscope.backends.procedural.physics.skeleton import HUMANOID, humanoid_points
from mutoscope.backends.procedural.render import STYLE_NAMES, Renderer
from mutoscope.backends.procedural.render.accessories import resolve
from mutoscope.backends.procedural.render.backdrop import K_FAR
from mutoscope.backends.procedural.render.camera import Camera
from mutoscope.backends.procedural.scene import Body, CameraShot, Entity, Light, Scene, Shape
from mutoscope.backends.procedural.track import CameraTrack, EntityTrack, WorldTrack
from mutoscope.backends.procedural.vocabulary.objects import OBJECTS
from mutoscope.backends.procedural.vocabulary.people import ROLE_ACCESSORIES
from mutoscope.backends.procedural.vocabulary.places import PLACES
from mutoscope.engine.request import Appearance, CharacterRef
from mutoscope.errors import InvalidRequestError

RGBImage = npt.NDArray[np.uint8]
FPS = 24
MAGENTA = (230, 20, 230)  # a ball colour nothing else in the scene uses, so a colour mask finds it
PERSON_H = 1.75
PELVIS_Y = PERSON_H / 2
PERSON_X = -1.0
BALL_R = 0.15


def f32(values: object) -> npt.NDArray[np.float32]:
    return np.asarray(values, dtype=np.float32)


def world(
    *,
    frames: int = 6,
    style: str = "realistic",
    setting: str = "park",
    accessories: tuple[str, ...] = (),
    ball_vx: float = 0.0,
    ball_y: float = BALL_R,
    camera_x: object = 0.5,
    camera_y: float = 1.3,
    view_height: float = 4.0,
    character_id: str | None = None,
    with_bodies: bool = True,
    weather: str = "clear",
    time_of_day: str = "day",
    ball_angle: float | None = None,
    cut_at: int | None = None,
    extra: tuple[Entity, ...] = (),
) -> tuple[Scene, WorldTrack]:
    """A person, a dog, a magenta ball and a hoop in a park, as a scene and a hand-made track."""
    n = frames
    person = Entity(
        "p1", "Maria", "person", "person",
        Body("humanoid", PERSON_H, 0.45, 70, ((224, 172, 128), (60, 40, 30), (40, 90, 200), (70, 100, 150)),
             accessories=accessories),
        x_m=PERSON_X, character_id=character_id,
    )  # fmt: skip
    dog = Entity(
        "d1", "the dog", "animal", "dog", Body("quadruped", 0.6, 0.9, 25, ((120, 80, 45), (196, 160, 110)))
    )
    ball = Entity(
        "b1", "ball", "object", "ball", Body("ball", 2 * BALL_R, 2 * BALL_R, 0.5, (MAGENTA, MAGENTA))
    )
    hoop = Entity(
        "h1", "hoop", "fixture", "hoop",
        Body("hoop", 3.05, 1.8, 150, ((230, 100, 30), (245, 245, 245), (150, 155, 165)), static=True),
        x_m=3.4, y_m=3.05 / 2, facing=-1,
    )  # fmt: skip
    entities = ((person, dog, ball, hoop) if with_bodies else ()) + extra
    scene = Scene(
        prompt="a person, a dog and a ball by a hoop", duration_s=n / FPS, seed=11, setting=setting,
        time_of_day=time_of_day, weather=weather, style=style, entities=entities,
        cameras=(CameraShot(0.0, n / FPS),),
        lights=(Light("sun", (255, 244, 229), 1.0, 60.0),),
    )  # fmt: skip
    t = np.arange(n, dtype=np.float32) / FPS
    still = np.zeros(n, dtype=np.float32)
    ones = np.ones(n, dtype=np.int8)
    swing = np.sin(t * 6.0)
    pose = {"shoulder_l": f32(0.3 * swing), "shoulder_r": f32(-0.3 * swing), "elbow_l": f32(still + 0.3),
            "elbow_r": f32(still + 0.3), "hip_l": f32(-0.2 * swing), "hip_r": f32(0.2 * swing)}  # fmt: skip
    ball_x = 1.4 + ball_vx * t
    tracks = {
        "p1": EntityTrack("p1", f32(still + PERSON_X), f32(still + PELVIS_Y), f32(still), ones, pose),
        "d1": EntityTrack("d1", f32(still + 0.4), f32(still + 0.3), f32(still), ones),
        "b1": EntityTrack(
            "b1",
            f32(ball_x),
            f32(still + ball_y),
            f32(-(ball_x - 1.4) / BALL_R if ball_angle is None else still + ball_angle),
            ones,
        ),
    }
    cx = np.broadcast_to(f32(camera_x), (n,)).copy()
    shots = np.zeros(n, dtype=np.int16)
    if cut_at is not None:
        shots[cut_at:] = 1
    camera = CameraTrack(cx, f32(still + camera_y), f32(still + view_height), shots)
    return scene, WorldTrack(FPS, n, tracks if with_bodies else {}, camera)


def render(
    scene: Scene, track: WorldTrack, index: int = 3, width: int = 256, height: int = 144, **kw: object
) -> RGBImage:
    style = str(kw.pop("style", scene.style))
    return Renderer(scene, track, width=width, height=height, style=style, **kw).render_rgb(index)  # type: ignore[arg-type]


def magenta_mask(image: RGBImage, strict: bool = True) -> npt.NDArray[np.bool_]:
    rgb = image.astype(np.int32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    if strict:
        return (r > 110) & (b > 110) & (g < 0.55 * np.minimum(r, b))
    return (r - g > 30) & (b - g > 30)


def centroid(mask: npt.NDArray[np.bool_]) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    assert xs.size > 0, "the body is not visible"
    return float(xs.mean()), float(ys.mean())


# --- styles ---


def image_stats(image: RGBImage) -> dict[str, float]:
    f = image.astype(np.float32) / 255.0
    top, bottom = f.max(axis=2), f.min(axis=2)
    saturation = np.where(top > 0, (top - bottom) / np.maximum(top, 1e-6), 0.0)
    lum = f @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    gradient = np.abs(np.diff(lum, axis=1))[:-1] + np.abs(np.diff(lum, axis=0))[:, :-1]
    band = max(1, image.shape[0] // 14)
    codes = (image // 8).astype(np.int32) @ np.array([1024, 32, 1])
    counts = np.sort(np.bincount(codes.ravel()))[::-1]
    laplacian = lum[1:-1, 1:-1] * 4 - lum[:-2, 1:-1] - lum[2:, 1:-1] - lum[1:-1, :-2] - lum[1:-1, 2:]
    return {
        "saturation": float(saturation.mean()),
        "luminance": float(lum.mean()),
        "contrast": float(lum.std()),
        "edges": float((gradient > 0.12).mean()),
        "letterbox": float((image[:band].max(axis=2) < 12).mean()),
        "flatness": float(counts[:12].sum() / codes.size),
        "texture": float(np.abs(laplacian).mean() / 4),
        "ink": float((image.max(axis=2) < 40).mean()),
    }


# A clear difference on one statistic: an absolute gap, or for the small, scale-free ones a ratio.
GAPS = {
    "saturation": 0.08,
    "luminance": 0.12,
    "contrast": 0.06,
    "letterbox": 0.5,
    "flatness": 0.12,
    "ink": 0.03,
}
RATIOS = {"edges": 1.5, "texture": 1.6}


def clearly_differ(a: dict[str, float], b: dict[str, float]) -> list[str]:
    found = [k for k, gap in GAPS.items() if abs(a[k] - b[k]) >= gap]
    found += [k for k, ratio in RATIOS.items() if max(a[k], b[k]) >= ratio * max(min(a[k], b[k]), 1e-4)]
    return found


def test_every_style_is_told_apart_by_simple_statistics() -> None:
    scene, track = world()
    stats = {style: image_stats(render(scene, track, style=style)) for style in STYLE_NAMES}
    for a, b in itertools.combinations(STYLE_NAMES, 2):
        assert clearly_differ(stats[a], stats[b]), f"{a} and {b} look alike: {stats[a]} vs {stats[b]}"


def test_styles_have_their_signature_looks() -> None:
    scene, track = world()
    stats = {style: image_stats(render(scene, track, style=style)) for style in STYLE_NAMES}
    assert stats["cinematic"]["letterbox"] == 1.0
    assert all(stats[s]["letterbox"] < 0.5 for s in STYLE_NAMES if s != "cinematic")
    assert stats["noir"]["saturation"] < 0.01 and stats["noir"]["contrast"] > stats["realistic"]["contrast"]
    assert stats["sketch"]["saturation"] < 0.08 and stats["sketch"]["luminance"] > 0.75
    assert stats["cartoon"]["saturation"] == max(s["saturation"] for s in stats.values())
    assert stats["cartoon"]["ink"] > stats["realistic"]["ink"] + 0.02  # thick black outlines
    assert stats["anime"]["edges"] > 2 * stats["realistic"]["edges"]  # bold lines and cel bands
    assert stats["claymation"]["texture"] > 1.6 * stats["realistic"]["texture"]


def test_an_unknown_style_is_refused_with_the_known_ones() -> None:
    scene, track = world()
    with pytest.raises(InvalidRequestError, match="known styles: realistic"):
        Renderer(scene, track, width=64, height=36, style="watercolour")


GOLDEN = {
    "realistic": "fc2c6a7dffd54655c3fe487e96f96bd6972600383d808675c83c2f47cbb323a0",
    "cinematic": "1d914616a384d6e9aa5c8b40d07bbd96cc9ba55b1354318880d43545d3613364",
    "anime": "633c8b2f382b08b49226168e4bab815148afa34fbeea0b642bf8110f32019ea0",
    "cartoon": "3933cb010bed1c88b1bbd7ab99c69a4ef471ea34484fefbec634789df780d28f",
    "sketch": "e2f71f44173fb8ab9b4d3def40b8e2a90e3c867867739bf5781197d87c10d24b",
    "claymation": "d94a30c27ef77265b7e81fd123ebe349cdc518b65c3dca5339df2915de933cbf",
    "noir": "6a41d2b6290068966fe6fb477c4a46b4ddaf4ce81d3ffa9144457e46c5ad7b8b",
}


def test_golden_frames_per_style() -> None:
    scene, track = world(frames=4, ball_vx=3.0)
    mouth = {"p1": f32([0.0, 0.4, 0.8, 0.2])}
    actual = {
        style: hashlib.sha256(
            render(scene, track, 2, 128, 72, style=style, mouth_open=mouth).tobytes()
        ).hexdigest()
        for style in STYLE_NAMES
    }
    table = "\n".join(f'    "{style}": "{digest}",' for style, digest in actual.items())
    assert actual == GOLDEN, f"rendering changed; if intended, paste into GOLDEN:\n{table}"


def test_frames_are_deterministic_and_independent_of_order() -> None:
    scene, track = world(frames=5, ball_vx=6.0, weather="rain")
    a = Renderer(scene, track, width=96, height=54, style="cinematic")
    b = Renderer(scene, track, width=96, height=54, style="cinematic")
    forward = [a.render_rgb(i) for i in range(5)]
    backward = [b.render_rgb(i) for i in reversed(range(5))][::-1]
    for x, y in zip(forward, backward, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(forward[1], forward[2])  # rain and grain move between frames


@pytest.mark.parametrize("style", ["cinematic", "claymation", "sketch"])
def test_iter_bgra_matches_render_rgb(style: str) -> None:
    scene, track = world(frames=4, ball_vx=8.0)
    renderer = Renderer(
        scene, track, width=96, height=54, style=style, mouth_open={"p1": f32([0, 1, 0.5, 0])}
    )
    yielded = list(renderer.iter_bgra())
    assert len(yielded) == 4
    first = yielded[0][0]
    for index, (bgra, pix_fmt) in enumerate(yielded):
        assert pix_fmt == "bgra" and bgra.shape == (54, 96, 4) and bgra.dtype == np.uint8
        np.testing.assert_array_equal(bgra[..., 2::-1], renderer.render_rgb(index))
    assert not np.shares_memory(first, yielded[1][0])  # each frame is its own array
    frames = renderer.frames()
    assert frames.shape == (4, 54, 96, 3)
    np.testing.assert_array_equal(frames[2], renderer.render_rgb(2))


# --- camera, parallax, placement ---


def test_moving_the_camera_right_moves_the_ball_left_by_the_projected_distance() -> None:
    delta_m, height = 0.8, 144
    scale = height / 4.0
    at_rest = render(*world(camera_x=0.5))
    moved = render(*world(camera_x=0.5 + delta_m))
    (x0, y0), (x1, y1) = centroid(magenta_mask(at_rest)), centroid(magenta_mask(moved))
    assert x0 - x1 == pytest.approx(delta_m * scale, abs=1.0)
    assert y1 == pytest.approx(y0, abs=0.5)


def test_a_body_appears_where_the_track_puts_it() -> None:
    scene, track = world()
    image = render(scene, track)
    view = Camera(track.camera, 256, 144).view(3)
    expected = view.to_screen(float(track.entities["b1"].x_m[3]), float(track.entities["b1"].y_m[3]))
    found = centroid(magenta_mask(image))
    assert found[0] == pytest.approx(expected[0], abs=1.5)
    assert found[1] == pytest.approx(expected[1], abs=1.5)


def _best_shift(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32], max_shift: int) -> int:
    """The leftward shift s (pixels) for which b[x] best matches a[x + s]."""
    errors = [
        float(np.abs(a[s : len(a) - max_shift + s] - b[: len(b) - max_shift]).mean())
        for s in range(max_shift)
    ]
    return int(np.argmin(errors))


def test_far_layers_move_less_than_the_near_ground() -> None:
    # A stadium: spectators in the far stands, no mid layer, mown stripes and a line on the near ground.
    width, height, delta_m = 512, 288, 0.6
    scale = height / 4.0
    kw = {"with_bodies": False, "setting": "stadium"}
    before = render(*world(**kw), 0, width, height).astype(np.float32).mean(axis=2)  # type: ignore[arg-type]
    after = render(*world(camera_x=0.5 + delta_m, **kw), 0, width, height).astype(np.float32).mean(axis=2)  # type: ignore[arg-type]
    ground_y = round(height / 2 + 1.3 * scale)
    horizon_y = round(height / 2 + 0.15 * 1.3 * scale)
    near_rows = range(ground_y + 4, height - 2, 3)
    far_rows = range(horizon_y - 30, horizon_y - 4, 2)
    max_shift = round(delta_m * scale * 1.6)
    near = [_best_shift(before[r], after[r], max_shift) for r in near_rows]
    far = [_best_shift(before[r], after[r], max_shift) for r in far_rows]
    near_shift, far_shift = float(np.median(near)), float(np.median(far))
    assert near_shift == pytest.approx(delta_m * scale, abs=1.5)
    assert far_shift == pytest.approx(K_FAR * delta_m * scale, abs=2.0)
    assert far_shift < near_shift / 2


# --- faces and accessories ---


def _head_box(view_height: float, height: int, width: int) -> tuple[slice, slice]:
    """Pixel box over the lower front of the person's face (where the mouth is), for a camera on the head."""
    head_x, head_y = (float(v) for v in humanoid_points(PERSON_H, {})["head"])
    scale = height / view_height
    cx = width / 2 + (PERSON_X + head_x - PERSON_X) * scale
    cy = height / 2
    r = HUMANOID.head_radius * PERSON_H * scale
    del head_y
    return slice(round(cy + 0.15 * r), round(cy + 0.9 * r)), slice(round(cx - 0.1 * r), round(cx + r))


def test_the_mouth_opens_visibly_with_the_speech_track() -> None:
    head_x, head_y = (float(v) for v in humanoid_points(PERSON_H, {})["head"])
    view_height, width, height = 0.7, 192, 192
    scene, track = world(
        frames=3, camera_x=PERSON_X + head_x, camera_y=PELVIS_Y + head_y, view_height=view_height
    )
    mouth = {"p1": f32([0.0, 0.5, 1.0])}
    renderer = Renderer(scene, track, width=width, height=height, style="realistic", mouth_open=mouth)
    rows, cols = _head_box(view_height, height, width)
    dark = []
    for index in range(3):
        lum = renderer.render_rgb(index)[rows, cols].astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722])
        dark.append(int((lum < 70).sum()))
    assert dark[0] < dark[1] < dark[2], dark
    assert dark[2] > 3 * max(dark[0], 1)


def _gold(image: RGBImage) -> npt.NDArray[np.bool_]:
    rgb = image.astype(np.int32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r > 170) & (g > 120) & (g < 215) & (b < 110) & (r - b > 90)


def test_a_gold_chain_puts_gold_around_the_neck() -> None:
    neck_y = PELVIS_Y + HUMANOID.torso * PERSON_H
    kw = {"camera_x": PERSON_X, "camera_y": neck_y, "view_height": 1.0, "frames": 4}
    plain = render(*world(**kw), 3, 160, 160)  # type: ignore[arg-type]
    chained = render(*world(accessories=("gold chain",), **kw), 3, 160, 160)  # type: ignore[arg-type]
    near_neck = (slice(60, 120), slice(40, 120))
    assert _gold(chained[near_neck]).sum() > 40
    assert _gold(plain[near_neck]).sum() == 0


def test_an_unknown_accessory_becomes_a_badge_not_nothing() -> None:
    kw = {"camera_x": PERSON_X, "camera_y": 1.4, "view_height": 1.2, "frames": 4}
    plain = render(*world(**kw), 3, 160, 160)  # type: ignore[arg-type]
    badged = render(*world(accessories=("jetpack",), **kw), 3, 160, 160)  # type: ignore[arg-type]
    changed = np.abs(plain.astype(np.int32) - badged.astype(np.int32)).max(axis=2) > 40
    assert changed.sum() > 100


def test_a_character_face_image_is_pasted_on_the_head() -> None:
    head_x, head_y = (float(v) for v in humanoid_points(PERSON_H, {})["head"])
    face = np.zeros((32, 32, 3), dtype=np.uint8)
    face[...] = (20, 220, 40)  # a green face nothing else has
    character = CharacterRef("c1", "Ana", "ana", "person", Appearance(face_image=face))
    scene, track = world(
        character_id="c1", camera_x=PERSON_X + head_x, camera_y=PELVIS_Y + head_y, view_height=0.8
    )
    with_face = render(scene, track, 3, 128, 128, characters={"c1": character})
    without = render(scene, track, 3, 128, 128)

    def green(image: RGBImage) -> int:
        rgb = image.astype(np.int32)
        return int(((rgb[..., 1] > 150) & (rgb[..., 0] < 90) & (rgb[..., 2] < 110)).sum())

    radius_px = HUMANOID.head_radius * PERSON_H * 128 / 0.8
    assert green(with_face) > 0.6 * np.pi * radius_px**2
    assert green(without) < 20


# --- motion ---


def _extent(mask: npt.NDArray[np.bool_]) -> tuple[int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def _hidden_ball(track: WorldTrack) -> WorldTrack:
    ball = track.entities["b1"]
    hidden = EntityTrack(
        "b1", ball.x_m, ball.y_m, ball.angle_rad, ball.facing, visible=np.zeros(track.frame_count, bool)
    )
    return WorldTrack(track.fps, track.frame_count, {**track.entities, "b1": hidden}, track.camera)


def ball_footprint(scene: Scene, track: WorldTrack, *, motion_blur: bool = True) -> tuple[int, int]:
    """Width and height (pixels) of everything the ball changes above the ground, ghosts included (the
    ball flies a metre up, so its shadow on the ground is left out)."""
    with_ball = render(scene, track, motion_blur=motion_blur).astype(np.int32)
    without = render(scene, _hidden_ball(track), motion_blur=motion_blur).astype(np.int32)
    above_ground = round(144 / 2 + (1.3 - 0.3) * 144 / 4.0)  # the frame row 0.3 m above the ground
    return _extent(np.abs(with_ball - without).max(axis=2)[:above_ground] > 12)


def test_a_fast_ball_is_smeared_along_its_motion() -> None:
    scene, fast = world(ball_vx=14.0, ball_y=1.0)
    blur_w, blur_h = ball_footprint(scene, fast, motion_blur=True)
    sharp_w, sharp_h = ball_footprint(scene, fast, motion_blur=False)
    assert sharp_w == pytest.approx(sharp_h, abs=2)
    assert blur_w >= 1.6 * blur_h
    assert blur_h == pytest.approx(sharp_h, abs=2)


def test_a_slow_ball_is_not_blurred() -> None:
    scene, slow = world(ball_vx=0.5, ball_y=1.0)
    width, height = ball_footprint(scene, slow)
    assert width == pytest.approx(height, abs=2)


def test_cartoon_stretches_a_fast_ball_along_its_motion() -> None:
    scene, fast = world(ball_vx=14.0, ball_y=1.0, style="cartoon")
    width, height = ball_footprint(scene, fast, motion_blur=False)
    assert width > 1.2 * height


def test_no_motion_blur_reaches_across_a_cut() -> None:
    scene, cut = world(ball_vx=14.0, ball_y=1.0, cut_at=3)
    width, height = ball_footprint(scene, cut)
    assert width == pytest.approx(height, abs=2)


def test_a_ball_shows_its_spin() -> None:
    def spun(angle: float) -> RGBImage:
        scene, track = world(ball_angle=angle, camera_x=1.4, camera_y=0.15, view_height=0.5)
        ball = scene.entity("b1")
        striped = dataclasses.replace(
            ball, body=dataclasses.replace(ball.body, palette=(MAGENTA, (250, 250, 250)))
        )
        scene = dataclasses.replace(
            scene, entities=tuple(striped if e.id == "b1" else e for e in scene.entities)
        )
        return render(scene, track, 3, 96, 96)

    still, turned = spun(0.0), spun(0.8)
    inside = magenta_mask(still) | magenta_mask(turned)
    assert (np.abs(still.astype(int) - turned.astype(int)).max(axis=2)[inside] > 60).sum() > 30


def test_a_shadow_shrinks_as_the_ball_rises() -> None:
    def shadow_darkness(ball_y: float) -> float:
        kw = {"ball_y": ball_y, "camera_x": 1.4, "camera_y": 0.8, "view_height": 2.0}
        with_ball = render(*world(**kw), 3, 128, 128).astype(np.float32)  # type: ignore[arg-type]
        scene, track = world(**kw)  # type: ignore[arg-type]
        without = render(scene, _hidden_ball(track), 3, 128, 128).astype(np.float32)
        ground = round(64 + 0.8 * 64)
        band = slice(ground - 3, ground + 4)
        return float(np.clip(without[band] - with_ball[band], 0, None).sum())

    low, high = shadow_darkness(0.16), shadow_darkness(1.4)
    assert low > 2.0 * high > 0.0


def test_claymation_moves_on_twos() -> None:
    scene, track = world(frames=6, ball_vx=4.0, style="claymation")
    renderer = Renderer(scene, track, width=96, height=54, style="claymation")
    xs = [centroid(magenta_mask(renderer.render_rgb(i), strict=False))[0] for i in range(6)]
    assert xs[0] == pytest.approx(xs[1], abs=0.5) and xs[2] == pytest.approx(xs[3], abs=0.5)
    assert xs[2] > xs[1] + 1.0


# --- coverage: every body plan, setting and worn item is drawn ---


def lone_body(shape: str, kind_type: str, height_m: float, width_m: float) -> tuple[Scene, WorldTrack]:
    """One body filling a small frame (and the same scene without it)."""
    body = Body(shape, height_m, width_m, 10.0, ((200, 60, 50), (240, 220, 90), (40, 90, 200)))  # type: ignore[arg-type]
    entity = Entity("e1", kind_type, "object", kind_type, body)
    scene = Scene(prompt=kind_type, duration_s=2 / FPS, seed=1, setting="studio", entities=(entity,))
    n = 2
    still = np.zeros(n, dtype=np.float32)
    tracks = {"e1": EntityTrack("e1", f32(still), f32(still + height_m / 2), f32(still), np.ones(n, np.int8))}
    view = max(height_m, width_m * 36 / 64) * 1.3
    camera = CameraTrack(f32(still), f32(still + height_m / 2), f32(still + view), np.zeros(n, np.int16))
    return scene, WorldTrack(FPS, n, tracks, camera)


SHAPE_SIZES = {
    "humanoid": (1.75, 0.45), "quadruped": (0.6, 0.9), "serpent": (0.3, 2.0), "car": (1.5, 4.5),
    "boat": (1.5, 5.0), "plane": (4.0, 30.0), "hoop": (3.05, 1.8), "beam": (1.25, 5.0), "ramp": (1.2, 3.0),
    "tree": (6.0, 3.0), "building": (12.0, 10.0), "water": (2.0, 6.0),
}  # fmt: skip


@pytest.mark.parametrize("shape", sorted(get_args(Shape)))
def test_every_body_plan_is_drawn(shape: str) -> None:
    height_m, width_m = SHAPE_SIZES.get(shape, (0.5, 0.6))
    scene, track = lone_body(shape, shape, height_m, width_m)
    drawn = render(scene, track, 1, 64, 36, style="cartoon")
    empty = render(dataclasses.replace(scene, entities=()), track, 1, 64, 36, style="cartoon")
    changed = np.abs(drawn.astype(np.int32) - empty.astype(np.int32)).max(axis=2) > 30
    assert changed.mean() > 0.02, f"{shape} left the frame almost untouched"


@pytest.mark.parametrize("setting", sorted(PLACES))
def test_every_setting_has_a_backdrop(setting: str) -> None:
    image = render(*world(frames=2, setting=setting, with_bodies=False), 1, 64, 36)
    assert image.reshape(-1, 3).std(axis=0).max() > 4.0  # not a flat fill: a sky, layers and a ground


def test_every_worn_item_of_the_vocabulary_has_a_drawing() -> None:
    worn = [thing.word for thing in OBJECTS.values() if thing.worn]
    worn += [item for items in ROLE_ACCESSORIES.values() for item in items]
    assert worn and all(resolve(item) == item for item in worn), [w for w in worn if resolve(w) != w]
    assert resolve("a big shiny gold chain") == "gold chain"
    assert resolve("jetpack") is None


# --- first frame, captions ---


def test_a_first_frame_image_is_frame_zero_and_the_backdrop() -> None:
    scene, track = world(frames=8)
    image = np.zeros((54, 96, 3), dtype=np.uint8)
    image[:, :, 2] = 200
    image[:27, :, 0] = 120
    renderer = Renderer(scene, track, width=96, height=54, style="realistic", first_frame=image)
    np.testing.assert_array_equal(renderer.render_rgb(0), image)
    later = renderer.render_rgb(7)
    assert np.abs(later[0:4, 0:4].astype(int) - image[0:4, 0:4]).max() <= 2  # the sky corner is the image
    assert magenta_mask(later).sum() > 0  # and the bodies are drawn over it


def test_captions_show_only_during_their_time() -> None:
    scene, track = world(frames=24)
    renderer = Renderer(
        scene, track, width=192, height=108, style="realistic", captions=[(0.25, 0.5, "Hello there")]
    )
    plain = Renderer(scene, track, width=192, height=108, style="realistic")
    bottom = slice(70, 108)
    during = np.abs(renderer.render_rgb(8)[bottom].astype(int) - plain.render_rgb(8)[bottom]).max(axis=2) > 60
    after = (
        np.abs(renderer.render_rgb(20)[bottom].astype(int) - plain.render_rgb(20)[bottom]).max(axis=2) > 60
    )
    assert during.sum() > 50
    assert after.sum() == 0


def test_night_is_dark_with_lit_windows() -> None:
    day = render(*world(frames=2, setting="city street", with_bodies=False), 1, 128, 72)
    night = render(
        *world(frames=2, setting="city street", with_bodies=False, time_of_day="night"), 1, 128, 72
    )
    lum = np.array([0.2126, 0.7152, 0.0722])
    assert float((night @ lum).mean()) < 0.6 * float((day @ lum).mean())
    rgb = night.astype(np.int32)
    warm_lights = (rgb[..., 0] > 200) & (rgb[..., 1] > 150) & (rgb[..., 2] < 160)
    assert warm_lights.sum() > 20


def test_a_body_in_the_water_takes_its_tint() -> None:
    sea = Entity(
        "w1",
        "sea",
        "fixture",
        "water",
        Body("water", 3.0, 4.0, 1.0, ((40, 110, 160),), static=True),
        x_m=2.4,  # a 4 m × 3 m region centred here: surface 1.5 m up, the ball well inside
        y_m=0.0,
    )
    dry = render(*world(camera_x=1.4, camera_y=0.3, view_height=1.0), 3, 96, 96)
    wet = render(*world(camera_x=1.4, camera_y=0.3, view_height=1.0, extra=(sea,)), 3, 96, 96)
    mask = magenta_mask(dry, strict=True)
    assert mask.sum() > 50
    blue_shift = wet[mask][:, 2].astype(int) - wet[mask][:, 0].astype(int)
    dry_shift = dry[mask][:, 2].astype(int) - dry[mask][:, 0].astype(int)
    assert blue_shift.mean() > dry_shift.mean() + 20


@pytest.mark.parametrize("weather", ["rain", "snow", "fog", "storm", "wind"])
def test_weather_changes_the_picture(weather: str) -> None:
    clear = render(*world(frames=4), 3, 128, 72)
    wet = render(*world(frames=4, weather=weather), 3, 128, 72)
    assert np.abs(clear.astype(int) - wet.astype(int)).max(axis=2).mean() > 2.0
