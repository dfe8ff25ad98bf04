"""What the pose stage knows about one actor: its sampled motion, timeline, marks and neighbours.

Poses are computed after the simulation from the per-frame samples, vectorised over frames. `PoseContext`
bundles the arrays and offers the lookups every pose function needs: action-local time, the latest mark of a
kind before each frame, and a held object's position in the actor's local (facing-relative) frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mutoscope.backends.procedural.physics.actors import MODE_CODES, Actor, Mode
from mutoscope.backends.procedural.physics.gait import Gait
from mutoscope.backends.procedural.physics.timeline import Segment
from mutoscope.backends.procedural.physics.world import Samples

F64 = npt.NDArray[np.float64]
Pose = dict[str, F64]
Layer = Callable[["PoseContext", npt.NDArray[np.intp], Segment], Pose]


@dataclass(eq=False)
class PoseContext:
    actor: Actor
    samples: Samples
    t: F64  # frame times
    fps: int
    gait: Gait
    strokes: F64
    timeline: tuple[Segment, ...]
    actors: list[Actor]

    @property
    def i(self) -> int:
        return self.actor.index

    @property
    def h(self) -> float:
        return self.actor.height

    def mode_is(self, name: Mode, idx: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        code = MODE_CODES[name]
        mask: npt.NDArray[np.bool_] = np.equal(self.samples.mode[self.i, idx], code)
        return mask

    def mark_times(self, prefix: str) -> F64:
        """Sorted times of this actor's marks whose name starts with `prefix`."""
        return np.array(
            sorted(t for t, name in self.actor.marks if name.startswith(prefix)), dtype=np.float64
        )

    def last_before(self, times: F64, t: F64) -> F64:
        """For each time in t, the latest of `times` at or before it (−inf if none)."""
        if times.size == 0:
            return np.full_like(t, -np.inf)
        k = np.searchsorted(times, t, side="right") - 1
        return np.where(k >= 0, times[np.clip(k, 0, None)], -np.inf)

    def next_after(self, times: F64, t: F64) -> F64:
        """For each time in t, the earliest of `times` strictly after it (+inf if none)."""
        if times.size == 0:
            return np.full_like(t, np.inf)
        k = np.searchsorted(times, t, side="right")
        return np.where(k < times.size, times[np.clip(k, 0, times.size - 1)], np.inf)

    def to_local(self, idx: npt.NDArray[np.intp], wx: F64, wy: F64) -> tuple[F64, F64]:
        """World points (per frame) in this actor's facing-relative local frame."""
        s = self.samples
        dx, dy = wx - s.x[self.i, idx], wy - s.y[self.i, idx]
        angle = s.angle[self.i, idx]
        c, sn = np.cos(angle), np.sin(angle)
        facing = s.facing[self.i, idx].astype(np.float64)
        return facing * (c * dx + sn * dy), -sn * dx + c * dy

    def other(self, index: int) -> Actor:
        return self.actors[index]

    def mounts(self, idx: npt.NDArray[np.intp]) -> list[Actor | None]:
        """What this actor rides at each of the frames `idx` (None when not riding)."""
        riding = self.mode_is("ride", idx)
        changes = sorted(
            (t, name[6:] if name.startswith("mount:") else "")
            for t, name in self.actor.marks
            if name.startswith("mount:") or name == "dismount"
        )
        by_id = {a.id: a for a in self.actors}
        out: list[Actor | None] = []
        for k, frame_t in enumerate(self.t[idx]):
            current = ""
            for t, vehicle in changes:
                if t <= frame_t + 1e-9:
                    current = vehicle
            out.append(by_id.get(current) if riding[k] and current else None)
        return out


def action_start(seg: Segment) -> float:
    """When the segment's body action began (a segment may start later, when only the gestures change)."""
    return seg.body.start_s if seg.body is not None else seg.start_s


def action_end(seg: Segment) -> float:
    return seg.body.end_s if seg.body is not None else seg.end_s


def smooth01(u: F64) -> F64:
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def bump(u: F64) -> F64:
    """0 → 1 → 0 over u in [0, 1] (a sine arch), 0 outside."""
    inside = (u >= 0.0) & (u <= 1.0)
    return np.where(inside, np.sin(np.pi * np.clip(u, 0.0, 1.0)), 0.0)
