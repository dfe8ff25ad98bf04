"""The OpenAI Videos parameters and their exact error messages.

`seconds` is a string on the wire (an integer is a type error, as on the hosted API), sizes come from a fixed list
(including the 16/20 s and 1080p values the hosted API added late), and models are OpenAI names mapped to
configured backends or a backend's own name. Each check raises `InvalidRequestError` naming the parameter.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from mutoscope.errors import InvalidRequestError

SECONDS = ("4", "8", "12", "16", "20")
SIZES = ("720x1280", "1280x720", "1024x1792", "1792x1024", "1080x1920", "1920x1080")
DEFAULT_SECONDS = "4"
DEFAULT_SIZE = "720x1280"
MAX_CHARACTERS = 2


def _choices(values: Collection[str]) -> str:
    quoted = [f"'{v}'" for v in values]
    return ", ".join(quoted[:-1]) + f", or {quoted[-1]}"


def prompt_param(body: Mapping[str, Any], *, required: bool = True) -> str:
    value = body.get("prompt")
    if value is None and not required:
        return ""
    if value is None:
        raise InvalidRequestError(
            "Missing required parameter: 'prompt'.", param="prompt", code="missing_required_parameter"
        )
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"Invalid type for 'prompt': expected a string, but got {_type_name(value)} instead.",
            param="prompt",
            code="invalid_type",
        )
    if not value.strip():
        raise InvalidRequestError("'prompt' must not be empty.", param="prompt")
    return value


def seconds_param(body: Mapping[str, Any], *, default: str | None = DEFAULT_SECONDS) -> str:
    value = body.get("seconds", default)
    if value is None:
        raise InvalidRequestError(
            "Missing required parameter: 'seconds'.", param="seconds", code="missing_required_parameter"
        )
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"Invalid type for 'seconds': expected one of {_choices(SECONDS)}, "
            f"but got {_type_name(value)} instead.",
            param="seconds",
            code="invalid_type",
        )
    if value not in SECONDS:
        raise InvalidRequestError(
            f"Invalid value: '{value}'. Supported values are: {_choices(SECONDS)}.", param="seconds"
        )
    return value


def size_param(body: Mapping[str, Any], *, default: str = DEFAULT_SIZE) -> tuple[str, int, int]:
    value = body.get("size", default)
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"Invalid type for 'size': expected a string, but got {_type_name(value)} instead.",
            param="size",
            code="invalid_type",
        )
    if value not in SIZES:
        raise InvalidRequestError(
            f"Invalid value: '{value}'. Supported values are: {_choices(SIZES)}.", param="size"
        )
    width, height = (int(side) for side in value.split("x"))
    return value, width, height


def model_param(
    body: Mapping[str, Any], *, aliases: Mapping[str, str], backends: Collection[str], default: str
) -> tuple[str, str]:
    """(the model name as sent, the backend it runs on)."""
    value = body.get("model", default)
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"Invalid type for 'model': expected a string, but got {_type_name(value)} instead.",
            param="model",
            code="invalid_type",
        )
    backend = aliases.get(value, value)
    if backend not in backends:
        known = sorted({*aliases, *backends})
        raise InvalidRequestError(
            f"The model '{value}' does not exist. Available models: {', '.join(known)}.",
            param="model",
            code="model_not_found",
        )
    return value, backend


def character_ids_param(body: Mapping[str, Any]) -> tuple[str, ...]:
    """`characters`: a list of `{"id": "char_…"}` (as the SDK's extra_body sends), or of bare ids."""
    value = body.get("characters")
    if value is None:
        return ()
    if isinstance(value, str):
        value = _json_list(value)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise InvalidRequestError(
            "'characters' must be a list of {\"id\": ...} objects.", param="characters", code="invalid_type"
        )
    ids = []
    for item in value:
        ident = item.get("id") if isinstance(item, dict) else item
        if not isinstance(ident, str) or not ident.startswith("char_"):
            raise InvalidRequestError(
                "each entry of 'characters' needs an 'id' like 'char_…'.", param="characters"
            )
        ids.append(ident)
    if len(ids) > MAX_CHARACTERS:
        raise InvalidRequestError(f"at most {MAX_CHARACTERS} characters per video", param="characters")
    if len(set(ids)) != len(ids):
        raise InvalidRequestError("a character is listed twice", param="characters")
    return tuple(ids)


def video_reference(body: Mapping[str, Any]) -> str | None:
    """The `{id}` form of an edit/extend `video` parameter (None when it is an upload)."""
    value = body.get("video")
    if isinstance(value, dict):
        ident = value.get("id")
        if not isinstance(ident, str) or not ident:
            raise InvalidRequestError(
                '\'video\' must be an uploaded file or {"id": "video_…"}.', param="video"
            )
        return ident
    if isinstance(value, str):
        parsed = _json_object(value)
        if parsed is not None:
            return video_reference({"video": parsed})
        raise InvalidRequestError('\'video\' must be an uploaded file or {"id": "video_…"}.', param="video")
    return None


def _json_list(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError as exc:
        raise InvalidRequestError(
            "'characters' is not valid JSON", param="characters", code="invalid_type"
        ) from exc


def _json_object(value: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else "a string"
