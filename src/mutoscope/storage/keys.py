"""Blob keys: the one naming rule every blob store enforces, so a key valid on disk is valid on S3 too.

A key is a relative, `/`-separated path of parts made of `[A-Za-z0-9._-]`: no leading `/`, no empty part, no
part that starts with a dot (that rules out `.`, `..` and the `.tmp-*` names stores use for half-written
files), at most 1024 characters. A prefix follows the same rule except that it may be empty or end with `/`.
"""

from __future__ import annotations

import re

from mutoscope.errors import InvalidRequestError

MAX_KEY_LENGTH = 1024
_PART = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")


def validate_key(key: str) -> str:
    """`key` unchanged when it is a valid blob key; otherwise `InvalidRequestError` saying why."""
    if not isinstance(key, str) or not key:
        raise InvalidRequestError("A blob key must be a non-empty string.", param="key")
    _check_parts(key, key.split("/"), "key")
    return key


def validate_prefix(prefix: str) -> str:
    """`prefix` unchanged when it is empty or a valid key, optionally ending with `/`."""
    if not isinstance(prefix, str):
        raise InvalidRequestError("A blob key prefix must be a string.", param="prefix")
    if prefix:
        parts = prefix.split("/")
        _check_parts(prefix, parts[:-1] if parts[-1] == "" else parts, "prefix")
    return prefix


def _check_parts(value: str, parts: list[str], param: str) -> None:
    if len(value) > MAX_KEY_LENGTH:
        raise InvalidRequestError(f"Blob {param} is longer than {MAX_KEY_LENGTH} characters.", param=param)
    if value.startswith("/"):
        raise InvalidRequestError(f"Blob {param} {value!r} must be relative (no leading '/').", param=param)
    for part in parts:
        if not part:
            raise InvalidRequestError(f"Blob {param} {value!r} has an empty path part.", param=param)
        if not _PART.match(part):
            raise InvalidRequestError(
                f"Blob {param} {value!r} has the invalid part {part!r}: parts use only A-Z a-z 0-9 . _ - "
                "and must not start with '.'.",
                param=param,
            )
