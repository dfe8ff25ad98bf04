"""Camera language: framing and move words, and the defaults a shot gets when the prompt says nothing.

Words map to `Scene.Framing` / `Scene.CameraMove` values. "pan" alone is deliberately absent (it is also a
frying pan); "pans", "panning" and "pan shot" are camera words.
"""

from __future__ import annotations

from mutoscope.backends.procedural.scene import CameraMove, Framing

FRAMING_WORDS: dict[str, Framing] = {
    "wide": "wide", "wide shot": "wide", "wide angle": "wide", "long shot": "wide",
    "establishing shot": "wide",
    "full shot": "wide", "panorama": "wide", "panoramic": "wide", "medium": "medium", "medium shot": "medium",
    "mid shot": "medium", "waist shot": "medium", "two shot": "medium", "over the shoulder": "medium",
    "close up": "close_up", "closeup": "close_up", "close shot": "close_up", "extreme close up": "close_up",
    "macro": "close_up", "portrait": "close_up", "headshot": "close_up", "detail shot": "close_up",
    "aerial": "aerial", "aerial shot": "aerial", "aerial view": "aerial", "drone shot": "aerial",
    "bird's eye": "aerial", "birds eye": "aerial", "bird's eye view": "aerial", "overhead": "aerial",
    "overhead shot": "aerial", "top down": "aerial", "from above": "aerial",
}  # fmt: skip

MOVE_WORDS: dict[str, CameraMove] = {
    "static": "static", "static shot": "static", "locked off": "static", "still shot": "static",
    "tripod": "static", "fixed camera": "static", "pans": "pan", "panning": "pan", "pan shot": "pan",
    "camera pans": "pan", "whip pan": "pan", "pan across": "pan", "tracking": "tracking",
    "tracking shot": "tracking", "follow shot": "tracking", "following shot": "tracking",
    "camera follows": "tracking", "handheld": "tracking", "steadicam": "tracking", "dolly in": "dolly_in",
    "push in": "dolly_in", "zoom in": "dolly_in", "zooms in": "dolly_in", "slow zoom": "dolly_in",
    "dolly": "dolly_in", "dolly out": "dolly_out", "pull back": "dolly_out", "pulls back": "dolly_out",
    "pull out": "dolly_out", "zoom out": "dolly_out", "zooms out": "dolly_out", "crane": "crane",
    "crane shot": "crane", "jib": "crane", "rises": "crane", "camera rises": "crane", "boom": "crane",
}  # fmt: skip

# Framings a new shot cycles through when its prompt names none, so consecutive cuts differ.
DEFAULT_FRAMINGS: tuple[Framing, ...] = ("wide", "medium", "close_up", "medium")
