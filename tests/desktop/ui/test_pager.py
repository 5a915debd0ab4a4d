"""Keyset pages list exactly what `offdesk list` finds, in the same order."""

from sqlalchemy import func, select

from desktop.desk import Desk
from desktop.search_syntax import me_aliases
from desktop.store.queries import TicketFilter, find
from desktop.ui import pager
from desktop.ui.list_query import OPEN, Filter, ListQuery
from desktop.ui.models.queues import query_for_search
from tests.conftest import AGENT
from tests.desktop.ui.conftest import REQUESTER


def _all_pages(store, query: ListQuery, size: int) -> list[str]:
    rows, after = [], None
    while True:
        page = pager.page(store, query, size, after)
        rows += page
        if len(page) < size:
            return [r.subject for r in rows]
        after = page[-1].key


def _make(desk: Desk) -> None:
    for n, priority in enumerate(["low", "urgent", "normal", "high", "normal"] * 3):
        desk.create(
            subject=f"printer {n:02d}",
            requester=REQUESTER,
            priority=priority,
            body="paper jam" if n % 2 else "toner",
        )


def test_keyset_pages_match_the_cli_order_for_every_sort(desk: Desk):
    _make(desk)
    for sort in (None, "subject", "-subject", "priority", "-priority", "ref"):
        expected = [
            r["doc"]["subject"] for r in find(desk.store, TicketFilter(sort=sort))
        ]
        got = _all_pages(desk.store, ListQuery(sort=sort), 4)
        assert got == expected, sort


def test_search_pages_follow_the_rank_order(desk: Desk):
    _make(desk)
    flt = TicketFilter(search="paper")
    expected = [r["doc"]["subject"] for r in find(desk.store, flt)]
    assert _all_pages(desk.store, ListQuery(Filter(search="paper")), 2) == expected
    assert len(expected) == 7


def test_search_box_filters_combine_with_the_queue(desk: Desk):
    _make(desk)
    first = find(desk.store, TicketFilter(sort="subject"))[1]["doc"]["provisional"]
    desk.edit(first, [("assignee", "ann"), ("status", "open")])
    query = query_for_search("priority:urgent assignee:me", AGENT)
    assert pager.count(desk.store, query) == 1
    mine = query_for_search("", AGENT, ListQuery(mine=me_aliases(AGENT)))
    assert [r.subject for r in pager.page(desk.store, mine, 10)] == ["printer 01"]


def test_me_aliases_cover_the_spellings_an_assignee_may_hold():
    assert me_aliases(AGENT) == (
        "Ann Agent",
        "Ann Agent <ann@example.com>",
        "ann",
        "ann@example.com",
    )


def test_status_priority_and_ref_orders_walk_an_index_and_match_the_cli(desk: Desk):
    statuses = ["open", "new", "solved", "pending", "on_hold", "closed", "open"]
    for n, priority in enumerate(["low", "urgent", "normal", "high", "normal"] * 3):
        ref = desk.create(
            subject=f"printer {n:02d}", requester=REQUESTER, priority=priority
        )["doc"]["provisional"]
        if statuses[n % len(statuses)] != "new":
            desk.edit(ref, [("status", statuses[n % len(statuses)])])
    queues = [ListQuery(), ListQuery(Filter(status=OPEN))]
    for queue in queues:
        for sort in ("status", "-status", "priority", "-priority", "ref", "-ref"):
            query = pager.plan(desk.store, queue.with_sort(sort))
            assert query.plan == pager.STEPS, sort
            flt = TicketFilter(status=queue.filter.status, sort=sort)
            expected = [r["doc"]["subject"] for r in find(desk.store, flt)]
            assert _all_pages(desk.store, query, 4) == expected, (queue, sort)


def _query_plan(store, stmt) -> str:
    sql = str(stmt.compile(compile_kwargs={"literal_binds": True}))
    return " ".join(row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql))


def test_queue_counts_and_the_conflicts_queue_read_only_their_indexes(desk: Desk):
    _make(desk)
    conflicts = ListQuery(conflicts_only=True)
    count = select(func.count()).select_from(pager._base(conflicts).subquery())
    assert "ix_tickets_conflicts" in _query_plan(desk.store, count)
    mine = ListQuery(Filter(status=OPEN), mine=me_aliases(AGENT))
    count = select(func.count()).select_from(pager._base(mine).subquery())
    assert "COVERING INDEX ix_tickets_queue" in _query_plan(desk.store, count)
    assert pager.page(desk.store, conflicts, 10) == []
    assert pager.count(desk.store, ListQuery(Filter(status=OPEN))) == 15
