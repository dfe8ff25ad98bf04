"""Creating and reading characters through `/v1/videos/characters`.

A character is made from a 2–10 s clip: the clip is decoded (bad uploads are refused before anything is stored),
its palette measured, and the clip kept as the character's source. Only the owner can see or cast it for now;
audiences and consent arrive with the characters issue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mutoscope.engine.media import read_video
from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.characters.capture import dominant_palette
from mutoscope.server.characters.models import Character
from mutoscope.server.forms import Upload
from mutoscope.server.generations.schemas import CharacterObject
from mutoscope.server.runtime import Runtime

MIN_CLIP_S = 2.0
MAX_CLIP_S = 10.0
KINDS = ("pet", "object", "illustration")


class CharacterService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def create(self, principal: Principal, body: Mapping[str, Any]) -> CharacterObject:
        name = _name(body.get("name"))
        kind = body.get("kind", "object")
        if kind not in KINDS:
            raise InvalidRequestError(
                f"'kind' must be one of {', '.join(KINDS)}; people are onboarded with a liveness check in the app.",
                param="kind",
            )
        species = body.get("species")
        if species is not None and not isinstance(species, str):
            raise InvalidRequestError("'species' must be a string.", param="species")
        upload = body.get("video")
        if not isinstance(upload, Upload):
            raise InvalidRequestError(
                "Missing required parameter: 'video' (a 2-10 s clip).",
                param="video",
                code="missing_required_parameter",
            )
        limits = self._rt.settings.engine
        clip = read_video(
            upload.data, max_bytes=limits.max_upload_bytes, max_duration_s=MAX_CLIP_S + 1, param="video"
        )
        if not MIN_CLIP_S <= clip.duration_s <= MAX_CLIP_S:
            raise InvalidRequestError(
                f"A character clip must be {MIN_CLIP_S:g}-{MAX_CLIP_S:g} s long; this one is {clip.duration_s:.1f} s.",
                param="video",
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
                    handle=_handle(name),
                    kind=kind,
                    species=species,
                    palette=[list(rgb) for rgb in palette],
                    source_blob=source,
                )
                session.add(character)
                session.flush()
                return _view(character)
        except BaseException:
            self._rt.blobs.delete_prefix(f"characters/{character_id}/")
            raise

    def get(self, principal: Principal, character_id: str) -> CharacterObject:
        with self._rt.db.session() as session:
            character = session.get(Character, character_id)
            if character is None or character.owner_id != principal.user_id:
                raise NotFoundError(f"No character found with id '{character_id}'.", param="character_id")
            return _view(character)


def _view(character: Character) -> CharacterObject:
    return CharacterObject(
        id=character.id, created_at=int(character.created_at.timestamp()), name=character.name
    )


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(
            "Missing required parameter: 'name'.", param="name", code="missing_required_parameter"
        )
    if len(value) > 80:
        raise InvalidRequestError("'name' must be at most 80 characters.", param="name")
    return value.strip()


def _handle(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")[:30] or "character"
