"""Text understanding shared by the feed (steering) and safety: small, CPU-only, offline.

A leaf-level layer: it may import numpy, scipy, `tokenizers`, settings and errors, and nothing of the project
above it (no torch, no server, no engine), so both the server and the safety screens can use it.
"""

from mutoscope.text.embedding import (
    EMBEDDING_DIMENSIONS,
    EMBEDDING_MODEL,
    TextEmbedder,
    cosine_similarities,
    default_model_dir,
    load_embedder,
    shared_embedder,
)

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "EMBEDDING_MODEL",
    "TextEmbedder",
    "cosine_similarities",
    "default_model_dir",
    "load_embedder",
    "shared_embedder",
]
