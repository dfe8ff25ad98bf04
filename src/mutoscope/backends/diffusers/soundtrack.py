"""The soundtrack of a silent model's clip: mutoscope's own sound stage (ambience and dialogue speech).

Wan makes pictures only. Its sound comes from the `procedural` backend's sound stage, reached through the
engine's registry like any other backend (never imported: backends stay independent of each other). The
procedural clip's frames are lazy and never drawn, so this costs its planning, simulation and audio only.
"""

from __future__ import annotations

from mutoscope.engine.backend import RunContext
from mutoscope.engine.clip import Audio
from mutoscope.engine.registry import discover
from mutoscope.engine.request import GenerationRequest

SOUND_BACKEND = "procedural"
# A rate the sound stage supports that is a multiple of each silent model's rate, so that any whole number of
# the model's frames is a whole number of the sound stage's frames (and the same number of audio samples).
SOUND_FPS = 48


def soundtrack(request: GenerationRequest, ctx: RunContext) -> Audio:
    """Ambience and dialogue for `request`'s prompt, exactly as long as the request."""
    spec = discover().get(SOUND_BACKEND)
    frames = request.frame_count * SOUND_FPS // request.fps
    sound_request = GenerationRequest(
        prompt=request.prompt,
        negative_prompt=request.negative_prompt,
        width=request.width,
        height=request.height,
        duration_s=frames / SOUND_FPS,
        fps=SOUND_FPS,
        seed=ctx.seed,
    )
    backend = spec.load({}, "cpu")
    try:
        clip = backend.generate(sound_request, RunContext(seed=ctx.seed, is_cancelled=ctx.is_cancelled))
    finally:
        backend.close()
    return clip.audio
