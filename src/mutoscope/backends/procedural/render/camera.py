"""World → screen: the camera of one frame, from `CameraTrack`.

The track gives, per frame, the world point at the frame centre and how many metres of world the frame's
height shows; `View` turns that into a pixel scale and an affine map (metres, y up → pixels, y down). The
height that shows it is the picture's: a letterboxed style's bars cover part of the frame, so its view height
is fitted between the bars (what the camera framed stays in the picture, not under a bar). Shot changes in the
track are cuts: `Camera.same_shot` tells the renderer when motion blur must not reach back into the previous
frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from mutoscope.backends.procedural.track import CameraTrack

MIN_VIEW_HEIGHT_M = 0.05  # a close-up of a bee; anything smaller is a planning error


@dataclass(frozen=True, slots=True)
class View:
    """One frame's camera: `scale` pixels per metre, world `center` at the frame centre."""

    center_x_m: float
    center_y_m: float
    scale: float
    width: int
    height: int

    def to_screen(self, x_m: float, y_m: float) -> tuple[float, float]:
        return (
            self.width * 0.5 + (x_m - self.center_x_m) * self.scale,
            self.height * 0.5 - (y_m - self.center_y_m) * self.scale,
        )

    def to_world(self, x_px: float, y_px: float) -> tuple[float, float]:
        return (
            self.center_x_m + (x_px - self.width * 0.5) / self.scale,
            self.center_y_m - (y_px - self.height * 0.5) / self.scale,
        )

    @property
    def left_m(self) -> float:
        return self.center_x_m - self.width * 0.5 / self.scale

    @property
    def right_m(self) -> float:
        return self.center_x_m + self.width * 0.5 / self.scale

    @property
    def bottom_m(self) -> float:
        return self.center_y_m - self.height * 0.5 / self.scale

    @property
    def top_m(self) -> float:
        return self.center_y_m + self.height * 0.5 / self.scale


class Camera:
    """Per-frame views of a `CameraTrack` at a given output size."""

    def __init__(
        self, track: CameraTrack, width: int, height: int, picture_height: int | None = None
    ) -> None:
        self.track = track
        self.width = width
        self.height = height
        self.picture_height = height if picture_height is None else min(max(picture_height, 1), height)
        self.frame_count = len(track.center_x_m)

    def view(self, index: int) -> View:
        i = min(max(index, 0), self.frame_count - 1)
        view_height = max(float(self.track.view_height_m[i]), MIN_VIEW_HEIGHT_M)
        return View(
            center_x_m=float(self.track.center_x_m[i]),
            center_y_m=float(self.track.center_y_m[i]),
            scale=self.picture_height / view_height,
            width=self.width,
            height=self.height,
        )

    def same_shot(self, a: int, b: int) -> bool:
        """Whether frames `a` and `b` belong to one shot (no cut between them)."""
        if min(a, b) < 0 or max(a, b) >= self.frame_count:
            return False
        return bool(self.track.shot[a] == self.track.shot[b])

    def reference_scale(self) -> float:
        """A typical pixels-per-metre for the clip (the median view), used to pre-render scenery."""
        heights = sorted(max(float(h), MIN_VIEW_HEIGHT_M) for h in self.track.view_height_m)
        return self.picture_height / heights[len(heights) // 2]
