"""`mutoscope gallery`: a small run writes decodable MP4s, previews and an index.html that links them."""

from __future__ import annotations

import re
from pathlib import Path

import av
from PIL import Image
from typer.testing import CliRunner

from mutoscope.cli.gallery import ENTRIES
from mutoscope.cli.main import app


def test_the_gallery_lists_at_least_twelve_distinct_entries() -> None:
    assert len(ENTRIES) >= 12
    assert len({entry.slug for entry in ENTRIES}) == len(ENTRIES)
    assert any(entry.shots for entry in ENTRIES) and any(entry.remix_of for entry in ENTRIES)


def test_gallery_only_two_writes_decodable_mp4s_and_an_index(tmp_path: Path) -> None:
    out = tmp_path / "gallery"
    result = CliRunner().invoke(
        app, ["gallery", str(out), "--only", "2", "--seconds", "1", "--size", "160x96"]
    )
    assert result.exit_code == 0, result.output
    videos = sorted(out.glob("*.mp4"))
    assert [v.name for v in videos] == [f"01-{ENTRIES[0].slug}.mp4", f"02-{ENTRIES[1].slug}.mp4"]
    index = (out / "index.html").read_text(encoding="utf-8")
    for video in videos:
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
            assert stream.codec_context.name == "h264"
            assert len(container.streams.audio) == 1
        assert len(frames) == 24 and frames[0].shape == (96, 160, 3)
        assert f'src="{video.name}"' in index
        sheet = video.with_name(video.stem + "-sheet.jpg")
        assert f'src="{sheet.name}"' in index
        with Image.open(sheet) as image:
            assert image.format == "JPEG" and image.width == 4 * 160
        with Image.open(video.with_suffix(".webp")) as image:
            assert image.format == "WEBP"
    assert len(re.findall(r"<video controls", index)) == 2
    assert ENTRIES[0].prompt in index and ENTRIES[0].title in index


def test_gallery_refuses_a_bad_size_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "gallery"
    result = CliRunner().invoke(app, ["gallery", str(out), "--size", "big"])
    assert result.exit_code == 2
    assert not out.exists()
