"""The camera path: per frame, the world point at the frame centre and how much world the frame height shows.

Each `CameraShot` is a cut. Its framing sets the view height (wide fits every entity that matters, at least 7
m; medium ~3.5 m and close-up ~1.2 m around the subject, scaled by the subject's size; aerial is a wide shot
pulled back and up) and its move sets the path: static (fixed on the subject's whole course), pan (an eased
sweep from where the subject starts to where it ends), tracking (a critically damped spring with velocity
feed-forward, so it follows without lag or jitter, and a hard limit that keeps the subject inside the central
60%), dolly in/out (the view height eases between twice the framing and the framing) and crane (rising). The
ground sits about a fifth of the way up a frame unless the action is higher.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mutoscope.backends.procedural.scene import CameraShot, Scene
from mutoscope.backends.procedural.track import CameraTrack

F64 = npt.NDArray[np.float64]
MIN_WIDE_M = 7.0
MEDIUM_M = 3.5
CLOSE_UP_M = 1.2
TRACK_STIFFNESS = 4.0  # rad/s
KEEP_INSIDE = 0.3  # the tracked subject stays within ±30% of the frame from the centre
STATIC_INSIDE = 0.38  # a static shot frames the subject's whole course within ±38%
GROUND_AT = 0.2  # fraction of the frame height below the ground line


@dataclass(frozen=True, slots=True, eq=False)
class Subject:
    """An entity as the camera sees it: root path, size, and whether a wide shot must include it."""

    id: str
    x: F64
    y: F64
    height_m: float
    width_m: float
    humanoid: bool
    relevant: bool


def camera_path(
    scene: Scene, subjects: list[Subject], fps: int, frame_count: int, aspect: float
) -> CameraTrack:
    """The camera for every frame, shot by shot."""
    t = np.arange(frame_count) / fps
    shots = scene.cameras or (CameraShot(0.0, max(scene.duration_s, frame_count / fps), "wide", "static"),)
    index = _shot_index(shots, t)
    cx, cy, vh = np.zeros(frame_count), np.zeros(frame_count), np.zeros(frame_count)
    by_id = {s.id: s for s in subjects}
    for k, shot in enumerate(shots):
        frames = np.nonzero(index == k)[0]
        if frames.size == 0:
            continue
        subject = by_id.get(shot.subject or "") or _lead(scene, subjects)
        x, y, h = _frame_shot(shot, subject, subjects, frames, fps=fps, aspect=aspect)
        cx[frames], cy[frames], vh[frames] = x, y, h
    return CameraTrack(
        center_x_m=cx.astype(np.float32),
        center_y_m=cy.astype(np.float32),
        view_height_m=vh.astype(np.float32),
        shot=index.astype(np.int16),
    )


def _shot_index(shots: tuple[CameraShot, ...], t: F64) -> npt.NDArray[np.intp]:
    """Which shot each frame belongs to: the latest-starting shot covering it, else the last one begun."""
    index = np.zeros(t.size, dtype=np.intp)
    order = sorted(range(len(shots)), key=lambda k: (shots[k].start_s, k))
    for k in order:
        index[t >= shots[k].start_s] = k
    first = order[0]
    index[t < shots[first].start_s] = first
    return index


def _lead(scene: Scene, subjects: list[Subject]) -> Subject | None:
    """Who the camera follows when a shot names nobody: the first to act, else the first living entity."""
    acting = sorted(scene.actions, key=lambda a: a.start_s)
    by_id = {s.id: s for s in subjects}
    for action in acting:
        if action.entity in by_id and by_id[action.entity].relevant:
            return by_id[action.entity]
    relevant = [s for s in subjects if s.relevant]
    return relevant[0] if relevant else (subjects[0] if subjects else None)


def _frame_shot(
    shot: CameraShot,
    subject: Subject | None,
    subjects: list[Subject],
    frames: npt.NDArray[np.intp],
    *,
    fps: int,
    aspect: float,
) -> tuple[F64, F64, F64]:
    n = frames.size
    if shot.framing in ("wide", "aerial") or subject is None:
        return _wide(shot, subjects, subject, frames, fps=fps, aspect=aspect)
    scale = float(np.clip(subject.height_m / 1.75, 0.25, 4.0))
    base = (MEDIUM_M if shot.framing == "medium" else CLOSE_UP_M) * scale
    base = max(base, subject.width_m * (1.3 if shot.framing == "medium" else 0.8) / aspect)
    lift = (0.33 if subject.humanoid else 0.25) * subject.height_m if shot.framing == "close_up" else 0.1
    fx, fy = subject.x[frames], subject.y[frames] + lift
    view = _dolly(shot, np.full(n, base), n)
    if shot.move == "static":
        # Fixed, but wide enough (up to three times the framing) to keep the whole course in the frame.
        span_x, span_y = float(np.ptp(fx)), float(np.ptp(fy))
        needed = max(span_x / (2.0 * STATIC_INSIDE * aspect), span_y / (2.0 * STATIC_INSIDE))
        view = np.maximum(view, min(needed, 3.0 * base))
        x = np.full(n, (fx.max() + fx.min()) / 2.0)
        y = np.full(n, (fy.max() + fy.min()) / 2.0)
    elif shot.move == "pan":
        x, y = _pan(fx, fy, view, aspect)
    else:
        x = _track(fx, view * aspect, fps)
        y = _track(fy, view, fps, stiffness=TRACK_STIFFNESS * 0.6)
    y = _keep_ground(y, view, fy)
    if shot.move == "crane":
        y = y + 0.6 * view * _ease(n)
    return x, y, view


def _wide(
    shot: CameraShot,
    subjects: list[Subject],
    subject: Subject | None,
    frames: npt.NDArray[np.intp],
    *,
    fps: int,
    aspect: float,
) -> tuple[F64, F64, F64]:
    n = frames.size
    relevant = [s for s in subjects if s.relevant] or subjects
    if not relevant:
        return np.zeros(n), np.full(n, MIN_WIDE_M * 0.3), np.full(n, MIN_WIDE_M)
    if shot.move in ("tracking", "pan", "dolly_in", "dolly_out", "crane") and subject is not None:
        # A moving wide shot follows the subject and keeps the others it can.
        relevant = [subject]
    left = min(float(np.min(s.x[frames] - s.width_m / 2.0)) for s in relevant)
    right = max(float(np.max(s.x[frames] + s.width_m / 2.0)) for s in relevant)
    top = max(float(np.max(s.y[frames] + s.height_m / 2.0)) for s in relevant)
    bottom = min(float(np.min(s.y[frames] - s.height_m / 2.0)) for s in relevant)
    base = max(MIN_WIDE_M, (top - min(bottom, 0.0)) * 1.35, (right - left) * 1.25 / aspect)
    if shot.move in ("tracking", "pan", "dolly_in", "dolly_out", "crane"):
        base = max(MIN_WIDE_M, 3.0 * max(s.height_m for s in relevant))
    if shot.framing == "aerial":
        base *= 1.6
    view = _dolly(shot, np.full(n, base), n)
    if subject is not None and shot.move in ("tracking", "dolly_in", "dolly_out", "crane"):
        x = _track(subject.x[frames], view * aspect, fps)
    elif subject is not None and shot.move == "pan":
        x, _ = _pan(subject.x[frames], subject.y[frames], view, aspect)
    else:
        x = np.full(n, (left + right) / 2.0)
    y = np.maximum((0.5 - GROUND_AT) * view, (top + bottom) / 2.0)
    if shot.framing == "aerial":
        y = y + 0.15 * view
    if shot.move == "crane":
        y = y + 0.6 * view * _ease(n)
    return x, y, view


def _dolly(shot: CameraShot, view: F64, n: int) -> F64:
    if shot.move == "dolly_in":
        return view * (2.0 - _ease(n))
    if shot.move == "dolly_out":
        return view * (1.0 + _ease(n))
    if shot.move == "crane":
        return view * (1.0 + 0.3 * _ease(n))
    return view


def _ease(n: int) -> F64:
    u = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(n)
    return u * u * (3.0 - 2.0 * u)


def _pan(fx: F64, fy: F64, view: F64, aspect: float) -> tuple[F64, F64]:
    """An eased sweep from the subject's start to its end (a still subject gets a slow reveal pan)."""
    n = fx.size
    start, end = float(fx[0]), float(fx[-1])
    width = float(view[0]) * aspect
    if abs(end - start) < 0.2 * width:
        start, end = start - 0.12 * width, start + 0.12 * width
    x = start + (end - start) * _ease(n)
    # Never lose the subject: stay within reach of where it actually is.
    limit = KEEP_INSIDE * view * aspect
    x = np.clip(x, fx - limit, fx + limit)
    return x, np.full(n, float(np.mean(fy)))


