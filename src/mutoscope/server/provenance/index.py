"""The fingerprint index: recording a finished video's provenance, and searching it by payload or fingerprint.

`index_video` runs in the outbox transaction that announces a finished video (`generations/events.py`), so a
completed video is indexed exactly once whichever process ran it; it reads the payload and fingerprints the
worker put in the job's result. `search` is multi-index hashing: one indexed lookup per chunk position finds
stored hashes sharing an exact 16-bit chunk with any query hash, their positions vote for a time offset per
video, and the few best-voted videos are verified by aligning their whole hash sequences with the query's
(`fingerprint.match_sequence`): a copy agrees all along, a look-alike in a few places only.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.jobs.models import Job
from mutoscope.provenance.codes import payload_hex, payload_of
from mutoscope.provenance.fingerprint import (
    AUDIO_ALONE_ALIGNED,
    AUDIO_ALONE_DISTANCE,
    MAX_AUDIO_DISTANCE,
    MAX_FRAME_DISTANCE,
    MAX_FRAME_ONLY_DISTANCE,
    MIN_ALIGNED,
    SequenceMatch,
    chunks,
    is_copy,
    match_sequence,
)
from mutoscope.provenance.stages import fingerprint_payload
from mutoscope.server.provenance.models import VideoFingerprint, VideoProvenance

logger = logging.getLogger(__name__)

# Query hashes used to find candidates (evenly spread), candidate rows read, and videos verified.
_PROBE_HASHES: Final = 96
_MAX_CANDIDATE_ROWS: Final = 20_000
_VERIFIED: Final = 8
_OFFSETS_PER_VIDEO: Final = 3
_CHUNK_COLUMNS: Final = ("chunk0", "chunk1", "chunk2", "chunk3")


@dataclass(frozen=True, slots=True)
class FingerprintMatch:
    video_id: str
    kind: str  # "frame" | "audio"
    match: SequenceMatch
    corroborated: bool = False  # the other kind of fingerprint agrees


def trace(
    session: Session,
    frame_hashes: Sequence[tuple[int, int]],
    audio_hashes: Sequence[Sequence[tuple[int, int]]],
) -> FingerprintMatch | None:
    """The video an upload was copied from, by its fingerprints, or None.

    With sound, the sound decides (it tells procedural look-alikes apart): alone when it is close over at
    least 2 s, else only if the frames line up with the same video at the same offset. Without sound (an
    image, a muted copy), or with sound that matches nothing indexed, frames decide, and must be very close:
    heavy audio compression can wreck a quiet clip's sound hashes while its frames survive, and frames this
    close never matched an unrelated clip in the benchmark (the `muted` figures).
    """
    if any(len(query) >= MIN_ALIGNED for query in audio_hashes):
        heard = search(session, "audio", audio_hashes, limit=MAX_AUDIO_DISTANCE)
        if heard is None:
            return _seen(session, frame_hashes)
        agrees = _frames_agree(session, heard, frame_hashes)
        confident = (
            heard.match.mean_distance <= AUDIO_ALONE_DISTANCE and heard.match.aligned >= AUDIO_ALONE_ALIGNED
        )
        if not (agrees or confident):
            return None
        return FingerprintMatch(heard.video_id, "audio", heard.match, corroborated=agrees)
    return _seen(session, frame_hashes)


def _seen(session: Session, frame_hashes: Sequence[tuple[int, int]]) -> FingerprintMatch | None:
    """The video that frames alone name: only a very close match counts (look-alike scenes share frames)."""
    if not frame_hashes:
        return None
    return search(session, "frame", [frame_hashes], limit=MAX_FRAME_ONLY_DISTANCE)


def index_video(session: Session, video_id: str) -> bool:
    """Record a completed video's payload and fingerprints (once); False when already indexed or not done."""
    if session.get(VideoProvenance, video_id) is not None:
        return False
    job = session.get(Job, video_id)
    if job is None or job.result is None:
        return False
    report = job.result.get("provenance") or {}
    # A savepoint: whatever goes wrong here must not roll back (and so block) the webhook outbox around it.
    try:
        with session.begin_nested():
            return index_report(session, video_id, report, generated_at=job.finished_at or utcnow())
    except SQLAlchemyError:
        logger.exception("could not index the fingerprints of %s", video_id)
        return False


def index_report(session: Session, video_id: str, report: dict[str, Any], *, generated_at: datetime) -> bool:
    """Record what a generation's provenance stages reported (`stage_reports`) for `video_id`."""
    try:
        frames, audio = fingerprint_payload(report)
        payload = str(report.get("payload") or payload_hex(payload_of(video_id)))
    except (TypeError, ValueError) as error:
        logger.warning(
            "video %s has malformed provenance in its job result (%s); not indexed", video_id, error
        )
        return False
    session.add(
        VideoProvenance(
            video_id=video_id,
            payload=payload,
            generated_at=generated_at,
            c2pa_signed=bool(report.get("c2pa_signed_at")),
            frame_hashes=len(frames),
            audio_hashes=len(audio),
        )
    )
    rows = [_row(video_id, "frame", position, variant, value) for position, variant, value in frames]
    rows += [_row(video_id, "audio", position, 0, value) for position, value in audio]
    if rows:
        session.execute(insert(VideoFingerprint), rows)
    return True


