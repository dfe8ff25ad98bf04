"""Configuration: one `Settings` object read from `MUTOSCOPE_*` environment variables.

Nested sections use `__` (`MUTOSCOPE_ENGINE__DEFAULT_BACKEND=procedural`). Nothing else in mutoscope reads the
environment, and nothing reads settings at import time: entry points call `load_settings()` and pass values down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class EngineSettings(BaseModel):
    default_backend: str = "procedural"
    weights_dir: Path | None = None
    # Upload limits: anything bigger is refused before it is decoded.
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_upload_duration_s: float = Field(default=130.0, gt=0)
    max_upload_pixels: int = Field(default=3840 * 2160, gt=0)


class DatabaseSettings(BaseModel):
    # None means the embedded default: SQLite at <data_dir>/mutoscope.db (WAL).
    url: str | None = None


class StorageSettings(BaseModel):
    """Where media blobs live: `local` files (the embedded default) or an S3-compatible bucket."""

    backend: Literal["local", "s3"] = "local"
    # local: None means the embedded default, files under <data_dir>/blobs.
    root: Path | None = None
    # s3: the bucket must exist; `prefix` keeps mutoscope's objects apart from others in it.
    bucket: str | None = None
    prefix: str = ""
    endpoint_url: str | None = None  # None: AWS; set for MinIO, Ceph, R2...
    # The endpoint clients reach for presigned downloads when it differs from the API's (e.g. inside compose).
    public_endpoint_url: str | None = None
    region: str | None = None
    # None: boto3's own credential chain (AWS_* variables, profile, instance role).
    access_key_id: str | None = None
    secret_access_key: SecretStr | None = None
    session_token: SecretStr | None = None
    addressing_style: Literal["auto", "path", "virtual"] = "auto"
    # Blobs larger than one part go up as multipart uploads; S3 needs parts of at least 5 MiB.
    part_size_bytes: int = Field(default=16 * 1024 * 1024, ge=5 * 1024 * 1024, le=5 * 1024**3)
    presign_expiry_s: int = Field(default=3600, ge=1, le=7 * 24 * 3600)
    # Answer content downloads with a 302 to a presigned URL instead of streaming through the API.
    redirect_downloads: bool = False

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> StorageSettings:
        if self.backend == "s3" and not self.bucket:
            raise ValueError("storage.backend 's3' needs storage.bucket (MUTOSCOPE_STORAGE__BUCKET)")
        return self


class RedisSettings(BaseModel):
    """Redis shares rate limits and job progress between processes; None keeps both in-process."""

    url: str | None = None  # e.g. redis://127.0.0.1:6379/0
    key_prefix: str = "mutoscope:"


class WebhookSettings(BaseModel):
    """Outgoing webhooks. Private, loopback, link-local and other non-public addresses are refused (SSRF guard)
    unless `allow_private` is set: only for a deployment whose users are trusted with its internal network."""

    allow_private: bool = False


class JobSettings(BaseModel):
    lease_s: float = Field(default=30.0, gt=0)  # a job whose worker is silent this long is retried
    heartbeat_s: float = Field(default=5.0, gt=0)
    poll_s: float = Field(default=0.5, gt=0)  # how often an idle standalone worker looks for work
    max_attempts: int = Field(default=3, ge=1)


class ApiSettings(BaseModel):
    # OpenAI model names → configured backends; a backend's own name is always accepted too.
    models: dict[str, str] = Field(
        default_factory=lambda: {
            "sora-2": "procedural",
            "sora-2-pro": "procedural",
            "sora-2-2025-10-06": "procedural",
            "sora-2-2025-12-08": "procedural",
            "sora-2-pro-2025-10-06": "procedural",
        }
    )
    default_model: str = "sora-2"
    requests_per_minute: int = Field(default=600, ge=1)  # per API key
    poll_after_ms: int = Field(default=500, ge=50)
    # A progress event stream re-reads its job this often, so it never depends on a published event alone.
    events_resync_s: float = Field(default=2.0, gt=0)


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    in_process_worker: bool = True
    # How long an idle client connection stays open. Above the 60 s idle timeout common to load balancers, so
    # the balancer, not mutoscope, closes a reused connection first (the other order drops a request: a 502).
    keep_alive_s: int = Field(default=75, ge=1, le=3600)
    # When set, the server makes sure an admin user owning this key exists at start.
    admin_api_key: str | None = None


class AccountSettings(BaseModel):
    # Whether anyone may sign up without an invite code until an admin says otherwise (POST /api/admin/signups).
    signups_open: bool = False
    invites_per_member: int = Field(default=4, ge=0, le=100)
    session_ttl_s: float = Field(default=30 * 24 * 3600.0, gt=0)
    # Per account and client address; sign-ups are charged to the same limiter per address.
    login_attempts_per_minute: int = Field(default=10, ge=1)
    # argon2id cost (OWASP's minimum profile: about 35 ms per hash on one core of the test machine).
    password_time_cost: int = Field(default=2, ge=1)
    password_memory_kib: int = Field(default=19 * 1024, ge=8)


class FeedSettings(BaseModel):
    """The feed's wellbeing rules (ranking weights live, documented, in `server/feed/ranking.py`)."""

    # A "make something" card after this many views with no generation in between.
    nudge_after_views: int = Field(default=30, ge=1)
    # Teen accounts: no infinite scroll. A break (and a cooldown) after a run of views, and a daily cap.
    teen_limits: bool = True
    teen_session_views: int = Field(default=20, ge=1)
    teen_cooldown_s: float = Field(default=1800.0, gt=0)  # a gap this long between views starts a new run
    teen_daily_views: int = Field(default=60, ge=1)  # per UTC day
    # Popular posts are the same for everyone: computed once per this many seconds per process (0: always);
    # the in-process index of recent post embeddings that steering searches is topped up as often.
    popular_cache_s: float = Field(default=30.0, ge=0)
    # Steered pages embed at most this many candidate posts that have no stored embedding yet (~10 ms each).
    lazy_embed_limit: int = Field(default=16, ge=0)


