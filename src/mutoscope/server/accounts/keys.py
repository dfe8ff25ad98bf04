"""`/api/me/keys`: a signed-in user's own API keys (list, create, revoke), for the settings page.

A new key's secret is in the creation response and nowhere else, ever (only its SHA-256 is stored). Listing shows
each key's visible prefix, name and times; revoking is immediate and cannot be undone. Someone else's key, or one
that does not exist, is a 404 either way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.accounts.bodies import read_fields, validate_fields
from mutoscope.server.accounts.models import ApiKey, User
from mutoscope.server.accounts.service import issue_key, revoke_key
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/api/me/keys", tags=["accounts"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]
MAX_ACTIVE_KEYS = 20


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(default="", max_length=80)


class KeyObject(BaseModel):
    object: Literal["api_key"] = "api_key"
    id: str
    name: str
    prefix: str  # the key's first characters, to tell keys apart
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyObject):
    secret: str  # shown once: store it now


class KeyList(BaseModel):
    object: Literal["list"] = "list"
    data: list[KeyObject]


class KeyRevoked(BaseModel):
    object: Literal["api_key.revoked"] = "api_key.revoked"
    id: str
    revoked: bool = True


@router.get("", response_model=KeyList)
def list_keys(caller: Caller, state: State) -> KeyList:
    with state.db.session() as session:
        keys = session.scalars(
            select(ApiKey)
            .where(ApiKey.user_id == caller.user_id, ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        )
        return KeyList(data=[_view(key) for key in keys])


@router.post("", response_model=KeyCreated, status_code=201)
async def create_key(request: Request, caller: Caller, state: State) -> KeyCreated:
    body = validate_fields(KeyRequest, await read_fields(request))
    with state.db.write_session() as session:
        active = session.scalar(
            select(func.count()).where(ApiKey.user_id == caller.user_id, ApiKey.revoked_at.is_(None))
        )
        if (active or 0) >= MAX_ACTIVE_KEYS:
            raise InvalidRequestError(
                f"You already have {MAX_ACTIVE_KEYS} active API keys; revoke one you no longer use first.",
                param="name",
                code="too_many_keys",
            )
        user = session.get(User, caller.user_id)
        if user is None:
            raise NotFoundError("That account no longer exists.")
        issued = issue_key(session, user, name=body.name)
        key = session.get(ApiKey, issued.id)
        assert key is not None
        return KeyCreated(**_view(key).model_dump(), secret=issued.secret)


@router.delete("/{key_id}", response_model=KeyRevoked)
def delete_key(key_id: str, caller: Caller, state: State) -> KeyRevoked:
    with state.db.write_session() as session:
        key = session.get(ApiKey, key_id)
        if key is None or key.user_id != caller.user_id or not revoke_key(session, key_id):
            raise NotFoundError(f"No active API key found with id '{key_id}'.", param="key_id")
    return KeyRevoked(id=key_id)


def _view(key: ApiKey) -> KeyObject:
    return KeyObject(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )
