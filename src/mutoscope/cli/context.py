"""What the entry point hands to every command: the `Settings` it loaded, on the click context.

Settings are read once, in the app callback (entry points are the only place that reads the environment), and
commands fetch them from their `typer.Context` instead of reading the environment again.
"""

from __future__ import annotations

from dataclasses import dataclass

import typer

from mutoscope.settings import Settings, load_settings


@dataclass(frozen=True, slots=True)
class CliState:
    settings: Settings


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the app callback loaded (loaded here when a command is invoked without the callback)."""
    root = ctx.find_root()
    if isinstance(root.obj, CliState):
        return root.obj.settings
    state = CliState(load_settings())
    root.obj = state
    return state.settings
