"""`POST /v1/content_provenance_checks` on a live server: a downloaded video is recognised by every method."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from conftest import build_clip
from live_server import LiveServer, live_server, server_settings
from mutoscope.engine.media import encode_mp4_bytes
from mutoscope.server.provenance.models import VideoProvenance

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("var"))) as live:
        yield live


@pytest.fixture(scope="module")
def made(server: LiveServer) -> tuple[str, str, bytes]:
    """(API key, video id, downloaded MP4) of one finished, indexed video."""
    key = server.user("provenance_maker")
    with server.http(key) as http:
        created = http.post(
            "/v1/videos", json={"prompt": "bars", "model": "testcard", "seconds": "4", "size": "1280x720"}
        ).json()
        video_id = created["id"]
        deadline = time.monotonic() + 120
        while http.get(f"/v1/videos/{video_id}").json()["status"] in ("queued", "in_progress"):
            assert time.monotonic() < deadline, "the video did not finish"
            time.sleep(0.1)
        assert http.get(f"/v1/videos/{video_id}").json()["status"] == "completed"
        mp4 = http.get(f"/v1/videos/{video_id}/content").content
    while True:  # the outbox indexes finished videos in the background
        with server.runtime.db.session() as session:
            if session.get(VideoProvenance, video_id) is not None:
                break
        assert time.monotonic() < deadline, "the video was never indexed"
        time.sleep(0.1)
    return key, video_id, mp4


def _check(server: LiveServer, key: str, data: bytes, name: str = "upload.bin") -> dict[str, Any]:
    with server.http(key) as http:
        response = http.post("/v1/content_provenance_checks", files={"file": (name, data)})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["object"] == "content_provenance_check" and body["id"].startswith("provcheck_")
    return body


def _by_type(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    results = {r["type"]: r for r in body["results"]}
    assert set(results) == {"c2pa", "watermark", "fingerprint"}
    return results


def test_a_downloaded_video_is_recognised_by_all_three_methods(
    server: LiveServer, made: tuple[str, str, bytes]
) -> None:
    _, video_id, mp4 = made
    checker = server.user("someone_else")  # anyone signed in may check a file
    body = _check(server, checker, mp4, "video.mp4")
    results = _by_type(body)
    assert body["media_kind"] == "video"
    c2pa, mark, prints = results["c2pa"], results["watermark"], results["fingerprint"]
    assert (c2pa["outcome"], c2pa["validation_state"], c2pa["video_id"]) == ("detected", "trusted", video_id)
    assert c2pa["model"] == "testcard" and c2pa["generated_at"] is not None
    assert (mark["outcome"], mark["video_id"], mark["source"]) == ("detected", video_id, "frames")
    assert mark["score"] > 0.8 and mark["generated_at"] is not None
    assert (prints["outcome"], prints["video_id"]) == ("detected", video_id) and prints["score"] > 0.8


def _tampered(mp4: bytes) -> bytes:
    data = bytearray(mp4)
    middle = data.index(b"mdat") + 1000
    for offset in range(16):
        data[middle + offset] ^= 0x33
    return bytes(data)


@pytest.mark.slow  # a second full check of the 720p video; the C2PA unit tests cover tampering quickly
def test_a_tampered_file_reads_invalid(server: LiveServer, made: tuple[str, str, bytes]) -> None:
    key, _, mp4 = made
    c2pa = _by_type(_check(server, key, _tampered(mp4)))["c2pa"]
    assert (c2pa["outcome"], c2pa["validation_state"], c2pa["score"]) == ("detected", "invalid", 0.0)


def test_a_still_frame_is_traced_by_its_fingerprint(server: LiveServer, made: tuple[str, str, bytes]) -> None:
    key, video_id, mp4 = made
    with av.open(io.BytesIO(mp4)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    png = io.BytesIO()
    Image.fromarray(frame).resize((640, 360)).save(png, format="PNG")
    body = _check(server, key, png.getvalue(), "still.png")
    assert body["media_kind"] == "image"
    results = _by_type(body)
    assert results["fingerprint"]["outcome"] == "detected" and results["fingerprint"]["video_id"] == video_id
    assert results["c2pa"]["validation_state"] == "not_present"


def test_an_unrelated_video_is_not_detected(server: LiveServer, made: tuple[str, str, bytes]) -> None:
    key = made[0]
    frames = np.random.default_rng(1).integers(0, 255, size=(48, 96, 160, 3), dtype=np.uint8)
    results = _by_type(_check(server, key, encode_mp4_bytes(build_clip(frames))))
    assert [results[m]["outcome"] for m in ("c2pa", "watermark", "fingerprint")] == ["not_detected"] * 3
    assert results["c2pa"]["validation_state"] == "not_present" and results["watermark"]["video_id"] is None


def test_the_sound_alone_is_checked_as_audio(server: LiveServer, made: tuple[str, str, bytes]) -> None:
    key, _, mp4 = made
    out = io.BytesIO()
    with av.open(io.BytesIO(mp4)) as source, av.open(out, mode="w", format="ipod") as target:
        stream = target.add_stream_from_template(source.streams.audio[0])
        for packet in source.demux(source.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = stream
                target.mux(packet)
    body = _check(server, key, out.getvalue(), "sound.m4a")
    assert body["media_kind"] == "audio" and len(body["results"]) == 3


def test_bad_requests_are_refused_clearly(server: LiveServer, made: tuple[str, str, bytes]) -> None:
    key = made[0]
    with server.http(key) as http:
        missing = http.post("/v1/content_provenance_checks", files={"other": ("x.txt", b"hello")})
        junk = http.post("/v1/content_provenance_checks", files={"file": ("x.txt", b"not a video at all")})
    assert missing.status_code == 400 and missing.json()["error"]["param"] == "file"
    assert junk.status_code == 400 and junk.json()["error"]["param"] == "file"
    with server.http() as anonymous:
        assert anonymous.post("/v1/content_provenance_checks", files={"file": ("a", b"x")}).status_code == 401
