"""Schema migrations (Alembic), run by `mutoscope db upgrade`, `make up` and the embedded server's start.

The migration scripts live in `server/migrations/versions/` and ship inside the package, so an installed
mutoscope can migrate its database without a source checkout.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from mutoscope.db import open_database

_SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    # Alembic's config is an ini parser: a literal '%' (URL-encoded passwords) must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (creating the SQLite file and its folder if needed)."""
    open_database(url).dispose()  # creates the SQLite parent folder
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    db = open_database(url)
    try:
        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        db.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def is_current(url: str) -> bool:
    return current_revision(url) == head_revision()
