"""The process that runs libespeak-ng: a standalone, stdlib-only script, never imported by the package.

libespeak-ng keeps synthesis state in C globals that no API call resets (the pitch-flutter phase, the
automatic gain, the random generator that shapes noise and durations), so the same text synthesized after a
different history comes out with different samples. To make speech deterministic, this host loads and
initialises the library once, then forks a child for every request: each child starts from the same pristine
state, synthesizes one line through the C API (word and phoneme events with sample positions), writes one
response frame to stdout and exits. The parent (`espeak.py`) starts one host per batch of lines.

Protocol: requests are JSON lines on stdin (`{"voice", "text", "rate_wpm", "pitch", "range"}`); each response
is `<u32 header length><header JSON><u32 pcm length><pcm int16 little-endian>`, where the header holds either
`{"sample_rate", "events": [[type, sample, text_position, length, phoneme], ...]}` or `{"error", "detail"}`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import struct
import sys
from typing import Any

LIBRARY_NAMES = ("libespeak-ng.so.1", "libespeak-ng.so", "libespeak-ng.1.dylib", "libespeak-ng.dylib")

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_PHONEME_EVENTS = 0x0001
INITIALIZE_PHONEME_IPA = 0x0002
CHARS_UTF8 = 0x01
POS_CHARACTER = 1

EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_PHONEME = 7
KEPT_EVENTS = frozenset({EVENT_WORD, EVENT_PHONEME})

PARAM_RATE = 1
PARAM_VOLUME = 2
PARAM_PITCH = 3
PARAM_RANGE = 4
PARAM_PUNCTUATION = 5
PARAM_CAPITALS = 6
PARAM_WORDGAP = 7
VOLUME = 100

EXIT_MISSING = 3
RANDOM_SEED = 1


class _EventId(ctypes.Union):
    _fields_ = (("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8))


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


def load_library() -> ctypes.CDLL | None:
    """The espeak-ng shared library, or None where it is not installed."""
    names: list[str] = list(LIBRARY_NAMES)
    found = ctypes.util.find_library("espeak-ng")
    if found:
        names.append(found)
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def write_frame(header: dict[str, Any], pcm: bytes = b"") -> None:
    data = json.dumps(header).encode()
    out = sys.stdout.buffer
    out.write(struct.pack("<I", len(data)) + data + struct.pack("<I", len(pcm)) + pcm)
    out.flush()


class Synthesizer:
    """One initialised libespeak-ng; `synthesize` must run in a freshly forked child to be deterministic."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
        lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
        lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
        lib.espeak_Synth.argtypes = (
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        )
        self.sample_rate = int(
            lib.espeak_Initialize(
                AUDIO_OUTPUT_SYNCHRONOUS, 0, None, INITIALIZE_PHONEME_EVENTS | INITIALIZE_PHONEME_IPA
            )
        )
        self.chunks: list[bytes] = []
        self.events: list[list[Any]] = []
        # ctypes frees a callback whose Python object dies, so the instance keeps it.
        self.callback = _Callback(self._on_audio)
        if self.sample_rate > 0:
            lib.espeak_SetSynthCallback(self.callback)

    def _on_audio(self, wav: Any, count: int, events: Any) -> int:
        if wav and count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        index = 0
        while events[index].type != EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type in KEPT_EVENTS:
                phoneme = ""
                if event.type == EVENT_PHONEME:
                    phoneme = event.id.string.decode("utf-8", "replace")
                self.events.append([event.type, event.sample, event.text_position, event.length, phoneme])
            index += 1
        return 0

    def synthesize(self, request: dict[str, Any]) -> None:
        voice = str(request["voice"]).encode()
        if self.lib.espeak_SetVoiceByName(voice) != 0:
            write_frame({"error": "voice", "detail": f"espeak-ng has no voice {request['voice']!r}"})
            return
        # Every parameter is set explicitly so nothing depends on the voice loaded before.
        for parameter, value in (
            (PARAM_RATE, int(request["rate_wpm"])),
            (PARAM_VOLUME, VOLUME),
            (PARAM_PITCH, int(request["pitch"])),
            (PARAM_RANGE, int(request["range"])),
            (PARAM_PUNCTUATION, 0),
            (PARAM_CAPITALS, 0),
            (PARAM_WORDGAP, 0),
        ):
            self.lib.espeak_SetParameter(parameter, value, 0)
        seed_random()
        text = str(request["text"]).encode()
        status = self.lib.espeak_Synth(text, len(text) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
        if status != 0:
            write_frame({"error": "synth", "detail": f"espeak_Synth failed with status {status}"})
            return
        write_frame({"sample_rate": self.sample_rate, "events": self.events}, b"".join(self.chunks))


def seed_random() -> None:
    """libespeak-ng draws from the C library's rand(); seed it so noise and timing jitter repeat."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return
    libc.srand(RANDOM_SEED)


def serve(synthesizer: Synthesizer, request: dict[str, Any]) -> None:
    """Synthesize `request` in a forked child so it starts from the state right after initialisation."""
    if not hasattr(os, "fork"):
        synthesizer.synthesize(request)
        return
    pid = os.fork()
    if pid == 0:
        try:
            synthesizer.synthesize(request)
        except BaseException as exc:  # noqa: BLE001 - a forked child reports and exits, never returns to the loop
            write_frame({"error": "crash", "detail": repr(exc)})
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) < 0:
        write_frame({"error": "crash", "detail": f"espeak-ng child died with status {status}"})


def main() -> int:
    lib = load_library()
    if lib is None:
        write_frame({"error": "missing", "detail": "libespeak-ng was not found"})
        return EXIT_MISSING
    synthesizer = Synthesizer(lib)
    if synthesizer.sample_rate <= 0:
        write_frame({"error": "missing", "detail": "libespeak-ng could not load its data (espeak-ng-data)"})
        return EXIT_MISSING
    sys.stdout.flush()
    for line in sys.stdin.buffer:
        if line.strip():
            serve(synthesizer, json.loads(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
