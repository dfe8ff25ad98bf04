"""Provenance: how mutoscope recognises its own output, and how anyone can check a file.

Every clip passes through these marks as `generate()` stages (`stages.Provenance.stages`): an invisible frame
mark (`frame_mark`) and audio mark (`audio_mark`) carrying the video's 64-bit payload with error correction
(`codes`) under a deployment's secret key (`keyring`); a visible, drifting "@handle" badge (`visible_mark`);
perceptual fingerprints of frames and sound (`fingerprint`) for reverse search; and a signed C2PA manifest
(`manifest`, with keys from `credentials`). `inspection` reads all of it back from an uploaded video, image or
audio file. This package is media code: it sits above the engine (it implements the engine's stage protocols
and wraps its frame sequences) beside the backends, and never imports the backends, the jobs layer or the
server, which owns the fingerprint index and the `/v1/content_provenance_checks` route.
"""
