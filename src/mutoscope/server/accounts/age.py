"""Ages from birthdays: who may sign up (13 and over) and who has a teen account (under 18).

Teen status is computed from the birthday on every request, never stored, so an account stops being a teen
account on the 18th birthday without anyone updating a flag. "Today" is the UTC date.
"""

from __future__ import annotations

from datetime import date

from mutoscope.db import utcnow
from mutoscope.errors import InvalidRequestError

MIN_SIGNUP_AGE = 13
ADULT_AGE = 18
_OLDEST_YEAR = 1900


def today_utc() -> date:
    return utcnow().date()


def age_on(birthday: date, today: date) -> int:
    """Whole years lived by `today`; someone born on 29 February turns a year older on 1 March in common years."""
    had_birthday = (today.month, today.day) >= (birthday.month, birthday.day)
    return today.year - birthday.year - (0 if had_birthday else 1)


def is_teen(birthday: date | None, today: date | None = None) -> bool:
    """Under 18. Accounts without a birthday (API-only users made from the command line) are not teen accounts."""
    return birthday is not None and age_on(birthday, today or today_utc()) < ADULT_AGE


def parse_birthday(value: object, today: date | None = None, *, param: str = "birthday") -> date:
    """A sign-up birthday (`YYYY-MM-DD`) of someone at least 13; `InvalidRequestError` otherwise."""
    if value is None or value == "":
        raise InvalidRequestError(
            f"Missing required parameter: '{param}' (YYYY-MM-DD).",
            param=param,
            code="missing_required_parameter",
        )
    if not isinstance(value, str):
        raise InvalidRequestError(f"'{param}' must be a date written YYYY-MM-DD.", param=param)
    try:
        birthday = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidRequestError(
            f"'{param}' must be a real date written YYYY-MM-DD; got {value!r}.", param=param
        ) from None
    today = today or today_utc()
    if birthday > today:
        raise InvalidRequestError(f"'{param}' is in the future.", param=param)
    if birthday.year < _OLDEST_YEAR:
        raise InvalidRequestError(f"'{param}' must be after {_OLDEST_YEAR}.", param=param)
    if age_on(birthday, today) < MIN_SIGNUP_AGE:
        raise InvalidRequestError(
            f"You must be at least {MIN_SIGNUP_AGE} years old to sign up.", param=param, code="too_young"
        )
    return birthday
