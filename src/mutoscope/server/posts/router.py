"""`/api` routes for drafts, posts, likes, comments, remixes and reports, and the `/p/{id}` share permalink.

Thin: authenticate, call a service, shape the response. Reads of public things (a post, its comments, its
remixes, a creator's posts, a post's media, the permalink) work anonymously so a shared link opens for anyone;
everything that writes needs a signed-in caller.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from mutoscope.server.accounts.auth import Principal, optional_principal, require_principal
from mutoscope.server.generations.schemas import VideoObject
from mutoscope.server.posts.engagement import EngagementService
from mutoscope.server.posts.paging import DEFAULT_LIMIT, Limit
from mutoscope.server.posts.reports import ReportService
from mutoscope.server.posts.schemas import (
    CommentDeleted,
    CommentList,
    CommentRequest,
    CommentView,
    DraftList,
    LikeState,
    PostDeleted,
    PostList,
    PostView,
    PublishRequest,
    RemixRequest,
    ReportRequest,
    ReportView,
)
from mutoscope.server.posts.service import MediaVariant, PostService
from mutoscope.server.posts.views import Links
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(tags=["posts"])
Caller = Annotated[Principal, Depends(require_principal)]
Reader = Annotated[Principal | None, Depends(optional_principal)]
State = Annotated[Runtime, Depends(runtime)]


def links(request: Request) -> Links:
    return Links(str(request.base_url).rstrip("/"))


def _posts(request: Request, state: Runtime) -> PostService:
    return PostService(state, links(request))


@router.get("/api/drafts", response_model=DraftList)
def list_drafts(
    request: Request, caller: Caller, state: State, before: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> DraftList:
    return _posts(request, state).drafts(caller, before=before, limit=limit)


@router.post("/api/posts", response_model=PostView, status_code=201)
def publish_post(body: PublishRequest, request: Request, caller: Caller, state: State) -> PostView:
    return _posts(request, state).publish(caller, body)


@router.get("/api/posts/{post_id}", response_model=PostView)
def get_post(post_id: str, request: Request, reader: Reader, state: State) -> PostView:
    return _posts(request, state).get(reader, post_id)


@router.get("/p/{post_id}", response_model=PostView, tags=["share"])
def share_permalink(post_id: str, request: Request, reader: Reader, state: State) -> PostView:
    """The link people share. The web app will answer it with the post page; for now it is the post itself."""
    return _posts(request, state).get(reader, post_id)


@router.delete("/api/posts/{post_id}", response_model=PostDeleted)
def delete_post(post_id: str, request: Request, caller: Caller, state: State) -> PostDeleted:
    return _posts(request, state).delete(caller, post_id)


@router.get("/api/posts/{post_id}/remixes", response_model=PostList)
def list_remixes(
    post_id: str,
    *,
    request: Request,
    reader: Reader,
    state: State,
    before: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> PostList:
    return _posts(request, state).remixes(reader, post_id, before=before, limit=limit)


@router.post("/api/posts/{post_id}/remix", response_model=VideoObject, status_code=201)
async def remix_post(
    post_id: str, body: RemixRequest, request: Request, caller: Caller, state: State
) -> VideoObject:
    return await run_in_threadpool(_posts(request, state).remix, caller, post_id, body.prompt)


@router.get("/api/posts/{post_id}/video", response_model=None)
def post_video(
    post_id: str, request: Request, reader: Reader, state: State
) -> FileResponse | StreamingResponse:
    return _media(request, state, reader, post_id, "video")


@router.get("/api/posts/{post_id}/thumbnail", response_model=None)
def post_thumbnail(
    post_id: str, request: Request, reader: Reader, state: State
) -> FileResponse | StreamingResponse:
    return _media(request, state, reader, post_id, "thumbnail")


@router.post("/api/posts/{post_id}/like", response_model=LikeState)
def like_post(post_id: str, caller: Caller, state: State) -> LikeState:
    return EngagementService(state).like(caller, post_id)


@router.delete("/api/posts/{post_id}/like", response_model=LikeState)
def unlike_post(post_id: str, caller: Caller, state: State) -> LikeState:
    return EngagementService(state).unlike(caller, post_id)


@router.get("/api/posts/{post_id}/comments", response_model=CommentList)
def list_comments(
    post_id: str, reader: Reader, state: State, after: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> CommentList:
    return EngagementService(state).comments(reader, post_id, after=after, limit=limit)


@router.post("/api/posts/{post_id}/comments", response_model=CommentView, status_code=201)
def add_comment(post_id: str, body: CommentRequest, caller: Caller, state: State) -> CommentView:
    return EngagementService(state).comment(caller, post_id, body)


@router.delete("/api/comments/{comment_id}", response_model=CommentDeleted)
def delete_comment(comment_id: str, caller: Caller, state: State) -> CommentDeleted:
    return EngagementService(state).delete_comment(caller, comment_id)


@router.post("/api/reports", response_model=ReportView, status_code=201)
def report(body: ReportRequest, caller: Caller, state: State) -> ReportView:
    return ReportService(state).create(caller, body)


@router.get("/api/users/{handle}/posts", response_model=PostList)
@router.get("/api/profiles/{handle}/posts", response_model=PostList)
def list_user_posts(
    handle: str,
    *,
    request: Request,
    reader: Reader,
    state: State,
    before: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> PostList:
    return _posts(request, state).by_author(reader, handle, before=before, limit=limit)


def _media(
    request: Request, state: Runtime, reader: Principal | None, post_id: str, variant: MediaVariant
) -> FileResponse | StreamingResponse:
    key, media_type = _posts(request, state).media(reader, post_id, variant)
    path = state.blobs.local_path(key)
    if path is not None:
        return FileResponse(path, media_type=media_type)
    stream = state.blobs.open_read(key)
    return StreamingResponse(iter(lambda: stream.read(1 << 20), b""), media_type=media_type)
