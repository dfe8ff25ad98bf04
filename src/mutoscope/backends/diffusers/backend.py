"""The warm `ltx2` and `wan` backend instances: a loaded diffusers pipeline asked for one clip at a time.

`load_ltx2` / `load_wan` are the specs' factories (called by a worker, once; the worker keeps the instance warm
between jobs). Each generation runs the pipeline on the smallest latent grid covering the request, reports
progress and honours cancellation between denoising steps, then crops and trims to exactly what was asked.
LTX-2 returns its own audio; Wan's clip gets mutoscope's sound stage (see `soundtrack`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from mutoscope.backends.diffusers.grid import Grid, covering_grid, crop_frames, fit_image, to_clip_audio
from mutoscope.backends.diffusers.pipelines import load_pipeline
from mutoscope.backends.diffusers.soundtrack import soundtrack
from mutoscope.backends.diffusers.spec import (
    LTX2_SPEC,
    WAN_SPEC,
    WAN_WEIGHTS,
    DiffusersOptions,
    LTX2Options,
    WanOptions,
)
from mutoscope.backends.diffusers.weights import resolve
from mutoscope.engine.backend import BackendSpec, RunContext
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.frames import as_frames
from mutoscope.engine.request import GenerationRequest

logger = logging.getLogger(__name__)

LTX2_DEFAULT_STEPS = 40
LTX2_DEFAULT_GUIDANCE = 4.0
# LTX-2's extra guidance terms switched off (`multimodal_guidance=False`): one conditional and, with
# guidance above 1, one unconditional pass per step.
PLAIN_GUIDANCE: dict[str, Any] = {
    "stg_scale": 0.0,
    "modality_scale": 1.0,
    "guidance_rescale": 0.0,
    "audio_stg_scale": 0.0,
    "audio_modality_scale": 1.0,
    "audio_guidance_rescale": 0.0,
    "spatio_temporal_guidance_blocks": None,
}
WAN_DEFAULT_STEPS = 50
WAN_DEFAULT_GUIDANCE = 5.0


class DiffusersBackend:
    """What both backends share: the pipeline, step/guidance choice, progress, cropping, metadata."""

    spec: BackendSpec
    default_steps: int
    default_guidance: float
    pipeline_multiple: int  # the pipeline's own check on width and height, whatever the VAE

    def __init__(self, pipe: Any, options: DiffusersOptions, device: str) -> None:
        self.pipe = pipe
        self.options = options
        self.device = device

    def close(self) -> None:
        """Release the weights (a worker calls this when it drops the warm backend)."""
        self.pipe = None
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def _grid(self, request: GenerationRequest, extra_frames: int = 0) -> Grid:
        spatial, temporal = _compression(self.pipe)
        return covering_grid(
            request.width,
            request.height,
            request.frame_count + extra_frames,
            multiple=math.lcm(spatial * _spatial_patch(self.pipe.transformer), self.pipeline_multiple),
            temporal=temporal,
        )

    def _run_kwargs(self, request: GenerationRequest, ctx: RunContext) -> dict[str, Any]:
        steps = request.num_inference_steps or self.options.steps or self.default_steps
        guidance = request.guidance_scale
        if guidance is None:
            guidance = self.options.guidance if self.options.guidance is not None else self.default_guidance

        def on_step_end(pipe: Any, step: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
            del pipe, timestep
            ctx.progress(step + 1, steps)
            ctx.check_cancelled()  # raises GenerationCancelledError out of the denoising loop
            return tensors

        return {
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt or None,
            "num_inference_steps": steps,
            "guidance_scale": guidance,
            "generator": torch.Generator(device="cpu").manual_seed(ctx.seed),
            "callback_on_step_end": on_step_end,
            "output_type": "np",
        }

    def _metadata(self, request: GenerationRequest, ctx: RunContext, grid: Grid) -> ClipMetadata:
        facts = {"grid": [grid.width, grid.height, grid.frames], "mode": request.mode}
        config = json.dumps({"options": self.options.model_dump(), **facts}, sort_keys=True)
        return ClipMetadata(
            backend=self.spec.name,
            backend_version=self.spec.version,
            seed=ctx.seed,
            options=self.options.model_dump(),
            config_hash=hashlib.sha256(config.encode()).hexdigest()[:16],
            extra=facts,
        )


class LTX2Backend(DiffusersBackend):
    """LTX-2: frames and audio from one generation; first frame, remix and extend through conditioning."""

    spec = LTX2_SPEC
    default_steps = LTX2_DEFAULT_STEPS
    default_guidance = LTX2_DEFAULT_GUIDANCE
    pipeline_multiple = 32

    def generate(self, request: GenerationRequest, ctx: RunContext) -> Clip:
        ctx.check_cancelled()
        # An extend is conditioned on the parent's last frame at index 0; that frame is dropped afterwards.
        skip = 1 if request.mode == "extend" and request.parent is not None else 0
        grid = self._grid(request, extra_frames=skip)
        kwargs = self._run_kwargs(request, ctx)
        if isinstance(self.options, LTX2Options) and not self.options.multimodal_guidance:
            kwargs |= PLAIN_GUIDANCE | {"audio_guidance_scale": kwargs["guidance_scale"]}
        condition = self._condition(request, grid)
        if condition is not None:
            kwargs["conditions"] = [condition]
        output = self.pipe(
            **kwargs,
            height=grid.height,
            width=grid.width,
            num_frames=grid.frames,
            frame_rate=float(request.fps),
        )
        frames = crop_frames(output.frames[0], request.width, request.height, skip, request.frame_count)
        audio = _audio_from(output.audio[0], skip, grid, request)
        rate = int(self.pipe.vocoder.config.output_sampling_rate)
        return Clip(
            frames=as_frames(frames),
            audio=to_clip_audio(audio, rate, request.frame_count, request.fps),
            fps=request.fps,
            metadata=self._metadata(request, ctx, grid),
        )

    def _condition(self, request: GenerationRequest, grid: Grid) -> Any:
        from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

        image: npt.NDArray[np.uint8] | None = None
        if request.parent is not None and request.mode == "extend":
            parent = request.parent.clip
            image = np.asarray(parent.frames.frame(parent.frame_count - 1))
        elif request.parent is not None and request.mode == "remix":
            # A remix keeps the parent's opening picture and lets the new prompt move it.
            image = np.asarray(request.parent.clip.frames.frame(0))
        elif request.first_frame is not None:
            image = request.first_frame
        if image is None:
            return None
        from PIL import Image

        return LTX2VideoCondition(frames=Image.fromarray(fit_image(image, grid.width, grid.height)), index=0)


def _audio_from(
    audio: Any, skip_frames: int, grid: Grid, request: GenerationRequest
) -> npt.NDArray[np.float64]:
    """The model's waveform `[C, N]` for the kept frames (after dropping `skip_frames` leading frames)."""
    waveform = audio.detach().float().cpu().numpy() if isinstance(audio, torch.Tensor) else np.asarray(audio)
    start = round(waveform.shape[-1] * skip_frames / grid.frames)
    return np.asarray(waveform[:, start:], dtype=np.float64)


