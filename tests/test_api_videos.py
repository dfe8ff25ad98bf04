"""Acceptance: the official `openai` SDK against a live mutoscope server (SQLite; PostgreSQL under `services`).

Everything is measured from what a client receives: statuses, headers, and the downloaded files decoded with
PyAV and Pillow (codecs, duration, size, colours).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import av
import numpy as np
import openai
import pytest
from openai.types import Video
from PIL import Image

from conftest import build_clip
from live_server import LiveServer, live_server, reset_database, server_settings
from mutoscope.engine.media import encode_mp4_bytes
from mutoscope.jobs.models import Job

warnings.filterwarnings("ignore", category=DeprecationWarning)  # the SDK marks the Videos API deprecated
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
FAST = "testcard"  # a cheap backend for tests about the API rather than the pictures


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("var")
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        reset_database(url)
    with live_server(server_settings(data_dir, url)) as live:
        yield live


def _probe(data: bytes) -> dict[str, object]:
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        frames = sum(1 for _ in container.decode(video=0))
        return {
            "video_codec": video.codec_context.name,
            "audio_codec": audio.codec_context.name,
            "size": (video.codec_context.width, video.codec_context.height),
            "frames": frames,
            "fps": float(video.average_rate or 0),
            "sample_rate": audio.codec_context.sample_rate,
        }


def _job_and_blob_counts(live: LiveServer) -> tuple[int, int]:
    with live.runtime.db.session() as session:
        jobs = session.query(Job).count()
    return jobs, len(live.runtime.blobs.list_keys(""))


def test_create_and_poll_completes_and_every_variant_decodes(server: LiveServer) -> None:
    client = server.client(server.user())
    raw = client.videos.with_raw_response.create(
        prompt="a dog runs along a beach at sunset", model="sora-2", seconds="4", size="1280x720"
    )
    assert raw.headers.get("openai-poll-after-ms") == "100"
    created = raw.parse()
    assert created.status in ("queued", "in_progress") and created.id.startswith("video_")

    video = client.videos.poll(created.id)
    assert video.status == "completed", video.error
    assert (video.progress, video.seconds, video.size, video.model) == (100, "4", "1280x720", "sora-2")
    assert video.completed_at is not None and video.completed_at >= video.created_at

    mp4 = client.videos.download_content(video.id, variant="video").read()
    facts = _probe(mp4)
    assert facts["video_codec"] == "h264" and facts["audio_codec"] == "aac"
    assert facts["size"] == (1280, 720) and facts["frames"] == 96 and facts["sample_rate"] == 48000
    thumbnail = Image.open(io.BytesIO(client.videos.download_content(video.id, variant="thumbnail").read()))
    assert thumbnail.format == "WEBP" and thumbnail.width > 0
    sprites = Image.open(io.BytesIO(client.videos.download_content(video.id, variant="spritesheet").read()))
    assert sprites.format == "JPEG" and sprites.width > thumbnail.width / 2


def test_json_create_is_accepted_too(server: LiveServer) -> None:
    with server.http(server.user()) as http:
        response = http.post(
            "/v1/videos", json={"prompt": "bars", "model": FAST, "seconds": "8", "size": "720x1280"}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["object"], body["seconds"], body["size"], body["model"]) == ("video", "8", "720x1280", FAST)


def test_list_pages_over_25_videos_in_both_orders(server: LiveServer) -> None:
    client = server.client(server.user())
    made = [client.videos.create(prompt=f"card {i}", model=FAST).id for i in range(25)]
    try:
        for order, expected in (("asc", made), ("desc", made[::-1])):
            seen = [v.id for v in client.videos.list(limit=7, order=order)]  # the SDK follows `after`
            assert seen == expected
            first = client.videos.list(limit=10, order=order)
            assert first.has_more and len(first.data) == 10
            last = client.videos.list(limit=10, order=order, after=expected[19])
            assert [v.id for v in last.data] == expected[20:] and not last.has_more
    finally:
        for ident in made:
            client.videos.delete(ident)


def test_remix_records_its_parent_and_keeps_size_and_length(server: LiveServer) -> None:
    client = server.client(server.user())
    parent = client.videos.create_and_poll(
        prompt="a red ball bounces", model=FAST, seconds="4", size="1280x720"
    )
    remix = client.videos.poll(client.videos.remix(parent.id, prompt="make it blue").id)
    assert remix.status == "completed", remix.error
    assert remix.remixed_from_video_id == parent.id
    assert (remix.seconds, remix.size) == ("4", "1280x720")


def test_extend_gives_the_stitched_total(server: LiveServer) -> None:
    client = server.client(server.user())
    parent = client.videos.create_and_poll(prompt="a cat walks", model="sora-2", seconds="4", size="1280x720")
    # The SDK's extend()/edit() refuse `video={"id": …}` client-side (they expect a file there), so the {id}
    # form goes through the SDK's generic post, as JSON, the way users work around it.
    started = client.post(
        "/videos/extensions",
        body={"prompt": "the cat sits down", "seconds": "8", "video": {"id": parent.id}},
        cast_to=Video,
    )
    extended = client.videos.poll(started.id)
    assert extended.status == "completed", extended.error
    assert extended.seconds == "12"
    facts = _probe(client.videos.download_content(extended.id).read())
    assert facts["frames"] == 12 * 24 and facts["size"] == (1280, 720)


def test_edit_from_an_id_and_from_an_upload(server: LiveServer, make_clip: object) -> None:
    client = server.client(server.user())
    parent = client.videos.create_and_poll(
        prompt="a street at night", model=FAST, seconds="4", size="1280x720"
    )
    started = client.post(
        "/videos/edits", body={"prompt": "make it rain", "video": {"id": parent.id}}, cast_to=Video
    )
    by_id = client.videos.poll(started.id)
    assert by_id.status == "completed", by_id.error
    assert (by_id.seconds, by_id.size) == ("4", "1280x720")

    upload = encode_mp4_bytes(make_clip(48, width=320, height=240))  # type: ignore[operator]
    edited = client.videos.poll(
        client.videos.edit(prompt="add snow", video=("in.mp4", upload, "video/mp4")).id
    )
    assert edited.status == "completed", edited.error
    assert (edited.seconds, edited.size) == ("2", "320x240")
    assert _probe(client.videos.download_content(edited.id).read())["frames"] == 48

    with server.http(
        server.keys[next(reversed(server.keys))]
    ) as http:  # multipart `video[id]`, as forms send it
        response = http.post(
            "/v1/videos/edits", data={"prompt": "fog", "model": FAST, "video[id]": parent.id}
        )
    assert response.status_code == 200, response.text


def _magenta_share(mp4: bytes) -> float:
    with av.open(io.BytesIO(mp4)) as container:
        frames = [
            f.to_ndarray(format="rgb24") for i, f in enumerate(container.decode(video=0)) if i % 12 == 6
        ]
    pixels = np.concatenate([f.reshape(-1, 3).astype(int) for f in frames])
    near = (np.abs(pixels - np.array([230, 20, 210])).sum(axis=1)) < 90
    return float(near.mean())


def test_a_character_from_a_clip_is_cast_in_a_generation(server: LiveServer, make_clip: object) -> None:
    client = server.client(server.user())
    frames = np.zeros((72, 240, 320, 3), dtype=np.uint8)
    frames[:] = (30, 30, 30)
    frames[:, 60:180, 100:220] = (230, 20, 210)  # a magenta toy on a dark table
    clip = encode_mp4_bytes(make_clip(frames))  # type: ignore[operator]
    character = client.videos.create_character(name="Ziggy", video=("ziggy.mp4", clip, "video/mp4"))
    assert character.id.startswith("char_") and character.name == "Ziggy"
    assert client.videos.get_character(character.id).name == "Ziggy"

    prompt = "Ziggy sits on a table in a kitchen"
    cast = client.videos.create_and_poll(
        prompt=prompt, seconds="4", size="1280x720", extra_body={"characters": [{"id": character.id}]}
    )
    plain = client.videos.create_and_poll(prompt=prompt, seconds="4", size="1280x720")
    assert cast.status == plain.status == "completed"
    with_character = _magenta_share(client.videos.download_content(cast.id).read())
    without = _magenta_share(client.videos.download_content(plain.id).read())
    assert with_character > 0.002 and with_character > 10 * without, (with_character, without)


def test_delete_removes_the_video_and_its_files(server: LiveServer) -> None:
    client = server.client(server.user())
    video = client.videos.create_and_poll(prompt="bars", model=FAST)
    assert any(video.id in key for key in server.runtime.blobs.list_keys("videos/"))
    deleted = client.videos.delete(video.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (video.id, True, "video.deleted")
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(video.id)
    assert not any(video.id in key for key in server.runtime.blobs.list_keys("videos/"))


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 100, 50)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_first_frame_image_of_the_right_size_is_used(server: LiveServer) -> None:
    client = server.client(server.user())
    video = client.videos.create_and_poll(
        prompt="a dog on a beach",
        seconds="4",
        size="1280x720",
        input_reference=("f.png", _png(1280, 720), "image/png"),
    )
    assert video.status == "completed", video.error
    with av.open(io.BytesIO(client.videos.download_content(video.id).read())) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert np.abs(first.mean(axis=(0, 1)) - (200, 100, 50)).max() < 12


@pytest.mark.parametrize(
    ("call", "status", "param", "code"),
    [
        ("seconds_int", 400, "seconds", "invalid_type"),
        ("seconds_bad", 400, "seconds", "invalid_value"),
        ("size_bad", 400, "size", "invalid_value"),
        ("model_bad", 400, "model", "model_not_found"),
        ("prompt_missing", 400, "prompt", "missing_required_parameter"),
        ("reference_wrong_size", 400, "input_reference", "invalid_value"),
        ("reference_corrupt", 400, "input_reference", "corrupt_media"),
        ("edit_corrupt_upload", 400, "video", "corrupt_media"),
        ("edit_oversized_upload", 413, "video", "media_too_large"),
        ("extend_too_long", 400, "seconds", "invalid_value"),
        ("character_unknown", 404, "characters", "not_found"),
    ],
)
def test_bad_input_gets_the_envelope_and_leaves_nothing(
    server: LiveServer, call: str, status: int, param: str, code: str
) -> None:
    key = server.user()
    before = _job_and_blob_counts(server)
    with server.http(key) as http:
        response = _bad_call(http, call, server)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["param"], error["code"]) == (param, code)
    assert error["type"] == "invalid_request_error" and error["message"]
    assert _job_and_blob_counts(server) == before


def _bad_call(http: object, call: str, server: LiveServer) -> object:
    import httpx

    assert isinstance(http, httpx.Client)
    form = {"prompt": "a dog", "model": FAST}
    if call == "seconds_int":
        return http.post("/v1/videos", json={"prompt": "a dog", "seconds": 8})
    if call == "seconds_bad":
        return http.post("/v1/videos", data={**form, "seconds": "7"})
    if call == "size_bad":
        return http.post("/v1/videos", data={**form, "size": "640x480"})
    if call == "model_bad":
        return http.post("/v1/videos", data={"prompt": "a dog", "model": "sora-9"})
    if call == "prompt_missing":
        return http.post("/v1/videos", data={"model": FAST})
    if call == "reference_wrong_size":
        files = {"input_reference": ("f.png", _png(640, 480), "image/png")}
        return http.post("/v1/videos", data={**form, "size": "1280x720"}, files=files)
    if call == "reference_corrupt":
        truncated = _png(720, 1280)[:300]
        files = {"input_reference": ("f.png", truncated, "image/png")}
        return http.post("/v1/videos", data=form, files=files)
    if call == "edit_corrupt_upload":
        return http.post(
            "/v1/videos/edits", data=form, files={"video": ("v.mp4", b"\0\0\0\x18ftypmp42" + b"x" * 999)}
        )
    if call == "edit_oversized_upload":
        limit = server.settings.engine.max_upload_bytes
        server.settings.engine.max_upload_bytes = 4096
        try:
            return http.post("/v1/videos/edits", data=form, files={"video": ("v.mp4", b"\0" * 10_000)})
        finally:
            server.settings.engine.max_upload_bytes = limit
    if call == "extend_too_long":
        long_upload = encode_mp4_bytes(build_clip(110 * 24, width=96, height=64))
        files = {"video": ("long.mp4", long_upload, "video/mp4")}
        return http.post("/v1/videos/extensions", data={**form, "seconds": "20"}, files=files)
    if call == "character_unknown":
        return http.post("/v1/videos", data={**form, "characters[][id]": "char_" + "0" * 32})
    raise AssertionError(call)


def test_auth_and_ownership(server: LiveServer) -> None:
    alice, bob = server.client(server.user()), server.client(server.user())
    video = alice.videos.create(prompt="bars", model=FAST)
    with server.http() as anonymous:  # the SDK refuses to send no key at all, so plain HTTP
        missing = anonymous.get(f"/v1/videos/{video.id}")
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        server.client("mk-wrong.key-that-does-not-exist").videos.retrieve(video.id)
    with pytest.raises(openai.NotFoundError) as foreign:
        bob.videos.retrieve(video.id)
    assert foreign.value.body["code"] == "not_found"  # type: ignore[index]
    with pytest.raises(openai.NotFoundError):
        bob.videos.download_content(video.id)
    with pytest.raises(openai.NotFoundError):
        bob.videos.delete(video.id)
    assert alice.videos.retrieve(video.id).id == video.id


def test_unknown_route_and_openapi(server: LiveServer) -> None:
    with server.http() as http:
        missing = http.get("/v1/nothing-here")
        schema = http.get("/openapi.json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert "/v1/videos" in schema.json()["paths"]
