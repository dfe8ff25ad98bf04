"""Notifications: what happened that a user should hear about (a follower, a remix, a finished generation)."""
