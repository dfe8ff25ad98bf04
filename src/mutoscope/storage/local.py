"""`LocalBlobStore`: blobs as files under one root folder, written atomically.

A write goes to a `.tmp-*` file in the blob's own folder, is fsynced, then `os.replace`d over the key's path
(and the folder fsynced), so a reader, including one that already has the old blob open, never sees half a
file, and a crash leaves at most a `.tmp-*` file that `sweep_temp` removes later. Keys cannot name `.tmp-*`
files (see `keys.py`), so those never show up as blobs. This module imports only settings-level code: errors
and the key rules.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from mutoscope.errors import BlobNotFoundError, ConflictError, InvalidRequestError
from mutoscope.storage.keys import validate_key, validate_prefix

logger = logging.getLogger(__name__)

TEMP_PREFIX = ".tmp-"
_COPY_CHUNK_BYTES = 1 << 20
_MISSING = (FileNotFoundError, IsADirectoryError, NotADirectoryError)


class LocalBlobStore:
    """A `BlobStore` over the folder `root` (created if missing)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    def put_bytes(self, key: str, data: bytes) -> int:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidRequestError(f"put_bytes needs bytes, got {type(data).__name__}", param="data")
        view = memoryview(data)
        return self._write(key, lambda file: file.write(view))

    def put_file(self, key: str, source: Path) -> int:
        source = Path(source)
        if not source.is_file():
            raise InvalidRequestError(f"{source} is not a readable file", param="source")

        def copy(file: BinaryIO) -> None:
            with source.open("rb") as reader:
                shutil.copyfileobj(reader, file, _COPY_CHUNK_BYTES)

        return self._write(key, copy)

    def open_read(self, key: str) -> BinaryIO:
        path = self._path(key)
        try:
            return path.open("rb")
        except _MISSING:
            raise BlobNotFoundError(f"No blob is stored under {key!r}.", param="key") from None

    def read_bytes(self, key: str) -> bytes:
        with self.open_read(key) as file:
            return file.read()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size_bytes(self, key: str) -> int:
        path = self._path(key)
        try:
            info = path.stat()
        except _MISSING:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode):
            raise BlobNotFoundError(f"No blob is stored under {key!r}.", param="key")
        return info.st_size

    def delete(self, key: str) -> bool:
        path = self._path(key)
        try:
            path.unlink()
        except _MISSING:
            return False
        except PermissionError:  # unlink of a folder on some systems
            if path.is_dir():
                return False
            raise
        self._prune_empty_folders(path.parent)
        return True

    def delete_prefix(self, prefix: str) -> int:
        if not validate_prefix(prefix):
            raise InvalidRequestError("delete_prefix needs a non-empty prefix.", param="prefix")
        return sum(self.delete(key) for key in self.list_keys(prefix))

    def list_keys(self, prefix: str = "") -> list[str]:
        validate_prefix(prefix)
        # Walk only the deepest folder the prefix pins down: listing one video's blobs stays cheap.
        folder = self.root / prefix.rpartition("/")[0] if "/" in prefix else self.root
        keys: list[str] = []
        for directory, subdirectories, files in os.walk(folder):
            subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
            base = Path(directory).relative_to(self.root).as_posix()
            for name in files:
                if name.startswith("."):
                    continue
                key = name if base == "." else f"{base}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        if not path.is_file():
            raise BlobNotFoundError(f"No blob is stored under {key!r}.", param="key")
        return path

    def sweep_temp(self, older_than_s: float) -> int:
        """Remove `.tmp-*` files left by interrupted writes, if older than `older_than_s`; return the count."""
        if older_than_s < 0:
            raise InvalidRequestError("older_than_s must be >= 0", param="older_than_s")
        cutoff = time.time() - older_than_s
        removed = 0
        for directory, _subdirectories, files in os.walk(self.root):
            for name in files:
                if not name.startswith(TEMP_PREFIX):
                    continue
                path = Path(directory) / name
                with suppress(FileNotFoundError):
                    if path.stat().st_mtime <= cutoff:
                        path.unlink()
                        removed += 1
        if removed:
            logger.info("removed %d abandoned temporary blob files under %s", removed, self.root)
        return removed

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def _write(self, key: str, fill: Callable[[BinaryIO], object]) -> int:
        target = self._path(key)
        descriptor, temp_name = self._create_temp(key, target.parent)
        try:
            with os.fdopen(descriptor, "wb") as file:
                fill(file)
                file.flush()
                os.fsync(file.fileno())
                size = os.fstat(file.fileno()).st_size
            try:
                os.replace(temp_name, target)
            except (IsADirectoryError, NotADirectoryError, PermissionError) as error:
                if target.is_dir():
                    raise ConflictError(
                        f"Blob key {key!r} is a folder of other blobs in this store.", param="key"
                    ) from error
                raise
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise
        _fsync_folder(target.parent)
        return size

    def _create_temp(self, key: str, folder: Path) -> tuple[int, str]:
        # A concurrent delete may prune the folder between mkdir and mkstemp: try again a few times.
        for _ in range(5):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError) as error:
                # mkdir also says "exists" when a concurrent prune removed the folder between its own create
                # and check; only a file on the way is a real conflict.
                if not self._blob_on_the_way(folder):
                    continue
                raise ConflictError(
                    f"Blob key {key!r} runs through a path that is itself a blob in this store.", param="key"
                ) from error
            try:
                descriptor, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
            except FileNotFoundError:
                continue
            os.fchmod(descriptor, 0o644)
            return descriptor, name
        raise OSError(f"could not create a temporary file in {folder}")

    def _blob_on_the_way(self, folder: Path) -> bool:
        """Whether `folder` or a folder above it (inside the store) is a file."""
        return any(
            path.is_file()
            for path in (folder, *folder.parents)
            if path != self.root and self.root in path.parents
        )

    def _prune_empty_folders(self, folder: Path) -> None:
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty (or already gone): stop here
                return
            folder = folder.parent


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened for this.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
