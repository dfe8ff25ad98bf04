"""C2PA: self-made credentials, signed MP4s that read back trusted or valid, tampered ones invalid."""

from __future__ import annotations

import datetime as dt
import stat
import threading
from pathlib import Path

import pytest

from conftest import build_clip
from mutoscope.engine.media import write_mp4
from mutoscope.errors import InvalidRequestError
from mutoscope.provenance.credentials import ensure_credentials, load_credentials
from mutoscope.provenance.manifest import GenerationClaim, read_manifest, sign_mp4

VIDEO_ID = "video_" + "0123456789abcdef" * 2


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    folder = tmp_path_factory.mktemp("c2pa")
    credentials = ensure_credentials(folder / "c2pa")
    path = folder / "clip.mp4"
    write_mp4(build_clip(24), path)
    claim = GenerationClaim(
        video_id=VIDEO_ID,
        backend="testcard",
        backend_version="1",
        created_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        prompt="bars and tone",
        mode="extend",
        parent_video_id="video_" + "f" * 32,
    )
    sign_mp4(path, claim, credentials)
    return path, path.read_bytes(), credentials.trust_anchors_pem


def test_credentials_are_made_once_with_private_keys_private(tmp_path: Path) -> None:
    folder = tmp_path / "c2pa"
    results = []
    threads = [threading.Thread(target=lambda: results.append(ensure_credentials(folder))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.cert_chain_pem for r in results}) == 1  # every racer got the one set that won
    assert ensure_credentials(folder).private_key_pem == results[0].private_key_pem
    assert stat.S_IMODE((folder / "signer.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "ca.key").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["c2pa"]  # no staging folder left behind


def test_a_signed_video_reads_trusted_with_its_claim(signed: tuple[Path, bytes, bytes]) -> None:
    _, data, anchors = signed
    reading = read_manifest(data, "video/mp4", trust_anchors_pem=anchors)
    assert reading is not None and reading.state == "trusted"
    assert reading.video_id == VIDEO_ID
    assert reading.generated_at == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    generation = reading.generation
    assert generation["backend"] == "testcard" and generation["parent_video_id"] == "video_" + "f" * 32
    assert generation["generator"] == "mutoscope" and "prompt" not in generation
    assert len(generation["prompt_sha256"]) == 64


def test_without_the_trust_anchor_it_is_valid_not_trusted(signed: tuple[Path, bytes, bytes]) -> None:
    reading = read_manifest(signed[1], "video/mp4")
    assert reading is not None and reading.state == "valid"


def test_a_tampered_video_reads_invalid(signed: tuple[Path, bytes, bytes]) -> None:
    data = bytearray(signed[1])
    middle = data.index(b"mdat") + 200  # inside the coded pictures, which the manifest's hash covers
    for offset in range(32):
        data[middle + offset] ^= 0x5A
    reading = read_manifest(bytes(data), "video/mp4", trust_anchors_pem=signed[2])
    assert reading is not None and reading.state == "invalid"


def test_an_unsigned_video_has_no_manifest(tmp_path: Path) -> None:
    path = tmp_path / "plain.mp4"
    write_mp4(build_clip(12), path)
    assert read_manifest(path.read_bytes(), "video/mp4") is None


def test_operator_credentials_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        load_credentials(tmp_path / "chain.pem", tmp_path / "key.pem")
    assert caught.value.param == "c2pa_cert_chain"
    made = ensure_credentials(tmp_path / "made")
    loaded = load_credentials(tmp_path / "made" / "chain.pem", tmp_path / "made" / "signer.key")
    assert loaded.cert_chain_pem == made.cert_chain_pem and loaded.trust_anchors_pem == b""
