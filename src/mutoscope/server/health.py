"""Liveness and readiness probes (no auth): what a load balancer and `mutoscope doctor` ask.

`/readyz` checks every dependency the deployment is configured with: the database always, the S3 bucket when
blobs live in S3 (a HEAD on the bucket), Redis when `redis.url` is set (PING). A failed database or bucket
answers 503 with Retry-After and says which failed, so a load balancer takes the process out of rotation and an
operator sees why. Redis is reported but never fails readiness: requests survive without it (rate limits fail
open, progress falls back to polling), and a shared Redis outage must not take every API process out of the
load balancer at once; the answer says `"status": "degraded"` instead. Each check is cheap and bounded by its
client's timeouts (Redis 2 s, S3 connect 5 s).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Annotated, Any, Protocol, runtime_checkable

import redis
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from mutoscope.errors import ServiceUnavailableError
from mutoscope.server.coordination import connect_redis
from mutoscope.server.runtime import Runtime, runtime

logger = logging.getLogger(__name__)
router = APIRouter(tags=["health"])

_RETRY_AFTER_S = 5
# Dependencies whose failure degrades the service but does not stop it serving requests.
_OPTIONAL = frozenset({"redis"})


@runtime_checkable
class _BucketStore(Protocol):
    """A remote blob store that can tell whether its bucket answers (S3BlobStore; the local store cannot fail
    this way, and importing the S3 module here would make boto3 a dependency of every install)."""

    def check_bucket(self) -> None: ...


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (touches nothing)."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(state: Annotated[Runtime, Depends(runtime)]) -> dict[str, Any] | JSONResponse:
    """The process can serve: the database, and the object store and Redis where configured, answer."""
    checks = {"database": _check(state.db.ping)}
    if isinstance(state.blobs, _BucketStore):
        checks["storage"] = _check(state.blobs.check_bucket)
    if state.settings.redis.url is not None:
        checks["redis"] = _check(functools.partial(_ping_redis, state.settings.redis.url))
    failed = sorted(name for name, result in checks.items() if result != "ok")
    if set(failed) - _OPTIONAL:
        body = {"status": "unavailable", "failed": failed, "checks": checks}
        return JSONResponse(body, status_code=503, headers={"Retry-After": str(_RETRY_AFTER_S)})
    status = "degraded" if failed else "ok"
    return {"status": status, "failed": failed, "checks": checks, "backends": sorted(state.registry.names())}


def _check(probe: Callable[[], object]) -> str:
    """ "ok", or what went wrong (a probe must never turn readiness into a 500)."""
    try:
        probe()
    except (ServiceUnavailableError, redis.RedisError) as error:
        return str(error) or type(error).__name__
    except Exception as error:
        logger.exception("readiness probe failed")
        return f"{type(error).__name__}: {error}"
    return "ok"


def _ping_redis(url: str) -> None:
    if not _redis_client(url).ping():
        raise ServiceUnavailableError("Redis did not answer PING.")


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    # One pooled client per URL for the process: probes come every few seconds and should reuse a connection.
    return connect_redis(url)
