"""`mutoscope backends`: what each discovered backend can do, as a table or as JSON.

Everything shown comes from the backends' import-safe specs, so listing never loads a model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from mutoscope.cli import output
from mutoscope.engine import BackendSpec, Capabilities, discover


def backends_command(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the installed backends and their capabilities."""
    with output.reporting_errors():
        specs = discover().specs()
    if as_json:
        output.emit_json([describe(spec) for spec in specs])
    else:
        output.stdout.print(backends_table(specs))


def describe(spec: BackendSpec) -> dict[str, Any]:
    """A spec as plain JSON data: name, version, summary, capabilities and the options' JSON schema."""
    caps = spec.capabilities
    return {
        "name": spec.name,
        "version": spec.version,
        "summary": spec.summary,
        "capabilities": {
            "audio": caps.audio,
            "min_duration_s": caps.min_duration_s,
            "max_duration_s": caps.max_duration_s,
            "fps": list(caps.fps),
            "min_side_px": caps.min_side_px,
            "max_side_px": caps.max_side_px,
            "max_pixels": caps.max_pixels,
            "size_multiple": caps.size_multiple,
            "styles": list(caps.styles),
            "max_characters": caps.max_characters,
            "first_frame": caps.first_frame,
            "modes": sorted(caps.modes),
            "shots": caps.shots,
            "negative_prompt": caps.negative_prompt,
            "deterministic": caps.deterministic,
            "devices": list(caps.devices),
        },
        "options": spec.options_model.model_json_schema(),
    }


def backends_table(specs: list[BackendSpec]) -> Table:
    """One column per backend, one row per property: it stays readable on an 80-column terminal."""
    table = Table(title="Backends", show_lines=True)
    table.add_column("", style="bold", no_wrap=True)
    for spec in specs:
        table.add_column(spec.name, overflow="fold")
    for label, value in PROPERTIES:
        table.add_row(label, *(value(spec) for spec in specs))
    return table


PROPERTIES: tuple[tuple[str, Callable[[BackendSpec], str]], ...] = (
    ("version", lambda spec: spec.version),
    ("summary", lambda spec: spec.summary),
    ("audio", lambda spec: spec.capabilities.audio),
    ("duration", lambda spec: f"{spec.capabilities.min_duration_s:g}–{spec.capabilities.max_duration_s:g} s"),
    ("max size", lambda spec: max_size_text(spec.capabilities)),
    ("fps", lambda spec: ", ".join(map(str, spec.capabilities.fps))),
    ("styles", lambda spec: ", ".join(spec.capabilities.styles) or "-"),
    ("modes", lambda spec: ", ".join(sorted(spec.capabilities.modes))),
    ("characters", lambda spec: str(spec.capabilities.max_characters)),
)


def max_size_text(caps: Capabilities) -> str:
    """`"1920 px a side, 2.1 MP"`: the two limits a size must meet."""
    return f"{caps.max_side_px} px a side, {caps.max_pixels / 1e6:.1f} MP"
