"""How well prompt screening does on a labelled set: precision and recall per category, false positives.

A prompt counts as *flagged* for a category when the screener's verdict is review or block with that category
as its policy; *blocked* when the verdict is a block. Precision and recall are per category over the whole
set; the false-positive rate is over benign prompts (all of them, and the look-alikes alone). The benchmark
(`benchmarks/safety.py`) and the tests run this on the held-out set, which training never sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mutoscope.safety.labelled import LabelledPrompt
from mutoscope.safety.policy import BENIGN, CATEGORIES, DEFAULT_CONTEXT, ScreeningContext
from mutoscope.safety.prompts import PromptScreener
from mutoscope.safety.verdict import Verdict


@dataclass(frozen=True, slots=True)
class CategoryScore:
    category: str
    support: int
    precision: float
    recall: float
    block_recall: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    categories: tuple[CategoryScore, ...]
    benign_fpr: float  # benign prompts flagged at all (review or block), any category
    lookalike_fpr: float
    lookalike_block_rate: float
    harmful_recall: float  # harmful prompts flagged under any category
    harmful_block_rate: float  # harmful prompts blocked
    count: int


def evaluate(
    screener: PromptScreener,
    prompts: Sequence[LabelledPrompt],
    context: ScreeningContext = DEFAULT_CONTEXT,
) -> Evaluation:
    verdicts = [screener.screen([p.text], context) for p in prompts]
    return score(prompts, verdicts)


def score(prompts: Sequence[LabelledPrompt], verdicts: Sequence[Verdict]) -> Evaluation:
    pairs = list(zip(prompts, verdicts, strict=True))
    categories = []
    for category in CATEGORIES:
        truth = [v for p, v in pairs if p.label == category]
        flagged = [p for p, v in pairs if v.action != "allow" and v.policy == category]
        hits = sum(1 for p in flagged if p.label == category)
        categories.append(
            CategoryScore(
                category=category,
                support=len(truth),
                precision=_ratio(hits, len(flagged)),
                recall=_ratio(
                    sum(1 for v in truth if v.action != "allow" and v.policy == category), len(truth)
                ),
                block_recall=_ratio(sum(1 for v in truth if v.blocks), len(truth)),
            )
        )
    benign = [v for p, v in pairs if p.label == BENIGN]
    lookalikes = [v for p, v in pairs if p.label == BENIGN and p.lookalike]
    harmful = [v for p, v in pairs if p.label != BENIGN]
    return Evaluation(
        categories=tuple(categories),
        benign_fpr=_ratio(sum(1 for v in benign if v.action != "allow"), len(benign)),
        lookalike_fpr=_ratio(sum(1 for v in lookalikes if v.action != "allow"), len(lookalikes)),
        lookalike_block_rate=_ratio(sum(1 for v in lookalikes if v.blocks), len(lookalikes)),
        harmful_recall=_ratio(sum(1 for v in harmful if v.action != "allow"), len(harmful)),
        harmful_block_rate=_ratio(sum(1 for v in harmful if v.blocks), len(harmful)),
        count=len(pairs),
    )


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0
