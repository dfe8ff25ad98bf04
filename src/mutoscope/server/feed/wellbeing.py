"""Wellbeing rules of the feed, as pure functions of view times (the service fetches them).

- **Make something**: after a run of `nudge_after_views` views with no generation in between (30 by default)
  the feed places a "make something" card where the 30th, 60th, … passive view would fall.
- **Teens get no infinite scroll**: a run of views (views less than `teen_cooldown_s` apart) ends after
  `teen_session_views` with a "take a break" card, and the feed stays closed until the cooldown has passed
  since the last view; after `teen_daily_views` in a UTC day it stays closed until the next day. A scroll whose
  client reports no views still ends after the run's budget: the served posts in its cursor count too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from mutoscope.settings import FeedSettings


@dataclass(frozen=True, slots=True)
class TeenGate:
    """Whether a teen's feed is open, how many posts it may still serve, and when a closed one reopens."""

    views_left: int
    run_views: int  # views in the run under way
    today_views: int  # views since the start of the UTC day
    resume_at: datetime | None = None
    reason: str | None = None  # "session_cap" or "daily_cap" when closed

    @property
    def closed(self) -> bool:
        return self.views_left <= 0


def start_of_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def teen_gate(view_times: Sequence[datetime], now: datetime, rules: FeedSettings) -> TeenGate:
    """The gate for a teen whose recent views happened at `view_times` (any order; the last day is enough)."""
    newest_first = sorted((t for t in view_times if t <= now), reverse=True)
    day_start = start_of_day(now)
    today = sum(1 for t in newest_first if t >= day_start)
    run = _current_run(newest_first, now, rules.teen_cooldown_s)
    if today >= rules.teen_daily_views:
        return TeenGate(0, len(run), today, resume_at=day_start + timedelta(days=1), reason="daily_cap")
    if len(run) >= rules.teen_session_views:
        resume_at = run[0] + timedelta(seconds=rules.teen_cooldown_s)
        return TeenGate(0, len(run), today, resume_at=resume_at, reason="session_cap")
    views_left = min(rules.teen_session_views - len(run), rules.teen_daily_views - today)
    return TeenGate(views_left, len(run), today)


def break_after(gate: TeenGate, served: int, now: datetime, rules: FeedSettings) -> tuple[str, datetime]:
    """Why, and until when, a teen's feed closes once `served` more posts (the rest of the budget) are watched."""
    if gate.today_views + served >= rules.teen_daily_views:
        return "daily_cap", start_of_day(now) + timedelta(days=1)
    return "session_cap", now + timedelta(seconds=rules.teen_cooldown_s)


def scroll_budget(
    gate: TeenGate,
    *,
    served_in_scroll: int,
    last_served_at: datetime | None,
    now: datetime,
    rules: FeedSettings,
) -> int:
    """How many more posts this scroll may serve a teen.

    Views and posts served in this scroll both count towards the run, each post once: a client that reports
    every view has served ≈ viewed, one that reports none is still stopped by what its cursor says it served.
    A scroll idle for a cooldown starts afresh, as a run of views does.
    """
    if gate.closed:
        return 0
    recent = last_served_at is not None and (now - last_served_at).total_seconds() < rules.teen_cooldown_s
    unreported = max(served_in_scroll - gate.run_views, 0) if recent else 0
    return max(gate.views_left - unreported, 0)


def nudge_position(passive_views: int, page_length: int, every: int) -> int | None:
    """Where in a page of `page_length` posts the "make something" card goes (the index it precedes), or None.

    The card marks where the viewer's run of passive views reaches a multiple of `every`: with 25 passive views
    and `every` 30 it goes before the 6th post; with exactly 30 it opens the page. It never closes a page (the
    next page opens with it instead, once the views are in).
    """
    if every <= 0 or passive_views < 0:
        return None
    offset = (-passive_views) % every
    if passive_views + offset == 0:
        offset = every
    return offset if offset < page_length else None


def _current_run(newest_first: Sequence[datetime], now: datetime, cooldown_s: float) -> list[datetime]:
    """The views of the run under way, newest first: none if the last view is a cooldown ago or more."""
    run: list[datetime] = []
    later = now
    for moment in newest_first:
        if (later - moment).total_seconds() >= cooldown_s:
            break
        run.append(moment)
        later = moment
    return run
