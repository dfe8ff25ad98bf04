"""The physics of the procedural backend: a fixed-step pymunk world that moves a `Scene`'s bodies.

`simulate.py` (one level up) is the public entry point. This package owns the pieces it is built from:
body and fixture geometry (`bodies`, `fixtures`), the humanoid/quadruped skeleton conventions shared with the
renderer (`skeleton`), the action timeline (`timeline`), ballistic launch solvers (`ballistics`), the per-verb
behaviours that drive the bodies (`behaviours/`), contact recording (`contacts`), the stepping loop
(`world`), gait and footsteps (`gait`), procedural joint angles (`poses`) and the camera path (`camera`).
It depends on numpy and pymunk only; nothing here renders or makes sound.
"""
