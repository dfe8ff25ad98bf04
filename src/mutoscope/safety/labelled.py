"""The labelled prompt sets the classifier is trained and judged on, kept under version control.

`data/train.jsonl` trains the classifier; `data/heldout.jsonl` is never used for training or for choosing
thresholds, only to measure. Two more held-out sets measure known weak spots: `data/heldout_short.jsonl`
(content-free prompts such as "first", "video 3" or one ordinary word, which must pass, and a few short harmful
ones) and `data/heldout_person.jsonl` (prompts casting one consented person character, `PERSON_CHARACTER`:
everyday scenes that should pass, and sexual, violent, self-harm and hateful uses of the likeness, which must be
refused). Each line is `{"text": ..., "label": ...}` with a label from `policy.LABELS`;
benign prompts that look like a category ("shoot a basketball", "a knife cutting bread") carry
`"lookalike": true`, so the false-positive rate on exactly those can be reported.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import Final

from mutoscope.errors import InvalidRequestError
from mutoscope.safety.policy import LABELS

TRAIN: Final = "train.jsonl"
HELDOUT: Final = "heldout.jsonl"
HELDOUT_SHORT: Final = "heldout_short.jsonl"
HELDOUT_PERSON: Final = "heldout_person.jsonl"
HELDOUT_SETS: Final = (HELDOUT, HELDOUT_SHORT, HELDOUT_PERSON)
# The name of the person character every prompt of `HELDOUT_PERSON` casts (a consented likeness).
PERSON_CHARACTER: Final = "Maya"


@dataclass(frozen=True, slots=True)
class LabelledPrompt:
    text: str
    label: str
    lookalike: bool = False


def read_set(name: str) -> tuple[LabelledPrompt, ...]:
    """One of the packaged sets (`TRAIN` or one of `HELDOUT_SETS`), checked line by line."""
    data = _raw(name).decode()
    prompts = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        text, label = row.get("text"), row.get("label")
        if not isinstance(text, str) or not text.strip() or label not in LABELS:
            raise InvalidRequestError(f"{name} line {number}: needs a text and a label from {LABELS}")
        prompts.append(LabelledPrompt(text=text, label=label, lookalike=bool(row.get("lookalike", False))))
    return tuple(prompts)


def set_digest(name: str) -> str:
    """SHA-256 of a packaged set's bytes: the trained weights record the digest of what they were trained on."""
    return hashlib.sha256(_raw(name)).hexdigest()


def _raw(name: str) -> bytes:
    return (resources.files("mutoscope.safety") / "data" / name).read_bytes()
