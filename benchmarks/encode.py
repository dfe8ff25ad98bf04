"""Encode benchmark: mutoscope's MP4 writer against the `ffmpeg` tool on the same frames and settings.

Encodes 12 s of 1280x720 24 fps moving content plus stereo audio twice per round: through
`mutoscope.engine.media.write_mp4` with default options, and through the `ffmpeg` command-line tool fed raw
rgb24 frames on stdin and raw f32le audio from a file, with the same codec settings (libx264 crf, preset and
threads, BT.709 yuv420p, AAC at the same bitrate, +faststart). Prints one JSON line; `ratio` is mutoscope's
throughput divided by ffmpeg's (≥ 0.9 is the target). Each tool keeps its best of `--rounds` runs, which are
interleaved so background load on a shared machine hits both alike.

    .venv/bin/python benchmarks/encode.py [--rounds 2] [--seconds 12]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from mutoscope.engine import timebase
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.frames import ArrayFrames
from mutoscope.engine.media.encode import EncodeOptions, write_mp4

WIDTH, HEIGHT, FPS = 1280, 720, 24


def make_frames(count: int) -> npt.NDArray[np.uint8]:
    """A scrolling blocky texture with a moving square: real motion for x264, cheap to build."""
    rng = np.random.default_rng(0)
    step = 6
    blocks = rng.integers(0, 256, (HEIGHT // 8, (WIDTH + count * step) // 8 + 1, 3), dtype=np.uint8)
    texture = np.repeat(np.repeat(blocks, 8, axis=0), 8, axis=1)
    frames = np.empty((count, HEIGHT, WIDTH, 3), dtype=np.uint8)
    for index in range(count):
        frames[index] = texture[:, index * step : index * step + WIDTH]
        x = (100 + 9 * index) % (WIDTH - 120)
        frames[index, 300:420, x : x + 120] = (255, 200, 0)
    return frames


def make_audio(count: int) -> npt.NDArray[np.float32]:
    samples = timebase.sample_count(count, FPS)
    t = np.arange(samples) / timebase.AUDIO_SAMPLE_RATE_HZ
    rng = np.random.default_rng(1)
    left = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(samples)
    right = 0.3 * np.sin(2 * np.pi * 330 * t) + 0.05 * rng.standard_normal(samples)
    return np.stack([left, right]).astype(np.float32)


Timing = tuple[float, float]  # (wall seconds, CPU seconds over all threads and child processes)


def cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_mutoscope(clip: Clip, target: Path) -> Timing:
    started, cpu = time.perf_counter(), cpu_s()
    write_mp4(clip, target)
    return time.perf_counter() - started, cpu_s() - cpu


def ffmpeg_command(options: EncodeOptions, audio_file: Path, target: Path) -> list[str]:
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS), "-i", "-",
        "-f", "f32le", "-ar", str(timebase.AUDIO_SAMPLE_RATE_HZ), "-ac", "2", "-i", str(audio_file),
        "-vf", "scale=out_color_matrix=bt709:out_range=tv:flags=bilinear,format=yuv420p",
        "-c:v", "libx264", "-crf", str(options.crf), "-preset", options.preset,
        "-threads", str(options.threads),
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
        "-c:a", "aac", "-b:a", str(options.audio_bitrate_bps),
        "-movflags", "+faststart", str(target),
    ]  # fmt: skip


def run_ffmpeg(frames: npt.NDArray[np.uint8], command: list[str]) -> Timing:
    """ffmpeg's wall time and CPU time, counting the CPU this process spends feeding it frames."""
    started, cpu = time.perf_counter(), cpu_s()
    process = subprocess.Popen(command, stdin=subprocess.PIPE)
    assert process.stdin is not None
    for frame in frames:
        process.stdin.write(memoryview(frame).cast("B"))
    process.stdin.close()
    if process.wait() != 0:
        raise RuntimeError(f"ffmpeg failed with exit code {process.returncode}")
    return time.perf_counter() - started, cpu_s() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=12)
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        print(json.dumps({"benchmark": "encode", "error": "ffmpeg is not on PATH"}))
        return 1

    count = args.seconds * FPS
    frames = make_frames(count)
    audio = make_audio(count)
    clip = Clip(frames=ArrayFrames(frames), audio=audio, fps=FPS, metadata=ClipMetadata("benchmark", "0", 0))
    options = EncodeOptions()
    mutoscope_times: list[Timing] = []
    ffmpeg_times: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="mutoscope-bench-") as folder:
        root = Path(folder)
        audio_file = root / "audio.f32le"
        np.ascontiguousarray(audio.T).tofile(audio_file)
        command = ffmpeg_command(options, audio_file, root / "ffmpeg.mp4")
        for _ in range(args.rounds):
            mutoscope_times.append(run_mutoscope(clip, root / "mutoscope.mp4"))
            ffmpeg_times.append(run_ffmpeg(frames, command))
        sizes = {name: (root / f"{name}.mp4").stat().st_size for name in ("mutoscope", "ffmpeg")}

    (mutoscope_s, mutoscope_cpu_s), (ffmpeg_s, ffmpeg_cpu_s) = min(mutoscope_times), min(ffmpeg_times)
    result = {
        "benchmark": "encode",
        "frames": count,
        "size": f"{WIDTH}x{HEIGHT}",
        "fps": FPS,
        "duration_s": args.seconds,
        "crf": options.crf,
        "preset": options.preset,
        "threads": options.threads,
        "rounds": args.rounds,
        "mutoscope_wall_s": round(mutoscope_s, 3),
        "mutoscope_fps": round(count / mutoscope_s, 1),
        "mutoscope_cpu_s": round(mutoscope_cpu_s, 3),
        "mutoscope_bytes": sizes["mutoscope"],
        "ffmpeg_wall_s": round(ffmpeg_s, 3),
        "ffmpeg_fps": round(count / ffmpeg_s, 1),
        "ffmpeg_cpu_s": round(ffmpeg_cpu_s, 3),
        "ffmpeg_bytes": sizes["ffmpeg"],
        "ratio": round(ffmpeg_s / mutoscope_s, 3),
        "realtime_factor": round(args.seconds / mutoscope_s, 2),
        "all_mutoscope_wall_s": [round(wall, 3) for wall, _ in mutoscope_times],
        "all_ffmpeg_wall_s": [round(wall, 3) for wall, _ in ffmpeg_times],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
