"""The `ltx2` and `wan` backends end to end on CPU, with tiny random-weight pipelines saved as checkpoints.

The checkpoints are built from configs in code (`components`) and saved with `save_pretrained`, so loading goes
through the same `from_pretrained` path a worker uses on real weights; nothing touches the hub.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from mutoscope.engine.backend import RunContext
from mutoscope.engine.generate import generate
from mutoscope.engine.registry import discover
from mutoscope.engine.request import GenerationRequest, ParentClip
from mutoscope.errors import GenerationCancelledError

# Each generation runs real (tiny) pipelines and, for Wan, the procedural sound stage: seconds each.
pytestmark = pytest.mark.slow

WIDTH = HEIGHT = 64
STEPS = 2


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from diffusers import LTX2ConditionPipeline, WanPipeline

    from mutoscope.backends.diffusers.components import tiny_ltx2, tiny_wan

    root = tmp_path_factory.mktemp("weights")
    LTX2ConditionPipeline(**tiny_ltx2()).save_pretrained(root / "ltx-2")
    WanPipeline(**tiny_wan()).save_pretrained(root / "wan")
    return {"ltx2": root / "ltx-2", "wan": root / "wan"}


def _options(checkpoint: Path, **extra: Any) -> dict[str, Any]:
    return {"checkpoint": str(checkpoint), "dtype": "float32", "guidance": 1.0, **extra}


def _request(checkpoint: Path, **fields: Any) -> GenerationRequest:
    base: dict[str, Any] = {
        "prompt": "a dog barks at a cat in a rainy street",
        "width": WIDTH,
        "height": HEIGHT,
        "duration_s": 0.5,
        "fps": 24,
        "seed": 7,
        "num_inference_steps": STEPS,
    }
    options = _options(checkpoint, **fields.pop("options", {}))
    return GenerationRequest(**(base | fields), options=options)


@pytest.fixture(scope="module")
def ltx2(checkpoints: dict[str, Path]) -> Any:
    backend = discover().get("ltx2").load(_options(checkpoints["ltx2"], multimodal_guidance=False))
    yield backend
    backend.close()


def _probe(path: Path) -> dict[str, Any]:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video)]
        container.seek(0)
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio)])
        return {
            "frames": np.stack(frames),
            "audio_rms": float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))),
            "audio_rate": audio.rate,
            "duration_s": float(container.duration) / av.time_base,
        }


@pytest.mark.parametrize("name", ["ltx2", "wan"])
def test_backend_makes_an_mp4_with_sound(name: str, checkpoints: dict[str, Path], tmp_path: Path) -> None:
    request = _request(checkpoints[name], options={"multimodal_guidance": False} if name == "ltx2" else {})
    out = tmp_path / f"{name}.mp4"
    result = generate(request, backend=name, output=out)

    probe = _probe(out)
    assert probe["frames"].shape == (12, HEIGHT, WIDTH, 3)
    assert probe["duration_s"] == pytest.approx(0.5, abs=0.05)
    assert probe["audio_rate"] == 48_000
    assert probe["audio_rms"] > 1e-4, "the soundtrack is silent"
    assert probe["frames"].std() > 1.0, "the picture is flat"
    assert result.clip.metadata.backend == name
    # 12 frames run on the smallest grid of k x compression + 1 frames covering them: the tiny LTX-2 VAE
    # compresses time 2x, the tiny Wan VAE 4x, so both run 13 frames and the clip keeps 12.
    assert result.clip.metadata.extra["grid"][2] == 13


def test_same_seed_same_clip_and_other_seed_differs(ltx2: Any, checkpoints: dict[str, Path]) -> None:
    request = _request(checkpoints["ltx2"])
    first = ltx2.generate(request, RunContext(seed=7))
    again = ltx2.generate(request, RunContext(seed=7))
    other = ltx2.generate(request, RunContext(seed=8))
    assert np.array_equal(first.frames.frame(5), again.frames.frame(5))
    assert np.array_equal(first.audio, again.audio)
    assert not np.array_equal(first.frames.frame(5), other.frames.frame(5))


def test_first_frame_conditioning_changes_the_clip(ltx2: Any, checkpoints: dict[str, Path]) -> None:
    plain = generate(_request(checkpoints["ltx2"]), backend="ltx2", instance=ltx2).clip
    image = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    image[..., 0] = 255
    conditioned = generate(
        _request(checkpoints["ltx2"], first_frame=image), backend="ltx2", instance=ltx2
    ).clip
    assert conditioned.frame_count == plain.frame_count
    assert not np.array_equal(conditioned.frames.frame(0), plain.frames.frame(0))


def test_extend_continues_the_parent(ltx2: Any, checkpoints: dict[str, Path], tmp_path: Path) -> None:
    parent = generate(_request(checkpoints["ltx2"]), backend="ltx2", instance=ltx2).clip
    request = _request(
        checkpoints["ltx2"], mode="extend", parent=ParentClip(parent), prompt="the dog runs off"
    )
    out = tmp_path / "extended.mp4"
    result = generate(request, backend="ltx2", instance=ltx2, output=out)
    assert result.clip.frame_count == 24
    assert np.array_equal(result.clip.frames.frame(0), parent.frames.frame(0))
    assert _probe(out)["duration_s"] == pytest.approx(1.0, abs=0.05)


def test_non_grid_size_is_cropped_exactly(ltx2: Any, checkpoints: dict[str, Path]) -> None:
    # 66 is no multiple of the LTX-2 pipeline's 32-pixel grid: it runs at 96x96 and is cropped.
    request = _request(checkpoints["ltx2"], width=96, height=66)
    clip = generate(request, backend="ltx2", instance=ltx2).clip
    assert clip.size == (96, 66)
    assert clip.frame_count == 12
    assert clip.audio.shape == (2, 24_000)


def test_cancellation_stops_between_steps(ltx2: Any, checkpoints: dict[str, Path]) -> None:
    steps: list[int] = []
    request = dataclasses.replace(_request(checkpoints["ltx2"]), num_inference_steps=4)
    with pytest.raises(GenerationCancelledError):
        generate(
            request,
            backend="ltx2",
            instance=ltx2,
            on_progress=lambda stage, done, total: steps.append(done),
            is_cancelled=lambda: bool(steps),
        )
    assert steps == [1], "the run went on after the first step was cancelled"
