"""`/api/feed`: the For-you and Following tabs, and view reporting. Every route needs a signed-in caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.feed.schemas import DEFAULT_PAGE, FeedPage, ViewRecorded, ViewRequest
from mutoscope.server.feed.service import FeedService
from mutoscope.server.posts.views import Links
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/api/feed", tags=["feed"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]
Limit = Annotated[int, Query(description="Posts per page, 1–50.")]
Cursor = Annotated[str | None, Query(description="The previous page's next_cursor, unchanged.")]


def _feed(request: Request, state: Runtime) -> FeedService:
    return FeedService(state, Links(str(request.base_url).rstrip("/")))


@router.get("/for-you", response_model=FeedPage)
def for_you(
    request: Request,
    caller: Caller,
    state: State,
    *,
    steer: Annotated[str | None, Query(description="What you want now, in plain words.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE,
) -> FeedPage:
    return _feed(request, state).for_you(caller, steer=steer, cursor=cursor, limit=limit)


@router.get("/following", response_model=FeedPage)
def following(
    request: Request, caller: Caller, state: State, cursor: Cursor = None, limit: Limit = DEFAULT_PAGE
) -> FeedPage:
    return _feed(request, state).following(caller, cursor=cursor, limit=limit)


@router.post("/views", response_model=ViewRecorded, status_code=201)
def record_view(body: ViewRequest, request: Request, caller: Caller, state: State) -> ViewRecorded:
    return _feed(request, state).record_view(caller, body)
