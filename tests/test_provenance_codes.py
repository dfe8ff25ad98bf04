"""The payload code: what the invisible marks carry must come back exactly, or not at all."""

from __future__ import annotations

import numpy as np
import pytest

from mutoscope.provenance.codes import (
    CODED_BITS,
    decode_payload,
    encode_payload,
    payload_hex,
    payload_of,
    read_payload,
)


def test_payload_of_an_id_is_its_first_64_random_bits() -> None:
    assert payload_of("video_0123456789abcdef" + "f" * 16) == 0x0123456789ABCDEF
    assert payload_hex(payload_of("video_00000000000000ff" + "0" * 16)) == "00000000000000ff"
    # Anything else is hashed: stable, 64 bits.
    assert payload_of("some-name") == payload_of("some-name") < 1 << 64
    with pytest.raises(ValueError):
        payload_hex(1 << 64)


def test_noisy_codewords_decode_exactly() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        payload = int(rng.integers(0, 2**63)) * 2 + int(rng.integers(0, 2))
        codeword = encode_payload(payload)
        assert codeword.shape == (CODED_BITS,) and set(np.unique(codeword)) == {-1.0, 1.0}
        noisy = codeword * 1.5 + rng.normal(size=CODED_BITS)
        assert decode_payload(noisy) == payload


def test_a_quarter_of_the_bits_missing_still_decodes() -> None:
    rng = np.random.default_rng(8)
    codeword = encode_payload(0xDEADBEEF_CAFEF00D)
    soft = codeword * 2.0 + rng.normal(size=CODED_BITS) * 0.5
    soft[rng.permutation(CODED_BITS)[: CODED_BITS // 4]] = 0.0
    reading = read_payload(soft, start_s=0.0, end_s=1.0)
    assert reading is not None and reading.payload == 0xDEADBEEF_CAFEF00D
    assert reading.score == 1.0  # every observed bit agreed


def test_noise_never_passes_for_a_payload() -> None:
    rng = np.random.default_rng(9)
    assert all(decode_payload(rng.normal(size=CODED_BITS)) is None for _ in range(300))


def test_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="258"):
        decode_payload(np.zeros(10))
