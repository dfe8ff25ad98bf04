"""A body as drawable parts: the vocabulary between body builders and the ink.

Body builders (humanoid, creatures, props, fixtures, faces, accessories) describe a body at one frame as a
`Figure`: ordered `Fill`, `Stroke`, `Picture` and `Label` parts with paths in the body's local frame (metres,
x forward, y up, origin at the body root). They never touch a canvas; `ink.Ink` transforms the parts to the
screen and paints them in the style. This module also holds the small path constructors they share
(capsules, ellipses, polygons, arcs) and `Affine`, the 2-D transform used from local metres to pixels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import skia

from mutoscope.backends.procedural.scene import RGB

Point = tuple[float, float]


@dataclass(slots=True)
class Fill:
    """A filled shape, shaded and outlined per the style; `emissive` colours ignore the scene light."""

    path: skia.Path
    rgb: RGB
    shade: bool = True
    outline: bool = True
    emissive: bool = False
    alpha: float = 1.0


@dataclass(slots=True)
class Stroke:
    """A line of fixed width in metres (seams, nets, mouths, strings); never shaded."""

    path: skia.Path
    rgb: RGB
    width_m: float
    emissive: bool = False
    alpha: float = 1.0


@dataclass(slots=True)
class Picture:
    """An image pasted into a circle (a character's face crop)."""

    image: skia.Image
    center: Point
    radius_m: float


@dataclass(slots=True)
class Label:
    """Upright text on a small badge at a local point (an accessory the renderer has no drawing for), or,
    with `size_m`, lettering of that height in metres no wider than `width_m` (a sign's name)."""

    text: str
    at: Point
    rgb: RGB
    size_m: float | None = None
    width_m: float | None = None


Part = Fill | Stroke | Picture | Label


@dataclass(slots=True)
class Figure:
    """A body's parts in drawing order; `front` parts are drawn after every movable body (a hoop's rim)."""

    parts: list[Part] = field(default_factory=list)
    front: list[Part] = field(default_factory=list)

    def fill(
        self,
        path: skia.Path,
        rgb: RGB,
        *,
        shade: bool = True,
        outline: bool = True,
        emissive: bool = False,
        alpha: float = 1.0,
    ) -> None:
        self.parts.append(Fill(path, rgb, shade, outline, emissive, alpha))

    def stroke(
        self, path: skia.Path, rgb: RGB, width_m: float, *, emissive: bool = False, alpha: float = 1.0
    ) -> None:
        self.parts.append(Stroke(path, rgb, width_m, emissive, alpha))


@dataclass(frozen=True, slots=True)
class Affine:
    """x' = a·x + c·y + e ; y' = b·x + d·y + f (skia's scaleX, skewY, skewX, scaleY, transX, transY)."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def __matmul__(self, other: Affine) -> Affine:
        """self ∘ other: apply `other` first."""
        return Affine(
            self.a * other.a + self.c * other.b,
            self.b * other.a + self.d * other.b,
            self.a * other.c + self.c * other.d,
            self.b * other.c + self.d * other.d,
            self.a * other.e + self.c * other.f + self.e,
            self.b * other.e + self.d * other.f + self.f,
        )

    def apply(self, x: float, y: float) -> Point:
        return (self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f)

    @property
    def scale(self) -> float:
        """Geometric mean scale factor (how many output units one local unit spans)."""
        return math.sqrt(abs(self.a * self.d - self.b * self.c))

    def to_skia(self) -> skia.Matrix:
        return skia.Matrix.MakeAll(self.a, self.c, self.e, self.b, self.d, self.f, 0.0, 0.0, 1.0)

    @staticmethod
    def translate(x: float, y: float) -> Affine:
        return Affine(e=x, f=y)

    @staticmethod
    def scaling(sx: float, sy: float) -> Affine:
        return Affine(a=sx, d=sy)

    @staticmethod
    def rotation(angle_rad: float) -> Affine:
        cos, sin = math.cos(angle_rad), math.sin(angle_rad)
        return Affine(a=cos, b=sin, c=-sin, d=cos)

    @staticmethod
    def stretch(direction_rad: float, along: float, across: float) -> Affine:
        """Scale by `along` in `direction_rad` and `across` perpendicular to it."""
        return (
            Affine.rotation(direction_rad) @ Affine.scaling(along, across) @ Affine.rotation(-direction_rad)
        )


# --- path constructors (local metres) ---


def polygon(points: Sequence[Point], close: bool = True) -> skia.Path:
    path = skia.Path()
    path.addPoly([skia.Point(x, y) for x, y in points], close)
    return path


def polyline(points: Sequence[Point]) -> skia.Path:
    return polygon(points, close=False)


def smooth_polyline(points: Sequence[Point], close: bool = False) -> skia.Path:
    """A curve through `points` (quadratic segments between midpoints): organic outlines from few points."""
    path = skia.Path()
    if len(points) < 3:
        return polygon(points, close)
    if close:
        first_mid = _mid(points[-1], points[0])
        path.moveTo(*first_mid)
        for i, point in enumerate(points):
            path.quadTo(point[0], point[1], *_mid(point, points[(i + 1) % len(points)]))
        path.close()
        return path
    path.moveTo(*points[0])
    for i in range(1, len(points) - 1):
        path.quadTo(points[i][0], points[i][1], *_mid(points[i], points[i + 1]))
    path.lineTo(*points[-1])
    return path


def _mid(p: Point, q: Point) -> Point:
    return ((p[0] + q[0]) * 0.5, (p[1] + q[1]) * 0.5)


def ellipse(cx: float, cy: float, rx: float, ry: float) -> skia.Path:
    path = skia.Path()
    path.addOval(skia.Rect.MakeLTRB(cx - rx, cy - ry, cx + rx, cy + ry))
    return path


def circle(cx: float, cy: float, r: float) -> skia.Path:
    return ellipse(cx, cy, r, r)


def rect(x0: float, y0: float, x1: float, y1: float, radius: float = 0.0) -> skia.Path:
    path = skia.Path()
    box = skia.Rect.MakeLTRB(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    if radius > 0:
        path.addRoundRect(box, radius, radius)
    else:
        path.addRect(box)
    return path


def band(period: float, y0: float, y1: float) -> skia.Path:
    """A horizontal band across one period of a tiling strip, overhanging both ends so tiles join seamlessly
    (each tile draws its neighbours' overhangs, which cover the band's own end edges)."""
    return rect(-0.05 * period, y0, 1.05 * period, y1)


def capsule(p: Point, q: Point, r0: float, r1: float | None = None) -> skia.Path:
    """A limb: a tapered capsule from `p` (radius r0) to `q` (radius r1): two half-circle caps joined by
    straight sides (native arcs: a limb is built many times a frame, and Python trigonometry for polygon
    caps cost seven times as much)."""
    r1 = r0 if r1 is None else r1
    base = math.degrees(math.atan2(q[1] - p[1], q[0] - p[0]))
    path = skia.Path()
    path.arcTo(skia.Rect.MakeLTRB(q[0] - r1, q[1] - r1, q[0] + r1, q[1] + r1), base - 90.0, 180.0, True)
    path.arcTo(skia.Rect.MakeLTRB(p[0] - r0, p[1] - r0, p[0] + r0, p[1] + r0), base + 90.0, 180.0, False)
    path.close()
    return path


def arc(
    centre: Point, radii: tuple[float, float], start_rad: float, sweep_rad: float, steps: int = 12
) -> skia.Path:
    return polyline(arc_points(centre, radii, start_rad, sweep_rad, steps))


def arc_points(
    centre: Point, radii: tuple[float, float], start_rad: float, sweep_rad: float, steps: int = 12
) -> list[Point]:
    """Points along an elliptical arc from `start_rad`, sweeping `sweep_rad` (counter-clockwise, y up)."""
    (cx, cy), (rx, ry) = centre, radii
    angles = [start_rad + sweep_rad * k / steps for k in range(steps + 1)]
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def union(paths: Iterable[skia.Path]) -> skia.Path:
    """The boolean union of filled shapes: one outline around overlapping blobs (clouds, canopies)."""
    builder = skia.OpBuilder()
    for path in paths:
        builder.add(path, skia.PathOp.kUnion_PathOp)
    result = builder.resolve()
    return result if result is not None else skia.Path()


def combine(paths: Iterable[skia.Path]) -> skia.Path:
    """Several open or closed contours in one path, untouched (a net's strings, drawn as one stroke)."""
    out = skia.Path()
    for path in paths:
        out.addPath(path)
    return out


def limb_end(start: Point, length: float, angle_from_down: float) -> Point:
    """The end of a segment hanging from `start`, swung forward (toward +x) by `angle_from_down`."""
    return (start[0] + length * math.sin(angle_from_down), start[1] - length * math.cos(angle_from_down))
