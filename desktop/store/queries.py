"""Finding tickets: filters, sort orders and full-text search over the query tables."""

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    case,
    func,
    literal_column,
    select,
    text,
)

from desktop.errors import UserError
from desktop.store.schema import ticket_tags, tickets
from desktop.store.store import Store, fold
from desktop.ticket import PRIORITIES, SORTS, STATUSES, tag_key
from sync.canonical import parse_json

#: Where tickets with no server number yet sort among numbered ones: last.
_LAST_NUMBER = 1 << 62
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class TicketFilter:
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    assignee: str | None = None
    #: Any of these assignees (the spellings of one agent, for `assignee:me`).
    assignee_in: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    conflicts_only: bool = False
    search: str | None = None
    sort: str | None = None
    limit: int | None = None
    offset: int = 0
    include_deleted: bool = False


def fts_query(query: str, *, min_prefix: int = 1) -> str | None:
    """Quote each word so user text can never be FTS5 syntax; all words must match.

    Words are folded as the index is (`fold`), or "Đỏ" would never find "Đỏ".
    The last word also matches as a prefix once it has `min_prefix` letters,
    so results appear while typing; the window asks for more letters, as a
    short prefix on a big store has too many hits to rank quickly.
    """
    words = _WORD.findall(fold(query))
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if len(words[-1]) >= min_prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def build(flt: TicketFilter) -> Select[Any]:
    stmt = select(tickets.c.state)
    for status in flt.status:
        if status not in STATUSES:
            raise UserError(
                f"status: {status!r} is not allowed; use one of: {', '.join(STATUSES)}"
            )
    for priority in flt.priority:
        if priority not in PRIORITIES:
            raise UserError(
                f"priority: {priority!r} is not allowed; use one of: "
                + ", ".join(PRIORITIES)
            )
    if flt.status:
        stmt = stmt.where(tickets.c.status.in_(flt.status))
    if flt.priority:
        stmt = stmt.where(tickets.c.priority.in_(flt.priority))
    if flt.assignee is not None:
        if flt.assignee in ("", "none"):
            stmt = stmt.where(tickets.c.assignee.is_(None))
        else:
            stmt = stmt.where(tickets.c.assignee == flt.assignee)
    if flt.assignee_in:
        stmt = stmt.where(tickets.c.assignee.in_(flt.assignee_in))
    if flt.conflicts_only:
        stmt = stmt.where(tickets.c.conflicts > 0)
    for tag in flt.tags:
        stmt = stmt.where(
            tickets.c.rowid.in_(
                select(ticket_tags.c.ticket).where(ticket_tags.c.tag == tag_key(tag))
            )
        )
    if not flt.include_deleted:
        # Written out, not bound: only a literal 0 lets SQLite use the partial
        # index `ix_tickets_queue`, which counts a queue without reading rows.
        stmt = stmt.where(tickets.c.deleted == literal_column("0"))

    match = fts_query(flt.search) if flt.search else None
    if flt.search and match is None:
        raise UserError(f"search {flt.search!r} has no words to look for")
    if match:
        hits = (
            text(
                "SELECT rowid AS hit, rank AS score FROM ticket_fts "
                "WHERE ticket_fts MATCH :match"
            )
            .bindparams(match=match)
            .columns(hit=Integer, score=Float)
            .subquery("hits")
        )
        stmt = stmt.join(hits, hits.c.hit == tickets.c.rowid)

    stmt = stmt.order_by(*_order(flt.sort, ranked=match is not None))
    if flt.limit is not None:
        if flt.limit < 0:
            raise UserError("limit must be 0 or more")
        stmt = stmt.limit(flt.limit)
    if flt.offset:
        stmt = stmt.offset(flt.offset)
    return stmt


def _order(sort: str | None, *, ranked: bool) -> list[Any]:
    if sort is None:
        return (
            [text("hits.score"), tickets.c.rowid]
            if ranked
            else [
                tickets.c.updated.desc(),
                tickets.c.rowid.desc(),
            ]
        )
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name not in SORTS:
        raise UserError(
            f"sort: {sort!r} is not a sort order; use one of: {', '.join(SORTS)} "
            "(prefix '-' for descending)"
        )
    column = ranked_column(name)
    if column is None:
        column = tickets.c[name]
    return [column.desc() if descending else column.asc(), tickets.c.rowid]


def ranked_column(name: str) -> Any | None:
    """The sort key for orders that are not a column's own: workflow order for
    status and priority, server numbers first for ref; None for the others."""
    if name == "priority":
        return case({p: i for i, p in enumerate(PRIORITIES)}, value=tickets.c.priority)
    if name == "status":
        return case({s: i for i, s in enumerate(STATUSES)}, value=tickets.c.status)
    if name == "ref":
        return func.coalesce(tickets.c.number, _LAST_NUMBER)
    return None


def find(store: Store, flt: TicketFilter) -> list[dict[str, Any]]:
    """The state records of matching tickets, in the requested order."""
    with store.engine.connect() as conn:
        rows = conn.execute(build(flt)).scalars().all()
    return [parse_json(r) for r in rows]


def count(store: Store, flt: TicketFilter) -> int:
    stmt = build(TicketFilter(**{**flt.__dict__, "sort": None, "limit": None}))
    with store.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        )