class ProvenanceSettings(BaseModel):
    # The moving "@handle" badge on every exported video (admins may turn it off), and its opacity (0..1).
    visible_mark: bool = True
    visible_mark_opacity: float = Field(default=0.55, ge=0.0, le=1.0)
    # Secret for the invisible frame and audio marks, shared by every process that marks or checks videos;
    # None: a random key created on first start in <data_dir>/provenance/watermark.key.
    watermark_key: str | None = Field(default=None, min_length=16)
    # C2PA signing: PEM chain (signer first), its private key and the roots readers trust; None: a CA and
    # signer created on first start in <data_dir>/c2pa/.
    c2pa_cert_chain: Path | None = None
    c2pa_private_key: Path | None = None
    c2pa_trust_anchors: Path | None = None
    c2pa_algorithm: str = "es256"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUTOSCOPE_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Path("var")
    log_level: str = "INFO"
    # Top-level alias of server.admin_api_key: MUTOSCOPE_ADMIN_API_KEY is what scripted deployments set.
    admin_api_key: str | None = None
    engine: EngineSettings = EngineSettings()
    database: DatabaseSettings = DatabaseSettings()
    storage: StorageSettings = StorageSettings()
    jobs: JobSettings = JobSettings()
    api: ApiSettings = ApiSettings()
    server: ServerSettings = ServerSettings()
    feed: FeedSettings = FeedSettings()
    redis: RedisSettings = RedisSettings()
    webhooks: WebhookSettings = WebhookSettings()
    accounts: AccountSettings = AccountSettings()
    provenance: ProvenanceSettings = ProvenanceSettings()

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{(self.data_dir / 'mutoscope.db').as_posix()}"

    @property
    def blob_root(self) -> Path:
        return self.storage.root or self.data_dir / "blobs"

    @property
    def bootstrap_admin_key(self) -> str | None:
        return self.admin_api_key or self.server.admin_api_key


def load_settings() -> Settings:
    """Read settings from the environment (call from entry points only)."""
    return Settings()
