"""Subtitles for generated dialogue: WebVTT built from the dialogue a generation recorded.

A generation's `metadata.json` (stored next to its MP4) keeps `extra.dialogue`: one entry per spoken line with
its speaker, text and word timings. `webvtt()` turns that into cues the player shows in a `<track>`: a line that
is too long to read at once is split at word boundaries into cues of at most `MAX_CUE_CHARS`, each timed by its
own words, so captions follow the speech rather than showing a whole paragraph for its whole duration. A video
without dialogue gets a valid file with no cues.

`GET /api/videos/{id}/subtitles.vtt` serves them to whoever may watch the video: its owner, or anyone who can
see a post of it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select

from mutoscope.errors import NotFoundError
from mutoscope.jobs.models import Job
from mutoscope.jobs.states import JobState
from mutoscope.server.accounts.auth import Principal, optional_principal
from mutoscope.server.generations.models import Video
from mutoscope.server.posts.models import Post
from mutoscope.server.posts.visibility import can_see
from mutoscope.server.runtime import Runtime, runtime

logger = logging.getLogger(__name__)

router = APIRouter(tags=["web"])
MAX_CUE_CHARS = 42  # about one line of broadcast captions
MEDIA_TYPE = "text/vtt; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Cue:
    start_s: float
    end_s: float
    text: str
    speaker: str | None = None


def cues_from_dialogue(dialogue: Sequence[Mapping[str, Any]]) -> list[Cue]:
    """Cues for recorded dialogue lines (entries without usable timings are skipped, never guessed)."""
    cues: list[Cue] = []
    for line in dialogue:
        speaker = str(line["speaker"]) if line.get("speaker") else None
        words = [w for w in line.get("words") or () if _timed(w) and str(w.get("text", "")).strip()]
        if words:
            cues.extend(_split(words, speaker))
        elif _timed(line) and str(line.get("text", "")).strip():
            cues.append(Cue(float(line["start_s"]), float(line["end_s"]), str(line["text"]).strip(), speaker))
    return sorted(cues, key=lambda cue: (cue.start_s, cue.end_s))


def webvtt(cues: Iterable[Cue]) -> str:
    blocks = ["WEBVTT", ""]
    for number, cue in enumerate(cues, start=1):
        text = _escape(cue.text)
        if cue.speaker:
            text = f"<v {_escape(cue.speaker)}>{text}"
        blocks += [str(number), f"{_timestamp(cue.start_s)} --> {_timestamp(cue.end_s)}", text, ""]
    return "\n".join(blocks)


def _split(words: Sequence[Mapping[str, Any]], speaker: str | None) -> list[Cue]:
    cues: list[Cue] = []
    chunk: list[Mapping[str, Any]] = []
    for word in words:
        text = " ".join(str(w["text"]).strip() for w in [*chunk, word])
        if chunk and len(text) > MAX_CUE_CHARS:
            cues.append(_cue(chunk, speaker))
            chunk = []
        chunk.append(word)
    if chunk:
        cues.append(_cue(chunk, speaker))
    return cues


def _cue(words: Sequence[Mapping[str, Any]], speaker: str | None) -> Cue:
    text = " ".join(str(w["text"]).strip() for w in words)
    return Cue(float(words[0]["start_s"]), float(words[-1]["end_s"]), text, speaker)


def _timed(item: Mapping[str, Any]) -> bool:
    start, end = item.get("start_s"), item.get("end_s")
    return (
        isinstance(start, int | float)
        and isinstance(end, int | float)
        and not isinstance(start, bool)
        and 0 <= start < end
    )


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def _escape(text: str) -> str:
    # WebVTT cue text is markup: these three would start tags or entities. "-->" is also escaped by "&gt;".
    return " ".join(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())


# -- the route -------------------------------------------------------------------------------------------------


def dialogue_of(state: Runtime, viewer: Principal | None, video_id: str) -> list[dict[str, Any]]:
    """The recorded dialogue of a video `viewer` may watch (`NotFoundError` otherwise, as for a missing one)."""
    with state.db.session() as session:
        video = session.get(Video, video_id)
        job = session.get(Job, video_id)
        allowed = video is not None and (
            (viewer is not None and viewer.user_id == video.owner_id)
            or any(
                can_see(session, viewer, post)
                for post in session.scalars(select(Post).where(Post.video_id == video_id))
            )
        )
        if not allowed or job is None or job.state != JobState.completed:
            raise NotFoundError(f"No finished video found with id '{video_id}'.", param="video_id")
        key = (job.result or {}).get("blobs", {}).get("metadata")
    if not isinstance(key, str) or not state.blobs.exists(key):
        return []
    try:
        recorded = json.loads(state.blobs.read_bytes(key))
    except ValueError:
        logger.warning("metadata of %s is not valid JSON; serving no subtitles", video_id)
        return []
    dialogue = (recorded.get("extra") or {}).get("dialogue") if isinstance(recorded, dict) else None
    return [line for line in dialogue if isinstance(line, dict)] if isinstance(dialogue, list) else []


@router.get("/api/videos/{video_id}/subtitles.vtt", response_class=Response)
def subtitles(
    video_id: str,
    viewer: Annotated[Principal | None, Depends(optional_principal)],
    state: Annotated[Runtime, Depends(runtime)],
) -> Response:
    body = webvtt(cues_from_dialogue(dialogue_of(state, viewer, video_id)))
    return Response(body, media_type=MEDIA_TYPE, headers={"cache-control": "private, max-age=300"})
