"""Benchmark: how well prompt screening does on the held-out set, and what the screens cost.

Prints one JSON line per figure:
- `heldout_category`: per category, precision and recall of prompt screening (rules + classifier; flagged =
  review or block naming that category; `blocked` = recall counting blocks only), for an adult account, a teen
  account and a generation casting a real person's likeness;
- `heldout_summary`: per context, the false-positive rate on benign prompts (all, and the benign look-alikes
  such as "shoot a basketball"), the look-alikes' block rate, and the share of harmful prompts flagged at all;
- `short_prompts`: per context, on the held-out short set, the share of short content-free benign prompts
  ("first", "video 3", one ordinary word) allowed, and the share of short harmful ones flagged and blocked;
- `person_character`: on the held-out person-character set, screened as a generation casting that consented
  person character: the share of everyday benign prompts allowed, and the share of sexual, violent, self-harm
  and hateful uses of the likeness blocked (policy: always);
- `classifier_only`: the same precision/recall for the classifier's arg-max alone (no rules, no thresholds);
- `timing`: prompt screening per prompt (warm), and the output screens per clip (scene + dialogue + NudeNet on
  sampled frames of a 4 s 720x1280 clip).

    .venv/bin/python benchmarks/safety.py
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np

from mutoscope.engine.clip import Clip, ClipMetadata, silent_audio
from mutoscope.engine.frames import ArrayFrames
from mutoscope.engine.request import GenerationRequest
from mutoscope.safety.classifier import packaged_classifier
from mutoscope.safety.evaluation import evaluate
from mutoscope.safety.labelled import HELDOUT, HELDOUT_PERSON, HELDOUT_SHORT, PERSON_CHARACTER, read_set
from mutoscope.safety.policy import CATEGORIES, LABELS, ScreeningContext
from mutoscope.safety.prompts import prompt_screener
from mutoscope.safety.screens import output_screens
from mutoscope.text import shared_embedder

CONTEXTS = {
    "adult": ScreeningContext(),
    "teen": ScreeningContext(teen=True),
    "likeness": ScreeningContext(likeness=True),
}


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def main() -> None:
    prompts = read_set(HELDOUT)
    screener = prompt_screener()
    for name, context in CONTEXTS.items():
        result = evaluate(screener, prompts, context)
        for score in result.categories:
            emit(
                kind="heldout_category",
                context=name,
                category=score.category,
                support=score.support,
                precision=round(score.precision, 3),
                recall=round(score.recall, 3),
                blocked=round(score.block_recall, 3),
            )
        emit(
            kind="heldout_summary",
            context=name,
            prompts=result.count,
            benign_fpr=round(result.benign_fpr, 3),
            lookalike_fpr=round(result.lookalike_fpr, 3),
            lookalike_block_rate=round(result.lookalike_block_rate, 3),
            harmful_recall=round(result.harmful_recall, 3),
            policy_version=screener.version,
        )
    _weak_spots(screener)
    _classifier_only(prompts)
    _timings(screener, [p.text for p in prompts])


def _weak_spots(screener: Any) -> None:
    short = read_set(HELDOUT_SHORT)
    for name, context in CONTEXTS.items():
        result = evaluate(screener, short, context)
        emit(
            kind="short_prompts",
            context=name,
            benign=sum(1 for p in short if p.label == "benign"),
            benign_pass_rate=round(1 - result.benign_fpr, 3),
            harmful=sum(1 for p in short if p.label != "benign"),
            harmful_flagged=round(result.harmful_recall, 3),
            harmful_blocked=round(result.harmful_block_rate, 3),
        )
    person = read_set(HELDOUT_PERSON)
    cast = ScreeningContext(likeness=True, character_names=(PERSON_CHARACTER,))
    result = evaluate(screener, person, cast)
    emit(
        kind="person_character",
        context="likeness (cast person character)",
        benign=sum(1 for p in person if p.label == "benign"),
        benign_pass_rate=round(1 - result.benign_fpr, 3),
        harmful=sum(1 for p in person if p.label != "benign"),
        harmful_blocked=round(result.harmful_block_rate, 3),
    )


def _classifier_only(prompts: Any) -> None:
    probabilities = packaged_classifier().probabilities(shared_embedder().embed([p.text for p in prompts]))
    predicted = [LABELS[i] for i in probabilities.argmax(axis=1)]
    for category in CATEGORIES:
        hits = sum(1 for p, guess in zip(prompts, predicted, strict=True) if guess == category == p.label)
        flagged = sum(1 for guess in predicted if guess == category)
        support = sum(1 for p in prompts if p.label == category)
        emit(
            kind="classifier_only",
            category=category,
            precision=round(hits / max(flagged, 1), 3),
            recall=round(hits / max(support, 1), 3),
        )


def _timings(screener: Any, texts: list[str]) -> None:
    screener.screen(["warm up"])
    started = time.perf_counter()
    for text in texts:
        screener.screen([text])
    per_prompt_ms = (time.perf_counter() - started) * 1000 / len(texts)
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 255, size=(96, 1280, 720, 3), dtype=np.uint8)
    clip = Clip(
        frames=ArrayFrames(frames),
        audio=silent_audio(96, 24),
        fps=24,
        metadata=ClipMetadata(
            backend="bench",
            backend_version="0",
            seed=0,
            extra={"dialogue": [{"text": "What a lovely morning!"}]},
        ),
    )
    request = GenerationRequest(prompt="a sunny morning", width=720, height=1280, duration_s=4)
    screens = output_screens()
    for screen in screens:  # load NudeNet and the embedder once, as a warm worker has
        screen.screen_clip(clip, request)
    started = time.perf_counter()
    runs = 5
    for _ in range(runs):
        for screen in screens:
            screen.screen_clip(clip, request)
    emit(
        kind="timing",
        prompt_screen_ms=round(per_prompt_ms, 1),
        output_screens_ms_per_clip=round((time.perf_counter() - started) * 1000 / runs, 1),
        clip="4 s 720x1280 at 24 fps",
    )


if __name__ == "__main__":
    main()
