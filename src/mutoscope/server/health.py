"""Liveness and readiness probes (no auth): what a load balancer and `mutoscope doctor` ask."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (touches nothing)."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(state: Annotated[Runtime, Depends(runtime)]) -> dict[str, Any]:
    """The process can serve: the database answers."""
    state.db.ping()
    return {"status": "ok", "backends": sorted(state.registry.names())}
