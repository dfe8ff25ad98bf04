"""Accounts: users, API keys and how a request proves who it is."""
