"""Provenance stages inside `engine.generate`: what comes out of the one path carries every mark."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mutoscope.engine import GenerationRequest, generate
from mutoscope.engine.media import read_video
from mutoscope.engine.request import ParentClip
from mutoscope.provenance.codes import payload_hex, payload_of
from mutoscope.provenance.credentials import ensure_credentials
from mutoscope.provenance.frame_mark import FrameMark
from mutoscope.provenance.keyring import WatermarkKey
from mutoscope.provenance.manifest import read_manifest
from mutoscope.provenance.stages import MarkedVideo, Provenance, stage_reports

PARENT = "video_" + "1" * 16 + "a" * 16
CHILD = "video_" + "2" * 16 + "b" * 16


@pytest.fixture(scope="module")
def provenance(tmp_path_factory: pytest.TempPathFactory) -> Provenance:
    folder = tmp_path_factory.mktemp("prov")
    return Provenance(WatermarkKey(b"stage-test-key-!" * 2), ensure_credentials(folder / "c2pa"))


def _request(**fields: object) -> GenerationRequest:
    values: dict[str, object] = {"prompt": "bars", "width": 640, "height": 360, "duration_s": 2.0, "seed": 3}
    values.update(fields)
    return GenerationRequest(**values)  # type: ignore[arg-type]


def _payloads(mark: FrameMark, frames: np.ndarray) -> list[str]:
    reader = mark.reader()
    for index, frame in enumerate(frames):
        reader.add(frame, index / 24)
    return [payload_hex(r.payload) for r in reader.read()]


def test_a_generated_video_is_signed_marked_and_fingerprinted(provenance: Provenance, tmp_path: Path) -> None:
    stages = provenance.stages(MarkedVideo(video_id=PARENT, creator_handle="maria"))
    output = tmp_path / "video.mp4"
    generate(_request(), backend="testcard", stages=stages, output=output)

    anchors = provenance.credentials.trust_anchors_pem if provenance.credentials else b""
    manifest = read_manifest(output.read_bytes(), "video/mp4", trust_anchors_pem=anchors)
    assert manifest is not None and manifest.state == "trusted" and manifest.video_id == PARENT
    assert manifest.generation["backend"] == "testcard"

    frames = np.asarray(read_video(output).frames)
    assert _payloads(provenance.frame_mark, frames) == [payload_hex(payload_of(PARENT))]

    report = stage_reports(stages)
    assert report["payload"] == payload_hex(payload_of(PARENT)) and report["c2pa_signed_at"]
    positions = {p for p, _, _ in report["fingerprints"]["frames"]}
    assert positions == set(range(8))  # 2 s, four a second, both variants each
    assert len(report["fingerprints"]["frames"]) == 16 and report["fingerprints"]["audio"]


@pytest.mark.slow
def test_an_extension_marks_only_its_new_part(provenance: Provenance, tmp_path: Path) -> None:
    parent_path = tmp_path / "parent.mp4"
    generate(
        _request(duration_s=4.0),
        backend="testcard",
        stages=provenance.stages(MarkedVideo(video_id=PARENT, creator_handle="maria")),
        output=parent_path,
    )
    parent = read_video(parent_path)
    child_path = tmp_path / "child.mp4"
    generate(
        _request(duration_s=4.0, mode="extend", parent=ParentClip(clip=parent, video_id=PARENT)),
        backend="testcard",
        stages=provenance.stages(MarkedVideo(video_id=CHILD, creator_handle="maria")),
        output=child_path,
    )
    frames = np.asarray(read_video(child_path).frames)
    assert len(frames) == 192
    # The parent's stretch still names the parent (its frames were not marked a second time), the new
    # stretch names the child.
    assert _payloads(provenance.frame_mark, frames[:96]) == [payload_hex(payload_of(PARENT))]
    assert _payloads(provenance.frame_mark, frames[96:]) == [payload_hex(payload_of(CHILD))]
    manifest = read_manifest(child_path.read_bytes(), "video/mp4")
    assert manifest is not None and manifest.generation["parent_video_id"] == PARENT
