"""Thumbnails and spritesheets, decoded as images and measured tile by tile."""

from __future__ import annotations

import io
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from mutoscope.engine.clip import Clip
from mutoscope.engine.media import (
    spritesheet_indices,
    spritesheet_jpeg,
    spritesheet_jpeg_from_mp4,
    thumbnail_index,
    thumbnail_webp,
    thumbnail_webp_from_mp4,
    write_mp4,
)
from mutoscope.errors import CorruptMediaError, InvalidRequestError

ClipFactory = Callable[..., Clip]
Gray = Callable[[int], int]


def open_image(data: bytes, expected_format: str) -> npt.NDArray[np.uint8]:
    image = Image.open(io.BytesIO(data))
    assert image.format == expected_format
    return np.asarray(image.convert("RGB"))


def tile_levels(sheet: npt.NDArray[np.uint8], columns: int, rows: int) -> list[float]:
    """Mean grey of each tile's centre, row by row."""
    tile_h, tile_w = sheet.shape[0] // rows, sheet.shape[1] // columns
    levels = []
    for row in range(rows):
        for column in range(columns):
            top, left = row * tile_h, column * tile_w
            centre = sheet[
                top + tile_h // 4 : top + 3 * tile_h // 4, left + tile_w // 4 : left + 3 * tile_w // 4
            ]
            levels.append(float(centre.mean()))
    return levels


@pytest.fixture
def clip(make_clip: ClipFactory) -> Clip:
    return make_clip(30, fps=30, width=320, height=180)


@pytest.fixture
def mp4(clip: Clip, tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    write_mp4(clip, path)
    return path


def test_the_thumbnail_is_a_webp_of_the_frame_a_third_in(clip: Clip, frame_gray: Gray) -> None:
    pixels = open_image(thumbnail_webp(clip), "WEBP")
    assert pixels.shape == (180, 320, 3)
    assert abs(pixels.mean() - frame_gray(10)) < 2.5
    assert thumbnail_index(30) == 10


@pytest.mark.parametrize(("width", "size"), [(160, (90, 160)), (100, (56, 100)), (33, (19, 33))])
def test_a_thumbnail_width_keeps_the_aspect_ratio(clip: Clip, width: int, size: tuple[int, int]) -> None:
    assert open_image(thumbnail_webp(clip, width), "WEBP").shape[:2] == size


def test_the_spritesheet_is_a_jpeg_grid_of_evenly_spaced_frames(clip: Clip, frame_gray: Gray) -> None:
    sheet = open_image(spritesheet_jpeg(clip, columns=4, rows=3, tile_width=64), "JPEG")
    assert sheet.shape == (3 * 36, 4 * 64, 3)
    expected = [frame_gray(index) for index in spritesheet_indices(30, 12)]
    assert np.abs(np.array(tile_levels(sheet, 4, 3)) - expected).max() < 3
    # Tiles run forward in time, row by row.
    assert np.all(np.diff(tile_levels(sheet, 4, 3)) > 0)


def test_a_clip_shorter_than_the_grid_repeats_frames_rather_than_leaving_holes(
    make_clip: ClipFactory,
) -> None:
    short = make_clip(4, fps=24)
    sheet = open_image(spritesheet_jpeg(short, columns=3, rows=3, tile_width=40), "JPEG")
    assert sheet.shape == (3 * 24, 3 * 40, 3)
    assert min(tile_levels(sheet, 3, 3)) > 10  # no black (empty) tile


def test_previews_from_an_mp4_match_previews_from_the_clip(clip: Clip, mp4: Path, frame_gray: Gray) -> None:
    thumbnail = open_image(thumbnail_webp_from_mp4(mp4, 160), "WEBP")
    assert thumbnail.shape == (90, 160, 3)
    assert abs(thumbnail.mean() - frame_gray(10)) < 3
    from_file = open_image(spritesheet_jpeg_from_mp4(mp4, columns=5, rows=2, tile_width=48), "JPEG")
    from_clip = open_image(spritesheet_jpeg(clip, columns=5, rows=2, tile_width=48), "JPEG")
    assert from_file.shape == from_clip.shape == (2 * 27, 5 * 48, 3)
    assert np.abs(np.array(tile_levels(from_file, 5, 2)) - tile_levels(from_clip, 5, 2)).max() < 4


def test_previews_of_a_file_that_is_not_a_video_fail_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("not a video")
    with pytest.raises(CorruptMediaError):
        thumbnail_webp_from_mp4(path)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: thumbnail_webp(c, 0),
        lambda c: thumbnail_webp(c, quality=0),
        lambda c: spritesheet_jpeg(c, columns=0),
        lambda c: spritesheet_jpeg(c, rows=-1),
        lambda c: spritesheet_jpeg(c, tile_width=-5),
        lambda c: spritesheet_jpeg(c, columns=400, rows=1, tile_width=400),
    ],
)
def test_impossible_preview_requests_are_invalid(clip: Clip, call: Callable[[Clip], bytes]) -> None:
    with pytest.raises(InvalidRequestError):
        call(clip)


@given(frame_count=st.integers(1, 5000), tiles=st.integers(1, 400))
def test_tile_k_shows_the_frame_on_screen_in_the_middle_of_the_kth_slice(
    frame_count: int, tiles: int
) -> None:
    indices = spritesheet_indices(frame_count, tiles)
    assert len(indices) == tiles
    assert indices == sorted(indices)
    for k, index in enumerate(indices):
        # A scrub position x in [k/n, (k+1)/n) maps to tile k; it shows what plays at the slice's middle.
        middle = Fraction(2 * k + 1, 2 * tiles) * frame_count
        assert index <= middle < index + 1
        assert 0 <= index < frame_count
