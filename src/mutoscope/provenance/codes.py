"""The payload and its error-correcting code: what the invisible marks carry and how it survives noise.

A mark carries a 64-bit payload (the first 64 bits of the video's random id, so the server can look the video
up). Before it is spread over pixels or audio it gets a CRC-16 (so a decoder can tell a real payload from
noise) and a rate-1/3, constraint-length-7 convolutional code (generators 133, 171, 165 octal, the LTE set),
decoded with a soft-decision Viterbi search. Soft decisions matter: after heavy re-encoding each coded bit is
a weak, noisy correlation, and the decoder weighs them rather than rounding each to ±1 first.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

PAYLOAD_BITS: Final = 64
CRC_BITS: Final = 16
_CONSTRAINT: Final = 7
_STATES: Final = 1 << (_CONSTRAINT - 1)
_GENERATORS: Final = (0o133, 0o171, 0o165)
INFO_BITS: Final = PAYLOAD_BITS + CRC_BITS
# The encoder is flushed with K-1 zeros so the decoder can end in state 0.
CODED_BITS: Final = (INFO_BITS + _CONSTRAINT - 1) * len(_GENERATORS)
_ID_PATTERN: Final = re.compile(r"^[a-z]+_([0-9a-f]{32})$")

Signs = npt.NDArray[np.float64]


def payload_of(identifier: str) -> int:
    """The 64-bit payload naming `identifier`: the first half of a mutoscope id's random hex, else a hash."""
    found = _ID_PATTERN.match(identifier)
    if found is not None:
        return int(found.group(1)[:16], 16)
    return int.from_bytes(hashlib.sha256(identifier.encode()).digest()[:8], "big")


def payload_hex(payload: int) -> str:
    """The payload as 16 lowercase hex digits (how the server stores and looks it up)."""
    if not 0 <= payload < 1 << PAYLOAD_BITS:
        raise ValueError(f"a payload is a {PAYLOAD_BITS}-bit unsigned integer, got {payload}")
    return f"{payload:016x}"


def crc16(bits: npt.NDArray[np.uint8]) -> int:
    """CRC-16/CCITT-FALSE of a bit sequence (most significant bit first)."""
    register = 0xFFFF
    for bit in bits.tolist():
        feedback = ((register >> 15) & 1) ^ int(bit)
        register = (register << 1) & 0xFFFF
        if feedback:
            register ^= 0x1021
    return register


def _bits_of(value: int, count: int) -> npt.NDArray[np.uint8]:
    return np.array([(value >> (count - 1 - i)) & 1 for i in range(count)], dtype=np.uint8)


def _value_of(bits: npt.NDArray[np.uint8]) -> int:
    value = 0
    for bit in bits.tolist():
        value = (value << 1) | int(bit)
    return value


@dataclass(frozen=True, slots=True)
class _Trellis:
    """Transition tables of the convolutional code, indexed by next state (two predecessors each)."""

    predecessors: npt.NDArray[np.intp]  # [states, 2]
    outputs: npt.NDArray[np.float64]  # [states, 2, generators] as ±1


def _parity(value: int) -> int:
    return bin(value).count("1") & 1


def _build_trellis() -> _Trellis:
    predecessors = np.zeros((_STATES, 2), dtype=np.intp)
    outputs = np.zeros((_STATES, 2, len(_GENERATORS)))
    for state in range(_STATES):
        bit = state & 1
        for dropped in (0, 1):
            previous = (state >> 1) | (dropped << (_CONSTRAINT - 2))
            register = ((previous << 1) | bit) & ((1 << _CONSTRAINT) - 1)
            predecessors[state, dropped] = previous
            outputs[state, dropped] = [2.0 * _parity(register & g) - 1.0 for g in _GENERATORS]
    return _Trellis(predecessors, outputs)


_TRELLIS: Final = _build_trellis()


def encode_payload(payload: int) -> Signs:
    """The payload's codeword as ±1 values (`CODED_BITS` of them)."""
    info = _bits_of(payload, PAYLOAD_BITS)
    info = np.concatenate([info, _bits_of(crc16(info), CRC_BITS), np.zeros(_CONSTRAINT - 1, np.uint8)])
    state = 0
    coded: list[float] = []
    for bit in info.tolist():
        register = ((state << 1) | int(bit)) & ((1 << _CONSTRAINT) - 1)
        coded.extend(2.0 * _parity(register & g) - 1.0 for g in _GENERATORS)
        state = register & (_STATES - 1)
    return np.array(coded)


def decode_payload(soft: npt.ArrayLike) -> int | None:
    """The payload whose codeword best explains `soft` (positive means +1), or None when its CRC fails.

    `soft` holds one real value per coded bit: a correlation, larger in magnitude when more certain; zeros
    mark bits that were not observed at all.
    """
    values = np.asarray(soft, dtype=np.float64)
    if values.shape != (CODED_BITS,):
        raise ValueError(f"expected {CODED_BITS} soft values, got shape {values.shape}")
    steps = values.reshape(-1, len(_GENERATORS))
    metric = np.full(_STATES, -np.inf)
    metric[0] = 0.0
    choices = np.zeros((steps.shape[0], _STATES), dtype=np.uint8)
    for index, received in enumerate(steps):
        branch = metric[_TRELLIS.predecessors] + _TRELLIS.outputs @ received  # [states, 2]
        best = np.argmax(branch, axis=1)
        choices[index] = best
        metric = branch[np.arange(_STATES), best]
    state = 0  # the flushed encoder ends in state 0
    bits = np.zeros(steps.shape[0], dtype=np.uint8)
    for index in range(steps.shape[0] - 1, -1, -1):
        bits[index] = state & 1
        state = int(_TRELLIS.predecessors[state, choices[index, state]])
    info = bits[:INFO_BITS]
    payload_bits, check = info[:PAYLOAD_BITS], info[PAYLOAD_BITS:]
    if crc16(payload_bits) != _value_of(check):
        return None
    return _value_of(payload_bits)


@dataclass(frozen=True, slots=True)
class PayloadReading:
    """A payload read back from a mark: `score` is the share of coded bits that agreed with its codeword
    (0.5 is chance, 1.0 a clean read); `start_s`/`end_s` say which stretch of the media carried it."""

    payload: int
    score: float
    start_s: float
    end_s: float


def read_payload(soft: Signs, *, start_s: float, end_s: float) -> PayloadReading | None:
    """Decode `soft` and, when the CRC holds, say how cleanly it was read."""
    payload = decode_payload(soft)
    if payload is None:
        return None
    observed = soft != 0
    agreement = float(np.mean(np.sign(soft[observed]) == encode_payload(payload)[observed]))
    return PayloadReading(payload, round(agreement, 4), start_s, end_s)
