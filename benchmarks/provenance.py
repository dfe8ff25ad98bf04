"""Benchmark: provenance evidence, one JSON line per figure.

What it measures (issue 8, Provenance):
- `sources`: N procedural clips made through `engine.generate` with the real provenance stages (invisible
  frame and audio marks, visible badge, fingerprints, C2PA), indexed in a real SQLite fingerprint index;
- `attack`: for each source, copies re-encoded at crf 35, scaled to 0.5×, cropped by 10 % (off centre), with
  the audio re-encoded (AAC 64 kbps, 44.1 kHz), and screen-recording-like (30 fps, Gaussian blur σ=1, crf 28),
  each checked exactly as the API does (`inspection.inspect_media` + `index.trace`): reverse-search hits,
  wrong hits, payload recovery from frames and from sound, and (`muted_*`) what frames alone find when the
  copy's sound is ignored;
- `unrelated`: M procedural clips that were never indexed (low resolution), checked the same way: any
  fingerprint or watermark match is a false match;
- `psnr`: the invisible frame mark alone, on the sources' frames;
- `c2pa`: a source reads `trusted`, a tampered copy `invalid`;
- `overhead`: a 12 s 720p procedural generation with and without the provenance stages (alternating runs,
  medians of wall and CPU time).

    .venv/bin/python benchmarks/provenance.py [--sources 50] [--unrelated 1000] [--skip-overhead | --only-overhead]

Needs the `ffmpeg` tool for the attacks (installed by `make system-deps`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from mutoscope.db import open_database
from mutoscope.engine import GenerationRequest, discover, generate
from mutoscope.engine.backend import Backend
from mutoscope.engine.media.encode import EncodeOptions
from mutoscope.provenance.codes import payload_hex, payload_of
from mutoscope.provenance.credentials import ensure_credentials
from mutoscope.provenance.inspection import Inspection, MediaLimits, inspect_media
from mutoscope.provenance.keyring import WatermarkKey
from mutoscope.provenance.manifest import read_manifest
from mutoscope.provenance.marked_frames import RGB, PatternOp
from mutoscope.provenance.stages import MarkedVideo, Provenance, stage_reports
from mutoscope.server.accounts.models import User
from mutoscope.server.generations.models import Video
from mutoscope.server.provenance import index
from mutoscope.server.tables import metadata

SUBJECTS = (
    "a dog",
    "a cat",
    "two children",
    "an old man",
    "a red car",
    "a horse",
    "a robot",
    "a woman in a blue coat",
    "a basketball",
    "a skateboarder",
    "a bird",
    "three friends",
    "a chef",
    "a fox",
    "a cyclist",
    "a drummer",
)
ACTIONS = (
    "runs",
    "jumps over a box",
    "dances",
    "walks slowly",
    "chases a ball",
    "waves",
    "spins around",
    "falls down",
    "sits on a bench",
    "plays with a frisbee",
    "rides past",
    "climbs a rock",
)
PLACES = (
    "on a beach",
    "in a snowy city street",
    "in a forest",
    "in a park",
    "on a rooftop",
    "in a desert",
    "in a kitchen",
    "on a farm",
    "by a lake",
    "in a stadium",
    "on a mountain",
    "in a library",
)
TIMES = ("at sunset", "at night", "at dawn", "on a sunny day", "in the rain", "under a grey sky")
STYLES = ("", ", cartoon style", ", noir style", ", anime style", ", claymation style", ", sketch style")
LINES = ("", ' and says "Hello there!"', ' while someone shouts "Look out!"', " and laughs")

ATTACKS: dict[str, list[str]] = {
    "crf35": ["-c:v", "libx264", "-crf", "35", "-c:a", "copy"],
    "scale_half": ["-vf", "scale=iw/2:ih/2", "-c:v", "libx264", "-crf", "23", "-c:a", "copy"],
    "crop_10pct": [
        "-vf",
        "crop=iw*0.9:ih*0.9:iw*0.03:ih*0.07",
        "-c:v",
        "libx264",
        "-crf",
        "23",
        "-c:a",
        "copy",
    ],
    "audio_reencode": ["-c:v", "copy", "-c:a", "aac", "-b:a", "64k", "-ar", "44100"],
    "screen_recording": [
        "-vf",
        "fps=30,gblur=sigma=1",
        "-c:v",
        "libx264",
        "-crf",
        "28",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
    ],
}
LIMITS = MediaLimits(max_bytes=200 * 1024**2, max_duration_s=130.0, max_pixels=3840 * 2160)


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def prompt_for(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(ACTIONS)} {rng.choice(PLACES)} {rng.choice(TIMES)}"
        f"{rng.choice(LINES)}{rng.choice(STYLES)}"
    )


def video_id_for(kind: str, index_: int) -> str:
    return f"video_{random.Random(f'{kind}-{index_}').getrandbits(128):032x}"


def ffmpeg(source: Path, target: Path, args: list[str]) -> None:
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-i", str(source), *args, str(target)], check=True, timeout=600
    )


class Index:
    """A real SQLite database with the server's tables: the fingerprint index the API searches."""

    def __init__(self, folder: Path) -> None:
        self.db = open_database(f"sqlite:///{folder / 'index.db'}")
        metadata.create_all(self.db.engine)
        with self.db.write_session() as session:
            session.add(User(id="user_bench", handle="bench"))

    def add(self, video_id: str, prompt: str, report: dict[str, Any]) -> None:
        with self.db.write_session() as session:
            session.add(
                Video(
                    id=video_id,
                    owner_id="user_bench",
                    model="procedural",
                    backend="procedural",
                    mode="create",
                    prompt=prompt,
                    seconds="8",
                    size="640x360",
                    seed=0,
                )
            )
            session.flush()
            index.index_report(session, video_id, report, generated_at=dt.datetime.now(dt.UTC))

    def lookup(self, found: Inspection) -> dict[str, Any]:
        """What the API would answer: fingerprint match, and the payloads that name indexed videos."""
        with self.db.session() as session:
            best = index.trace(session, found.frame_hashes, found.audio_hashes)
            # The same upload with its sound removed: what frames alone decide.
            muted = index.trace(session, found.frame_hashes, [])
            payloads = [payload_hex(r.payload) for r in found.frame_payloads]
            audio_payloads = [payload_hex(r.payload) for r in found.audio_payloads]
            known = index.videos_by_payload(session, payloads + audio_payloads)
        return {
            "fingerprint": best.video_id if best is not None else None,
            "fingerprint_by": (best.kind + ("+corroborated" if best.corroborated else "")) if best else None,
            "fingerprint_muted": muted.video_id if muted is not None else None,
            "frame_mark": next((known[p][0] for p in payloads if p in known), None),
            "audio_mark": next((known[p][0] for p in audio_payloads if p in known), None),
            "frame_payloads": payloads,
            "audio_payloads": audio_payloads,
        }


