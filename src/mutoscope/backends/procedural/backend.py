"""The procedural backend's instance: runs plan → simulate → sound → render → mix for one request.

Frames come back lazily (the renderer draws frame `i` when the encoder asks for it), so a 1080p clip never sits
in memory whole. The clip's metadata carries the scene JSON (so remix, extend and edit can start from the
parent's recorded world) and the spoken lines with word timings (for subtitles).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from mutoscope.backends.procedural.plan import (
    edit_scene,
    extend_scene,
    plan_from_json,
    plan_scene,
    remix_scene,
)
from mutoscope.backends.procedural.render import Renderer
from mutoscope.backends.procedural.scene import Scene
from mutoscope.backends.procedural.simulate import BodyState, final_states, simulate
from mutoscope.backends.procedural.sound import mix, render_ambience, render_foley, synthesize_speech
from mutoscope.backends.procedural.spec import SPEC, ProceduralOptions
from mutoscope.backends.procedural.track import SpeechTrack
from mutoscope.engine.backend import RunContext
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.request import GenerationRequest

logger = logging.getLogger(__name__)
STAGES = 4  # plan, simulate, sound, prepare render (rendering itself runs while the engine encodes)


class ProceduralBackend:
    def __init__(self, options: ProceduralOptions) -> None:
        self.options = options

    def generate(self, request: GenerationRequest, ctx: RunContext) -> Clip:
        scene = self._plan(request, ctx.seed)
        ctx.progress(1, STAGES)
        ctx.check_cancelled()
        track = simulate(
            scene,
            fps=request.fps,
            frame_count=request.frame_count,
            aspect=request.width / request.height,
            start=self._start_state(request),
        )
        ctx.progress(2, STAGES)
        ctx.check_cancelled()
        speech = synthesize_speech(scene, fps=request.fps, frame_count=request.frame_count)
        rng = ctx.rng()
        foley = render_foley(track, scene, sample_count=request.sample_count, rng=rng)
        ambience = render_ambience(scene, sample_count=request.sample_count, rng=rng)
        audio = mix(speech=speech, scene=scene, foley=foley, ambience=ambience, track=track)
        ctx.progress(3, STAGES)
        ctx.check_cancelled()
        renderer = Renderer(
            scene,
            track,
            width=request.width,
            height=request.height,
            style=scene.style,
            mouth_open=speech.mouth_open,
            characters={c.id: c for c in request.characters},
            captions=_captions(speech) if self.options.subtitles else (),
            motion_blur=self.options.motion_blur,
            first_frame=request.first_frame,
        )
        ctx.progress(4, STAGES)
        return Clip(
            frames=renderer.frames(),
            audio=audio,
            fps=request.fps,
            metadata=ClipMetadata(
                backend=SPEC.name,
                backend_version=SPEC.version,
                seed=ctx.seed,
                options=self.options.model_dump(),
                config_hash=_config_hash(scene, request),
                extra={"scene": scene.to_dict(), "dialogue": _dialogue(speech)},
            ),
        )

    def close(self) -> None:
        """Nothing heavy is held between jobs."""

    def _plan(self, request: GenerationRequest, seed: int) -> Scene:
        if self.options.scene is not None:
            return plan_from_json(self.options.scene)
        parent = _parent_scene(request)
        if parent is not None and request.mode == "remix":
            return remix_scene(parent, request.prompt, seed=seed)
        if parent is not None and request.mode == "extend":
            return extend_scene(parent, request.prompt, request.duration_s)
        if parent is not None and request.mode == "edit":
            return edit_scene(parent, request.prompt)
        return plan_scene(
            request.prompt,
            duration_s=request.duration_s,
            seed=seed,
            style=request.style,
            shots=[(shot.prompt, shot.duration_s) for shot in request.shots],
            characters=request.characters,
            negative_prompt=request.negative_prompt,
        )

    def _start_state(self, request: GenerationRequest) -> Mapping[str, BodyState] | None:
        """For an extend, re-simulate the parent's recorded world and continue from its last state."""
        parent = _parent_scene(request)
        if request.mode != "extend" or parent is None or request.parent is None:
            return None
        clip = request.parent.clip
        parent_track = simulate(
            parent, fps=clip.fps, frame_count=clip.frame_count, aspect=clip.width / clip.height
        )
        return final_states(parent_track)


def _parent_scene(request: GenerationRequest) -> Scene | None:
    if request.parent is None:
        return None
    recorded = request.parent.clip.metadata.extra.get("scene")
    if not isinstance(recorded, Mapping):
        logger.info("parent clip has no recorded scene; planning %s from the prompt alone", request.mode)
        return None
    return Scene.from_dict(recorded)


def _dialogue(speech: SpeechTrack) -> list[dict[str, Any]]:
    return [
        {
            "speaker": line.speaker,
            "text": line.text,
            "language": line.language,
            "start_s": line.start_s,
            "end_s": line.end_s,
            "words": [{"text": w.text, "start_s": w.start_s, "end_s": w.end_s} for w in line.words],
        }
        for line in speech.lines
    ]


def _captions(speech: SpeechTrack) -> list[tuple[float, float, str]]:
    return [(line.start_s, line.end_s, line.text) for line in speech.lines]


def _config_hash(scene: Scene, request: GenerationRequest) -> str:
    key = f"{SPEC.version}|{scene.to_json(indent=None)}|{request.width}x{request.height}@{request.fps}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def load(options: ProceduralOptions, device: str) -> ProceduralBackend:
    del device  # CPU only
    return ProceduralBackend(options)
