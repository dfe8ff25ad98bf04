"""Accounts: users and how they get in (API keys, browser sessions, sign-up with invites or the waitlist), and
how they leave (account deletion)."""
