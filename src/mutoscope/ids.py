"""Identifiers: `<prefix>_<32 hex>` strings, the shape the OpenAI API uses (`video_…`, `char_…`)."""

from __future__ import annotations

import re
import secrets

_ID_PATTERN = re.compile(r"^[a-z]+_[0-9a-f]{32}$")


def new_id(prefix: str) -> str:
    """A fresh random id such as `video_3f…` (128 random bits)."""
    if not prefix.isalpha() or not prefix.islower():
        raise ValueError(f"id prefix must be lowercase letters, got {prefix!r}")
    return f"{prefix}_{secrets.token_hex(16)}"


def is_id(value: str, prefix: str) -> bool:
    """Whether `value` is a well-formed id with this prefix."""
    return bool(_ID_PATTERN.match(value)) and value.startswith(prefix + "_")
