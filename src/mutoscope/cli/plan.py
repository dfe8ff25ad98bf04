"""`mutoscope plan`: print the procedural backend's scene for a prompt, as editable JSON.

The JSON can be edited and given back to `mutoscope generate` in place of a prompt. Given a scene file (or `-`
for stdin) instead of a prompt, the command validates it and prints it normalised. The planner is imported
inside the command: listing help must not pay for the procedural backend's vocabulary.
"""

from __future__ import annotations

import secrets
import sys
from typing import Annotated, Final

import typer

from mutoscope.cli import output
from mutoscope.cli.arguments import DEFAULT_SECONDS, parse_shots, resolve_duration_s
from mutoscope.cli.inputs import names_scene, read_scene_text
from mutoscope.engine.request import MAX_SEED
from mutoscope.errors import InvalidRequestError

PARAM_FLAGS: Final = {
    "prompt": "PROMPT",
    "scene": "PROMPT",
    "duration_s": "--seconds",
    "seed": "--seed",
    "style": "--style",
    "shots": "--shot",
}


def plan_command(
    prompt: Annotated[
        str,
        typer.Argument(
            metavar="PROMPT",
            help="A prompt to plan, or a scene JSON file (or - for stdin) to validate and normalise.",
        ),
    ],
    seconds: Annotated[
        float | None,
        typer.Option(
            "--seconds",
            help="Duration in seconds. Default: 4, or the storyboard's total.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Planning seed. Default: random.")] = None,
    style: Annotated[str | None, typer.Option("--style", help="Visual style.")] = None,
    shot: Annotated[
        list[str] | None,
        typer.Option(
            "--shot",
            metavar="PROMPT=SECONDS",
            help="A storyboard shot as PROMPT=SECONDS; repeat for several shots.",
        ),
    ] = None,
) -> None:
    """Print the scene the procedural backend would make of PROMPT, as JSON."""
    with output.reporting_errors(PARAM_FLAGS):
        from mutoscope.backends.procedural import plan as planner

        if names_scene(prompt):
            if seconds is not None or seed is not None or style is not None or shot:
                raise InvalidRequestError(
                    "--seconds, --seed, --style and --shot apply when planning from a prompt, "
                    "not to a scene file",
                    param="scene",
                )
            text, _origin = read_scene_text(prompt, sys.stdin)
            scene = planner.plan_from_json(text)
        else:
            shots = parse_shots(shot or ())
            scene = planner.plan_scene(
                prompt,
                duration_s=resolve_duration_s(seconds, shots, DEFAULT_SECONDS),
                seed=seed if seed is not None else secrets.randbelow(MAX_SEED),
                style=style,
                shots=[(s.prompt, s.duration_s) for s in shots],
            )
    output.emit_text(scene.to_json())
