"""Dialogue: a scene's lines spoken by their speakers' voices and laid out on the clip's 48 kHz timeline.

Owns the layout rules: lines are placed in order of their planned start, never overlapping (a line that would
start before the previous one ended is moved later), and a line that would run past the clip end is cut with a
short fade (and logged). From espeak's word and phoneme marks it derives the word timings for subtitles and
each speaker's per-frame mouth opening. The samples themselves come from `espeak.py`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

from mutoscope.engine.timebase import AUDIO_SAMPLE_RATE_HZ, samples_per_frame
from mutoscope.errors import InvalidRequestError

from ..scene import DialogueLine, Scene
from ..track import F32, SpeechTrack, SpokenLine, SpokenWord
from . import espeak
from .visemes import PhonemeSpan, mouth_curve

logger = logging.getLogger(__name__)

LINE_GAP_S = 0.12  # the pause left between two lines when one had to be moved later
MIN_LINE_S = 0.1  # a line with less room than this before the clip end is dropped, not cut
FADE_S = 0.02  # fade applied where a line is cut at the clip end
SILENCE_LEVEL = 1e-3  # about -60 dBFS: quieter tails are trimmed from espeak's output


@dataclass(frozen=True, slots=True, eq=False)
class _Utterance:
    """One synthesized line at 48 kHz with its marks in seconds from the line's own start."""

    line: DialogueLine
    audio: F32
    words: tuple[tuple[str, float], ...]
    phonemes: tuple[tuple[str, float], ...]


def synthesize_speech(scene: Scene, *, fps: int, frame_count: int) -> SpeechTrack:
    """Speak every dialogue line of `scene`; audio arrays are `frame_count * 48000 / fps` samples long."""
    total = frame_count * samples_per_frame(fps)
    ordered = sorted(enumerate(scene.dialogue), key=lambda item: (item[1].start_s, item[0]))
    lines = [line for _, line in ordered if espeak.clean_text(line.text)]
    utterances = [_to_utterance(line, synth) for line, synth in zip(lines, _speak(scene, lines), strict=True)]

    speakers = list(dict.fromkeys(line.speaker for line in scene.dialogue))
    audio = {speaker: np.zeros(total, dtype=np.float32) for speaker in speakers}
    spans: dict[str, list[PhonemeSpan]] = {speaker: [] for speaker in speakers}
    spoken: list[SpokenLine] = []
    cursor = 0
    for utterance in utterances:
        placed = _place(utterance, earliest=cursor, total=total)
        if placed is None:
            continue
        start, samples = placed
        audio[utterance.line.speaker][start : start + len(samples)] += samples
        start_s = start / AUDIO_SAMPLE_RATE_HZ
        end_s = (start + len(samples)) / AUDIO_SAMPLE_RATE_HZ
        line_spans = _phoneme_spans(utterance, start_s, end_s)
        spans[utterance.line.speaker].extend(line_spans)
        spoken.append(
            SpokenLine(
                speaker=utterance.line.speaker,
                text=utterance.line.text,
                language=utterance.line.language,
                start_s=start_s,
                end_s=end_s,
                words=_words(utterance, line_spans, start_s, end_s),
            )
        )
        cursor = start + len(samples) + round(LINE_GAP_S * AUDIO_SAMPLE_RATE_HZ)
    mouths = {s: mouth_curve(spans[s], fps=fps, frame_count=frame_count) for s in speakers}
    return SpeechTrack(lines=tuple(spoken), audio=audio, mouth_open=mouths)


def _speak(scene: Scene, lines: Sequence[DialogueLine]) -> list[espeak.Synthesis]:
    """Synthesize the lines, each with its speaker's voice in the line's language."""
    speaker_order = list(dict.fromkeys(line.speaker for line in lines))
    requests = []
    for line in lines:
        try:
            entity = scene.entity(line.speaker)
        except KeyError:
            raise InvalidRequestError(
                f"dialogue line {line.text[:40]!r} is spoken by {line.speaker!r}, which is not an entity "
                "of the scene",
                param="dialogue.speaker",
            ) from None
        index = speaker_order.index(line.speaker)
        requests.append(espeak.request_for(entity.voice, line.text, line.language, index))
    return espeak.synthesize(requests)


