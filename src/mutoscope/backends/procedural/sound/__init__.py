"""The sound stage of the procedural backend: dialogue, foley, ambience and the mix.

It consumes a `Scene` (and the simulated `WorldTrack`) and produces 48 kHz audio: `synthesize_speech` speaks
the dialogue through espeak-ng with word timings and per-frame mouth openings, `render_foley` turns contact
events and moving bodies into sound at the exact samples they happen, `render_ambience` lays the setting's
background, and `mix` puts them together without clipping.
"""

from .ambience import render_ambience
from .espeak import EspeakMissingError, SpeechSynthesisError
from .foley import render_foley
from .mix import mix
from .speech import synthesize_speech

__all__ = [
    "EspeakMissingError",
    "SpeechSynthesisError",
    "mix",
    "render_ambience",
    "render_foley",
    "synthesize_speech",
]
