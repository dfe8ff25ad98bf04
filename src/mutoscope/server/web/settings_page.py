"""What the settings and profile pages show about an account: its API keys, invite codes, teen limits and
export size, and the characters a profile's visitor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.invites import InviteView, issue_member_invites, member_invites
from mutoscope.server.accounts.models import ApiKey, User
from mutoscope.server.characters.models import Character
from mutoscope.server.characters.permissions import may_use
from mutoscope.server.runtime import Runtime
from mutoscope.server.web.studio import CharacterChoice


@dataclass(frozen=True, slots=True)
class KeyRow:
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class TeenLimits:
    applies: bool
    session_views: int
    cooldown_min: int
    daily_views: int


@dataclass(frozen=True, slots=True)
class Account:
    user: User
    keys: tuple[KeyRow, ...]
    invites: tuple[InviteView, ...]
    teen: TeenLimits


def account(state: Runtime, principal: Principal) -> Account:
    with state.db.session() as session:
        user = session.get(User, principal.user_id)
        assert user is not None  # the principal was just resolved from it
        keys = tuple(
            KeyRow(k.id, k.name, k.prefix, k.created_at, k.last_used_at)
            for k in session.scalars(
                select(ApiKey)
                .where(ApiKey.user_id == principal.user_id, ApiKey.revoked_at.is_(None))
                .order_by(ApiKey.created_at.desc())
            )
        )
        invites = member_invites(session, principal.user_id)
        session.expunge(user)
    if not invites:  # members made before invites existed get theirs on first look, as on GET /api/me/invites
        with state.db.write_session() as session:
            fresh = session.get(User, principal.user_id)
            if fresh is not None:
                issue_member_invites(session, fresh, state.settings.accounts.invites_per_member)
            invites = member_invites(session, principal.user_id)
    rules = state.settings.feed
    teen = TeenLimits(
        applies=principal.is_teen and rules.teen_limits,
        session_views=rules.teen_session_views,
        cooldown_min=round(rules.teen_cooldown_s / 60),
        daily_views=rules.teen_daily_views,
    )
    return Account(user, keys, tuple(invites), teen)


def public_characters(state: Runtime, viewer: Principal | None, handle: str) -> tuple[CharacterChoice, ...]:
    """A profile's characters as its visitor may see them: all of them for the owner, and for others those
    the owner lets them use (a character nobody may use stays unlisted)."""
    if viewer is None:
        return ()
    with state.db.session() as session:
        owner = session.scalar(select(User).where(User.handle == handle.lstrip("@").lower()))
        if owner is None:
            return ()
        rows = session.scalars(
            select(Character).where(Character.owner_id == owner.id).order_by(Character.name)
        )
        return tuple(
            CharacterChoice(c.id, c.name, c.handle, c.kind, c.owner_id == viewer.user_id)
            for c in rows
            if may_use(session, viewer.user_id, c)
        )


def user_id(state: Runtime, handle: str) -> str | None:
    """A user's id by handle (the report form names the profile by id)."""
    with state.db.session() as session:
        return session.scalar(select(User.id).where(User.handle == handle.lstrip("@").lower()))
