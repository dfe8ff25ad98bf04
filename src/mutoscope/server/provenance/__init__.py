"""Provenance on the service: the fingerprint index, indexing finished videos, and the provenance check route
(`POST /v1/content_provenance_checks`)."""
