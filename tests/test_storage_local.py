"""LocalBlobStore: the BlobStore contract, atomic replacement under a polling reader, and crash leftovers."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from typing import BinaryIO

import pytest

from mutoscope.errors import ConflictError
from mutoscope.storage import TEMP_PREFIX, BlobStore, LocalBlobStore
from storage_contract import BlobStoreContract


class TestLocalBlobStore(BlobStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> BlobStore:
        return LocalBlobStore(tmp_path / "blobs")


def test_a_reader_never_sees_a_partial_blob(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    size = 8 * 1024 * 1024
    versions = [bytes([value]) * size for value in (0x41, 0x42, 0x43)]
    store.put_bytes("videos/v/video.mp4", versions[0])
    stop = threading.Event()
    reads: list[tuple[int, int, bool]] = []

    def poll() -> None:
        while not stop.is_set():
            data = store.read_bytes("videos/v/video.mp4")
            reads.append((len(data), data[0], data.count(data[:1]) == len(data)))

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        for round_ in range(12):
            store.put_bytes("videos/v/video.mp4", versions[round_ % 3])
    finally:
        stop.set()
        reader.join(30)
    assert len(reads) >= 3
    assert all(length == size and uniform for length, _first, uniform in reads), "a reader saw a torn blob"
    assert len({first for _length, first, _uniform in reads}) >= 2, "the reader never saw a replacement"


def test_an_open_reader_keeps_the_old_bytes_while_the_blob_is_replaced(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.put_bytes("k", b"old" * 1000)
    with store.open_read("k") as file:
        store.put_bytes("k", b"new")
        assert file.read() == b"old" * 1000
    assert store.read_bytes("k") == b"new"


def test_a_failed_write_leaves_the_old_blob_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.put_bytes("videos/v/video.mp4", b"intact")
    source = tmp_path / "upload.bin"
    source.write_bytes(b"n" * 100_000)

    def disk_full(reader: BinaryIO, writer: BinaryIO, length: int = 0) -> None:
        writer.write(reader.read(50_000))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", disk_full)
    with pytest.raises(OSError, match="No space left"):
        store.put_file("videos/v/video.mp4", source)
    assert store.read_bytes("videos/v/video.mp4") == b"intact"
    assert os.listdir(store.root / "videos" / "v") == ["video.mp4"]


def test_sweep_temp_removes_only_old_leftovers(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.put_bytes("videos/v/video.mp4", b"real")
    folder = store.root / "videos" / "v"
    old, fresh = folder / f"{TEMP_PREFIX}old", folder / f"{TEMP_PREFIX}fresh"
    old.write_bytes(b"half a file")
    fresh.write_bytes(b"being written")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert store.list_keys() == ["videos/v/video.mp4"]  # leftovers are never listed as blobs
    assert store.sweep_temp(older_than_s=600) == 1
    assert not old.exists() and fresh.exists()
    assert store.read_bytes("videos/v/video.mp4") == b"real"


def test_files_are_written_under_the_root_with_readable_permissions(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.put_bytes("a/b.bin", b"x")
    path = store.local_path("a/b.bin")
    assert path == tmp_path / "blobs" / "a" / "b.bin"
    assert path is not None and path.stat().st_mode & 0o444 == 0o444


def test_delete_prunes_empty_folders(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.put_bytes("videos/v1/a1/video.mp4", b"x")
    store.put_bytes("videos/v2/a1/video.mp4", b"y")
    assert store.delete_prefix("videos/v1/") == 1
    assert not (store.root / "videos" / "v1").exists()
    assert (store.root / "videos" / "v2" / "a1").is_dir()
    assert store.root.is_dir()


def test_a_key_cannot_be_both_a_blob_and_a_folder(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    store.put_bytes("a/b", b"blob")
    with pytest.raises(ConflictError):
        store.put_bytes("a/b/c", b"under a blob")
    with pytest.raises(ConflictError):
        store.put_bytes("a", b"over a folder")
    assert store.list_keys() == ["a/b"]
    assert not any(TEMP_PREFIX in name for _d, _s, files in os.walk(store.root) for name in files)


def test_writers_racing_with_a_pruning_delete_all_land(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    errors: list[Exception] = []

    def churn(index: int) -> None:
        try:
            for round_ in range(50):
                store.put_bytes(f"shared/dir/{index}-{round_}", b".")
                assert store.delete(f"shared/dir/{index}-{round_}")
        except Exception as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)

    threads = [threading.Thread(target=churn, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert store.list_keys() == []
