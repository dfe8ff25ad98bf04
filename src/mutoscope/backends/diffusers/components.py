"""Pipeline components built from configs in code: tiny random-weight sets for CPU tests, real-size for benchmarks.

Nothing here touches the hub. The tiny sets keep every component's structure (a Gemma 3 text encoder and the
LTX-2 connectors, video VAE, audio VAE and vocoder; a UMT5 encoder and the Wan VAE and transformer) at a size
that runs a 64x64 clip in seconds on a CPU. The tokenizer is a word-level one built in memory.
"""

from __future__ import annotations

from typing import Any

import torch

TINY_VOCAB = 256


def tiny_tokenizer(pad: str = "<pad>", eos: str = "</s>") -> Any:
    """A word-level fast tokenizer with hashed-in-vocabulary words (no files, no downloads)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {pad: 0, eos: 1, "<unk>": 2, "<bos>": 3}
    vocab |= {f"w{i}": i for i in range(4, TINY_VOCAB)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token=pad, eos_token=eos, unk_token="<unk>", model_max_length=64
    )


def tiny_ltx2(seed: int = 0) -> dict[str, Any]:
    """Tiny random LTX-2 components (LTX2Pipeline / LTX2ConditionPipeline keyword arguments)."""
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    torch.manual_seed(seed)
    text_config = {
        "vocab_size": TINY_VOCAB,
        # The connectors' width (4 heads x 8) must equal the encoder's hidden size.
        "hidden_size": 32,
        "intermediate_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "head_dim": 8,
        "max_position_embeddings": 128,
        "sliding_window": 32,
    }
    vision_config = {
        "hidden_size": 16,
        "intermediate_size": 32,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "image_size": 28,
        "patch_size": 14,
    }
    text_encoder = Gemma3ForConditionalGeneration(
        Gemma3Config(text_config=text_config, vision_config=vision_config, mm_tokens_per_image=4)
    ).eval()
    hidden = text_config["hidden_size"]
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4,
        out_channels=4,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=2,
        attention_head_dim=8,
        cross_attention_dim=16,
        audio_in_channels=4,
        audio_out_channels=4,
        audio_num_attention_heads=2,
        audio_attention_head_dim=4,
        audio_cross_attention_dim=8,
        num_layers=2,
        qk_norm="rms_norm_across_heads",
        caption_channels=hidden,
        rope_double_precision=False,
        rope_type="split",
    )
    connectors = LTX2TextConnectors(
        caption_channels=hidden,
        text_proj_in_factor=text_config["num_hidden_layers"] + 1,
        video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8,
        video_connector_num_layers=1,
        video_connector_num_learnable_registers=None,
        audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8,
        audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None,
        connector_rope_base_seq_len=32,
        rope_theta=10000.0,
        rope_double_precision=False,
        causal_temporal_positioning=False,
        rope_type="split",
    )
    vae = AutoencoderKLLTX2Video(
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        block_out_channels=(8,),
        decoder_block_out_channels=(8,),
        layers_per_block=(1,),
        decoder_layers_per_block=(1, 1),
        spatio_temporal_scaling=(True,),
        decoder_spatio_temporal_scaling=(True,),
        decoder_inject_noise=(False, False),
        downsample_type=("spatial",),
        upsample_residual=(False,),
        upsample_factor=(1,),
        timestep_conditioning=False,
        # Patchifying by 4 makes the tiny VAE compress 8x in space (the real one compresses 32x), so a 64x64
        # clip has 64 latent pixels a frame and the attention stays small.
        patch_size=4,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4,
        output_channels=2,
        ch_mult=(1,),
        num_res_blocks=1,
        attn_resolutions=None,
        in_channels=2,
        resolution=32,
        latent_channels=2,
        norm_type="pixel",
        causality_axis="height",
        dropout=0.0,
        mid_block_add_attention=False,
        sample_rate=16000,
        mel_hop_length=160,
        is_causal=True,
        mel_bins=8,
    )
    vocoder = LTX2Vocoder(
        in_channels=2 * 8,
        hidden_channels=32,
        out_channels=2,
        upsample_kernel_sizes=[4, 4],
        upsample_factors=[2, 2],
        resnet_kernel_sizes=[3],
        resnet_dilations=[[1, 3, 5]],
        leaky_relu_negative_slope=0.1,
        output_sampling_rate=16000,
    )
    return {
        "transformer": transformer,
        "vae": vae,
        "audio_vae": audio_vae,
        "scheduler": FlowMatchEulerDiscreteScheduler(),
        "text_encoder": text_encoder,
        "tokenizer": tiny_tokenizer(),
        "connectors": connectors,
        "vocoder": vocoder,
    }


def tiny_wan(seed: int = 0) -> dict[str, Any]:
    """Tiny random Wan 2.1-style components (WanPipeline keyword arguments)."""
    torch.manual_seed(seed)
    return wan_components(
        encoder={
            "d_model": 32,
            "d_kv": 8,
            "d_ff": 64,
            "num_layers": 2,
            "num_heads": 4,
            "relative_attention_num_buckets": 8,
        },
        vae={"base_dim": 3, "z_dim": 16, "dim_mult": [1, 1, 1, 1], "num_res_blocks": 1},
        transformer={
            "num_attention_heads": 2,
            "attention_head_dim": 12,
            "in_channels": 16,
            "out_channels": 16,
            "text_dim": 32,
            "ffn_dim": 32,
            "num_layers": 2,
            "rope_max_seq_len": 32,
        },
        shift=7.0,
    )


def wan_components(
    *, encoder: dict[str, Any], vae: dict[str, Any], transformer: dict[str, Any], shift: float
) -> dict[str, Any]:
    """Random-weight Wan components (WanPipeline keyword arguments) at the given sizes, for tests and benchmarks.

    The sizes vary (tiny for CPU tests, the real model's for `benchmarks/gpu.py`); what every Wan shares, its
    patching, timestep embedding width, normalisation and a single transformer (no Wan 2.2 A14B second expert),
    is fixed here. Models are built in this order so a seed set before the call gives the same weights.
    """
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    text_encoder = UMT5EncoderModel(UMT5Config(vocab_size=TINY_VOCAB, **encoder)).eval()
    video_vae = AutoencoderKLWan(temperal_downsample=[False, True, True], **vae)
    denoiser = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        freq_dim=256,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        **transformer,
    )
    return {
        "transformer": denoiser,
        "vae": video_vae,
        "scheduler": FlowMatchEulerDiscreteScheduler(shift=shift),
        "text_encoder": text_encoder,
        "tokenizer": tiny_tokenizer(),
        "transformer_2": None,
    }
