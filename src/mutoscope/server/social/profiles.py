"""Profiles and the lists around them, as a viewer sees them.

A profile is public (anonymous visitors may read it and its lists) except across a block: to two people on
either side of a block, each other's profile, avatar and lists are 404, and neither appears in lists the other
reads. Only the owner (or an admin) edits a profile; handles never change. Lists are paged newest first with an
opaque cursor (`after`), so a follow arriving while someone pages never shifts or repeats an entry.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from mutoscope.errors import InvalidRequestError, NotFoundError, PermissionDeniedError
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.bodies import validate_fields
from mutoscope.server.accounts.models import User
from mutoscope.server.accounts.registration import MAX_DISPLAY_NAME_CHARS
from mutoscope.server.accounts.schemas import avatar_url
from mutoscope.server.accounts.service import normalize_handle
from mutoscope.server.forms import Upload
from mutoscope.server.notifications.service import NEW_FOLLOWER, notify
from mutoscope.server.posts import paging
from mutoscope.server.runtime import Runtime
from mutoscope.server.social import service as graph
from mutoscope.server.social.avatars import avatar_webp, new_avatar_key
from mutoscope.server.social.models import Block, Follow
from mutoscope.server.social.schemas import (
    BlockState,
    FollowState,
    ProfileObject,
    ProfilePage,
    ProfileSummary,
)

MAX_BIO_CHARS = 500


class ProfileChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = None
    bio: str | None = None


@dataclass(frozen=True, slots=True)
class _Cursor:
    created_at: datetime
    user_id: str


class ProfileService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # -- reading -------------------------------------------------------------------------------------------

    def get(self, viewer: Principal | None, handle: str) -> ProfileObject:
        with self._rt.db.session() as session:
            user = _visible(session, handle, viewer)
            return _profile(session, user, viewer)

    def avatar_key(self, viewer: Principal | None, handle: str) -> str:
        with self._rt.db.session() as session:
            user = _visible(session, handle, viewer)
            key = user.avatar_blob
        if key is None or not self._rt.blobs.exists(key):
            raise NotFoundError(f"@{user.handle} has no avatar.", param="handle")
        return key

    def followers(
        self, viewer: Principal | None, handle: str, *, after: str | None, limit: int
    ) -> ProfilePage:
        return self._follows(
            viewer, handle, listed=Follow.follower_id, of=Follow.followee_id, after=after, limit=limit
        )

    def following(
        self, viewer: Principal | None, handle: str, *, after: str | None, limit: int
    ) -> ProfilePage:
        return self._follows(
            viewer, handle, listed=Follow.followee_id, of=Follow.follower_id, after=after, limit=limit
        )

    def mutuals(self, viewer: Principal | None, handle: str, *, after: str | None, limit: int) -> ProfilePage:
        """People the owner follows who follow them back, newest follow (by the owner) first."""
        with self._rt.db.session() as session:
            owner = _visible(session, handle, viewer)
            back = aliased(Follow)
            query = (
                select(User, Follow.created_at)
                .join(Follow, Follow.followee_id == User.id)
                .where(
                    Follow.follower_id == owner.id,
                    exists().where(back.follower_id == User.id, back.followee_id == owner.id),
                )
            )
            return _page(session, query, Follow, viewer=viewer, after=after, limit=limit)

    def blocks(self, caller: Principal, *, after: str | None, limit: int) -> ProfilePage:
        """Whom the caller blocked, newest first (blocked people stay listed here, so they can be unblocked)."""
        with self._rt.db.session() as session:
            query = (
                select(User, Block.created_at)
                .join(Block, Block.blocked_id == User.id)
                .where(Block.blocker_id == caller.user_id)
            )
            return _page(session, query, Block, viewer=None, after=after, limit=limit)

    def _follows(
        self,
        viewer: Principal | None,
        handle: str,
        *,
        listed: InstrumentedAttribute[str],
        of: InstrumentedAttribute[str],
        after: str | None,
        limit: int,
    ) -> ProfilePage:
        """The people on the `listed` side of follows whose `of` side is the profile `handle`."""
        with self._rt.db.session() as session:
            owner = _visible(session, handle, viewer)
            query = select(User, Follow.created_at).join(Follow, listed == User.id).where(of == owner.id)
            return _page(session, query, Follow, viewer=viewer, after=after, limit=limit)

    # -- changing ------------------------------------------------------------------------------------------

    def update(self, caller: Principal, handle: str, body: Mapping[str, Any]) -> ProfileObject:
        fields = dict(body)
        if "handle" in fields:
            raise InvalidRequestError("Handles cannot be changed.", param="handle")
        has_avatar = "avatar" in fields
        avatar = fields.pop("avatar", None)
        change = validate_fields(ProfileChange, fields)
        display_name = _display_name(change.display_name)
        bio = _bio(change.bio)
        if has_avatar and avatar is not None and not isinstance(avatar, Upload):
            raise InvalidRequestError(
                "'avatar' must be an uploaded image file (multipart), or null to remove it.", param="avatar"
            )
        picture = avatar_webp(avatar.data) if isinstance(avatar, Upload) else None  # decoded before any write
        with self._rt.db.session() as session:
            target = _visible(session, handle, None if caller.is_admin else caller)
            if target.id != caller.user_id and not caller.is_admin:
                raise PermissionDeniedError("You can only edit your own profile.", param="handle")
            target_id = target.id
        new_key = new_avatar_key(target_id) if picture is not None else None
        if new_key is not None and picture is not None:
            self._rt.blobs.put_bytes(new_key, picture)
        try:
            with self._rt.db.write_session() as session:
                user = session.get(User, target_id)
                if user is None:
                    raise NotFoundError("No such profile.", param="handle")
                old_key = user.avatar_blob
                if display_name is not None:
                    user.display_name = display_name
                if bio is not None:
                    user.bio = bio
                if has_avatar:
                    user.avatar_blob = new_key
                session.flush()
                profile = _profile(session, user, caller)
        except BaseException:
            if new_key is not None:
                self._rt.blobs.delete(new_key)
            raise
        if has_avatar and old_key is not None and old_key != new_key:
            self._rt.blobs.delete(old_key)
        return profile

    def follow(self, caller: Principal, handle: str) -> FollowState:
        with self._rt.db.write_session() as session:
            # The graph tells "they blocked you" (404, as if missing) from "you blocked them" (409, say so).
            target = _existing(session, handle)
            if graph.follow(session, caller.user_id, target.id):
                notify(session, user_id=target.id, kind=NEW_FOLLOWER, actor_id=caller.user_id)
            return FollowState(
                handle=target.handle,
                following=True,
                is_mutual=graph.are_mutuals(session, caller.user_id, target.id),
            )

    def unfollow(self, caller: Principal, handle: str) -> FollowState:
        with self._rt.db.write_session() as session:
            target = _visible(session, handle, caller)
            graph.unfollow(session, caller.user_id, target.id)
            return FollowState(handle=target.handle, following=False, is_mutual=False)

    def block(self, caller: Principal, handle: str) -> BlockState:
        with self._rt.db.write_session() as session:
            target = _existing(session, handle)  # blocking works even when they already blocked you
            graph.block(session, caller.user_id, target.id)
            return BlockState(handle=target.handle, blocked=True)

    def unblock(self, caller: Principal, handle: str) -> BlockState:
        with self._rt.db.write_session() as session:
            target = _existing(session, handle)
            graph.unblock(session, caller.user_id, target.id)
            return BlockState(handle=target.handle, blocked=False)


def _existing(session: Session, handle: str) -> User:
    try:
        normalized = normalize_handle(handle)
    except InvalidRequestError:
        raise NotFoundError(f"No profile @{handle}.", param="handle") from None
    user = session.scalar(select(User).where(User.handle == normalized))
    if user is None:
        raise NotFoundError(f"No profile @{normalized}.", param="handle")
    return user


def _visible(session: Session, handle: str, viewer: Principal | None) -> User:
    """The profile `handle` unless it does not exist or a block stands between it and the viewer (both 404)."""
    user = _existing(session, handle)
    if viewer is not None and graph.is_blocked_either_way(session, viewer.user_id, user.id):
        raise NotFoundError(f"No profile @{user.handle}.", param="handle")
    return user


def _profile(session: Session, user: User, viewer: Principal | None) -> ProfileObject:
    followers = session.scalar(select(func.count()).select_from(Follow).where(Follow.followee_id == user.id))
    following = session.scalar(select(func.count()).select_from(Follow).where(Follow.follower_id == user.id))
    viewer_id = viewer.user_id if viewer is not None else None
    is_me = viewer_id == user.id
    you_follow = viewer_id is not None and not is_me and graph.is_following(session, viewer_id, user.id)
    follows_you = viewer_id is not None and not is_me and graph.is_following(session, user.id, viewer_id)
    return ProfileObject(
        handle=user.handle,
        display_name=user.display_name,
        bio=user.bio,
        avatar_url=avatar_url(user),
        created_at=int(user.created_at.timestamp()),
        follower_count=followers or 0,
        following_count=following or 0,
        is_me=is_me,
        following=you_follow,
        follows_you=follows_you,
        is_mutual=you_follow and follows_you,
    )


def _page(
    session: Session,
    query: Select[User, datetime],
    edge: type[Follow] | type[Block],
    *,
    viewer: Principal | None,
    after: str | None,
    limit: int,
) -> ProfilePage:
    paging.check_limit(limit)
    created = edge.created_at
    if viewer is not None:  # people on the other side of a block with the viewer are left out
        query = query.where(
            User.id.not_in(select(Block.blocked_id).where(Block.blocker_id == viewer.user_id)),
            User.id.not_in(select(Block.blocker_id).where(Block.blocked_id == viewer.user_id)),
        )
    if after is not None:
        cursor = _decode_cursor(after)
        query = query.where(
            (created < cursor.created_at) | ((created == cursor.created_at) & (User.id < cursor.user_id))
        )
    rows = session.execute(query.order_by(created.desc(), User.id.desc()).limit(limit + 1)).all()
    shown = rows[:limit]
    data = [
        ProfileSummary(handle=u.handle, display_name=u.display_name, avatar_url=avatar_url(u))
        for u, _ in shown
    ]
    has_more = len(rows) > limit
    next_cursor = _encode_cursor(_Cursor(shown[-1][1], shown[-1][0].id)) if has_more else None
    return ProfilePage(data=data, next_cursor=next_cursor, has_more=has_more)


def _encode_cursor(cursor: _Cursor) -> str:
    raw = f"{cursor.created_at.isoformat()}|{cursor.user_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(value: str) -> _Cursor:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        created, user_id = raw.split("|", 1)
        moment = datetime.fromisoformat(created)
        if moment.tzinfo is None or not user_id:
            raise ValueError(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidRequestError(
            "'after' is not a cursor this API returned; pass a page's next_cursor.", param="after"
        ) from None
    return _Cursor(moment, user_id)


def _display_name(value: str | None) -> str | None:
    if value is None:
        return None
    name = value.strip()
    if not name:
        raise InvalidRequestError("'display_name' must not be empty.", param="display_name")
    if len(name) > MAX_DISPLAY_NAME_CHARS:
        raise InvalidRequestError(
            f"'display_name' must be at most {MAX_DISPLAY_NAME_CHARS} characters.", param="display_name"
        )
    if any(ord(ch) < 32 for ch in name):
        raise InvalidRequestError("'display_name' must not contain control characters.", param="display_name")
    return name


def _bio(value: str | None) -> str | None:
    if value is None:
        return None
    bio = value.strip()
    if len(bio) > MAX_BIO_CHARS:
        raise InvalidRequestError(f"'bio' must be at most {MAX_BIO_CHARS} characters.", param="bio")
    return bio
