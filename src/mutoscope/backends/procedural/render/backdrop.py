"""The backdrop: sky, parallax layers and ground, composed for each frame's camera.

Layers, back to front, with their parallax factor k (how much of the camera's motion they follow): sky
(k = 0, a frame-sized image), far strip (k = 0.15: mountains, skyline, bleachers), ground plane (the receding
ground from the horizon down, a gradient image), mid strip (k = 0.45: trees, storefronts) and the ground-line
detail strip (k = 1: grass, kerbs, planks, in world metres, so it stays locked to the bodies). Strips are
horizontally periodic (layers.py), so a camera can travel any distance; a zoom scales each layer by zoom^k.
A camera high in the sky sees the horizon sink, so the land lies below what flies.
A camera holding still costs one blit of the cached composite. A first-frame image replaces the backdrop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import skia

from mutoscope.backends.procedural.render.camera import View
from mutoscope.backends.procedural.render.ground import (
    DETAIL_DEPTH_M,
    DETAIL_TOP_M,
    DETAILS,
    ground_plane_image,
)
from mutoscope.backends.procedural.render.ink import Ink
from mutoscope.backends.procedural.render.layers import Extent, StripLayer
from mutoscope.backends.procedural.render.raster import blit, draw_offscreen, image_from_bgra
from mutoscope.backends.procedural.render.scenery import FAR, MID, Painter, Strip
from mutoscope.backends.procedural.render.settings import SettingLook
from mutoscope.backends.procedural.render.sky import sky_image
from mutoscope.backends.procedural.render.weather import fog_band

K_HORIZON = 0.15
# A camera high above the ground (the ground line far below the frame: a flier in the sky) looks down on the
# land: past HIGH_CAMERA frame heights from the frame centre to the ground line, the horizon sinks a further
# K_HIGH of every frame height, so far scenery (mountain tops, a skyline) shows low in the frame, beneath.
HIGH_CAMERA = 0.5
K_HIGH = 0.6
LOWEST_HORIZON = 1.15  # ... but never so low that the far scenery's tops leave the frame
K_FAR = 0.15
K_MID = 0.45
FAR_HEIGHT = 0.62  # strip heights in frame heights
MID_HEIGHT = 0.72
MID_BETWEEN = 0.35  # the mid layer's baseline sits this far from the horizon toward the ground line
PERIOD_FRAMES = 2.0  # scenery strips are this many frame widths long before they repeat
DETAIL_PERIOD_FRAMES = 1.25  # the ground detail is re-painted most often during a dolly: keep it short


@dataclass(frozen=True, slots=True)
class LayerPositions:
    """Where the layers sit vertically in one frame (pixels), and how much each is zoomed."""

    horizon_y: float
    ground_y: float
    far_zoom: float
    mid_y: float
    mid_zoom: float
    detail_zoom: float


class Backdrop:
    """Everything behind the bodies, for one render."""

    def __init__(
        self,
        look: SettingLook,
        ink: Ink,
        *,
        size: tuple[int, int],
        ref_scale: float,
        seed: int,
        fog: bool = False,
        first_frame: npt.NDArray[np.uint8] | None = None,
    ) -> None:
        width, height = size
        self.look = look
        self.width = width
        self.height = height
        self.ref_scale = ref_scale
        self._matte = _matte(first_frame) if first_frame is not None else None
        self._held: tuple[View, skia.Image] | None = None
        if self._matte is not None:
            return
        period_px = max(64, round(width * PERIOD_FRAMES))
        detail_period_px = max(64, round(width * DETAIL_PERIOD_FRAMES))
        self.sky = sky_image(look, ink, width, height, seed)
        self.ground = ground_plane_image(look, ink, width, height, seed)
        units = {"unit_px": float(height), "outline_scale": height * 0.25}
        far = _scenery(look, ink, FAR.get(look.far), period_px / height, seed + 11)
        mid = _scenery(look, ink, MID.get(look.mid), period_px / height, seed + 23)
        self.far = StripLayer(far, ink, extent=Extent(0.0, FAR_HEIGHT), **units)
        self.mid = StripLayer(mid, ink, extent=Extent(0.0, MID_HEIGHT), zoom_step=1.015, **units)
        detail = _detail(look, detail_period_px / ref_scale, seed + 37)
        self.detail = StripLayer(
            detail,
            ink,
            unit_px=ref_scale,
            extent=Extent(DETAIL_DEPTH_M, DETAIL_TOP_M),
            outline_scale=ref_scale,
        )
        self.fog = fog_band(ink.tone, width, height) if fog else None

    def positions(self, view: View) -> LayerPositions:
        """Layer placement for a view: the parallax arithmetic, apart from drawing so it can be tested."""
        zoom = view.scale / self.ref_scale
        ground_y = view.height * 0.5 + view.center_y_m * view.scale
        horizon_y = view.height * 0.5 + K_HORIZON * view.center_y_m * self.ref_scale * zoom**K_HORIZON
        altitude = view.center_y_m * view.scale / view.height  # frame heights from the centre to the ground
        if altitude > HIGH_CAMERA:
            horizon_y += K_HIGH * (altitude - HIGH_CAMERA) * view.height
            horizon_y = min(horizon_y, view.height * LOWEST_HORIZON)
        horizon_y = min(horizon_y, ground_y)
        return LayerPositions(
            horizon_y=horizon_y,
            ground_y=ground_y,
            far_zoom=1.0,  # distant scenery keeps its size through a dolly
            mid_y=horizon_y + (ground_y - horizon_y) * MID_BETWEEN,
            mid_zoom=zoom**K_MID,
            detail_zoom=zoom,
        )

    def draw(self, canvas: skia.Canvas, view: View, *, next_view: View | None = None) -> None:
        """Draw the backdrop for `view`. When `next_view` (the next frame's) is the same, the whole composite
        is kept as one image, so a camera holding still costs a single opaque blit per frame."""
        if self._matte is not None:
            blit(canvas, self._matte, 0, 0)
            return
        if self._held is not None and self._held[0] == view:
            blit(canvas, self._held[1], 0, 0)
            return
        if next_view == view:
            composite = draw_offscreen(
                self.width, self.height, lambda offscreen: self._draw_layers(offscreen, view), opaque=True
            )
            self._held = (view, composite)
            blit(canvas, composite, 0, 0)
            return
        self._draw_layers(canvas, view)

    def _draw_layers(self, canvas: skia.Canvas, view: View) -> None:
        p = self.positions(view)
        # Each strip is anchored by the strip x under the frame centre: k × the camera's x (in strip units).
        cx_units = view.center_x_m * self.ref_scale / self.height
        blit(canvas, self.sky, 0, 0)
        if (
            p.horizon_y - FAR_HEIGHT * self.height * p.far_zoom < self.height
        ):  # far tops show above a low horizon
            self.far.draw(canvas, (K_FAR * cx_units, p.horizon_y), p.far_zoom, width=self.width)
            if self.fog is not None:
                blit(canvas, self.fog, 0, p.horizon_y - self.fog.height() * 0.6)
        if p.horizon_y < self.height:
            blit(canvas, self.ground, 0, p.horizon_y)
        if p.mid_y < self.height * (1.0 + MID_HEIGHT * p.mid_zoom):
            self.mid.draw(canvas, (K_MID * cx_units, p.mid_y), p.mid_zoom, width=self.width)
            if self.fog is not None:
                blit(canvas, self.fog, 0, p.mid_y - self.fog.height() * 0.5, 0.7)
        top = p.ground_y - DETAIL_TOP_M * view.scale
        if top < self.height and top + (DETAIL_TOP_M + DETAIL_DEPTH_M) * view.scale > 0:
            self.detail.draw(canvas, (view.center_x_m, p.ground_y), p.detail_zoom, width=self.width)


def _scenery(look: SettingLook, ink: Ink, painter: Painter | None, period: float, seed: int) -> Strip:
    """A layer's scenery in frame-height units (zoom-independent: painted once, drawn at any zoom)."""
    strip = Strip(period=period)
    if painter is not None:
        painter(strip, look, ink.tone.lighting, np.random.default_rng([seed, 0x57]))
    return strip


def _detail(look: SettingLook, period_m: float, seed: int) -> Strip:
    """The ground-line detail in world metres over one period."""
    strip = Strip(period=period_m)
    DETAILS[look.detail](strip.figure, look, period_m, np.random.default_rng([seed, 0xD7]))
    return strip


def _matte(first_frame: npt.NDArray[np.uint8]) -> skia.Image:
    """The first-frame image as an opaque backdrop."""
    h, w = first_frame.shape[:2]
    bgra = np.empty((h, w, 4), dtype=np.uint8)
    bgra[:, :, 0] = first_frame[:, :, 2]
    bgra[:, :, 1] = first_frame[:, :, 1]
    bgra[:, :, 2] = first_frame[:, :, 0]
    bgra[:, :, 3] = 255
    return image_from_bgra(bgra, opaque=True)
