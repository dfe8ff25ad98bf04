"""Likeness with consent: the liveness check of a person's onboarding recording, what a character captures
(face, palette, proportions, voice), and the owner's preferences (appearance rules and prohibitions).

Pure media and text code over plain values (frames as uint8 arrays, audio as float32 arrays, strings); like
`safety` and `provenance` it imports neither the engine nor anything above it. OpenCV (Haar cascades) and
pocketsphinx are loaded lazily, on first use, and ship their models in their wheels.
"""
