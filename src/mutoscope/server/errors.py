"""The one place that turns errors into HTTP responses.

Services raise `mutoscope.errors` exceptions and never pick status codes. Under `/v1` every error is the OpenAI
envelope `{"error": {"message", "type", "param", "code"}}`, which the official SDK parses; elsewhere (the social
`/api` and pages) errors are RFC 9457 problem+json. Request-validation errors, unknown routes and database outages
get the same treatment, so a client never sees a bare FastAPI/Starlette error body or a 500 for a known condition.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from mutoscope import errors

logger = logging.getLogger(__name__)

# Most specific first: the first matching class decides the status and the envelope's `type`.
_STATUS: tuple[tuple[type[errors.MutoscopeError], int, str], ...] = (
    (errors.MediaTooLargeError, 413, "invalid_request_error"),
    (errors.ContentPolicyError, 400, "invalid_request_error"),
    (errors.InvalidRequestError, 400, "invalid_request_error"),
    (errors.AuthenticationError, 401, "invalid_request_error"),
    (errors.PermissionDeniedError, 403, "invalid_request_error"),
    (errors.NotFoundError, 404, "invalid_request_error"),
    (errors.ConflictError, 409, "invalid_request_error"),
    (errors.RateLimitError, 429, "rate_limit_error"),
    (errors.ServiceUnavailableError, 503, "server_error"),
    (errors.GenerationCancelledError, 409, "invalid_request_error"),
)
_HTTP_CODES = {401: "invalid_api_key", 404: "not_found", 405: "method_not_allowed", 413: "media_too_large"}


def status_for(exc: errors.MutoscopeError) -> tuple[int, str]:
    """The HTTP status and envelope `type` for a project error (500/server_error when nothing matches)."""
    for cls, status, kind in _STATUS:
        if isinstance(exc, cls):
            return status, kind
    return 500, "server_error"


def error_response(
    request: Request | None,
    *,
    status: int,
    message: str,
    code: str | None,
    param: str | None = None,
    kind: str = "invalid_request_error",
    retry_after_s: float | None = None,
) -> JSONResponse:
    """An error in the shape the request's audience expects (OpenAI envelope under /v1, problem+json elsewhere)."""
    headers = {"Retry-After": str(max(1, math.ceil(retry_after_s)))} if retry_after_s is not None else None
    if request is None or _is_openai_surface(request):
        body: dict[str, Any] = {"error": {"message": message, "type": kind, "param": param, "code": code}}
        return JSONResponse(body, status_code=status, headers=headers)
    problem = {
        "type": "about:blank",
        "title": _title(status),
        "status": status,
        "detail": message,
        "code": code,
    }
    if param is not None:
        problem["param"] = param
    return JSONResponse(problem, status_code=status, headers=headers, media_type="application/problem+json")


def response_for(request: Request | None, exc: errors.MutoscopeError) -> JSONResponse:
    status, kind = status_for(exc)
    retry_after = getattr(exc, "retry_after_s", None)
    message = (
        exc.message if status < 500 or isinstance(exc, errors.ServiceUnavailableError) else _generic(exc)
    )
    return error_response(
        request,
        status=status,
        message=message,
        code=exc.code,
        param=exc.param,
        kind=kind,
        retry_after_s=retry_after,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(errors.MutoscopeError, _on_project_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _on_database_down)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _on_database_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _on_unexpected)


async def _on_project_error(request: Request, exc: errors.MutoscopeError) -> JSONResponse:
    if status_for(exc)[0] >= 500 and not isinstance(exc, errors.ServiceUnavailableError):
        logger.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
    return response_for(request, exc)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    loc = list(first.get("loc", ()))
    # Only the leading part says where the value was; a field may itself be called "body" (a comment's text).
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        loc = loc[1:]
    location = [str(part) for part in loc]
    param = ".".join(location) or None
    kind = str(first.get("type", ""))
    code = (
        "missing_required_parameter"
        if kind == "missing"
        else "invalid_type"
        if "type" in kind
        else "invalid_value"
    )
    message = f"Invalid value for '{param}': {first.get('msg', 'invalid')}." if param else "Invalid request."
    if kind == "missing":
        message = f"Missing required parameter: '{param}'." if param else "The request body is missing."
    return error_response(request, status=400, message=message, code=code, param=param)


async def _on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    status = exc.status_code
    message = str(exc.detail) if exc.detail else _title(status)
    if status == 404:
        message = f"Unknown path: {request.method} {request.url.path}"
    return error_response(request, status=status, message=message, code=_HTTP_CODES.get(status))


async def _on_database_down(request: Request, exc: OperationalError) -> JSONResponse:
    logger.warning("database unavailable during %s %s: %s", request.method, request.url.path, exc.orig)
    return error_response(
        request,
        status=503,
        message="The database is unavailable right now; retry shortly.",
        code="service_unavailable",
        kind="server_error",
        retry_after_s=1.0,
    )


async def _on_database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    if exc.connection_invalidated:
        return await _on_database_down(request, OperationalError(exc.statement, exc.params, exc.orig or exc))
    return await _on_unexpected(request, exc)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error("%s %s crashed", request.method, request.url.path, exc_info=exc)
    return error_response(
        request,
        status=500,
        message="The server had an internal error.",
        code="internal_error",
        kind="server_error",
    )


def _is_openai_surface(request: Request) -> bool:
    return request.url.path == "/v1" or request.url.path.startswith("/v1/")


def _generic(exc: errors.MutoscopeError) -> str:
    # Internal failures keep their detail in the log, not on the wire; missing dependencies say how to fix them.
    return (
        exc.message if isinstance(exc, errors.MissingDependencyError) else "The server had an internal error."
    )


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
