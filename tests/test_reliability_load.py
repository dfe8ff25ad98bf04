"""Load: 200 concurrent pollers and 20 creators against `mutoscope serve` on PostgreSQL for LOAD_S seconds.

Pollers loop on `GET /v1/videos/{id}` (videos made before the clock starts), creators loop on `POST /v1/videos`
(testcard). Every response must be a 200 and no request may fail at the connection; p50/p99 latencies of each
kind are reported.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

import httpx
import pytest

from reliability_support import ADMIN_KEY, fresh_database, report, service_env, serving

# The 60 s of load: about 75 s in all with start-up; the limit leaves 3x that and more.
pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(300)]
LOAD_S = 60.0
POLLERS = 200
CREATORS = 20


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1) if ordered else 0.0


async def _load(base_url: str) -> dict[str, object]:
    # Idle connections expire on the client before the server's keep-alive timeout (uvicorn's 5 s) closes them:
    # with equal timeouts a request can go out on a connection the server is closing at that instant (a
    # ReadError that is the keep-alive race, not the service failing).
    limits = httpx.Limits(
        max_connections=POLLERS + CREATORS + 10,
        max_keepalive_connections=POLLERS + CREATORS,
        keepalive_expiry=2.0,
    )
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=60) as http:
        seeds = []
        for index in range(10):
            response = await http.post(
                "/v1/videos", data={"prompt": f"a quiet lake {index}", "model": "testcard"}
            )
            response.raise_for_status()
            seeds.append(response.json()["id"])
        latencies: dict[str, list[float]] = {"poll": [], "create": []}
        errors: dict[str, int] = {}
        deadline = time.monotonic() + LOAD_S

        async def loop(kind: str, index: int) -> None:
            while time.monotonic() < deadline:
                began = time.monotonic()
                try:
                    if kind == "poll":
                        response = await http.get(f"/v1/videos/{seeds[index % len(seeds)]}")
                    else:
                        response = await http.post(
                            "/v1/videos", data={"prompt": "a quiet lake at dawn", "model": "testcard"}
                        )
                except httpx.HTTPError as error:
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                    continue
                latencies[kind].append(time.monotonic() - began)
                if response.status_code != 200:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1

        started = time.monotonic()
        await asyncio.gather(
            *(loop("poll", i) for i in range(POLLERS)), *(loop("create", i) for i in range(CREATORS))
        )
        elapsed = time.monotonic() - started
    return {
        "seconds": round(elapsed, 1),
        "polls": len(latencies["poll"]),
        "creates": len(latencies["create"]),
        "requests_per_s": round((len(latencies["poll"]) + len(latencies["create"])) / elapsed, 1),
        "poll_p50_ms": _percentile(latencies["poll"], 0.5),
        "poll_p99_ms": _percentile(latencies["poll"], 0.99),
        "create_p50_ms": _percentile(latencies["create"], 0.5),
        "create_p99_ms": _percentile(latencies["create"], 0.99),
        "poll_mean_ms": round(1000 * statistics.fmean(latencies["poll"]), 1) if latencies["poll"] else 0.0,
        "errors": errors,
    }


def test_200_pollers_and_20_creators_get_no_error(tmp_path: Path, pg_url: str) -> None:
    fresh_database(pg_url)
    env = service_env(tmp_path, pg_url)
    with serving(env, "--workers", "0") as served:
        figures = asyncio.run(_load(served.base_url))
    report("load", pollers=POLLERS, creators=CREATORS, **figures)
    assert figures["errors"] == {}
    assert figures["polls"] and figures["creates"]
