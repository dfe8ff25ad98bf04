"""The admin a deployment starts with: `MUTOSCOPE_ADMIN_API_KEY` makes sure an admin owning that key exists."""

from __future__ import annotations

import logging

from mutoscope.server.accounts.service import ensure_key, ensure_user
from mutoscope.server.runtime import Runtime

logger = logging.getLogger(__name__)
ADMIN_HANDLE = "admin"


def ensure_bootstrap_admin(state: Runtime) -> None:
    secret = state.settings.bootstrap_admin_key
    if not secret:
        return
    with state.db.write_session() as session:
        user = ensure_user(session, ADMIN_HANDLE, is_admin=True)
        ensure_key(session, user, secret)
    logger.info("bootstrap admin @%s has the configured API key", ADMIN_HANDLE)