class WanBackend(DiffusersBackend):
    """Wan 2.x: silent video from the model; ambience and dialogue from mutoscope's sound stage."""

    spec = WAN_SPEC
    default_steps = WAN_DEFAULT_STEPS
    default_guidance = WAN_DEFAULT_GUIDANCE
    pipeline_multiple = 16

    def generate(self, request: GenerationRequest, ctx: RunContext) -> Clip:
        ctx.check_cancelled()
        grid = self._grid(request)
        output = self.pipe(
            **self._run_kwargs(request, ctx), height=grid.height, width=grid.width, num_frames=grid.frames
        )
        frames = crop_frames(output.frames[0], request.width, request.height, 0, request.frame_count)
        ctx.check_cancelled()
        return Clip(
            frames=as_frames(frames),
            audio=soundtrack(request, ctx),
            fps=request.fps,
            metadata=self._metadata(request, ctx, grid),
        )


def _compression(pipe: Any) -> tuple[int, int]:
    """(spatial, temporal) VAE compression; the LTX-2 and Wan pipelines name these differently."""
    if hasattr(pipe, "vae_spatial_compression_ratio"):
        return int(pipe.vae_spatial_compression_ratio), int(pipe.vae_temporal_compression_ratio)
    return int(pipe.vae_scale_factor_spatial), int(pipe.vae_scale_factor_temporal)


def _spatial_patch(transformer: Any) -> int:
    patch = transformer.config.patch_size
    return int(patch[-1] if isinstance(patch, (list, tuple)) else patch)


def _weights_dir() -> Path | None:
    # Read only here, when a worker loads a backend: importing this package never reads settings.
    from mutoscope.settings import load_settings

    return load_settings().engine.weights_dir


def load_ltx2(options: LTX2Options, device: str) -> LTX2Backend:
    # Resolve first: a missing checkpoint is reported before diffusers is even imported.
    checkpoint = resolve("ltx-2", options.checkpoint, _weights_dir() if options.checkpoint is None else None)
    from diffusers import LTX2ConditionPipeline

    return LTX2Backend(load_pipeline(LTX2ConditionPipeline, checkpoint, options, device), options, device)


def load_wan(options: WanOptions, device: str) -> WanBackend:
    name = WAN_WEIGHTS[options.variant]
    checkpoint = resolve(name, options.checkpoint, _weights_dir() if options.checkpoint is None else None)
    from diffusers import WanPipeline

    return WanBackend(load_pipeline(WanPipeline, checkpoint, options, device), options, device)
