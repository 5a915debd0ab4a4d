"""Pages of list rows for the ticket list, by keyset, so a million tickets stay fast.

The list asks for the first page, then for the page after the last row it
holds. Continuing from the last row's sort key (keyset paging) costs the same
at row 900,000 as at row 0, where LIMIT/OFFSET would walk every earlier row.
Filters come from `desktop.store.queries.build`, so the list finds exactly
what `offdesk list` finds; only the columns, the order and the keyset
condition are added here. Qt-free: the models call it on the GUI thread's
read-only store and the counters on a reader thread's.
"""

import logging
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    text,
    tuple_,
)

from desktop.store.queries import TicketFilter, build, fts_query, ranked_column
from desktop.store.schema import ticket_tags, tickets
from desktop.store.store import Store
from desktop.ticket import PRIORITIES, STATUSES, tag_key
from desktop.ui.list_query import ListQuery, ListRow
from sync.canonical import parse_json

log = logging.getLogger(__name__)

RANK, RECENT, WALK, STEPS, PLAIN = "rank", "recent", "walk", "steps", "plain"
#: Walk an index when at least one ticket in this many carries every tag.
WALK_DENSITY = 20
#: Up to this many search hits are ranked by relevance. Ranking is cheap in
#: FTS5, but the page must join every hit to its ticket row to leave deleted
#: ones out: 23,000 hits of a three-letter prefix took 110-270 ms on a million
#: tickets, where listing them newest first reads only the first page's worth.
RANK_LIMIT = 5_000
MIN_PREFIX = 3


def _spec(query: ListQuery) -> list[tuple[Any, bool]]:
    """(expression, descending) pairs, the last one always the rowid."""
    ranked = query.plan == RANK
    if query.sort is None:
        if ranked:
            return [(literal_column("hits.score"), False), (tickets.c.rowid, False)]
        return [(tickets.c.updated, True), (tickets.c.rowid, True)]
    descending = query.sort.startswith("-")
    name = query.sort.lstrip("-")
    column = ranked_column("ref" if name == "number" else name)
    if column is None:
        column = tickets.c[name]
    return [(column, descending), (tickets.c.rowid, False)]


def _after(spec: list[tuple[Any, bool]], key: tuple[Any, ...]) -> ColumnElement[bool]:
    """Rows strictly after `key` in the order `spec` describes.

    When both columns run the same way this is a row value, `(a, rowid) < (x,
    y)`, which SQLite turns into one index seek; the OR form it would need
    otherwise made it scan the index from the top, so each page cost more
    than the one before (250 ms at row 800,000 of a million).
    """
    (first, first_desc), (rowid, rowid_desc) = spec
    value, last = bindparam("after_value", key[0]), bindparam("after_rowid", key[1])
    if first_desc == rowid_desc:
        pair, bound = tuple_(first, rowid), tuple_(value, last)
        return pair < bound if first_desc else pair > bound
    beyond = first < value if first_desc else first > value
    tie = rowid < last if rowid_desc else rowid > last
    return or_(beyond, and_(first == value, tie))


def match_text(text: str | None) -> str | None:
    """The FTS5 query `offdesk list` would run, with the last word a prefix only
    from three letters on: a one- or two-letter prefix matches a large part of
    a big store and ranking those hits takes seconds, while the word itself is
    a cheap exact lookup."""
    return fts_query(text, min_prefix=MIN_PREFIX) if text else None


def plan(store: Store, query: ListQuery) -> ListQuery:
    """Decide once how a query's pages are read, so every page agrees.

    - RANK: search hits by relevance, when there are few enough to rank;
    - RECENT: search hits newest first, walking the `updated` index, when
      ranking them all would take longer than a keystroke;
    - WALK: no search, newest (or oldest) first: walk the `updated` or
      `created` index and test each row, which finds a page after a few
      hundred rows when the filters match many tickets (the usual queues);
    - STEPS: no search, by status, priority or ref: one index walk per value
      in the order's sequence (see `_steps`), where sorting by the ranked
      expression would sort the whole table for every page;
    - PLAIN: anything else, left to SQLite's planner; the Conflicts queue
      reads its partial index that way.
    """
    # TODO: Subject has no index (one would cost every ticket write), so
    # sorting a million tickets by it takes about 1.5 s a page; the list
    # reads pages on the lister thread, so the window stays responsive.
    build(_flt(query))  # validates
    match = match_text(query.filter.search)
    if match is not None and query.sort is None:
        with store.engine.connect() as conn:
            hits = conn.execute(
                text("SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH :m"),
                {"m": match},
            ).scalar_one()
        return replace(query, plan=RANK if hits <= RANK_LIMIT else RECENT)
    if match is not None or query.conflicts_only:
        return replace(query, plan=PLAIN)
    walkable = query.sort in (None, "updated", "-updated", "created", "-created")
    stepped = (query.sort or "").lstrip("-") in ("status", "priority", "ref", "number")
    if (walkable or stepped) and _common(store, query.filter.tags):
        return replace(query, plan=WALK if walkable else STEPS)
    return replace(query, plan=PLAIN)


