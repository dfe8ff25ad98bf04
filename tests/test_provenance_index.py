"""The fingerprint index in a real database: indexing once, multi-index search, and cleanup with the video."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from mutoscope.db import Database, open_database
from mutoscope.jobs.models import Job
from mutoscope.provenance.fingerprint import to_signed
from mutoscope.server.accounts.models import User
from mutoscope.server.generations.models import Video
from mutoscope.server.provenance import index
from mutoscope.server.provenance.models import VideoFingerprint, VideoProvenance
from mutoscope.server.tables import metadata

FINISHED = dt.datetime(2026, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'index.db'}")
    metadata.create_all(database.engine)
    with database.write_session() as session:
        session.add(User(id="user_1", handle="owner"))
    yield database
    database.dispose()


def _hashes(seed: int, count: int = 40) -> list[int]:
    rng = np.random.default_rng(seed)
    return [to_signed(int(v)) for v in rng.integers(0, 2**63, size=count, dtype=np.int64) * 2 + 1]


def _noisy(values: list[int], bits: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    out = []
    for value in values:
        flipped = value
        for bit in rng.choice(64, size=bits, replace=False):
            flipped ^= 1 << int(bit)
        out.append(to_signed(flipped & ((1 << 64) - 1)))
    return out


def _add_video(db: Database, video_id: str, seed: int) -> None:
    frames = [[p, 0, h] for p, h in enumerate(_hashes(seed))]
    audio = [[p, h] for p, h in enumerate(_hashes(seed + 1000))]
    report = {
        "payload": video_id[6:22],
        "fingerprints": {"frames": frames, "audio": audio},
        "c2pa_signed_at": "x",
    }
    with db.write_session() as session:
        session.add(
            Video(
                id=video_id,
                owner_id="user_1",
                model="m",
                backend="b",
                mode="create",
                prompt="p",
                seconds="10",
                size="640x360",
                seed=0,
            )
        )
        session.add(
            Job(
                id=video_id,
                kind="video",
                payload={},
                state="completed",
                max_attempts=1,
                result={"provenance": report},
                finished_at=FINISHED,
            )
        )
        session.flush()
        assert index.index_video(session, video_id)


def _vid(n: int) -> str:
    return f"video_{n + 0xA0:016x}{n:016x}"


def test_a_noisy_trimmed_copy_finds_its_source_among_many(db: Database) -> None:
    for n in range(30):
        _add_video(db, _vid(n), seed=n)
    source = _hashes(7)
    # Positions 5..34 of video 7, each hash with 6 of 64 bits flipped, renumbered from 0 (a trimmed copy).
    query = list(enumerate(_noisy(source[5:35], bits=6, seed=1)))
    with db.session() as session:
        found = index.search(session, "frame", [query], limit=10.0)
        assert found is not None and found.video_id == _vid(7)
        assert found.match.offset == 5 and found.match.aligned == 30 and found.match.mean_distance == 6.0
        unrelated = list(enumerate(_hashes(999)))
        assert index.search(session, "frame", [unrelated], limit=10.0) is None
        # With sound, the sound decides; frames that agree corroborate it.
        heard = index.trace(session, query, [list(enumerate(_noisy(_hashes(1007)[5:35], bits=8, seed=2)))])
        assert heard is not None and (heard.video_id, heard.kind, heard.corroborated) == (
            _vid(7),
            "audio",
            True,
        )
        # Sound that matches nothing: frames decide as if there were no sound, so only very close ones count.
        assert index.trace(session, query, [list(enumerate(_hashes(555)))]) is None  # 6 bits apart: too far
        close_frames = list(enumerate(_noisy(source[5:35], bits=2, seed=5)))
        wrecked = index.trace(session, close_frames, [list(enumerate(_hashes(555)))])
        assert wrecked is not None and (wrecked.video_id, wrecked.kind) == (_vid(7), "frame")
        # Sound that is only roughly close (12 bits of 64) needs frames that agree at its offset.
        rough = [list(enumerate(_noisy(_hashes(1007)[5:35], bits=12, seed=4)))]
        assert index.trace(session, query, rough) is not None
        assert index.trace(session, list(enumerate(_hashes(556)))[:30], rough) is None
        # No sound at all: frames decide, but only when very close.
        assert index.trace(session, query, []) is None  # 6 bits of 64 apart is too far on frames alone
        close = list(enumerate(_noisy(source[5:35], bits=2, seed=3)))
        assert index.trace(session, close, []).video_id == _vid(7)  # type: ignore[union-attr]
        assert index.videos_by_payload(session, [_vid(3)[6:22], "ffffffffffffffff"]) == {
            _vid(3)[6:22]: (_vid(3), FINISHED)
        }


def test_indexing_happens_once_and_goes_with_the_video(db: Database) -> None:
    _add_video(db, _vid(1), seed=1)
    with db.write_session() as session:
        assert not index.index_video(session, _vid(1))
        assert session.scalar(select(func.count()).select_from(VideoFingerprint)) == 80
    with db.write_session() as session:
        session.delete(session.get(Job, _vid(1)))
        session.delete(session.get(Video, _vid(1)))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(VideoFingerprint)) == 0
        assert session.get(VideoProvenance, _vid(1)) is None


def test_a_malformed_report_is_skipped_not_raised(db: Database) -> None:
    with db.write_session() as session:
        session.add(
            Video(
                id=_vid(2),
                owner_id="user_1",
                model="m",
                backend="b",
                mode="create",
                prompt="p",
                seconds="4",
                size="640x360",
                seed=0,
            )
        )
        session.add(
            Job(
                id=_vid(2),
                kind="video",
                payload={},
                state="completed",
                max_attempts=1,
                result={"provenance": {"fingerprints": {"frames": [["x", 0, 1]]}}},
            )
        )
        session.flush()
        assert not index.index_video(session, _vid(2))
        assert session.get(VideoProvenance, _vid(2)) is None
