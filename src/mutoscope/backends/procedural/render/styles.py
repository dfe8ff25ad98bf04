"""Style definitions: what makes each rendering style look like itself.

A `Style` is plain data read by the other render modules: how shapes are filled (`fill`), how thick and what
colour their outlines are, the colour grade applied to every colour before drawing (`grade`), and the
screen-space finishing touches (letterbox, vignette, grain, paper, venetian blinds). Nothing here draws; the
ink, backdrop and finish modules interpret these fields. Every style must stay distinguishable by simple image
statistics (saturation, edge density, luminance spread, letterbox rows), which the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mutoscope.errors import InvalidRequestError

# How a body part's interior is painted.
#   soft:   a linear gradient from the lit side to the shaded side (realistic, cinematic)
#   cel:    flat base tone plus a hard-edged shade band (anime)
#   flat:   one flat colour (cartoon)
#   pencil: paper-coloured fill with grey hatching whose density follows the tone (sketch)
#   clay:   soft gradient plus a cached clay/fingerprint texture that moves with the body (claymation)
#   hard:   lit tone plus a large, hard, near-black shadow (noir)
Fill = Literal["soft", "cel", "flat", "pencil", "clay", "hard"]
# The colour grade every colour passes through before it is drawn (see tone.py).
Grade = Literal["natural", "teal_orange", "vivid", "bold", "pencil", "clay", "noir"]


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    fill: Fill
    grade: Grade
    # Outline width as a fraction of the frame height at a body scale of 1 m = frame_height / 4;
    # 0 disables outlines. Scaled with the body's on-screen size so distant figures keep thin lines.
    outline: float
    outline_rgb: tuple[int, int, int] | None  # None: a darkened version of the fill colour
    wobble: float = 0.0  # pencil jitter of outlines, in pixels at 720 rows
    letterbox_aspect: float = 0.0  # 0 = none; 2.39 = cinemascope bars
    vignette: float = 0.0  # 0..1 darkening of the corners
    grain: float = 0.0  # 0..1 film grain strength
    paper: bool = False  # off-white paper texture instead of sky and ground colours
    blinds: bool = False  # venetian-blind shadow stripes across the frame
    on_twos: bool = False  # motion stepped on every second frame (stop motion)
    squash_stretch: float = 0.0  # how much fast bodies stretch along their motion
    speed_lines: bool = False  # streaks behind fast bodies
    soft_shadows: bool = True  # blurred ground shadows (False: hard ellipses)
    contact_shadows: bool = False  # an extra dark, tight shadow where a body touches the ground
    shade_offset: float = 0.18  # cel/hard: how far the lit region is shifted toward the light (of part size)


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style("realistic", "soft", "natural", outline=0.0, outline_rgb=None, contact_shadows=True),
        Style(
            "cinematic",
            "soft",
            "teal_orange",
            outline=0.0,
            outline_rgb=None,
            letterbox_aspect=2.39,
            vignette=0.55,
            grain=0.35,
            contact_shadows=True,
        ),
        Style(
            "anime",
            "cel",
            "vivid",
            outline=0.006,
            outline_rgb=(40, 30, 45),
            speed_lines=True,
            soft_shadows=False,
            shade_offset=0.22,
        ),
        Style(
            "cartoon",
            "flat",
            "bold",
            outline=0.012,
            outline_rgb=(0, 0, 0),
            squash_stretch=0.5,
            soft_shadows=False,
        ),
        Style("sketch", "pencil", "pencil", outline=0.004, outline_rgb=(70, 70, 74), wobble=1.6, paper=True),
        Style(
            "claymation",
            "clay",
            "clay",
            outline=0.003,
            outline_rgb=None,
            on_twos=True,
            vignette=0.25,
            contact_shadows=True,
        ),
        Style(
            "noir",
            "hard",
            "noir",
            outline=0.0,
            outline_rgb=None,
            vignette=0.6,
            grain=0.5,
            blinds=True,
            soft_shadows=False,
            shade_offset=0.35,
        ),
    )
}
STYLE_NAMES: tuple[str, ...] = tuple(STYLES)


def style_named(name: str) -> Style:
    """The style called `name`; unknown names fail with the list of known ones."""
    try:
        return STYLES[name]
    except KeyError:
        raise InvalidRequestError(
            f"unknown render style {name!r}; known styles: {', '.join(STYLE_NAMES)}", param="style"
        ) from None
