"""The job state graph: which states exist and which moves between them are legal.

```
queued ──► in_progress ──► completed | failed
  │            │  ▲ │
  │            │  └─┘ lease expired: back to queued for another attempt (in_progress → queued)
  └────────────┴──► cancelled
```

Terminal states (completed, failed, cancelled) are absorbing. Every state change the queue makes is one of
these edges; `check_transition` raises `InvalidJobTransitionError` for any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from mutoscope.errors import InvalidJobTransitionError


class JobState(StrEnum):
    queued = "queued"
    in_progress = "in_progress"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"


TERMINAL: frozenset[JobState] = frozenset({JobState.completed, JobState.failed, JobState.cancelled})

TRANSITIONS: Mapping[JobState, frozenset[JobState]] = MappingProxyType(
    {
        JobState.queued: frozenset({JobState.in_progress, JobState.cancelled}),
        JobState.in_progress: frozenset(
            {JobState.completed, JobState.failed, JobState.cancelled, JobState.queued}
        ),
        JobState.completed: frozenset(),
        JobState.failed: frozenset(),
        JobState.cancelled: frozenset(),
    }
)


def can_transition(current: JobState, target: JobState) -> bool:
    return target in TRANSITIONS[JobState(current)]


def check_transition(current: JobState, target: JobState) -> None:
    """Raise `InvalidJobTransitionError` unless the graph has an edge `current → target`."""
    if not can_transition(current, target):
        raise InvalidJobTransitionError(f"A job cannot move from {current} to {target}.", param="state")
