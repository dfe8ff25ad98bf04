"""The social graph: follows (and mutuals) and blocks."""