def _track(target: F64, width: F64, fps: int, stiffness: float = TRACK_STIFFNESS) -> F64:
    """Follow `target` on a critically damped spring fed its velocity; never farther than 30% of `width`."""
    n = target.size
    out = np.empty(n)
    velocity_target = np.gradient(target) * fps if n > 1 else np.zeros(n)
    # Smooth the feed-forward velocity over ~0.25 s so a bounce or a footstep does not shake the camera.
    k = max(1, round(0.25 * fps))
    kernel = np.ones(k) / k
    velocity_target = np.convolve(
        np.pad(velocity_target, (k // 2, k - 1 - k // 2), mode="edge"), kernel, "valid"
    )
    position, velocity = float(target[0]), float(velocity_target[0])
    dt = 1.0 / fps
    w = stiffness
    for i in range(n):
        accel = w * w * (target[i] - position) + 2.0 * w * (velocity_target[i] - velocity)
        velocity += accel * dt
        position += velocity * dt
        limit = KEEP_INSIDE * width[i]
        if abs(position - target[i]) > limit:
            position = target[i] + np.sign(position - target[i]) * limit
            velocity = velocity_target[i]
        out[i] = position
    return out


def _keep_ground(y: F64, view: F64, focus_y: F64) -> F64:
    """Put the ground about a fifth of the way up the frame, unless that would lose the subject."""
    grounded = (0.5 - GROUND_AT) * view
    return np.where(focus_y - grounded < 0.3 * view, np.maximum(y, grounded), y)
