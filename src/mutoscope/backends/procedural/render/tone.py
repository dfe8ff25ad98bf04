"""Colour as drawn: every RGB the renderer paints passes through `Tone` first.

`Tone` applies, in order, the scene's lighting (ambient tint; darker at night, warmer at sunset), an optional
shading factor (the shaded side of a body, the lit side's highlight) and the style's colour grade (natural,
teal-orange, vivid anime, bold cartoon, pencil greys, warm clay, high-contrast noir). Grading colours rather
than pixels keeps it off the per-frame hot path: results are memoised, so each distinct colour is graded once.
"""

from __future__ import annotations

from collections.abc import Callable

from mutoscope.backends.procedural.render.lighting import Lighting
from mutoscope.backends.procedural.render.styles import Grade, Style
from mutoscope.backends.procedural.scene import RGB

FloatRGB = tuple[float, float, float]
_TEAL: FloatRGB = (0.05, 0.42, 0.5)
_ORANGE: FloatRGB = (1.0, 0.62, 0.32)
_PENCIL_WARMTH: FloatRGB = (1.0, 0.99, 0.96)


def luminance(rgb: FloatRGB) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def _clamp(value: float) -> float:
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value


def _saturate(rgb: FloatRGB, amount: float) -> FloatRGB:
    y = luminance(rgb)
    return (y + (rgb[0] - y) * amount, y + (rgb[1] - y) * amount, y + (rgb[2] - y) * amount)


def _contrast(rgb: FloatRGB, amount: float, pivot: float = 0.5) -> FloatRGB:
    return (
        (rgb[0] - pivot) * amount + pivot,
        (rgb[1] - pivot) * amount + pivot,
        (rgb[2] - pivot) * amount + pivot,
    )


def _natural(rgb: FloatRGB) -> FloatRGB:
    return _contrast(rgb, 1.04)


def _teal_orange(rgb: FloatRGB) -> FloatRGB:
    # Split toning: shadows lean teal, highlights lean orange; skin tones (mid-high) warm up.
    y = luminance(rgb)
    target = _ORANGE if y > 0.45 else _TEAL
    weight = min(0.42, abs(y - 0.45) * 0.9)
    toned = tuple(c + (t * y * 1.6 - c) * weight for c, t in zip(rgb, target, strict=True))
    return _contrast(_saturate((toned[0], toned[1], toned[2]), 0.9), 1.18, 0.45)


def _vivid(rgb: FloatRGB) -> FloatRGB:
    lifted = _saturate(rgb, 1.3)
    return (lifted[0] * 1.04 + 0.02, lifted[1] * 1.04 + 0.02, lifted[2] * 1.04 + 0.02)


def _bold(rgb: FloatRGB) -> FloatRGB:
    return _contrast(_saturate(rgb, 1.6), 1.08)


def _pencil(rgb: FloatRGB) -> FloatRGB:
    # Graphite on paper: only lightness survives, compressed toward the paper white.
    g = 0.5 + 0.46 * luminance(rgb)
    return (g * _PENCIL_WARMTH[0], g * _PENCIL_WARMTH[1], g * _PENCIL_WARMTH[2])


def _clay(rgb: FloatRGB) -> FloatRGB:
    matte = _saturate(rgb, 0.88)
    return (matte[0] * 0.94 + 0.06, matte[1] * 0.92 + 0.04, matte[2] * 0.86 + 0.02)


def _noir(rgb: FloatRGB) -> FloatRGB:
    y = luminance(rgb)
    g = _clamp((y - 0.52) * 2.3 + 0.42)
    g = g * g * (3.0 - 2.0 * g)  # smoothstep: crushes blacks and blows highlights for hard contrast
    return (g, g, g)


GRADES: dict[Grade, Callable[[FloatRGB], FloatRGB]] = {
    "natural": _natural,
    "teal_orange": _teal_orange,
    "vivid": _vivid,
    "bold": _bold,
    "pencil": _pencil,
    "clay": _clay,
    "noir": _noir,
}


class Tone:
    """Lit and graded colours for one render (style + lighting), memoised."""

    def __init__(self, style: Style, lighting: Lighting) -> None:
        self.style = style
        self.lighting = lighting
        self._grade = GRADES[style.grade]
        self._cache: dict[tuple[RGB, float, bool], RGB] = {}
        ambient = lighting.ambient
        if style.grade == "noir":
            # Noir lights its night scenes hard: a dim ambient would otherwise crush everything to black.
            ambient = (ambient[0] ** 0.35, ambient[1] ** 0.35, ambient[2] ** 0.35)
        self._ambient = ambient

    def rgb(self, base: RGB, shade: float = 1.0, *, lit: bool = True) -> RGB:
        """`base` under the scene's ambient light (if `lit`), scaled by `shade`, then graded."""
        key = (base, shade, lit)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        ambient = self._ambient if lit else (1.0, 1.0, 1.0)
        linear = (
            base[0] / 255.0 * ambient[0] * shade,
            base[1] / 255.0 * ambient[1] * shade,
            base[2] / 255.0 * ambient[2] * shade,
        )
        graded = self._grade(linear)
        out = (round(_clamp(graded[0]) * 255), round(_clamp(graded[1]) * 255), round(_clamp(graded[2]) * 255))
        self._cache[key] = out
        return out

    def argb(self, base: RGB, shade: float = 1.0, *, alpha: float = 1.0, lit: bool = True) -> int:
        """The colour as a skia ARGB integer."""
        r, g, b = self.rgb(base, shade, lit=lit)
        return (round(_clamp(alpha) * 255) << 24) | (r << 16) | (g << 8) | b

    def highlight(self, base: RGB) -> RGB:
        """The lit side of a body: the base colour pulled toward the key light's colour."""
        key = self.lighting.key_rgb
        return (
            min(255, round(base[0] * 0.8 + key[0] * 0.28)),
            min(255, round(base[1] * 0.8 + key[1] * 0.28)),
            min(255, round(base[2] * 0.8 + key[2] * 0.28)),
        )

    def lightness(self, base: RGB) -> float:
        """Perceived lightness 0..1 of `base` as lit (what the pencil style hatches by)."""
        r, g, b = self.rgb(base)
        return luminance((r / 255.0, g / 255.0, b / 255.0))


def argb(rgb: RGB, alpha: float = 1.0) -> int:
    """An ungraded colour as a skia ARGB integer (for emissive things and overlays)."""
    return (round(_clamp(alpha) * 255) << 24) | (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]
