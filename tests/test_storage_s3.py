"""S3BlobStore against an S3-compatible endpoint over real HTTP (moto's server mode on loopback).

The same contract suite as the local store, then what only S3 has: multipart uploads (seen as UploadPart calls
on the wire), SHA-256 checksums on every upload (seen in the request headers) and on every read (a blob changed
in storage is refused), aborted uploads that leave nothing visible, presigned URLs fetched with httpx, storage
outages reported as 503-class errors, and an end-to-end run of the API on S3 with redirected downloads.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from pydantic import ValidationError

from live_server import free_port, live_server, server_settings
from mutoscope.errors import (
    BlobIntegrityError,
    ConflictError,
    InvalidRequestError,
    MissingDependencyError,
    ServiceUnavailableError,
)
from mutoscope.settings import Settings, StorageSettings
from mutoscope.storage import BlobStore, LocalBlobStore, open_blob_store
from mutoscope.storage.s3 import MIN_PART_SIZE_BYTES, S3BlobStore
from s3_support import S3Endpoint, s3_endpoint
from storage_contract import BlobStoreContract

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def endpoint() -> Iterator[S3Endpoint]:
    with s3_endpoint() as running:
        yield running


@pytest.fixture
def bucket(endpoint: S3Endpoint) -> str:
    return endpoint.new_bucket()


@pytest.fixture
def store(endpoint: S3Endpoint, bucket: str) -> S3BlobStore:
    return S3BlobStore(bucket, "media", endpoint.client(), part_size_bytes=MIN_PART_SIZE_BYTES)


class TestS3BlobStore(BlobStoreContract):
    @pytest.fixture
    def store(self, endpoint: S3Endpoint) -> BlobStore:
        return S3BlobStore(endpoint.new_bucket(), "deploy/media", endpoint.admin)


def _sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _calls(client: Any, event: str) -> list[dict[str, Any]]:
    """Records the parameters of every call matching `event` (e.g. 'before-parameter-build.s3.UploadPart')."""
    seen: list[dict[str, Any]] = []
    client.meta.events.register(event, lambda params, **_: seen.append(dict(params)))
    return seen


def _open_uploads(endpoint: S3Endpoint, bucket: str) -> list[dict[str, Any]]:
    uploads: list[dict[str, Any]] = endpoint.admin.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    return uploads


def test_blobs_live_under_the_prefix_and_foreign_objects_are_not_blobs(
    store: S3BlobStore, endpoint: S3Endpoint, bucket: str
) -> None:
    store.put_bytes("videos/v1/video.mp4", b"ours")
    raw = endpoint.admin
    raw.put_object(Bucket=bucket, Key="elsewhere/x", Body=b"theirs")
    raw.put_object(Bucket=bucket, Key="media/.tmp-leftover", Body=b"not a key")
    listed = sorted(item["Key"] for item in raw.list_objects_v2(Bucket=bucket)["Contents"])
    assert listed == ["elsewhere/x", "media/.tmp-leftover", "media/videos/v1/video.mp4"]
    assert store.list_keys() == ["videos/v1/video.mp4"]
    assert store.delete_prefix("videos/") == 1
    assert raw.get_object(Bucket=bucket, Key="elsewhere/x")["Body"].read() == b"theirs"


def test_a_blob_larger_than_a_part_goes_up_in_parts(store: S3BlobStore, tmp_path: Path) -> None:
    parts = _calls(store._client, "before-parameter-build.s3.UploadPart")
    completions = _calls(store._client, "before-parameter-build.s3.CompleteMultipartUpload")
    data = os.urandom(2 * MIN_PART_SIZE_BYTES + 12345)
    source = tmp_path / "big.mp4"
    source.write_bytes(data)

    assert store.put_file("videos/v/video.mp4", source) == len(data)
    assert [call["PartNumber"] for call in parts] == [1, 2, 3]
    assert len(completions) == 1
    assert store.size_bytes("videos/v/video.mp4") == len(data)
    assert store.read_bytes("videos/v/video.mp4") == data

    parts.clear()
    assert store.put_bytes("videos/v/copy.mp4", data) == len(data)
    assert len(parts) == 3
    with store.open_read("videos/v/copy.mp4") as stream:
        assert stream.read(MIB) == data[:MIB]
        assert stream.read() == data[MIB:]


def test_a_blob_of_exactly_one_part_is_a_single_put(store: S3BlobStore) -> None:
    puts = _calls(store._client, "before-parameter-build.s3.PutObject")
    parts = _calls(store._client, "before-parameter-build.s3.UploadPart")
    store.put_bytes("k", os.urandom(MIN_PART_SIZE_BYTES))
    assert (len(puts), len(parts)) == (1, 0)


def test_every_upload_carries_its_sha256_and_records_it(
    store: S3BlobStore, endpoint: S3Endpoint, bucket: str
) -> None:
    sent: list[tuple[str, bytes | None, bytes]] = []

    def capture(request: Any, **_: Any) -> None:
        body = request.body if isinstance(request.body, bytes) else request.body.read()
        if hasattr(request.body, "seek"):
            request.body.seek(0)
        sent.append((request.method, request.headers.get("x-amz-checksum-sha256"), body))

    store._client.meta.events.register("before-send.s3.PutObject", capture)
    store._client.meta.events.register("before-send.s3.UploadPart", capture)
    small, big = os.urandom(1000), os.urandom(MIN_PART_SIZE_BYTES + 1000)
    store.put_bytes("small", small)
    store.put_bytes("big", big)

    assert len(sent) == 3  # one PUT, two parts
    for _method, header, body in sent:
        assert header is not None
        assert header == _sha256_b64(body).encode()
    assert b"".join(body for _m, _h, body in sent[1:]) == big
    raw = endpoint.admin
    for key, data in (("small", small), ("big", big)):
        metadata = raw.head_object(Bucket=bucket, Key=f"media/{key}")["Metadata"]
        assert metadata["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_blob_changed_in_storage_is_refused_on_read(
    store: S3BlobStore, endpoint: S3Endpoint, bucket: str
) -> None:
    data = os.urandom(300_000)
    store.put_bytes("videos/v/video.mp4", data)
    tampered = bytearray(data)
    tampered[150_000] ^= 0xFF
    raw = endpoint.admin
    # Same size, same recorded digest, one flipped byte: what bit rot or a tampering hand looks like.
    raw.put_object(
        Bucket=bucket,
        Key="media/videos/v/video.mp4",
        Body=bytes(tampered),
        Metadata={"sha256": hashlib.sha256(data).hexdigest()},
    )
    with pytest.raises(BlobIntegrityError, match="SHA-256"):
        store.read_bytes("videos/v/video.mp4")
    with store.open_read("videos/v/video.mp4") as stream:
        assert stream.read(1000) == data[:1000]  # the damage is only known at the end
        with pytest.raises(BlobIntegrityError):
            stream.read()

    raw.put_object(Bucket=bucket, Key="media/foreign.bin", Body=b"written by another tool")
    assert store.read_bytes("foreign.bin") == b"written by another tool"  # nothing recorded, nothing to check


def test_a_checksum_that_storage_echoes_wrongly_is_refused(store: S3BlobStore) -> None:
    def garble(parsed: dict[str, Any], **_: Any) -> None:
        parsed["ChecksumSHA256"] = _sha256_b64(b"something else")

    store._client.meta.events.register("after-call.s3.PutObject", garble)
    with pytest.raises(BlobIntegrityError, match="another SHA-256"):
        store.put_bytes("k", b"payload")


def test_a_failed_multipart_upload_is_aborted_and_the_old_blob_stays(
    store: S3BlobStore, endpoint: S3Endpoint, bucket: str, tmp_path: Path
) -> None:
    store.put_bytes("videos/v/video.mp4", b"the old video")
    parts: list[int] = []

    def fail_second_part(params: dict[str, Any], **_: Any) -> None:
        parts.append(params["PartNumber"])
        if params["PartNumber"] == 2:
            raise OSError(28, "No space left on device")

    store._client.meta.events.register("before-parameter-build.s3.UploadPart", fail_second_part)
    source = tmp_path / "new.mp4"
    source.write_bytes(os.urandom(3 * MIN_PART_SIZE_BYTES))
    with pytest.raises(OSError, match="No space left"):
        store.put_file("videos/v/video.mp4", source)
    assert parts == [1, 2]
    assert store.read_bytes("videos/v/video.mp4") == b"the old video"
    assert _open_uploads(endpoint, bucket) == []


def test_a_source_that_changes_while_uploading_is_refused(
    store: S3BlobStore, endpoint: S3Endpoint, bucket: str, tmp_path: Path
) -> None:
    source = tmp_path / "growing.mp4"
    source.write_bytes(b"a" * (2 * MIN_PART_SIZE_BYTES + 10))

    def rewrite_tail(params: dict[str, Any], **_: Any) -> None:
        if params["PartNumber"] == 1:
            with source.open("r+b") as file:
                file.seek(-10, os.SEEK_END)
                file.write(b"b" * 10)

    store._client.meta.events.register("before-parameter-build.s3.UploadPart", rewrite_tail)
    with pytest.raises(ConflictError, match="changed while it was being stored"):
        store.put_file("videos/v/video.mp4", source)
    assert not store.exists("videos/v/video.mp4")
    assert _open_uploads(endpoint, bucket) == []


def test_presigned_urls_serve_the_blob_over_plain_http(store: S3BlobStore) -> None:
    data = os.urandom(50_000)
    store.put_bytes("videos/v/video.mp4", data)
    url = store.presigned_url("videos/v/video.mp4", 120, filename="video_1.mp4", media_type="video/mp4")
    query = httpx.URL(url).params
    assert query["X-Amz-Expires"] == "120" and query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["content-disposition"] == 'attachment; filename="video_1.mp4"'


def test_presigned_urls_refuse_bad_arguments(store: S3BlobStore) -> None:
    for expiry in (0, -5, 8 * 24 * 3600, True, 1.5):
        with pytest.raises(InvalidRequestError) as caught:
            store.presigned_url("k", expiry)  # type: ignore[arg-type]
        assert caught.value.param == "expiry_s"
    with pytest.raises(InvalidRequestError) as caught:
        store.presigned_url("k", 60, filename='evil"; x=y')
    assert caught.value.param == "filename"
    with pytest.raises(InvalidRequestError) as caught:
        store.presigned_url("../k", 60)
    assert caught.value.param == "key"


def test_presigned_urls_use_the_public_endpoint_when_one_is_set(endpoint: S3Endpoint, bucket: str) -> None:
    storage = StorageSettings(
        **endpoint.settings(bucket, public_endpoint_url="http://media.example.test:9000")
    )
    store = S3BlobStore.from_settings(storage)
    store.put_bytes("k", b"x")  # still talks to the private endpoint
    url = store.presigned_url("k", 60)
    assert url.startswith(f"http://media.example.test:9000/{bucket}/k?")


def test_unreachable_storage_is_service_unavailable(tmp_path: Path) -> None:
    dead = S3Endpoint(url=f"http://127.0.0.1:{free_port()}")
    store = S3BlobStore("mutoscope-down", "", dead.client(retries={"max_attempts": 1}))
    source = tmp_path / "f"
    source.write_bytes(b"x")
    operations = [
        lambda: store.put_bytes("k", b"x"),
        lambda: store.put_file("k", source),
        lambda: store.read_bytes("k"),
        lambda: store.exists("k"),
        store.list_keys,
        lambda: store.delete_prefix("a/"),
        store.check_bucket,
    ]
    for operation in operations:
        with pytest.raises(ServiceUnavailableError):
            operation()


def test_a_missing_bucket_is_named(endpoint: S3Endpoint) -> None:
    store = S3BlobStore("mutoscope-no-such-bucket", "", endpoint.client())
    with pytest.raises(ServiceUnavailableError, match="'mutoscope-no-such-bucket' does not exist"):
        store.check_bucket()
    with pytest.raises(ServiceUnavailableError, match="does not exist"):
        store.put_bytes("k", b"x")


def test_sweep_aborts_only_abandoned_uploads_under_the_prefix(
    store: S3BlobStore, endpoint: S3Endpoint, bucket: str
) -> None:
    raw = endpoint.admin
    raw.create_multipart_upload(Bucket=bucket, Key="media/videos/v/video.mp4")  # a crashed worker's upload
    raw.create_multipart_upload(Bucket=bucket, Key="elsewhere/upload")
    assert store.sweep_incomplete_uploads(older_than_s=10**10) == 0  # nothing is that old
    assert store.sweep_incomplete_uploads(older_than_s=0) == 1
    assert [upload["Key"] for upload in _open_uploads(endpoint, bucket)] == ["elsewhere/upload"]
    with pytest.raises(InvalidRequestError):
        store.sweep_incomplete_uploads(older_than_s=-1)


def test_stores_refuse_impossible_part_sizes(endpoint: S3Endpoint) -> None:
    for size in (MIN_PART_SIZE_BYTES - 1, 6 * 1024**3):
        with pytest.raises(InvalidRequestError):
            S3BlobStore("mutoscope-x", "", endpoint.client(), part_size_bytes=size)
    with pytest.raises(ValidationError):
        StorageSettings(part_size_bytes=MIB)


def test_settings_pick_the_store(endpoint: S3Endpoint, bucket: str, tmp_path: Path) -> None:
    local = open_blob_store(Settings(data_dir=tmp_path))
    assert isinstance(local, LocalBlobStore) and local.root == tmp_path / "blobs"

    remote = open_blob_store(Settings(data_dir=tmp_path, storage=endpoint.settings(bucket, prefix="m")))
    assert isinstance(remote, S3BlobStore)
    remote.put_bytes("a/b", b"through settings")
    assert endpoint.admin.get_object(Bucket=bucket, Key="m/a/b")["Body"].read() == b"through settings"

    with pytest.raises(ServiceUnavailableError, match="does not exist"):  # misconfiguration fails at start
        open_blob_store(Settings(data_dir=tmp_path, storage=endpoint.settings("mutoscope-absent")))
    with pytest.raises(ValidationError, match=r"needs storage\.bucket"):
        Settings(storage={"backend": "s3"})


def test_s3_without_boto3_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    monkeypatch.delitem(sys.modules, "mutoscope.storage.s3")
    settings = Settings(data_dir=tmp_path, storage={"backend": "s3", "bucket": "b"})
    with pytest.raises(MissingDependencyError, match=r"mutoscope\[s3\]"):
        open_blob_store(settings)


def test_the_api_on_s3_redirects_downloads_to_presigned_urls(
    endpoint: S3Endpoint, bucket: str, tmp_path: Path
) -> None:
    storage = endpoint.settings(bucket, prefix="prod", redirect_downloads=True, presign_expiry_s=300)
    settings = server_settings(tmp_path / "var", storage=storage)
    with live_server(settings) as live:
        key = live.user()
        client = live.client(key)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the SDK marks the Videos API deprecated
            created = client.videos.create(prompt="bars", model="testcard", seconds="4", size="720x1280")
            video = client.videos.poll(created.id, poll_interval_ms=100)
            assert video.status == "completed", video.error
            mp4 = client.videos.download_content(video.id).read()  # the SDK follows the redirect

        with av.open(io.BytesIO(mp4)) as container:
            stream = container.streams.video[0]
            size = (stream.codec_context.width, stream.codec_context.height)
            frames = sum(1 for _ in container.decode(video=0))
        assert (size, frames) == ((720, 1280), 96)

        with live.http(key) as http:
            started = time.monotonic()
            redirect = http.get(f"/v1/videos/{video.id}/content", params={"variant": "thumbnail"})
            assert redirect.status_code == 302
            location = httpx.URL(redirect.headers["location"])
            assert str(location).startswith(f"{endpoint.url}/{bucket}/prod/videos/")
            assert location.params["X-Amz-Expires"] == "300"
            fetched = httpx.get(location)
            assert fetched.status_code == 200 and fetched.content[:4] == b"RIFF"  # WebP
            assert fetched.headers["content-type"] == "image/webp"
            assert time.monotonic() - started < 10
            other = live.http(live.user())
            assert other.get(f"/v1/videos/{video.id}/content").status_code == 404  # auth before any URL

        # Without redirects the API streams the same bytes from S3 itself.
        live.runtime.settings.storage.redirect_downloads = False
        with live.http(key) as http:
            streamed = http.get(f"/v1/videos/{video.id}/content")
        assert streamed.status_code == 200 and streamed.headers["content-type"] == "video/mp4"
        assert streamed.content == mp4

        keys = endpoint.admin.list_objects_v2(Bucket=bucket, Prefix="prod/")["Contents"]
        stored = {item["Key"].rsplit("/", 1)[-1] for item in keys}
        assert {"video.mp4", "thumbnail.webp", "spritesheet.jpg", "metadata.json"} <= stored
        assert not (tmp_path / "var" / "blobs").exists() or not any(
            (tmp_path / "var" / "blobs").rglob("*.mp4")
        )
