"""Request bodies of the social `/api`: a JSON object or an HTML form, checked against a pydantic model.

Pages post forms (with a `csrf_token` field) and scripts post JSON; both arrive here as the same dict (via
`forms.read_body`) and are validated by a model with `extra="forbid"`, so a misspelt field is an error rather
than silently ignored. Validation failures become `InvalidRequestError`s that name the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from mutoscope.errors import InvalidRequestError
from mutoscope.server.accounts.sessions import CSRF_FORM_FIELD
from mutoscope.server.forms import read_body
from mutoscope.server.runtime import runtime

ModelT = TypeVar("ModelT", bound=BaseModel)
_SMALL_BODY_BYTES = 1 << 20


async def read_fields(request: Request, *, max_upload_bytes: int = _SMALL_BODY_BYTES) -> dict[str, Any]:
    """The body's fields (JSON or form), without the CSRF form field, which auth has already checked."""
    limit = min(max_upload_bytes, runtime(request).settings.engine.max_upload_bytes)
    body = await read_body(request, max_upload_bytes=limit)
    body.pop(CSRF_FORM_FIELD, None)
    return body


def validate_fields(model: type[ModelT], body: Mapping[str, Any]) -> ModelT:
    try:
        return model.model_validate(dict(body))
    except ValidationError as exc:
        raise _first_problem(exc) from None


def _first_problem(exc: ValidationError) -> InvalidRequestError:
    first = exc.errors()[0]
    param = ".".join(str(part) for part in first.get("loc", ())) or None
    kind = str(first.get("type", ""))
    if kind == "missing":
        return InvalidRequestError(
            f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter"
        )
    if kind == "extra_forbidden":
        return InvalidRequestError(f"Unknown parameter: '{param}'.", param=param, code="unknown_parameter")
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return InvalidRequestError(f"Invalid value for '{param}': {message}.", param=param)
