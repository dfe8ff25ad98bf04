"""The ink: how a style puts a figure's parts on the canvas.

`Ink.draw` maps a `Figure`'s parts from local metres to pixels with an `Affine` and paints each one in the
style: soft light-to-shade shading (a flat fill plus a light ramp, shading.py; realistic, cinematic), flat
colour with a hard cel band (anime), flat colour (cartoon), paper fill with hatching and wobbly graphite lines
(sketch), soft shading plus a clay texture that travels with the body (claymation), or a hard near-black
shadow side (noir); then the outline. Ghost copies for motion blur use a cheap flat pass. Textures are built
once (textures.py) and used through translate-only shaders, which skia draws on its fast path.
"""

from __future__ import annotations

import math
import zlib

import skia

from mutoscope.backends.procedural.render.figure import Affine, Fill, Label, Part, Picture, Stroke
from mutoscope.backends.procedural.render.shading import Ramps
from mutoscope.backends.procedural.render.styles import Style
from mutoscope.backends.procedural.render.text import label_font
from mutoscope.backends.procedural.render.textures import clay_tile, hatch_tiles
from mutoscope.backends.procedural.render.tone import Tone, luminance
from mutoscope.backends.procedural.scene import RGB

PAPER_RGB: RGB = (242, 238, 230)
SMALL_PART_PX = 14.0
GRAPHITE_RGB: RGB = (72, 72, 78)
_REPEAT = skia.TileMode.kRepeat


