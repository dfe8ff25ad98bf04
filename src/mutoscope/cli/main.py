"""The `mutoscope` typer app and `run()`, the console-script entry point.

The app callback is the CLI's entry point proper: it loads the settings (the only place the CLI reads the
environment) and configures logging once. Commands live in their own modules and are registered here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from pydantic import ValidationError

import mutoscope
from mutoscope.cli import output
from mutoscope.cli.backends import backends_command
from mutoscope.cli.context import CliState
from mutoscope.cli.doctor import doctor_command
from mutoscope.cli.gallery import gallery_command
from mutoscope.cli.generate import generate_command
from mutoscope.cli.plan import plan_command
from mutoscope.cli.server import db_app, keys_app, serve_command, worker_command
from mutoscope.cli.users import users_app
from mutoscope.cli.weights import weights_app
from mutoscope.logs import configure_logging
from mutoscope.settings import Settings, load_settings


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"
    CRITICAL = "CRITICAL"


# Unless MUTOSCOPE_LOG_LEVEL or --log-level asks for more, the CLI logs warnings only: INFO lines from the
# engine would break up the progress bar and the summary, which already say what happened.
CLI_DEFAULT_LOG_LEVEL = LogLevel.WARNING

app = typer.Typer(
    name="mutoscope",
    help="Generate short videos with synchronized sound, on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    log_level: Annotated[
        LogLevel | None,
        typer.Option(
            "--log-level",
            case_sensitive=False,
            help="Log level on stderr. Default: MUTOSCOPE_LOG_LEVEL if set, else WARNING.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Generate short videos with synchronized sound, on your own machine."""
    try:
        settings = load_settings()
    except ValidationError as exc:
        raise output.fail(
            f"invalid MUTOSCOPE_* settings: {exc.error_count()} problem(s): "
            + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
            exit_code=output.EXIT_BAD_INPUT,
        ) from None
    ctx.obj = CliState(settings)
    configure_logging(_log_level(log_level, settings).value)


def _log_level(flag: LogLevel | None, settings: Settings) -> LogLevel:
    if flag is not None:
        return flag
    if "log_level" not in settings.model_fields_set:
        return CLI_DEFAULT_LOG_LEVEL
    try:
        return LogLevel(settings.log_level.upper())
    except ValueError:
        choices = ", ".join(level.value for level in LogLevel)
        raise output.fail(
            f"MUTOSCOPE_LOG_LEVEL must be one of {choices}; got {settings.log_level!r}",
            exit_code=output.EXIT_BAD_INPUT,
        ) from None


def version_command() -> None:
    """Print mutoscope's version."""
    output.emit_text(f"mutoscope {mutoscope.__version__}")


app.command("generate")(generate_command)
app.command("backends")(backends_command)
app.command("doctor")(doctor_command)
app.command("plan")(plan_command)
app.command("gallery")(gallery_command)
app.command("version")(version_command)
app.command("serve")(serve_command)
app.command("worker")(worker_command)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.add_typer(weights_app, name="weights")


def run() -> None:
    """Console-script entry point (`mutoscope`, `python -m mutoscope`)."""
    app(prog_name="mutoscope")
