"""espeak-ng as the sound stage sees it: which voice speaks a line, and the synthesized samples with timings.

The library itself runs in a separate host process (`espeak_host.py`, one per batch of lines, forking a
pristine child per line) because its C globals carry state from one utterance to the next; that is what makes
the same text and voice give the same samples whatever was spoken before. This module builds the requests,
parses the host's frames into word and phoneme marks (sample positions at espeak's native rate), and turns a
missing library into an error that says how to install it.
"""

from __future__ import annotations

import json
import logging
import struct
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mutoscope.errors import BackendError, InvalidRequestError, MissingDependencyError, MutoscopeError

from ..scene import Voice

logger = logging.getLogger(__name__)

HOST_SCRIPT = Path(__file__).with_name("espeak_host.py")
HOST_TIMEOUT_S = 120.0
EXIT_MISSING = 3
EVENT_WORD = 1
EVENT_PHONEME = 7

# espeak-ng voice for each language code a scene may use. Mandarin uses the pinyin voice: the plain `cmn`
# voice of espeak-ng 1.51 reads tone numbers as English digits.
LANGUAGE_VOICES: dict[str, str] = {
    "en": "en-us",
    "en-us": "en-us",
    "en-gb": "en",
    "es": "es",
    "es-419": "es-419",
    "fr": "fr",
    "de": "de",
    "it": "it",
    "pt": "pt",
    "pt-br": "pt-br",
    "zh": "cmn-latn-pinyin",
    "cmn": "cmn-latn-pinyin",
    "yue": "yue",
    "ja": "ja",
    "ko": "ko",
    "ru": "ru",
    "nl": "nl",
    "pl": "pl",
    "sv": "sv",
    "tr": "tr",
    "ar": "ar",
    "hi": "hi",
    "vi": "vi",
    "el": "el",
    "cs": "cs",
    "da": "da",
    "fi": "fi",
    "uk": "uk",
}
# `espeak_SetVoiceByName` matches voice file names; these language codes from `espeak-ng --voices` are not
# file names in espeak-ng 1.51.
VOICE_ALIASES: dict[str, str] = {
    "en-gb": "en",
    "fr-fr": "fr",
    "cmn": "cmn-latn-pinyin",
    "zh": "cmn-latn-pinyin",
}
# Variants given to speakers without a voice, so two of them never sound alike.
DEFAULT_VARIANTS = ("m3", "f2", "m1", "f4", "m5", "f1")
PITCH_RANGE = 50  # espeak's default intonation range; Voice has no field for it
MIN_RATE_WPM, MAX_RATE_WPM = 80, 450


class EspeakMissingError(MissingDependencyError):
    """libespeak-ng (a system package, not a Python one) is not installed."""

    def __init__(self, detail: str) -> None:
        MutoscopeError.__init__(
            self,
            f"Speech synthesis needs the espeak-ng library, which is not available ({detail}). "
            "Install it with: apt-get install espeak-ng (macOS: brew install espeak-ng)",
        )
        self.package = "espeak-ng"
        self.extra = ""


class SpeechSynthesisError(BackendError):
    """espeak-ng failed on a line (the message says which and why)."""

    code = "speech_synthesis_failed"


@dataclass(frozen=True, slots=True)
class SynthesisRequest:
    voice: str  # espeak voice name, with an optional "+variant"
    text: str
    rate_wpm: int
    pitch: int  # 0-99
    pitch_range: int = PITCH_RANGE  # 0-99


@dataclass(frozen=True, slots=True)
class WordMark:
    text: str
    sample: int  # at the synthesis sample rate, from the start of the line


@dataclass(frozen=True, slots=True)
class PhonemeMark:
    phoneme: str  # IPA; "" marks a pause
    sample: int


@dataclass(frozen=True, slots=True, eq=False)
class Synthesis:
    """One line as espeak-ng spoke it: mono int16 samples and where each word and phoneme starts."""

    sample_rate_hz: int
    pcm: npt.NDArray[np.int16]
    words: tuple[WordMark, ...]
    phonemes: tuple[PhonemeMark, ...]


