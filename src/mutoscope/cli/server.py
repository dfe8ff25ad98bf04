"""Service commands: `serve`, `worker`, `db upgrade|current` and `keys create|revoke`.

The server stack (FastAPI, SQLAlchemy, uvicorn) is imported inside the commands, so the rest of the CLI works
without the `server` extra and these commands say how to install it when it is missing.
"""

from __future__ import annotations

import signal
import threading
from enum import StrEnum
from typing import Annotated

import typer

from mutoscope.cli import output
from mutoscope.cli.context import settings_of
from mutoscope.errors import MissingDependencyError

db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys for the /v1 API.", no_args_is_help=True)


def _require_server_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise output.fail(
            str(MissingDependencyError(exc.name or "fastapi", "server", "The server"))
        ) from None


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (default: settings, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings, 8000).")] = None,
    workers: Annotated[
        int | None, typer.Option(min=0, help="In-process workers (0: run `mutoscope worker` separately).")
    ] = None,
    migrate: Annotated[bool, typer.Option(help="Apply pending migrations before serving.")] = True,
) -> None:
    """Serve the API (OpenAI Videos API under /v1) with an in-process worker."""
    _require_server_extra()
    import uvicorn

    from mutoscope.server.app import create_app
    from mutoscope.server.migrate import is_current, upgrade

    settings = settings_of(ctx)
    with output.reporting_errors():
        if migrate:
            upgrade(settings.database_url)
        elif not is_current(settings.database_url):
            raise output.fail("the database is not migrated: run `mutoscope db upgrade` first")
        app = create_app(settings, workers=workers)
    listen_host, listen_port = (
        host or settings.server.host,
        port if port is not None else settings.server.port,
    )
    output.emit_text(f"mutoscope serving on http://{listen_host}:{listen_port} (API docs at /docs)")
    uvicorn.run(
        app,
        host=listen_host,
        port=listen_port,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=settings.server.keep_alive_s,
    )


class Executor(StrEnum):
    threads = "threads"
    ray = "ray"


def worker_command(
    ctx: typer.Context,
    count: Annotated[
        int, typer.Option(min=1, help="Worker threads in this process (--executor threads).")
    ] = 1,
    executor: Annotated[
        Executor,
        typer.Option(help="threads: run jobs in this process; ray: on warm Ray actors fed by this process."),
    ] = Executor.threads,
    address: Annotated[
        str | None,
        typer.Option(
            help="Ray cluster address, e.g. ray://head:10001 or auto (default: RAY_ADDRESS or a local Ray)."
        ),
    ] = None,
    actors: Annotated[
        int | None,
        typer.Option(min=1, help="Ray actors (default: one per GPU in the cluster, else one CPU actor)."),
    ] = None,
) -> None:
    """Run standalone workers that take jobs from the database queue (several may run at once)."""
    _require_server_extra()
    from mutoscope.jobs.video import provenance_stages
    from mutoscope.provenance.stages import Provenance
    from mutoscope.server.app import build_runtime
    from mutoscope.server.background import Background
    from mutoscope.server.migrate import is_current
    from mutoscope.server.progress import progress_publisher

    if executor is Executor.threads and (address is not None or actors is not None):
        raise output.fail("--address and --actors go with --executor ray", exit_code=output.EXIT_BAD_INPUT)
    settings = settings_of(ctx)
    with output.reporting_errors():
        if not is_current(settings.database_url):
            raise output.fail("the database is not migrated: run `mutoscope db upgrade` first")
        state = build_runtime(settings)
    on_progress = progress_publisher(state.progress)
    stop = threading.Event()
    if executor is Executor.ray:
        from mutoscope.jobs.ray_executor import RayExecutor
        from mutoscope.server.characters.uses import permission_check_for_settings

        with output.reporting_errors():
            fleet = RayExecutor(
                state.queue,
                settings,
                address=address,
                actors=actors,
                heartbeat_s=settings.jobs.heartbeat_s,
                poll_s=settings.jobs.poll_s,
                on_progress=on_progress,
                permission_check_factory=permission_check_for_settings,
            )
            fleet.start()
        _stop_on_signals(stop)  # after Ray's start-up, which installs handlers of its own
        output.emit_text(
            f"mutoscope worker feeding {len(fleet.actor_names)} Ray {fleet.device} actor(s); "
            "Ctrl-C stops after the current jobs"
        )
        stop.wait()
        fleet.stop()
    else:
        threads = Background()
        threads.start_workers(
            state.queue,
            state.blobs,
            count=count,
            heartbeat_s=settings.jobs.heartbeat_s,
            poll_s=settings.jobs.poll_s,
            on_progress=on_progress,
            stages_factory=provenance_stages(Provenance.from_settings(settings)),
        )
        _stop_on_signals(stop)
        output.emit_text(f"mutoscope worker running {count} worker(s); Ctrl-C stops after the current jobs")
        stop.wait()
        threads.stop()
    state.progress.close()
    state.db.dispose()


def _stop_on_signals(stop: threading.Event) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())


@db_app.command("upgrade")
def db_upgrade_command(ctx: typer.Context) -> None:
    """Apply every pending migration."""
    _require_server_extra()
    from mutoscope.server.migrate import current_revision, upgrade

    settings = settings_of(ctx)
    with output.reporting_errors():
        upgrade(settings.database_url)
        output.emit_text(f"database at revision {current_revision(settings.database_url)}")


@db_app.command("current")
def db_current_command(ctx: typer.Context) -> None:
    """Print the database's revision and the code's."""
    _require_server_extra()
    from mutoscope.server.migrate import current_revision, head_revision

    settings = settings_of(ctx)
    with output.reporting_errors():
        output.emit_text(f"database {current_revision(settings.database_url)}, code {head_revision()}")


@keys_app.command("create")
def keys_create_command(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="Handle of the key's owner (created if missing).")],
    admin: Annotated[bool, typer.Option(help="Make the user an admin.")] = False,
    name: Annotated[str, typer.Option(help="A label to tell keys apart.")] = "",
    if_missing: Annotated[
        bool, typer.Option(help="Do nothing if the user already has an active key (for first-run set-up).")
    ] = False,
) -> None:
    """Create an API key; it is printed once, as the last line."""
    _require_server_extra()
    from mutoscope.server.accounts.service import active_key_count, ensure_user, issue_key
    from mutoscope.server.migrate import upgrade

    settings = settings_of(ctx)
    with output.reporting_errors():
        upgrade(settings.database_url)
        from mutoscope.db import open_database

        db = open_database(settings.database_url)
        try:
            with db.write_session() as session:
                owner = ensure_user(session, user, is_admin=admin)
                if if_missing and active_key_count(session, owner) > 0:
                    output.emit_text(f"@{owner.handle} already has an API key; not creating another")
                    return
                issued = issue_key(session, owner, name=name)
                handle = owner.handle
        finally:
            db.dispose()
    output.emit_text(f"API key for @{handle} (shown once; store it now):")
    output.emit_text(issued.secret)


@keys_app.command("revoke")
def keys_revoke_command(
    ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The key's id (key_…).")]
) -> None:
    """Revoke an API key by id."""
    _require_server_extra()
    from mutoscope.db import open_database
    from mutoscope.server.accounts.service import revoke_key

    db = open_database(settings_of(ctx).database_url)
    try:
        with db.write_session() as session:
            revoked = revoke_key(session, key_id)
    finally:
        db.dispose()
    if not revoked:
        raise output.fail(f"no active key {key_id!r}", exit_code=output.EXIT_BAD_INPUT)
    output.emit_text(f"revoked {key_id}")
