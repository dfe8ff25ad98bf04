"""`mutoscope weights`: list the GPU backends' checkpoints and pull one into MUTOSCOPE_WEIGHTS_DIR.

`pull` needs internet access to the Hugging Face hub; on a machine without it, it fails with a clear error.
Nothing here imports torch or diffusers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mutoscope.backends.diffusers.spec import WEIGHTS
from mutoscope.backends.diffusers.weights import pull
from mutoscope.cli import output
from mutoscope.cli.context import settings_of

weights_app = typer.Typer(help="Model checkpoints for the GPU backends (ltx2, wan).", no_args_is_help=True)


@weights_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List the known checkpoints, their hub ids and whether they are present locally."""
    weights_dir = settings_of(ctx).engine.weights_dir
    for name, hub_id in sorted(WEIGHTS.items()):
        present = weights_dir is not None and (weights_dir / name / "model_index.json").is_file()
        output.emit_text(f"{name}\t{hub_id}\t{'present' if present else 'missing'}")


@weights_app.command("pull")
def pull_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(sorted(WEIGHTS))}.")],
    weights_dir: Annotated[
        Path | None,
        typer.Option("--weights-dir", help="Where to put it. Default: MUTOSCOPE_WEIGHTS_DIR."),
    ] = None,
) -> None:
    """Download checkpoint NAME from the Hugging Face hub into WEIGHTS_DIR/NAME."""
    target_dir = weights_dir or settings_of(ctx).engine.weights_dir
    if target_dir is None:
        raise output.fail(
            "no weights folder: set MUTOSCOPE_WEIGHTS_DIR or pass --weights-dir",
            param="weights_dir",
            exit_code=output.EXIT_BAD_INPUT,
        )
    with output.reporting_errors():
        folder = pull(name, target_dir)
    output.emit_text(f"pulled {WEIGHTS[name]} into {folder}")
