"""500 malformed, truncated or mislabelled uploads: every one gets a 4xx, the server stays up, nothing leaks.

Valid seed files (MP4, MOV, WebM from ffmpeg; PNG, JPEG, WebP from Pillow; WAV from `wave`) are broken in
ways no decoder can accept (truncated to 5–60 %, header zeroed, random bytes behind a real magic number,
empty), or sent where another kind of file belongs (an image as the video to edit, a video or WAV as the
`input_reference` image), against `/v1/videos` (input_reference), `/v1/videos/edits`, `/v1/videos/extensions`
and `/v1/videos/characters`. The blob root and the temp dir are counted before and after.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import tempfile
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from live_server import LiveServer, live_server, server_settings
from reliability_support import report

pytestmark = [pytest.mark.services, pytest.mark.slow]
UPLOADS = 500
IMAGE_KINDS = {"png": ("PNG", "image/png"), "jpg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}
VIDEO_KINDS = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}
# (path, the form field that takes the upload, what that field expects)
ENDPOINTS = (
    ("/v1/videos", "input_reference", "image"),
    ("/v1/videos/edits", "video", "video"),
    ("/v1/videos/extensions", "video", "video"),
    ("/v1/videos/characters", "video", "video"),
)


def _seeds(folder: Path) -> dict[str, tuple[bytes, str, str]]:
    """name → (valid bytes, content type, family) for each format."""
    seeds: dict[str, tuple[bytes, str, str]] = {}
    pixels = np.random.default_rng(0).integers(0, 255, (1280, 720, 3), dtype=np.uint8)
    for ext, (fmt, mime) in IMAGE_KINDS.items():
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, fmt)
        seeds[ext] = (buffer.getvalue(), mime, "image")
    for ext, mime in VIDEO_KINDS.items():
        target = folder / f"seed.{ext}"
        codec = (
            ["-c:v", "libvpx", "-c:a", "libvorbis"] if ext == "webm" else ["-c:v", "libx264", "-c:a", "aac"]
        )
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x96:rate=24:duration=2",
             "-f", "lavfi", "-i", "sine=duration=2", "-shortest", *codec, "-pix_fmt", "yuv420p", str(target)],
            check=True,
            timeout=120,
        )  # fmt: skip
        seeds[ext] = (target.read_bytes(), mime, "video")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(16000)
        sound.writeframes(np.zeros(16000, dtype=np.int16).tobytes())
    seeds["wav"] = (buffer.getvalue(), "audio/wav", "audio")
    return seeds


def _broken(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """A copy of `data` no decoder accepts, and how it was broken."""
    how = rng.choice(("truncated", "header_zeroed", "garbage_behind_magic", "empty"))
    if how == "truncated":
        return how, data[: max(1, int(len(data) * rng.uniform(0.05, 0.6)))]
    if how == "header_zeroed":
        return how, bytes(64) + data[64:]
    if how == "garbage_behind_magic":
        return how, data[:16] + rng.randbytes(rng.randrange(16, 4096))
    return how, b""


def _files(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root)) if root.exists() else 0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(tmp_path_factory.mktemp("uploads"))
    with live_server(settings, workers=0) as running:
        yield running


def test_broken_and_mislabelled_uploads_all_get_4xx_and_leak_nothing(
    server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = _seeds(tmp_path)
    rng = random.Random(500)
    blob_root = server.settings.blob_root
    # The server runs in this process: a private temp dir makes its temp files countable exactly.
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_dir))
    temps_before = len(os.listdir(temp_dir))
    statuses: dict[int, int] = {}
    failures: list[tuple[str, str, str, int]] = []
    started = time.monotonic()
    with server.http(server.user()) as http:
        # Controls: the same form with a valid file is accepted, so each 4xx below is the upload's doing.
        image, image_mime, _ = seeds["png"]
        control = http.post(
            "/v1/videos",
            data={"prompt": "a quiet lake at dawn", "model": "testcard", "size": "720x1280"},
            files={"input_reference": ("upload.png", image, image_mime)},
        )
        assert control.status_code == 200, control.text
        video, video_mime, _ = seeds["mp4"]
        control = http.post(
            "/v1/videos/edits",
            data={"prompt": "a quiet lake at dawn", "model": "testcard"},
            files={"video": ("upload.mp4", video, video_mime)},
        )
        assert control.status_code == 200, control.text
        blobs_before = _files(blob_root)
        for index in range(UPLOADS):
            endpoint, field, wants = ENDPOINTS[index % len(ENDPOINTS)]
            ext = rng.choice(sorted(seeds))
            data, mime, family = seeds[ext]
            if family != wants and rng.random() < 0.5:
                how = "mislabelled"  # a valid file of the wrong kind, labelled as what the field expects
                mime = "image/png" if wants == "image" else "video/mp4"
            else:
                how, data = _broken(data, rng)
                if rng.random() < 0.3:
                    mime = rng.choice(["application/octet-stream", "image/png", "video/mp4", "text/plain"])
            form = {"prompt": "a quiet lake at dawn", "model": "testcard", "size": "720x1280"}
            if endpoint == "/v1/videos/characters":
                form = {"name": "broken"}
            response = http.post(endpoint, data=form, files={field: (f"upload.{ext}", data, mime)})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if not 400 <= response.status_code < 500:
                failures.append((endpoint, ext, how, response.status_code))
        alive = http.get("/readyz").status_code
    blobs_after, temps_after = _files(blob_root), len(os.listdir(temp_dir))
    report(
        "malformed_uploads",
        uploads=UPLOADS,
        statuses=statuses,
        non_4xx=len(failures),
        blob_files_before=blobs_before,
        blob_files_after=blobs_after,
        temp_entries_before=temps_before,
        temp_entries_after=temps_after,
        seconds=round(time.monotonic() - started, 1),
    )
    assert failures == []
    assert alive == 200
    assert blobs_after == blobs_before
    assert temps_after == temps_before == 0
