"""The watermark key: the secret that makes a deployment's invisible marks its own.

Every pseudo-random choice of the frame and audio marks (chip signs, pilot positions, which chip carries
which coded bit) is drawn from a generator seeded by SHA-256 of the key and a purpose label, so the same key
always gives the same patterns and different purposes never share a stream. Without the key a mark can neither
be read nor deliberately cancelled. The key is created once in the data folder or given by the operator
(`provenance.watermark_key`), and every process that marks or checks videos must share it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class WatermarkKey:
    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ValueError("a watermark key needs at least 16 bytes of secret")

    @classmethod
    def from_text(cls, text: str) -> WatermarkKey:
        """A key from operator-supplied text (any length; it is hashed)."""
        if len(text) < 16:
            raise ValueError("the watermark key must be at least 16 characters long")
        return cls(hashlib.sha256(text.encode()).digest())

    def rng(self, purpose: str) -> np.random.Generator:
        """A generator for one purpose ("frame-tile", "audio-chips", ...), reproducible from the key."""
        digest = hashlib.sha256(self.secret + b"\x00" + purpose.encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def load_or_create_key(path: Path) -> WatermarkKey:
    """The key stored at `path`, created (random, mode 0600) on first use.

    Several processes may start at once: the file is written under a temporary name and linked into place,
    so exactly one random key wins and every process reads that one.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, secrets.token_bytes(_KEY_BYTES).hex().encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(temp, path)
            logger.info("created a new watermark key at %s", path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            temp.unlink(missing_ok=True)
    text = path.read_text().strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError as error:
        raise ValueError(f"the watermark key file {path} is not hex; delete it to make a new one") from error
    return WatermarkKey(secret)
