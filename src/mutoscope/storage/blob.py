"""The `BlobStore` protocol: what the rest of mutoscope may ask of a place that keeps media files.

Stores hold immutable-ish byte blobs under keys (see `keys.py`). A write is atomic: a reader sees the old blob
or the new one, never part of either. `LocalBlobStore` keeps them in a folder; an S3 store (issue
"scale-out") implements the same protocol and passes the same contract tests (tests/storage_contract.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable


@runtime_checkable
class BlobStore(Protocol):
    """Keyed byte blobs with atomic writes. Missing keys raise `BlobNotFoundError`; bad keys
    `InvalidRequestError`."""

    def put_bytes(self, key: str, data: bytes) -> int:
        """Store `data` under `key` (replacing any blob there) and return its size in bytes."""
        ...

    def put_file(self, key: str, source: Path) -> int:
        """Copy the file `source` under `key` (replacing any blob there) and return its size in bytes."""
        ...

    def open_read(self, key: str) -> BinaryIO:
        """A binary file object over the blob; the caller closes it."""
        ...

    def read_bytes(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def size_bytes(self, key: str) -> int: ...

    def delete(self, key: str) -> bool:
        """Remove the blob; False when there was none."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Remove every blob whose key starts with the non-empty `prefix`; return how many went."""
        ...

    def list_keys(self, prefix: str = "") -> list[str]:
        """The keys that start with `prefix`, sorted."""
        ...

    def local_path(self, key: str) -> Path | None:
        """A filesystem path to serve the blob from without copying, or None for a remote store."""
        ...


@runtime_checkable
class PresignedDownloads(Protocol):
    """A store whose blobs a client can fetch straight from storage with a signed, expiring URL (S3)."""

    def presigned_url(
        self, key: str, expiry_s: int, *, filename: str | None = None, media_type: str | None = None
    ) -> str:
        """A GET URL for the blob valid for `expiry_s` seconds; `filename`/`media_type` set the response's
        Content-Disposition and Content-Type."""
        ...
