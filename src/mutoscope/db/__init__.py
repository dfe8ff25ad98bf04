"""The database core: the declarative base, shared column types, engines and sessions.

Sits beside `mutoscope.storage` in the layers: it may import SQLAlchemy, settings, errors and ids, and nothing
that builds on it (jobs, server). Tables live with the code that owns them (`mutoscope.jobs.models`, the
server's domain packages), all on `Base`.
"""

from mutoscope.db.base import NAMING_CONVENTION, Base, JsonDocument, UtcDateTime, utcnow
from mutoscope.db.database import (
    Database,
    is_outage,
    normalize_url,
    open_database,
    translate_operational_errors,
)

__all__ = [
    "NAMING_CONVENTION",
    "Base",
    "Database",
    "JsonDocument",
    "UtcDateTime",
    "is_outage",
    "normalize_url",
    "open_database",
    "translate_operational_errors",
    "utcnow",
]
