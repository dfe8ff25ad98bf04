"""`S3BlobStore`: blobs as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...), under a key prefix.

What a reader sees is atomic because S3 makes it so: a PUT, or the CompleteMultipartUpload that ends a multipart
upload, replaces the object in one step, and the parts of an unfinished upload are never visible. A failed
upload is aborted; one cut short by a crash is removed by `sweep_incomplete_uploads` (or a bucket lifecycle
rule), like `LocalBlobStore.sweep_temp`. Blobs larger than `part_size_bytes` go up in parts.

Integrity is checked on both legs. Every PUT and part carries its SHA-256 (`ChecksumSHA256`), which S3 verifies
before it stores anything, and the checksum S3 echoes back is compared with ours. Every blob also records the
SHA-256 of its whole content in its metadata (`x-amz-meta-sha256`), and every read checks it at the end of the
stream, so corruption or tampering at rest surfaces as `BlobIntegrityError` instead of a bad video.

Unreachable or overloaded storage (connection errors, 5xx, throttling) raises `ServiceUnavailableError` (the API
answers 503 with Retry-After); a missing object raises `BlobNotFoundError`. Unlike on disk, one key may be a blob
and a prefix of others at once; nothing in mutoscope writes such keys. This module needs boto3 (the `s3` extra)
and is imported only by `stores.open_blob_store` when S3 is configured.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import logging
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from mutoscope.errors import (
    BlobIntegrityError,
    BlobNotFoundError,
    ConflictError,
    InvalidRequestError,
    MutoscopeError,
    ServiceUnavailableError,
)
from mutoscope.settings import StorageSettings
from mutoscope.storage.keys import MAX_KEY_LENGTH, validate_key, validate_prefix

logger = logging.getLogger(__name__)

MIN_PART_SIZE_BYTES = 5 * 1024 * 1024  # S3's floor for every part but the last
MAX_PART_SIZE_BYTES = 5 * 1024**3
MAX_PARTS = 10_000
MAX_PRESIGN_EXPIRY_S = 7 * 24 * 3600  # SigV4's ceiling
SHA256_METADATA = "sha256"  # x-amz-meta-sha256: hex SHA-256 of the whole blob
_READ_CHUNK_BYTES = 1 << 20
_DELETE_BATCH = 1000  # DeleteObjects takes at most 1000 keys
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_TRANSIENT_CODES = frozenset(
    {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "Throttling", "ThrottlingException"}
)
_FILENAME = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


class S3BlobStore:
    """A `BlobStore` over `bucket` (which must exist), keeping every blob under `prefix` (a folder-like key
    prefix, "" for the bucket's root). `client` is a boto3 S3 client; `presign_client` signs download URLs
    when clients reach storage at another address than this process does (default: `client`)."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        client: Any,
        *,
        part_size_bytes: int = 16 * 1024 * 1024,
        presign_client: Any | None = None,
    ) -> None:
        if not isinstance(bucket, str) or not bucket:
            raise InvalidRequestError("An S3 blob store needs a bucket name.", param="bucket")
        if not MIN_PART_SIZE_BYTES <= part_size_bytes <= MAX_PART_SIZE_BYTES:
            raise InvalidRequestError(
                f"part_size_bytes must be between {MIN_PART_SIZE_BYTES} and {MAX_PART_SIZE_BYTES} "
                f"(S3's limits), got {part_size_bytes}",
                param="part_size_bytes",
            )
        validate_prefix(prefix)
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else f"{prefix}/"
        self.part_size_bytes = part_size_bytes
        self._client = client
        self._presign_client = presign_client or client

    @classmethod
    def from_settings(cls, storage: StorageSettings) -> S3BlobStore:
        """The store `storage` (backend "s3") describes, with its own boto3 clients."""
        if not storage.bucket:
            raise InvalidRequestError("S3 storage needs storage.bucket.", param="bucket")
        client = connect_s3(storage, storage.endpoint_url)
        presign = connect_s3(storage, storage.public_endpoint_url) if storage.public_endpoint_url else None
        return cls(
            storage.bucket,
            storage.prefix,
            client,
            part_size_bytes=storage.part_size_bytes,
            presign_client=presign,
        )

    def __repr__(self) -> str:
        return f"S3BlobStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def check_bucket(self) -> None:
        """Raise `ServiceUnavailableError` saying what is wrong unless the bucket exists and answers us."""
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            code = _code(error)
            reason = {
                "404": "does not exist",
                "NoSuchBucket": "does not exist",
                "403": "refuses our credentials",
            }
            if code in reason:
                raise ServiceUnavailableError(
                    f"The S3 bucket {self.bucket!r} {reason[code]}.", retry_after_s=30
                ) from None
            raise ServiceUnavailableError(f"The S3 bucket {self.bucket!r} did not answer: {code}.") from error
        except (BotoConnectionError, HTTPClientError) as error:
            raise ServiceUnavailableError(f"S3 storage is unreachable: {error}") from error

    # -- writing ---------------------------------------------------------------------------------------------

    def put_bytes(self, key: str, data: bytes) -> int:
        object_key = self._object_key(key)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidRequestError(f"put_bytes needs bytes, got {type(data).__name__}", param="data")
        payload = bytes(data)
        if len(payload) > self.part_size_bytes:
            digest = hashlib.sha256(payload).hexdigest()
            return self._put_multipart(key, object_key, io.BytesIO(payload), len(payload), digest)
        return self._put_single(key, object_key, payload)

    def put_file(self, key: str, source: Path) -> int:
        object_key = self._object_key(key)
        source = Path(source)
        if not source.is_file():
            raise InvalidRequestError(f"{source} is not a readable file", param="source")
        size = source.stat().st_size
        if size <= self.part_size_bytes:
            return self._put_single(key, object_key, source.read_bytes())
        # The whole-blob digest goes into the upload's metadata, which S3 takes when the upload starts; the
        # parts are hashed again as they go, and a source that changed in between aborts the upload.
        digest = _file_sha256(source)
        with source.open("rb") as reader:
            return self._put_multipart(key, object_key, reader, size, digest)

    def _put_single(self, key: str, object_key: str, payload: bytes) -> int:
        digest = hashlib.sha256(payload).digest()
        checksum = _b64(digest)
        with self._translated(key):
            response = self._client.put_object(
                Bucket=self.bucket,
                Key=object_key,
                Body=payload,
                ChecksumSHA256=checksum,
                Metadata={SHA256_METADATA: digest.hex()},
            )
        _check_echo(response, checksum, key)
        return len(payload)

    def _put_multipart(self, key: str, object_key: str, reader: BinaryIO, size: int, sha256_hex: str) -> int:
        # S3 allows 10,000 parts: very large blobs get bigger parts (whole MiB) rather than a failure.
        part_size = max(self.part_size_bytes, math.ceil(size / MAX_PARTS / (1 << 20)) * (1 << 20))
        with self._translated(key):
            upload = self._client.create_multipart_upload(
                Bucket=self.bucket,
                Key=object_key,
                ChecksumAlgorithm="SHA256",
                Metadata={SHA256_METADATA: sha256_hex},
            )
        upload_id = upload["UploadId"]
        try:
            parts, part_digests, whole, total = [], [], hashlib.sha256(), 0
            for number in itertools.count(1):
                chunk = reader.read(part_size)
                if not chunk:
                    break
                whole.update(chunk)
                total += len(chunk)
                digest = hashlib.sha256(chunk).digest()
                part_digests.append(digest)
                checksum = _b64(digest)
                with self._translated(key):
                    response = self._client.upload_part(
                        Bucket=self.bucket,
                        Key=object_key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=chunk,
                        ChecksumSHA256=checksum,
                    )
                _check_echo(response, checksum, key)
                parts.append({"ETag": response["ETag"], "PartNumber": number, "ChecksumSHA256": checksum})
            if total != size or whole.hexdigest() != sha256_hex:
                raise ConflictError(
                    f"The source of blob {key!r} changed while it was being stored.", param="source"
                )
            with self._translated(key):
                response = self._client.complete_multipart_upload(
                    Bucket=self.bucket, Key=object_key, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
            # S3 reports a multipart checksum as the SHA-256 of the parts' digests, suffixed "-<parts>".
            _check_echo(response, _b64(hashlib.sha256(b"".join(part_digests)).digest()), key)
        except BaseException:
            self._abort(object_key, upload_id)
            raise
        logger.debug("stored %s in %d parts (%d bytes)", key, len(parts), total)
        return total

    def _abort(self, object_key: str, upload_id: str) -> None:
        try:
            self._client.abort_multipart_upload(Bucket=self.bucket, Key=object_key, UploadId=upload_id)
        except Exception:  # best effort: sweep_incomplete_uploads or a lifecycle rule removes it later
            logger.warning("could not abort multipart upload %s of %s", upload_id, object_key, exc_info=True)

    # -- reading ---------------------------------------------------------------------------------------------

    def open_read(self, key: str) -> BinaryIO:
        object_key = self._object_key(key)
        with self._translated(key):
            response = self._client.get_object(Bucket=self.bucket, Key=object_key)
        expected = (response.get("Metadata") or {}).get(SHA256_METADATA)
        raw = _VerifiedStream(response["Body"], key, int(response["ContentLength"]), expected)
        return cast(BinaryIO, io.BufferedReader(raw, buffer_size=_READ_CHUNK_BYTES))

    def read_bytes(self, key: str) -> bytes:
        with self.open_read(key) as stream:
            return stream.read()

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size_bytes(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise BlobNotFoundError(f"No blob is stored under {key!r}.", param="key")
        return int(head["ContentLength"])

    def local_path(self, key: str) -> Path | None:
        validate_key(key)
        return None

    def list_keys(self, prefix: str = "") -> list[str]:
        validate_prefix(prefix)
        keys: list[str] = []
        paginator = self._client.get_paginator("list_objects_v2")
        with self._translated():
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    key = item["Key"][len(self.prefix) :]
                    if _is_key(key):  # objects others put beside ours are not blobs of this store
                        keys.append(key)
        return sorted(keys)

    def presigned_url(
        self, key: str, expiry_s: int, *, filename: str | None = None, media_type: str | None = None
    ) -> str:
        object_key = self._object_key(key)
        if (
            isinstance(expiry_s, bool)
            or not isinstance(expiry_s, int)
            or not 1 <= expiry_s <= MAX_PRESIGN_EXPIRY_S
        ):
            raise InvalidRequestError(
                f"expiry_s must be a whole number of seconds from 1 to {MAX_PRESIGN_EXPIRY_S}, got {expiry_s!r}",
                param="expiry_s",
            )
        params: dict[str, str] = {"Bucket": self.bucket, "Key": object_key}
        if filename is not None:
            if not _FILENAME.match(filename):
                raise InvalidRequestError(
                    f"A download filename uses only A-Z a-z 0-9 . _ -, got {filename!r}", param="filename"
                )
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        if media_type is not None:
            params["ResponseContentType"] = media_type
        url = self._presign_client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expiry_s, HttpMethod="GET"
        )
        return str(url)

    # -- deleting --------------------------------------------------------------------------------------------

    def delete(self, key: str) -> bool:
        # S3's DELETE succeeds whether or not the object was there, so ask first (a racing delete may win).
        if self._head(key) is None:
            return False
        with self._translated(key):
            self._client.delete_object(Bucket=self.bucket, Key=self._object_key(key))
        return True

    def delete_prefix(self, prefix: str) -> int:
        if not validate_prefix(prefix):
            raise InvalidRequestError("delete_prefix needs a non-empty prefix.", param="prefix")
        keys = self.list_keys(prefix)
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = [{"Key": self.prefix + key} for key in keys[start : start + _DELETE_BATCH]]
            with self._translated():
                response = self._client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            failed = response.get("Errors") or []
            if failed:
                first = failed[0]
                raise ServiceUnavailableError(
                    f"S3 refused to delete {len(failed)} blob(s) under {prefix!r}, e.g. {first.get('Key')!r}: "
                    f"{first.get('Code')} {first.get('Message')}"
                )
        return len(keys)

    def sweep_incomplete_uploads(self, older_than_s: float) -> int:
        """Abort multipart uploads under this store's prefix started more than `older_than_s` ago (left by a
        crash mid-upload; invisible to readers, but S3 keeps and bills their parts); return how many."""
        if older_than_s < 0:
            raise InvalidRequestError("older_than_s must be >= 0", param="older_than_s")
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than_s)
        aborted = 0
        paginator = self._client.get_paginator("list_multipart_uploads")
        with self._translated():
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for upload in page.get("Uploads", []):
                    if upload["Initiated"] <= cutoff:
                        self._abort(upload["Key"], upload["UploadId"])
                        aborted += 1
        if aborted:
            logger.info(
                "aborted %d abandoned multipart uploads in s3://%s/%s", aborted, self.bucket, self.prefix
            )
        return aborted

    # -- helpers ---------------------------------------------------------------------------------------------

    def _object_key(self, key: str) -> str:
        object_key = self.prefix + validate_key(key)
        if len(object_key) > MAX_KEY_LENGTH:
            raise InvalidRequestError(
                f"Blob key {key!r} is too long for S3 under the prefix {self.prefix!r}.", param="key"
            )
        return object_key

    def _head(self, key: str) -> dict[str, Any] | None:
        object_key = self._object_key(key)
        try:
            with self._translated(key):
                head: dict[str, Any] = self._client.head_object(Bucket=self.bucket, Key=object_key)
        except BlobNotFoundError:
            return None
        return head

    @contextmanager
    def _translated(self, key: str | None = None) -> Iterator[None]:
        """Turn boto errors into project errors: missing objects, and storage that is down or overloaded."""
        try:
            yield
        except ClientError as error:
            code = _code(error)
            if key is not None and code in _MISSING_CODES:
                raise BlobNotFoundError(f"No blob is stored under {key!r}.", param="key") from None
            if code == "NoSuchBucket":
                raise ServiceUnavailableError(
                    f"The S3 bucket {self.bucket!r} does not exist.", retry_after_s=30
                ) from error
            if code in _TRANSIENT_CODES or _status(error) >= 500:
                raise ServiceUnavailableError(f"S3 storage is unavailable for now ({code}).") from error
            raise
        except (BotoConnectionError, HTTPClientError) as error:
            raise ServiceUnavailableError(f"S3 storage is unreachable: {error}") from error


