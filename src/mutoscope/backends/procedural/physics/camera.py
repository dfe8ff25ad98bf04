"""The camera path: per frame, the world point at the frame centre and how much world the frame height shows.

Each `CameraShot` is a cut. Its framing sets the view height (wide fits every entity that matters, at least
4.5 m; medium ~3.5 m and close-up ~1.2 m around the subject, scaled by the subject's size; aerial is a wide
shot pulled back and up) and its move sets the path: static (fixed on the subject's whole course), pan (an
eased sweep from where the subject starts to where it ends), tracking (a critically damped spring with velocity
feed-forward, so it follows without lag or jitter, and a hard limit that keeps the subject inside the central
60%), dolly in/out (the view height eases between twice the framing and the framing) and crane (rising). The
ground sits about a fifth of the way up a frame unless the action is higher.

What a shot must show is measured from the bodies' drawn extents over the shot, not just their centres: a
static medium shot also holds what its subject acts on (the beam under a gymnast, the cup a cat knocks off a
table and where it lands, the listener of a line); a wide shot of something flying high frames the flier with
sky around it, never the ground far below (an aerial view); and when the scene shows a product (a remix into
an ad: the planner names the entity "… (product)"), the last shot cuts to a product shot that opens on its
display (with the sign beside it) and pushes in until the product fills a good part of the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mutoscope.backends.procedural.scene import CameraShot, Scene
from mutoscope.backends.procedural.track import CameraTrack

F64 = npt.NDArray[np.float64]
MIN_WIDE_M = 4.5
MEDIUM_M = 3.5
CLOSE_UP_M = 1.2
TRACK_STIFFNESS = 4.0  # rad/s
KEEP_INSIDE = 0.3  # the tracked subject stays within ±30% of the frame from the centre
STATIC_INSIDE = 0.38  # a static shot frames the subject's whole course within ±38%
FIT_INSIDE = 0.45  # drawn extents (whole bodies, not centres) are framed within ±45%
MEDIUM_SHRINK = 0.75  # a medium shot holding a small group may close in to this much of its framing
WIDE_HEIGHT_MARGIN = 1.2  # a wide shot's view height over the height of what it holds
WIDE_WIDTH_MARGIN = 1.2  # ... and its width over their width
GROUND_AT = 0.2  # fraction of the frame height below the ground line
ALOFT_HEIGHTS = 2.0  # a flier this many of its heights above the ground (and 3 m) is framed in the sky
ALOFT_MIN_M = 3.0
ALOFT_WIDTHS = 2.6  # an aloft flier's frame is this many of its lengths wide
PRODUCT_SUFFIX = "(product)"  # how the planner names an ad's product
PRODUCT_VIEW_HEIGHTS = 3.0  # the product's final framing: this many of its heights (or widths) tall
PRODUCT_MIN_VIEW_M = 0.5
PRODUCT_CUT = 0.4  # the last shot cuts to the product this far through


@dataclass(frozen=True, slots=True, eq=False)
class Subject:
    """An entity as the camera sees it: root path, size, and whether a wide shot must include it.

    `box` is the drawn extent around the root (left, right, bottom, top offsets in metres) when it differs
    from the body's box: a hoop's backboard rises above its rim and its post stands behind it."""

    id: str
    x: F64
    y: F64
    height_m: float
    width_m: float
    humanoid: bool
    relevant: bool
    box: tuple[float, float, float, float] | None = None
    product: bool = False

    def offsets(self) -> tuple[float, float, float, float]:
        if self.box is not None:
            return self.box
        return -self.width_m / 2.0, self.width_m / 2.0, -self.height_m / 2.0, self.height_m / 2.0


@dataclass(frozen=True, slots=True)
class Extent:
    left: float
    right: float
    bottom: float
    top: float

    def union(self, other: Extent) -> Extent:
        return Extent(
            min(self.left, other.left),
            max(self.right, other.right),
            min(self.bottom, other.bottom),
            max(self.top, other.top),
        )


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
        extras = _acted_on(scene, shot, subject, by_id) if shot.framing == "medium" else []
        x, y, h = _frame_shot(shot, subject, subjects, extras, frames, fps=fps, aspect=aspect)
        cx[frames], cy[frames], vh[frames] = x, y, h
    products = [s for s in subjects if s.product]
    if products and frame_count > 1:
        last = int(index[-1])
        frames = np.nonzero(index == last)[0]
        hero = frames[round(frames.size * PRODUCT_CUT) :]
        if hero.size > 1:  # cut to the product: a new shot, pushing in from its display to it alone
            cx[hero], cy[hero], vh[hero] = _hero_shot(products[0], subjects, hero, aspect)
            index[hero] = int(index.max()) + 1
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


def _acted_on(
    scene: Scene, shot: CameraShot, subject: Subject | None, by_id: dict[str, Subject]
) -> list[Subject]:
    """What the subject acts on (or talks to) during the shot: a medium shot holds it too."""
    if subject is None:
        return []
    targets = {
        a.target
        for a in scene.actions
        if a.entity == subject.id and a.target and a.start_s < shot.end_s and a.end_s > shot.start_s
    }
    return [by_id[t] for t in sorted(targets) if t in by_id and t != subject.id]


def _extent(subjects: list[Subject], frames: npt.NDArray[np.intp]) -> Extent:
    """The box holding every subject's drawn body over `frames`."""
    boxes = []
    for s in subjects:
        left, right, bottom, top = s.offsets()
        x, y = s.x[frames], s.y[frames]
        boxes.append(
            Extent(
                float(x.min()) + left, float(x.max()) + right, float(y.min()) + bottom, float(y.max()) + top
            )
        )
    out = boxes[0]
    for box in boxes[1:]:
        out = out.union(box)
    return out


