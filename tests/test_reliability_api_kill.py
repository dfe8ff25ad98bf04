"""The API process killed (SIGKILL) in the middle of uploads: no partial blob, no row pointing at a missing blob.

Eight client threads keep posting large multipart uploads (a 2.7 MB noise PNG as `input_reference` to
`/v1/videos`, an MP4 to `/v1/videos/edits`) to `mutoscope serve` on PostgreSQL while the test kills the server
at random moments KILLS times and restarts it on the same port. Afterwards every stored input is byte-for-byte
one of the uploaded files, every video row's input blobs exist, and every upload the server accepted has its
row. Inputs stored by a request that died before its commit are counted (`orphaned_inputs`) and reported.
"""

from __future__ import annotations

import hashlib
import io
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from live_server import free_port
from mutoscope.storage.local import LocalBlobStore
from reliability_support import ADMIN_KEY, fresh_database, query, report, service_env, start_serve, stop

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(300)]
KILLS = 5
CLIENTS = 8


def _uploads(folder: Path) -> list[tuple[str, str, bytes, str]]:
    """(endpoint, field, bytes, content type) of the two large uploads."""
    buffer = io.BytesIO()
    noise = np.random.default_rng(1).integers(0, 255, (1280, 720, 3), dtype=np.uint8)
    Image.fromarray(noise).save(buffer, "PNG")
    video = folder / "source.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=720x1280:rate=24:duration=2",
         "-f", "lavfi", "-i", "sine=duration=2", "-shortest", "-c:v", "libx264", "-crf", "8", "-c:a", "aac",
         "-pix_fmt", "yuv420p", str(video)],
        check=True,
        timeout=120,
    )  # fmt: skip
    return [
        ("/v1/videos", "input_reference", buffer.getvalue(), "image/png"),
        ("/v1/videos/edits", "video", video.read_bytes(), "video/mp4"),
    ]


def _rows(database_url: str) -> dict[str, list[str]]:
    """video id → the input blob keys its job payload names."""
    rows = query(database_url, "SELECT v.id, j.payload FROM videos v JOIN jobs j ON j.id = v.id")
    keys: dict[str, list[str]] = {}
    for video_id, payload in rows:
        keys[video_id] = [
            payload[name]
            for name in ("first_frame_blob", "parent_video_blob")
            if payload.get(name) is not None
        ]
    return keys


def test_killing_the_api_mid_upload_leaves_no_partial_blob(tmp_path: Path, pg_url: str) -> None:
    fresh_database(pg_url)
    env = service_env(tmp_path, pg_url)
    uploads = _uploads(tmp_path)
    digests = {hashlib.sha256(data).hexdigest() for _, _, data, _ in uploads}
    port = free_port()
    served = start_serve(env, "--workers", "0", port=port)
    accepted: list[str] = []
    outcomes: dict[str, int] = {}
    stop_clients = threading.Event()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(
            base_url=served.base_url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=60
        ) as http:
            while not stop_clients.is_set():
                endpoint, field, data, mime = rng.choice(uploads)
                try:
                    response = http.post(
                        endpoint,
                        data={"prompt": "a quiet lake at dawn", "model": "testcard", "size": "720x1280"},
                        files={field: ("upload", data, mime)},
                    )
                except httpx.HTTPError:
                    outcomes["connection_error"] = outcomes.get("connection_error", 0) + 1
                    time.sleep(0.3)
                    continue
                outcomes[str(response.status_code)] = outcomes.get(str(response.status_code), 0) + 1
                if response.status_code == 200:
                    accepted.append(response.json()["id"])

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    rng = random.Random(7)
    started = time.monotonic()
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(3.0, 8.0))  # long enough for some uploads to finish
            served.process.send_signal(signal.SIGKILL)
            served.process.wait(10)
            served = start_serve(env, "--workers", "0", port=port)
        time.sleep(1.0)
    finally:
        stop_clients.set()
        for thread in threads:
            thread.join(90)
        stop(served.process)
    blob_root = tmp_path / "blobs"
    rows = _rows(pg_url)
    stored = [
        p for p in (blob_root / "videos").glob("*/inputs/*") if p.is_file() and not p.name.startswith(".tmp-")
    ]
    partial = [p for p in stored if hashlib.sha256(p.read_bytes()).hexdigest() not in digests]
    missing = [key for keys in rows.values() for key in keys if not (blob_root / key).is_file()]
    orphaned = [p for p in stored if p.parent.parent.name not in rows]
    temp_files = sum(1 for p in blob_root.rglob(".tmp-*"))
    swept = LocalBlobStore(blob_root).sweep_temp(0)
    report(
        "api_sigkill_mid_upload",
        kills=KILLS,
        clients=CLIENTS,
        outcomes=outcomes,
        accepted=len(accepted),
        rows=len(rows),
        stored_inputs=len(stored),
        partial_inputs=len(partial),
        rows_missing_blobs=len(missing),
        orphaned_inputs=len(orphaned),
        temp_files_before_sweep=temp_files,
        swept=swept,
        seconds=round(time.monotonic() - started, 1),
    )
    assert accepted, "no upload was ever accepted"
    assert set(accepted) <= set(rows)
    assert partial == [] and missing == []
    assert not list(blob_root.rglob(".tmp-*"))
