"""`Verdict`: the outcome of one screen, recorded with its policy version and reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["allow", "review", "block"]


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    screen: str
    policy: str = ""
    policy_version: str = ""
    reasons: tuple[str, ...] = ()

    @property
    def blocks(self) -> bool:
        return self.action == "block"

    @classmethod
    def allow(cls, screen: str, policy_version: str = "") -> Verdict:
        return cls(action="allow", screen=screen, policy_version=policy_version)
