"""The `Renderer`: a simulated world (`Scene` + `WorldTrack`) drawn frame by frame in a style.

Construction does everything that does not change per frame (style, lighting and colour grade, the pre-
rendered backdrop and its parallax strips, textures, weather sheets, overlays, per-body looks). Drawing a
frame is then: blit the backdrop for the frame's camera, shadows, bodies in depth order (with motion-blur
ghosts, speed lines or squash and stretch when they move fast; bodies wholly outside the view are skipped),
the front parts of fixtures (a hoop's rim), weather and the finishing pass, into a skia surface whose pixels
are a numpy BGRA buffer. The view's scale fits the camera's view height between a style's letterbox bars.
Every frame is a pure function of its index, so `render_rgb` (random access) and `iter_bgra` (the encoder's
fast path) agree exactly.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import skia

from mutoscope.backends.procedural.physics.camera import PRODUCT_SUFFIX
from mutoscope.backends.procedural.render.backdrop import Backdrop
from mutoscope.backends.procedural.render.bodies import (
    Motion,
    Placement,
    figure_for,
    footprint,
    layer_of,
    squash_stretch,
)
from mutoscope.backends.procedural.render.camera import Camera, View
from mutoscope.backends.procedural.render.figure import Affine, Figure
from mutoscope.backends.procedural.render.finish import Finish, letterbox_px
from mutoscope.backends.procedural.render.ink import Ink
from mutoscope.backends.procedural.render.lighting import Lighting
from mutoscope.backends.procedural.render.pose import BodyLook, BodyPose
from mutoscope.backends.procedural.render.raster import FrameSurface, image_from_bgra
from mutoscope.backends.procedural.render.settings import is_indoor, look_for
from mutoscope.backends.procedural.render.shadows import SHADOWLESS, Shadows
from mutoscope.backends.procedural.render.styles import style_named
from mutoscope.backends.procedural.render.tone import Tone
from mutoscope.backends.procedural.render.weather import Weather
from mutoscope.backends.procedural.scene import Entity, Scene
from mutoscope.backends.procedural.track import F32, EntityTrack, WorldTrack
from mutoscope.engine.frames import LazyFrames
from mutoscope.engine.request import CharacterRef

logger = logging.getLogger(__name__)

U8 = npt.NDArray[np.uint8]
GHOSTS = (0.72, 0.48, 0.24)  # motion-blur copies, as fractions of the last frame's movement back in time
GHOST_ALPHA = (0.16, 0.24, 0.32)
BLUR_SPEED = 0.012  # on-screen speed (fraction of frame height per frame) above which a body is blurred
BLUR_OF_SIZE = 0.15  # ... and it must move at least this fraction of its own size per frame
FADE_IN_FRAMES = 6  # bodies fade in over a first-frame image
FAR_LANE_LAYER = 500  # a vehicle in the far lane is drawn behind those in the near lane
CULL_MARGIN_M = 0.5  # beyond a body's box and 60 % of its size (up to 4 m), nothing of it is drawn
CULL_SIZE_M = 4.0
SPOTLIGHT_SIZES = 1.6  # a product's spotlight reaches this many of its sizes from its centre


@dataclass(frozen=True, slots=True)
class _Actor:
    entity: Entity
    look: BodyLook
    track: EntityTrack | None
    mouth: F32 | None
    layer: int
    has_line: bool = False  # a kite's line to its flyer (pose channels line_dx, line_dy)
    product: bool = False  # a product on show (an ad): lit by a spotlight


class Renderer:
    """Draws `track` (simulated from `scene`) at `width`×`height` in `style`."""

    def __init__(
        self,
        scene: Scene,
        track: WorldTrack,
        *,
        width: int,
        height: int,
        style: str,
        mouth_open: Mapping[str, F32] | None = None,
        characters: Mapping[str, CharacterRef] | None = None,
        captions: Sequence[tuple[float, float, str]] = (),
        motion_blur: bool = True,
        first_frame: U8 | None = None,
    ) -> None:
        _check_inputs(track, width, height, mouth_open, first_frame)
        self.scene = scene
        self.track = track
        self.width = width
        self.height = height
        self.frame_count = track.frame_count
        self.fps = track.fps
        self.style = style_named(style)
        self.motion_blur = motion_blur
        look = look_for(scene.setting)
        indoor = is_indoor(look)
        self.lighting = Lighting.from_scene(scene, indoor=indoor)
        self.tone = Tone(self.style, self.lighting)
        self.ink = Ink(self.style, self.tone, height, scene.seed)
        self.camera = Camera(
            track.camera, width, height, height - 2 * letterbox_px(self.style, width, height)
        )
        size = (width, height)
        self.backdrop = Backdrop(
            look,
            self.ink,
            size=size,
            ref_scale=self.camera.reference_scale(),
            seed=scene.seed,
            fog=scene.weather == "fog",
            first_frame=first_frame,
        )
        underwater = look.sky == "underwater"
        self.weather = Weather(
            scene.weather, self.tone, size=size, seed=scene.seed, underwater=underwater, fps=track.fps
        )
        self.finish = Finish(self.style, size=size, seed=scene.seed, fps=track.fps, captions=captions)
        self.shadows = Shadows(self.style, self.lighting, indoor=indoor)
        self.ground_shadows = look.detail != "none" or look.sky == "studio"
        self.actors = _actors(
            scene, track, mouth_open or {}, characters or {}, underwater=look.sky == "underwater"
        )
        self.first_frame = None if first_frame is None else np.ascontiguousarray(first_frame)
        self.surface = FrameSurface(width, height)
        self._lock = threading.Lock()

    # --- public API ---

    def render_rgb(self, index: int) -> U8:
        """Frame `index` as `uint8 [H, W, 3]` RGB (random access, deterministic)."""
        self._check_index(index)
        if index == 0 and self.first_frame is not None:
            return self.first_frame.copy()
        with self._lock:
            self._draw(index)
            return self.surface.rgb_copy()

    def iter_bgra(self) -> Iterator[tuple[U8, str]]:
        """Frames in order as fresh `uint8 [H, W, 4]` BGRA arrays, paired with the pix_fmt "bgra"."""
        for index in range(self.frame_count):
            if index == 0 and self.first_frame is not None:
                yield _bgra_of(self.first_frame), "bgra"
                continue
            with self._lock:
                self._draw(index)
                frame = self.surface.bgra_copy()
            yield frame, "bgra"

    def frames(self) -> LazyFrames:
        return LazyFrames(self.frame_count, self.width, self.height, self.render_rgb, raw=self.iter_bgra)

    # --- drawing ---

    def _check_index(self, index: int) -> None:
        if not 0 <= index < self.frame_count:
            raise IndexError(f"frame {index} out of range for {self.frame_count} frames")

    def _time_index(self, index: int) -> int:
        """The instant a frame shows: stop-motion styles hold each pose for two frames."""
        return index - index % 2 if self.style.on_twos else index

    def _draw(self, index: int) -> None:
        t = self._time_index(index)
        canvas = self.surface.canvas
        view = self.camera.view(t)
        step = 2 if self.style.on_twos else 1
        after = self.camera.view(t + step) if t + step < self.frame_count else None
        self.backdrop.draw(canvas, view, next_view=after)
        fading = self.first_frame is not None and index < FADE_IN_FRAMES
        if fading:
            canvas.saveLayerAlpha(None, round(255 * index / FADE_IN_FRAMES))
        placed = [(actor, self._placement(actor, t)) for actor in self.actors if self._visible(actor, t)]
        if self.ground_shadows:
            for actor, p in placed:
                self._shadow(canvas, view, actor, p)
        fronts: list[tuple[Figure, Affine]] = []
        for actor, p in placed:
            if not _on_screen(actor, p, view):
                continue
            figure, transform = self._draw_body(canvas, view, actor, p, t)
            if figure.front:
                fronts.append((figure, transform))
        for figure, transform in fronts:
            self.ink.draw(canvas, figure.front, transform)
        if fading:
            canvas.restore()
        self.weather.draw(canvas, t)
        self.finish.draw(canvas, index)

    def _visible(self, actor: _Actor, t: int) -> bool:
        visible = None if actor.track is None else actor.track.visible
        return True if visible is None else bool(visible[t])

    def _placement(self, actor: _Actor, t: int) -> Placement:
        track = actor.track
        if track is None:  # an untracked entity stays where the scene put it: (x_m, y_m) is its centre
            e = actor.entity
            return Placement(e.x_m, e.y_m, 0.0, 1 if e.facing >= 0 else -1)
        return Placement(
            float(track.x_m[t]),
            float(track.y_m[t]),
            float(track.angle_rad[t]),
            1 if int(track.facing[t]) >= 0 else -1,
        )

    def _pose(self, actor: _Actor, t: int, p: Placement) -> BodyPose:
        track = actor.track
        joints = {} if track is None else {name: float(values[t]) for name, values in track.pose.items()}
        speed = 0.0
        if track is not None and t > 0:
            speed = (float(track.x_m[t]) - float(track.x_m[t - 1])) * self.fps * p.facing
        body = actor.entity.body
        return BodyPose(
            joints=joints,
            mouth=0.0 if actor.mouth is None else float(actor.mouth[t]),
            time_s=t / self.fps,
            speed_m_s=speed,
            x_m=p.x_m,
            height_above_ground_m=p.y_m - body.height_m / 2.0,
        )

    def _motion(self, actor: _Actor, t: int, p: Placement, view: View) -> tuple[Motion, Affine | None]:
        """Movement through the world since the previous shown instant, and where the body was then, drawn
        with this frame's camera (None across a cut). Motion is measured in the world, not on screen: a body
        the camera follows still streaks, a parked car a pan sweeps past does not."""
        step = 2 if self.style.on_twos else 1
        previous = t - step
        if actor.track is None or previous < 0 or not self.camera.same_shot(previous, t):
            return Motion.still(), None
        before = self._placement(actor, previous)
        dx, dy = p.x_m - before.x_m, p.y_m - before.y_m
        return Motion(dx, dy, math.hypot(dx, dy) * view.scale), before.transform(view)

    def _shadow(self, canvas: skia.Canvas, view: View, actor: _Actor, p: Placement) -> None:
        body = actor.entity.body
        if body.shape in SHADOWLESS:
            return
        x_m, width_m = footprint(actor.entity, p.x_m, p.facing)
        elevation = p.y_m - body.height_m / 2.0
        self.shadows.draw(
            canvas, view, x_m=x_m, width_m=width_m, height_m=body.height_m, elevation_m=elevation
        )

    def _draw_body(
        self, canvas: skia.Canvas, view: View, actor: _Actor, p: Placement, t: int
    ) -> tuple[Figure, Affine]:
        pose = self._pose(actor, t, p)
        figure = figure_for(actor.look, pose)
        motion, before = self._motion(actor, t, p, view)
        body = actor.entity.body
        size_px = max(body.height_m, body.width_m) * view.scale
        stretch = None
        if not body.static:
            stretch = squash_stretch(motion, self.style.squash_stretch, view.scale, size_px)
        transform = p.transform(view, stretch)
        anchor = view.to_screen(p.x_m, p.y_m)
        # Blur shows when a body moves a good part of its own size in a frame (a ball, a sprinter), not
        # when a bus creeps forward by a few percent of its length (and ghosts of big bodies are costly).
        fast = (
            motion.speed_px > BLUR_SPEED * self.height
            and motion.speed_px > BLUR_OF_SIZE * size_px
            and not body.static
        )
        if actor.product:
            _spotlight(canvas, self.ink, view.to_screen(p.x_m, p.y_m), size_px)
        if fast and self.style.speed_lines:
            _speed_lines(canvas, self.ink, anchor, motion, size_px=size_px, seed=actor.look.seed)
        if fast and self.motion_blur and before is not None:
            for fraction, alpha in zip(GHOSTS, GHOST_ALPHA, strict=True):
                ghost = _lerp(transform, before, fraction)
                self.ink.draw(canvas, figure.parts, ghost, ghost_alpha=alpha)
        self.ink.draw(canvas, figure.parts, transform, anchor=anchor)
        return figure, transform


def _on_screen(actor: _Actor, p: Placement, view: View) -> bool:
    """Whether any of a body can show in the view: its box, grown by a generous reach (limbs, a hoop's post,
    a tail, a dragon's wings), overlaps it. Building and drawing a body nobody sees (a beach's sea off to the
    side) is waste. A kite is always drawn: its line reaches down to whoever flies it."""
    if actor.has_line:
        return True
    body = actor.entity.body
    reach = 0.6 * min(max(body.width_m, body.height_m), CULL_SIZE_M) + CULL_MARGIN_M
    half_w, half_h = body.width_m / 2.0 + reach, body.height_m / 2.0 + reach
    return (
        p.x_m + half_w > view.left_m
        and p.x_m - half_w < view.right_m
        and p.y_m + half_h > view.bottom_m
        and p.y_m - half_h < view.top_m
    )


def _lerp(a: Affine, b: Affine, f: float) -> Affine:
    """Component-wise blend from `a` (f = 0) to `b` (f = 1)."""
    return Affine(
        a.a + (b.a - a.a) * f,
        a.b + (b.b - a.b) * f,
        a.c + (b.c - a.c) * f,
        a.d + (b.d - a.d) * f,
        a.e + (b.e - a.e) * f,
        a.f + (b.f - a.f) * f,
    )


def _spotlight(canvas: skia.Canvas, ink: Ink, at: tuple[float, float], size_px: float) -> None:
    """A soft pool of warm light behind a product on show, so it stands out from any background."""
    radius = max(size_px * SPOTLIGHT_SIZES, 2.0)
    shader = skia.GradientShader.MakeRadial(
        skia.Point(*at),
        radius,
        [
            ink.tone.argb((255, 236, 200), alpha=0.55, lit=False),
            ink.tone.argb((255, 236, 200), alpha=0.0, lit=False),
        ],
    )
    canvas.drawCircle(
        at[0], at[1], radius, skia.Paint(Shader=shader, AntiAlias=True, BlendMode=skia.BlendMode.kPlus)
    )


def _speed_lines(
    canvas: skia.Canvas, ink: Ink, at: tuple[float, float], motion: Motion, *, size_px: float, seed: int
) -> None:
    """Anime streaks trailing behind a fast body, opposite its motion."""
    direction = math.atan2(-motion.dy_m, motion.dx_m)  # screen y points down
    ux, uy = math.cos(direction), math.sin(direction)
    px, py = -uy, ux
    length = min(motion.speed_px * 4.0, size_px * 3.0)
    paint = skia.Paint(
        Color=ink.tone.argb((255, 255, 255), alpha=0.75, lit=False),
        AntiAlias=True,
        StrokeWidth=max(1.5, ink.frame_height / 360),
        StrokeCap=skia.Paint.kRound_Cap,
    )
    for k in range(6):
        offset = (((seed >> (k * 4)) & 15) / 15.0 - 0.5) * size_px * 0.9
        start = (at[0] - ux * size_px * 0.45 + px * offset, at[1] - uy * size_px * 0.45 + py * offset)
        reach = length * (0.6 + 0.4 * (((seed >> (k * 3)) & 7) / 7.0))
        canvas.drawLine(start[0], start[1], start[0] - ux * reach, start[1] - uy * reach, paint)


def _actors(
    scene: Scene,
    track: WorldTrack,
    mouth_open: Mapping[str, F32],
    characters: Mapping[str, CharacterRef],
    *,
    underwater: bool,
) -> list[_Actor]:
    actors = []
    faces: dict[str, skia.Image] = {}
    for order, entity in enumerate(scene.entities):
        character = characters.get(entity.character_id) if entity.character_id else None
        if entity.character_id and character is None:
            logger.warning(
                "entity %s renders character %s, which was not supplied", entity.id, entity.character_id
            )
        look = _look(entity, character, faces, underwater)
        layer = layer_of(entity) * 1000 - FAR_LANE_LAYER * _lane(scene, entity.id) + order
        entity_track = track.entities.get(entity.id)
        line = entity_track is not None and "line_dx" in entity_track.pose
        product = entity.name.endswith(PRODUCT_SUFFIX)
        actors.append(_Actor(entity, look, entity_track, mouth_open.get(entity.id), layer, line, product))
    return sorted(actors, key=lambda a: a.layer)


def _lane(scene: Scene, entity_id: str) -> int:
    """The road lane a vehicle drives in (its actions' `lane` parameter): 0 is the near lane."""
    return max((round(a.params.get("lane", 0.0)) for a in scene.actions if a.entity == entity_id), default=0)


def _look(
    entity: Entity, character: CharacterRef | None, faces: dict[str, skia.Image], underwater: bool
) -> BodyLook:
    palette = entity.body.palette
    accessories = entity.body.accessories
    face = None
    proportions: Mapping[str, float] = {}
    if character is not None:
        appearance = character.appearance
        if appearance.palette:
            palette = tuple(appearance.palette) + tuple(palette[len(appearance.palette) :])
        accessories = tuple(dict.fromkeys((*accessories, *appearance.accessories)))
        proportions = appearance.proportions
        if appearance.face_image is not None:
            face = faces.get(character.id)
            if face is None:
                face = faces[character.id] = _face_image(appearance.face_image)
    return BodyLook(entity, palette, accessories, face, proportions, underwater)


def _face_image(pixels: U8) -> skia.Image:
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
        raise ValueError(f"a character face image must be uint8 [h, w, 3], got {pixels.dtype} {pixels.shape}")
    return image_from_bgra(_bgra_of(pixels))


def _bgra_of(rgb: U8) -> U8:
    out = np.empty((*rgb.shape[:2], 4), dtype=np.uint8)
    out[:, :, 0] = rgb[:, :, 2]
    out[:, :, 1] = rgb[:, :, 1]
    out[:, :, 2] = rgb[:, :, 0]
    out[:, :, 3] = 255
    return out


def _check_inputs(
    track: WorldTrack, width: int, height: int, mouth_open: Mapping[str, F32] | None, first_frame: U8 | None
) -> None:
    if width <= 0 or height <= 0:
        raise ValueError(f"frame size must be positive, got {width}x{height}")
    count = track.frame_count
    if count <= 0 or track.fps <= 0:
        raise ValueError(f"a track needs frames and a frame rate, got {count} frames at {track.fps} fps")
    if len(track.camera.center_x_m) < count:
        raise ValueError(f"the camera track has {len(track.camera.center_x_m)} frames for {count}")
    for entity_id, entity_track in track.entities.items():
        if len(entity_track.x_m) < count:
            raise ValueError(f"entity {entity_id}'s track has {len(entity_track.x_m)} frames for {count}")
    for speaker, values in (mouth_open or {}).items():
        if len(values) < count:
            raise ValueError(f"mouth track of {speaker} has {len(values)} frames for {count}")
    if first_frame is not None and first_frame.shape != (height, width, 3):
        raise ValueError(f"first frame must be {width}x{height} RGB, got shape {first_frame.shape}")
