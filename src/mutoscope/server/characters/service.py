"""Characters: creating pets, objects and illustrations from a clip, reading them, sharing them (audience and
approvals), preferences, deleting, and the owner's view of every video that uses one.

A non-person character comes from a 3–10 s clip with no liveness check, so a clip showing a human face is
refused: people are onboarded only through the liveness check (`onboarding.py`), on `/v1/videos/characters`
as in the app. Narrowing the audience (or removing an approval, or deleting the character) stops the queued
and running jobs of people no longer allowed; the owner decides whether the videos they already made stay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.engine.media import read_video
from mutoscope.errors import ConflictError, InvalidRequestError, NotFoundError, PermissionDeniedError
from mutoscope.ids import new_id
from mutoscope.jobs.models import Job
from mutoscope.likeness.faces import shows_human_face
from mutoscope.likeness.preferences import MAX_RULE_CHARS, MAX_RULES
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.models import User
from mutoscope.server.characters import uses
from mutoscope.server.characters.capture import dominant_palette
from mutoscope.server.characters.models import Character, CharacterApproval
from mutoscope.server.characters.permissions import may_use
from mutoscope.server.characters.schemas import (
    ApprovalList,
    ApprovalView,
    CharacterChanged,
    CharacterDeleted,
    CharacterList,
    CharacterUpdate,
    CharacterView,
    UseDeleted,
    UseList,
    UseView,
)
from mutoscope.server.forms import Upload
from mutoscope.server.generations.models import Video
from mutoscope.server.generations.schemas import CharacterObject
from mutoscope.server.posts.models import Post
from mutoscope.server.runtime import Runtime

MIN_CLIP_S = 3.0
MAX_CLIP_S = 10.0
KINDS = ("pet", "object", "illustration")
_HANDLE = re.compile(r"^[a-z0-9_]{2,30}$")
MEDIA_TYPES = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"}


class CharacterService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # -- creating ---------------------------------------------------------------------------------------------

    def create(self, principal: Principal, body: Mapping[str, Any]) -> CharacterObject:
        """`POST /v1/videos/characters`: a pet, object or illustration from a clip."""
        character = self.create_thing(principal, body)
        return CharacterObject(
            id=character.id, created_at=int(character.created_at.timestamp()), name=character.name
        )

    def create_view(self, principal: Principal, body: Mapping[str, Any]) -> CharacterView:
        character = self.create_thing(principal, body)
        with self._rt.db.session() as session:
            return view(session, principal, character)

    def create_thing(self, principal: Principal, body: Mapping[str, Any]) -> Character:
        name = name_param(body.get("name"))
        kind = body.get("kind", "object")
        if kind == "person":
            raise InvalidRequestError(
                "People are onboarded with a liveness check: POST /api/characters/challenges, then record it and "
                "upload to POST /api/characters/person.",
                param="kind",
            )
        if kind not in KINDS:
            raise InvalidRequestError(f"'kind' must be one of {', '.join(KINDS)}.", param="kind")
        species = body.get("species")
        if species is not None and (not isinstance(species, str) or len(species) > 40):
            raise InvalidRequestError("'species' must be a string of at most 40 characters.", param="species")
        wanted = handle_param(body.get("handle"))
        upload = video_param(body, "a 3-10 s clip")
        clip = read_video(
            upload.data,
            max_bytes=self._rt.settings.engine.max_upload_bytes,
            max_duration_s=MAX_CLIP_S + 1,
            param="video",
        )
        if not MIN_CLIP_S <= clip.duration_s <= MAX_CLIP_S:
            raise InvalidRequestError(
                f"A character clip must be {MIN_CLIP_S:g}-{MAX_CLIP_S:g} s long; this one is {clip.duration_s:.1f} s.",
                param="video",
            )
        if shows_human_face(clip.frames):
            raise InvalidRequestError(
                "This clip shows a human face. A person's character needs their consent, given through the "
                "liveness check (POST /api/characters/challenges); pets, objects and illustrations only here.",
                param="video",
                code="human_face_in_clip",
            )
        palette = dominant_palette(clip)
        character_id = new_id("char")
        source = f"characters/{character_id}/source.mp4"
        self._rt.blobs.put_bytes(source, upload.data)
        try:
            with self._rt.db.write_session() as session:
                character = Character(
                    id=character_id,
                    owner_id=principal.user_id,
                    name=name,
                    handle=claim_handle(session, wanted, name),
                    kind=kind,
                    species=species,
                    palette=[list(rgb) for rgb in palette],
                    source_blob=source,
                    audience="only_me",
                    preferences=[],
                )
                session.add(character)
                session.flush()
                session.expunge(character)
                return character
        except BaseException as exc:
            self._rt.blobs.delete_prefix(f"characters/{character_id}/")
            if isinstance(exc, IntegrityError):
                raise ConflictError("That handle was just taken; choose another.", param="handle") from exc
            raise

    # -- reading ----------------------------------------------------------------------------------------------

    def get_v1(self, principal: Principal, character_id: str) -> CharacterObject:
        with self._rt.db.session() as session:
            character = self._visible(session, principal, character_id)
            return CharacterObject(
                id=character.id, created_at=int(character.created_at.timestamp()), name=character.name
            )

    def get(self, principal: Principal, character_id: str) -> CharacterView:
        with self._rt.db.session() as session:
            return view(session, principal, self._visible(session, principal, character_id))

    def list_characters(self, principal: Principal, *, scope: str) -> CharacterList:
        """Mine (`scope="mine"`), or every character I may use (`scope="usable"`: mine and those shared with me)."""
        if scope not in ("mine", "usable"):
            raise InvalidRequestError("'scope' must be 'mine' or 'usable'.", param="scope")
        with self._rt.db.session() as session:
            query = select(Character).order_by(Character.created_at.desc(), Character.id.desc())
            if scope == "mine":
                query = query.where(Character.owner_id == principal.user_id)
            else:
                query = query.where(
                    (Character.owner_id == principal.user_id) | (Character.audience != "only_me")
                )
            found = [c for c in session.scalars(query) if may_use(session, principal.user_id, c)]
            return CharacterList(data=[view(session, principal, c) for c in found])

    # -- changing ---------------------------------------------------------------------------------------------

    def update(self, principal: Principal, character_id: str, change: CharacterUpdate) -> CharacterChanged:
        preferences = preferences_param(change.preferences) if change.preferences is not None else None
        with self._rt.db.write_session() as session:
            character = self._owned(session, principal, character_id)
            if change.name is not None:
                character.name = name_param(change.name)
            if change.audience is not None:
                character.audience = change.audience
            if preferences is not None:
                character.preferences = preferences
            character.updated_at = utcnow()
            session.flush()
            stopped = uses.jobs_to_revoke(session, character)
            prefixes = (
                self._drop_others_videos(session, character) if change.existing_videos == "delete" else []
            )
            handle = character.handle
        uses.cancel_revoked(self._rt.queue, stopped, handle)
        uses.remove_blobs(self._rt.blobs, prefixes)
        return CharacterChanged(
            character=self.get(principal, character_id),
            videos_deleted=len(prefixes),
            jobs_stopped=len(stopped),
        )

    def delete(self, principal: Principal, character_id: str, *, existing_videos: str) -> CharacterDeleted:
        if existing_videos not in ("keep", "delete"):
            raise InvalidRequestError(
                "'existing_videos' must be 'keep' or 'delete'.", param="existing_videos"
            )
        with self._rt.db.write_session() as session:
            character = self._owned(session, principal, character_id)
            stopped = uses.jobs_to_revoke(session, character, everyone=True)
            prefixes = self._drop_others_videos(session, character) if existing_videos == "delete" else []
            handle = character.handle
            session.delete(character)
        uses.cancel_revoked(self._rt.queue, stopped, handle)
        uses.remove_blobs(self._rt.blobs, [*prefixes, f"characters/{character_id}/"])
        return CharacterDeleted(id=character_id, videos_deleted=len(prefixes), jobs_stopped=len(stopped))

    def _drop_others_videos(self, session: Session, character: Character) -> list[str]:
        return [
            uses.delete_video(session, video, by_owner_of=character)
            for video, _ in uses.videos_using(session, character.id)
            if video.owner_id != character.owner_id
        ]

    # -- approvals --------------------------------------------------------------------------------------------

    def approvals(self, principal: Principal, character_id: str) -> ApprovalList:
        with self._rt.db.session() as session:
            self._owned(session, principal, character_id)
            rows = session.scalars(
                select(User)
                .join(CharacterApproval, CharacterApproval.user_id == User.id)
                .where(CharacterApproval.character_id == character_id)
                .order_by(User.handle)
            )
            return ApprovalList(
                data=[ApprovalView(handle=u.handle, display_name=u.display_name) for u in rows]
            )

    def approve(self, principal: Principal, character_id: str, handle: str) -> ApprovalList:
        with self._rt.db.write_session() as session:
            self._owned(session, principal, character_id)
            user = _user(session, handle)
            if user.id == principal.user_id:
                raise InvalidRequestError("You always may use your own character.", param="handle")
            if session.get(CharacterApproval, (character_id, user.id)) is None:
                session.add(CharacterApproval(character_id=character_id, user_id=user.id))
        return self.approvals(principal, character_id)

    def unapprove(self, principal: Principal, character_id: str, handle: str) -> ApprovalList:
        with self._rt.db.write_session() as session:
            character = self._owned(session, principal, character_id)
            user = _user(session, handle)
            session.execute(
                delete(CharacterApproval).where(
                    CharacterApproval.character_id == character_id, CharacterApproval.user_id == user.id
                )
            )
            session.flush()
            stopped = uses.jobs_to_revoke(session, character)
            handle_of = character.handle
        uses.cancel_revoked(self._rt.queue, stopped, handle_of)
        return self.approvals(principal, character_id)

    # -- co-ownership: every video that uses it ---------------------------------------------------------------

    def uses(self, principal: Principal, character_id: str) -> UseList:
        with self._rt.db.session() as session:
            self._owned(session, principal, character_id)
            rows = uses.videos_using(session, character_id)
            creators = _handles(session, {video.owner_id for video, _ in rows})
            posted = set(
                session.scalars(select(Post.video_id).where(Post.video_id.in_([v.id for v, _ in rows])))
            )
            return UseList(
                data=[
                    UseView(
                        video_id=video.id,
                        creator=creators.get(video.owner_id, ""),
                        prompt=video.prompt,
                        status=job.state if job is not None else "failed",
                        posted=video.id in posted,
                        created_at=int(video.created_at.timestamp()),
                    )
                    for video, job in rows
                ]
            )

    def use_content(
        self, principal: Principal, character_id: str, video_id: str, variant: str
    ) -> tuple[str, str]:
        if variant not in MEDIA_TYPES:
            raise InvalidRequestError("'variant' must be video, thumbnail or spritesheet.", param="variant")
        with self._rt.db.session() as session:
            self._owned(session, principal, character_id)
            video = self._use(session, character_id, video_id)
            job = session.get(Job, video.id)
            key = ((job.result if job is not None else None) or {}).get("blobs", {}).get(variant)
        if not isinstance(key, str) or not self._rt.blobs.exists(key):
            raise NotFoundError(f"Video '{video_id}' has no stored {variant}.", param="variant")
        return key, MEDIA_TYPES[variant]

    def delete_use(self, principal: Principal, character_id: str, video_id: str) -> UseDeleted:
        with self._rt.db.write_session() as session:
            character = self._owned(session, principal, character_id)
            prefix = uses.delete_video(
                session, self._use(session, character_id, video_id), by_owner_of=character
            )
        uses.remove_blobs(self._rt.blobs, [prefix])
        return UseDeleted(video_id=video_id)

    # -- lookups ----------------------------------------------------------------------------------------------

    def _visible(self, session: Session, principal: Principal, character_id: str) -> Character:
        character = session.get(Character, character_id)
        if character is None or not may_use(session, principal.user_id, character):
            raise NotFoundError(f"No character found with id '{character_id}'.", param="character_id")
        return character

    def _owned(self, session: Session, principal: Principal, character_id: str) -> Character:
        character = session.get(Character, character_id)
        if character is None or not may_use(session, principal.user_id, character):
            raise NotFoundError(f"No character found with id '{character_id}'.", param="character_id")
        if character.owner_id != principal.user_id:
            raise PermissionDeniedError("Only the character's owner can do this.", param="character_id")
        return character

    def _use(self, session: Session, character_id: str, video_id: str) -> Video:
        video = next((v for v, _ in uses.videos_using(session, character_id) if v.id == video_id), None)
        if video is None:
            raise NotFoundError(f"No video '{video_id}' uses this character.", param="video_id")
        return video


def view(session: Session, principal: Principal, character: Character) -> CharacterView:
    owner = session.get(User, character.owner_id)
    mine = character.owner_id == principal.user_id
    return CharacterView(
        id=character.id,
        name=character.name,
        handle=character.handle,
        kind=character.kind,
        species=character.species,
        owner=owner.handle if owner is not None else "",
        is_owner=mine,
        audience=character.audience if mine else None,
        preferences=[str(p) for p in character.preferences],
        palette=[list(c) for c in character.palette],
        voice=character.voice,
        has_face=character.face_blob is not None,
        created_at=int(character.created_at.timestamp()),
    )


def name_param(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(
            "Missing required parameter: 'name'.", param="name", code="missing_required_parameter"
        )
    if len(value.strip()) > 80:
        raise InvalidRequestError("'name' must be at most 80 characters.", param="name")
    return " ".join(value.split())


def handle_param(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _HANDLE.match(value.lower().lstrip("@")):
        raise InvalidRequestError(
            "'handle' must be 2-30 characters of a-z, 0-9 and _ (it is used as @handle in prompts).",
            param="handle",
        )
    return value.lower().lstrip("@")


def video_param(body: Mapping[str, Any], what: str) -> Upload:
    upload = body.get("video")
    if not isinstance(upload, Upload):
        raise InvalidRequestError(
            f"Missing required parameter: 'video' ({what}).", param="video", code="missing_required_parameter"
        )
    return upload


def preferences_param(rules: Sequence[Any]) -> list[str]:
    if len(rules) > MAX_RULES:
        raise InvalidRequestError(f"A character has at most {MAX_RULES} preferences.", param="preferences")
    cleaned = []
    for rule in rules:
        if not isinstance(rule, str) or not rule.strip() or len(rule) > MAX_RULE_CHARS:
            raise InvalidRequestError(
                f"Each preference is a non-empty sentence of at most {MAX_RULE_CHARS} characters.",
                param="preferences",
            )
        cleaned.append(" ".join(rule.split()))
    return cleaned


def claim_handle(session: Session, wanted: str | None, name: str, *, fallback: str | None = None) -> str:
    """`wanted` if free (else 409), or the first free handle made from `fallback` or the name."""
    if wanted is not None:
        if _taken(session, wanted):
            raise ConflictError(f"The handle @{wanted} is taken; choose another.", param="handle")
        return wanted
    base = fallback if fallback and not _taken(session, fallback) else None
    if base is not None:
        return base
    stem = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")[:26] or "character"
    if len(stem) < 2:
        stem = f"{stem}_c"
    candidate, number = stem, 1
    while _taken(session, candidate):
        number += 1
        candidate = f"{stem}_{number}"
    return candidate


def _taken(session: Session, handle: str) -> bool:
    return session.scalar(select(func.count()).where(func.lower(Character.handle) == handle.lower())) != 0


def _user(session: Session, handle: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.handle) == handle.lower().lstrip("@")))
    if user is None:
        raise NotFoundError(f"No user found with handle '{handle}'.", param="handle")
    return user


def _handles(session: Session, user_ids: set[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.handle).where(User.id.in_(sorted(user_ids))))
    return {user_id: handle for user_id, handle in rows}
