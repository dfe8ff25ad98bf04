"""Moderation: every screening decision recorded, the admins' review queue, takedowns, appeals, rule additions
and the audit log.

`screening.PromptGate` is the door every generation passes (the generations service calls it before storing or
queueing anything); output decisions come back from finished video jobs (`decisions`). Reports are the posts
domain's table, surfaced in the review queue. The policy itself lives in `mutoscope.safety`.
"""
