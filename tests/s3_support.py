"""An S3-compatible endpoint for tests: moto's server mode on a free loopback port, spoken to over real HTTP.

`S3Endpoint.new_bucket()` makes a fresh bucket per test, so tests sharing one endpoint never see each other's
objects; `settings()` gives the `storage` section that points mutoscope at it.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

ACCESS_KEY = "mutoscope-test"
SECRET_KEY = "mutoscope-test-secret"
REGION = "us-east-1"


@dataclass
class S3Endpoint:
    url: str
    # One session for every client: a fresh boto3 session loads S3's service model again (~0.5 s).
    session: Any = field(default_factory=boto3.session.Session)

    def client(self, **config: Any) -> Any:
        """A new client (its event hooks are its own, so a test may instrument it freely)."""
        return self.session.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, **config),
        )

    @functools.cached_property
    def admin(self) -> Any:
        """A shared client for set-up and inspection (never instrument this one)."""
        return self.client()

    def new_bucket(self) -> str:
        name = f"mutoscope-{secrets.token_hex(6)}"
        self.admin.create_bucket(Bucket=name)
        return name

    def settings(self, bucket: str, **overrides: Any) -> dict[str, Any]:
        return {
            "backend": "s3",
            "bucket": bucket,
            "endpoint_url": self.url,
            "region": REGION,
            "access_key_id": ACCESS_KEY,
            "secret_access_key": SECRET_KEY,
            "addressing_style": "path",
            **overrides,
        }


@contextmanager
def s3_endpoint() -> Iterator[S3Endpoint]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Endpoint(url=f"http://{host}:{port}")
    finally:
        server.stop()
