"""The `BlobStore` contract: behaviour every store must show, local folder or S3 alike.

Use it by subclassing in a test module and providing a `store` fixture that returns an empty store:

    class TestMyStore(BlobStoreContract):
        @pytest.fixture
        def store(self) -> BlobStore: ...

The class name has no `Test` prefix, so pytest collects it only through such subclasses.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from mutoscope.errors import BlobNotFoundError, InvalidRequestError, NotFoundError
from mutoscope.storage import BlobStore

BAD_KEYS = [
    "",
    "/absolute",
    "a//b",
    "trailing/",
    "../escape",
    "a/../b",
    "a/./b",
    ".hidden",
    "a/.tmp-123",
    "space in name",
    "back\\slash",
    "unicode/ü",
    "q?x",
    "x" * 1025,
]


class BlobStoreContract:
    """Inherit and provide a `store` fixture."""

    @pytest.fixture
    def store(self) -> BlobStore:
        raise NotImplementedError("subclasses provide an empty store")

    def test_implements_the_protocol(self, store: BlobStore) -> None:
        assert isinstance(store, BlobStore)

    def test_put_and_read_back(self, store: BlobStore) -> None:
        data = os.urandom(70_000)
        assert store.put_bytes("videos/v1/a1/video.mp4", data) == len(data)
        assert store.read_bytes("videos/v1/a1/video.mp4") == data
        with store.open_read("videos/v1/a1/video.mp4") as file:
            assert file.read(10) == data[:10]
            assert file.read() == data[10:]
        assert store.exists("videos/v1/a1/video.mp4")
        assert store.size_bytes("videos/v1/a1/video.mp4") == len(data)

    def test_empty_blobs_are_blobs(self, store: BlobStore) -> None:
        assert store.put_bytes("empty.bin", b"") == 0
        assert store.exists("empty.bin") and store.read_bytes("empty.bin") == b""
        assert store.size_bytes("empty.bin") == 0

    def test_put_replaces(self, store: BlobStore) -> None:
        store.put_bytes("k", b"first version, longer")
        store.put_bytes("k", b"second")
        assert store.read_bytes("k") == b"second"
        assert store.size_bytes("k") == 6
        assert store.list_keys() == ["k"]

    def test_put_file_copies(self, store: BlobStore, tmp_path: Path) -> None:
        source = tmp_path / "source.bin"
        data = os.urandom(3 * 1024 * 1024 + 17)
        source.write_bytes(data)
        assert store.put_file("uploads/source.bin", source) == len(data)
        source.write_bytes(b"changed afterwards")
        assert store.read_bytes("uploads/source.bin") == data

    def test_put_file_of_a_missing_file_is_refused(self, store: BlobStore, tmp_path: Path) -> None:
        with pytest.raises(InvalidRequestError):
            store.put_file("k", tmp_path / "missing.bin")
        assert store.list_keys() == []

    def test_missing_keys(self, store: BlobStore) -> None:
        store.put_bytes("present/blob", b"x")
        assert not store.exists("absent")
        assert not store.exists("present")  # a prefix of keys is not a blob
        for read in (store.read_bytes, store.open_read, store.size_bytes):
            with pytest.raises(BlobNotFoundError) as caught:
                read("absent")
            assert isinstance(caught.value, NotFoundError)
            with pytest.raises(BlobNotFoundError):
                read("present")
        assert store.delete("absent") is False

    def test_delete(self, store: BlobStore) -> None:
        store.put_bytes("a/b/c", b"1")
        store.put_bytes("a/b/d", b"2")
        assert store.delete("a/b/c") is True
        assert store.delete("a/b/c") is False
        assert store.list_keys() == ["a/b/d"]
        store.put_bytes("a/b/c", b"again")  # a deleted key can be written again
        assert store.read_bytes("a/b/c") == b"again"

    def test_list_keys_by_prefix(self, store: BlobStore) -> None:
        keys = [
            "videos/v1/a1/video.mp4",
            "videos/v1/a1/thumb.webp",
            "videos/v10/a1/video.mp4",
            "videos/v2/x",
            "z",
        ]
        for key in keys:
            store.put_bytes(key, key.encode())
        assert store.list_keys() == sorted(keys)
        assert store.list_keys("videos/v1/") == ["videos/v1/a1/thumb.webp", "videos/v1/a1/video.mp4"]
        assert store.list_keys("videos/v1") == sorted(k for k in keys if k.startswith("videos/v1"))
        assert store.list_keys("videos/v1/a1/vid") == ["videos/v1/a1/video.mp4"]
        assert store.list_keys("nothing/") == []

    def test_delete_prefix(self, store: BlobStore) -> None:
        for key in ("videos/v1/a1/x", "videos/v1/a2/y", "videos/v10/a1/x", "other"):
            store.put_bytes(key, b".")
        assert store.delete_prefix("videos/v1/") == 2
        assert store.list_keys() == ["other", "videos/v10/a1/x"]
        assert store.delete_prefix("videos/v1/") == 0
        with pytest.raises(InvalidRequestError):
            store.delete_prefix("")  # never "delete everything" by accident
        assert len(store.list_keys()) == 2

    @pytest.mark.parametrize("key", BAD_KEYS)
    def test_bad_keys_are_refused_everywhere(self, store: BlobStore, key: str) -> None:
        operations = [
            lambda: store.put_bytes(key, b"x"),
            lambda: store.read_bytes(key),
            lambda: store.open_read(key),
            lambda: store.exists(key),
            lambda: store.size_bytes(key),
            lambda: store.delete(key),
            lambda: store.local_path(key),
        ]
        for operation in operations:
            with pytest.raises(InvalidRequestError) as caught:
                operation()
            assert caught.value.param == "key"
        assert store.list_keys() == []

    @pytest.mark.parametrize("prefix", ["/abs", "../x", "a//", "a/../", ".tmp-"])
    def test_bad_prefixes_are_refused(self, store: BlobStore, prefix: str) -> None:
        with pytest.raises(InvalidRequestError):
            store.list_keys(prefix)
        with pytest.raises(InvalidRequestError):
            store.delete_prefix(prefix)

    def test_good_keys_are_accepted(self, store: BlobStore) -> None:
        keys = ["a", "A-Z_0.9", "deep/" * 20 + "leaf", "name.with.dots", "x" * 200]
        for key in keys:
            store.put_bytes(key, b"ok")
        assert store.list_keys() == sorted(keys)

    def test_local_path_serves_the_bytes_or_is_none(self, store: BlobStore) -> None:
        store.put_bytes("media/video.mp4", b"mp4 bytes")
        path = store.local_path("media/video.mp4")
        if path is not None:
            assert path.read_bytes() == b"mp4 bytes"
        try:
            missing = store.local_path("media/missing.mp4")
        except BlobNotFoundError:
            missing = None
        assert missing is None

    def test_put_bytes_refuses_text(self, store: BlobStore) -> None:
        with pytest.raises(InvalidRequestError):
            store.put_bytes("k", "text, not bytes")  # type: ignore[arg-type]
        assert store.list_keys() == []

    def test_concurrent_writers_of_different_keys(self, store: BlobStore) -> None:
        errors: list[Exception] = []

        def write(index: int) -> None:
            try:
                for round_ in range(10):
                    store.put_bytes(f"batch/{index}/{round_}", bytes([index]) * 1000)
            except Exception as error:  # noqa: BLE001  (reported by the main thread)
                errors.append(error)

        threads = [threading.Thread(target=write, args=(index,)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert len(store.list_keys("batch/")) == 40
        assert store.read_bytes("batch/3/9") == bytes([3]) * 1000
