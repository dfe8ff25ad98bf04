"""Seconds per denoising step of the diffusers backends vs the stock diffusers pipelines, with random weights.

    .venv/bin/python benchmarks/gpu.py             # on a CUDA machine: 1280x720, LTX-2 121 frames, Wan 81
    .venv/bin/python benchmarks/gpu.py --tiny      # the same code path on CPU with tiny components (a check)

The transformers are built at the real models' sizes with random weights (no download). Each case prints one
JSON line: seconds per step for the stock pipeline (default settings, `pipe.to("cuda")`) and for mutoscope's
backend (its options: regional torch.compile, the best attention backend installed, VAE tiling) in the same run,
the speed-up, model FLOPs per step (counted with torch's FlopCounterMode over one step), model FLOP utilisation
(FLOPs per step ÷ seconds per step ÷ the GPU's dense bf16 peak) and peak GPU memory. Without CUDA (and without
--tiny) it prints `{"case": "skipped", "reason": "no CUDA"}` and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Any

# Dense bf16 tensor-core peaks (no sparsity), FLOP/s, by a substring of torch.cuda.get_device_name().
DENSE_BF16_PEAK = {
    "H200": 989e12,
    "H100 SXM": 989e12,
    "H100 80GB HBM3": 989e12,
    "H100 PCIe": 756e12,
    "H100": 756e12,
    "A100": 312e12,
    "L40S": 362e12,
    "RTX 4090": 165e12,
}
WARMUP_STEPS = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny components at 64x64 (runs on CPU)")
    parser.add_argument("--steps", type=int, default=6, help="denoising steps per run (first 2 are warm-up)")
    parser.add_argument("--case", choices=["ltx2", "wan", "all"], default="all")
    args = parser.parse_args()
    import torch

    if not args.tiny and not torch.cuda.is_available():
        print(json.dumps({"case": "skipped", "reason": "no CUDA"}))
        return
    device = "cuda" if torch.cuda.is_available() else "cpu"
    cases = ["ltx2", "wan"] if args.case == "all" else [args.case]
    for case in cases:
        print(json.dumps(run_case(case, tiny=args.tiny, steps=args.steps, device=device)), flush=True)
        gc.collect()
        if device == "cuda":
            torch.cuda.empty_cache()


def run_case(case: str, *, tiny: bool, steps: int, device: str) -> dict[str, Any]:
    import torch

    dtype = torch.float32 if tiny else torch.bfloat16
    width, height, frames = (64, 64, 9) if tiny else ((1280, 720, 121) if case == "ltx2" else (1280, 720, 81))
    fps = 24
    components = build_components(case, tiny=tiny, device=device, dtype=dtype)
    pipe_class = _pipeline_class(case)
    result: dict[str, Any] = {
        "case": case,
        "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
        "size": f"{width}x{height}",
        "frames": frames,
        "steps_timed": steps - WARMUP_STEPS,
        "transformer_params_b": round(
            sum(p.numel() for p in components["transformer"].parameters()) / 1e9, 3
        ),
    }

    stock = pipe_class(**components, **_pipeline_config(case, tiny)).to(device)
    stock.set_progress_bar_config(disable=True)
    call = {"prompt": "a lighthouse in a storm, waves crashing", "height": height, "width": width}
    call |= {"num_frames": frames, "output_type": "latent"}
    if case == "ltx2":
        call["frame_rate"] = float(fps)
    result["flops_per_step"] = _flops_per_step(stock, call)
    _reset_peak(device)
    result["stock_s_per_step"] = _time_stock(stock, call, steps, device)
    result["stock_peak_gib"] = _peak_gib(device)
    del stock
    gc.collect()

    _reset_peak(device)
    result["mutoscope_s_per_step"] = _time_backend(
        case,
        components=components,
        width=width,
        height=height,
        frames=frames,
        fps=fps,
        steps=steps,
        device=device,
        tiny=tiny,
    )
    result["mutoscope_peak_gib"] = _peak_gib(device)
    result["speedup"] = round(result["stock_s_per_step"] / result["mutoscope_s_per_step"], 3)
    peak = _peak_flops(device)
    for side in ("stock", "mutoscope"):
        mfu = result["flops_per_step"] / result[f"{side}_s_per_step"] / peak if peak else None
        result[f"{side}_mfu"] = round(mfu, 4) if mfu is not None else None
    return result


def build_components(case: str, *, tiny: bool, device: str, dtype: Any) -> dict[str, Any]:
    """Random-weight components: tiny ones, or the real transformer/VAE sizes with a small text encoder."""
    import torch

    from mutoscope.backends.diffusers import components as tiny_components

    if tiny:
        built = tiny_components.tiny_ltx2() if case == "ltx2" else tiny_components.tiny_wan()
        return {k: v.to(dtype) if isinstance(v, torch.nn.Module) else v for k, v in built.items()}
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            return _real_ltx2() if case == "ltx2" else _real_wan()
    finally:
        torch.set_default_dtype(previous)


def _real_ltx2() -> dict[str, Any]:
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    from mutoscope.backends.diffusers.components import TINY_VOCAB, tiny_tokenizer

    # The text encoder is outside the denoising loop: a 2-layer Gemma 3 at the real width (3840) stands in for
    # the 12B one so the connectors see real-size inputs.
    text = {"vocab_size": TINY_VOCAB, "hidden_size": 3840, "intermediate_size": 1024, "num_hidden_layers": 2}
    text |= {"num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 256}
    vision = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2}
    encoder = Gemma3ForConditionalGeneration(Gemma3Config(text_config=text, vision_config=vision)).eval()
    return {
        "transformer": LTX2VideoTransformer3DModel(),  # the defaults are LTX-2's 19B configuration
        "vae": AutoencoderKLLTX2Video(),
        "audio_vae": AutoencoderKLLTX2Audio(),
        "scheduler": FlowMatchEulerDiscreteScheduler(),
        "text_encoder": encoder,
        "tokenizer": tiny_tokenizer(),
        "connectors": LTX2TextConnectors(text_proj_in_factor=text["num_hidden_layers"] + 1),
        "vocoder": LTX2Vocoder(),
    }


def _real_wan() -> dict[str, Any]:
    """Wan 2.2 TI2V-5B: its transformer and VAE configurations, a 1-layer UMT5 at the real width (4096)."""
    from mutoscope.backends.diffusers.components import wan_components

    return wan_components(
        encoder={"d_model": 4096, "d_kv": 64, "d_ff": 1024, "num_layers": 1, "num_heads": 64},
        vae={
            "base_dim": 160,
            "decoder_base_dim": 256,
            "z_dim": 48,
            "dim_mult": [1, 2, 4, 4],
            "num_res_blocks": 2,
            "attn_scales": [],
            "in_channels": 12,
            "out_channels": 12,
            "patch_size": 2,
            "is_residual": True,
            "scale_factor_spatial": 16,
            "scale_factor_temporal": 4,
            "latents_mean": [0.0] * 48,
            "latents_std": [1.0] * 48,
        },
        transformer={
            "num_attention_heads": 24,
            "attention_head_dim": 128,
            "in_channels": 48,
            "out_channels": 48,
            "text_dim": 4096,
            "ffn_dim": 14336,
            "num_layers": 30,
            "rope_max_seq_len": 1024,
        },
        shift=5.0,
    )


def _pipeline_class(case: str) -> Any:
    from diffusers import LTX2ConditionPipeline, WanPipeline

    return LTX2ConditionPipeline if case == "ltx2" else WanPipeline


def _pipeline_config(case: str, tiny: bool) -> dict[str, Any]:
    # Wan 2.2 TI2V-5B runs with per-token timesteps (its model_index sets expand_timesteps).
    return {"expand_timesteps": True} if case == "wan" and not tiny else {}


def _step_timer(device: str) -> tuple[list[float], Callable[[], None]]:
    import torch

    stamps: list[float] = []

    def stamp() -> None:
        if device == "cuda":
            torch.cuda.synchronize()
        stamps.append(time.perf_counter())

    return stamps, stamp


def _seconds_per_step(stamps: list[float]) -> float:
    timed = stamps[WARMUP_STEPS:]
    return round((timed[-1] - timed[0]) / max(len(timed) - 1, 1), 4)


def _time_stock(pipe: Any, call: dict[str, Any], steps: int, device: str) -> float:
    stamps, stamp = _step_timer(device)

    def on_step_end(pipe: Any, step: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        stamp()
        return tensors

    stamp()
    pipe(**call, num_inference_steps=steps, callback_on_step_end=on_step_end)
    return _seconds_per_step(stamps)


def _time_backend(
    case: str,
    *,
    components: dict[str, Any],
    width: int,
    height: int,
    frames: int,
    fps: int,
    steps: int,
    device: str,
    tiny: bool,
) -> float:
    """Run mutoscope's backend instance (its options applied by `configure`) and time its denoising steps."""
    from mutoscope.backends.diffusers.backend import LTX2Backend, WanBackend
    from mutoscope.backends.diffusers.pipelines import configure
    from mutoscope.backends.diffusers.spec import LTX2_SPEC, WAN_SPEC
    from mutoscope.engine.backend import RunContext
    from mutoscope.engine.request import GenerationRequest

    spec, backend_class = (LTX2_SPEC, LTX2Backend) if case == "ltx2" else (WAN_SPEC, WanBackend)
    options = spec.validate_options(
        {
            "dtype": "float32" if tiny else "bfloat16",
            "attention": "native" if tiny else _best_attention(),
            "compile": not tiny,
            "vae_tiling": not tiny,
        }
    )
    pipe = configure(_pipeline_class(case)(**components, **_pipeline_config(case, tiny)), options, device)
    backend = backend_class(pipe, options, device)
    stamps, stamp = _step_timer(device)
    request = GenerationRequest(
        prompt="a lighthouse in a storm, waves crashing",
        width=width,
        height=height,
        duration_s=(frames - 1) / fps,
        fps=fps,
        seed=1,
        num_inference_steps=steps,
    )
    stamp()
    backend.generate(request, RunContext(seed=1, device=device, on_progress=lambda done, total: stamp()))
    return _seconds_per_step(stamps)


def _best_attention() -> str:
    """FlashAttention 3 where it is installed (Hopper), else FlashAttention 2, else PyTorch's SDPA."""
    import importlib.util

    if importlib.util.find_spec("flash_attn_interface") is not None:
        return "_flash_3"
    if importlib.util.find_spec("flash_attn") is not None:
        return "flash"
    return "native"


def _flops_per_step(pipe: Any, call: dict[str, Any]) -> int:
    """Matmul and attention FLOPs of one full denoising step (every guidance pass), counted by torch."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        pipe(**call, num_inference_steps=1)
    return int(counter.get_total_flops())


def _peak_flops(device: str) -> float | None:
    import torch

    if device != "cuda":
        return None
    name = torch.cuda.get_device_name()
    return next((peak for key, peak in DENSE_BF16_PEAK.items() if key in name), None)


def _reset_peak(device: str) -> None:
    import torch

    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()


def _peak_gib(device: str) -> float | None:
    import torch

    return round(torch.cuda.max_memory_allocated() / 2**30, 2) if device == "cuda" else None


if __name__ == "__main__":
    sys.exit(main())
