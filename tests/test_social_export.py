"""Export on a live server: a member downloads a zip of every video they made (posted and drafts), with
thumbnails and `metadata.json`; the MP4s decode with PyAV. Only the caller's own library is ever in it."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import av
import pytest
from PIL import Image

from live_server import LiveServer, live_server, server_settings
from posts_support import VideoSeeder, admin, anonymous, member, post, real_video


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("var"))) as live:
        yield live


def _zip(response: Any) -> zipfile.ZipFile:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None  # every entry's CRC checks out
    return archive


def _decode(data: bytes) -> tuple[int, int, tuple[int, int]]:
    """(video frames, audio frames, size) of an MP4, decoded with PyAV."""
    with av.open(io.BytesIO(data)) as container:
        video = sum(1 for _ in container.decode(video=0))
    with av.open(io.BytesIO(data)) as container:
        audio = sum(1 for _ in container.decode(audio=0))
        stream = container.streams.video[0]
        size = (stream.codec_context.width, stream.codec_context.height)
    return video, audio, size


def test_the_export_holds_every_video_and_they_decode(server: LiveServer) -> None:
    alice = member(server, browser=True)
    posted_video, draft_video = (
        real_video(alice, prompt="a red ball bounces"),
        real_video(alice, prompt="a blue kite flies"),
    )
    post_id = post(alice, posted_video, "my best")
    failed = VideoSeeder(server).video(alice, state="failed")

    described = alice.http.post("/api/me/export")
    assert described.status_code == 200, described.text
    assert described.json()["video_count"] == 3 and described.json()["file_count"] == 5

    archive = _zip(alice.http.get("/api/me/export.zip"))
    names = set(archive.namelist())
    assert names == {
        "metadata.json",
        *(f"videos/{v}.mp4" for v in (posted_video, draft_video)),
        *(f"thumbnails/{v}.webp" for v in (posted_video, draft_video)),
    }
    for video_id in (posted_video, draft_video):
        frames, audio_frames, size = _decode(archive.read(f"videos/{video_id}.mp4"))
        assert frames == 4 * 24 and audio_frames > 0 and size == (720, 1280)
        assert Image.open(io.BytesIO(archive.read(f"thumbnails/{video_id}.webp"))).format == "WEBP"
        downloaded = alice.http.get(f"/v1/videos/{video_id}/content").content
        assert archive.read(f"videos/{video_id}.mp4") == downloaded  # the stored file, byte for byte

    metadata = json.loads(archive.read("metadata.json"))
    assert metadata["format"] == "mutoscope-export" and metadata["user"]["handle"] == alice.handle
    assert metadata["missing_files"] == []
    videos = {v["id"]: v for v in metadata["videos"]}
    assert set(videos) == {posted_video, draft_video, failed}
    assert (
        videos[posted_video]["post"]["id"] == post_id and videos[posted_video]["post"]["caption"] == "my best"
    )
    assert videos[draft_video]["post"] is None and videos[draft_video]["prompt"] == "a blue kite flies"
    assert videos[draft_video]["files"] == {
        "video": f"videos/{draft_video}.mp4",
        "thumbnail": f"thumbnails/{draft_video}.webp",
    }
    assert videos[draft_video]["generation"]["backend"] == "testcard"
    assert videos[failed]["status"] == "failed" and videos[failed]["files"] == {}
    assert videos[failed]["error"]["code"] == "backend_error"


def test_an_export_has_only_the_callers_videos(server: LiveServer) -> None:
    seeder = VideoSeeder(server)
    alice, teen, boss = member(server), member(server, teen=True), admin(server)
    mine = {who.handle: seeder.video(who) for who in (alice, teen, boss)}
    for who in (alice, teen, boss):
        archive = _zip(who.http.get("/api/me/export.zip"))
        listed = [v["id"] for v in json.loads(archive.read("metadata.json"))["videos"]]
        assert listed == [mine[who.handle]]
        assert archive.namelist() == [
            f"videos/{mine[who.handle]}.mp4",
            f"thumbnails/{mine[who.handle]}.webp",
            "metadata.json",
        ]


def test_an_empty_library_exports_an_empty_list(server: LiveServer) -> None:
    archive = _zip(member(server).http.get("/api/me/export.zip"))
    assert archive.namelist() == ["metadata.json"]
    assert json.loads(archive.read("metadata.json"))["videos"] == []


def test_anonymous_visitors_have_nothing_to_export(server: LiveServer) -> None:
    for response in (anonymous(server).get("/api/me/export.zip"), anonymous(server).post("/api/me/export")):
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
