"""deploy/compose.yaml and deploy/Dockerfile say only what mutoscope understands: every MUTOSCOPE_* variable is a
real setting and together they load, and every command line parses with the real CLI. (No container runs here:
the test machines cannot pull images.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from typer.testing import CliRunner

from mutoscope.cli.main import app
from mutoscope.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()
MUTOSCOPE_SERVICES = ("migrate", "api", "worker")


def _environment() -> dict[str, str]:
    environment = COMPOSE["services"]["api"]["environment"]
    # ${NAME:?message} is compose's "required" syntax: give it a value as an operator would.
    return {key: re.sub(r"\$\{[^}]+\}", "mk-admin.example", str(value)) for key, value in environment.items()}


def _field_exists(model: type[BaseModel], path: list[str]) -> bool:
    field = model.model_fields.get(path[0])
    if field is None:
        return False
    if len(path) == 1:
        return True
    nested = field.annotation
    return isinstance(nested, type) and issubclass(nested, BaseModel) and _field_exists(nested, path[1:])


def test_every_service_of_ours_shares_one_environment() -> None:
    for name in MUTOSCOPE_SERVICES:
        assert COMPOSE["services"][name]["environment"] == COMPOSE["services"]["api"]["environment"], name


def test_every_variable_is_a_real_setting() -> None:
    for name in _environment():
        assert name.startswith("MUTOSCOPE_"), name
        path = name.removeprefix("MUTOSCOPE_").lower().split("__")
        assert _field_exists(Settings, path), f"{name} is not a mutoscope setting"


def test_the_environment_loads_as_a_fleet_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in _environment().items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.database_url.startswith("postgresql://") and "@postgres:5432/" in settings.database_url
    assert settings.redis.url == "redis://redis:6379/0"
    storage = settings.storage
    assert (storage.backend, storage.bucket, storage.redirect_downloads) == ("s3", "mutoscope", True)
    assert storage.secret_access_key is not None
    assert settings.server.in_process_worker is False
    assert settings.bootstrap_admin_key == "mk-admin.example"


@pytest.mark.parametrize("service", MUTOSCOPE_SERVICES)
def test_compose_commands_parse(service: str) -> None:
    command: list[str] = COMPOSE["services"][service]["command"]
    assert command[0] == "mutoscope"
    result = CliRunner().invoke(app, [*command[1:], "--help"])  # options before --help are still checked
    assert result.exit_code == 0, result.output


def test_the_dockerfile_default_command_is_the_api_and_its_extras_exist() -> None:
    command: list[Any] = yaml.safe_load(re.search(r"^CMD (.+)$", DOCKERFILE, re.MULTILINE)[1])  # type: ignore[index]
    assert command == COMPOSE["services"]["api"]["command"]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    installed = re.search(r"pip install --no-cache-dir '\.\[([a-z0-9,]+)\]'", DOCKERFILE)
    assert installed is not None
    assert set(installed[1].split(",")) <= set(extras) and "s3" in installed[1]