class Ink:
    """Style-aware painter of figure parts for frames `frame_height` pixels tall."""

    def __init__(self, style: Style, tone: Tone, frame_height: int, seed: int) -> None:
        self.style = style
        self.tone = tone
        self.frame_height = frame_height
        self._hatch = hatch_tiles(GRAPHITE_RGB) if style.fill == "pencil" else None
        self._clay = clay_tile(seed) if style.fill == "clay" else None
        self._image_filter = _image_colour_filter(style, tone)
        self._ramps = _ramps(style, tone, frame_height)
        self._wobble_seed = zlib.crc32(str(seed).encode()) & 0xFFFF

    # --- public ---

    def draw(
        self,
        canvas: skia.Canvas,
        parts: list[Part],
        transform: Affine,
        *,
        anchor: tuple[float, float] = (0.0, 0.0),
        ghost_alpha: float = 0.0,
        px_per_m: float | None = None,
    ) -> None:
        """Paint `parts` through `transform`; a non-zero `ghost_alpha` draws a faded flat motion-blur copy.

        `px_per_m` sets the scale outline widths are judged at (default: the transform's own scale).
        """
        matrix = transform.to_skia()
        px_per_m = transform.scale if px_per_m is None else px_per_m
        for part in parts:
            if ghost_alpha > 0.0:
                if isinstance(part, Fill):
                    self._ghost(canvas, part, matrix, ghost_alpha)
                continue
            if isinstance(part, Fill):
                self._fill(canvas, part, matrix, px_per_m, anchor)
            elif isinstance(part, Stroke):
                self._stroke(canvas, part, matrix, px_per_m)
            elif isinstance(part, Picture):
                self._picture(canvas, part, transform, px_per_m)
            else:
                self._label(canvas, part, transform, px_per_m)

    def outline_px(self, px_per_m: float) -> float:
        """Outline width for a body drawn at `px_per_m`: thinner on small, distant bodies."""
        if self.style.outline <= 0.0:
            return 0.0
        relative = min(max(px_per_m / (self.frame_height / 4.0), 0.15), 2.0)
        return max(1.0, self.style.outline * self.frame_height * math.sqrt(relative))

    # --- parts ---

    def _fill(
        self,
        canvas: skia.Canvas,
        part: Fill,
        matrix: skia.Matrix,
        px_per_m: float,
        anchor: tuple[float, float],
    ) -> None:
        path = skia.Path()
        part.path.transform(matrix, path)
        bounds = path.getBounds()
        # Texture and second-pass detail is invisible on tiny parts (pupils, buttons): skip it there.
        small = min(bounds.width(), bounds.height()) < SMALL_PART_PX
        fill = self.style.fill if part.shade else "flat"
        lit = not part.emissive
        if self.style.fill == "pencil" and not part.emissive:  # hatching has no light side: always applies
            self._pencil_fill(canvas, path, part, anchor)
        elif fill in ("soft", "clay"):
            self._gradient_fill(canvas, path, part)
        elif fill in ("cel", "hard"):
            self._banded_fill(canvas, path, part, hard=fill == "hard")
        else:
            colour = self.tone.argb(part.rgb, alpha=part.alpha, lit=lit)
            canvas.drawPath(path, skia.Paint(Color=colour, AntiAlias=True))
        if self._clay is not None and not small:
            self._texture(canvas, path, self._clay, anchor, part.alpha)
        if part.outline:
            self._outline(canvas, path, part.rgb, px_per_m, part.alpha, double=not small)

    def _gradient_fill(self, canvas: skia.Canvas, path: skia.Path, part: Fill) -> None:
        """Soft shading: the flat colour, then a light ramp through the same path (see shading.py)."""
        canvas.drawPath(path, skia.Paint(Color=self.tone.argb(part.rgb, alpha=part.alpha), AntiAlias=True))
        if self._ramps is None:
            return
        bounds = path.getBounds()
        reach = math.hypot(bounds.width(), bounds.height()) * 0.5
        shader = self._ramps.shader((bounds.centerX(), bounds.centerY()), reach)
        canvas.drawPath(path, skia.Paint(Shader=shader, AntiAlias=True, Alphaf=part.alpha))

    def _banded_fill(self, canvas: skia.Canvas, path: skia.Path, part: Fill, *, hard: bool) -> None:
        # Shade the whole shape, then repaint the part that a copy shifted toward the light still covers:
        # what is left is a crescent of shadow on the far side, with a crisp edge (cel / film-noir light).
        shade = 0.16 if hard else 0.68
        canvas.drawPath(
            path, skia.Paint(Color=self.tone.argb(part.rgb, shade, alpha=part.alpha), AntiAlias=True)
        )
        bounds = path.getBounds()
        shift = self.style.shade_offset * min(bounds.width(), bounds.height())
        lx, ly = self.tone.lighting.key_dir_screen
        canvas.save()
        canvas.clipPath(path, skia.ClipOp.kIntersect, True)
        canvas.translate(lx * shift, ly * shift)
        lit = self.tone.highlight(part.rgb) if hard else part.rgb
        canvas.drawPath(path, skia.Paint(Color=self.tone.argb(lit, alpha=part.alpha), AntiAlias=True))
        canvas.restore()

    def _pencil_fill(
        self, canvas: skia.Canvas, path: skia.Path, part: Fill, anchor: tuple[float, float]
    ) -> None:
        canvas.drawPath(
            path, skia.Paint(Color=skia.Color(*PAPER_RGB, round(part.alpha * 255)), AntiAlias=True)
        )
        if self._hatch is None:
            return
        r, g, b = part.rgb
        ambient = self.tone.lighting.ambient
        tone = luminance((r / 255 * ambient[0], g / 255 * ambient[1], b / 255 * ambient[2]))
        level = 0 if tone > 0.78 else 1 if tone > 0.5 else 2 if tone > 0.28 else 3
        if level:
            self._texture(canvas, path, self._hatch[level - 1], anchor, part.alpha * 0.85)

    def _texture(
        self,
        canvas: skia.Canvas,
        path: skia.Path,
        tile: skia.Image,
        anchor: tuple[float, float],
        alpha: float,
    ) -> None:
        # The texture is registered to the body's root so it travels with the body instead of swimming.
        local = skia.Matrix.Translate(anchor[0], anchor[1])
        shader = tile.makeShader(_REPEAT, _REPEAT, skia.SamplingOptions(), local)
        canvas.drawPath(path, skia.Paint(Shader=shader, AntiAlias=True, Alphaf=alpha))

    def _outline(
        self,
        canvas: skia.Canvas,
        path: skia.Path,
        rgb: RGB,
        px_per_m: float,
        alpha: float,
        *,
        double: bool = True,
    ) -> None:
        width = self.outline_px(px_per_m)
        if width <= 0.0:
            return
        colour = self.style.outline_rgb
        line_rgb = self.tone.rgb(rgb, 0.32) if colour is None else colour
        paint = skia.Paint(
            Color=skia.Color(*line_rgb, round(alpha * 255)),
            AntiAlias=True,
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=width,
            StrokeJoin=skia.Paint.kRound_Join,
        )
        if self.style.wobble > 0.0:
            deviation = self.style.wobble * self.frame_height / 720.0
            segment = 9.0 * max(1.0, self.frame_height / 720.0)
            for k in range(2 if double else 1):  # two loose passes, like a pencil going over a line twice
                paint.setPathEffect(skia.DiscretePathEffect.Make(segment, deviation, self._wobble_seed + k))
                paint.setAlphaf(alpha * (0.9 if k == 0 else 0.45))
                canvas.drawPath(path, paint)
        else:
            canvas.drawPath(path, paint)

    def _stroke(self, canvas: skia.Canvas, part: Stroke, matrix: skia.Matrix, px_per_m: float) -> None:
        path = skia.Path()
        part.path.transform(matrix, path)
        rgb = GRAPHITE_RGB if self.style.fill == "pencil" else self.tone.rgb(part.rgb, lit=not part.emissive)
        paint = skia.Paint(
            Color=skia.Color(*rgb, round(part.alpha * 255)),
            AntiAlias=True,
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=max(1.0, part.width_m * px_per_m),
            StrokeCap=skia.Paint.kRound_Cap,
            StrokeJoin=skia.Paint.kRound_Join,
        )
        canvas.drawPath(path, paint)

    def _picture(self, canvas: skia.Canvas, part: Picture, transform: Affine, px_per_m: float) -> None:
        cx, cy = transform.apply(*part.center)
        r = part.radius_m * px_per_m
        if r < 1.0:
            return
        clip = skia.Path()
        clip.addCircle(cx, cy, r)
        canvas.save()
        canvas.clipPath(clip, skia.ClipOp.kIntersect, True)
        paint = skia.Paint(ColorFilter=self._image_filter) if self._image_filter is not None else None
        canvas.drawImageRect(
            part.image,
            skia.Rect.MakeLTRB(cx - r, cy - r, cx + r, cy + r),
            skia.SamplingOptions(skia.FilterMode.kLinear),
            paint,
        )
        canvas.restore()

    def _label(self, canvas: skia.Canvas, part: Label, transform: Affine, px_per_m: float) -> None:
        if part.size_m is not None:
            self._lettering(canvas, part, transform, px_per_m)
            return
        x, y = transform.apply(*part.at)
        size = min(max(px_per_m * 0.09, 8.0), self.frame_height * 0.03)
        font = label_font(size)
        text_w = font.measureText(part.text)
        pad = size * 0.35
        box = skia.Rect.MakeXYWH(x - text_w / 2 - pad, y - size * 0.5 - pad, text_w + 2 * pad, size + 2 * pad)
        canvas.drawRoundRect(box, pad, pad, skia.Paint(Color=self.tone.argb(part.rgb), AntiAlias=True))
        canvas.drawRoundRect(
            box,
            pad,
            pad,
            skia.Paint(Color=skia.ColorBLACK, AntiAlias=True, Style=skia.Paint.kStroke_Style, StrokeWidth=1),
        )
        r, g, b = self.tone.rgb(part.rgb)
        text_rgb = (0, 0, 0) if luminance((r / 255, g / 255, b / 255)) > 0.5 else (255, 255, 255)
        canvas.drawString(
            part.text,
            x - text_w / 2,
            y + size * 0.36,
            font,
            skia.Paint(Color=skia.Color(*text_rgb), AntiAlias=True),
        )

    def _lettering(self, canvas: skia.Canvas, part: Label, transform: Affine, px_per_m: float) -> None:
        """Text painted on a body (a sign's name): sized in metres, shrunk to fit its width, centred."""
        assert part.size_m is not None
        x, y = transform.apply(*part.at)
        size = part.size_m * px_per_m
        if size < 4.0:
            return  # too small to read: the sign's panel alone says enough
        font = label_font(size)
        text_w = font.measureText(part.text)
        if part.width_m is not None and text_w > part.width_m * px_per_m:
            size *= part.width_m * px_per_m / text_w
            font = label_font(size)
            text_w = font.measureText(part.text)
        canvas.drawString(
            part.text,
            x - text_w / 2,
            y + size * 0.36,
            font,
            skia.Paint(Color=self.tone.argb(part.rgb, lit=False), AntiAlias=True),
        )

    def _ghost(self, canvas: skia.Canvas, part: Fill, matrix: skia.Matrix, alpha: float) -> None:
        path = skia.Path()
        part.path.transform(matrix, path)
        rgb = PAPER_RGB if self.style.fill == "pencil" else self.tone.rgb(part.rgb, lit=not part.emissive)
        canvas.drawPath(
            path, skia.Paint(Color=skia.Color(*rgb, round(alpha * part.alpha * 255)), AntiAlias=True)
        )