def _common(store: Store, tags: list[str]) -> bool:
    """Whether every tag is on enough tickets that walking an index finds them soon."""
    if not tags:
        return True
    with store.engine.connect() as conn:
        size = conn.execute(select(func.max(tickets.c.rowid))).scalar_one() or 0
        for tag in tags:
            held = conn.execute(
                select(func.count()).where(ticket_tags.c.tag == tag_key(tag))
            ).scalar_one()
            if held * WALK_DENSITY < size:
                return False
    return True


def _flt(query: ListQuery) -> TicketFilter:
    """The store's filter for a list query (the list does its own order)."""
    return TicketFilter(**asdict(query.filter))


def _base(query: ListQuery) -> Any:
    flt = _flt(query)
    walk = query.plan in (WALK, RECENT, STEPS)
    stmt = build(
        replace(
            flt,
            search=None,
            sort=None,
            limit=None,
            offset=0,
            # Walking an index: filters must not tempt SQLite to another one.
            status=[] if walk else flt.status,
            priority=[] if walk else flt.priority,
            assignee=None if walk else flt.assignee,
            tags=[] if walk else flt.tags,
        )
    ).order_by(None)
    if walk:
        # A unary plus makes a column unusable as an index for that term.
        for column, values in (("status", flt.status), ("priority", flt.priority)):
            if values:
                stmt = stmt.where(literal_column(f"+tickets.{column}").in_(values))
        if flt.assignee is not None:
            stmt = stmt.where(_unindexed_assignee(flt.assignee))
        for tag in flt.tags:
            tagged = select(ticket_tags.c.ticket).where(
                ticket_tags.c.tag == tag_key(tag)
            )
            stmt = stmt.where(literal_column("+tickets.rowid").in_(tagged))
    match = match_text(flt.search)
    if match is not None:
        hits = (
            text(
                "SELECT rowid AS hit, rank AS score FROM ticket_fts "
                "WHERE ticket_fts MATCH :match"
            )
            .bindparams(match=match)
            .columns(hit=Integer, score=Float)
            .subquery("hits")
        )
        if query.plan == RANK or query.plan == "":
            stmt = stmt.join(hits, hits.c.hit == tickets.c.rowid)
        else:
            stmt = stmt.where(literal_column("+tickets.rowid").in_(select(hits.c.hit)))
    assignee = literal_column("+tickets.assignee") if walk else tickets.c.assignee
    if query.mine:
        stmt = stmt.where(assignee.in_(query.mine))
    if query.unassigned:
        stmt = stmt.where(assignee.is_(None))
    if query.conflicts_only:
        # A literal 0, so SQLite may read the partial index `ix_tickets_conflicts`.
        stmt = stmt.where(tickets.c.conflicts > literal_column("0"))
    return stmt


def _steps(query: ListQuery) -> list[tuple[Any, Any, bool]]:
    """The order by status, priority or ref as stretches, each one index walk.

    Each is (condition, column, descending): the rows meeting the condition,
    ordered by the column, come before the next stretch's. Status and
    priority walk their index for one value at a time (in workflow order,
    the ties by rowid, as `ranked_column` sorts them); ref walks the server
    numbers, then the provisional tickets. Values the filter excludes are
    skipped, so no walk reads rows that can never be shown.
    """
    assert query.sort is not None
    descending = query.sort.startswith("-")
    name = query.sort.lstrip("-")
    if name in ("status", "priority"):
        values = list(STATUSES if name == "status" else PRIORITIES)
        wanted = set(getattr(query.filter, name) or values)
        if descending:
            values.reverse()
        column = tickets.c[name]
        return [(column == v, tickets.c.rowid, False) for v in values if v in wanted]
    numbered = (tickets.c.number.is_not(None), tickets.c.number, descending)
    provisional = (tickets.c.number.is_(None), tickets.c.rowid, False)
    return [provisional, numbered] if descending else [numbered, provisional]


def _step_page(
    store: Store, query: ListQuery, size: int, after: tuple[Any, Any] | None
) -> list[ListRow]:
    """A page of a STEPS plan; a row's key is ((stretch, column value), rowid)."""
    steps = _steps(query)
    first, last = after[0] if after is not None else (0, None)
    base = _base(query)
    rows: list[ListRow] = []
    with store.engine.connect() as conn:
        for number in range(first, len(steps)):
            condition, column, descending = steps[number]
            stmt = base.with_only_columns(*_COLUMNS, column).where(condition)
            if number == first and last is not None:
                stmt = stmt.where(column < last if descending else column > last)
            order = column.desc() if descending else column.asc()
            stmt = stmt.order_by(order).limit(size - len(rows))
            for r in conn.execute(stmt).all():
                row = _row(r)
                rows.append(row._replace(key=((number, r[-1]), row.rowid)))
            if len(rows) >= size:
                break
    return rows


