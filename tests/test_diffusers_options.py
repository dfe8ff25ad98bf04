"""The diffusers backends without running a model: options, checkpoint errors, lazy imports, grid fitting."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mutoscope.backends.diffusers.grid import covering_grid, crop_frames, to_clip_audio
from mutoscope.backends.diffusers.spec import LTX2_SPEC, WAN_SPEC
from mutoscope.backends.diffusers.weights import pull, resolve
from mutoscope.engine.registry import discover
from mutoscope.errors import BackendError, BackendOptionsError, InvalidRequestError


def test_both_backends_are_discovered_with_honest_audio() -> None:
    registry = discover()
    assert registry.get("ltx2").capabilities.audio == "native"
    assert registry.get("wan").capabilities.audio == "synthesized"


def test_defaults_are_bf16_without_offload() -> None:
    options = LTX2_SPEC.validate_options({})
    assert options.model_dump()["dtype"] == "bfloat16"
    assert options.model_dump()["offload"] == "none"
    assert WAN_SPEC.validate_options({}).model_dump()["variant"] == "ti2v-5b"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"dtype": "int8"}, "dtype"),
        ({"steps": 0}, "steps"),
        ({"guidance": -1}, "guidance"),
        ({"offload": "disk"}, "offload"),
        ({"attention": "magic"}, "attention"),
        ({"cache": "teacache"}, "cache"),
        ({"variant": "t2v-14b"}, "variant"),
        ({"temperature": 1.0}, "temperature"),
    ],
)
def test_bad_options_are_refused_naming_the_field(options: dict[str, Any], field: str) -> None:
    with pytest.raises(BackendOptionsError, match=field):
        WAN_SPEC.validate_options(options)


def test_ltx2_refuses_wan_only_options() -> None:
    with pytest.raises(BackendOptionsError, match="variant"):
        LTX2_SPEC.validate_options({"variant": "ti2v-5b"})


def test_missing_weights_dir_says_how_to_get_the_weights() -> None:
    with pytest.raises(BackendError) as caught:
        resolve("wan2.1-t2v-1.3b", None, None)
    message = str(caught.value)
    assert "MUTOSCOPE_WEIGHTS_DIR is not set" in message
    assert "mutoscope weights pull wan2.1-t2v-1.3b" in message
    assert "Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in message


def test_empty_weights_dir_names_the_folder_and_the_pull_command(tmp_path: Path) -> None:
    with pytest.raises(BackendError) as caught:
        resolve("ltx-2", None, tmp_path)
    assert str(tmp_path / "ltx-2") in str(caught.value)
    assert "mutoscope weights pull ltx-2" in str(caught.value)


def test_missing_checkpoint_folder_is_an_error_not_a_hub_lookup(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="does not exist"):
        resolve("ltx-2", str(tmp_path / "nowhere"), None)
    assert not resolve("ltx-2", "Lightricks/LTX-2", None).local


def test_loading_the_backend_without_weights_fails_before_any_download(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=re.escape("mutoscope weights pull wan2.2-ti2v-5b")):
        WAN_SPEC.load({"checkpoint": str(tmp_path / "missing")})


def test_pull_refuses_unknown_names_and_reports_download_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidRequestError, match="known: ltx-2"):
        pull("sora-3", tmp_path)
    import huggingface_hub

    def offline(**kwargs: Any) -> None:
        raise ConnectionError("no route to huggingface.co")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", offline)
    with pytest.raises(BackendError, match="needs internet access"):
        pull("ltx-2", tmp_path)


def test_importing_the_backends_does_not_import_torch() -> None:
    code = (
        "import sys, json\n"
        "import mutoscope.backends.diffusers, mutoscope.backends.diffusers.spec, mutoscope.backends.diffusers.weights\n"
        "from mutoscope.engine.registry import discover\n"
        "discover().get('ltx2'); discover().get('wan')\n"
        "import mutoscope.cli.weights\n"
        "print(json.dumps(sorted(m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_covering_grid_rounds_up_to_the_model_grid() -> None:
    grid = covering_grid(1280, 720, 120, multiple=32, temporal=8)
    assert (grid.width, grid.height, grid.frames) == (1280, 736, 121)
    assert covering_grid(64, 64, 9, multiple=32, temporal=8).frames == 9
    assert covering_grid(64, 64, 10, multiple=32, temporal=4).frames == 13


def test_crop_frames_keeps_the_centre() -> None:
    video = np.zeros((5, 8, 10, 3))
    video[:, 2:6, 3:7] = 1.0
    frames = crop_frames(video, 4, 4, start=1, count=3)
    assert frames.shape == (3, 4, 4, 3)
    assert frames.dtype == np.uint8
    assert (frames == 255).all()


def test_audio_is_resampled_to_exactly_the_clip_length() -> None:
    seconds = np.arange(16_000) / 16_000
    tone = np.sin(2 * np.pi * 440 * seconds)[None, :]
    audio = to_clip_audio(tone, 16_000, frames=12, fps=24)
    assert audio.shape == (2, 24_000)
    assert audio.dtype == np.float32
    spectrum = np.abs(np.fft.rfft(audio[0]))
    assert np.argmax(spectrum) * 48_000 / audio.shape[1] == pytest.approx(440, abs=4)
    short = to_clip_audio(tone[:, :800], 16_000, frames=12, fps=24)
    assert short.shape == (2, 24_000)
    assert not short[:, 3_000:].any(), "audio past the model's end must be silence, not noise"


@pytest.mark.slow  # imports torch twice (here and in the script): seconds on a loaded machine
def test_gpu_benchmark_skips_cleanly_without_cuda() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is present: the benchmark would run for real")
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu.py"
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"case": "skipped", "reason": "no CUDA"}
