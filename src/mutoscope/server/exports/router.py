"""`/api/me/export`: describe and download the caller's export (a zip streamed as it is built)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.exports.service import ExportService
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/api/me", tags=["export"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]


class ExportDescription(BaseModel):
    object: Literal["export"] = "export"
    download_url: str
    filename: str
    video_count: int
    file_count: int
    media_bytes: int


@router.post("/export", response_model=ExportDescription)
def describe_export(request: Request, caller: Caller, state: State) -> ExportDescription:
    """What the export holds and where to download it (the zip is built while it downloads; nothing waits)."""
    plan = ExportService(state).plan(caller)
    return ExportDescription(
        download_url=str(request.url_for("download_export")),
        filename=plan.filename,
        video_count=len(plan.metadata["videos"]),
        file_count=len(plan.files) + 1,
        media_bytes=plan.media_bytes,
    )


@router.get("/export.zip", response_class=StreamingResponse, name="download_export")
def download_export(caller: Caller, state: State) -> StreamingResponse:
    service = ExportService(state)
    plan = service.plan(caller)
    return StreamingResponse(
        service.stream(plan),
        media_type="application/zip",
        headers={
            "content-disposition": f'attachment; filename="{plan.filename}"',
            "cache-control": "no-store",
        },
    )
