"""Provenance on the service: the fingerprint index, indexing finished videos, and `/v1/content_provenance_checks`."""
