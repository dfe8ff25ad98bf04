"""`/api/profiles/{handle}` (read, edit, avatar, follow, block, followers/following/mutuals) and
`/api/me/blocks`. Thin: parse, call `ProfileService`, shape the response."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from mutoscope.server.accounts.auth import Principal, optional_principal, require_principal
from mutoscope.server.accounts.bodies import read_fields
from mutoscope.server.posts.paging import DEFAULT_LIMIT, Limit
from mutoscope.server.runtime import Runtime, runtime
from mutoscope.server.social.avatars import MAX_AVATAR_BYTES, MEDIA_TYPE
from mutoscope.server.social.profiles import ProfileService
from mutoscope.server.social.schemas import BlockState, FollowState, ProfileObject, ProfilePage

router = APIRouter(prefix="/api", tags=["profiles"])
Caller = Annotated[Principal, Depends(require_principal)]
Viewer = Annotated[Principal | None, Depends(optional_principal)]
State = Annotated[Runtime, Depends(runtime)]
_AVATAR_CACHE = "public, max-age=86400"


@router.get("/profiles/{handle}", response_model=ProfileObject)
def get_profile(handle: str, viewer: Viewer, state: State) -> ProfileObject:
    return ProfileService(state).get(viewer, handle)


@router.patch("/profiles/{handle}", response_model=ProfileObject)
async def update_profile(handle: str, request: Request, caller: Caller, state: State) -> ProfileObject:
    body = await read_fields(request, max_upload_bytes=MAX_AVATAR_BYTES)
    return await run_in_threadpool(ProfileService(state).update, caller, handle, body)


@router.get("/profiles/{handle}/avatar", response_model=None)
def get_avatar(handle: str, viewer: Viewer, state: State) -> Response:
    key = ProfileService(state).avatar_key(viewer, handle)
    path = state.blobs.local_path(key)
    headers = {"cache-control": _AVATAR_CACHE}
    if path is not None:
        return FileResponse(path, media_type=MEDIA_TYPE, headers=headers)
    return Response(state.blobs.read_bytes(key), media_type=MEDIA_TYPE, headers=headers)


@router.post("/profiles/{handle}/follow", response_model=FollowState)
def follow(handle: str, caller: Caller, state: State) -> FollowState:
    return ProfileService(state).follow(caller, handle)


@router.delete("/profiles/{handle}/follow", response_model=FollowState)
def unfollow(handle: str, caller: Caller, state: State) -> FollowState:
    return ProfileService(state).unfollow(caller, handle)


@router.post("/profiles/{handle}/block", response_model=BlockState)
def block(handle: str, caller: Caller, state: State) -> BlockState:
    return ProfileService(state).block(caller, handle)


@router.delete("/profiles/{handle}/block", response_model=BlockState)
def unblock(handle: str, caller: Caller, state: State) -> BlockState:
    return ProfileService(state).unblock(caller, handle)


@router.get("/profiles/{handle}/followers", response_model=ProfilePage)
def followers(
    handle: str, viewer: Viewer, state: State, after: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> ProfilePage:
    return ProfileService(state).followers(viewer, handle, after=after, limit=limit)


@router.get("/profiles/{handle}/following", response_model=ProfilePage)
def following(
    handle: str, viewer: Viewer, state: State, after: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> ProfilePage:
    return ProfileService(state).following(viewer, handle, after=after, limit=limit)


@router.get("/profiles/{handle}/mutuals", response_model=ProfilePage)
def mutuals(
    handle: str, viewer: Viewer, state: State, after: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> ProfilePage:
    return ProfileService(state).mutuals(viewer, handle, after=after, limit=limit)


@router.get("/me/blocks", response_model=ProfilePage)
def my_blocks(
    caller: Caller, state: State, after: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> ProfilePage:
    return ProfileService(state).blocks(caller, after=after, limit=limit)
