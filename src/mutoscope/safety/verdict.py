"""`Verdict`: the outcome of one screen, recorded with its policy version and reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["allow", "review", "block"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a screen decided: `policy` names the category that decided (empty for a plain allow), `reasons` say
    why in words a moderator can check, and `scores` carry the classifier's probabilities behind it."""

    action: Action
    screen: str
    policy: str = ""
    policy_version: str = ""
    reasons: tuple[str, ...] = ()
    scores: tuple[tuple[str, float], ...] = ()

    @property
    def blocks(self) -> bool:
        return self.action == "block"

    @classmethod
    def allow(cls, screen: str, policy_version: str = "") -> Verdict:
        return cls(action="allow", screen=screen, policy_version=policy_version)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, as decisions are recorded."""
        return {
            "action": self.action,
            "screen": self.screen,
            "policy": self.policy,
            "policy_version": self.policy_version,
            "reasons": list(self.reasons),
            "scores": {name: round(score, 4) for name, score in self.scores},
        }
