"""The prompt classifier: multinomial logistic regression over all-MiniLM-L6-v2 sentence embeddings.

`fit()` trains it in numpy/scipy on the labelled set (`labelled.TRAIN`): a softmax over `policy.LABELS`, class
weights that balance the categories, and an L2 penalty, minimised with L-BFGS to convergence. The problem is
strictly convex, so its optimum is unique and retraining reproduces the committed weights
(`data/classifier.npz`) up to floating-point noise. `PromptClassifier.probabilities` maps embeddings to one
probability per label. The embedder is `mutoscope.text` (shared with the feed), not a copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from mutoscope.errors import InvalidRequestError
from mutoscope.safety.policy import LABELS
from mutoscope.text import EMBEDDING_DIMENSIONS, EMBEDDING_MODEL

WEIGHTS_FILE: Final = "classifier.npz"
# Chosen by 5-fold cross-validation on the training set alone (1e-4: 82% accuracy; 3e-4: 81%; 1e-3: 81%).
L2_PENALTY: Final = 1e-4
MAX_ITERATIONS: Final = 5000

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class PromptClassifier:
    """Weights `[labels, 384]` and bias `[labels]`; `train_digest` is the SHA-256 of the set it was fit on."""

    labels: tuple[str, ...]
    weights: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    train_digest: str
    embedding_model: str = EMBEDDING_MODEL

    def probabilities(self, embeddings: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Softmax probabilities `[N, labels]` for unit embeddings `[N, 384]`."""
        if embeddings.ndim != 2 or embeddings.shape[1] != self.weights.shape[1]:
            raise InvalidRequestError(
                f"embeddings must be [N, {self.weights.shape[1]}], got {embeddings.shape}", param="embeddings"
            )
        logits = embeddings.astype(np.float64) @ self.weights.T.astype(np.float64) + self.bias
        result: npt.NDArray[np.float32] = _softmax(logits).astype(np.float32)
        return result

    def save(self, path: Path) -> None:
        with path.open("wb") as handle:
            np.savez(
                handle,
                labels=np.array(self.labels),
                weights=self.weights,
                bias=self.bias,
                train_digest=np.array(self.train_digest),
                embedding_model=np.array(self.embedding_model),
            )


def fit(embeddings: npt.NDArray[np.float32], labels: Sequence[str], *, train_digest: str) -> PromptClassifier:
    """Train on unit embeddings `[N, 384]` with one label per row (every label of `LABELS` must occur)."""
    if embeddings.shape != (len(labels), EMBEDDING_DIMENSIONS):
        raise InvalidRequestError(
            f"need one {EMBEDDING_DIMENSIONS}-dimensional embedding per label, got {embeddings.shape} "
            f"for {len(labels)} labels",
            param="embeddings",
        )
    index = {label: position for position, label in enumerate(LABELS)}
    missing = sorted(set(LABELS) - set(labels))
    if missing:
        raise InvalidRequestError(f"the training set has no examples of {missing}", param="labels")
    targets = np.array([index[label] for label in labels])
    x = embeddings.astype(np.float64)
    counts = np.bincount(targets, minlength=len(LABELS)).astype(np.float64)
    # Balanced class weights: each category counts as much as the (larger) benign class in the loss.
    sample_weights = (len(targets) / (len(LABELS) * counts))[targets]
    one_hot = np.eye(len(LABELS))[targets]
    shape = (len(LABELS), x.shape[1] + 1)

    def loss(flat: Matrix) -> tuple[float, Matrix]:
        params = flat.reshape(shape)
        logits = x @ params[:, :-1].T + params[:, -1]
        probabilities = _softmax(logits)
        log_likelihood = np.sum(sample_weights * np.log(np.sum(probabilities * one_hot, axis=1) + 1e-300))
        penalty = 0.5 * L2_PENALTY * np.sum(params[:, :-1] ** 2)
        total = sample_weights.sum()
        error = (probabilities - one_hot) * sample_weights[:, None] / total
        gradient = np.zeros(shape)
        gradient[:, :-1] = error.T @ x + L2_PENALTY * params[:, :-1]
        gradient[:, -1] = error.sum(axis=0)
        return float(-log_likelihood / total + penalty), gradient.ravel()

    result = minimize(
        loss,
        np.zeros(shape).ravel(),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITERATIONS, "gtol": 1e-9, "ftol": 1e-15},
    )
    params = result.x.reshape(shape)
    return PromptClassifier(
        labels=LABELS,
        weights=params[:, :-1].astype(np.float32),
        bias=params[:, -1].astype(np.float32),
        train_digest=train_digest,
    )


def load_classifier(path: Path | None = None) -> PromptClassifier:
    """The committed classifier (or the one at `path`)."""
    if path is None:
        with (resources.files("mutoscope.safety") / "data" / WEIGHTS_FILE).open("rb") as handle:
            return _from_npz(np.load(handle))
    with path.open("rb") as handle:
        return _from_npz(np.load(handle))


@cache
def packaged_classifier() -> PromptClassifier:
    """The committed classifier, loaded once per process."""
    return load_classifier()


def _from_npz(data: Any) -> PromptClassifier:
    labels = tuple(str(label) for label in data["labels"])
    if labels != LABELS:
        raise InvalidRequestError(
            f"the classifier's labels {labels} are not the policy's {LABELS}; retrain it with "
            "`python -m mutoscope.safety.train`",
            param="classifier",
        )
    return PromptClassifier(
        labels=labels,
        weights=np.asarray(data["weights"], dtype=np.float32),
        bias=np.asarray(data["bias"], dtype=np.float32),
        train_digest=str(data["train_digest"]),
        embedding_model=str(data["embedding_model"]),
    )


def _softmax(logits: Matrix) -> Matrix:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: Matrix = exp / exp.sum(axis=1, keepdims=True)
    return result
