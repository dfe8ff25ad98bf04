"""Characters routes: `/v1/videos/characters` (the API: pets, objects, illustrations from a clip) and
`/api/characters…` (the app: person onboarding with the liveness check, sharing, preferences, the videos that
use a character). Thin: parse, call a service, shape the response."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.characters.onboarding import Onboarding
from mutoscope.server.characters.schemas import (
    ApprovalList,
    ChallengeView,
    CharacterChanged,
    CharacterDeleted,
    CharacterList,
    CharacterUpdate,
    CharacterView,
    DecisionList,
    UseDeleted,
    UseList,
)
from mutoscope.server.characters.service import CharacterService
from mutoscope.server.forms import read_body
from mutoscope.server.generations.schemas import CharacterObject
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(tags=["characters"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]
API = "/api/characters"


# -- the OpenAI-style API ------------------------------------------------------------------------------------


@router.post("/v1/videos/characters", response_model=CharacterObject)
async def create_character(request: Request, caller: Caller, state: State) -> CharacterObject:
    body = await read_body(request, max_upload_bytes=state.settings.engine.max_upload_bytes)
    return await run_in_threadpool(CharacterService(state).create, caller, body)


@router.get("/v1/videos/characters/{character_id}", response_model=CharacterObject)
def get_character(character_id: str, caller: Caller, state: State) -> CharacterObject:
    return CharacterService(state).get_v1(caller, character_id)


# -- the app -------------------------------------------------------------------------------------------------


@router.post(f"{API}/challenges", response_model=ChallengeView, status_code=201)
def new_challenge(caller: Caller, state: State) -> ChallengeView:
    return Onboarding(state).challenge(caller)


@router.post(f"{API}/person", response_model=CharacterView, status_code=201)
async def create_person(request: Request, caller: Caller, state: State) -> CharacterView:
    body = await read_body(request, max_upload_bytes=state.settings.engine.max_upload_bytes)
    return await run_in_threadpool(Onboarding(state).create_person, caller, body)


@router.get(f"{API}/decisions", response_model=DecisionList)
def list_decisions(caller: Caller, state: State) -> DecisionList:
    return Onboarding(state).decisions(caller)


@router.post(API, response_model=CharacterView, status_code=201)
async def create_thing(request: Request, caller: Caller, state: State) -> CharacterView:
    body = await read_body(request, max_upload_bytes=state.settings.engine.max_upload_bytes)
    return await run_in_threadpool(CharacterService(state).create_view, caller, body)


@router.get(API, response_model=CharacterList)
def list_characters(caller: Caller, state: State, scope: str = "mine") -> CharacterList:
    return CharacterService(state).list_characters(caller, scope=scope)


@router.get(f"{API}/{{character_id}}", response_model=CharacterView)
def read_character(character_id: str, caller: Caller, state: State) -> CharacterView:
    return CharacterService(state).get(caller, character_id)


@router.patch(f"{API}/{{character_id}}", response_model=CharacterChanged)
def update_character(
    character_id: str, change: CharacterUpdate, caller: Caller, state: State
) -> CharacterChanged:
    return CharacterService(state).update(caller, character_id, change)


@router.delete(f"{API}/{{character_id}}", response_model=CharacterDeleted)
def delete_character(
    character_id: str, caller: Caller, state: State, existing_videos: str = "keep"
) -> CharacterDeleted:
    return CharacterService(state).delete(caller, character_id, existing_videos=existing_videos)


@router.get(f"{API}/{{character_id}}/approvals", response_model=ApprovalList)
def list_approvals(character_id: str, caller: Caller, state: State) -> ApprovalList:
    return CharacterService(state).approvals(caller, character_id)


@router.put(f"{API}/{{character_id}}/approvals/{{handle}}", response_model=ApprovalList)
def approve(character_id: str, handle: str, caller: Caller, state: State) -> ApprovalList:
    return CharacterService(state).approve(caller, character_id, handle)


@router.delete(f"{API}/{{character_id}}/approvals/{{handle}}", response_model=ApprovalList)
def unapprove(character_id: str, handle: str, caller: Caller, state: State) -> ApprovalList:
    return CharacterService(state).unapprove(caller, character_id, handle)


@router.get(f"{API}/{{character_id}}/videos", response_model=UseList)
def list_uses(character_id: str, caller: Caller, state: State) -> UseList:
    return CharacterService(state).uses(caller, character_id)


@router.delete(f"{API}/{{character_id}}/videos/{{video_id}}", response_model=UseDeleted)
def delete_use(character_id: str, video_id: str, caller: Caller, state: State) -> UseDeleted:
    return CharacterService(state).delete_use(caller, character_id, video_id)


@router.get(f"{API}/{{character_id}}/videos/{{video_id}}/content", response_model=None)
def use_content(
    character_id: str, video_id: str, caller: Caller, state: State, variant: str = "video"
) -> FileResponse | Response:
    key, media_type = CharacterService(state).use_content(caller, character_id, video_id, variant)
    path = state.blobs.local_path(key)
    if path is not None:
        return FileResponse(path, media_type=media_type)
    return Response(state.blobs.read_bytes(key), media_type=media_type)