def espeak_voice_for(voice: Voice | None, language: str, speaker_index: int) -> str:
    """The espeak voice name that speaks `language` for a speaker, keeping the speaker's variant."""
    language = language.strip().lower() or "en"
    if voice is None:
        base = LANGUAGE_VOICES.get(language, language)
        return f"{base}+{DEFAULT_VARIANTS[speaker_index % len(DEFAULT_VARIANTS)]}"
    base, _, variant = voice.espeak_voice.partition("+")
    speaks_language = (
        voice.language.lower() == language or base.lower().split("-")[0] == language.split("-")[0]
    )
    if not speaks_language:
        base = LANGUAGE_VOICES.get(language, language)
    base = VOICE_ALIASES.get(base.lower(), base)
    return f"{base}+{variant}" if variant else base


def request_for(voice: Voice | None, text: str, language: str, speaker_index: int) -> SynthesisRequest:
    rate = voice.rate_wpm if voice is not None else Voice().rate_wpm
    pitch = voice.pitch if voice is not None else Voice().pitch
    return SynthesisRequest(
        voice=espeak_voice_for(voice, language, speaker_index),
        text=clean_text(text),
        rate_wpm=min(max(rate, MIN_RATE_WPM), MAX_RATE_WPM),
        pitch=min(max(pitch, 0), 99),
    )


def clean_text(text: str) -> str:
    """Control characters would end the C string early or be read as commands; spaces do neither."""
    return "".join(" " if (ord(ch) < 32 or ch == "\x7f") else ch for ch in text).strip()


def synthesize(requests: Sequence[SynthesisRequest]) -> list[Synthesis]:
    """Speak every request through one espeak host process; results come back in request order."""
    if not requests:
        return []
    payload = "".join(
        json.dumps(
            {
                "voice": r.voice,
                "text": r.text,
                "rate_wpm": r.rate_wpm,
                "pitch": r.pitch,
                "range": r.pitch_range,
            }
        )
        + "\n"
        for r in requests
    ).encode()
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(HOST_SCRIPT)],
            input=payload,
            capture_output=True,
            timeout=HOST_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SpeechSynthesisError(f"espeak-ng did not finish within {HOST_TIMEOUT_S:g} s") from exc
    frames = parse_frames(done.stdout)
    if frames and frames[0][0].get("error") == "missing":
        raise EspeakMissingError(str(frames[0][0].get("detail", "")))
    if len(frames) != len(requests):
        stderr = done.stderr.decode("utf-8", "replace").strip()[-500:]
        raise SpeechSynthesisError(
            f"espeak-ng host returned {len(frames)} of {len(requests)} lines "
            f"(exit status {done.returncode}): {stderr}"
        )
    return [
        to_synthesis(request, header, pcm) for request, (header, pcm) in zip(requests, frames, strict=True)
    ]


def parse_frames(data: bytes) -> list[tuple[dict[str, Any], bytes]]:
    frames: list[tuple[dict[str, Any], bytes]] = []
    offset = 0
    while offset + 4 <= len(data):
        (header_len,) = struct.unpack_from("<I", data, offset)
        offset += 4
        header = json.loads(data[offset : offset + header_len])
        offset += header_len
        (pcm_len,) = struct.unpack_from("<I", data, offset)
        offset += 4
        frames.append((header, data[offset : offset + pcm_len]))
        offset += pcm_len
    return frames


def to_synthesis(request: SynthesisRequest, header: dict[str, Any], pcm: bytes) -> Synthesis:
    error = header.get("error")
    if error == "voice":
        raise InvalidRequestError(
            f"{header.get('detail')}; list the installed voices with `espeak-ng --voices`",
            param="voice.espeak_voice",
        )
    if error is not None:
        raise SpeechSynthesisError(f"espeak-ng failed on {request.text[:40]!r}: {header.get('detail')}")
    words: list[WordMark] = []
    phonemes: list[PhonemeMark] = []
    for kind, sample, position, length, phoneme in header["events"]:
        if kind == EVENT_WORD and length > 0:
            # espeak counts characters from 1 in the text it was given.
            words.append(WordMark(request.text[position - 1 : position - 1 + length], int(sample)))
        elif kind == EVENT_PHONEME:
            phonemes.append(PhonemeMark(str(phoneme), int(sample)))
    return Synthesis(
        sample_rate_hz=int(header["sample_rate"]),
        pcm=np.frombuffer(pcm, dtype="<i2").astype(np.int16),
        words=tuple(words),
        phonemes=tuple(phonemes),
    )
