"""Which characters a generation uses, and whether its creator may use every one of them.

A generation's characters come from three places: the ids it lists (`characters: [{id}]`), the video it
starts from (a remix, extension or edit keeps its parent's characters), and its prompts: an `@handle` of any
character, or the name of a person who has a character (the character's name, or its owner's display name or
@handle). Each must pass `permissions.may_use`, or the whole request is refused, naming what is not allowed;
a likeness never slips in by being described instead of listed. Characters found in a prompt are attached to
the generation, so their look, voice and rules apply. At most `MAX_CHARACTERS` in one generation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mutoscope.errors import ContentPolicyError, InvalidRequestError, NotFoundError, PermissionDeniedError
from mutoscope.likeness.preferences import check_rules
from mutoscope.server.accounts.models import User
from mutoscope.server.characters.models import Character
from mutoscope.server.characters.permissions import may_use

MAX_CHARACTERS = 4
MIN_NAME_CHARS = 3
_HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,40})")
NOT_ALLOWED = "character_not_allowed"


def resolve_characters(
    session: Session,
    user_id: str,
    *,
    explicit: Sequence[str] = (),
    inherited: Sequence[str] = (),
    prompts: Sequence[str] = (),
) -> list[Character]:
    """The characters of a generation by `user_id`, each checked; raises when any is not allowed."""
    chosen: dict[str, Character] = {}
    for ident in explicit:
        character = session.get(Character, ident)
        if character is None:
            raise NotFoundError(f"No character found with id '{ident}'.", param="characters")
        _allow(
            session,
            user_id,
            character,
            param="characters",
            message=f"You are not allowed to use the character @{character.handle}: its owner has not shared it "
            "with you.",
        )
        chosen[character.id] = character
    for ident in inherited:
        character = session.get(Character, ident)
        if character is None:
            continue  # deleted since: its owner took it out of the world
        _allow(
            session,
            user_id,
            character,
            param="video",
            message=f"This video features the character @{character.handle}, which you are not allowed to use, "
            "so you cannot remix, extend or edit it.",
        )
        chosen[character.id] = character
    text = "\n".join(prompts)
    for character, mention in mentioned(session, text):
        if character.id not in chosen:
            _allow(
                session,
                user_id,
                character,
                param="prompt",
                message=f"The prompt names {mention}, whose likeness (@{character.handle}) you are not allowed to "
                "use; leave them out or ask them to share their character with you.",
            )
            chosen[character.id] = character
    if len(chosen) > MAX_CHARACTERS:
        raise InvalidRequestError(
            f"A generation can use at most {MAX_CHARACTERS} characters; this one uses {len(chosen)} "
            f"({', '.join('@' + c.handle for c in chosen.values())}).",
            param="characters",
        )
    return list(chosen.values())


def check_preferences(characters: Iterable[Character], prompts: Sequence[str]) -> None:
    """Refuse a prompt that breaks a prohibition one of the characters' owners set (the rule is quoted)."""
    text = "\n".join(prompts)
    for character in characters:
        found = check_rules([str(rule) for rule in character.preferences], prompt=text)
        if found is not None:
            reason = f"@{character.handle}: {found.message}"
            raise ContentPolicyError(
                f"This request was blocked by the character_preferences policy: {reason}",
                policy="character_preferences",
                reasons=(reason,),
            )


def mentioned(session: Session, text: str) -> list[tuple[Character, str]]:
    """Characters a prompt refers to, with the words that named them (in order of first mention)."""
    if not text.strip():
        return []
    found: dict[str, tuple[int, Character, str]] = {}
    handles = {m.group(1).lower(): m.start() for m in reversed(list(_HANDLE.finditer(text)))}
    if handles:
        rows = session.scalars(select(Character).where(func.lower(Character.handle).in_(sorted(handles))))
        for character in rows:
            found[character.id] = (handles[character.handle.lower()], character, "@" + character.handle)
    lowered = text.lower()
    people = session.execute(
        select(Character, User).join(User, User.id == Character.owner_id).where(Character.kind == "person")
    )
    for character, owner in people:
        if character.id in found:
            continue
        names = [character.name, owner.display_name]
        owner_handle = owner.handle.lower()
        if owner_handle in handles:
            found[character.id] = (handles[owner_handle], character, "@" + owner.handle)
            continue
        for name in names:
            at = _find_name(lowered, name)
            if at is not None:
                found[character.id] = (at, character, name)
                break
    return [(character, words) for _, character, words in sorted(found.values(), key=lambda item: item[0])]


def _find_name(lowered: str, name: str) -> int | None:
    name = " ".join(name.lower().split())
    if len(name) < MIN_NAME_CHARS:
        return None
    pattern = r"(?<![\w@])" + r"\s+".join(re.escape(part) for part in name.split()) + r"(?!\w)"
    match = re.search(pattern, lowered)
    return match.start() if match else None


def _allow(session: Session, user_id: str, character: Character, *, param: str, message: str) -> None:
    if not may_use(session, user_id, character):
        raise PermissionDeniedError(message, param=param, code=NOT_ALLOWED)
