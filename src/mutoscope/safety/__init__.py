"""Safety policy: screens that decide whether a prompt or a generated clip may proceed.

This layer is pure policy over plain values (text, frames, scene JSON); it does not import the engine (the
engine imports `Verdict` from here) nor the server. What it owns:
- `policy`: the categories, their thresholds per context (teen accounts and real-person likenesses are
  stricter), and the policy version recorded with every decision;
- `rules`: terms, patterns, public-figure and protected-character lists (data files here, plus admin additions
  the server passes in);
- `classifier` + `train`: a logistic regression over MiniLM sentence embeddings (`mutoscope.text`), trained in
  the repo on `data/train.jsonl` and judged on `data/heldout.jsonl` (`evaluation`);
- `prompts`: rules + classifier → a `Verdict`; `frames` (NudeNet), `scenes` (dialogue and the procedural scene
  plan): output screening; `screens`: all of them as the engine's `PromptScreen` / `OutputScreen` seams.
Heavy parts (the embedder, NudeNet) load on first use, never on import.
"""

from mutoscope.safety.policy import CATEGORIES, ScreeningContext
from mutoscope.safety.verdict import Action, Verdict

__all__ = ["CATEGORIES", "Action", "ScreeningContext", "Verdict"]
