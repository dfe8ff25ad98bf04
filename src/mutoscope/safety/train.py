"""`python -m mutoscope.safety.train`: retrain the prompt classifier from `data/train.jsonl`.

It embeds the training prompts with the shared MiniLM embedder, fits the logistic regression
(`classifier.fit`) and writes `data/classifier.npz` in the source tree (or `--output`). `--check` writes
nothing and exits 1 when retraining would not reproduce the committed weights, which is what CI's test does.
The held-out set is never read here.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

from mutoscope.safety.classifier import WEIGHTS_FILE, PromptClassifier, fit, load_classifier
from mutoscope.safety.labelled import TRAIN, read_set, set_digest
from mutoscope.text import shared_embedder

logger = logging.getLogger(__name__)
# Retraining on another machine changes the weights only by BLAS rounding in the embedder; this bounds it.
REPRODUCE_ATOL = 2e-3


def retrain() -> PromptClassifier:
    prompts = read_set(TRAIN)
    embeddings = shared_embedder().embed([p.text for p in prompts])
    return fit(embeddings, [p.label for p in prompts], train_digest=set_digest(TRAIN))


def reproduces(trained: PromptClassifier, committed: PromptClassifier) -> bool:
    """Whether `trained` matches `committed`: same data digest, weights within `REPRODUCE_ATOL`."""
    return (
        trained.train_digest == committed.train_digest
        and trained.labels == committed.labels
        and bool(np.allclose(trained.weights, committed.weights, atol=REPRODUCE_ATOL))
        and bool(np.allclose(trained.bias, committed.bias, atol=REPRODUCE_ATOL))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mutoscope.safety.train", description=__doc__)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "data" / WEIGHTS_FILE)
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed weights; write nothing"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    trained = retrain()
    if args.check:
        same = reproduces(trained, load_classifier())
        logger.info("retrained weights %s the committed ones", "reproduce" if same else "DO NOT reproduce")
        return 0 if same else 1
    trained.save(args.output)
    logger.info("wrote %s (trained on %s, sha256 %s)", args.output, TRAIN, trained.train_digest[:12])
    return 0


if __name__ == "__main__":
    sys.exit(main())
