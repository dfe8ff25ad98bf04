"""Keyset pages over rows ordered by (created_at, id): stable under inserts, cheap at any depth.

A page cursor is the id of the last row the client saw; it is resolved to its (created_at, id) and the next page
starts strictly past it. An unknown cursor is a 400 naming the parameter, never an empty page. Every `/api` list
goes out in the same envelope, `ListOf` (`{"object": "list", "data": [...], "has_more": ...}`), and takes its
page size as the `Limit` query parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, Protocol, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from mutoscope.errors import InvalidRequestError

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# The page size as a route takes it; out-of-range values are refused by `check_limit` in the service, so the
# error is the API's own envelope rather than a framework validation error.
Limit = Annotated[int, Query()]
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])
ItemT = TypeVar("ItemT")


class _Keyed(Protocol):
    """A row that pages by (created_at, id)."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> str: ...


_Row = TypeVar("_Row", bound=_Keyed)


class ListOf(BaseModel, Generic[ItemT]):
    """The list envelope; a list with a cursor subclasses it and adds the field naming the next page."""

    object: Literal["list"] = "list"
    data: list[ItemT]
    has_more: bool


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequestError(f"'limit' must be between 1 and {MAX_LIMIT}; got {limit}.", param="limit")
    return limit


def unknown_cursor(value: str, param: str) -> InvalidRequestError:
    return InvalidRequestError(f"Nothing found with id '{value}' to page from.", param=param)


def cursor_at(
    session: Session,
    model: type[_Row],
    row_id: str | None,
    param: str,
    *,
    visible: Callable[[_Row], bool] | None = None,
) -> tuple[datetime, str] | None:
    """The (created_at, id) of the row `row_id` names, to page past; None when there is no cursor.

    A row that does not exist, or that `visible` says is not in the caller's list, is refused alike, so a cursor
    never reveals that someone else's row exists.
    """
    if row_id is None:
        return None
    row = session.get(model, row_id)
    if row is None or (visible is not None and not visible(row)):
        raise unknown_cursor(row_id, param)
    return (row.created_at, row.id)


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
