"""How bracket-keyed form fields (as the openai SDK sends them) become nested values."""

from __future__ import annotations

from typing import Any

import pytest

from mutoscope.server.forms import _insert


def _nest(*pairs: tuple[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        _insert(result, key, value)
    return result


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ((("prompt", "a dog"),), {"prompt": "a dog"}),
        ((("video[id]", "video_1"),), {"video": {"id": "video_1"}}),
        (
            (("characters[][id]", "char_a"), ("characters[][id]", "char_b")),
            {"characters": [{"id": "char_a"}, {"id": "char_b"}]},
        ),
        ((("characters[]", "char_a"), ("characters[]", "char_b")), {"characters": ["char_a", "char_b"]}),
        (
            (("characters[0][id]", "char_a"), ("characters[1][id]", "char_b")),
            {"characters": [{"id": "char_a"}, {"id": "char_b"}]},
        ),
        ((("input_reference[image_url]", "data:x"),), {"input_reference": {"image_url": "data:x"}}),
        ((("tag", "a"), ("tag", "b")), {"tag": ["a", "b"]}),
        ((("a[][x]", "1"), ("a[][y]", "2"), ("a[][x]", "3")), {"a": [{"x": "1", "y": "2"}, {"x": "3"}]}),
    ],
)
def test_bracket_keys_nest(pairs: tuple[tuple[str, Any], ...], expected: dict[str, Any]) -> None:
    assert _nest(*pairs) == expected
