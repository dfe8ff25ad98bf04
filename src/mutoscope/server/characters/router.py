"""`/v1/videos/characters`: create a character from a clip and read it back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.characters.service import CharacterService
from mutoscope.server.forms import read_body
from mutoscope.server.generations.schemas import CharacterObject
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/v1/videos/characters", tags=["characters"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]


@router.post("", response_model=CharacterObject)
async def create_character(request: Request, caller: Caller, state: State) -> CharacterObject:
    body = await read_body(request, max_upload_bytes=state.settings.engine.max_upload_bytes)
    return await run_in_threadpool(CharacterService(state).create, caller, body)


@router.get("/{character_id}", response_model=CharacterObject)
def get_character(character_id: str, caller: Caller, state: State) -> CharacterObject:
    return CharacterService(state).get(caller, character_id)
