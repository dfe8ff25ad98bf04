"""Which blob store a deployment uses: `open_blob_store(settings)` builds the one the settings name.

`local` (the embedded default) is a `LocalBlobStore` under `settings.blob_root`; `s3` is an `S3BlobStore` on the
configured bucket. The S3 module is imported only here and only when asked for, so an install without the `s3`
extra works until someone configures S3, and is then told which extra to install.
"""

from __future__ import annotations

from mutoscope.errors import MissingDependencyError
from mutoscope.settings import Settings
from mutoscope.storage.blob import BlobStore
from mutoscope.storage.local import LocalBlobStore


def open_blob_store(settings: Settings) -> BlobStore:
    """The blob store `settings.storage` describes (S3 stores check that their bucket answers)."""
    if settings.storage.backend == "local":
        return LocalBlobStore(settings.blob_root)
    try:
        from mutoscope.storage.s3 import S3BlobStore
    except ImportError as error:
        raise MissingDependencyError(error.name or "boto3", "s3", "S3 blob storage") from None
    store = S3BlobStore.from_settings(settings.storage)
    store.check_bucket()
    return store
