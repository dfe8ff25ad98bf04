"""`generate()`: the single path by which a clip is made.

Order, for every backend: check the request against the backend's capabilities and options → prompt screens
(before any compute) → run the backend → check the clip honours the request → stitch onto the parent for an
extend → output screens → clip marks → encode the MP4 (atomically) → file marks. A block at any screen raises
`ContentPolicyError` and nothing is written.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mutoscope.engine.backend import Backend, BackendSpec, RunContext
from mutoscope.engine.clip import Clip
from mutoscope.engine.media.encode import EncodeOptions, write_mp4
from mutoscope.engine.registry import BackendRegistry, discover
from mutoscope.engine.request import MAX_SEED, GenerationRequest
from mutoscope.engine.stages import Stages
from mutoscope.engine.stitch import concatenate
from mutoscope.errors import (
    BackendError,
    ContentPolicyError,
    GenerationCancelledError,
    InvalidRequestError,
)
from mutoscope.safety import Verdict

logger = logging.getLogger(__name__)

# Called as on_progress(stage, done, total); stages are "backend" and "encode".
StageProgress = Callable[[str, int, int], None]
MAX_EXTENDED_DURATION_S = 120.0


@dataclass(frozen=True, slots=True, eq=False)
class GenerationResult:
    clip: Clip
    request: GenerationRequest  # as run: the seed is always filled in
    backend: str
    video_path: Path | None
    verdicts: tuple[Verdict, ...] = ()
    timings_s: dict[str, float] = field(default_factory=dict)


def _ignore(stage: str, done: int, total: int) -> None:
    del stage, done, total


def _never() -> bool:
    return False


def generate(
    request: GenerationRequest,
    *,
    backend: str,
    registry: BackendRegistry | None = None,
    instance: Backend | None = None,
    stages: Stages | None = None,
    output: Path | None = None,
    device: str = "cpu",
    encode_options: EncodeOptions | None = None,
    on_progress: StageProgress = _ignore,
    is_cancelled: Callable[[], bool] = _never,
) -> GenerationResult:
    """Make one clip with backend `backend` (and write it to `output` as MP4, if given).

    Pass `instance` to reuse a warm backend; otherwise one is loaded for this call and closed after it.
    """
    spec = (registry or discover()).get(backend)
    options = spec.validate_options(request.options)
    spec.capabilities.check(request)
    _check_extension(request)
    if request.seed is None:
        request = dataclasses.replace(request, seed=secrets.randbelow(MAX_SEED))
    assert request.seed is not None
    stages = stages or Stages()
    timings: dict[str, float] = {}
    verdicts = list(_screen(s.name, s.screen_request(request)) for s in stages.prompt_screens)

    ctx = RunContext(
        seed=request.seed,
        device=device,
        on_progress=lambda done, total: on_progress("backend", done, total),
        is_cancelled=is_cancelled,
    )
    clip = _run_backend(
        spec=spec, instance=instance, options=options, request=request, ctx=ctx, timings=timings
    )
    if request.mode == "extend" and request.parent is not None:
        clip = concatenate([request.parent.clip, clip], metadata=clip.metadata)
    started = time.perf_counter()
    verdicts += [_screen(s.name, s.screen_clip(clip, request)) for s in stages.output_screens]
    for mark in stages.clip_marks:
        clip = mark.mark_clip(clip, request)
    timings["screen_and_mark"] = time.perf_counter() - started
    ctx.check_cancelled()

    if output is not None:
        started = time.perf_counter()
        write_mp4(
            clip,
            output,
            options=encode_options,
            on_frame=lambda done, total: on_progress("encode", done, total),
            is_cancelled=is_cancelled,
        )
        for file_mark in stages.file_marks:
            file_mark.mark_file(output, clip, request)
        timings["encode"] = time.perf_counter() - started
    return GenerationResult(clip, request, spec.name, output, tuple(verdicts), timings)


def _check_extension(request: GenerationRequest) -> None:
    if request.mode == "extend" and request.parent is not None:
        total = request.parent.clip.duration_s + request.duration_s
        if total > MAX_EXTENDED_DURATION_S:
            raise InvalidRequestError(
                f"extending a {request.parent.clip.duration_s:g} s video by {request.duration_s:g} s "
                f"would make {total:g} s; the limit is {MAX_EXTENDED_DURATION_S:g} s",
                param="seconds",
            )
        if request.parent.clip.size != request.size or request.parent.clip.fps != request.fps:
            raise InvalidRequestError("an extension must have the parent's size and frame rate", param="size")


def _screen(name: str, verdict: Verdict) -> Verdict:
    if verdict.blocks:
        logger.info("screen %s blocked: %s (%s)", name, verdict.policy, "; ".join(verdict.reasons))
        raise ContentPolicyError(
            f"This request was blocked by the {verdict.policy or name} policy"
            + (f": {'; '.join(verdict.reasons)}" if verdict.reasons else "."),
            policy=verdict.policy or name,
            reasons=verdict.reasons,
        )
    return verdict


def _run_backend(
    *,
    spec: BackendSpec,
    instance: Backend | None,
    options: object,
    request: GenerationRequest,
    ctx: RunContext,
    timings: dict[str, float],
) -> Clip:
    ctx.check_cancelled()
    started = time.perf_counter()
    owned = instance is None
    backend = instance if instance is not None else spec.load(options, ctx.device)  # type: ignore[arg-type]
    timings["load"] = time.perf_counter() - started
    try:
        started = time.perf_counter()
        clip = backend.generate(request, ctx)
        timings["backend"] = time.perf_counter() - started
    finally:
        if owned:
            backend.close()
    _check_clip(spec.name, clip, request)
    return clip


def _check_clip(name: str, clip: Clip, request: GenerationRequest) -> None:
    """A backend must return exactly what was asked: anything else is its bug, not the user's."""
    problems = []
    if clip.size != request.size:
        problems.append(f"size {clip.width}x{clip.height}, asked {request.width}x{request.height}")
    if clip.fps != request.fps:
        problems.append(f"fps {clip.fps}, asked {request.fps}")
    if clip.frame_count != request.frame_count:
        problems.append(f"{clip.frame_count} frames, asked {request.frame_count}")
    if problems:
        raise BackendError(f"backend {name!r} broke its contract: {'; '.join(problems)}")


__all__ = ["GenerationCancelledError", "GenerationResult", "StageProgress", "generate"]
