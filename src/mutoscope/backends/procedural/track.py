"""What the simulate and sound stages hand to the renderer and the mixer.

`WorldTrack` is the simulated world sampled once per video frame: every entity's root position, rotation and
joint angles, the camera path, and the contact events (collisions, bounces, footsteps) that foley is made
from. `SpeechTrack` is the synthesized dialogue: per-speaker audio placement, word timings for subtitles and a
per-frame mouth opening for lip sync. Arrays are indexed by frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True, eq=False)
class EntityTrack:
    """One entity's motion: root (body centre) position in metres, rotation in radians, joint angles."""

    entity: str
    x_m: F32
    y_m: F32
    angle_rad: F32
    facing: npt.NDArray[np.int8]  # +1 right, -1 left
    # Joint angles in radians, keyed by joint name ("hip_l", "knee_r", "shoulder_l", "neck", "tail", "wing"...).
    pose: Mapping[str, F32] = field(default_factory=dict)
    visible: npt.NDArray[np.bool_] | None = None  # None = always visible


@dataclass(frozen=True, slots=True)
class ContactEvent:
    """A contact the simulation recorded; `frame` is the frame during which it happened."""

    time_s: float
    frame: int
    a: str  # entity id
    b: str  # entity id, or "ground" / "wall" / "water"
    impulse_ns: float  # magnitude of the contact impulse, newton-seconds
    kind: str = "impact"  # "impact", "bounce", "footstep", "splash", "scrape", "rim"
    x_m: float = 0.0  # where it happened (pans the sound)


@dataclass(frozen=True, slots=True, eq=False)
class CameraTrack:
    """Per frame: the world point at the frame centre, and how many metres of world the frame's height shows."""

    center_x_m: F32
    center_y_m: F32
    view_height_m: F32
    shot: npt.NDArray[np.int16]  # index into Scene.cameras (a change is a cut)


@dataclass(frozen=True, slots=True, eq=False)
class WorldTrack:
    fps: int
    frame_count: int
    entities: Mapping[str, EntityTrack]
    camera: CameraTrack
    events: tuple[ContactEvent, ...] = ()
    gravity_m_s2: float = 9.81


@dataclass(frozen=True, slots=True)
class SpokenWord:
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True, eq=False)
class SpokenLine:
    """A dialogue line as synthesized: where it sits in the clip and its word timings."""

    speaker: str
    text: str
    language: str
    start_s: float
    end_s: float
    words: tuple[SpokenWord, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class SpeechTrack:
    """Synthesized dialogue: mono speech per speaker at 48 kHz (full clip length) and mouth openings per frame."""

    lines: tuple[SpokenLine, ...]
    audio: Mapping[str, F32]  # speaker id -> float32 [N] at 48 kHz
    mouth_open: Mapping[str, F32]  # speaker id -> float32 [frame_count] in [0, 1]
