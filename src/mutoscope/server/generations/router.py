"""`/v1/videos`: the OpenAI Videos API routes. Thin: parse, call `VideoService`, shape the response."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.forms import read_body
from mutoscope.server.generations.schemas import VideoDeleted, VideoList, VideoObject
from mutoscope.server.generations.service import VideoService
from mutoscope.server.runtime import Runtime, runtime
from mutoscope.storage import PresignedDownloads

router = APIRouter(prefix="/v1/videos", tags=["videos"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]
_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        }
    }
}


def _polled(response: Response, state: Runtime, video: VideoObject) -> VideoObject:
    if video.status in ("queued", "in_progress"):
        response.headers["openai-poll-after-ms"] = str(state.settings.api.poll_after_ms)
    return video


async def _body(request: Request, state: Runtime) -> dict[str, Any]:
    return await read_body(request, max_upload_bytes=state.settings.engine.max_upload_bytes)


@router.post("", response_model=VideoObject, openapi_extra=_BODY_DOC)
async def create_video(request: Request, response: Response, caller: Caller, state: State) -> VideoObject:
    body = await _body(request, state)
    video = await run_in_threadpool(VideoService(state).create, caller, body)
    return _polled(response, state, video)


@router.get("", response_model=VideoList)
def list_videos(
    caller: Caller,
    state: State,
    after: str | None = None,
    limit: Annotated[int, Query()] = 20,
    order: str = "desc",
) -> VideoList:
    return VideoService(state).list_videos(caller, after=after, limit=limit, order=order)


@router.post("/edits", response_model=VideoObject, openapi_extra=_BODY_DOC)
async def edit_video(request: Request, response: Response, caller: Caller, state: State) -> VideoObject:
    body = await _body(request, state)
    return _polled(response, state, await run_in_threadpool(VideoService(state).edit, caller, body))


@router.post("/extensions", response_model=VideoObject, openapi_extra=_BODY_DOC)
async def extend_video(request: Request, response: Response, caller: Caller, state: State) -> VideoObject:
    body = await _body(request, state)
    return _polled(response, state, await run_in_threadpool(VideoService(state).extend, caller, body))


@router.get("/{video_id}", response_model=VideoObject)
def retrieve_video(video_id: str, response: Response, caller: Caller, state: State) -> VideoObject:
    return _polled(response, state, VideoService(state).get(caller, video_id))


@router.delete("/{video_id}", response_model=VideoDeleted)
def delete_video(video_id: str, caller: Caller, state: State) -> VideoDeleted:
    return VideoService(state).delete(caller, video_id)


@router.post("/{video_id}/remix", response_model=VideoObject, openapi_extra=_BODY_DOC)
async def remix_video(
    video_id: str, request: Request, response: Response, caller: Caller, state: State
) -> VideoObject:
    body = await _body(request, state)
    video = await run_in_threadpool(VideoService(state).remix, caller, video_id, body)
    return _polled(response, state, video)


@router.post("/{video_id}/cancel", response_model=VideoObject)
def cancel_video(video_id: str, response: Response, caller: Caller, state: State) -> VideoObject:
    """mutoscope extension: stop a queued or running generation."""
    return _polled(response, state, VideoService(state).cancel(caller, video_id))


@router.get(
    "/{video_id}/content",
    response_model=None,
    responses={302: {"description": "Redirect to a presigned storage URL (`storage.redirect_downloads`)."}},
)
def download_content(
    video_id: str, caller: Caller, state: State, variant: str = "video"
) -> FileResponse | StreamingResponse | RedirectResponse:
    key, media_type = VideoService(state).content(caller, video_id, variant)
    filename = f"{video_id}{_extension(media_type)}"
    storage = state.settings.storage
    if storage.redirect_downloads and isinstance(state.blobs, PresignedDownloads):
        # The client fetches the bytes from storage itself; the API only checked who may.
        url = state.blobs.presigned_url(
            key, storage.presign_expiry_s, filename=filename, media_type=media_type
        )
        return RedirectResponse(url, status_code=302)
    path = state.blobs.local_path(key)
    if path is not None:
        return FileResponse(path, media_type=media_type, filename=filename)
    return StreamingResponse(
        _chunks(state.blobs.open_read(key)),
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:  # closed when the response ends, so a remote store's connection goes back to its pool
        yield from iter(lambda: stream.read(1 << 20), b"")


def _extension(media_type: str) -> str:
    return {"video/mp4": ".mp4", "image/webp": ".webp", "image/jpeg": ".jpg"}.get(media_type, "")
