"""Reading request bodies the way OpenAI clients send them: multipart forms or JSON, into one nested dict.

The official SDK always posts multipart and flattens nested values with bracket keys
(`characters[][id]=char_…`, `video[id]=video_…`, `input_reference[image_url]=…`); other clients send JSON. Both
end up as the same nested structure, with uploads as `Upload` values read under a size limit, so route code
never cares which encoding arrived and an oversized upload is refused (413) before it is decoded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from mutoscope.errors import InvalidRequestError, MediaTooLargeError

_CHUNK_BYTES = 1 << 20
_BRACKETS = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


async def read_body(request: Request, *, max_upload_bytes: int) -> dict[str, Any]:
    """The request's fields as a nested dict (JSON objects and bracket-keyed form fields alike)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return await _read_form(request, max_upload_bytes)
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise InvalidRequestError(f"the request body is not valid JSON: {exc}", code="invalid_json") from exc
    if not isinstance(body, dict):
        raise InvalidRequestError("the request body must be a JSON object", code="invalid_json")
    return body


async def _read_form(request: Request, max_upload_bytes: int) -> dict[str, Any]:
    form = await request.form(max_part_size=max_upload_bytes)
    result: dict[str, Any] = {}
    for key, value in form.multi_items():
        item: Any = (
            await _read_upload(key, value, max_upload_bytes) if isinstance(value, UploadFile) else value
        )
        _insert(result, key, item)
    return result


async def _read_upload(key: str, upload: UploadFile, max_upload_bytes: int) -> Upload:
    chunks: list[bytes] = []
    total = 0
    while chunk := await upload.read(_CHUNK_BYTES):
        total += len(chunk)
        if total > max_upload_bytes:
            raise MediaTooLargeError(
                f"the upload '{key}' is larger than the {max_upload_bytes // (1 << 20)} MiB limit",
                param=key.split("[", maxsplit=1)[0],
            )
        chunks.append(chunk)
    return Upload(upload.filename or key, upload.content_type or "application/octet-stream", b"".join(chunks))


def _insert(target: dict[str, Any], key: str, value: Any) -> None:
    """Place `value` at a bracket path: `a[b]` → {"a": {"b": v}}, `a[]` and `a[][b]` → lists."""
    head = key.split("[", 1)[0]
    parts = [head, *_BRACKETS.findall(key[len(head) :])]
    node: Any = target
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        nxt = None if last else parts[index + 1]
        if isinstance(node, list):
            node = _into_list(node, part, nxt, value, last)
            continue
        if last:
            _set_or_append(node, part, value)
            return
        node = node.setdefault(part, [] if nxt == "" or (nxt or "").isdigit() else {})


def _into_list(node: list[Any], part: str, nxt: str | None, value: Any, last: bool) -> Any:
    if last:
        node.append(value)
        return node
    container: Any = [] if nxt == "" or (nxt or "").isdigit() else {}
    # `a[][id]=1&a[][id]=2`: a new element starts whenever the next key is already taken in the last one.
    if part == "" and node and isinstance(node[-1], dict) and nxt not in node[-1]:
        return node[-1]
    if part.isdigit() and int(part) < len(node):
        return node[int(part)]
    node.append(container)
    return container


def _set_or_append(node: dict[str, Any], key: str, value: Any) -> None:
    if key in node:
        existing = node[key]
        node[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
    else:
        node[key] = value
