"""Alembic environment: runs migrations on the URL the caller configured, with mutoscope's engine settings."""

from __future__ import annotations

from alembic import context

from mutoscope.db import open_database
from mutoscope.server.tables import metadata

config = context.config


def run_migrations_online() -> None:
    db = open_database(config.get_main_option("sqlalchemy.url") or "")
    try:
        with db.engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=db.is_sqlite,  # SQLite alters tables by copying them
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        db.dispose()


run_migrations_online()
