"""What the ticket list shows: a query (queue, search, order) and its rows.

Plain data, free of Qt and SQLAlchemy, so the window can build queries
before SQLAlchemy is imported (it is, later, on the lister thread); `pager`
turns them into SQL.
"""

import logging
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

log = logging.getLogger(__name__)


@dataclass
class Filter:
    """The fields of `desktop.store.queries.TicketFilter` a list query uses."""

    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    assignee: str | None = None
    tags: list[str] = field(default_factory=list)
    search: str | None = None
    include_deleted: bool = False


#: Statuses an agent still has work on.
OPEN = ["new", "open", "pending", "on_hold"]


class ListRow(NamedTuple):
    """What one line of the ticket list shows; `key` is its sort key for paging."""

    rowid: int
    ticket: str
    ref: str
    subject: str
    status: str
    priority: str
    requester: str
    assignee: str
    updated: str
    conflicts: int
    key: Any


@dataclass(frozen=True)
class ListQuery:
    """A view's filter plus the search box and the clicked column."""

    filter: Filter = field(default_factory=Filter)
    #: Assignee values that mean "me" (full identity, name, e-mail).
    mine: tuple[str, ...] = ()
    unassigned: bool = False
    conflicts_only: bool = False
    sort: str | None = None
    #: How to reach the rows, chosen once per query by `plan` (see there).
    plan: str = ""

    def with_sort(self, sort: str | None) -> "ListQuery":
        return replace(self, sort=sort, plan="")
