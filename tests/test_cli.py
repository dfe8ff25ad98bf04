"""The `mutoscope` command line: in process (CliRunner) and as real processes (`python -m`, the script).

Every generation is checked by decoding the MP4 it wrote; every refusal by its exit code, its message and the
absence of any file or folder it would have created.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from mutoscope.cli import generate as generate_module
from mutoscope.cli.arguments import parse_options, parse_shot, parse_size, resolve_duration_s
from mutoscope.cli.main import app
from mutoscope.errors import BackendError, InvalidRequestError
from mutoscope.ids import is_id
from mutoscope.provenance.manifest import read_manifest
from mutoscope.safety import Verdict

SCRIPT = Path(sys.executable).parent / "mutoscope"
SMALL = {"--backend": "testcard", "--size": "160x96", "--seconds": "1"}


@dataclass(frozen=True)
class Probe:
    video_frames: int
    width: int
    height: int
    fps: float
    audio_streams: int
    duration_s: float


def probe(path: Path) -> Probe:
    """What a player would see: decoded video frames, picture size, rate, audio streams and duration."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio_streams = len(container.streams.audio)
        width, height = video.codec_context.width, video.codec_context.height
        fps = float(video.average_rate or 0)
        assert container.duration is not None
        duration_s = container.duration / av.time_base
        frames = sum(1 for _ in container.decode(video=0))
    return Probe(frames, width, height, fps, audio_streams, duration_s)


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def generate_args(output: Path, prompt: str | None = "colour bars", **flags: str) -> list[str]:
    merged = {**SMALL, **{f"--{key.replace('_', '-')}": value for key, value in flags.items()}}
    args = ["generate", *([prompt] if prompt is not None else []), "-o", str(output)]
    for flag, value in merged.items():
        args += [flag, value]
    return args


