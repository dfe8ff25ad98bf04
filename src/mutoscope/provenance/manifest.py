"""C2PA manifests: signing what mutoscope made, and reading a file's manifest back with its validation state.

Every exported MP4 gets a manifest (c2pa-python, no timestamp authority, so it works offline) with a
`c2pa.actions` assertion (`c2pa.created`, digital source type *trainedAlgorithmicMedia*; an edit, extension or
remix is also `c2pa.edited`) and mutoscope's own `org.mutoscope.generation` assertion: the video id, the
generator and its version, the backend and its version, when it was made, the prompt's SHA-256 (never the
prompt itself) and the parent video for remixes and extensions. Signing rewrites the file under a temporary
name and renames it over the original, so a reader never sees a half-signed file.

Reading answers `trusted` (valid, and the signer chains to a trust anchor mutoscope was given), `valid`
(intact and correctly signed by an unknown signer) or `invalid` (the file or the manifest was altered, or the
signature does not verify); a file without a manifest reads as None.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from mutoscope.errors import MissingDependencyError
from mutoscope.provenance.credentials import SigningCredentials

logger = logging.getLogger(__name__)

ASSERTION: Final = "org.mutoscope.generation"
_SOURCE_TYPE: Final = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
ValidationState = Literal["trusted", "valid", "invalid"]
# Media types C2PA can carry a manifest in, among those a provenance check accepts.
READABLE_TYPES: Final = {
    "video/mp4",
    "video/quicktime",
    "image/jpeg",
    "image/png",
    "image/webp",
    "audio/mp4",
    "audio/mpeg",
    "audio/wav",
}


@dataclass(frozen=True, slots=True)
class GenerationClaim:
    """What a manifest says about a generation."""

    video_id: str | None
    backend: str
    backend_version: str
    created_at: dt.datetime
    prompt: str
    mode: str = "create"
    parent_video_id: str | None = None

    @property
    def prompt_sha256(self) -> str:
        return hashlib.sha256(self.prompt.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ManifestReading:
    state: ValidationState
    video_id: str | None
    generated_at: dt.datetime | None
    issuer: str | None
    generation: dict[str, Any]  # mutoscope's assertion as read (empty for another tool's manifest)


def _c2pa() -> Any:
    try:
        import c2pa  # type: ignore[import-untyped]
    except ImportError as error:
        raise MissingDependencyError("c2pa-python", "server", "C2PA signing and reading") from error
    return c2pa


def manifest_definition(claim: GenerationClaim) -> dict[str, Any]:
    from mutoscope import __version__

    actions: list[dict[str, Any]] = [{"action": "c2pa.created", "digitalSourceType": _SOURCE_TYPE}]
    if claim.mode != "create":
        actions.append({"action": "c2pa.edited", "parameters": {"mutoscope.mode": claim.mode}})
    generation = {
        "video_id": claim.video_id,
        "generator": "mutoscope",
        "generator_version": __version__,
        "backend": claim.backend,
        "backend_version": claim.backend_version,
        "created_at": claim.created_at.astimezone(dt.UTC).isoformat(),
        "prompt_sha256": claim.prompt_sha256,
        "mode": claim.mode,
        "parent_video_id": claim.parent_video_id,
    }
    return {
        "claim_generator_info": [{"name": "mutoscope", "version": __version__}],
        "title": f"{claim.video_id or 'video'}.mp4",
        "format": "video/mp4",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": actions}},
            {"label": ASSERTION, "data": generation},
        ],
    }


def sign_mp4(path: Path, claim: GenerationClaim, credentials: SigningCredentials) -> None:
    """Sign the MP4 at `path` in place with a manifest describing `claim`."""
    c2pa = _c2pa()
    algorithm = getattr(c2pa.C2paSigningAlg, credentials.algorithm.upper())
    info = c2pa.C2paSignerInfo(algorithm, credentials.cert_chain_pem, credentials.private_key_pem, None)
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".c2pa", dir=path.parent)
    os.close(descriptor)
    temp = Path(temp_name)
    try:
        with (
            c2pa.Signer.from_info(info) as signer,
            c2pa.Builder(manifest_definition(claim)) as builder,
            path.open("rb") as source,
            temp.open("wb") as target,
        ):
            builder.sign(signer, "video/mp4", source, target)
        temp.chmod(path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def read_manifest(data: bytes, media_type: str, *, trust_anchors_pem: bytes = b"") -> ManifestReading | None:
    """The active manifest of a file (its bytes and media type), or None when it carries none."""
    c2pa = _c2pa()
    if media_type not in READABLE_TYPES:
        return None
    settings: dict[str, Any] = {"verify": {"verify_trust": bool(trust_anchors_pem)}}
    if trust_anchors_pem:
        settings["trust"] = {"trust_anchors": trust_anchors_pem.decode()}
    try:
        context = c2pa.Context(settings=c2pa.Settings.from_dict(settings))
        with c2pa.Reader(media_type, io.BytesIO(data), context=context) as reader:
            report = json.loads(reader.json())
            state = str(reader.get_validation_state() or "")
    except c2pa.C2paError as error:
        text = str(error)
        if "ManifestNotFound" in text or "JumbfNotFound" in text or "no JUMBF" in text.lower():
            return None
        # A manifest that cannot even be parsed was damaged: it is there, and it does not validate.
        logger.info("unreadable C2PA manifest: %s", text)
        return ManifestReading("invalid", None, None, None, {})
    return _reading(report, state)


def _reading(report: dict[str, Any], state: str) -> ManifestReading:
    active = report.get("manifests", {}).get(report.get("active_manifest") or "", {})
    generation: dict[str, Any] = {}
    for assertion in active.get("assertions", []):
        if assertion.get("label") == ASSERTION and isinstance(assertion.get("data"), dict):
            generation = assertion["data"]
    created: dt.datetime | None = None
    try:
        created = dt.datetime.fromisoformat(str(generation["created_at"]))
    except (KeyError, ValueError):
        created = None
    signature = active.get("signature_info", {}) or {}
    verdict: ValidationState
    lowered = state.lower()
    if lowered == "trusted":
        verdict = "trusted"
    elif lowered == "valid":
        verdict = "valid"
    else:
        verdict = "invalid"
    video_id = generation.get("video_id")
    return ManifestReading(
        state=verdict,
        video_id=video_id if isinstance(video_id, str) else None,
        generated_at=created,
        issuer=signature.get("issuer") or signature.get("common_name"),
        generation=generation,
    )
