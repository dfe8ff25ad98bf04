"""The content policy itself: its categories, its version, and how strict each context makes it.

Everything that decides (rules, the prompt classifier, the output screens) names one of `CATEGORIES` as the
verdict's `policy`, so `error.code` reads `moderation_blocked.<category>`. How strict a decision is depends on
the `ScreeningContext`: conservative by default, stricter for a teen account, and strictest when a real
person's likeness (a person character) is in the generation, where any sexual or violent signal is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from mutoscope.safety.verdict import Action

Category = Literal["sexual", "minors", "violence", "self_harm", "hate", "likeness", "copyright"]
# Most severe first: when several categories fire with the same action, the first one names the verdict.
CATEGORIES: Final[tuple[Category, ...]] = (
    "minors",
    "sexual",
    "self_harm",
    "violence",
    "hate",
    "likeness",
    "copyright",
)
BENIGN: Final = "benign"
LABELS: Final[tuple[str, ...]] = (BENIGN, *CATEGORIES)
# Bumped by hand when the meaning of a decision changes; the data files' digest is appended at load time, so
# a recorded `policy_version` names the exact rules, lists and weights that decided.
POLICY_SERIES: Final = "p1"
SEVERITY: Final[dict[Action, int]] = {"allow": 0, "review": 1, "block": 2}
# A likeness may never be used like this, whatever the classifier's confidence.
LIKENESS_REFUSED: Final = frozenset({"sexual", "violence", "minors", "self_harm", "hate"})
# Categories about who is shown rather than what happens: a cast (consented) character's name is no evidence here.
IDENTITY_CATEGORIES: Final = frozenset({"likeness", "copyright"})


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """Who is generating, and with whom: what makes the policy stricter.

    `likeness`: a real person's character (a consented likeness) is cast. `character_names`: names and handles
    of the characters cast, which a prompt may name without being "a real person without consent".
    """

    teen: bool = False
    likeness: bool = False
    character_names: tuple[str, ...] = ()


DEFAULT_CONTEXT: Final = ScreeningContext()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Classifier probability at which a category is sent to review, and at which it is blocked."""

    review: float
    block: float


# Chosen from out-of-fold probabilities on the training set (5-fold; the held-out set plays no part): review
# where at most ~3% of benign training prompts would be flagged for the category, block where at most ~1%.
# The rule layer carries most of likeness and copyright (names), so their classifier thresholds are higher.
_DEFAULT: Final[dict[str, Thresholds]] = {
    "minors": Thresholds(review=0.45, block=0.65),
    "sexual": Thresholds(review=0.30, block=0.45),
    "self_harm": Thresholds(review=0.35, block=0.45),
    "violence": Thresholds(review=0.40, block=0.55),
    "hate": Thresholds(review=0.25, block=0.45),
    "likeness": Thresholds(review=0.45, block=0.55),
    "copyright": Thresholds(review=0.45, block=0.65),
}
_TEEN_FACTOR: Final = 0.7  # a teen account's thresholds are 30% lower
# A cast likeness already turns every harmful-category review into a block (`escalate`), so its block point is
# the review threshold times this, which stays below a teen's block point in every category. Out-of-fold on the
# training set (classifier alone, two fold draws), look-alikes blocked / harmful blocked: 0.6 → 29% / 98%,
# 0.8 → 18-23% / 94-96%, 1.0 → 14% / 92-93%; the rules and the sentence-by-sentence reading carry the rest.
_LIKENESS_FACTOR: Final = 0.8


def thresholds(category: str, context: ScreeningContext) -> Thresholds:
    """The thresholds for `category` in `context` (stricter contexts lower them)."""
    base = _DEFAULT[category]
    factor = 1.0
    if context.teen:
        factor = min(factor, _TEEN_FACTOR)
    if context.likeness and category in LIKENESS_REFUSED:
        factor = min(factor, _LIKENESS_FACTOR)
    return Thresholds(review=base.review * factor, block=base.block * factor)


def escalate(category: str, action: Action, context: ScreeningContext, *, rule: bool) -> Action:
    """A review becomes a block where the context leaves no room for doubt.

    Sexual or violent (or any other harmful) use of a real person's likeness is always refused, on a rule's or
    the classifier's word. For a teen account, an explicit rule hit (a term, a pattern) on sexual, minors or
    self-harm content is refused outright; the classifier's doubts are handled by the teen's lower thresholds.
    """
    if action != "review":
        return action
    if context.likeness and category in LIKENESS_REFUSED:
        return "block"
    if rule and context.teen and category in ("sexual", "minors", "self_harm"):
        return "block"
    return action


def most_severe(actions: list[tuple[str, Action]]) -> tuple[str, Action]:
    """The (category, action) pair that decides: the most severe action, ties to the most severe category."""
    if not actions:
        return "", "allow"
    order: dict[str, int] = {category: index for index, category in enumerate(CATEGORIES)}
    return min(actions, key=lambda pair: (-SEVERITY[pair[1]], order.get(pair[0], len(order))))
