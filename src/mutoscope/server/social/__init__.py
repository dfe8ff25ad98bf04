"""The social side of a user: their profile (display name, bio, avatar) and the graph of follows, mutuals and
blocks."""
