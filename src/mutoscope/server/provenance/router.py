"""`POST /v1/content_provenance_checks`: upload a video, image or sound file (multipart `file`), learn whether
mutoscope made it. Thin: parse the form, run `service.check` off the event loop, return its result."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool

from mutoscope.errors import InvalidRequestError
from mutoscope.provenance.inspection import MediaLimits
from mutoscope.provenance.stages import Provenance
from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.forms import Upload, read_body
from mutoscope.server.provenance import service
from mutoscope.server.provenance.schemas import ContentProvenanceCheck
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/v1", tags=["provenance"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]
_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            }
        }
    }
}


def deployment_provenance(app: FastAPI) -> Provenance:
    """The app's provenance setup (watermark key, C2PA credentials and trust anchors), built on first use
    from its runtime's settings: the first start creates the key and credentials in the data folder."""
    found = getattr(app.state, "provenance", None)
    if not isinstance(found, Provenance):
        found = Provenance.from_settings(app.state.runtime.settings)
        app.state.provenance = found
    return found


@router.post("/content_provenance_checks", response_model=ContentProvenanceCheck, openapi_extra=_BODY_DOC)
async def create_content_provenance_check(
    request: Request, caller: Caller, state: State
) -> ContentProvenanceCheck:
    del caller  # any signed-in caller may check a file
    engine = state.settings.engine
    body = await read_body(request, max_upload_bytes=engine.max_upload_bytes)
    upload = body.get("file")
    if not isinstance(upload, Upload):
        raise InvalidRequestError(
            "Missing required parameter: 'file' (the video, image or sound to check, sent as multipart).",
            param="file",
            code="missing_required_parameter",
        )
    limits = MediaLimits(
        max_bytes=engine.max_upload_bytes,
        max_duration_s=engine.max_upload_duration_s,
        max_pixels=engine.max_upload_pixels,
    )
    provenance = deployment_provenance(request.app)
    return await run_in_threadpool(service.check, state.db, provenance, upload.data, limits)
