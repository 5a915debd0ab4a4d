"""Finding tickets: the default order, and search text that is never FTS syntax."""

import pytest

from desktop.desk import Desk
from desktop.errors import UserError
from desktop.store.queries import TicketFilter, count, find
from desktop.store.store import Store

REQUESTER = "Bob <bob@example.com>"


def subjects(store: Store, **kw) -> list[str]:
    return [r["doc"]["subject"] for r in find(store, TicketFilter(**kw))]


def test_the_default_order_puts_the_latest_change_first_even_within_one_second(
    tmp_path,
):
    """Edits a moment apart share a wall-clock second; the list must still
    show the one changed last on top ("newest change first"). The wall clock
    steps one millisecond a reading, so the run never depends on how fast the
    machine is."""
    readings = iter(range(1_780_000_000_000, 1_780_000_001_000))
    with Store(tmp_path / "data", wall=lambda: next(readings)) as store:
        desk = Desk(store)
        desk.set_agent("Ann Agent <ann@example.com>")
        alpha = desk.create(subject="Alpha", requester=REQUESTER)
        desk.create(subject="Bravo", requester=REQUESTER)
        desk.create(subject="Charlie", requester=REQUESTER)
        desk.edit(alpha["doc"]["provisional"], [("status", "open")])
        assert subjects(store) == ["Alpha", "Charlie", "Bravo"]


@pytest.mark.parametrize(
    "query", ['printer OR "', "printer*", "NEAR(printer fire)", "-fire", "subject:x"]
)
def test_search_text_is_never_read_as_fts_syntax(desk: Desk, store: Store, query):
    desk.create(subject="Printer on fire", requester=REQUESTER)

    find(store, TicketFilter(search=query))  # no SQL error


def test_all_search_words_must_match(desk: Desk, store: Store):
    desk.create(subject="Printer on fire", requester=REQUESTER)
    desk.create(subject="Printer jammed", requester=REQUESTER)

    assert subjects(store, search="printer fire") == ["Printer on fire"]
    assert sorted(subjects(store, search="printer")) == [
        "Printer jammed",
        "Printer on fire",
    ]
    assert count(store, TicketFilter(search="jam")) == 1


def test_a_search_without_words_is_refused(store: Store):
    with pytest.raises(UserError):
        find(store, TicketFilter(search="?!"))


@pytest.mark.parametrize(
    "flt",
    [
        TicketFilter(status=["done"]),
        TicketFilter(priority=["p1"]),
        TicketFilter(sort="x"),
    ],
)
def test_unknown_filter_values_are_refused(store: Store, flt):
    with pytest.raises(UserError):
        find(store, flt)