def _to_utterance(line: DialogueLine, synth: espeak.Synthesis) -> _Utterance:
    rate = synth.sample_rate_hz
    raw = synth.pcm.astype(np.float32) / 32768.0
    loud = np.flatnonzero(np.abs(raw) > SILENCE_LEVEL)
    end = int(loud[-1]) + 1 if loud.size else 0
    ratio = Fraction(AUDIO_SAMPLE_RATE_HZ, rate)  # 48000/22050 = 320/147, exact
    audio = resample_poly(raw[:end], ratio.numerator, ratio.denominator).astype(np.float32)
    return _Utterance(
        line=line,
        audio=audio,
        words=tuple((w.text, w.sample / rate) for w in synth.words),
        phonemes=tuple((p.phoneme, p.sample / rate) for p in synth.phonemes),
    )


def _place(utterance: _Utterance, *, earliest: int, total: int) -> tuple[int, F32] | None:
    """Where the line starts (samples) and its samples, cut to the clip; None when it does not fit at all."""
    line = utterance.line
    planned = max(0, round(line.start_s * AUDIO_SAMPLE_RATE_HZ))
    start = max(planned, earliest)
    if start > planned:
        logger.info(
            "line %r moved from %.2f s to %.2f s to avoid overlap",
            line.text[:40],
            planned / AUDIO_SAMPLE_RATE_HZ,
            start / AUDIO_SAMPLE_RATE_HZ,
        )
    room = total - start
    if room < MIN_LINE_S * AUDIO_SAMPLE_RATE_HZ or utterance.audio.size == 0:
        logger.warning(
            "line %r dropped: it would start at %.2f s, past the clip end",
            line.text[:40],
            start / AUDIO_SAMPLE_RATE_HZ,
        )
        return None
    samples = utterance.audio
    if samples.size > room:
        logger.warning(
            "line %r cut at the clip end: %.2f s of %.2f s fit",
            line.text[:40],
            room / AUDIO_SAMPLE_RATE_HZ,
            samples.size / AUDIO_SAMPLE_RATE_HZ,
        )
        samples = samples[:room].copy()
        fade = min(room, round(FADE_S * AUDIO_SAMPLE_RATE_HZ))
        samples[room - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return start, samples


def _phoneme_spans(utterance: _Utterance, start_s: float, end_s: float) -> list[PhonemeSpan]:
    """Each phoneme lasts until the next mark (a pause mark included); all are cut at the line end."""
    marks = utterance.phonemes
    spans = []
    for i, (phoneme, at_s) in enumerate(marks):
        begin = start_s + at_s
        finish = start_s + (
            marks[i + 1][1] if i + 1 < len(marks) else utterance.audio.size / AUDIO_SAMPLE_RATE_HZ
        )
        finish = min(finish, end_s)
        if phoneme and finish > begin:
            spans.append(PhonemeSpan(phoneme, begin, finish))
    return spans


def _words(
    utterance: _Utterance, spans: Sequence[PhonemeSpan], start_s: float, end_s: float
) -> tuple[SpokenWord, ...]:
    """A word runs from its mark to the end of its last phoneme (not into the pause after it)."""
    words = utterance.words
    out = []
    for i, (text, at_s) in enumerate(words):
        begin = start_s + at_s
        if begin >= end_s:
            break
        next_s = start_s + words[i + 1][1] if i + 1 < len(words) else math.inf
        own = [s.end_s for s in spans if begin <= s.start_s < next_s]
        finish = min(max(own) if own else next_s, next_s, end_s)
        out.append(SpokenWord(text=text, start_s=begin, end_s=max(finish, begin)))
    return tuple(out)
