"""Import-safe specs and options of the diffusers backends `ltx2` and `wan` (no torch or diffusers here).

The options are what users of these models expect to turn: dtype, attention backend, CPU offload and VAE tiling
for small GPUs, `torch.compile`, steps and guidance, and an optional cache accelerator. `checkpoint` names a
local folder or a hub id; left out, the backend looks in `MUTOSCOPE_WEIGHTS_DIR/<name>` when a worker loads it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mutoscope.engine.backend import BackendOptions, BackendSpec, Capabilities

Dtype = Literal["bfloat16", "float16", "float32"]
Offload = Literal["none", "model", "sequential"]
Attention = Literal["native", "flash", "_flash_3", "sage", "xformers", "_native_cudnn", "_native_flash"]


class DiffusersOptions(BackendOptions):
    """Options shared by every diffusers backend."""

    checkpoint: str | None = Field(
        default=None,
        description="A local folder or a hub id; default: MUTOSCOPE_WEIGHTS_DIR/<weights name>.",
        min_length=1,
    )
    dtype: Dtype = Field(default="bfloat16", description="Weights and activations dtype.")
    attention: Attention = Field(default="native", description="diffusers attention backend.")
    offload: Offload = Field(default="none", description="CPU offload for GPUs with little memory.")
    vae_tiling: bool = Field(default=False, description="Decode the video in tiles (less memory, slower).")
    compile: bool = Field(default=False, description="torch.compile the transformer (regional).")
    steps: int | None = Field(default=None, ge=1, le=200, description="Denoising steps (default: model's).")
    guidance: float | None = Field(default=None, ge=0.0, le=30.0, description="Classifier-free guidance.")
    cache: Literal["none", "cache-dit"] = Field(
        default="none", description="Step-cache accelerator; cache-dit must be installed."
    )


class LTX2Options(DiffusersOptions):
    multimodal_guidance: bool = Field(
        default=True,
        description="LTX-2's spatio-temporal and cross-modal guidance (more transformer passes per step); "
        "off: plain classifier-free guidance, faster.",
    )


WanVariant = Literal["ti2v-5b", "t2v-1.3b"]


class WanOptions(DiffusersOptions):
    variant: WanVariant = Field(default="ti2v-5b", description="Wan 2.2 TI2V-5B or Wan 2.1 T2V-1.3B.")


# Weights names (folders under MUTOSCOPE_WEIGHTS_DIR) and the hub repositories they come from.
WEIGHTS: dict[str, str] = {
    "ltx-2": "Lightricks/LTX-2",
    "wan2.2-ti2v-5b": "Wan-AI/Wan2.2-TI2V-5B-Diffusers",
    "wan2.1-t2v-1.3b": "Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
}
WAN_WEIGHTS: dict[str, str] = {"ti2v-5b": "wan2.2-ti2v-5b", "t2v-1.3b": "wan2.1-t2v-1.3b"}

LTX2_SPEC = BackendSpec(
    name="ltx2",
    summary="LTX-2 through diffusers: one generation makes frames and audio together; image-conditioned.",
    version="1",
    capabilities=Capabilities(
        audio="native",
        min_duration_s=0.5,
        max_duration_s=10.0,
        fps=(24, 25, 48, 50),
        max_side_px=1920,
        max_pixels=1920 * 1088,
        first_frame=True,
        modes=frozenset({"create", "remix", "extend"}),
        negative_prompt=True,
        devices=("cuda", "cpu"),
    ),
    options_model=LTX2Options,
    factory="mutoscope.backends.diffusers.backend:load_ltx2",
)

WAN_SPEC = BackendSpec(
    name="wan",
    summary="Wan 2.x through diffusers: silent video; the soundtrack comes from mutoscope's own sound stage.",
    version="1",
    capabilities=Capabilities(
        # Wan makes no sound: ambience and dialogue come from mutoscope's procedural sound stage.
        audio="synthesized",
        min_duration_s=0.5,
        max_duration_s=10.0,
        fps=(16, 24),
        max_side_px=1280,
        max_pixels=1280 * 720,
        first_frame=False,
        modes=frozenset({"create"}),
        negative_prompt=True,
        devices=("cuda", "cpu"),
    ),
    options_model=WanOptions,
    factory="mutoscope.backends.diffusers.backend:load_wan",
)
