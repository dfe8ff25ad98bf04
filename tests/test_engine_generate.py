"""`generate()` is the one path: capability checks, screens, marks and encoding, for every backend."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from mutoscope.engine import Clip, GenerationRequest, ParentClip, RunContext, Stages, generate
from mutoscope.engine.frames import ArrayFrames
from mutoscope.errors import (
    BackendError,
    ContentPolicyError,
    GenerationCancelledError,
    UnsupportedCapabilityError,
)
from mutoscope.safety import Verdict

SIZE = {"width": 160, "height": 96}


def request(**overrides: object) -> GenerationRequest:
    fields: dict[str, object] = {"prompt": "bars", "duration_s": 1.0, "seed": 7, **SIZE}
    fields.update(overrides)
    return GenerationRequest(**fields)  # type: ignore[arg-type]


def decoded_frames(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


class CountingBackend:
    """Wraps testcard and counts calls, so tests can prove a screen stopped compute."""

    def __init__(self) -> None:
        from mutoscope.engine import discover

        self.inner = discover().get("testcard").load()
        self.calls = 0

    def generate(self, req: GenerationRequest, ctx: RunContext) -> Clip:
        self.calls += 1
        return self.inner.generate(req, ctx)

    def close(self) -> None:
        self.inner.close()


@dataclasses.dataclass
class Screen:
    name: str
    action: str = "allow"
    seen: int = 0

    def screen_request(self, req: GenerationRequest) -> Verdict:
        self.seen += 1
        return Verdict(action=self.action, screen=self.name, policy="test_policy", reasons=("said so",))  # type: ignore[arg-type]

    def screen_clip(self, clip: Clip, req: GenerationRequest) -> Verdict:
        return self.screen_request(req)


class InvertMark:
    name = "invert"

    def mark_clip(self, clip: Clip, req: GenerationRequest) -> Clip:
        return dataclasses.replace(clip, frames=clip.frames.map(lambda i, f: 255 - f))


class RecordFileMark:
    name = "record"

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def mark_file(self, path: Path, clip: Clip, req: GenerationRequest) -> None:
        self.sizes.append(path.stat().st_size)


def test_generate_writes_an_mp4_and_fills_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    result = generate(request(seed=None), backend="testcard", output=out)
    assert result.request.seed is not None
    assert result.video_path == out
    assert decoded_frames(out).shape == (24, 96, 160, 3)


def test_a_blocking_prompt_screen_stops_before_any_compute(tmp_path: Path) -> None:
    backend, screen, out = CountingBackend(), Screen("rules", "block"), tmp_path / "out.mp4"
    with pytest.raises(ContentPolicyError) as info:
        generate(
            request(),
            backend="testcard",
            instance=backend,
            stages=Stages(prompt_screens=(screen,)),
            output=out,
        )
    assert info.value.code == "moderation_blocked.test_policy"
    assert backend.calls == 0
    assert not out.exists()


def test_a_blocking_output_screen_leaves_no_file(tmp_path: Path) -> None:
    backend, out = CountingBackend(), tmp_path / "out.mp4"
    stages = Stages(output_screens=(Screen("frames", "block"),))
    with pytest.raises(ContentPolicyError):
        generate(request(), backend="testcard", instance=backend, stages=stages, output=out)
    assert backend.calls == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_allowing_screens_are_recorded_and_marks_reach_the_file(tmp_path: Path) -> None:
    out, file_mark = tmp_path / "out.mp4", RecordFileMark()
    plain = generate(request(), backend="testcard", output=tmp_path / "plain.mp4")
    stages = Stages(
        prompt_screens=(Screen("rules"),),
        output_screens=(Screen("frames"),),
        clip_marks=(InvertMark(),),
        file_marks=(file_mark,),
    )
    result = generate(request(), backend="testcard", stages=stages, output=out)
    assert [v.screen for v in result.verdicts] == ["rules", "frames"]
    assert file_mark.sizes == [out.stat().st_size]
    original, marked = decoded_frames(tmp_path / "plain.mp4"), decoded_frames(out)
    # The mark inverted every frame: the encoded result is the negative of the unmarked one.
    assert np.abs(marked.astype(int) - (255 - original.astype(int))).mean() < 4
    assert plain.clip.frame_count == result.clip.frame_count


def test_capabilities_are_checked_before_the_backend_runs() -> None:
    backend = CountingBackend()
    with pytest.raises(UnsupportedCapabilityError):
        generate(request(width=4000, height=4000), backend="testcard", instance=backend)
    assert backend.calls == 0


def test_cancellation_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    with pytest.raises(GenerationCancelledError):
        generate(request(), backend="testcard", output=out, is_cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_a_backend_that_breaks_its_contract_is_caught() -> None:
    class ShortBackend(CountingBackend):
        def generate(self, req: GenerationRequest, ctx: RunContext) -> Clip:
            shorter = dataclasses.replace(req, duration_s=0.5)
            return self.inner.generate(shorter, ctx)

    with pytest.raises(BackendError, match="12 frames, asked 24"):
        generate(request(), backend="testcard", instance=ShortBackend())


def test_extend_stitches_the_parent_and_the_continuation(tmp_path: Path) -> None:
    parent = generate(request(), backend="testcard").clip
    extended = generate(
        request(mode="extend", parent=ParentClip(parent), duration_s=2.0),
        backend="testcard",
        output=tmp_path / "ext.mp4",
    )
    assert extended.clip.frame_count == 72
    assert extended.clip.audio.shape[1] == 3 * 48_000
    assert decoded_frames(tmp_path / "ext.mp4").shape[0] == 72


def test_same_seed_gives_identical_output() -> None:
    first = generate(request(), backend="testcard").clip
    second = generate(request(), backend="testcard").clip
    assert np.array_equal(np.asarray(first.frames), np.asarray(second.frames))
    assert np.array_equal(first.audio, second.audio)


def test_progress_reports_both_stages(tmp_path: Path) -> None:
    events: list[tuple[str, int, int]] = []
    generate(
        request(), backend="testcard", output=tmp_path / "o.mp4", on_progress=lambda *e: events.append(e)
    )
    stages = {stage for stage, _, _ in events}
    assert stages == {"backend", "encode"}
    assert ("encode", 24, 24) in events


def test_importing_the_engine_pulls_in_no_server_or_ml_stack() -> None:
    code = (
        "import sys, mutoscope.engine, mutoscope.engine.registry;"
        "bad = {'torch', 'fastapi', 'sqlalchemy', 'diffusers', 'ray', 'skia', 'pymunk'} & set(sys.modules);"
        "print(sorted(bad)); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_array_frames_round_trip_through_the_clip_contract() -> None:
    frames = np.zeros((24, 96, 160, 3), np.uint8)
    with pytest.raises(ValueError, match="need exactly 48000"):
        Clip(frames=ArrayFrames(frames), audio=np.zeros((2, 100), np.float32), fps=24, metadata=None)  # type: ignore[arg-type]
