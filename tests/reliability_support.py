"""Helpers for the reliability suite: real `mutoscope serve`/`worker` processes on PostgreSQL, and blob audits.

Each reliability test drives the service from outside, the way an operator's machines would run it, then checks
what is left in the database and the blob root. `audit_blobs` is the one rule for "nothing orphaned, nothing
partial": every stored blob is a video's input or one of a completed job's result blobs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from live_server import free_port, reset_database
from mutoscope.db import open_database
from mutoscope.server.migrate import upgrade

ADMIN_KEY = "mk-reliab.abcdefghijklmnopqrstuvwxyz012345"


def report(test: str, **figures: Any) -> None:
    """Print one JSON line of figures (run pytest with -s to see them)."""
    print(json.dumps({"test": test, **figures}, sort_keys=True, default=str), flush=True)


def service_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "MUTOSCOPE_DATA_DIR": str(data_dir),
        "MUTOSCOPE_DATABASE__URL": database_url,
        "MUTOSCOPE_ADMIN_API_KEY": ADMIN_KEY,
        "MUTOSCOPE_JOBS__POLL_S": "0.05",
        "MUTOSCOPE_JOBS__HEARTBEAT_S": "0.3",
        "MUTOSCOPE_JOBS__LEASE_S": "2",
        "MUTOSCOPE_JOBS__MAX_ATTEMPTS": "50",
        "MUTOSCOPE_API__REQUESTS_PER_MINUTE": "1000000",
        **extra,
    }


def fresh_database(url: str) -> None:
    reset_database(url)
    upgrade(url)


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "mutoscope", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@dataclass
class ServeProcess:
    process: subprocess.Popen[bytes]
    base_url: str


def start_serve(env: dict[str, str], *args: str, port: int | None = None) -> ServeProcess:
    """`mutoscope serve` on a loopback port, returned once /readyz answers 200."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mutoscope", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(env["MUTOSCOPE_DATA_DIR"]) / f"serve-{port}.log", "ab"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return ServeProcess(process, base)
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError("mutoscope serve did not start")
        time.sleep(0.1)


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[ServeProcess]:
    served = start_serve(env, *args)
    try:
        yield served
    finally:
        stop(served.process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def query(database_url: str, sql: str) -> list[Any]:
    """The rows of one SQL statement, read straight from the database on a connection of its own."""
    db = open_database(database_url)
    try:
        with db.engine.connect() as connection:
            return list(connection.exec_driver_sql(sql).all())
    finally:
        db.dispose()


def job_rows(database_url: str) -> dict[str, dict[str, Any]]:
    """Every job row by id: state, attempts, result (what the database says, read directly)."""
    rows = query(database_url, "SELECT id, state, attempts, result, error_code FROM jobs")
    return {
        row[0]: {"state": row[1], "attempts": row[2], "result": row[3], "error_code": row[4]} for row in rows
    }


def video_ids(database_url: str) -> set[str]:
    return {row[0] for row in query(database_url, "SELECT id FROM videos")}


@dataclass(frozen=True, slots=True)
class BlobAudit:
    files: int
    temp_files: int
    orphans: list[str]
    missing: list[str]


def audit_blobs(blob_root: Path, jobs: dict[str, dict[str, Any]], videos: set[str]) -> BlobAudit:
    """Compare the files under `blob_root` with what the rows point at.

    Allowed: a video's `inputs/` and the blobs of a completed job's result. Everything else is an orphan; a
    result blob that is not on disk is missing; `.tmp-*` files are counted apart (a crash's leftovers).
    """
    owned: set[str] = set()
    for job in jobs.values():
        if job["state"] == "completed" and job["result"]:
            result = job["result"] if isinstance(job["result"], dict) else json.loads(job["result"])
            owned.update(result.get("blobs", {}).values())
    files: list[str] = []
    temp = 0
    if blob_root.exists():
        for path in blob_root.rglob("*"):
            if not path.is_file():
                continue
            if path.name.startswith(".tmp-"):
                temp += 1
                continue
            files.append(path.relative_to(blob_root).as_posix())
    on_disk = set(files)
    orphans = sorted(
        key
        for key in on_disk - owned
        if not (key.startswith("videos/") and key.split("/")[1] in videos and key.split("/")[2] == "inputs")
    )
    return BlobAudit(files=len(files), temp_files=temp, orphans=orphans, missing=sorted(owned - on_disk))
