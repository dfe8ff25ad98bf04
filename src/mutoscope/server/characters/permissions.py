"""The one rule: who may generate with a character. Every path (create by id, @handle or name, remix, extend,
edit, the API and the app, and the worker before and while it runs a job) asks `may_use`.

- The owner always may.
- Nobody else may across a block (either way), whatever the audience says.
- only_me: nobody else. approved: the people the owner approved. mutuals: mutual followers and the approved.
  everyone: anyone signed in.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.server.characters.models import Character, CharacterApproval
from mutoscope.server.social.service import are_mutuals, is_blocked_either_way


def may_use(session: Session, user_id: str, character: Character) -> bool:
    if user_id == character.owner_id:
        return True
    if is_blocked_either_way(session, user_id, character.owner_id):
        return False
    audience = character.audience
    if audience == "everyone":
        return True
    if audience in ("approved", "mutuals") and is_approved(session, character.id, user_id):
        return True
    return audience == "mutuals" and are_mutuals(session, user_id, character.owner_id)


def is_approved(session: Session, character_id: str, user_id: str) -> bool:
    found = session.scalar(
        select(CharacterApproval.user_id).where(
            CharacterApproval.character_id == character_id, CharacterApproval.user_id == user_id
        )
    )
    return found is not None
