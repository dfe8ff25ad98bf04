"""Loading and configuring a diffusers pipeline from a checkpoint with a backend's options.

This is the only heavy step: it imports torch and diffusers, reads the weights, moves them to the device, and
applies the options (attention backend, CPU offload, VAE tiling, torch.compile, a cache accelerator, and
context parallelism when this process is one rank of a multi-GPU group).
"""

from __future__ import annotations

import logging
from typing import Any

import torch

from mutoscope.backends.diffusers.spec import DiffusersOptions
from mutoscope.backends.diffusers.weights import Checkpoint
from mutoscope.errors import BackendError

logger = logging.getLogger(__name__)

DTYPES: dict[str, torch.dtype] = {
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
    "float32": torch.float32,
}


def load_pipeline(pipeline_class: Any, checkpoint: Checkpoint, options: DiffusersOptions, device: str) -> Any:
    """`pipeline_class.from_pretrained(checkpoint)` configured by `options` and placed on `device`."""
    try:
        pipe = pipeline_class.from_pretrained(
            checkpoint.source, dtype=DTYPES[options.dtype], local_files_only=checkpoint.local
        )
    except (OSError, ValueError) as exc:
        raise BackendError(
            f"could not load {pipeline_class.__name__} from {checkpoint.source}: {exc}"
        ) from exc
    return configure(pipe, options, device)


def configure(pipe: Any, options: DiffusersOptions, device: str) -> Any:
    """Apply the options to a built pipeline (also used by the benchmark on random-weight pipelines)."""
    pipe.set_progress_bar_config(disable=True)
    if options.attention != "native":
        pipe.transformer.set_attention_backend(options.attention)
    if options.vae_tiling:
        pipe.vae.enable_tiling()
    _place(pipe, options, device)
    _parallelize(pipe)
    if options.compile:
        # Regional compilation: the repeated transformer block compiles once and is reused, so the first
        # job pays seconds rather than minutes.
        pipe.transformer.compile_repeated_blocks(fullgraph=True)
    if options.cache == "cache-dit":
        _enable_cache_dit(pipe)
    return pipe


def _place(pipe: Any, options: DiffusersOptions, device: str) -> None:
    if options.offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif options.offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    else:
        pipe.to(device)


def _parallelize(pipe: Any) -> None:
    """Context parallelism (Ulysses) across the ranks of an initialised process group.

    A worker that owns several GPUs starts one process per GPU (torchrun) and every rank loads the backend;
    the transformer then splits each attention sequence across the ranks. Untested here: no multi-GPU machine.
    """
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return
    world = torch.distributed.get_world_size()
    if world < 2:
        return
    from diffusers import ContextParallelConfig

    logger.info("context parallelism over %d ranks (ulysses)", world)
    pipe.transformer.enable_parallelism(config=ContextParallelConfig(ulysses_degree=world))


def _enable_cache_dit(pipe: Any) -> None:
    try:
        import cache_dit
    except ImportError as exc:
        raise BackendError(
            "the cache-dit accelerator is not installed: pip install cache-dit, or use cache='none'",
            param="options",
        ) from exc
    cache_dit.enable_cache(pipe)
