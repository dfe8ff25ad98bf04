"""Head turns from a face track: where the face box sits relative to its resting place, over time.

A head turning left or right carries the face sideways around the neck (the face box moves by roughly a
third of its width at 30°) and a head tilting up lifts it; a profile cascade hit says the same more strongly.
The whole frame's shift (camera shake, or a photo slid in front of the lens) is subtracted first, so moving
the camera is not turning the head. Samples are labelled left/right/up/centre, and runs of one label lasting
at least `MIN_TURN_S` are the turns seen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mutoscope.likeness.faces import Box, FaceSample

YAW_THRESHOLD = 0.15  # face-box centre shift, in resting face widths
PITCH_THRESHOLD = 0.12
PROFILE_YAW = 0.5  # what a profile-only sample counts as
MIN_TURN_S = 0.3


@dataclass(frozen=True, slots=True)
class Pose:
    time_s: float
    yaw: float  # + towards the frame's right
    pitch: float  # + up


@dataclass(frozen=True, slots=True)
class TurnSeen:
    direction: str
    start_s: float
    end_s: float
    peak: float


def main_faces(samples: Sequence[FaceSample]) -> list[Box | None]:
    """The main face of each sample: the one nearest the previous main face (the largest, at first)."""
    track: list[Box | None] = []
    last: Box | None = None
    for sample in samples:
        if not sample.faces:
            track.append(None)
            continue
        if last is None:
            best = max(sample.faces, key=lambda b: b.w)
        else:
            anchor = last
            best = min(sample.faces, key=lambda b: math.hypot(b.cx - anchor.cx, b.cy - anchor.cy))
        track.append(best)
        last = best
    return track


def resting_box(track: Sequence[Box | None]) -> Box | None:
    """The median frontal box: where the face sits when it looks at the camera (most of the recording)."""
    frontal = [b for b in track if b is not None and b.side == "frontal"]
    if not frontal:
        return None
    return Box(
        float(np.median([b.x for b in frontal])),
        float(np.median([b.y for b in frontal])),
        float(np.median([b.w for b in frontal])),
        float(np.median([b.h for b in frontal])),
    )


def poses(samples: Sequence[FaceSample], track: Sequence[Box | None], rest: Box) -> list[Pose | None]:
    out: list[Pose | None] = []
    for sample, box in zip(samples, track, strict=True):
        if box is None:
            out.append(None)
            continue
        dx, dy = sample.shift
        yaw = ((box.cx - dx) - rest.cx) / rest.w
        pitch = -((box.cy - dy) - rest.cy) / rest.w
        if box.side == "left":
            yaw = min(yaw, -PROFILE_YAW)
        elif box.side == "right":
            yaw = max(yaw, PROFILE_YAW)
        out.append(Pose(sample.time_s, round(yaw, 3), round(pitch, 3)))
    return out


def label(pose: Pose) -> str:
    if pose.yaw <= -YAW_THRESHOLD:
        return "left"
    if pose.yaw >= YAW_THRESHOLD:
        return "right"
    if pose.pitch >= PITCH_THRESHOLD:
        return "up"
    return "centre"


def turns_seen(poses_: Sequence[Pose | None]) -> list[TurnSeen]:
    """Runs of one non-centre label lasting at least `MIN_TURN_S` (a sample with no face does not end a run)."""
    turns: list[TurnSeen] = []
    current: list[Pose] = []
    current_label = "centre"

    def close() -> None:
        if current_label != "centre" and current and current[-1].time_s - current[0].time_s >= MIN_TURN_S:
            peak = max(abs(p.pitch if current_label == "up" else p.yaw) for p in current)
            turns.append(TurnSeen(current_label, current[0].time_s, current[-1].time_s, round(peak, 3)))

    for pose in poses_:
        if pose is None:
            continue
        name = label(pose)
        if name != current_label:
            close()
            current, current_label = [], name
        current.append(pose)
    close()
    return turns
