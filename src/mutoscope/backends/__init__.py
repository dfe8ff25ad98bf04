"""Backends: implementations of `mutoscope.engine.Backend`, each behind an import-safe `spec` module.

Backends are independent of each other and are imported only by workers (never by the server).
"""
