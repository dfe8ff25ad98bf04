"""The engine: the torch-free core every generation goes through.

It owns the request and clip values, the backend contract and registry, the timebase, media encoding and
decoding (PyAV), and `generate()`, the single path that checks, screens, runs, marks and encodes. It must not
import torch, diffusers, ray, fastapi, sqlalchemy, any backend, the jobs layer or the server (import-linter
enforces this).
"""

from mutoscope.engine.backend import (
    Backend,
    BackendOptions,
    BackendSpec,
    Capabilities,
    RunContext,
)
from mutoscope.engine.clip import Clip, ClipMetadata, silent_audio
from mutoscope.engine.frames import ArrayFrames, FrameSequence, LazyFrames
from mutoscope.engine.generate import GenerationResult, generate
from mutoscope.engine.registry import BackendRegistry, discover
from mutoscope.engine.request import (
    Appearance,
    CharacterRef,
    GenerationRequest,
    ParentClip,
    Shot,
    VoiceProfile,
)
from mutoscope.engine.stages import Stages

__all__ = [
    "Appearance",
    "ArrayFrames",
    "Backend",
    "BackendOptions",
    "BackendRegistry",
    "BackendSpec",
    "Capabilities",
    "CharacterRef",
    "Clip",
    "ClipMetadata",
    "FrameSequence",
    "GenerationRequest",
    "GenerationResult",
    "LazyFrames",
    "ParentClip",
    "RunContext",
    "Shot",
    "Stages",
    "VoiceProfile",
    "discover",
    "generate",
    "silent_audio",
]
