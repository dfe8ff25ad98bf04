"""The `testcard` backend: colour bars, a moving sweep and a sync flash with a beep once a second.

It is a calibration tool, not a generator: it needs nothing, runs in milliseconds per frame, and lets a person
(or a test) check picture, sound and their sync on any player or pipeline (the flash frame and the beep start on
the same frame).
"""
