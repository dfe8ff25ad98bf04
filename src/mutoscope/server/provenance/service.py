"""Provenance checks: what an uploaded file says about where it came from, by each of the three methods.

`check` inspects the upload (`mutoscope.provenance.inspection`: C2PA manifest, invisible marks in frames and
sound, fingerprints) and answers one result per method. A C2PA manifest is reported with its validation state
(a tampered file's is `invalid`); a watermark payload is detected when it names a video this deployment made
(frames first, then sound); a fingerprint match needs a verified alignment with an indexed video's hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from mutoscope.db import Database, utcnow
from mutoscope.ids import new_id
from mutoscope.provenance.codes import PayloadReading, payload_hex
from mutoscope.provenance.inspection import Inspection, MediaLimits, inspect_media
from mutoscope.provenance.stages import Provenance
from mutoscope.server.provenance import index
from mutoscope.server.provenance.schemas import ContentProvenanceCheck, ProvenanceResult


def check(db: Database, provenance: Provenance, data: bytes, limits: MediaLimits) -> ContentProvenanceCheck:
    """Run every method on an uploaded file."""
    anchors = provenance.credentials.trust_anchors_pem if provenance.credentials is not None else b""
    found = inspect_media(
        data,
        frame_mark=provenance.frame_mark,
        audio_mark=provenance.audio_mark,
        trust_anchors_pem=anchors,
        limits=limits,
    )
    with db.session() as session:
        watermark = _watermark(found, index.videos_by_payload(session, _payloads(found)))
        fingerprint = _fingerprint(index.trace(session, found.frame_hashes, found.audio_hashes))
        if fingerprint.video_id is not None:
            fingerprint.generated_at = _unix(index.generated_at(session, fingerprint.video_id))
        c2pa = _c2pa(found)
        if c2pa.video_id is not None and c2pa.generated_at is None:
            c2pa.generated_at = _unix(index.generated_at(session, c2pa.video_id))
    return ContentProvenanceCheck(
        id=new_id("provcheck"),
        created_at=int(utcnow().timestamp()),
        media_kind=found.kind,
        results=[c2pa, watermark, fingerprint],
    )


def _unix(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None


def _c2pa(found: Inspection) -> ProvenanceResult:
    manifest = found.manifest
    if manifest is None:
        return ProvenanceResult(type="c2pa", outcome="not_detected", validation_state="not_present")
    backend = manifest.generation.get("backend")
    return ProvenanceResult(
        type="c2pa",
        outcome="detected",
        video_id=manifest.video_id,
        score=1.0 if manifest.state in ("trusted", "valid") else 0.0,
        generated_at=_unix(manifest.generated_at),
        validation_state=manifest.state,
        issuer=manifest.issuer,
        model=backend if isinstance(backend, str) else None,
    )


def _payloads(found: Inspection) -> list[str]:
    return [payload_hex(r.payload) for r in (*found.frame_payloads, *found.audio_payloads)]


def _watermark(found: Inspection, known: dict[str, tuple[str, datetime]]) -> ProvenanceResult:
    readings: list[tuple[str, PayloadReading]] = [("frames", r) for r in found.frame_payloads]
    readings += [("audio", r) for r in found.audio_payloads]
    for source, reading in readings:
        hit = known.get(payload_hex(reading.payload))
        if hit is not None:
            video_id, made = hit
            return ProvenanceResult(
                type="watermark",
                outcome="detected",
                video_id=video_id,
                score=reading.score,
                generated_at=_unix(made),
                source="frames" if source == "frames" else "audio",
            )
    return ProvenanceResult(type="watermark", outcome="not_detected")


def _fingerprint(found: index.FingerprintMatch | None) -> ProvenanceResult:
    if found is None:
        return ProvenanceResult(type="fingerprint", outcome="not_detected")
    source: Literal["frames", "audio", "frames_and_audio"] = "frames" if found.kind == "frame" else "audio"
    if found.corroborated:
        source = "frames_and_audio"
    return ProvenanceResult(
        type="fingerprint",
        outcome="detected",
        video_id=found.video_id,
        score=found.match.score,
        source=source,
    )
