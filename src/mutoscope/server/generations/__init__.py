"""Generations: the `/v1/videos` surface (create, remix, edit, extend, list, content, delete)."""
