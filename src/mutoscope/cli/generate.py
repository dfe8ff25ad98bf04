"""`mutoscope generate`: one clip from a prompt, a storyboard or a scene JSON, written to an MP4.

The command builds a `GenerationRequest` from its flags, checks it against the chosen backend and screens its
prompt before anything is written (so bad input or a refused prompt leaves no file and no folder behind), then
runs `engine.generate` with the same safety screens as the service and a rich progress bar fed by its stage
callbacks, and ends with a summary: path, duration, size, seed, backend and how
the wall time compares with real time.
"""

from __future__ import annotations

import dataclasses
import getpass
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from mutoscope.cli import output
from mutoscope.cli.arguments import (
    DEFAULT_SECONDS,
    parse_options,
    parse_shots,
    parse_size,
    resolve_duration_s,
)
from mutoscope.cli.context import settings_of
from mutoscope.cli.inputs import SceneInput, names_scene, read_first_frame, read_scene
from mutoscope.engine import GenerationRequest, GenerationResult, Shot, discover, generate
from mutoscope.engine.generate import StageProgress
from mutoscope.engine.registry import BackendRegistry
from mutoscope.engine.stages import Stages
from mutoscope.engine.timebase import DEFAULT_FPS
from mutoscope.errors import ContentPolicyError, InvalidRequestError
from mutoscope.ids import new_id
from mutoscope.provenance.stages import MarkedVideo, Provenance
from mutoscope.safety.prompts import PromptPolicyScreen
from mutoscope.safety.screens import output_screens
from mutoscope.settings import EngineSettings, Settings

DEFAULT_SIZE: Final = (1280, 720)
DEFAULT_OUTPUT: Final = Path("mutoscope.mp4")
# Request fields as the user typed them on this command line, so errors point at the flag to change.
PARAM_FLAGS: Final = {
    "prompt": "PROMPT",
    "scene": "PROMPT",
    "negative_prompt": "--negative",
    "width": "--size",
    "height": "--size",
    "size": "--size",
    "duration_s": "--seconds",
    "seconds": "--seconds",
    "fps": "--fps",
    "seed": "--seed",
    "style": "--style",
    "shots": "--shot",
    "input_reference": "--image",
    "options": "--option",
    "backend": "--backend",
    "output": "--output",
}


def generate_command(
    ctx: typer.Context,
    *,
    prompt: Annotated[
        str | None,
        typer.Argument(
            help="What to make. Or a scene JSON file (as printed by `mutoscope plan`), or - to read one "
            "from stdin. May be left out when --shot gives a storyboard.",
            metavar="PROMPT",
            show_default=False,
        ),
    ] = None,
    output_path: Annotated[
        Path, typer.Option("--output", "-o", help="MP4 file to write; missing folders are created.")
    ] = DEFAULT_OUTPUT,
    seconds: Annotated[
        float | None,
        typer.Option(
            "--seconds",
            help="Duration in seconds, a whole number of frames. Default: 4, or the storyboard's or scene's.",
            show_default=False,
        ),
    ] = None,
    size: Annotated[
        str | None,
        typer.Option(
            "--size",
            metavar="WxH",
            help="WIDTHxHEIGHT in pixels. Default: 1280x720, or the --image's size.",
            show_default=False,
        ),
    ] = None,
    fps: Annotated[int, typer.Option("--fps", help="Frames per second.")] = DEFAULT_FPS,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed for a reproducible clip. Default: random.")
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend", "-b", help="Backend name (see `mutoscope backends`). Default: from settings."
        ),
    ] = None,
    style: Annotated[
        str | None, typer.Option("--style", help="Visual style, if the backend has styles.")
    ] = None,
    negative: Annotated[str, typer.Option("--negative", help="What to avoid (negative prompt).")] = "",
    image: Annotated[
        Path | None, typer.Option("--image", help="Image to use as the first frame (PNG, JPEG, WebP).")
    ] = None,
    shot: Annotated[
        list[str] | None,
        typer.Option(
            "--shot",
            metavar="PROMPT=SECONDS",
            help="A storyboard shot as PROMPT=SECONDS; repeat for several shots.",
        ),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            metavar="KEY=VALUE",
            help="Backend option KEY=VALUE (VALUE as JSON when it parses); repeatable.",
        ),
    ] = None,
    handle: Annotated[
        str | None,
        typer.Option(
            "--handle",
            help="Creator @handle for the visible watermark. Default: this computer's user name.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the output path.")] = False,
) -> None:
    """Generate a video with synchronized sound and write it as an MP4."""
    settings = settings_of(ctx)
    with output.reporting_errors(PARAM_FLAGS):
        request = build_request(
            prompt,
            seconds=seconds,
            size=size,
            fps=fps,
            seed=seed,
            style=style,
            negative=negative,
            image=image,
            shots=parse_shots(shot or ()),
            options=parse_options(option or ()),
            limits=settings.engine,
        )
        backend_name = backend or settings.engine.default_backend
        registry = discover()
        stages = safety_stages()
        check_before_writing(registry, backend_name, request, stages)
        stages = with_provenance(stages, settings, handle or local_handle())
        prepare_output(output_path)
        started = time.perf_counter()
        result = run_generation(request, backend_name, registry, stages, output_path, quiet=quiet)
        wall_s = time.perf_counter() - started
    if quiet:
        output.emit_text(str(output_path.resolve()))
    else:
        print_summary(result, output_path, wall_s)


