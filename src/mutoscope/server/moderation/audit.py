"""The audit log: every admin action in moderation, written in the transaction of the action itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.errors import InvalidRequestError
from mutoscope.ids import new_id
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.moderation.models import AuditEntry
from mutoscope.server.moderation.schemas import AuditList, AuditView
from mutoscope.server.posts import paging
from mutoscope.server.posts.views import user_ref, users_by_id
from mutoscope.server.runtime import Runtime


def audit(
    session: Session,
    actor: Principal,
    action: str,
    target_type: str,
    target_id: str,
    *,
    data: Mapping[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            id=new_id("aud"),
            actor_id=actor.user_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            data=dict(data or {}),
        )
    )


class AuditService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def list(self, *, before: str | None, limit: int) -> AuditList:
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            cursor = None
            if before is not None:
                entry = session.get(AuditEntry, before)
                if entry is None:
                    raise InvalidRequestError(f"No audit entry '{before}' to page from.", param="before")
                cursor = (entry.created_at, entry.id)
            query = paging.page(
                select(AuditEntry), AuditEntry.created_at, AuditEntry.id, cursor=cursor, limit=limit
            )
            rows = list(session.scalars(query))
            users = users_by_id(session, [r.actor_id for r in rows if r.actor_id])
            data = [
                AuditView(
                    id=row.id,
                    actor=user_ref(users[row.actor_id]) if row.actor_id in users else None,
                    action=row.action,
                    target_type=row.target_type,
                    target_id=row.target_id,
                    data=row.data,
                    created_at=row.created_at,
                )
                for row in rows[:limit]
            ]
        return AuditList(data=data, has_more=len(rows) > limit)
