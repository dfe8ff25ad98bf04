"""The CLI's consoles and its error reporting.

Results go to `stdout` (so `mutoscope generate ... --quiet` or `--json` output can be piped); progress, notes
and errors go to `stderr`. Both consoles look up `sys.stdout`/`sys.stderr` when they print, so test runners
that swap the streams see the output. `reporting_errors` turns the errors a user can cause into a one-line red
message and an exit code: 2 for bad input (`InvalidRequestError` and its subclasses, like click's own usage
errors), 1 for any other project error or a file the system refused; a traceback is kept for real bugs only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

import typer
from rich.console import Console
from rich.text import Text

from mutoscope.errors import InvalidRequestError, MutoscopeError

EXIT_FAILURE: Final = 1
EXIT_BAD_INPUT: Final = 2

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


def emit_text(text: str) -> None:
    """Write plain text to stdout exactly as given: no markup, no highlighting, no wrapping or cropping."""
    stdout.out(text, highlight=False)


def emit_json(data: Any) -> None:
    """Write `data` as indented JSON to stdout, for machines."""
    emit_text(json.dumps(data, indent=2, ensure_ascii=False))


def fail(message: str, *, param: str | None = None, exit_code: int = EXIT_FAILURE) -> typer.Exit:
    """Print a one-line red error (naming the parameter at fault) and return the `typer.Exit` to raise."""
    line = Text("error", style="bold red")
    if param:
        line.append(f" ({param})", style="bold")
    line.append(": ")
    # Text (not markup) so messages like "in [64, 4096]" print verbatim; soft_wrap keeps it one logical line.
    line.append(message, style="red")
    stderr.print(line, soft_wrap=True)
    return typer.Exit(exit_code)


@contextmanager
def reporting_errors(param_names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Report project errors and refused file operations without a traceback, then exit.

    `param_names` maps a request field (`duration_s`) to the flag the user typed (`--seconds`), so the message
    points at what to change on the command line.
    """
    names = param_names or {}
    try:
        yield
    except InvalidRequestError as exc:
        param = names.get(exc.param, exc.param) if exc.param else None
        raise fail(exc.message, param=param, exit_code=EXIT_BAD_INPUT) from None
    except MutoscopeError as exc:
        raise fail(exc.message, param=exc.param) from None
    except OSError as exc:
        # A full disk or a read-only folder is the machine's answer, not a bug: say it plainly.
        raise fail(str(exc)) from None
