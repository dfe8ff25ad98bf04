"""Safety policy: screens that decide whether a prompt or a generated clip may proceed.

This layer is pure policy over plain values (text, frames); it does not import the engine. The engine wraps
these screens into its pipeline stages (`mutoscope.engine.stages`). Later work fills in the rule and classifier
screens; the decision vocabulary (`Verdict`) is defined here.
"""

from mutoscope.safety.verdict import Action, Verdict

__all__ = ["Action", "Verdict"]
