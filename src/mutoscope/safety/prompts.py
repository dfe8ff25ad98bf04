"""Prompt screening: the rule layer and the classifier together, decided by the policy for a context.

`PromptScreener.screen(texts, context)` looks at each text (a prompt, each storyboard shot, a dialogue line),
and at each sentence of a long one (a harmful sentence must not hide in a long benign prompt: the embedding of
the whole would average it away). Rule hits act as written (block or review); classifier probabilities become
review or block at the context's thresholds; the context may escalate a review to a block. The most severe
outcome decides, and the verdict carries every reason and the scores behind it.

A cast character's name (or @handle) is read as "a person" for the categories about *who* is shown (likeness,
copyright): the classifier learned "a named person doing X" as a likeness used without consent, but a cast
character's consent is settled by whoever cast it (the rules skip those names for the same reason), so the name
is no evidence there ("Maya cooking pasta" is everyday). The categories about *what* happens take the higher of
the masked and the original text, so a name can never hide an act ("Maya naked in the shower" stays sexual).

`PromptPolicyScreen` adapts a screener to the engine's `PromptScreen` seam. It reads requests through the small
`ScreenedRequest` protocol, because this layer sits below the engine and may not import it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from mutoscope.safety.classifier import PromptClassifier, packaged_classifier
from mutoscope.safety.policy import (
    CATEGORIES,
    DEFAULT_CONTEXT,
    IDENTITY_CATEGORIES,
    POLICY_SERIES,
    ScreeningContext,
    escalate,
    most_severe,
    thresholds,
)
from mutoscope.safety.rules import RuleAddition, RuleSet, additions_digest, load_rules
from mutoscope.safety.verdict import Action, Verdict
from mutoscope.text import shared_embedder

SCREEN: Final = "prompt"
MAX_CHUNKS: Final = 48  # sentences looked at one by one; a prompt is at most 10,000 characters
_SENTENCE: Final = re.compile(r"(?<=[.!?;:\n])\s+|\n+")
CAST_PLACEHOLDER: Final = "a person"
# Whether a bare word or two is a real person or a protected character ("castle", "first", "tiger") is a lookup
# in the rules' name lists, not something an embedding of it can tell: the classifier judges likeness and
# copyright only on texts with enough words to say what is shown. (Short texts are still classified for the
# categories about what happens: "nudes", "stab him".)
MIN_IDENTITY_WORDS: Final = 3
_WORD: Final = re.compile(r"\w+")


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


class PromptScreener:
    """Rules + classifier. Thread-safe and immutable; build one per rule set and reuse it."""

    def __init__(
        self, rules: RuleSet, classifier: PromptClassifier, embedder: Embedder | None = None
    ) -> None:
        self.rules = rules
        self.classifier = classifier
        self._embedder = embedder
        self.version = f"{POLICY_SERIES}-{rules.version}-{classifier.train_digest[:8]}"

    def screen(self, texts: Sequence[str], context: ScreeningContext = DEFAULT_CONTEXT) -> Verdict:
        texts = [t for t in texts if t.strip()]
        if not texts:
            return Verdict.allow(SCREEN, self.version)
        decisions: list[tuple[str, Action]] = []
        reasons: list[str] = []
        for text in texts:
            for hit in self.rules.match(text, allowed_names=context.character_names):
                action = escalate(hit.category, hit.action, context, rule=True)
                decisions.append((hit.category, action))
                reasons.append(f"{hit.category}: {hit.reason}")
        scores = self._context_scores(texts, context.character_names)
        for name in CATEGORIES:
            limit = thresholds(name, context)
            score = scores[name]
            if score >= limit.review:
                action = escalate(name, "block" if score >= limit.block else "review", context, rule=False)
                decisions.append((name, action))
                reasons.append(f"{name}: classifier {score:.2f}")
        category, action = most_severe(decisions)
        if action == "allow":
            return Verdict(
                action="allow", screen=SCREEN, policy_version=self.version, scores=_rounded(scores)
            )
        return Verdict(
            action=action,
            screen=SCREEN,
            policy=category,
            policy_version=self.version,
            reasons=tuple(dict.fromkeys(reasons)),
            scores=_rounded(scores),
        )

    def scores(self, texts: Sequence[str]) -> dict[str, float]:
        """Per category, the highest classifier probability over the texts and their sentences (identity
        categories only over those of at least `MIN_IDENTITY_WORDS` words)."""
        chunks = list(dict.fromkeys(c for text in texts for c in _chunks(text)))[:MAX_CHUNKS]
        probabilities = self.classifier.probabilities(self._embed(chunks))
        bare = np.array([len(_WORD.findall(chunk)) < MIN_IDENTITY_WORDS for chunk in chunks])
        for i, label in enumerate(self.classifier.labels):
            if label in IDENTITY_CATEGORIES:
                probabilities[bare, i] = 0.0
        highest = probabilities.max(axis=0)
        return {
            label: float(highest[i]) for i, label in enumerate(self.classifier.labels) if label in CATEGORIES
        }

    def _context_scores(self, texts: Sequence[str], cast_names: Sequence[str]) -> dict[str, float]:
        scores = self.scores(texts)
        masked_texts = [without_cast_names(t, cast_names) for t in texts]
        if masked_texts == list(texts):
            return scores
        masked = self.scores(masked_texts)
        return {
            name: masked[name] if name in IDENTITY_CATEGORIES else max(score, masked[name])
            for name, score in scores.items()
        }

    def _embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        embedder: Embedder = self._embedder or shared_embedder()
        return embedder.embed(texts)


def without_cast_names(text: str, names: Sequence[str]) -> str:
    """`text` with each cast character's name or @handle (whole words, any case) replaced by "a person"."""
    pattern = _names_pattern(tuple(n.strip() for n in names if n.strip()))
    return text if pattern is None else pattern.sub(CAST_PLACEHOLDER, text)


@lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    # Longest first, so "Maya Ruiz" is replaced whole rather than leaving "a person Ruiz".
    alternatives = "|".join(re.escape(n.lstrip("@")) for n in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"(?<![\w@])@?(?:{alternatives})(?!\w)", re.IGNORECASE)


def _chunks(text: str) -> list[str]:
    """The whole text, and its sentences when it has several."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    return [text.strip(), *sentences] if len(sentences) > 1 else [text.strip()]


def _rounded(scores: dict[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple((name, round(value, 4)) for name, value in scores.items())


_cache_lock = threading.Lock()
_cached: dict[str, PromptScreener] = {}


def prompt_screener(additions: Sequence[RuleAddition] = ()) -> PromptScreener:
    """The built-in rules merged with `additions`, with the committed classifier (cached per addition set)."""
    digest = additions_digest(additions)
    with _cache_lock:
        screener = _cached.get(digest)
        if screener is None:
            if len(_cached) >= 16:  # admins edit rules rarely; old sets are simply dropped
                _cached.clear()
            screener = _cached[digest] = PromptScreener(load_rules(additions), packaged_classifier())
        return screener


class ScreenedShot(Protocol):
    @property
    def prompt(self) -> str: ...


class ScreenedCharacter(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def handle(self) -> str: ...
    @property
    def kind(self) -> str: ...


class ScreenedRequest(Protocol):
    """What prompt screening reads of a generation request (the engine's `GenerationRequest` fits)."""

    @property
    def prompt(self) -> str: ...
    @property
    def shots(self) -> Sequence[ScreenedShot]: ...
    @property
    def characters(self) -> Sequence[ScreenedCharacter]: ...


def request_texts(request: ScreenedRequest) -> list[str]:
    """The texts of a request that describe what to make. The negative prompt says what *not* to make
    ("no gore, no nudity"), so it is never screened as if it asked for it."""
    return [request.prompt, *(shot.prompt for shot in request.shots)]


def request_context(request: ScreenedRequest, *, teen: bool = False) -> ScreeningContext:
    """The context a request sets: a person character makes it a real person's likeness."""
    return ScreeningContext(
        teen=teen,
        likeness=any(c.kind == "person" for c in request.characters),
        character_names=tuple(n for c in request.characters for n in (c.name, c.handle) if n),
    )


class PromptPolicyScreen:
    """The engine's `PromptScreen`: screens a request's prompt and shots before any compute."""

    name = SCREEN

    def __init__(self, screener: PromptScreener | None = None, *, teen: bool = False) -> None:
        self._screener = screener
        self._teen = teen

    def screen_request(self, request: ScreenedRequest) -> Verdict:
        screener = self._screener or prompt_screener()
        return screener.screen(request_texts(request), request_context(request, teen=self._teen))
