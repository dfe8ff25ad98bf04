"""Liveness fixtures built from a real face photo: scikit-image's `astronaut()`, made to turn and speak.

The head is warped as a cylinder (a yaw shifts the face's texture sideways inside the head's outline, a pitch
lifts it), the jaw below the mouth drops with the loudness of espeak-ng speech of the digits, and each digit is
said a human reaction time after the challenge shows it. Attacks are variations: other digits, no or reordered
turns, a still photo with the voice-over, another face (a Labeled-Faces-in-the-Wild crop scikit-image ships)
swapped in mid-clip, or a second person beside the first.
"""

from __future__ import annotations

import io
import subprocess
import wave
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt
from skimage import data

from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.media import encode_mp4_bytes
from mutoscope.likeness.challenge import Challenge

FPS = 24
RATE_HZ = 48_000
FRAME_PX = 320
REACTION_S = 0.35
TURN_RAMP_S = 0.25
TURN_HOLD_S = 0.7
YAW_RAD = 0.55
PITCH_RAD = 0.35
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Script:
    """What the fixture person does: the digits said, the turns made, and what else is in the picture."""

    digits: tuple[int, ...]
    digit_times_s: tuple[float, ...]
    turns: tuple[tuple[str, float], ...]  # (direction, cue time)
    duration_s: float
    voice: str = "en-us+f2"
    mouth_moves: bool = True
    swap_at_s: float | None = None
    second_face: bool = False


def script_for(challenge: Challenge, **changes: object) -> Script:
    script = Script(
        digits=tuple(d.digit for d in challenge.digits),
        digit_times_s=tuple(d.shown_s for d in challenge.digits),
        turns=tuple((t.direction, t.cue_s) for t in challenge.turns),
        duration_s=round(challenge.min_recording_s + 0.5, 2),
    )
    return replace(script, **changes)  # type: ignore[arg-type]


def recording(script: Script) -> Clip:
    frame_count = round(script.duration_s * FPS)
    audio = _speech(script, frame_count)
    level = _frame_levels(audio, frame_count)
    base = _base_image()
    other = _swapped_image(base)
    frames = np.empty((frame_count, FRAME_PX, FRAME_PX, 3), np.uint8)
    for index in range(frame_count):
        t = index / FPS
        image = other if script.swap_at_s is not None and t >= script.swap_at_s else base
        yaw, pitch = _pose(script, t)
        opening = level[index] if script.mouth_moves else 0.0
        frame = _warp_head(_open_mouth(image, opening), yaw, pitch)
        if script.second_face:
            frame = _with_second_face(frame)
        frames[index] = frame
    stereo = np.repeat(audio[None, :], 2, axis=0)
    return Clip(frames=frames, audio=stereo, fps=FPS, metadata=ClipMetadata("fixture", "", 0))


def mp4(script: Script) -> bytes:
    return encode_mp4_bytes(recording(script))


# -- the picture -------------------------------------------------------------------------------------------

_SCALE = FRAME_PX / 400
_FACE = ((177 - 24) * _SCALE, (66 - 20) * _SCALE, 95 * _SCALE)  # x, y, size of the face in the frame
_HEAD_C = (_FACE[0] + _FACE[2] / 2, _FACE[1] + _FACE[2] / 2 + 4)
_HEAD_R = (_FACE[2] * 0.62, _FACE[2] * 0.78)
_MOUTH = ((224 - 24) * _SCALE, (146 - 20) * _SCALE)
_GRID = np.mgrid[0:FRAME_PX, 0:FRAME_PX].astype(np.float32)


def _base_image() -> Image:
    crop = data.astronaut()[20:420, 24:424]
    image: Image = cv2.resize(crop, (FRAME_PX, FRAME_PX), interpolation=cv2.INTER_AREA)
    return image


