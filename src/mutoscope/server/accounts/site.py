"""Deployment-wide switches kept in the database (`site_settings`), so an admin can flip them without a restart
and every API process sees the same value. A switch never written falls back to its `Settings` default."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.server.accounts.models import SiteSetting

SIGNUPS_OPEN = "signups_open"


def read_flag(session: Session, key: str, default: bool) -> bool:
    row = session.get(SiteSetting, key)
    return default if row is None else bool(row.value)


def write_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(SiteSetting, key)
    if row is None:
        session.add(SiteSetting(key=key, value=value, updated_at=utcnow()))
    else:
        row.value = value
        row.updated_at = utcnow()
    session.flush()