def make_sources(
    args: argparse.Namespace, provenance: Provenance, backend: Backend, folder: Path, store: Index
) -> list[tuple[str, Path]]:
    rng = random.Random(1)
    sources = []
    psnrs = []
    for number in range(args.sources):
        video_id = video_id_for("source", number)
        prompt = prompt_for(rng)
        request = GenerationRequest(
            prompt=prompt, width=args.width, height=args.height, duration_s=args.seconds, fps=24, seed=number
        )
        stages = provenance.stages(MarkedVideo(video_id=video_id, creator_handle=f"creator{number}"))
        path = folder / f"source-{number}.mp4"
        result = generate(request, backend="procedural", instance=backend, stages=stages, output=path)
        store.add(video_id, prompt, stage_reports(stages))
        sources.append((video_id, path))
        psnrs.append(mark_psnr(provenance, backend, request))
        del result
    emit(
        metric="psnr",
        what="invisible frame mark alone, 8 frames per source",
        sources=len(psnrs),
        mean_db=round(statistics.mean(psnrs), 2),
        min_db=round(min(psnrs), 2),
        target_db=38.0,
        passed=min(psnrs) >= 38.0,
    )
    return sources


def mark_psnr(provenance: Provenance, backend: Backend, request: GenerationRequest) -> float:
    clip = backend.generate(request, _context(request))
    pattern = provenance.frame_mark.pattern(payload_of("psnr"), clip.width, clip.height)
    op = PatternOp(pattern)
    errors = []
    for index_ in clip.frames.sample_indices(8):
        frame = clip.frames.frame(index_)
        marked = np.empty_like(frame)
        op.apply(index_, frame, marked, RGB)
        errors.append(np.mean((marked.astype(np.float64) - frame) ** 2))
    return float(10 * np.log10(255**2 / max(float(np.mean(errors)), 1e-12)))