def forget_video(session: Session, video_id: str) -> None:
    """Drop a video's index rows (the foreign keys do this too where the database enforces them)."""
    session.execute(delete(VideoFingerprint).where(VideoFingerprint.video_id == video_id))
    session.execute(delete(VideoProvenance).where(VideoProvenance.video_id == video_id))


def _row(video_id: str, kind: str, position: int, variant: int, value: int) -> dict[str, object]:
    parts = chunks(value)
    return {
        "video_id": video_id,
        "kind": kind,
        "variant": variant,
        "position": position,
        "value": value,
        "chunk0": parts[0],
        "chunk1": parts[1],
        "chunk2": parts[2],
        "chunk3": parts[3],
    }


def _frames_agree(session: Session, heard: FingerprintMatch, frame_hashes: Sequence[tuple[int, int]]) -> bool:
    """Whether the upload's frames line up with the same video at the sound's time offset (positions of both
    kinds count quarter seconds from the start)."""
    if not frame_hashes:
        return False
    offsets = [heard.match.offset - 1, heard.match.offset, heard.match.offset + 1]
    for source in _sequences(session, heard.video_id, "frame"):
        found = match_sequence(frame_hashes, source, candidate_offsets=offsets)
        if found is not None and is_copy(found, query_length=len(frame_hashes), limit=MAX_FRAME_DISTANCE):
            return True
    return False


def videos_by_payload(session: Session, payloads: Sequence[str]) -> dict[str, tuple[str, datetime]]:
    """Payload hex → (video id, generated at) for the payloads that name an indexed video."""
    if not payloads:
        return {}
    rows = session.execute(
        select(VideoProvenance.payload, VideoProvenance.video_id, VideoProvenance.generated_at).where(
            VideoProvenance.payload.in_(list(payloads))
        )
    ).all()
    return {payload: (video_id, generated_at) for payload, video_id, generated_at in rows}


def generated_at(session: Session, video_id: str) -> datetime | None:
    found = session.get(VideoProvenance, video_id)
    return found.generated_at if found is not None else None


def search(
    session: Session, kind: str, queries: Sequence[Sequence[tuple[int, int]]], *, limit: float
) -> FingerprintMatch | None:
    """The indexed video that `queries` (one or more hash sequences of one upload) were copied from, if any.

    Several sequences are tried for audio (the same sound hashed at different sub-window offsets); the best
    verified alignment wins.
    """
    best: FingerprintMatch | None = None
    for query in queries:
        if not query:
            continue
        found = _search_one(session, kind, list(query), limit)
        if found is not None and (best is None or _better(found.match, best.match)):
            best = found
    return best


def _better(a: SequenceMatch, b: SequenceMatch) -> bool:
    return (a.mean_distance, -a.aligned) < (b.mean_distance, -b.aligned)


def _search_one(
    session: Session, kind: str, query: list[tuple[int, int]], limit: float
) -> FingerprintMatch | None:
    step = max(1, len(query) // _PROBE_HASHES)
    probes = query[::step]
    by_chunk: list[dict[int, list[int]]] = [defaultdict(list) for _ in _CHUNK_COLUMNS]
    for position, value in probes:
        for index, part in enumerate(chunks(value)):
            by_chunk[index][part].append(position)
    columns = [getattr(VideoFingerprint, name) for name in _CHUNK_COLUMNS]
    rows = session.execute(
        select(
            VideoFingerprint.video_id,
            VideoFingerprint.position,
            VideoFingerprint.chunk0,
            VideoFingerprint.chunk1,
            VideoFingerprint.chunk2,
            VideoFingerprint.chunk3,
        )
        .where(VideoFingerprint.kind == kind)
        .where(or_(*(column.in_(list(by_chunk[i])) for i, column in enumerate(columns))))
        .limit(_MAX_CANDIDATE_ROWS)
    ).all()
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    for video_id, position, *parts in rows:
        for index, part in enumerate(parts):
            for query_position in by_chunk[index].get(part, ()):
                votes[video_id][position - query_position] += 1
    ranked = sorted(votes.items(), key=lambda item: -max(item[1].values()))[:_VERIFIED]
    best: FingerprintMatch | None = None
    for video_id, offsets in ranked:
        candidates = [offset for offset, _ in offsets.most_common(_OFFSETS_PER_VIDEO)]
        widened = [o + d for o in candidates for d in (-1, 0, 1)]
        for source in _sequences(session, video_id, kind):
            found = match_sequence(query, source, candidate_offsets=widened)
            if found is None or not is_copy(found, query_length=len(query), limit=limit):
                continue
            if best is None or _better(found, best.match):
                best = FingerprintMatch(video_id, kind, found)
    return best


def _sequences(session: Session, video_id: str, kind: str) -> list[list[tuple[int, int]]]:
    """The video's stored hash sequences of `kind`, one per variant."""
    rows = session.execute(
        select(VideoFingerprint.variant, VideoFingerprint.position, VideoFingerprint.value)
        .where(VideoFingerprint.video_id == video_id, VideoFingerprint.kind == kind)
        .order_by(VideoFingerprint.variant, VideoFingerprint.position)
    ).all()
    variants: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for variant, position, value in rows:
        variants[variant].append((position, value))
    return list(variants.values())
