"""Configuration: one `Settings` object read from `MUTOSCOPE_*` environment variables.

Nested sections use `__` (`MUTOSCOPE_ENGINE__DEFAULT_BACKEND=procedural`). Nothing else in mutoscope reads the
environment, and nothing reads settings at import time: entry points call `load_settings()` and pass values down.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EngineSettings(BaseModel):
    default_backend: str = "procedural"
    weights_dir: Path | None = None
    # Upload limits: anything bigger is refused before it is decoded.
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_upload_duration_s: float = Field(default=130.0, gt=0)
    max_upload_pixels: int = Field(default=3840 * 2160, gt=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUTOSCOPE_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Path("var")
    log_level: str = "INFO"
    engine: EngineSettings = EngineSettings()


def load_settings() -> Settings:
    """Read settings from the environment (call from entry points only)."""
    return Settings()