def _context(request: GenerationRequest) -> Any:
    from mutoscope.engine.backend import RunContext

    return RunContext(seed=request.seed or 0, device="cpu")


def run_attacks(sources: list[tuple[str, Path]], provenance: Provenance, folder: Path, store: Index) -> None:
    anchors = provenance.credentials.trust_anchors_pem if provenance.credentials else b""
    for attack, ffmpeg_args in ATTACKS.items():
        found = wrong = frame_ok = audio_ok = corroborated = muted_found = muted_wrong = 0
        started = time.perf_counter()
        for video_id, path in sources:
            copy = folder / f"{attack}.mp4"
            ffmpeg(path, copy, ffmpeg_args)
            inspection = inspect_media(
                copy.read_bytes(),
                frame_mark=provenance.frame_mark,
                audio_mark=provenance.audio_mark,
                trust_anchors_pem=anchors,
                limits=LIMITS,
            )
            answer = store.lookup(inspection)
            found += answer["fingerprint"] == video_id
            wrong += answer["fingerprint"] not in (None, video_id)
            corroborated += answer["fingerprint"] == video_id and "+corroborated" in answer["fingerprint_by"]
            muted_found += answer["fingerprint_muted"] == video_id
            muted_wrong += answer["fingerprint_muted"] not in (None, video_id)
            frame_ok += payload_hex(payload_of(video_id)) in answer["frame_payloads"]
            audio_ok += payload_hex(payload_of(video_id)) in answer["audio_payloads"]
        count = len(sources)
        emit(
            metric="attack",
            attack=attack,
            copies=count,
            reverse_search_found=round(found / count, 4),
            reverse_search_wrong=wrong,
            frames_corroborated=corroborated,
            muted_copy_found=round(muted_found / count, 4),
            muted_copy_wrong=muted_wrong,
            frame_mark_payload_recovered=round(frame_ok / count, 4),
            audio_mark_payload_recovered=round(audio_ok / count, 4),
            seconds_per_check=round((time.perf_counter() - started) / count, 2),
            passed=found / count >= 0.99 and wrong == 0,
        )


def run_unrelated(
    args: argparse.Namespace, provenance: Provenance, backend: Backend, folder: Path, store: Index
) -> None:
    rng = random.Random(2)
    false_prints = false_marks = false_muted = 0
    started = time.perf_counter()
    anchors = provenance.credentials.trust_anchors_pem if provenance.credentials else b""
    options = EncodeOptions(preset="ultrafast")
    for number in range(args.unrelated):
        request = GenerationRequest(
            prompt=prompt_for(rng),
            width=256,
            height=144,
            duration_s=args.unrelated_seconds,
            fps=24,
            seed=10_000 + number,
        )
        path = folder / "unrelated.mp4"
        generate(request, backend="procedural", instance=backend, output=path, encode_options=options)
        inspection = inspect_media(
            path.read_bytes(),
            frame_mark=provenance.frame_mark,
            audio_mark=provenance.audio_mark,
            trust_anchors_pem=anchors,
            limits=LIMITS,
        )
        answer = store.lookup(inspection)
        false_prints += answer["fingerprint"] is not None
        false_muted += answer["fingerprint_muted"] is not None
        false_marks += bool(answer["frame_mark"] or answer["audio_mark"])
        if (number + 1) % 100 == 0:
            print(f"# unrelated {number + 1}/{args.unrelated}", file=sys.stderr, flush=True)
    emit(
        metric="unrelated",
        clips=args.unrelated,
        size="256x144",
        seconds=args.unrelated_seconds,
        false_fingerprint_matches=false_prints,
        false_watermark_matches=false_marks,
        false_matches_if_muted=false_muted,
        seconds_per_clip=round((time.perf_counter() - started) / max(args.unrelated, 1), 2),
        passed=false_prints == 0 and false_marks == 0,
    )