def _lfw_face(index: int, size: int, tint: tuple[float, float, float]) -> Image:
    face = (data.lfw_subset()[index] * 255).astype(np.uint8)
    big = cv2.resize(face, (size, size), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    return (np.clip(big[..., None] * np.array(tint, np.float32), 0, 255)).astype(np.uint8)


def _swapped_image(base: Image) -> Image:
    """The astronaut with another person's face where hers was (a face swap)."""
    out = base.copy()
    x, y, size = (int(v) for v in _FACE)
    pad = int(size * 0.1)
    face = _lfw_face(9, size + 2 * pad, (235, 190, 160))
    out[y - pad : y + size + pad, x - pad : x + size + pad] = face
    return out


def _with_second_face(frame: Image) -> Image:
    out = frame.copy()
    face = _lfw_face(25, 78, (225, 180, 150))
    out[150:228, 8:86] = face
    return out


def _warp_head(image: Image, yaw: float, pitch: float) -> Image:
    if yaw == 0 and pitch == 0:
        return image
    ys, xs = _GRID
    cx, cy = _HEAD_C
    rx, ry = _HEAD_R
    u, v = (xs - cx) / rx, (ys - cy) / ry
    phi, psi = np.arcsin(np.clip(u, -0.999, 0.999)), np.arcsin(np.clip(v, -0.999, 0.999))
    sx = cx + rx * np.sin(np.clip(phi - yaw, -1.5, 1.5))
    sy = cy + ry * np.sin(np.clip(psi + pitch, -1.5, 1.5))
    weight = np.clip((1.0 - np.sqrt(u**2 + v**2)) / 0.25, 0, 1)
    map_x = (xs + (sx - xs) * weight).astype(np.float32)
    map_y = (ys + (sy - ys) * weight).astype(np.float32)
    warped: Image = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return warped


def _open_mouth(image: Image, opening: float) -> Image:
    """Drop the jaw by up to 5 px below the mouth line and darken the gap between the lips."""
    if opening <= 0.02:
        return image
    ys, xs = _GRID
    mx, my = _MOUTH
    drop = 5.0 * opening
    across = np.clip(1 - ((xs - mx) / 16) ** 2, 0, 1)
    below = np.clip((ys - my) / 3, 0, 1) * np.clip(1 - (ys - my - 14) / 10, 0, 1)
    map_y = (ys - drop * across * below).astype(np.float32)
    out: Image = cv2.remap(image, xs, map_y, cv2.INTER_LINEAR)
    gap = ((xs - mx) / 10) ** 2 + ((ys - my - drop / 2) / max(drop / 2, 0.5)) ** 2 < 1
    out[gap] = (out[gap] * 0.25).astype(np.uint8)
    return out


def _pose(script: Script, t: float) -> tuple[float, float]:
    for direction, cue in script.turns:
        start = cue + REACTION_S
        k = _trapezoid(t - start)
        if k > 0:
            if direction == "up":
                return 0.0, PITCH_RAD * k
            return (YAW_RAD if direction == "right" else -YAW_RAD) * k, 0.0
    return 0.0, 0.0


def _trapezoid(t: float) -> float:
    if t <= 0 or t >= 2 * TURN_RAMP_S + TURN_HOLD_S:
        return 0.0
    if t < TURN_RAMP_S:
        return t / TURN_RAMP_S
    if t < TURN_RAMP_S + TURN_HOLD_S:
        return 1.0
    return (2 * TURN_RAMP_S + TURN_HOLD_S - t) / TURN_RAMP_S


# -- the sound ---------------------------------------------------------------------------------------------


def _speech(script: Script, frame_count: int) -> npt.NDArray[np.float32]:
    total = frame_count * RATE_HZ // FPS
    rng = np.random.default_rng(7)
    audio = (rng.standard_normal(total) * 0.002).astype(np.float32)  # a quiet room
    for digit, shown in zip(script.digits, script.digit_times_s, strict=True):
        word = _say(DIGIT_WORDS[digit], script.voice)
        start = int((shown + REACTION_S) * RATE_HZ)
        end = min(total, start + len(word))
        audio[start:end] += word[: end - start]
    return audio


def _say(text: str, voice: str) -> npt.NDArray[np.float32]:
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "150", "--stdout", text], capture_output=True, check=True
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        pcm = np.frombuffer(reader.readframes(reader.getnframes()), np.int16).astype(np.float32) / 32768
    positions = np.arange(int(len(pcm) * RATE_HZ / rate)) * rate / RATE_HZ
    return (np.interp(positions, np.arange(len(pcm)), pcm) * 0.7).astype(np.float32)


def _frame_levels(audio: npt.NDArray[np.float32], frame_count: int) -> npt.NDArray[np.float64]:
    per_frame = RATE_HZ // FPS
    rms = np.sqrt(
        (audio[: frame_count * per_frame].astype(np.float64).reshape(frame_count, per_frame) ** 2).mean(1)
    )
    peak = float(rms.max()) or 1.0
    return np.clip((rms / peak - 0.05) / 0.6, 0.0, 1.0)
