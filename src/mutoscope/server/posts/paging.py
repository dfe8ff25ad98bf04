"""Keyset pages over rows ordered by (created_at, id): stable under inserts, cheap at any depth.

A page cursor is the id of the last row the client saw; it is resolved to its (created_at, id) and the next page
starts strictly past it. An unknown cursor is a 400 naming the parameter, never an empty page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from mutoscope.errors import InvalidRequestError

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequestError(f"'limit' must be between 1 and {MAX_LIMIT}; got {limit}.", param="limit")
    return limit


def unknown_cursor(value: str, param: str) -> InvalidRequestError:
    return InvalidRequestError(f"Nothing found with id '{value}' to page from.", param=param)


def page(
    query: _Query,
    created: InstrumentedAttribute[datetime],
    ident: InstrumentedAttribute[str],
    *,
    cursor: tuple[datetime, str] | None,
    limit: int,
    newest_first: bool = True,
) -> _Query:
    """`query` limited to one page past `cursor` (one extra row is fetched to tell whether more follow)."""
    key = tuple_(created, ident)
    if cursor is not None:
        bound = tuple_(*cursor)
        query = query.where(key < bound if newest_first else key > bound)
    order = (created.desc(), ident.desc()) if newest_first else (created.asc(), ident.asc())
    return query.order_by(*order).limit(limit + 1)
