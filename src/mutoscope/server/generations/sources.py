"""Where an `input_reference` image comes from: an upload, a `data:` URL, or an http(s) URL.

The hosted API also took `{"file_id": …}` from its Files API, which mutoscope does not have: that form gets a clear
400 rather than being ignored. Fetched URLs are size-limited and time-limited like uploads.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import httpx

from mutoscope.errors import InvalidRequestError, MediaTooLargeError
from mutoscope.server.forms import Upload

PARAM = "input_reference"
_FETCH_TIMEOUT_S = 10.0
_SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


@dataclass(frozen=True, slots=True)
class ImageReference:
    data: bytes
    suffix: str


def image_reference(value: Any, *, max_bytes: int) -> ImageReference | None:
    if value is None or value == "":
        return None
    if isinstance(value, Upload):
        return ImageReference(_check_size(value.data, max_bytes), _suffix(value.content_type))
    if isinstance(value, str):
        value = _parse_json_object(value)
    if not isinstance(value, dict):
        raise InvalidRequestError(
            "'input_reference' must be an uploaded image or an object with 'image_url'.", param=PARAM
        )
    if "file_id" in value:
        raise InvalidRequestError(
            "'input_reference.file_id' is not supported: mutoscope has no Files API. Upload the image, or send "
            '{"image_url": "data:image/png;base64,…"}.',
            param=PARAM,
        )
    url = value.get("image_url")
    if not isinstance(url, str) or not url:
        raise InvalidRequestError("'input_reference.image_url' must be a URL string.", param=PARAM)
    if url.startswith("data:"):
        return _from_data_url(url, max_bytes)
    if url.startswith(("http://", "https://")):
        return _fetch(url, max_bytes)
    raise InvalidRequestError("'input_reference.image_url' must be an http(s) or data: URL.", param=PARAM)


def _from_data_url(url: str, max_bytes: int) -> ImageReference:
    header, _, payload = url.partition(",")
    if not header.endswith(";base64"):
        raise InvalidRequestError("a data: URL for 'input_reference' must be base64-encoded.", param=PARAM)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRequestError(
            "the data: URL in 'input_reference' is not valid base64.", param=PARAM
        ) from exc
    return ImageReference(_check_size(data, max_bytes), _suffix(header[5:].split(";")[0]))


def _fetch(url: str, max_bytes: int) -> ImageReference:
    try:
        with httpx.stream("GET", url, timeout=_FETCH_TIMEOUT_S, follow_redirects=True) as response:
            if response.status_code != 200:
                raise InvalidRequestError(
                    f"fetching 'input_reference.image_url' gave HTTP {response.status_code}.", param=PARAM
                )
            chunks, total = [], 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                _check_size(b"", max_bytes, total)
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "")
    except httpx.HTTPError as exc:
        raise InvalidRequestError(f"could not fetch 'input_reference.image_url': {exc}", param=PARAM) from exc
    return ImageReference(b"".join(chunks), _suffix(content_type.split(";")[0]))


def _check_size(data: bytes, max_bytes: int, size: int | None = None) -> bytes:
    if (size if size is not None else len(data)) > max_bytes:
        raise MediaTooLargeError(
            f"'input_reference' is larger than the {max_bytes // (1 << 20)} MiB limit.", param=PARAM
        )
    return data


def _suffix(content_type: str) -> str:
    return _SUFFIXES.get(content_type.strip().lower(), ".img")


def _parse_json_object(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        raise InvalidRequestError(
            "'input_reference' must be an uploaded image or an object with 'image_url'.", param=PARAM
        ) from None
