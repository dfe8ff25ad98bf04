"""Benchmark: the /v1 API under load, and how fast an idle worker picks up a new job. One JSON line per case.

Starts `mutoscope serve` in a subprocess on a free loopback port (SQLite in a temp folder, one in-process worker),
then, from this process:
- `throughput_*`: requests/s of `GET /v1/videos/{id}` and `GET /v1/videos?limit=20` with 32 concurrent clients,
  as a ratio to a trivial endpoint (`GET /healthz`) of the same app measured in the same run. Target ≥ 0.5.
- `dispatch_latency`: from `POST /v1/videos` returning to the worker starting the job (the job row's
  `started_at`), with the worker idle before each POST. Target p50 ≤ 50 ms.

    .venv/bin/python benchmarks/api.py [--seconds 5] [--dispatch-samples 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

CLIENTS = 32
KEY = "mk-benchmark.0123456789abcdefghijklmnop"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MUTOSCOPE_DATA_DIR": str(data_dir),
        "MUTOSCOPE_ADMIN_API_KEY": KEY,
        "MUTOSCOPE_API__REQUESTS_PER_MINUTE": "100000000",
        "MUTOSCOPE_JOBS__POLL_S": "0.5",
    }
    command = [sys.executable, "-m", "mutoscope", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start: {process.stderr.read().decode() if process.stderr else ''}")


async def _load(base_url: str, path: str, seconds: float) -> float:
    """Requests/s over `seconds` with CLIENTS concurrent clients, each sending one request at a time."""
    headers = {"Authorization": f"Bearer {KEY}"}
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + seconds
        counts = [0] * CLIENTS

        async def one(index: int) -> None:
            while time.perf_counter() < deadline:
                response = await client.get(path)
                response.raise_for_status()
                counts[index] += 1

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(CLIENTS)))
        return sum(counts) / (time.perf_counter() - started)


def _wait_done(client: httpx.Client, video_id: str) -> dict[str, object]:
    while True:
        body: dict[str, object] = client.get(f"/v1/videos/{video_id}").json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.05)


def _dispatch_latencies(base_url: str, data_dir: Path, samples: int) -> list[float]:
    import sqlite3

    latencies = []
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=60) as client:
        for _ in range(samples):
            response = client.post(
                "/v1/videos", data={"prompt": "bars", "model": "testcard", "size": "720x1280"}
            )
            returned = datetime.now(UTC)
            response.raise_for_status()
            video_id = response.json()["id"]
            _wait_done(client, video_id)
            with sqlite3.connect(data_dir / "mutoscope.db") as db:
                (started,) = db.execute("SELECT started_at FROM jobs WHERE id = ?", (video_id,)).fetchone()
            started_at = (
                datetime.fromisoformat(started).replace(tzinfo=UTC) if isinstance(started, str) else None
            )
            if started_at is None:
                raise RuntimeError(f"unexpected started_at {started!r}")
            latencies.append((started_at - returned).total_seconds() * 1000)
            time.sleep(0.3)  # let the worker go idle again
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load duration per endpoint")
    parser.add_argument("--dispatch-samples", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, port = Path(tmp), _free_port()
        server = _start_server(data_dir, port)
        base_url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}) as client:
                ids = [
                    client.post("/v1/videos", data={"prompt": f"card {i}", "model": "testcard"}).json()["id"]
                    for i in range(25)
                ]
                _wait_done(client, ids[-1])
            trivial = asyncio.run(_load(base_url, "/healthz", args.seconds))
            for case, path in (
                ("throughput_retrieve", f"/v1/videos/{ids[0]}"),
                ("throughput_list", "/v1/videos?limit=20"),
            ):
                rps = asyncio.run(_load(base_url, path, args.seconds))
                print(
                    json.dumps(
                        {
                            "case": case,
                            "clients": CLIENTS,
                            "requests_per_s": round(rps, 1),
                            "trivial_requests_per_s": round(trivial, 1),
                            "ratio": round(rps / trivial, 3),
                            "target": 0.5,
                        }
                    ),
                    flush=True,
                )
            latencies = _dispatch_latencies(base_url, data_dir, args.dispatch_samples)
            print(
                json.dumps(
                    {
                        "case": "dispatch_latency",
                        "samples": len(latencies),
                        "p50_ms": round(statistics.median(latencies), 1),
                        "p90_ms": round(sorted(latencies)[int(0.9 * (len(latencies) - 1))], 1),
                        "max_ms": round(max(latencies), 1),
                        "target_p50_ms": 50,
                    }
                ),
                flush=True,
            )
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
