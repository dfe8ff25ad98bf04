"""The gallery's showcase prompts look right: staging, physics and camera, measured from rendered frames.

Each test plans one of `mutoscope gallery`'s prompts (or a close variant), simulates it and renders a few
low-resolution frames. What a body contributes to a frame is measured by rendering the frame twice, with and
without that entity (same track, same camera), and comparing the pixels: the difference is exactly the body
(and its shadow), wherever the camera put it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt
import pytest

from mutoscope.backends.procedural.plan import plan_scene, remix_scene
from mutoscope.backends.procedural.render import Renderer
from mutoscope.backends.procedural.render.backdrop import Backdrop
from mutoscope.backends.procedural.render.camera import Camera, View
from mutoscope.backends.procedural.render.finish import letterbox_px
from mutoscope.backends.procedural.render.styles import style_named
from mutoscope.backends.procedural.scene import Scene
from mutoscope.backends.procedural.simulate import simulate
from mutoscope.backends.procedural.sound import render_foley
from mutoscope.backends.procedural.track import WorldTrack

FPS = 24
W, H = 320, 180
Mask = npt.NDArray[np.bool_]


def planned(prompt: str, seconds: float = 4.0, style: str | None = None) -> tuple[Scene, WorldTrack]:
    scene = plan_scene(
        prompt, duration_s=seconds, seed=7, style=style, shots=[], characters=(), negative_prompt=""
    )
    return scene, simulate(scene, fps=FPS, frame_count=round(seconds * FPS), aspect=W / H)


def of_type(scene: Scene, word: str) -> str:
    (entity,) = [e.id for e in scene.entities if e.type == word]
    return entity


def mask_of(scene: Scene, track: WorldTrack, entity_id: str, frame: int) -> Mask:
    """The pixels `entity_id` changes in `frame` (the frame rendered with and without it)."""
    without = dataclasses.replace(scene, entities=tuple(e for e in scene.entities if e.id != entity_id))
    full = Renderer(scene, track, width=W, height=H, style=scene.style).render_rgb(frame)
    rest = Renderer(without, track, width=W, height=H, style=scene.style).render_rgb(frame)
    return np.abs(full.astype(np.int16) - rest.astype(np.int16)).max(axis=2) > 12


def centroid(mask: Mask) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    assert xs.size > 0, "the body is not in the frame"
    return float(xs.mean()), float(ys.mean())


def view_at(scene: Scene, track: WorldTrack, frame: int) -> View:
    bar = letterbox_px(style_named(scene.style), W, H)
    return Camera(track.camera, W, H, H - 2 * bar).view(frame)


# --- 1. a gymnast flips on a visible beam ---------------------------------------------------------------------


def test_the_gymnast_stands_and_flips_on_a_visible_beam() -> None:
    scene, track = planned("a gymnast does a backflip on a balance beam")
    gymnast, beam = of_type(scene, "gymnast"), of_type(scene, "balance beam")
    g = track.entities[gymnast]
    view = view_at(scene, track, 0)
    feet_x, feet_y = view.to_screen(float(g.x_m[0]), float(g.y_m[0]) - 0.8)
    beam_mask = mask_of(scene, track, beam, 0)
    under = beam_mask[round(feet_y) : round(feet_y) + 4, round(feet_x) - 3 : round(feet_x) + 4]
    assert under.mean() > 0.5, "no beam drawn under the gymnast's feet"
    assert beam_mask[:, : W // 3].any() and beam_mask[:, 2 * W // 3 :].any(), "the beam spans the frame"
    turned = float(np.ptp(np.unwrap(g.angle_rad.astype(np.float64))))
    assert turned > 5.5, "the backflip turns the gymnast over"
    assert any(e.kind == "land" and e.a == gymnast and e.b == beam for e in track.events), "lands on the beam"


# --- 2. a missed shot is framed so it reads -------------------------------------------------------------------


def test_a_missed_shot_frames_player_ball_and_the_whole_hoop() -> None:
    scene, track = planned("a basketball player shoots and misses, the ball rebounds off the rim")
    player, ball = of_type(scene, "basketball player"), of_type(scene, "basketball")
    assert [e.type for e in scene.entities if e.body.shape == "ball"] == ["basketball"]
    bar = letterbox_px(style_named(scene.style), W, H)
    picture = H - 2 * bar
    view = view_at(scene, track, 0)
    assert 1.98 * view.scale > 0.35 * picture, "the player stands at least a third of the picture tall"
    ball_px = [np.count_nonzero(mask_of(scene, track, ball, f)) for f in (0, 30)]
    assert min(ball_px) > 12, "the ball is a readable blob, held and in flight"
    hoop = next(e for e in scene.entities if e.type == "hoop")
    board_top = view.to_screen(hoop.x_m, hoop.y_m + hoop.body.height_m / 2 + 0.92)[1]
    assert board_top > bar, "the backboard's top is inside the picture, not under the letterbox"
    assert any(e.kind == "rim" and ball in (e.a, e.b) for e in track.events), "the ball hits the rim"
    assert any(e.kind == "bounce" and e.a == ball for e in track.events), "and rebounds to the floor"
    assert track.entities[player].x_m.min() > view.left_m


# --- 3. people who talk on a bench sit on it ------------------------------------------------------------------


def test_people_who_talk_on_a_bench_sit_on_it_side_by_side() -> None:
    scene, track = planned(
        'Maria and John talk on a park bench. Maria, in Spanish: "Hola, ¿qué tal el día?" '
        'John, in English: "Good, thanks!"'
    )
    bench = next(e for e in scene.entities if e.type == "bench")
    sitters = sorted(a.entity for a in scene.actions if a.verb == "sit" and a.target == bench.id)
    assert sitters == ["john", "maria"]
    seat_top = bench.y_m + bench.body.height_m / 2
    last = track.frame_count - 1
    xs = []
    for person in sitters:
        t = track.entities[person]
        assert float(t.y_m[last]) < seat_top + 0.3, f"{person} sits (root down at the seat)"
        assert abs(float(t.x_m[last]) - bench.x_m) < bench.body.width_m / 2, f"{person} is on the bench"
        xs.append(float(t.x_m[last]))
    assert abs(xs[0] - xs[1]) > 0.5, "side by side, not on each other's lap"
    facing = {p: int(track.entities[p].facing[last]) for p in sitters}
    left, right = sorted(sitters, key=lambda p: float(track.entities[p].x_m[last]))
    assert facing[left] == 1 and facing[right] == -1, "turned to each other"
    assert mask_of(scene, track, bench.id, last).any(), "the bench is in the frame"


# --- 4. the dragon flies high over the land -------------------------------------------------------------------


def test_the_dragon_flies_high_with_the_land_below_it() -> None:
    scene, track = planned("a dragon flies over snowy mountains", style="anime")
    dragon = of_type(scene, "dragon")
    assert float(track.entities[dragon].y_m.min()) > 10.0
    frame = 48
    view = view_at(scene, track, frame)
    renderer = Renderer(scene, track, width=W, height=H, style=scene.style)
    assert isinstance(renderer.backdrop, Backdrop)
    horizon = renderer.backdrop.positions(view).horizon_y
    assert horizon > H, "the camera is up in the sky: the horizon sinks below the frame"
    _, y = centroid(mask_of(scene, track, dragon, frame))
    assert y < 0.6 * H, "the dragon is in the upper part of the frame, the mountain tops beneath"


# --- 5. cars passing drive across, wheels turning -------------------------------------------------------------


def test_cars_passing_drive_with_turning_wheels_and_one_overtakes() -> None:
    scene, track = planned("a rainy city street at night with cars passing")
    cars = [e.id for e in scene.entities if e.type == "car"]
    assert len(cars) == 2
    assert all(any(a.entity == car and a.verb == "drive" for a in scene.actions) for car in cars)
    for car in cars:
        t = track.entities[car]
        assert float(t.x_m[-1] - t.x_m[0]) > 20.0, f"{car} drives"
        assert float(np.ptp(t.pose["wheel"])) > 20.0, f"{car}'s wheels turn"
    near, far = cars
    gap = track.entities[far].x_m - track.entities[near].x_m
    assert gap[0] < -4.0 and gap[-1] > 4.0, "the far-lane car overtakes the near one (they never crash)"
    first = centroid(mask_of(scene, track, far, 24))[0]
    later = centroid(mask_of(scene, track, far, 60))[0]
    assert later - first > 0.2 * W, "the overtaking car crosses the frame"


# --- 6. an ad shows its product big -------------------------------------------------------------------------


def test_an_ad_remix_ends_on_the_product_filling_the_frame_centre() -> None:
    parent = plan_scene(
        "a rainy city street at night with cars passing",
        duration_s=4.0, seed=7, style=None, shots=[], characters=(), negative_prompt="",
    )  # fmt: skip
    scene = remix_scene(parent, "turn it into an ad for a top hat", seed=7)
    track = simulate(scene, fps=FPS, frame_count=96, aspect=W / H)
    product = next(e.id for e in scene.entities if e.name.endswith("(product)"))
    mask = mask_of(scene, track, product, 95)
    x, y = centroid(mask)
    assert mask.mean() > 0.02, "the product covers a good part of the frame"
    assert abs(x - W / 2) < 0.15 * W and abs(y - H / 2) < 0.3 * H, "and sits near the centre"
    assert len(set(track.camera.shot.tolist())) == 2, "the ad cuts to the product"
    sign = next(e for e in scene.entities if e.type == "sign")
    cut = int(np.argmax(track.camera.shot != track.camera.shot[0]))
    assert mask_of(scene, track, sign.id, cut).mean() > 0.02, "the product shot opens on its sign"


# --- 7. a cat knocks a cup off a table ------------------------------------------------------------------------


def test_the_cat_pushes_the_cup_off_the_table_and_it_falls_with_a_sound() -> None:
    scene, track = planned("a cat knocks a cup off a table")
    cat, cup, table = of_type(scene, "cat"), of_type(scene, "cup"), of_type(scene, "table")
    top = next(e for e in scene.entities if e.id == table).body.height_m
    assert abs(float(track.entities[cat].y_m[0]) - 0.15 - top) < 0.05, "the cat stands on the table"
    assert float(track.entities[cat].y_m.min()) > top, "and stays up there"
    start = centroid(mask_of(scene, track, cup, 0))
    end = centroid(mask_of(scene, track, cup, track.frame_count - 1))
    assert end[1] - start[1] > 0.15 * H, "the cup falls to the floor, in the frame"
    assert start[0] > 0 and end[0] < W
    pushes = [e for e in track.events if {e.a, e.b} == {cat, cup}]
    impacts = [e for e in track.events if e.kind == "impact" and {e.a, e.b} == {cup, "ground"}]
    assert pushes and impacts and impacts[0].time_s > pushes[0].time_s
    audio = render_foley(track, scene, sample_count=4 * 48000, rng=np.random.default_rng(0))
    mono = np.abs(audio).max(axis=0)
    hit = round(impacts[0].time_s * 48000)
    before = mono[hit - 12000 : hit - 960].max()  # the quarter second before it (the cat's steps)
    assert mono[hit : hit + 2400].max() > 2.5 * before, "the cup's crash stands out"


# --- camera and staging rules behind the fixes ----------------------------------------------------------------


def test_a_dog_on_a_beach_runs_along_it_not_into_the_sea() -> None:
    scene, track = planned("a dog runs on a beach at sunset")
    dog = of_type(scene, "dog")
    water = next(e for e in scene.entities if e.type == "water")
    shore = water.x_m - water.body.width_m / 2
    assert float(track.entities[dog].x_m.max()) < shore
    assert float(track.entities[dog].y_m.min()) > 0.15, "never under the water"


def test_a_kite_flies_on_its_line_and_climbs_when_it_flies_high() -> None:
    scene = plan_scene(
        "a girl and her kite on a windy hill", duration_s=4.0, seed=7, style=None,
        shots=[("a girl runs across a windy hill with a red kite", 2.0), ("the kite flies high over the hill", 2.0)],
        characters=(), negative_prompt="",
    )  # fmt: skip
    track = simulate(scene, fps=FPS, frame_count=96, aspect=W / H)
    girl, kite = of_type(scene, "girl"), of_type(scene, "kite")
    k, g = track.entities[kite], track.entities[girl]
    assert float(k.y_m.min()) > 3.0, "aloft the whole time"
    assert float(g.x_m[47] - g.x_m[0]) > 2.0, "the girl runs"
    assert float(k.x_m[47] - k.x_m[0]) > 1.0, "and the kite follows her"
    assert float(k.y_m[-1] - k.y_m[48]) > 0.5, "it climbs when it flies high"
    assert np.all(np.hypot(k.pose["line_dx"][1:], k.pose["line_dy"][1:]) > 2.0), "on a line to her hand"


@pytest.mark.parametrize("size", [(W, H), (H, W)])
def test_a_letterboxed_style_frames_the_view_between_its_bars(size: tuple[int, int]) -> None:
    _, track = planned("a gymnast does a backflip on a balance beam")
    width, height = size
    bar = letterbox_px(style_named("cinematic"), width, height)
    assert bar > 0
    view = Camera(track.camera, width, height, height - 2 * bar).view(0)
    assert view.top_m - view.bottom_m == pytest.approx(
        float(track.camera.view_height_m[0]) * height / (height - 2 * bar)
    )
