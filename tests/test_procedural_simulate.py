"""The simulate stage: physics measured from its output (gravity, restitution, flips, rims, contacts,
camera)."""

from __future__ import annotations

import itertools
import logging
import math
import time

import numpy as np
import pytest

from mutoscope.backends.procedural.physics import fixtures
from mutoscope.backends.procedural.physics.timeline import ALIASES, VERBS
from mutoscope.backends.procedural.scene import Action, Body, CameraShot, Entity, Scene
from mutoscope.backends.procedural.simulate import final_states, simulate
from mutoscope.backends.procedural.track import WorldTrack
from mutoscope.errors import InvalidRequestError

FPS = 24
G = 9.81


# --- scene fixtures -----------------------------------------------------------------------------------------
# Entity positions are body centres: something resting on the ground has y_m = half its height.
def person(entity_id: str, x: float, *, base: float = 0.0, facing: int = 1, height: float = 1.75) -> Entity:
    body = Body("humanoid", height, 0.4, 70.0)
    return Entity(entity_id, entity_id, "person", "person", body, x, base + height / 2, facing)


def ball(entity_id: str, x: float, base: float = 0.0, *, restitution: float = 0.8) -> Entity:
    body = Body("ball", 0.24, 0.24, 0.6, restitution=restitution, friction=0.6)
    return Entity(entity_id, entity_id, "object", "basketball", body, x, base + 0.12)


def hoop(x: float = 6.0, facing: int = -1) -> Entity:
    body = Body("hoop", 3.05, 1.8, 100.0, static=True, restitution=0.6)
    return Entity("hoop", "the hoop", "fixture", "hoop", body, x, 3.05 / 2, facing)


def scene(*entities: Entity, actions: tuple[Action, ...] = (), duration: float = 4.0, **kw: object) -> Scene:
    return Scene("test", duration, 7, entities=entities, actions=actions, **kw)  # type: ignore[arg-type]


def run(sc: Scene, seconds: float | None = None, **kw: object) -> WorldTrack:
    frames = round((seconds or sc.duration_s) * FPS)
    return simulate(sc, fps=FPS, frame_count=frames, aspect=16 / 9, **kw)  # type: ignore[arg-type]


def times(track: WorldTrack) -> np.ndarray:
    return np.arange(track.frame_count) / track.fps


def fit_gravity(t: np.ndarray, y: np.ndarray) -> float:
    return -2.0 * float(np.polyfit(t, y, 2)[0])


