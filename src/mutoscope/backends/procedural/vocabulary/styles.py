"""Render styles the procedural backend offers, and the prompt words that ask for each.

`STYLES` is what the backend spec advertises and the renderer implements; the planner only chooses one.
This module is imported by the backend spec at registry time, so it stays pure data.
"""

from __future__ import annotations

STYLES: tuple[str, ...] = ("realistic", "cinematic", "anime", "cartoon", "sketch", "claymation", "noir")
DEFAULT_STYLE = "cinematic"

STYLE_WORDS: dict[str, str] = {
    "realistic": "realistic", "realism": "realistic", "photoreal": "realistic", "photorealistic": "realistic",
    "photo realistic": "realistic", "lifelike": "realistic", "documentary": "realistic",
    "natural": "realistic",
    "real life": "realistic", "live action": "realistic", "hyperrealistic": "realistic",
    "cinematic": "cinematic", "film": "cinematic", "movie": "cinematic", "filmic": "cinematic",
    "epic": "cinematic", "blockbuster": "cinematic", "hollywood": "cinematic", "trailer": "cinematic",
    "anime": "anime", "manga": "anime", "cel shaded": "anime", "japanese animation": "anime",
    "cartoon": "cartoon", "cartoonish": "cartoon", "cartoony": "cartoon", "animated": "cartoon",
    "toon": "cartoon", "comic": "cartoon", "comic book": "cartoon", "kids show": "cartoon",
    "3d animation": "cartoon",
    "sketch": "sketch", "sketched": "sketch", "pencil": "sketch", "pencil sketch": "sketch",
    "pencil drawing": "sketch", "drawing": "sketch", "drawn": "sketch", "hand drawn": "sketch",
    "charcoal": "sketch", "line art": "sketch", "doodle": "sketch", "storyboard style": "sketch",
    "claymation": "claymation", "clay": "claymation", "clay animation": "claymation",
    "plasticine": "claymation",
    "stop motion": "claymation", "play doh": "claymation", "noir": "noir", "film noir": "noir",
    "black and white": "noir", "black & white": "noir", "monochrome": "noir", "b&w": "noir",
}  # fmt: skip