def build_request(
    prompt: str | None,
    *,
    seconds: float | None,
    size: str | None,
    fps: int,
    seed: int | None,
    style: str | None,
    negative: str,
    image: Path | None,
    shots: tuple[Shot, ...],
    options: dict[str, object],
    limits: EngineSettings,
) -> GenerationRequest:
    """The request the flags describe; `GenerationRequest` itself checks ranges and timing."""
    if prompt is None and not shots:
        raise InvalidRequestError("give a PROMPT, or a storyboard with --shot", param="prompt")
    scene = read_scene(prompt, sys.stdin) if prompt is not None and names_scene(prompt) else None
    if scene is not None:
        if "scene" in options:
            raise InvalidRequestError(
                "give the scene either as PROMPT or as --option scene, not both", param="scene"
            )
        options = {**options, "scene": scene.text}
    first_frame = read_first_frame(image, limits) if image is not None else None
    if size is not None:
        width, height = parse_size(size)
    elif first_frame is not None:
        height, width = first_frame.shape[:2]
    else:
        width, height = DEFAULT_SIZE
    return GenerationRequest(
        prompt=_prompt_text(prompt, scene),
        negative_prompt=negative,
        width=width,
        height=height,
        duration_s=resolve_duration_s(seconds, shots, _default_seconds(scene)),
        fps=fps,
        seed=seed if seed is not None else (scene.seed if scene is not None else None),
        style=style,
        shots=shots,
        first_frame=first_frame,
        options=options,
    )


def _prompt_text(prompt: str | None, scene: SceneInput | None) -> str:
    if scene is not None:
        # The scene's own prompt is what the prompt screens should read.
        return scene.prompt or f"scene from {scene.origin}"
    return prompt or ""


def _default_seconds(scene: SceneInput | None) -> float:
    if scene is not None and scene.duration_s is not None:
        return scene.duration_s
    return DEFAULT_SECONDS


def safety_stages() -> Stages:
    """The screens every server generation passes, for the command line too: the prompt screen (the server's
    `PromptGate` runs the same screener, with an adult account's context: the CLI casts no characters) and the
    output screens every video job adds (`jobs.video.with_safety_screens`). There is no way to turn them off."""
    return Stages(prompt_screens=(PromptPolicyScreen(),), output_screens=output_screens())


def with_provenance(stages: Stages, settings: Settings, handle: str) -> Stages:
    """`stages` plus the provenance every service video gets (visible @handle, invisible frame and audio marks,
    fingerprints, a signed C2PA manifest), with the deployment's key and credentials from the data folder, so
    `POST /v1/content_provenance_checks` on the same deployment recognises a clip made here too."""
    marked = Provenance.from_settings(settings).stages(
        MarkedVideo(video_id=new_id("video"), creator_handle=handle.removeprefix("@"))
    )
    return dataclasses.replace(
        marked,
        prompt_screens=(*stages.prompt_screens, *marked.prompt_screens),
        output_screens=(*stages.output_screens, *marked.output_screens),
    )


def local_handle() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in this environment (some containers)
        return "mutoscope"


def check_before_writing(
    registry: BackendRegistry, backend: str, request: GenerationRequest, stages: Stages
) -> None:
    """Run the backend's cheap checks and the prompt screens now, so a refused request creates no folder and no
    file. (`generate` screens the prompt again before any compute; it costs milliseconds.)"""
    spec = registry.get(backend)
    spec.validate_options(request.options)
    spec.capabilities.check(request)
    for screen in stages.prompt_screens:
        verdict = screen.screen_request(request)
        if verdict.blocks:
            policy = verdict.policy or screen.name
            reasons = "; ".join(verdict.reasons)
            raise ContentPolicyError(
                f"the prompt was refused by the {policy} policy (moderation_blocked.{policy})"
                + (f": {reasons}" if reasons else ""),
                policy=policy,
                reasons=verdict.reasons,
            )


def prepare_output(path: Path) -> None:
    if path.is_dir():
        raise InvalidRequestError(
            f"{path} is a folder; give a file name such as {path / 'video.mp4'}", param="output"
        )
    path.parent.mkdir(parents=True, exist_ok=True)


def run_generation(
    request: GenerationRequest,
    backend: str,
    registry: BackendRegistry,
    stages: Stages,
    path: Path,
    *,
    quiet: bool,
) -> GenerationResult:
    if quiet:
        return generate(request, backend=backend, registry=registry, stages=stages, output=path)
    with stage_progress(backend) as on_progress:
        return generate(
            request, backend=backend, registry=registry, stages=stages, output=path, on_progress=on_progress
        )


@contextmanager
def stage_progress(backend: str) -> Iterator[StageProgress]:
    """A progress bar per stage on stderr, fed by `generate`'s `on_progress(stage, done, total)`."""
    labels = {"backend": backend, "encode": "encode"}
    columns = (
        TextColumn("{task.description:>12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=output.stderr) as progress:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(labels.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def print_summary(result: GenerationResult, path: Path, wall_s: float) -> None:
    request = result.request
    clip = result.clip
    line = Text("Wrote ", style="bold green")
    line.append(str(path.resolve()), style="bold")
    output.stdout.print(line, soft_wrap=True)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    grid.add_row("duration", f"{clip.duration_s:g} s ({clip.frame_count} frames at {clip.fps} fps)")
    grid.add_row("size", f"{clip.width}x{clip.height}")
    grid.add_row("seed", str(request.seed))
    grid.add_row("backend", result.backend)
    grid.add_row("wall time", f"{wall_s:.2f} s, {speed_text(clip.duration_s, wall_s)}")
    stages = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.timings_s.items())
    if stages:
        grid.add_row("stages", stages)
    output.stdout.print(grid)


def speed_text(duration_s: float, wall_s: float) -> str:
    """`"3.1× faster than real time"` or `"1.4× slower than real time"`."""
    if wall_s <= 0:
        return "instant"
    ratio = duration_s / wall_s
    if ratio >= 1:
        return f"{ratio:.1f}× faster than real time"
    return f"{1 / ratio:.1f}× slower than real time"
