"""An owner's appearance rule is drawn in every render of their character, through the whole service path:
"always wears a gold chain" must put gold pixels on the character in the frames of the finished MP4, where
the same prompt without the rule has none (or nearly none)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from characters_support import seed_character
from live_server import LiveServer, live_server, server_settings
from mutoscope.engine.media import read_video
from posts_support import member, wait_finished

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("var"))) as live:
        yield live


def _gold_pixels(mp4: bytes) -> int:
    frames = np.asarray(read_video(mp4).frames).astype(np.int32)
    r, g, b = frames[..., 0], frames[..., 1], frames[..., 2]
    gold = (r > 170) & (g > 120) & (g < 215) & (b < 100) & (r - b > 110) & (r > g)
    return int(gold.sum())


def test_always_wears_a_gold_chain_is_visible_in_the_frames(server: LiveServer) -> None:
    owner = member(server)
    plain = seed_character(server, owner.user_id, name="Ana Plain")
    chained = seed_character(
        server, owner.user_id, name="Ana Chained", preferences=["always wears a gold chain"]
    )
    counts = {}
    for character in (plain, chained):
        created = owner.http.post(
            "/v1/videos",
            json={
                "prompt": f"@{character.handle} stands in a park and waves",
                "model": "procedural",
                "seconds": "4",
            },
        )
        assert created.status_code == 200, created.text
        video_id = wait_finished(owner, created.json()["id"], timeout_s=240)
        content = owner.http.get(f"/v1/videos/{video_id}/content")
        assert content.status_code == 200
        counts[character.handle] = _gold_pixels(content.content)
    with_chain, without = counts[chained.handle], counts[plain.handle]
    assert with_chain > 200 and with_chain > 4 * without + 50, counts
