"""The visible mark: a small, semi-transparent "▶ @handle" badge that drifts between the frame's corners.

It is what the hosted product put on every download: it rests in a corner for a few seconds, then glides to
the next one, so cropping one corner away does not remove it. The badge is rendered once per video (white text
with a soft dark shadow, so it reads on bright and dark pictures alike) and blended into a small region of
each frame; being grey, it is the same in RGB and BGR layouts. Its size follows the frame's shorter side.
Admins set whether it is applied and its opacity (`provenance.visible_mark`,
`provenance.visible_mark_opacity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from mutoscope.provenance.marked_frames import PixelLayout

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]

REST_S: Final = 2.5  # time spent in each corner
GLIDE_S: Final = 1.0  # time spent moving to the next one
_CORNERS: Final = ((0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0))  # (x, y): top-left, bottom-right, ...


@dataclass(frozen=True, slots=True)
class Badge:
    """The rendered badge: grey values and alpha, both `[h, w]` float32 (alpha already includes opacity)."""

    value: F32
    alpha: F32

    @property
    def size(self) -> tuple[int, int]:
        return self.value.shape[1], self.value.shape[0]


def render_badge(handle: str, *, frame_width: int, frame_height: int, opacity: float) -> Badge:
    """The badge for `@handle`, sized for a frame of this size."""
    if not 0.0 <= opacity <= 1.0:
        raise ValueError(f"opacity must be within 0..1, got {opacity}")
    short = min(frame_width, frame_height)
    font_px = max(10, round(short * 0.042))
    font = ImageFont.load_default(size=font_px)
    text = f"@{handle.lstrip('@')}" if handle else "mutoscope"
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    icon = font_px
    pad = max(2, font_px // 4)
    width = pad * 3 + icon + (right - left)
    height = pad * 2 + max(icon, bottom - top)
    shape = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(shape)
    # A play triangle in a rounded frame: the product's glyph, drawn so no image file has to ship.
    y0 = (height - icon) // 2
    draw.rounded_rectangle(
        (pad, y0, pad + icon, y0 + icon), radius=max(2, icon // 5), outline=255, width=max(1, icon // 10)
    )
    inset = icon * 0.3
    draw.polygon(
        [
            (pad + inset * 1.1, y0 + inset),
            (pad + icon - inset * 0.8, y0 + icon / 2),
            (pad + inset * 1.1, y0 + icon - inset),
        ],
        fill=255,
    )
    draw.text((pad * 2 + icon - left, (height - (bottom - top)) // 2 - top), text, font=font, fill=255)
    shadow = shape.filter(ImageFilter.GaussianBlur(max(1.0, font_px / 10)))
    glyph = np.asarray(shape, dtype=np.float32) / 255.0
    halo = np.asarray(shadow, dtype=np.float32) / 255.0
    # White glyph over a dark halo: alpha is the union, value is white where the glyph is, black around it.
    alpha = np.clip(glyph + halo * 0.55 * (1.0 - glyph), 0.0, 1.0)
    value = np.where(alpha > 0, 255.0 * glyph / np.maximum(alpha, 1e-6), 0.0).astype(np.float32)
    return Badge(value=value, alpha=(alpha * opacity).astype(np.float32))


def badge_position(
    index: int, fps: float, *, frame_width: int, frame_height: int, badge_width: int, badge_height: int
) -> tuple[int, int]:
    """Top-left corner of the badge in frame `index`: resting in a corner, then gliding to the next."""
    margin = round(min(frame_width, frame_height) * 0.04)
    span_x = max(0, frame_width - badge_width - 2 * margin)
    span_y = max(0, frame_height - badge_height - 2 * margin)
    time_s = index / fps
    leg, into = divmod(time_s, REST_S + GLIDE_S)
    here = _CORNERS[int(leg) % len(_CORNERS)]
    there = _CORNERS[(int(leg) + 1) % len(_CORNERS)]
    progress = 0.0 if into < REST_S else (into - REST_S) / GLIDE_S
    eased = progress * progress * (3.0 - 2.0 * progress)
    x = here[0] + (there[0] - here[0]) * eased
    y = here[1] + (there[1] - here[1]) * eased
    return margin + round(x * span_x), margin + round(y * span_y)


class VisibleMarkOp:
    """Blends the badge into each frame at its position for that frame (a `FrameOp`)."""

    def __init__(self, badge: Badge, *, fps: float, frame_width: int, frame_height: int) -> None:
        self._badge = badge
        self._fps = fps
        self._frame = (frame_width, frame_height)
        width, height = badge.size
        # A badge bigger than the frame (tiny test frames) is cut to fit.
        self._width, self._height = min(width, frame_width), min(height, frame_height)

    def apply(self, index: int, source: U8, target: U8, layout: PixelLayout) -> None:
        if source is not target:
            np.copyto(target, source)
        x, y = badge_position(
            index,
            self._fps,
            frame_width=self._frame[0],
            frame_height=self._frame[1],
            badge_width=self._width,
            badge_height=self._height,
        )
        region = target[y : y + self._height, x : x + self._width]
        colour = [c for c in range(layout.channels) if c != layout.alpha]
        alpha = self._badge.alpha[: self._height, : self._width, None]
        value = self._badge.value[: self._height, : self._width, None]
        pixels = region[:, :, colour].astype(np.float32)
        region[:, :, colour] = np.clip(pixels + (value - pixels) * alpha + 0.5, 0, 255).astype(np.uint8)