def _ramps(style: Style, tone: Tone, frame_height: int) -> Ramps | None:
    if style.fill not in ("soft", "clay"):
        return None
    lift, shade = (0.22, 0.5) if style.fill == "soft" else (0.14, 0.34)
    highlight = tone.rgb(tone.lighting.key_rgb, lit=False)
    return Ramps(tone.lighting.key_dir_screen, highlight, lift=lift, shade=shade, frame_height=frame_height)


def _image_colour_filter(style: Style, tone: Tone) -> skia.ColorFilter | None:
    """A colour matrix that grades pasted images (face crops) like everything else in the style."""
    ar, ag, ab = tone.lighting.ambient
    if style.grade in ("noir", "pencil"):
        gain, bias = (1.7, -0.3) if style.grade == "noir" else (0.5, 0.48)
        row = [0.2126 * ar * gain, 0.7152 * ag * gain, 0.0722 * ab * gain, 0.0, bias]
        return skia.ColorFilters.Matrix([*row, *row, *row, 0.0, 0.0, 0.0, 1.0, 0.0])
    if (ar, ag, ab) == (1.0, 1.0, 1.0):
        return None
    return skia.ColorFilters.Matrix([ar, 0, 0, 0, 0, 0, ag, 0, 0, 0, 0, 0, ab, 0, 0, 0, 0, 0, 1, 0])
