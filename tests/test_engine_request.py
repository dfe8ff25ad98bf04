"""GenerationRequest and Capabilities refuse bad input early, naming the field at fault."""

from __future__ import annotations

import numpy as np
import pytest

from mutoscope.engine import Capabilities, GenerationRequest, Shot
from mutoscope.engine.backend import ALL_MODES
from mutoscope.errors import InvalidRequestError, UnsupportedCapabilityError


def make(**overrides: object) -> GenerationRequest:
    fields: dict[str, object] = {"prompt": "a ball bounces", "width": 320, "height": 180, "duration_s": 2.0}
    fields.update(overrides)
    return GenerationRequest(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "x" * 10_001}, "prompt"),
        ({"width": 63}, "width"),
        ({"width": 321}, "width"),
        ({"height": 5000}, "height"),
        ({"width": 320.0}, "width"),
        ({"fps": 23}, "fps"),
        ({"duration_s": 1.01}, "duration_s"),
        ({"duration_s": 0.0}, "duration_s"),
        ({"duration_s": -4.0}, "duration_s"),
        ({"seed": -1}, "seed"),
        ({"shots": (Shot("a", 1.0),)}, "shots"),
        ({"shots": (Shot("a", 1.0), Shot(" ", 1.0))}, "shots"),
        ({"first_frame": np.zeros((10, 10, 3), np.uint8)}, "input_reference"),
        ({"mode": "remix"}, "video"),
        ({"num_inference_steps": 0}, "num_inference_steps"),
        ({"guidance_scale": -1.0}, "guidance_scale"),
    ],
)
def test_bad_fields_are_refused_with_their_name(overrides: dict[str, object], param: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        make(**overrides)
    assert info.value.param == param
    assert str(info.value)


def test_a_valid_request_reports_exact_counts() -> None:
    request = make(duration_s=2.5, fps=24)
    assert request.frame_count == 60
    assert request.sample_count == 120_000
    assert request.size == (320, 180)


def test_shots_that_add_up_are_accepted() -> None:
    request = make(prompt="", shots=(Shot("a dog", 1.0), Shot("a cat", 1.0)))
    assert request.frame_count == 48


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"width": 2000}, "size"),
        ({"duration_s": 30.0}, "duration_s"),
        ({"fps": 30}, "fps"),
        ({"style": "anime"}, "style"),
        ({"first_frame": np.zeros((180, 320, 3), np.uint8)}, "input_reference"),
        ({"shots": (Shot("a", 2.0),)}, "shots"),
        ({"negative_prompt": "blurry"}, "negative_prompt"),
    ],
)
def test_capabilities_refuse_what_the_backend_cannot_do(overrides: dict[str, object], param: str) -> None:
    caps = Capabilities(audio="native", max_side_px=1920, styles=("cartoon",))
    with pytest.raises(UnsupportedCapabilityError) as info:
        caps.check(make(**overrides))
    assert info.value.param == param


def test_capabilities_accept_what_they_declare() -> None:
    caps = Capabilities(audio="native", styles=("anime",), fps=(24, 30), modes=ALL_MODES, shots=True)
    caps.check(make(style="anime", fps=30))
