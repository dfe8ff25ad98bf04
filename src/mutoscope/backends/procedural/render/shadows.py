"""Ground shadows: a shadow on the ground under each body, smaller and fainter the higher the body is.

The shadow falls away from the key light (a low sun throws it far to the side, an overhead light straight
down). Soft styles stack a few translucent ellipses into a soft-edged pool and, for a body touching the
ground, add a tight dark contact shadow — the ambient-occlusion cue that makes things sit on the floor. Hard
styles (anime, cartoon, noir) draw one crisp ellipse.
"""

from __future__ import annotations

import math

import skia

from mutoscope.backends.procedural.render.camera import View
from mutoscope.backends.procedural.render.lighting import Lighting
from mutoscope.backends.procedural.render.styles import Style

SHADOWLESS = frozenset({"water", "building", "plane"})
SOFT_BANDS = 5


class Shadows:
    def __init__(self, style: Style, lighting: Lighting, *, indoor: bool) -> None:
        self.style = style
        angle = math.radians(lighting.key_angle_deg)
        # Horizontal shadow shift per metre of body height: long at a low sun, none from overhead or indoors.
        self.shift_per_m = 0.0 if indoor else -math.cos(angle) / max(math.sin(angle), 0.35) * 0.45
        self.strength = 0.25 if lighting.night and not indoor else 0.42

    def draw(
        self,
        canvas: skia.Canvas,
        view: View,
        *,
        x_m: float,
        width_m: float,
        height_m: float,
        elevation_m: float,
    ) -> None:
        """The shadow of a body `width_m` wide, `height_m` tall, whose lowest point is `elevation_m` up."""
        if elevation_m > height_m * 4 + 3.0:
            return
        lift = max(elevation_m, 0.0)
        fade = 1.0 / (1.0 + lift / max(height_m * 0.6, 0.3))
        footprint_px = width_m * 0.55 * (0.5 + 0.5 * fade) * view.scale
        half_h = max(1.5, footprint_px * 0.16)
        # A low light stretches the shadow away from the body while it stays attached at the feet.
        cast_m = self.shift_per_m * min(height_m, 3.0) * fade
        half_w = footprint_px + abs(cast_m) * view.scale * 0.5
        cx, cy = view.to_screen(x_m + cast_m * 0.5, 0.0)
        off_screen = cx + half_w * 2 < 0 or cx - half_w * 2 > view.width
        if off_screen or cy - half_h > view.height or cy + half_h < 0:
            return
        alpha = self.strength * fade
        if not self.style.soft_shadows:
            self._oval(canvas, (cx, cy), (half_w, half_h), alpha * 1.3)
            return
        # Soft: nested translucent ovals, widest first. A blurred mask or a scaled sprite costs ~10× more
        # per pixel in this skia build, and a bus's shadow spans the frame.
        # Translucent fills cost ~5 ns per pixel: a shadow as wide as the frame gets fewer bands.
        bands = SOFT_BANDS if half_w < 0.2 * view.width else 2
        for k in range(bands):
            spread = 1.2 - 0.65 * k / (bands - 1)
            self._oval(canvas, (cx, cy), (half_w * spread, half_h * spread), alpha * 1.5 / bands)
        if self.style.contact_shadows and lift < height_m * 0.08 and half_w < 0.2 * view.width:
            self._oval(canvas, (cx, cy), (half_w * 0.6, half_h * 0.5), alpha)

    @staticmethod
    def _oval(
        canvas: skia.Canvas, centre: tuple[float, float], radii: tuple[float, float], alpha: float
    ) -> None:
        (cx, cy), (rx, ry) = centre, radii
        paint = skia.Paint(Color=skia.Color(0, 0, 0, min(255, round(255 * alpha))), AntiAlias=True)
        canvas.drawOval(skia.Rect.MakeLTRB(cx - rx, cy - ry, cx + rx, cy + ry), paint)