class _VerifiedStream(io.RawIOBase):
    """An S3 object body that checks the blob's recorded SHA-256 (and length) when the last byte is read."""

    def __init__(self, body: Any, key: str, size_bytes: int, sha256_hex: str | None) -> None:
        super().__init__()
        self._body = body
        self._key = key
        self._size_bytes = size_bytes
        self._expected = sha256_hex
        self._hash = hashlib.sha256()
        self._read_bytes = 0
        self._verified = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        chunk = self._chunk(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)

    def readall(self) -> bytes:
        chunks = []
        while chunk := self._chunk(_READ_CHUNK_BYTES):
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if not self.closed:
            with suppress(Exception):
                self._body.close()
        super().close()

    def _chunk(self, size: int) -> bytes:
        if size <= 0:
            return b""
        try:
            chunk: bytes = self._body.read(size)
        except (BotoConnectionError, HTTPClientError) as error:
            raise ServiceUnavailableError(f"S3 storage broke off reading {self._key!r}: {error}") from error
        if chunk:
            self._hash.update(chunk)
            self._read_bytes += len(chunk)
        else:
            self._verify()
        return chunk

    def _verify(self) -> None:
        if self._verified:
            return
        self._verified = True
        if self._read_bytes != self._size_bytes:
            raise BlobIntegrityError(
                f"Blob {self._key!r} ended after {self._read_bytes} of {self._size_bytes} bytes."
            )
        if self._expected is not None and self._hash.hexdigest() != self._expected.lower():
            raise BlobIntegrityError(
                f"Blob {self._key!r} does not match the SHA-256 recorded when it was written: it was corrupted "
                "or changed in storage."
            )


def connect_s3(storage: StorageSettings, endpoint_url: str | None) -> Any:
    """A boto3 S3 client for `storage`'s region, credentials and addressing, talking to `endpoint_url`."""
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": storage.addressing_style},
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=32,
    )
    # A session per client: boto3's default session is not safe to share while clients are being created.
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=storage.region,
        aws_access_key_id=storage.access_key_id,
        aws_secret_access_key=_secret(storage.secret_access_key),
        aws_session_token=_secret(storage.session_token),
        config=config,
    )


def _secret(value: Any) -> str | None:
    return None if value is None else str(value.get_secret_value())


def _check_echo(response: dict[str, Any], sent: str, key: str) -> None:
    echoed = response.get("ChecksumSHA256")
    if echoed is not None and str(echoed).split("-", 1)[0] != sent:
        raise BlobIntegrityError(f"S3 stored blob {key!r} with another SHA-256 than was sent ({echoed}).")


def _code(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: Any) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _file_sha256(source: Path) -> str:
    digest = hashlib.sha256()
    with source.open("rb") as reader:
        while chunk := reader.read(_READ_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _is_key(key: str) -> bool:
    try:
        validate_key(key)
    except MutoscopeError:
        return False
    return True