def run_c2pa(sources: list[tuple[str, Path]], provenance: Provenance) -> None:
    anchors = provenance.credentials.trust_anchors_pem if provenance.credentials else b""
    video_id, path = sources[0]
    clean = read_manifest(path.read_bytes(), "video/mp4", trust_anchors_pem=anchors)
    data = bytearray(path.read_bytes())
    middle = data.index(b"mdat") + 4096
    for offset in range(16):
        data[middle + offset] ^= 0x5A
    tampered = read_manifest(bytes(data), "video/mp4", trust_anchors_pem=anchors)
    emit(
        metric="c2pa",
        clean_state=clean.state if clean else None,
        clean_video_id_matches=bool(clean and clean.video_id == video_id),
        tampered_state=tampered.state if tampered else None,
        passed=bool(clean and clean.state == "trusted" and tampered and tampered.state == "invalid"),
    )


def run_overhead(provenance: Provenance, backend: Backend, folder: Path, repeats: int) -> None:
    prompt = (
        "On a beach at sunset a dog runs and a basketball bounces while Maria says "
        '"What a beautiful evening, look at the waves!" and John answers '
        '"Let us stay until the stars come out."'
    )
    request = GenerationRequest(prompt=prompt, width=1280, height=720, duration_s=12.0, fps=24, seed=1)
    timings: dict[str, list[tuple[float, float]]] = {"plain": [], "provenance": []}
    for repeat in range(repeats):
        for label in ("plain", "provenance") if repeat % 2 == 0 else ("provenance", "plain"):
            stages = (
                provenance.stages(MarkedVideo(video_id_for("overhead", repeat), "maria"))
                if label == "provenance"
                else None
            )
            before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            generate(request, backend="procedural", instance=backend, stages=stages, output=folder / "o.mp4")
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            timings[label].append((wall, cpu))
    plain_wall = statistics.median(w for w, _ in timings["plain"])
    plain_cpu = statistics.median(c for _, c in timings["plain"])
    marked_wall = statistics.median(w for w, _ in timings["provenance"])
    marked_cpu = statistics.median(c for _, c in timings["provenance"])
    emit(
        metric="overhead",
        clip="12 s 1280x720 procedural",
        repeats=repeats,
        plain_wall_s=round(plain_wall, 2),
        provenance_wall_s=round(marked_wall, 2),
        added_wall_pct=round((marked_wall / plain_wall - 1) * 100, 1),
        plain_cpu_s=round(plain_cpu, 2),
        provenance_cpu_s=round(marked_cpu, 2),
        added_cpu_pct=round((marked_cpu / plain_cpu - 1) * 100, 1),
        target_pct=20.0,
        passed=(marked_cpu / plain_cpu - 1) * 100 <= 20.0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--unrelated", type=int, default=1000)
    parser.add_argument("--unrelated-seconds", type=float, default=3.0)
    parser.add_argument("--overhead-repeats", type=int, default=4)
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--only-overhead", action="store_true", help="measure the time budget alone")
    args = parser.parse_args()

    backend = discover().get("procedural").load()
    with tempfile.TemporaryDirectory(prefix="mutoscope-bench-prov-") as temp:
        folder = Path(temp)
        provenance = Provenance(
            WatermarkKey(b"benchmark-watermark-key!"), ensure_credentials(folder / "c2pa")
        )
        if args.only_overhead:
            run_overhead(provenance, backend, folder, args.overhead_repeats)
            backend.close()
            return
        store = Index(folder)
        started = time.perf_counter()
        sources = make_sources(args, provenance, backend, folder, store)
        emit(
            metric="sources",
            clips=len(sources),
            size=f"{args.width}x{args.height}",
            seconds=args.seconds,
            generation_s=round(time.perf_counter() - started, 1),
        )
        run_c2pa(sources, provenance)
        run_attacks(sources, provenance, folder, store)
        run_unrelated(args, provenance, backend, folder, store)
        if not args.skip_overhead:
            run_overhead(provenance, backend, folder, args.overhead_repeats)
        store.db.dispose()
    backend.close()


if __name__ == "__main__":
    main()
