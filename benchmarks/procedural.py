"""Benchmark: procedural backend wall time ÷ clip duration, MP4 encode included, one JSON line per case.

The backend is loaded once before the clip (as a worker keeps it warm); its load time is reported apart.
Each case runs in a fresh subprocess so its peak memory (ru_maxrss) is its own. Targets (issue: procedural
backend): ratio ≤ 0.5 at 720p (both orientations), ≤ 1.0 at 1080p, peak memory ≤ 1.5 GB.

`cpu_s` is the process's CPU time (all threads: rendering, x264, muxing) over the same span. When other work
shares the machine the wall-clock ratio swings widely; `cpu_s / 2` is what the clip costs two idle cores, so
compare that across runs taken on a busy machine.

    .venv/bin/python benchmarks/procedural.py [--seconds 12]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPT = (
    'On a beach at sunset a dog runs and a basketball bounces while Maria says "What a beautiful evening, '
    'look at the waves!" and John answers "Let us stay until the stars come out."'
)
CASES = (
    ("720p_landscape", 1280, 720, 0.5),
    ("720p_portrait", 720, 1280, 0.5),
    ("1080p_landscape", 1920, 1080, 1.0),
)
MEMORY_TARGET_MB = 1536


def run_case(name: str, width: int, height: int, seconds: float) -> dict[str, object]:
    from mutoscope.engine import GenerationRequest, discover, generate

    # Workers keep a backend warm between jobs, so the per-clip figure excludes the one-off load (imports),
    # which is reported on its own.
    started = time.perf_counter()
    backend = discover().get("procedural").load()
    load_s = time.perf_counter() - started
    request = GenerationRequest(prompt=PROMPT, width=width, height=height, duration_s=seconds, fps=24, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        cpu_before = _cpu_s()
        started = time.perf_counter()
        result = generate(request, backend="procedural", instance=backend, output=Path(tmp) / "out.mp4")
        wall_s = time.perf_counter() - started
        cpu_s = _cpu_s() - cpu_before
        size_bytes = (Path(tmp) / "out.mp4").stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "case": name,
        "width": width,
        "height": height,
        "clip_s": seconds,
        "wall_s": round(wall_s, 3),
        "ratio": round(wall_s / seconds, 3),
        "cpu_s": round(cpu_s, 3),
        "cold_load_s": round(load_s, 3),
        "timings_s": {k: round(v, 3) for k, v in result.timings_s.items()},
        "peak_rss_mb": round(peak_mb, 1),
        "mp4_bytes": size_bytes,
    }


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--case", help="run one case in this process (used internally)")
    args = parser.parse_args()
    if args.case:
        name, width, height, _ = next(c for c in CASES if c[0] == args.case)
        print(json.dumps(run_case(name, width, height, args.seconds)))
        return
    for name, _, _, target in CASES:
        out = subprocess.run(
            [sys.executable, __file__, "--case", name, "--seconds", str(args.seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
        line = json.loads(out.stdout.strip().splitlines()[-1])
        line["target_ratio"] = target
        line["pass"] = line["ratio"] <= target and line["peak_rss_mb"] <= MEMORY_TARGET_MB
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
