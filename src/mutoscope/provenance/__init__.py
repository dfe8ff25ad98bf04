"""Provenance: marks that let mutoscope recognise its own output (visible and invisible watermarks,
fingerprints, C2PA manifests). Pure media code over arrays and files; it does not import the engine, which
runs these marks as pipeline stages (`mutoscope.engine.stages`)."""
