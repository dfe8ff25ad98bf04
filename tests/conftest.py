"""Shared test fixtures: small clips built in code, so media tests stay fast and need no files."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import make_url

from mutoscope.engine import timebase
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.frames import ArrayFrames

ClipFactory = Callable[..., Clip]


def gray_level(index: int) -> int:
    """The flat grey of frame `index` in `gray_ramp` clips: 7 levels apart, distinct for 32 frames."""
    return 16 + 7 * (index % 32)


def gray_ramp(count: int, width: int = 160, height: int = 96) -> npt.NDArray[np.uint8]:
    """`count` flat grey frames whose level identifies the frame even after lossy compression."""
    levels = np.array([gray_level(i) for i in range(count)], dtype=np.uint8)
    return np.ascontiguousarray(np.broadcast_to(levels[:, None, None, None], (count, height, width, 3)))


def build_clip(
    frames: npt.NDArray[np.uint8] | int = 24,
    *,
    fps: int = 24,
    audio: npt.NDArray[np.float32] | None = None,
    width: int = 160,
    height: int = 96,
) -> Clip:
    """A clip of `frames` (an array, or a count of `gray_ramp` frames) and `audio` (default silent stereo)."""
    array = gray_ramp(frames, width, height) if isinstance(frames, int) else frames
    if audio is None:
        audio = np.zeros((2, timebase.sample_count(array.shape[0], fps)), dtype=np.float32)
    return Clip(
        frames=ArrayFrames(array),
        audio=audio,
        fps=fps,
        metadata=ClipMetadata(backend="test", backend_version="0", seed=0),
    )


@pytest.fixture
def make_clip() -> ClipFactory:
    """`make_clip(frames=24, *, fps=24, audio=None, width=160, height=96) -> Clip` (see `build_clip`)."""
    return build_clip


@pytest.fixture
def frame_gray() -> Callable[[int], int]:
    """`frame_gray(index)`: the grey level of frame `index` in clips made by `make_clip(count)`."""
    return gray_level


# A real PostgreSQL for `services` tests: trust auth on localhost, user `postgres` (or `root` on some images).
PG_ADMIN_URLS = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database for this test session (dropped at the end).

    Skips the test when no PostgreSQL answers on 127.0.0.1:5432.
    """
    import psycopg

    errors: list[str] = []
    for admin_url in PG_ADMIN_URLS:
        url = make_url(admin_url)
        conninfo = f"host={url.host} port={url.port} user={url.username} dbname={url.database}"
        try:
            admin = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
        except psycopg.Error as error:
            errors.append(f"{url.username}: {error}")
            continue
        name = f"mutoscope_t_{secrets.token_hex(6)}"
        with admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                yield url.set(database=name).render_as_string(hide_password=False)
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    pytest.skip(f"no PostgreSQL reachable on 127.0.0.1:5432 ({'; '.join(errors)})")