def airborne_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index ranges where mask is True."""
    runs, start = [], None
    for i, flag in enumerate(mask):
        if flag and start is None:
            start = i
        if not flag and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(mask)))
    return runs


# --- gravity and bounces ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dropped() -> WorldTrack:
    return run(scene(ball("ball", 0.0, 3.0, restitution=0.8), duration=6.0))


def test_a_dropped_ball_falls_at_g(dropped: WorldTrack) -> None:
    first = next(e for e in dropped.events if e.kind == "bounce")
    t = times(dropped)
    before = t < first.time_s
    g = fit_gravity(t[before], dropped.entities["ball"].y_m[before].astype(np.float64))
    assert g == pytest.approx(G, rel=0.02)


def test_bounce_apexes_shrink_by_restitution_squared(dropped: WorldTrack) -> None:
    bounces = [e.time_s for e in dropped.events if e.kind == "bounce"]
    assert len(bounces) >= 3
    y = dropped.entities["ball"].y_m.astype(np.float64) - 0.12  # height of the ball's bottom
    t = times(dropped)
    apexes = [y[(t > a) & (t < b)].max() for a, b in itertools.pairwise(bounces[:4])]
    # Frames sample an apex at most half a frame away: h - g·(1/48)²/2 ≈ h - 2 mm.
    for high, low in itertools.pairwise(apexes):
        assert low / high == pytest.approx(0.8**2, rel=0.10)
    assert apexes[0] / (3.0) == pytest.approx(0.8**2, rel=0.10)


def test_every_bounce_event_is_at_the_balls_lowest_point(dropped: WorldTrack) -> None:
    y = dropped.entities["ball"].y_m
    bounces = [e for e in dropped.events if e.kind == "bounce" and e.impulse_ns > 0.3]
    assert len(bounces) >= 4
    for event in bounces:
        lo, hi = max(event.frame - 3, 0), min(event.frame + 4, len(y))
        lowest = lo + int(np.argmin(y[lo:hi]))
        assert abs(lowest / FPS - event.time_s) <= 1.0 / FPS
        assert event.frame == math.floor(event.time_s * FPS)
        assert event.a == "ball" and event.b == "ground"


def test_the_first_bounce_is_timed_within_a_substep() -> None:
    track = run(scene(ball("ball", 0.0, 2.0), duration=1.0))
    first = next(e for e in track.events if e.kind == "bounce")
    assert first.time_s == pytest.approx(math.sqrt(2 * 2.0 / G), abs=1.0 / 240)
    assert first.impulse_ns == pytest.approx(0.6 * 1.8 * math.sqrt(2 * G * 2.0), rel=0.05)


def test_things_at_rest_stay_at_rest_and_fixtures_never_move() -> None:
    box = Entity("box", "box", "object", "box", Body("box", 0.5, 0.5, 10.0), 2.0, 0.25)
    track = run(scene(ball("ball", 0.0), box, hoop(), duration=3.0))
    for name in ("ball", "box", "hoop"):
        entity = track.entities[name]
        assert np.ptp(entity.x_m) < 1e-3 and np.ptp(entity.y_m) < 1e-3, name
    assert [e for e in track.events if e.impulse_ns > 0.1] == []


# --- throws, collisions -------------------------------------------------------------------------------------
def test_a_thrown_balls_horizontal_speed_is_constant_in_flight() -> None:
    sc = scene(person("p", 0.0), ball("ball", 0.4, 1.0), actions=(Action("p", "throw", 0.0, 3.0),))
    track = run(sc)
    released = [e for e in track.events if e.a == "ball" or e.b == "ball"]
    landing = min(e.time_s for e in released)
    t = times(track)
    x = track.entities["ball"].x_m.astype(np.float64)
    vx = np.diff(x) * FPS
    flight = (t[:-1] > 0.6) & (t[1:] < landing) & (track.entities["ball"].y_m[:-1] > 0.2)
    assert flight.sum() >= 8
    assert np.ptp(vx[flight]) < 1e-3
    assert abs(vx[flight].mean()) > 3.0
    g = fit_gravity(t[:-1][flight], track.entities["ball"].y_m[:-1][flight].astype(np.float64))
    assert g == pytest.approx(G, rel=0.02)


def test_balls_thrown_at_each_other_collide_and_separate() -> None:
    a, b = ball("a", 0.0, 0.6), ball("b", 6.0, 0.6)
    sc = scene(
        person("pa", -0.4), person("pb", 6.4, facing=-1), a, b,
        actions=(Action("pa", "throw", 0.0, 3.0, target="pb"), Action("pb", "throw", 0.0, 3.0, target="pa")),
    )  # fmt: skip
    track = run(sc, 3.0)
    ax, ay = track.entities["a"].x_m, track.entities["a"].y_m
    bx, by = track.entities["b"].x_m, track.entities["b"].y_m
    distance = np.hypot(ax - bx, ay - by)
    assert distance.min() >= 0.24 - 0.03
    hit = [e for e in track.events if {e.a, e.b} == {"a", "b"}]
    assert hit and hit[0].kind == "impact"
    after = int(hit[0].frame) + 6
    assert distance[after] > distance[hit[0].frame]  # they bounced apart


# --- flips --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def backflip() -> WorldTrack:
    return run(scene(person("p", 0.0), actions=(Action("p", "backflip", 0.5, 2.0),), duration=3.0))


def test_a_backflip_turns_once_on_a_ballistic_arc_and_lands_upright(backflip: WorldTrack) -> None:
    p = backflip.entities["p"]
    takeoff = next(i for i in range(1, len(p.y_m)) if p.y_m[i] > p.y_m[0] + 0.05) - 1
    land = next(e for e in backflip.events if e.kind == "land" and e.a == "p")
    landed = land.frame + 1
    turned = float(p.angle_rad[landed] - p.angle_rad[takeoff])
    assert turned == pytest.approx(2 * math.pi, rel=0.10)
    flight = np.arange(takeoff + 1, landed)
    g = fit_gravity(flight / FPS, p.y_m[flight].astype(np.float64))
    assert g == pytest.approx(G, rel=0.02)
    spin = np.diff(p.angle_rad[flight].astype(np.float64)) * FPS
    assert np.ptp(spin) < 1e-2 * abs(spin.mean())  # angular momentum conserved in the air
    end = float(p.angle_rad[-1])
    assert abs(end - round(end / (2 * math.pi)) * 2 * math.pi) < 0.02
    assert p.y_m[-1] == pytest.approx(0.875, abs=0.02)


def test_a_backflip_lands_with_a_land_event_and_a_backward_drift(backflip: WorldTrack) -> None:
    lands = [e for e in backflip.events if e.kind == "land"]
    assert len(lands) == 1 and lands[0].b == "ground"
    assert lands[0].impulse_ns > 70.0 * 2.0  # 70 kg landing at ~3.6 m/s
    assert backflip.entities["p"].x_m[-1] < -0.1  # a backflip drifts backward


def test_a_cartwheel_rotates_forward_once_and_travels() -> None:
    track = run(scene(person("p", 0.0), actions=(Action("p", "cartwheel", 0.2, 2.0),), duration=2.5))
    p = track.entities["p"]
    assert float(p.angle_rad[-1]) == pytest.approx(-2 * math.pi, abs=0.05)
    assert p.x_m[-1] > 0.8


def test_a_kickflip_rolls_the_board_a_full_turn_and_lands_it_under_the_skater() -> None:
    skater = person("s", 0.0, base=0.1)
    board = Entity(
        "k", "board", "object", "skateboard", Body("board", 0.1, 0.8, 2.5, restitution=0.1), 0.0, 0.05
    )
    sc = scene(skater, board, actions=(Action("s", "drive", 0.0, 1.0), Action("s", "kickflip", 1.0, 3.0)))
    track = run(sc, 3.0)
    s, k = track.entities["s"], track.entities["k"]
    assert k.pose["roll"][0] == 0.0
    assert k.pose["roll"][-1] == pytest.approx(2 * math.pi)
    assert k.y_m.max() > 0.25  # the board left the ground
    assert abs(float(s.x_m[-1] - k.x_m[-1])) < 0.15  # back on the board
    assert s.y_m[-1] > k.y_m[-1] + 0.8
    kinds = {(e.a, e.kind) for e in track.events}
    assert ("s", "land") in kinds


# --- basketball ---------------------------------------------------------------------------------------------
def shot(success: float) -> WorldTrack:
    sc = scene(
        person("p", 0.0), ball("ball", 0.35, 1.0), hoop(),
        actions=(Action("p", "shoot", 0.2, 5.0, target="hoop", params={"success": success}),), duration=5.0,
    )  # fmt: skip
    return run(sc)


def max_step_ok(x: np.ndarray, y: np.ndarray) -> bool:
    """No teleport: every frame's displacement is within what the neighbouring frames' speeds allow."""
    step = np.hypot(np.diff(x), np.diff(y))
    speed = step * FPS
    bound = np.maximum(np.maximum(speed[:-1], speed[1:]) * 1.6, 9.0) / FPS
    return bool(np.all(step[1:] <= bound) and step.max() < 25.0 / FPS)


def test_a_missed_shot_hits_the_rim_and_bounces_out() -> None:
    track = shot(0.0)
    ring = fixtures.hoop_geometry(hoop())
    rim_hits = [e for e in track.events if e.kind == "rim"]
    assert (
        rim_hits and rim_hits[0].a in ("hoop", "ball") and {rim_hits[0].a, rim_hits[0].b} == {"hoop", "ball"}
    )
    x, y = track.entities["ball"].x_m, track.entities["ball"].y_m
    inside = (x > ring.ring_left_m) & (x < ring.ring_right_m) & (y < ring.rim_y_m) & (y > ring.rim_y_m - 0.5)
    assert not inside.any()  # never went through the ring
    assert not any(e.kind == "net" for e in track.events)
    assert x[-1] > ring.ring_right_m + 0.1 or x[-1] < ring.ring_left_m - 0.1
    assert max_step_ok(x.astype(np.float64), y.astype(np.float64))


def test_a_made_shot_drops_through_the_ring() -> None:
    track = shot(1.0)
    ring = fixtures.hoop_geometry(hoop())
    x, y = track.entities["ball"].x_m, track.entities["ball"].y_m
    below = np.nonzero((y < ring.rim_y_m) & (np.arange(len(y)) > np.argmax(y)))[0][0]
    assert ring.ring_left_m + 0.05 < x[below] < ring.ring_right_m - 0.05
    assert not any(e.kind == "rim" for e in track.events)
    assert any(e.kind == "net" for e in track.events)
    assert max_step_ok(x.astype(np.float64), y.astype(np.float64))


def test_dribbling_bounces_in_a_steady_rhythm() -> None:
    sc = scene(person("p", 0.0), ball("ball", 0.4, 1.0), actions=(Action("p", "dribble", 0.0, 4.0),))
    track = run(sc)
    bounces = np.array([e.time_s for e in track.events if e.kind == "bounce"])
    assert len(bounces) >= 6
    gaps = np.diff(bounces)
    assert gaps.mean() == pytest.approx(0.55, abs=0.05)
    assert gaps.std() < 0.02
    ball_x = track.entities["ball"].x_m
    assert np.ptp(ball_x[FPS:]) < 0.2  # it stays at the dribbler's side


# --- people -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def walker() -> WorldTrack:
    return run(scene(person("p", 0.0), actions=(Action("p", "walk", 0.0, 5.0),), duration=5.0))


def test_a_walkers_footsteps_are_periodic(walker: WorldTrack) -> None:
    steps = np.array([e.time_s for e in walker.events if e.kind == "footstep"])
    steady = steps[steps > 1.0]
    assert len(steady) >= 6
    gaps = np.diff(steady)
    assert gaps.std() < 0.01 * gaps.mean() + 1e-3
    assert 1.6 < 1.0 / gaps.mean() < 2.2  # steps per second of a walking adult
    assert all(e.impulse_ns > 10.0 and e.b == "ground" for e in walker.events if e.kind == "footstep")


def test_a_walker_reaches_walking_speed_and_swings_legs(walker: WorldTrack) -> None:
    p = walker.entities["p"]
    speed = np.diff(p.x_m.astype(np.float64)) * FPS
    assert speed[2 * FPS :].mean() == pytest.approx(1.46, rel=0.05)
    assert np.ptp(p.pose["hip_l"][2 * FPS :]) > 0.5
    assert np.corrcoef(p.pose["hip_l"], p.pose["shoulder_l"])[0, 1] < -0.5  # arms swing against the legs
    assert p.y_m.max() <= 0.876 and p.y_m.min() > 0.8  # the pelvis bobs a few cm, feet on the ground


def test_running_is_faster_with_quicker_steps() -> None:
    track = run(scene(person("p", 0.0), actions=(Action("p", "run", 0.0, 4.0),)))
    speed = np.diff(track.entities["p"].x_m.astype(np.float64))[2 * FPS :].mean() * FPS
    assert speed > 3.5
    steps = np.diff([e.time_s for e in track.events if e.kind == "footstep" and e.time_s > 2.0])
    assert 1.0 / steps.mean() > 2.4


def test_people_do_not_walk_through_each_other() -> None:
    walks = (Action("a", "walk", 0.0, 5.0), Action("b", "walk", 0.0, 5.0))
    sc = scene(person("a", 0.0), person("b", 4.0, facing=-1), actions=walks, duration=5.0)
    track = run(sc)
    gap = track.entities["b"].x_m - track.entities["a"].x_m
    assert gap.min() > 0.35  # two 0.2 m capsule radii, less a little compression


# --- determinism, extend, camera ----------------------------------------------------------------------------
def busy_scene() -> Scene:
    dog = Entity("dog", "dog", "animal", "dog", Body("quadruped", 0.6, 0.9, 20.0), -5.0, 0.3)
    bird = Entity("bird", "bird", "animal", "bird", Body("bird", 0.2, 0.3, 0.3), 2.0, 4.0)
    return scene(
        person("p", 0.0), ball("ball", 0.35, 1.0), hoop(), person("q", -3.0), dog, bird, ball("b2", 3.0, 2.0),
        actions=(
            Action("p", "dribble", 0.0, 2.0), Action("p", "shoot", 2.0, 4.0, target="hoop"),
            Action("q", "backflip", 0.5, 2.0), Action("q", "walk", 2.0, 6.0), Action("dog", "run", 0.0, 3.0),
            Action("bird", "fly", 0.0, 6.0), Action("q", "talk", 3.0, 5.0),
        ),
        cameras=(CameraShot(0.0, 3.0, "medium", "tracking", "q"), CameraShot(3.0, 6.0, "wide", "static")),
        duration=6.0,
    )  # fmt: skip


def assert_same(a: WorldTrack, b: WorldTrack) -> None:
    for name, entity in a.entities.items():
        other = b.entities[name]
        for field in ("x_m", "y_m", "angle_rad", "facing"):
            assert np.array_equal(getattr(entity, field), getattr(other, field)), (name, field)
        assert entity.pose.keys() == other.pose.keys()
        for joint, values in entity.pose.items():
            assert np.array_equal(values, other.pose[joint]), (name, joint)
    assert a.events == b.events
    assert np.array_equal(a.camera.center_x_m, b.camera.center_x_m)


def test_the_same_scene_gives_identical_tracks() -> None:
    assert_same(run(busy_scene()), run(busy_scene()))


def test_simulating_twelve_seconds_of_ten_bodies_is_fast() -> None:
    sc = busy_scene()
    extra = tuple(ball(f"x{i}", 8.0 + i, 1.0 + i) for i in range(3))
    sc = Scene(sc.prompt, 12.0, sc.seed, entities=sc.entities + extra, actions=sc.actions, cameras=sc.cameras)
    started = time.perf_counter()
    run(sc, 12.0)
    assert time.perf_counter() - started < 1.0


def test_a_tracking_camera_keeps_its_subject_in_the_central_80_percent() -> None:
    sc = scene(
        person("p", 0.0), actions=(Action("p", "run", 0.0, 3.0), Action("p", "backflip", 3.0, 4.5),
                                   Action("p", "walk", 4.5, 6.0, params={"direction": -1.0})),
        cameras=(CameraShot(0.0, 6.0, "medium", "tracking", "p"),), duration=6.0,
    )  # fmt: skip
    track = run(sc)
    cam, p = track.camera, track.entities["p"]
    width = cam.view_height_m * 16 / 9
    u = (p.x_m - cam.center_x_m) / width + 0.5
    v = (p.y_m - cam.center_y_m) / cam.view_height_m + 0.5
    assert np.all((u > 0.1) & (u < 0.9)) and np.all((v > 0.1) & (v < 0.9))
    assert np.all(np.abs(np.diff(cam.center_x_m, 2)) < 0.05)  # smooth: no jitter
    assert np.allclose(cam.view_height_m, 3.5)


def test_cameras_cut_between_shots_and_default_to_a_wide_view() -> None:
    track = run(busy_scene())
    assert set(track.camera.shot.tolist()) == {0, 1}
    assert track.camera.view_height_m[-1] >= 7.0
    plain = run(scene(person("p", 0.0), person("q", 12.0)), 1.0)
    width = float(plain.camera.view_height_m[0]) * 16 / 9
    assert width > 12.0
    assert plain.camera.center_x_m[0] == pytest.approx(6.0, abs=0.5)


def test_an_extension_starts_where_its_parent_ended() -> None:
    parent_scene = scene(
        person("p", 0.0), ball("ball", 0.4, 1.0),
        actions=(Action("p", "walk", 0.0, 1.0), Action("p", "throw", 1.0, 3.0)), duration=2.0,
    )  # fmt: skip
    parent = run(parent_scene)
    assert parent.entities["ball"].y_m[-1] > 0.5  # mid-flight at the cut
    states = final_states(parent)
    child = run(scene(person("p", 0.0), ball("ball", 0.4, 1.0), duration=2.0), start=states)
    for name in ("p", "ball"):
        assert child.entities[name].x_m[0] == parent.entities[name].x_m[-1]
    assert child.entities["ball"].y_m[0] == parent.entities["ball"].y_m[-1]
    # The ball keeps flying the same parabola: the parent's arc continued matches the child's frames.
    t = np.arange(-2, 3) / FPS
    coeffs = np.polyfit(np.arange(-4, 1) / FPS, parent.entities["ball"].y_m[-5:].astype(np.float64), 2)
    predicted = np.polyval(coeffs, t[2:])
    assert np.allclose(child.entities["ball"].y_m[:3], predicted, atol=2e-3)


# --- vocabulary ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_runs_and_keeps_bodies_continuous(verb: str) -> None:
    board = Entity("board", "board", "object", "skateboard", Body("board", 0.1, 0.8, 2.5), 1.5, 0.05)
    water = Entity("pool", "pool", "fixture", "water", Body("water", 1.6, 8.0, 0.0, static=True), 10.0, 0.8)
    sc = scene(
        person("p", 0.0), ball("ball", 0.6), board, hoop(), water,
        actions=(Action("p", verb, 0.3, 3.0, target="hoop" if verb == "shoot" else None),), duration=3.5,
    )  # fmt: skip
    track = run(sc)
    p = track.entities["p"]
    assert max_step_ok(p.x_m.astype(np.float64), p.y_m.astype(np.float64))
    assert np.all(p.y_m > 0.0)
    assert set(p.pose) >= {"spine", "neck", "hip_l", "knee_r", "shoulder_l", "elbow_r"}
    assert all(np.all(np.isfinite(v)) for v in p.pose.values())


def test_swimming_floats_at_the_surface_with_splashes() -> None:
    water = Entity("pool", "pool", "fixture", "water", Body("water", 1.6, 30.0, 0.0, static=True), 0.0, 0.8)
    sc = scene(person("p", 0.0, base=2.5), water, actions=(Action("p", "swim", 1.5, 5.0),), duration=5.0)
    track = run(sc)
    p = track.entities["p"]
    assert any(e.kind == "splash" and e.time_s < 1.0 for e in track.events)  # jumped in from 2.5 m
    assert abs(float(p.y_m[-1]) - 1.6) < 0.3  # floating at the surface
    assert np.diff(p.x_m[-FPS:]).mean() * FPS > 0.6


def test_a_bird_flies_at_altitude_flapping() -> None:
    bird = Entity("bird", "bird", "animal", "bird", Body("bird", 0.2, 0.3, 0.3), 0.0, 0.1)
    track = run(scene(bird, actions=(Action("bird", "fly", 0.0, 4.0),)))
    b = track.entities["bird"]
    assert b.y_m[-1] > 3.0 and b.x_m[-1] > 5.0
    assert np.ptp(b.pose["wing"][-FPS:]) > 1.0


def test_a_kicked_ball_flies_off_with_an_impact() -> None:
    sc = scene(person("p", 0.0), ball("ball", 1.5), actions=(Action("p", "kick", 0.0, 3.0, target="ball"),))
    track = run(sc, 3.0)
    kicks = [e for e in track.events if e.kind == "impact" and e.a == "p" and e.b == "ball"]
    assert len(kicks) == 1 and kicks[0].impulse_ns > 3.0
    assert track.entities["ball"].x_m[-1] > 8.0


def test_a_fall_topples_the_person_onto_the_ground() -> None:
    track = run(scene(person("p", 0.0), actions=(Action("p", "fall", 0.5, 3.0),), duration=3.0))
    p = track.entities["p"]
    assert abs(abs(float(p.angle_rad[-1])) - math.pi / 2) < 0.2
    assert p.y_m[-1] < 0.35
    assert any(e.kind == "impact" and "p" in (e.a, e.b) and e.impulse_ns > 20 for e in track.events)


def test_unknown_verbs_idle_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        track = run(scene(person("p", 0.0), actions=(Action("p", "teleport", 0.0, 2.0),), duration=2.0))
    assert "teleport" in caplog.text
    assert np.ptp(track.entities["p"].x_m) < 1e-3


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(InvalidRequestError):
        simulate(scene(person("p", 0.0)), fps=0, frame_count=10, aspect=1.0)
    with pytest.raises(InvalidRequestError):
        simulate(scene(person("p", 0.0)), fps=24, frame_count=10, aspect=0.0)


# --- the planner's conventions and wider vocabulary -------------------------------------------------------
def pool(width: float = 12.0, depth: float = 2.0) -> Entity:
    """Water below ground level, as the planner lays out a pool: surface at y = 0."""
    body = Body("water", depth, width, 0.0, static=True)
    return Entity("pool", "pool", "fixture", "water", body, 0.0, -depth / 2)


def test_water_below_ground_lies_in_a_basin_a_swimmer_floats_in() -> None:
    swimmer = person("p", -3.0, base=-1.3)
    track = run(scene(swimmer, pool(), actions=(Action("p", "swim", 0.0, 4.0),)))
    p = track.entities["p"]
    assert np.all(p.y_m > -2.0)  # above the basin's floor
    assert abs(float(p.y_m[-1])) < 0.3  # floating at the surface
    assert np.diff(p.x_m[-FPS:]).mean() * FPS > 0.6
    assert not [e for e in track.events if e.kind == "impact"]  # nothing was thrown out of the ground


def test_a_failed_backflip_lands_on_the_back() -> None:
    flip = Action("p", "backflip", 0.3, 3.0, params={"success": 0.0})
    track = run(scene(person("p", 0.0), actions=(flip,), duration=3.0))
    p = track.entities["p"]
    assert abs(math.cos(float(p.angle_rad[-1]))) < 0.3
    assert p.y_m[-1] < 0.4
    assert any(e.kind == "land" for e in track.events)


def test_a_frontflip_turns_forward() -> None:
    track = run(scene(person("p", 0.0), actions=(Action("p", "frontflip", 0.3, 2.0),), duration=2.0))
    assert float(track.entities["p"].angle_rad[-1]) == pytest.approx(-2 * math.pi, abs=0.05)


def test_two_people_sit_side_by_side_on_a_bench() -> None:
    bench = Entity(
        "bench", "bench", "fixture", "bench", Body("box", 0.45, 1.6, 40.0, static=True), 0.0, 0.225
    )
    a, b = person("a", 0.0, base=0.45), person("b", 0.0, base=0.45)
    sits = (Action("a", "sit", 0.0, 3.0, target="bench"), Action("b", "sit", 0.0, 3.0, target="bench"))
    track = run(scene(a, b, bench, actions=(*sits, Action("a", "talk", 0.5, 2.0)), duration=3.0))
    ya, yb = track.entities["a"].y_m, track.entities["b"].y_m
    assert ya[-1] == pytest.approx(0.45 + 0.03 * 1.75, abs=0.01) and yb[-1] == pytest.approx(ya[-1], abs=1e-3)
    assert abs(float(track.entities["a"].x_m[-1] - track.entities["b"].x_m[-1])) > 0.4
    assert np.all(np.diff(ya) <= 1e-4)  # lowered smoothly, no bump when the talking starts
    assert track.events == ()
    assert track.entities["a"].pose["knee_l"][-1] == pytest.approx(1.55, abs=0.05)


def test_a_ball_kicked_into_a_goal_is_caught_by_the_net() -> None:
    goal = Entity(
        "goal", "goal", "fixture", "goal", Body("hoop", 2.44, 7.32, 120.0, static=True), 8.0, 1.22, -1
    )
    sc = scene(
        person("p", 0.0), ball("ball", 1.0), goal, actions=(Action("p", "kick", 0.0, 3.0, target="ball"),)
    )
    track = run(sc)
    nets = [e for e in track.events if e.kind == "net"]
    assert len(nets) == 1 and nets[0].a == "ball" and nets[0].b == "goal"
    assert 4.3 < track.entities["ball"].x_m[-1] < 11.7  # stopped by the net


def test_the_planners_verbs_are_performed() -> None:
    skater, board = (
        person("s", 0.0, base=0.1),
        Entity("k", "board", "object", "skateboard", Body("board", 0.1, 0.8, 2.5), 0.0, 0.05),
    )
    dog = Entity("dog", "dog", "animal", "dog", Body("quadruped", 0.6, 0.9, 20.0), -4.0, 0.3)
    sc = scene(
        skater, board, dog,
        actions=(Action("s", "skate", 0.0, 4.0, target="k", params={"speed_m_s": 3.0}),
                 Action("dog", "chase", 0.0, 4.0, target="s", params={"speed_m_s": 5.0})),
    )  # fmt: skip
    track = run(sc)
    s, k, d = (track.entities[n] for n in ("s", "k", "dog"))
    assert np.diff(k.x_m[-FPS:]).mean() * FPS == pytest.approx(3.0, rel=0.05)
    assert abs(float(s.x_m[-1] - k.x_m[-1])) < 0.05  # riding it
    assert d.x_m[-1] > 6.0  # the dog chased after the skater


def test_random_scenes_never_break_the_simulation() -> None:
    rng = np.random.default_rng(5)
    verbs = sorted(VERBS | set(ALIASES))
    for trial in range(12):
        people = [person(f"p{i}", float(rng.uniform(-4, 4))) for i in range(2)]
        things = [ball("ball", 0.5, 0.9), hoop(), pool(6.0), busy_scene().entities[5]]
        ids = [e.id for e in (*people, *things)]
        actions = []
        for who in ("p0", "p1", "ball", "bird"):
            t = 0.0
            while t < 2.0:
                length = float(rng.uniform(0.05, 1.0))
                target = str(rng.choice(ids)) if rng.random() < 0.5 else None
                actions.append(Action(who, str(rng.choice(verbs)), t, t + length, target=target))
                t += length
        track = simulate(scene(*people, *things, actions=tuple(actions), duration=2.0), fps=12,
                         frame_count=24 + trial % 3, aspect=1.0)  # fmt: skip
        for entity in track.entities.values():
            assert np.all(np.isfinite(entity.x_m)) and np.all(np.isfinite(entity.y_m))
            assert all(np.all(np.isfinite(v)) for v in entity.pose.values())
            assert np.all(entity.y_m > -3.0)
    single = simulate(scene(person("p", 0.0), actions=(Action("p", "backflip", 0.0, 1.0),)), fps=24,
                      frame_count=1, aspect=1.0)  # fmt: skip
    assert single.entities["p"].x_m.shape == (1,)


def test_riders_sit_on_bikes_and_hide_in_cars_that_they_drive() -> None:
    bike = Entity("bike", "bicycle", "vehicle", "bicycle", Body("car", 1.0, 1.75, 12.0), 0.0, 0.5)
    car = Entity("car", "car", "vehicle", "car", Body("car", 1.45, 4.5, 1400.0), 10.0, 0.725)
    cyclist, driver = person("c", 0.0, base=1.0), person("d", 10.0)
    sc = scene(
        bike, car, cyclist, driver,
        actions=(Action("c", "ride", 0.0, 4.0, target="bike", params={"speed_m_s": 4.0}),
                 Action("d", "drive", 0.0, 4.0, target="car", params={"speed_m_s": 8.0})),
    )  # fmt: skip
    track = run(sc)
    c, d = track.entities["c"], track.entities["d"]
    assert c.visible is None and c.y_m[-1] == pytest.approx(1.0 + 0.04 * 1.75, abs=0.02)
    assert np.ptp(c.pose["hip_l"][-FPS:]) > 0.3  # pedalling
    assert np.diff(track.entities["bike"].x_m[-FPS:]).mean() * FPS == pytest.approx(4.0, rel=0.05)
    assert d.visible is not None and not d.visible[-1]
    assert np.diff(track.entities["car"].x_m[-FPS:]).mean() * FPS == pytest.approx(8.0, rel=0.05)
    assert abs(float(d.x_m[-1] - track.entities["car"].x_m[-1])) < 0.05