def run_process(command: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MUTOSCOPE_")}
    env["COLUMNS"] = "200"
    return subprocess.run(
        command, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(autouse=True)
def _clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in [k for k in os.environ if k.startswith("MUTOSCOPE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("MUTOSCOPE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")


# --- generate: what it writes ---------------------------------------------------------------------


def test_generate_writes_a_decodable_mp4_with_sound_into_new_folders(tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder" / "clip.mp4"
    result = invoke(*generate_args(out, seed="42"))
    assert result.exit_code == 0, result.output
    found = probe(out)
    assert (found.video_frames, found.width, found.height) == (24, 160, 96)
    assert found.audio_streams == 1
    assert found.duration_s == pytest.approx(1.0, abs=0.05)
    assert str(out.resolve()) in result.stdout
    assert "42" in result.stdout and "testcard" in result.stdout
    assert "real time" in result.stdout


def test_generate_quiet_as_python_module_prints_only_the_path(tmp_path: Path) -> None:
    out = tmp_path / "quiet.mp4"
    args = generate_args(out, fps="12", seconds="2", seed="5")
    done = run_process([sys.executable, "-m", "mutoscope", *args, "--quiet"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out.resolve())
    found = probe(out)
    assert (found.video_frames, found.fps, found.audio_streams) == (24, 12.0, 1)


def test_installed_script_generates_a_storyboard_whose_length_is_the_sum_of_its_shots(tmp_path: Path) -> None:
    out = tmp_path / "board.mp4"
    args = ["generate", "-o", str(out), "--backend", "testcard", "--size", "160x96"]
    args += ["--shot", "a red ball=0.5", "--shot", "x=y, a blue ball=1", "-q"]
    done = run_process([str(SCRIPT), *args], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    found = probe(out)
    assert found.video_frames == 36
    assert found.duration_s == pytest.approx(1.5, abs=0.05)


def test_default_backend_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTOSCOPE_ENGINE__DEFAULT_BACKEND", "testcard")
    out = tmp_path / "default.mp4"
    result = invoke("generate", "bars", "-o", str(out), "--size", "160x96", "--seconds", "1")
    assert result.exit_code == 0, result.output
    assert probe(out).video_frames == 24
    assert "testcard" in result.stdout


def test_image_sets_the_size_when_no_size_is_given(tmp_path: Path) -> None:
    image = tmp_path / "first.png"
    Image.fromarray(np.full((80, 128, 3), (200, 30, 30), dtype=np.uint8)).save(image)
    out = tmp_path / "from-image.mp4"
    args = [
        "generate",
        "bars",
        "-o",
        str(out),
        "--backend",
        "testcard",
        "--seconds",
        "1",
        "--image",
        str(image),
    ]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    found = probe(out)
    assert (found.width, found.height, found.video_frames) == (128, 80, 24)


def test_backend_options_reach_the_backend(tmp_path: Path) -> None:
    out = tmp_path / "tone.mp4"
    ok = invoke(*generate_args(out), "--option", "tone_hz=440", "--option", "beep_s=0.2")
    assert ok.exit_code == 0, ok.output
    assert probe(out).audio_streams == 1
    # A JSON string is a string, so the float option refuses it: proof that values are typed, not all strings.
    refused = invoke(*generate_args(tmp_path / "no.mp4"), "--option", 'tone_hz="loud"')
    assert refused.exit_code == 2
    assert "tone_hz" in refused.stderr


# --- generate: what it refuses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "flag", "fragment"),
    [
        ({"size": "160*96"}, "--size", "WIDTHxHEIGHT"),
        ({"size": "160X96"}, "--size", "WIDTHxHEIGHT"),
        ({"size": "160x95"}, "--size", "even"),
        ({"backend": "testcrd"}, "--backend", "Did you mean 'testcard'"),
        ({"seconds": "1.01"}, "--seconds", "whole number of frames"),
        ({"seconds": "nan"}, "--seconds", "positive"),
        ({"fps": "23"}, "--fps", "23"),
        ({"style": "noir"}, "--style", "noir"),
        ({"option": "bogus=1"}, "--option", "bogus"),
        ({"option": "no-equals-sign"}, "--option", "KEY=VALUE"),
        ({"shot": "no seconds"}, "--shot", "PROMPT=SECONDS"),
        ({"shot": "a=2"}, "--shot", "must match"),
    ],
)
def test_bad_input_exits_2_with_a_one_line_message_and_writes_nothing(
    tmp_path: Path, flags: dict[str, str], flag: str, fragment: str
) -> None:
    out = tmp_path / "never" / "made.mp4"
    result = invoke(*generate_args(out, **flags))
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith(f"error ({flag}):"), message
    assert fragment in message
    assert "\n" not in message and "Traceback" not in result.output
    assert not out.parent.exists()


def test_unknown_backend_in_a_real_process_exits_2_with_a_suggestion(tmp_path: Path) -> None:
    out = tmp_path / "never.mp4"
    done = run_process([str(SCRIPT), *generate_args(out, backend="testcrd")], cwd=tmp_path)
    assert done.returncode == 2
    assert "Did you mean 'testcard'" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_generate_without_prompt_or_shots_says_what_is_missing(tmp_path: Path) -> None:
    result = invoke(*generate_args(tmp_path / "x.mp4", prompt=None))
    assert result.exit_code == 2
    assert result.stderr.strip() == "error (PROMPT): give a PROMPT, or a storyboard with --shot"


def test_image_of_another_size_than_size_is_refused(tmp_path: Path) -> None:
    image = tmp_path / "first.png"
    Image.fromarray(np.zeros((80, 128, 3), dtype=np.uint8)).save(image)
    out = tmp_path / "x.mp4"
    result = invoke(*generate_args(out), "--image", str(image))
    assert result.exit_code == 2
    assert result.stderr.startswith("error (--image):")
    assert not out.exists()


def test_missing_or_unreadable_image_is_bad_input(tmp_path: Path) -> None:
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("hello")
    for image in (tmp_path / "absent.png", not_an_image):
        result = invoke(*generate_args(tmp_path / "x.mp4"), "--image", str(image))
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("error (--image):")


def test_output_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    result = invoke(*generate_args(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error (--output):")


def test_other_project_errors_exit_1_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise BackendError("the backend fell over")

    monkeypatch.setattr(generate_module, "generate", broken)
    out = tmp_path / "x.mp4"
    result = invoke(*generate_args(out))
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: the backend fell over"
    assert not out.exists()


@pytest.mark.parametrize(
    ("prompt", "shots", "policy"),
    [
        ("an explicit porn scene in a hotel room", [], "sexual"),
        (None, ["a sunny park=0.5", "then a man is beheaded on the bench=0.5"], "violence"),
    ],
)
def test_a_refused_prompt_exits_1_naming_the_policy_and_writes_nothing(
    tmp_path: Path, prompt: str | None, shots: list[str], policy: str
) -> None:
    out = tmp_path / "never" / "made.mp4"
    args = generate_args(out, prompt=prompt)
    for shot in shots:
        args += ["--shot", shot]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    message = result.stderr.strip()
    assert message.startswith(f"error: the prompt was refused by the {policy} policy"), message
    assert f"moderation_blocked.{policy}" in message
    assert "\n" not in message and "Traceback" not in result.output
    assert result.stdout == ""
    assert not out.parent.exists()


class _RefusingFrameScreen:
    """An output screen that refuses every clip, as NudeNet would on exposed parts."""

    name = "frames"

    def __init__(self) -> None:
        self.clips = 0

    def screen_clip(self, clip: Any, request: Any) -> Verdict:
        self.clips += 1
        assert clip.frame_count == 24 and request.prompt == "colour bars"
        return Verdict(
            action="block", screen="frames", policy="sexual", reasons=("sexual: FEMALE_BREAST_EXPOSED 0.91",)
        )


def test_generate_runs_the_output_screens_and_stores_nothing_they_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _RefusingFrameScreen()
    monkeypatch.setattr(generate_module, "output_screens", lambda: (screen,))
    out = tmp_path / "refused.mp4"
    result = invoke(*generate_args(out))
    assert screen.clips == 1
    assert result.exit_code == 1, result.output
    last_line = result.stderr.strip().splitlines()[-1]  # after the progress bars
    assert last_line.startswith("error: This request was blocked by the sexual policy"), result.stderr
    assert "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir() if p.name != "data"] == []  # no video, no partial file


def test_generate_signs_its_clip_with_the_deployments_c2pa_credentials(tmp_path: Path) -> None:
    out = tmp_path / "signed.mp4"
    result = invoke(*generate_args(out, handle="@ana"))
    assert result.exit_code == 0, result.output
    anchors = (tmp_path / "data" / "c2pa" / "ca.pem").read_bytes()  # made on first use, like `serve` does
    reading = read_manifest(out.read_bytes(), "video/mp4", trust_anchors_pem=anchors)
    assert reading is not None and reading.state == "trusted"
    assert reading.video_id is not None and is_id(reading.video_id, "video")
    assert reading.generation["backend"] == "testcard"
    # A second clip is a different video: its own id in its own manifest.
    again = tmp_path / "again.mp4"
    assert invoke(*generate_args(again)).exit_code == 0
    second = read_manifest(again.read_bytes(), "video/mp4", trust_anchors_pem=anchors)
    assert second is not None and second.video_id != reading.video_id


def test_scene_json_goes_to_the_backend_as_the_scene_option(tmp_path: Path) -> None:
    # testcard has no `scene` option, so its refusal proves the scene was passed through as one.
    scene = tmp_path / "scene.json"
    scene.write_text(json.dumps({"prompt": "a ball", "duration_s": 1.0, "seed": 3}))
    for args, stdin in (([str(scene)], None), (["-"], scene.read_text())):
        result = invoke(
            "generate", *args, "-o", str(tmp_path / "x.mp4"), "--backend", "testcard", stdin=stdin
        )
        assert result.exit_code == 2, result.output
        assert "scene" in result.stderr


def test_scene_that_is_not_json_or_missing_is_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    for prompt in (str(broken), str(tmp_path / "missing.json")):
        result = invoke(*generate_args(tmp_path / "x.mp4", prompt=prompt))
        assert result.exit_code == 2
        assert result.stderr.startswith("error (PROMPT):")


# --- argument parsers -----------------------------------------------------------------------------


def test_parse_size_is_strict() -> None:
    assert parse_size("1280x720") == (1280, 720)
    for text in ("1280X720", "1280 x 720", "1280x", "x720", "-2x4", "1.5x2", "1280x720x3", ""):
        with pytest.raises(InvalidRequestError):
            parse_size(text)


def test_parse_options_reads_json_values_and_keeps_other_text() -> None:
    parsed = parse_options(["a=1", "b=hello", "c=[1, 2]", "d=true", "e=", 'f="7"', "g=x=y"])
    assert parsed == {"a": 1, "b": "hello", "c": [1, 2], "d": True, "e": "", "f": "7", "g": "x=y"}
    with pytest.raises(InvalidRequestError, match="twice"):
        parse_options(["a=1", "a=2"])


def test_shots_split_on_the_last_equals_sign_and_sum_exactly() -> None:
    shot = parse_shot("x=1 and y=2=0.1")
    assert (shot.prompt, shot.duration_s) == ("x=1 and y=2", 0.1)
    shots = (parse_shot("a=0.1"), parse_shot("b=0.2"))
    assert resolve_duration_s(None, shots, 4.0) == 0.3
    assert resolve_duration_s(2.0, shots, 4.0) == 2.0
    assert resolve_duration_s(None, (), 4.0) == 4.0


# --- backends, doctor, plan, version --------------------------------------------------------------


def test_backends_table_lists_every_backend() -> None:
    result = invoke("backends")
    assert result.exit_code == 0, result.output
    assert "testcard" in result.stdout and "procedural" in result.stdout
    assert "0.25–120 s" in result.stdout  # testcard's duration range, from its spec


def test_backends_json_describes_capabilities_and_options() -> None:
    result = invoke("backends", "--json")
    assert result.exit_code == 0
    backends = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert {"testcard", "procedural"} <= set(backends)
    testcard = backends["testcard"]
    assert testcard["capabilities"]["audio"] == "native"
    assert 24 in testcard["capabilities"]["fps"]
    assert "tone_hz" in testcard["options"]["properties"]
    assert "scene" in backends["procedural"]["options"]["properties"]


def test_doctor_json_reports_a_working_encoder(tmp_path: Path) -> None:
    done = run_process([str(SCRIPT), "doctor", "--json"], cwd=tmp_path)
    report = json.loads(done.stdout)
    checks = {check["name"]: check for check in report["checks"]}
    for name in ("libx264 encoder", "aac encoder", "mp4 encode (1 frame)", "backends"):
        assert checks[name]["status"] == "ok", checks[name]
    assert "testcard" in checks["backends"]["detail"]
    assert checks["database"]["status"] == "skipped"
    assert done.returncode == (0 if report["ok"] else 1)


def test_doctor_fails_when_the_data_dir_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("MUTOSCOPE_DATA_DIR", str(blocker / "data"))
    result = invoke("doctor", "--json")
    report = json.loads(result.stdout)
    data_dir = next(check for check in report["checks"] if check["name"] == "data dir")
    assert data_dir["status"] == "failed"
    assert report["ok"] is False
    assert result.exit_code == 1


def test_plan_prints_a_scene_that_plans_again_to_the_same_json(tmp_path: Path) -> None:
    pytest.importorskip("mutoscope.backends.procedural.plan")
    first = invoke("plan", "a red ball bounces on a wooden floor", "--seconds", "2", "--seed", "3")
    assert first.exit_code == 0, first.output
    scene = json.loads(first.stdout)
    assert (scene["duration_s"], scene["seed"]) == (2.0, 3)
    again = invoke("plan", "a red ball bounces on a wooden floor", "--seconds", "2", "--seed", "3")
    assert again.stdout == first.stdout
    path = tmp_path / "scene.json"
    path.write_text(first.stdout)
    normalised = invoke("plan", str(path))
    assert normalised.exit_code == 0, normalised.output
    assert json.loads(normalised.stdout) == scene


def test_plan_refuses_a_broken_scene_file(tmp_path: Path) -> None:
    pytest.importorskip("mutoscope.backends.procedural.plan")
    path = tmp_path / "scene.json"
    path.write_text(json.dumps({"prompt": "x", "duration_s": "long"}))
    result = invoke("plan", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error")


def test_a_planned_scene_generates_with_the_procedural_backend(tmp_path: Path) -> None:
    pytest.importorskip("mutoscope.backends.procedural.plan")
    planned = invoke("plan", "a ball falls", "--seconds", "1", "--seed", "9")
    assert planned.exit_code == 0, planned.output
    out = tmp_path / "scene.mp4"
    args = ["generate", "-", "-o", str(out), "--backend", "procedural", "--size", "160x96", "-q"]
    result = invoke(*args, stdin=planned.stdout)
    assert result.exit_code == 0, result.output
    found = probe(out)
    assert (found.video_frames, found.width, found.height, found.audio_streams) == (24, 160, 96, 1)


def test_version_prints_the_package_version() -> None:
    import mutoscope

    result = invoke("version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"mutoscope {mutoscope.__version__}"


def test_log_level_is_checked() -> None:
    assert invoke("--log-level", "debug", "version").exit_code == 0
    result = invoke("--log-level", "chatty", "version")
    assert result.exit_code == 2
    assert "chatty" in result.stderr
