"""The backend registry: a dict of specs, filled from the entry-point group `mutoscope.backends`.

Built-in backends register through the same entry points that third-party packages use (see pyproject.toml);
`BUILTIN_SPECS` names them too so a source checkout without installed metadata still finds them. Loading a spec
is cheap: specs import no heavy dependency. Unknown names fail with close-match suggestions.
"""

from __future__ import annotations

import difflib
import importlib
import logging
from collections.abc import Iterable
from importlib import metadata

from mutoscope.engine.backend import BackendSpec
from mutoscope.errors import BackendError, UnknownBackendError

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "mutoscope.backends"
BUILTIN_SPECS: tuple[str, ...] = (
    "mutoscope.backends.procedural.spec:SPEC",
    "mutoscope.backends.testcard.spec:SPEC",
)


class BackendRegistry:
    """Name → `BackendSpec`."""

    def __init__(self, specs: Iterable[BackendSpec] = ()) -> None:
        self._specs: dict[str, BackendSpec] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: BackendSpec) -> None:
        existing = self._specs.get(spec.name)
        if existing is not None and existing is not spec:
            raise BackendError(f"two different backends are registered as {spec.name!r}")
        self._specs[spec.name] = spec

    def get(self, name: str) -> BackendSpec:
        try:
            return self._specs[name]
        except KeyError:
            suggestions = difflib.get_close_matches(name, list(self._specs), n=3, cutoff=0.5)
            raise UnknownBackendError(name, list(self._specs), suggestions) from None

    def names(self) -> list[str]:
        return sorted(self._specs)

    def specs(self) -> list[BackendSpec]:
        return [self._specs[name] for name in self.names()]

    def __contains__(self, name: object) -> bool:
        return name in self._specs


def load_spec(reference: str) -> BackendSpec:
    """Import `"module:ATTR"` and check it is a `BackendSpec`."""
    module_name, _, attr = reference.partition(":")
    spec = getattr(importlib.import_module(module_name), attr)
    if not isinstance(spec, BackendSpec):
        raise BackendError(f"{reference} is a {type(spec).__name__}, not a BackendSpec")
    return spec


def discover(entry_points: Iterable[metadata.EntryPoint] | None = None) -> BackendRegistry:
    """A registry of the built-ins plus every installed `mutoscope.backends` entry point.

    A third-party entry point that fails to import is logged and skipped, so one broken plugin cannot take
    the others down; a broken built-in is a bug and raises.
    """
    registry = BackendRegistry(load_spec(ref) for ref in BUILTIN_SPECS)
    points = metadata.entry_points(group=ENTRY_POINT_GROUP) if entry_points is None else entry_points
    for point in points:
        if point.value in BUILTIN_SPECS:
            continue
        try:
            spec = point.load()
        except Exception:  # a plugin may fail in any way; isolate it
            logger.exception("backend plugin %s (%s) failed to load; skipping it", point.name, point.value)
            continue
        if not isinstance(spec, BackendSpec):
            logger.error("backend plugin %s is a %s, not a BackendSpec; skipping it", point.name, type(spec))
            continue
        registry.register(spec)
    return registry
