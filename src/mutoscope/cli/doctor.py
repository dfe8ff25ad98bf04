"""`mutoscope doctor`: is this machine able to generate? Each dependency checked for real, one row each.

Every check returns `ok`, `missing` (not installed), `failed` (installed but broken) or `skipped` (nothing to
check yet), with a detail saying what was found or how to fix it. Only required checks decide the exit code: 0
when they all pass, 1 otherwise. Optional ones (ffmpeg binaries, torch) are reported for information. The
codec check goes through the project's own encoder and decodes the result, so "ok" means a real MP4 was made.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import importlib.util
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Annotated, Final, Literal

import typer
from rich.table import Table
from rich.text import Text

from mutoscope.cli import output
from mutoscope.cli.context import settings_of
from mutoscope.settings import Settings

Status = Literal["ok", "missing", "failed", "skipped"]
Probe = Callable[[], tuple[Status, str]]

MIN_PYTHON: Final = (3, 11)
ESPEAK_SONAME: Final = "libespeak-ng.so.1"
STATUS_STYLES: Final = {"ok": "green", "missing": "yellow", "failed": "red", "skipped": "dim"}


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    required: bool
    detail: str

    @property
    def passed(self) -> bool:
        return self.status == "ok" or not self.required


class MissingError(Exception):
    """Raised by a probe for something that is not installed (as opposed to installed but broken)."""


def doctor_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check that this machine has what generation needs (exit 1 if a required part is missing)."""
    checks = run_checks(settings_of(ctx))
    healthy = all(check.passed for check in checks)
    if as_json:
        output.emit_json({"ok": healthy, "checks": [asdict(check) for check in checks]})
    else:
        output.stdout.print(checks_table(checks))
        verdict = "All required checks passed." if healthy else "Some required checks did not pass."
        output.stdout.print(Text(verdict, style="bold green" if healthy else "bold red"))
    if not healthy:
        raise typer.Exit(output.EXIT_FAILURE)


def run_checks(settings: Settings) -> list[Check]:
    probes: list[tuple[str, bool, Probe]] = [
        ("python", True, probe_python),
        ("pyav", True, probe_pyav),
        ("libx264 encoder", True, lambda: probe_codec("libx264")),
        ("aac encoder", True, lambda: probe_codec("aac")),
        ("mp4 encode (1 frame)", True, probe_encode),
        ("libespeak-ng", True, probe_espeak_library),
        ("espeak-ng binary", False, lambda: probe_binary("espeak-ng", "apt install espeak-ng")),
        ("ffmpeg binary", False, lambda: probe_binary("ffmpeg", "apt install ffmpeg")),
        ("ffprobe binary", False, lambda: probe_binary("ffprobe", "apt install ffmpeg")),
        ("skia", True, lambda: probe_module("skia", "pip install skia-python")),
        ("pymunk", True, lambda: probe_module("pymunk", "pip install pymunk")),
        ("torch", False, probe_torch),
        ("backends", True, probe_backends),
        ("data dir", True, lambda: probe_data_dir(settings.data_dir)),
        ("database", False, probe_database),
    ]
    return [run_probe(name, required, probe) for name, required, probe in probes]


def run_probe(name: str, required: bool, probe: Probe) -> Check:
    try:
        status, detail = probe()
    except MissingError as exc:
        status, detail = "missing", str(exc)
    except Exception as exc:  # noqa: BLE001 - a diagnostic must report any breakage as a row, not crash
        status, detail = "failed", f"{type(exc).__name__}: {exc}"
    return Check(name, status, required, detail)


