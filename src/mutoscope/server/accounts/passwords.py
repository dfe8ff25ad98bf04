"""Passwords: the policy (10 characters or more, up to 4 KiB) and argon2id hashing.

Hashing is slow on purpose, so callers hash *before* opening a write transaction (a SQLite writer would otherwise
hold the lock for the whole hash). `verify_password` always spends one hash's worth of time, even for an account
that does not exist or has no password, so the response time does not tell an attacker which handles exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mutoscope.errors import InvalidRequestError

MIN_PASSWORD_CHARS = 10
# Long passphrases are welcome; the cap only stops a megabyte "password" from being hashed.
MAX_PASSWORD_BYTES = 4096


def check_password_policy(password: object, *, param: str = "password") -> str:
    """The password if it meets the policy; `InvalidRequestError` naming `param` otherwise."""
    if not isinstance(password, str) or not password:
        raise InvalidRequestError(
            f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter"
        )
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidRequestError(
            f"The password must be at least {MIN_PASSWORD_CHARS} characters long.",
            param=param,
            code="weak_password",
        )
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidRequestError(
            f"The password must be at most {MAX_PASSWORD_BYTES} bytes long.",
            param=param,
            code="password_too_long",
        )
    return password


@dataclass(frozen=True)
class PasswordHashing:
    """argon2id with the configured cost; hashes made with other costs still verify (and are flagged stale)."""

    time_cost: int
    memory_kib: int

    @cached_property
    def _hasher(self) -> PasswordHasher:
        return PasswordHasher(time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=1)

    @cached_property
    def _decoy(self) -> str:
        return self._hasher.hash("a password nobody has; verified when the account has none")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored` (None: no password set; a decoy hash is checked to spend the time)."""
        try:
            return self._hasher.verify(stored or self._decoy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)
