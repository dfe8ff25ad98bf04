"""Blob storage: the `BlobStore` protocol, the key rules, `LocalBlobStore` (files under a folder), and
`open_blob_store(settings)`, which picks the configured store (`S3BlobStore` lives in `storage.s3`, imported
only when configured because it needs boto3).

Pure file code beside `mutoscope.db` in the layers: it imports only settings and errors. Every store passes
the same contract tests (tests/storage_contract.py).
"""

from mutoscope.storage.blob import BlobStore, PresignedDownloads
from mutoscope.storage.keys import MAX_KEY_LENGTH, validate_key, validate_prefix
from mutoscope.storage.local import TEMP_PREFIX, LocalBlobStore
from mutoscope.storage.stores import open_blob_store

__all__ = [
    "MAX_KEY_LENGTH",
    "TEMP_PREFIX",
    "BlobStore",
    "LocalBlobStore",
    "PresignedDownloads",
    "open_blob_store",
    "validate_key",
    "validate_prefix",
]