def _aloft(subject: Subject, frames: npt.NDArray[np.intp]) -> bool:
    """Whether the subject flies high enough that the ground has no place in its frame."""
    bottom = float(np.min(subject.y[frames])) - subject.height_m / 2.0
    return bottom > max(ALOFT_MIN_M, ALOFT_HEIGHTS * subject.height_m) and not subject.humanoid


def _frame_shot(
    shot: CameraShot,
    subject: Subject | None,
    subjects: list[Subject],
    extras: list[Subject],
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
        if extras:
            x, y, view = _hold_extras(subject, extras, frames, (x, y, view), base=base, aspect=aspect)
    elif shot.move == "pan":
        x, y = _pan(fx, fy, view, aspect)
    else:
        x = _track(fx, view * aspect, fps)
        y = _track(fy, view, fps, stiffness=TRACK_STIFFNESS * 0.6)
    y = _keep_ground(y, view, fy)
    if shot.move == "crane":
        y = y + 0.6 * view * _ease(n)
    return x, y, view


def _hold_extras(
    subject: Subject,
    extras: list[Subject],
    frames: npt.NDArray[np.intp],
    framed: tuple[F64, F64, F64],
    *,
    base: float,
    aspect: float,
) -> tuple[F64, F64, F64]:
    """Fit a static framing to the subject's and its extras' whole bodies (from 3/4 of the framing up to 3×
    it); when that is too much, keep the subject's course in and as much of the extras as fits."""
    view = framed[2]
    n = frames.size
    own = _extent([subject], frames)
    box = own.union(_extent(extras, frames))
    needed = max(
        (box.right - box.left) / (2.0 * FIT_INSIDE * aspect), (box.top - box.bottom) / (2.0 * FIT_INSIDE)
    )
    # A pair seated side by side needs less than the framing: close in to them (but not past a close-up).
    height = min(max(MEDIUM_SHRINK * float(view[0]), needed), 3.0 * base)
    half_w, half_h = FIT_INSIDE * height * aspect, FIT_INSIDE * height
    cx = _clamp((box.left + box.right) / 2.0, own.right - half_w, own.left + half_w)
    cy = _clamp((box.bottom + box.top) / 2.0, own.top - half_h, own.bottom + half_h)
    return np.full(n, cx), np.full(n, cy), np.full(n, height)


def _clamp(value: float, low: float, high: float) -> float:
    """`value` moved into [low, high]; when the range is empty, its middle."""
    if low > high:
        return (low + high) / 2.0
    return min(max(value, low), high)


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
    moving = shot.move in ("tracking", "pan", "dolly_in", "dolly_out", "crane")
    aloft = subject is not None and _aloft(subject, frames)
    aloft_view = 0.0
    if subject is not None and aloft:
        aloft_view = max(MIN_WIDE_M, 3.0 * subject.height_m, ALOFT_WIDTHS * subject.width_m / aspect)
        everyone = _extent(relevant, frames)
        # Only a flier far above the rest gets a frame of its own in the sky; one near them shares theirs.
        aloft = moving or (everyone.top - min(everyone.bottom, 0.0)) * WIDE_HEIGHT_MARGIN > 2.5 * aloft_view
    if subject is not None and (moving or aloft):
        # A moving wide shot follows the subject and keeps the others it can; so does the frame of a flier
        # high in the sky (the others are on the ground far below).
        relevant = [subject]
    box = _extent(relevant, frames)
    if aloft:
        base = aloft_view
    elif moving:
        base = max(MIN_WIDE_M, 3.0 * max(s.height_m for s in relevant))
    else:
        base = max(
            MIN_WIDE_M,
            (box.top - min(box.bottom, 0.0)) * WIDE_HEIGHT_MARGIN,
            (box.right - box.left) * WIDE_WIDTH_MARGIN / aspect,
        )
    if shot.framing == "aerial":
        base *= 1.6
    view = _dolly(shot, np.full(n, base), n)
    if subject is not None and shot.move in ("tracking", "dolly_in", "dolly_out", "crane"):
        x = _track(subject.x[frames], view * aspect, fps)
    elif subject is not None and shot.move == "pan":
        x, _ = _pan(subject.x[frames], subject.y[frames], view, aspect)
    else:
        x = np.full(n, (box.left + box.right) / 2.0)
    if aloft and subject is not None:
        y = _track(subject.y[frames], view, fps, stiffness=TRACK_STIFFNESS * 0.6)
    else:
        y = np.maximum((0.5 - GROUND_AT) * view, (box.top + min(box.bottom, 0.0)) / 2.0)
        if shot.framing == "aerial":
            y = y + 0.15 * view
    if shot.move == "crane":
        y = y + 0.6 * view * _ease(n)
    return x, y, view


def _hero_shot(
    product: Subject, subjects: list[Subject], frames: npt.NDArray[np.intp], aspect: float
) -> tuple[F64, F64, F64]:
    """The ad's product shot: it opens on the display (the product and a sign beside it, if any) and pushes
    in until the product alone fills a good part of the frame, a little above the centre."""
    n = frames.size
    own = _extent([product], frames[-1:])
    near = [
        s
        for s in subjects
        if s.relevant and s is not product and s.width_m < 3.0 and _gap(_extent([s], frames[:1]), own) < 1.5
    ]
    display = _extent([product, *near], frames[:1])
    size = max(own.top - own.bottom, (own.right - own.left) / max(aspect, 1e-3))
    end_view = max(PRODUCT_MIN_VIEW_M, PRODUCT_VIEW_HEIGHTS * size)
    start_view = max(
        end_view * 1.3,
        (display.right - display.left) / (2.0 * FIT_INSIDE * aspect),
        (display.top - display.bottom) / (2.0 * FIT_INSIDE),
    )
    s = _ease(n)
    view = np.exp(np.log(start_view) + (np.log(end_view) - np.log(start_view)) * s)
    start = ((display.left + display.right) / 2.0, (display.bottom + display.top) / 2.0)
    end = ((own.left + own.right) / 2.0, (own.bottom + own.top) / 2.0 - 0.12 * end_view)
    return start[0] + (end[0] - start[0]) * s, start[1] + (end[1] - start[1]) * s, view


def _gap(a: Extent, b: Extent) -> float:
    """Horizontal free space between two boxes (0 when they overlap)."""
    return max(0.0, max(a.left, b.left) - min(a.right, b.right))


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