def checks_table(checks: list[Check]) -> Table:
    table = Table(title="mutoscope doctor")
    table.add_column("check", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("required", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for check in checks:
        table.add_row(
            check.name,
            Text(check.status, style=STATUS_STYLES[check.status]),
            "yes" if check.required else "no",
            Text(check.detail),
        )
    return table


def probe_python() -> tuple[Status, str]:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] < MIN_PYTHON:
        return "failed", f"{version}; mutoscope needs {'.'.join(map(str, MIN_PYTHON))} or newer"
    return "ok", version


def probe_pyav() -> tuple[Status, str]:
    av = probe_import("av", "pip install av")
    libavcodec = ".".join(map(str, av.library_versions["libavcodec"]))
    return "ok", f"PyAV {av.__version__}, FFmpeg {av.ffmpeg_version_info}, libavcodec {libavcodec}"


def probe_codec(name: str) -> tuple[Status, str]:
    import av
    from av.codec.codec import UnknownCodecError

    try:
        codec = av.codec.Codec(name, "w")
    except UnknownCodecError:
        raise MissingError(f"this FFmpeg build (in PyAV) has no {name} encoder") from None
    return "ok", codec.long_name


def probe_encode() -> tuple[Status, str]:
    """Encode one 64x64 frame with sound through the project's encoder, then decode it back."""
    import av
    import numpy as np

    from mutoscope.engine import ArrayFrames, Clip, ClipMetadata, timebase
    from mutoscope.engine.media.encode import encode_mp4_bytes

    fps = timebase.DEFAULT_FPS
    clip = Clip(
        frames=ArrayFrames(np.full((1, 64, 64, 3), 128, dtype=np.uint8)),
        audio=np.zeros((2, timebase.samples_per_frame(fps)), dtype=np.float32),
        fps=fps,
        metadata=ClipMetadata(backend="doctor", backend_version="1", seed=0),
    )
    data = encode_mp4_bytes(clip)
    with av.open(io.BytesIO(data), mode="r") as container:
        kinds = sorted(stream.type for stream in container.streams)
        frames = len(list(container.decode(video=0)))
    if frames != 1 or kinds != ["audio", "video"]:
        return "failed", f"decoded {frames} frames and streams {kinds}; expected 1 frame, audio and video"
    return "ok", f"{len(data)} bytes, decoded back: 1 frame, audio + video"


def probe_espeak_library() -> tuple[Status, str]:
    found = ctypes.util.find_library("espeak-ng")
    try:
        ctypes.CDLL(ESPEAK_SONAME)
    except OSError:
        raise MissingError(f"{ESPEAK_SONAME} cannot be loaded; apt install libespeak-ng1") from None
    return "ok", f"{ESPEAK_SONAME} loads" + (f" (found as {found})" if found else "")


def probe_binary(name: str, install_hint: str) -> tuple[Status, str]:
    path = shutil.which(name)
    if path is None:
        raise MissingError(f"{name} is not on PATH; {install_hint}")
    return "ok", path


def probe_import(name: str, install_hint: str) -> ModuleType:
    if importlib.util.find_spec(name) is None:
        raise MissingError(f"not installed; {install_hint}")
    return importlib.import_module(name)


def probe_module(name: str, install_hint: str) -> tuple[Status, str]:
    module = probe_import(name, install_hint)
    version = getattr(module, "__version__", None) or getattr(module, "version", None)
    return "ok", f"version {version}" if version else "importable"


def probe_torch() -> tuple[Status, str]:
    # find_spec first: importing torch just to learn it is absent would be slow and noisy.
    torch = probe_import("torch", "optional, for GPU backends: pip install 'mutoscope[diffusers]'")
    if torch.cuda.is_available():
        return "ok", f"{torch.__version__}, CUDA available ({torch.cuda.get_device_name(0)})"
    return "ok", f"{torch.__version__}, CUDA not available (CPU only)"


def probe_backends() -> tuple[Status, str]:
    from mutoscope.engine import discover

    names = discover().names()
    if not names:
        return "failed", "no backend is registered"
    return "ok", ", ".join(names)


def probe_data_dir(data_dir: Path) -> tuple[Status, str]:
    """Write and delete a file in the data dir, or, if it does not exist yet, check it can be created."""
    target = data_dir.resolve()
    if target.is_dir():
        with tempfile.NamedTemporaryFile(dir=target, prefix=".doctor-"):
            pass
        return "ok", f"{target} is writable"
    existing = next(parent for parent in target.parents if parent.exists())
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return "ok", f"{target} does not exist yet; it can be created in {existing}"
    return "failed", f"{target} does not exist and {existing} is not a writable folder"


def probe_database() -> tuple[Status, str]:
    return "skipped", "not configured (arrives with the server)"
