"""`mutoscope users create|set-password`: members of the social app, made from the command line.

The first admin of a deployment is made here (`mutoscope users create alice --admin --password-stdin`), and
gets their invite codes like any member. Passwords are read from stdin only (never from an argument, which
would end up in shell history and `ps`). The server stack is imported inside the commands, as in `server.py`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mutoscope.cli import output
from mutoscope.cli.context import settings_of
from mutoscope.cli.server import _require_server_extra as require_server_extra

users_app = typer.Typer(help="Members of the social app (sign-in accounts).", no_args_is_help=True)


def _read_password() -> str:
    return sys.stdin.read().rstrip("\r\n")


@users_app.command("create")
def users_create_command(
    ctx: typer.Context,
    *,
    handle: Annotated[str, typer.Argument(help="The new member's handle.")],
    admin: Annotated[bool, typer.Option(help="Make the member an admin.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a password from stdin so they can sign in.")
    ] = False,
    email: Annotated[str | None, typer.Option(help="Their email (optional).")] = None,
    birthday: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD; under 18 makes a teen account (optional).")
    ] = None,
    if_missing: Annotated[
        bool, typer.Option(help="Do nothing if the handle already exists (for first-run set-up).")
    ] = False,
) -> None:
    """Create a member (with their invite codes); the codes are printed, one per line."""
    require_server_extra()
    from mutoscope.db import open_database
    from mutoscope.server.accounts.age import parse_birthday
    from mutoscope.server.accounts.invites import member_invites
    from mutoscope.server.accounts.passwords import check_password_policy
    from mutoscope.server.accounts.registration import create_member, hashing_for, normalize_email
    from mutoscope.server.accounts.service import find_user, normalize_handle
    from mutoscope.server.migrate import upgrade

    settings = settings_of(ctx)
    with output.reporting_errors({"birthday": "--birthday", "email": "--email", "password": "stdin"}):
        name = normalize_handle(handle)
        password_hash = None
        if password_stdin:
            password_hash = hashing_for(settings.accounts).hash(check_password_policy(_read_password()))
        address = normalize_email(email) if email else None
        born = parse_birthday(birthday) if birthday else None
        upgrade(settings.database_url)
        db = open_database(settings.database_url)
        try:
            with db.write_session() as session:
                if find_user(session, name) is not None:
                    if if_missing:
                        output.emit_text(f"@{name} already exists; not creating it")
                        return
                    raise output.fail(
                        f"@{name} already exists", param="handle", exit_code=output.EXIT_BAD_INPUT
                    )
                user = create_member(
                    session,
                    handle=name,
                    email=address,
                    password_hash=password_hash,
                    birthday=born,
                    display_name=name,
                    is_admin=admin,
                    invites=settings.accounts.invites_per_member,
                )
                codes = [invite.code for invite in member_invites(session, user.id)]
        finally:
            db.dispose()
    role = "admin" if admin else "member"
    output.emit_text(f"created @{name} ({role}{', can sign in' if password_hash else ', no password'})")
    for code in codes:
        output.emit_text(code)


@users_app.command("set-password")
def users_set_password_command(
    ctx: typer.Context, handle: Annotated[str, typer.Argument(help="The member's handle.")]
) -> None:
    """Set a member's password, read from stdin; their browser sessions are signed out."""
    require_server_extra()
    from sqlalchemy import delete

    from mutoscope.db import open_database
    from mutoscope.server.accounts.models import LoginSession
    from mutoscope.server.accounts.passwords import check_password_policy
    from mutoscope.server.accounts.registration import hashing_for
    from mutoscope.server.accounts.service import find_user

    settings = settings_of(ctx)
    with output.reporting_errors({"password": "stdin"}):
        password_hash = hashing_for(settings.accounts).hash(check_password_policy(_read_password()))
        db = open_database(settings.database_url)
        try:
            with db.write_session() as session:
                user = find_user(session, handle)
                if user is None:
                    raise output.fail(f"no member @{handle}", param="handle", exit_code=output.EXIT_BAD_INPUT)
                user.password_hash = password_hash
                session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
                name = user.handle
        finally:
            db.dispose()
    output.emit_text(f"password set for @{name}")
