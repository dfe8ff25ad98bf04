"""The `procedural` backend: a deterministic CPU world simulator that makes video with synchronized sound.

Pipeline (each stage its own module): plan (prompt → `Scene`) → simulate (pymunk world → `WorldTrack`) →
sound (speech with phoneme timing → mouth tracks; foley from contact events; ambience) → render (skia frames in
a style, lazily, frame by frame) → mix. It needs no weights and no GPU and runs faster than real time on two
cores. `spec.py` is the cheap import-safe description; `backend.py` is the instance a worker loads.
"""
