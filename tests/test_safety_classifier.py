"""The prompt classifier: its labelled sets, its committed weights, and how screening does on the held-out set.

The held-out evaluation prints precision and recall per category (run with `-s` to see them; the benchmark
`benchmarks/safety.py` prints the same as JSON lines) and asserts floors well below what was measured, so a
regression in the data, the rules or the weights fails here.
"""

from __future__ import annotations

import pytest

from mutoscope.safety.classifier import load_classifier, packaged_classifier
from mutoscope.safety.evaluation import evaluate
from mutoscope.safety.labelled import HELDOUT, TRAIN, read_set, set_digest
from mutoscope.safety.policy import CATEGORIES, LABELS, ScreeningContext
from mutoscope.safety.prompts import prompt_screener
from mutoscope.safety.train import main as train_main
from mutoscope.safety.train import reproduces, retrain


def test_the_sets_are_labelled_and_kept_apart() -> None:
    train, heldout = read_set(TRAIN), read_set(HELDOUT)
    assert {p.label for p in train} == set(LABELS) == {p.label for p in heldout}
    assert not {p.text.lower() for p in train} & {p.text.lower() for p in heldout}
    assert len(train) >= 400 and len(heldout) >= 150
    assert sum(p.lookalike for p in heldout) >= 30  # benign prompts that look harmful


def test_the_committed_weights_were_trained_on_the_committed_set() -> None:
    classifier = packaged_classifier()
    assert classifier.train_digest == set_digest(TRAIN)
    assert classifier.labels == LABELS and classifier.weights.shape == (len(LABELS), 384)


@pytest.mark.slow  # embeds the training set and fits (about 30 s on the 2-core test machine)
def test_retraining_reproduces_the_committed_weights() -> None:
    assert reproduces(retrain(), load_classifier())
    assert train_main(["--check"]) == 0


@pytest.mark.slow  # embeds the held-out set
def test_held_out_precision_and_recall() -> None:
    screener = prompt_screener()
    result = evaluate(screener, read_set(HELDOUT))
    print(f"\nheld-out ({result.count} prompts), policy {screener.version}")
    for score in result.categories:
        print(
            f"  {score.category:10s} n={score.support:3d} precision={score.precision:.2f} "
            f"recall={score.recall:.2f} blocked={score.block_recall:.2f}"
        )
    print(
        f"  benign flagged {result.benign_fpr:.3f}, look-alikes flagged {result.lookalike_fpr:.3f}, blocked "
        f"{result.lookalike_block_rate:.3f}; harmful flagged {result.harmful_recall:.3f}"
    )
    assert [s.category for s in result.categories] == list(CATEGORIES)
    for score in result.categories:
        assert score.recall >= 0.8 and score.precision >= 0.75, score
    assert result.harmful_recall >= 0.95
    assert result.lookalike_block_rate <= 0.05 and result.benign_fpr <= 0.15
    teen = evaluate(screener, read_set(HELDOUT), ScreeningContext(teen=True))
    assert teen.harmful_recall >= result.harmful_recall and teen.benign_fpr >= result.benign_fpr
