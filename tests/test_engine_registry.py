"""The backend registry: built-ins, entry-point plugins, and helpful errors for unknown names."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from mutoscope.engine import BackendSpec, discover
from mutoscope.engine.registry import ENTRY_POINT_GROUP
from mutoscope.errors import BackendOptionsError, UnknownBackendError

PLUGIN = textwrap.dedent(
    """
    from mutoscope.engine.backend import BackendOptions, BackendSpec, Capabilities

    class Options(BackendOptions):
        strength: float = 1.0

    SPEC = BackendSpec(
        name="plugin-demo",
        summary="a third-party backend",
        version="9",
        capabilities=Capabilities(audio="none"),
        options_model=Options,
        factory="mutoscope_plugin_demo:load",
    )
    NOT_A_SPEC = 42
    """
)


@pytest.fixture
def plugin_module(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "mutoscope_plugin_demo.py").write_text(PLUGIN)
    sys.path.insert(0, str(tmp_path))
    yield "mutoscope_plugin_demo"
    sys.path.remove(str(tmp_path))
    sys.modules.pop("mutoscope_plugin_demo", None)


def point(name: str, value: str) -> metadata.EntryPoint:
    return metadata.EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_builtins_are_registered_from_installed_entry_points() -> None:
    registry = discover()
    assert {"procedural", "testcard"} <= set(registry.names())
    installed = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert {"procedural", "testcard"} <= installed


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(UnknownBackendError) as info:
        discover().get("procedurl")
    assert info.value.suggestions[0] == "procedural"
    assert "Did you mean 'procedural'" in str(info.value)
    assert info.value.param == "backend"


def test_unknown_name_with_nothing_close_lists_what_exists() -> None:
    with pytest.raises(UnknownBackendError) as info:
        discover().get("zzzzzz")
    assert info.value.suggestions == ()
    assert "testcard" in str(info.value)


def test_third_party_plugins_load_and_broken_ones_are_skipped(plugin_module: str) -> None:
    registry = discover(
        [
            point("plugin-demo", f"{plugin_module}:SPEC"),
            point("broken", "no_such_module_anywhere:SPEC"),
            point("wrong-type", f"{plugin_module}:NOT_A_SPEC"),
        ]
    )
    spec = registry.get("plugin-demo")
    assert isinstance(spec, BackendSpec)
    assert spec.version == "9"
    assert "broken" not in registry
    assert "wrong-type" not in registry


def test_backend_options_are_validated_strictly() -> None:
    spec = discover().get("testcard")
    assert spec.validate_options({"tone_hz": 440}).model_dump()["tone_hz"] == 440
    with pytest.raises(BackendOptionsError) as info:
        spec.validate_options({"tone_hz": 440, "volume": 11})
    assert "volume" in str(info.value)
    with pytest.raises(BackendOptionsError):
        spec.validate_options({"tone_hz": -5})
