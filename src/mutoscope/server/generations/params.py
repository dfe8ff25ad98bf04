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
MAX_CHARACTERS = 4  # the characters issue: up to 4 in one generation
MAX_SHOTS = 12
MIN_SHOT_S = 0.5
MAX_SHOT_S = 20.0


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


def style_param(body: Mapping[str, Any]) -> str | None:
    """mutoscope extension: `style` (None: the backend chooses); the backend's capabilities say which exist."""
    value = body.get("style")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"Invalid type for 'style': expected a string, but got {_type_name(value)} instead.",
            param="style",
            code="invalid_type",
        )
    return value


def shots_param(body: Mapping[str, Any]) -> tuple[tuple[str, float], ...]:
    """mutoscope extension: a storyboard, `shots: [{"prompt": "...", "seconds": 3}, ...]` (a JSON string in
    multipart bodies). Each shot lasts whole or half seconds; the video lasts their sum. Empty when absent."""
    value = body.get("shots")
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise InvalidRequestError(
                "'shots' is not valid JSON.", param="shots", code="invalid_type"
            ) from exc
    if not isinstance(value, list) or not value:
        raise InvalidRequestError(
            'Invalid \'shots\': expected a non-empty list of {"prompt": ..., "seconds": ...} objects.',
            param="shots",
            code="invalid_type",
        )
    if len(value) > MAX_SHOTS:
        raise InvalidRequestError(f"A storyboard has at most {MAX_SHOTS} shots.", param="shots")
    return tuple(_shot(index, item) for index, item in enumerate(value, start=1))


def shots_seconds(shots: tuple[tuple[str, float], ...]) -> str:
    """The `seconds` string of a storyboard: the sum of its shots (exact: each is whole or half seconds)."""
    halves = sum(round(seconds * 2) for _, seconds in shots)
    return f"{halves / 2:g}"


def _shot(index: int, item: Any) -> tuple[str, float]:
    if not isinstance(item, dict):
        raise InvalidRequestError(
            f"shot {index} must be an object with 'prompt' and 'seconds'.", param="shots"
        )
    unknown = sorted(set(item) - {"prompt", "seconds"})
    if unknown:
        raise InvalidRequestError(f"shot {index} has an unknown field '{unknown[0]}'.", param="shots")
    prompt = item.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidRequestError(f"shot {index} needs a non-empty 'prompt'.", param="shots")
    raw = item.get("seconds")
    try:
        seconds = float(raw) if isinstance(raw, (int, float, str)) and not isinstance(raw, bool) else None
    except ValueError:
        seconds = None
    if seconds is None or not MIN_SHOT_S <= seconds <= MAX_SHOT_S:
        raise InvalidRequestError(
            f"shot {index} needs 'seconds' between {MIN_SHOT_S:g} and {MAX_SHOT_S:g}.", param="shots"
        )
    if seconds * 2 != round(seconds * 2):
        raise InvalidRequestError(
            f"shot {index} lasts {seconds:g} s; shots last whole or half seconds.", param="shots"
        )
    return prompt.strip(), seconds


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
