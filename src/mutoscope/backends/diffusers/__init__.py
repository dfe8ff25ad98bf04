"""GPU backends on open-weight video models through diffusers: LTX-2 (`ltx2`) and Wan 2.x (`wan`).

Importing this package (or its `spec` module) is cheap and never imports torch or diffusers: those load only
when a worker calls a spec's factory.
"""