def _unindexed_assignee(value: str) -> Any:
    column = literal_column("+tickets.assignee")
    return column.is_(None) if value in ("", "none") else column == value


_COLUMNS = (
    tickets.c.rowid,
    tickets.c.id,
    tickets.c.number,
    tickets.c.provisional,
    tickets.c.subject,
    tickets.c.status,
    tickets.c.priority,
    tickets.c.requester_name,
    tickets.c.requester_email,
    tickets.c.assignee,
    tickets.c.updated,
    tickets.c.conflicts,
)


def page(
    store: Store, query: ListQuery, size: int, after: tuple[Any, Any] | None = None
) -> list[ListRow]:
    """Up to `size` rows following `after` (the previous page's last `key`)."""
    if not query.plan:
        query = plan(store, query)
    if query.plan == STEPS:
        return _step_page(store, query, size, after)
    sql, names, values = _compiled(store, query, size, after)
    if after is not None:
        values = {**values, "after_value": after[0], "after_rowid": after[1]}
    packed = store.db.execute(sql, [values[n] for n in names]).fetchall()[0][0]
    rows = parse_json(packed)
    if query.plan == RANK:
        rows = [(*r[:-1], float(r[-1])) for r in rows]
    return [_row(r) for r in rows]


_Compiled = tuple[str, tuple[str, ...], dict[str, Any]]
#: (query, size, paging on) -> (SQL, parameter names in order, their values)
_COMPILED: dict[tuple[str, int, bool], _Compiled] = {}


def _compiled(
    store: Store, query: ListQuery, size: int, after: tuple[Any, Any] | None
) -> _Compiled:
    """The page query as SQL, composed once per query and run on APSW directly.

    Scrolling a million rows reads thousands of pages on the lister thread
    while the GUI thread repaints, and the two take turns holding the GIL.
    Composing each page with SQLAlchemy held it three times as long as the
    read itself; and fetching row by row hands it over twice a row, each
    handover a thread switch that a repaint (one GIL acquisition per cell)
    waits for: a repaint took 56 ms instead of 27. So the SQL is made
    once per query, and the page comes back as one JSON array: one step,
    the GIL released throughout. A ranked page's key, a float, travels as
    text with 17 digits, which JSON's 15 would round.
    """
    cache_key = (repr(query), size, after is not None)
    found = _COMPILED.get(cache_key)
    if found is not None:
        return found
    spec = _spec(query)
    stmt = _base(query).with_only_columns(*_COLUMNS, spec[0][0].label("sort_key"))
    if after is not None:
        stmt = stmt.where(_after(spec, after))
    order = [expr.desc() if desc else expr.asc() for expr, desc in spec]
    rows = stmt.order_by(*order).limit(size).subquery("page")
    fields = list(rows.c)
    if query.plan == RANK:
        fields[-1] = func.printf("%!.17g", fields[-1])
    stmt = select(func.json_group_array(func.json_array(*fields)))
    compiled = stmt.compile(store.engine, compile_kwargs={"render_postcompile": True})
    found = (compiled.string, tuple(compiled.positiontup or ()), compiled.params)
    if len(_COMPILED) > 64:
        _COMPILED.clear()
    _COMPILED[cache_key] = found
    return found


def rows_by_rowid(store: Store, rowids: list[int]) -> dict[int, ListRow]:
    """Re-read rows the list already placed (after an edit, or a cache eviction)."""
    if not rowids:
        return {}
    stmt = select(*_COLUMNS, tickets.c.rowid).where(tickets.c.rowid.in_(rowids))
    with store.engine.connect() as conn:
        return {r[0]: _row(r) for r in conn.execute(stmt).all()}


def rowid_of(store: Store, ticket: str) -> int | None:
    stmt = select(tickets.c.rowid).where(tickets.c.id == ticket)
    with store.engine.connect() as conn:
        found = conn.execute(stmt).scalar_one_or_none()
    return None if found is None else int(found)


def count(store: Store, query: ListQuery) -> int:
    query = replace(query, plan="")  # counting: SQLite's planner knows best
    stmt = select(func.count()).select_from(_base(query).subquery())
    with store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def _row(r: Any) -> ListRow:
    rowid, ticket, number, provisional, subject, status, priority = r[:7]
    name, email, assignee, updated, conflicts, key = r[7:]
    return ListRow(
        rowid,
        ticket,
        f"#{number}" if number else provisional,
        subject,
        status,
        priority,
        name or email or "",
        assignee or "",
        updated,
        conflicts,
        (key, rowid),
    )
