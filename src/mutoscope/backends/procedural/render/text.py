"""Fonts for labels and captions: one typeface, looked up once, fonts cached by size.

Text is the one place rendering depends on the machine (installed fonts); nothing golden-hashed draws text.
"""

from __future__ import annotations

from functools import lru_cache

import skia

_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica")


@lru_cache(maxsize=1)
def _typeface() -> skia.Typeface:
    manager = skia.FontMgr.RefDefault()
    for family in _FAMILIES:
        typeface = manager.matchFamilyStyle(family, skia.FontStyle.Bold())
        if typeface is not None:
            return typeface
    return manager.legacyMakeTypeface("", skia.FontStyle.Bold())


@lru_cache(maxsize=64)
def _font(size_tenths: int) -> skia.Font:
    font = skia.Font(_typeface(), size_tenths / 10.0)
    font.setEdging(skia.Font.Edging.kAntiAlias)
    return font


def label_font(size_px: float) -> skia.Font:
    """A bold sans font `size_px` tall (sizes are rounded to 0.1 px so fonts can be cached)."""
    return _font(max(10, round(size_px * 10)))
