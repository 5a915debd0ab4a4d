"""The local store: clock persistence, search, and plain errors from a sick database."""

import os
from pathlib import Path

import apsw
import pytest

from desktop.desk import Desk
from desktop.errors import StoreError
from desktop.store.queries import TicketFilter, find
from desktop.store.store import DB_NAME, Store
from sync.clock import Clock
from tests.conftest import AGENT

REQUESTER = "Bob Requester <bob.requester@example.org>"


class FakeWall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def newest_clock(store: Store) -> Clock:
    return max(
        snap.clock
        for (ticket,) in store.db.execute("SELECT DISTINCT ticket FROM snapshots")
        for snap in store.history(ticket).order
    )


def test_the_clock_survives_a_restart_even_when_the_wall_clock_went_back(
    tmp_path: Path,
):
    future = FakeWall(5_000_000_000_000)
    with Store(tmp_path, wall=future) as store:
        desk = Desk(store)
        desk.set_agent(AGENT)
        ref = desk.create(subject="First", requester=REQUESTER)["doc"]["provisional"]
        desk.edit(ref, [("status", "open")])
        last = newest_clock(store)
    assert last.ms == future.ms

    with Store(tmp_path, wall=FakeWall(1_000)) as store:
        desk = Desk(store)
        # A new ticket has no parent to order after: only the persisted clock
        # can put its first snapshot above everything made before the restart.
        second = desk.create(subject="Second", requester=REQUESTER)
        (root,) = store.history(store.resolve(second["doc"]["id"])).order
        desk.edit(ref, [("status", "pending")])

        assert root.clock > last
        assert newest_clock(store) > root.clock


def test_each_new_snapshot_orders_after_the_one_before(tmp_path: Path):
    wall = FakeWall(10_000)
    with Store(tmp_path, wall=wall) as store:
        desk = Desk(store)
        desk.set_agent(AGENT)
        ref = desk.create(subject="Printer", requester=REQUESTER)["doc"]["provisional"]
        for status in ("open", "pending", "solved"):
            wall.ms -= 1_000
            desk.edit(ref, [("status", status)])
        order = store.history(store.resolve(ref)).order

    assert [s.clock for s in order] == sorted(s.clock for s in order)
    assert [s.patch[-1].get("value") for s in order[1:]] == [
        "open",
        "pending",
        "solved",
    ]


def test_search_finds_a_ticket_by_a_word_in_a_comment(desk: Desk, store: Store):
    wanted = desk.create(subject="Printer on fire", requester=REQUESTER)
    desk.create(subject="Fax jam", requester="Cy <cy@example.com>")
    desk.comment(
        wanted["doc"]["provisional"], "The toner cartridge melted", public=True
    )

    found = find(store, TicketFilter(search="cartridge"))

    assert [r["doc"]["id"] for r in found] == [wanted["doc"]["id"]]


def test_search_finds_a_ticket_by_requester_email(desk: Desk, store: Store):
    wanted = desk.create(subject="Printer on fire", requester=REQUESTER)
    desk.create(subject="Fax jam", requester="Cy <cy@example.com>")

    found = find(store, TicketFilter(search="bob.requester@example.org"))

    assert [r["doc"]["id"] for r in found] == [wanted["doc"]["id"]]


def test_search_ignores_diacritics_and_case(desk: Desk, store: Store):
    wanted = desk.create(subject="Đường tỉnh 175 đã cũ nát", requester=REQUESTER)

    assert [r["doc"]["id"] for r in find(store, TicketFilter(search="TINH"))] == [
        wanted["doc"]["id"]
    ]


def test_a_corrupt_file_is_reported_as_not_a_readable_database(tmp_path: Path):
    (tmp_path / DB_NAME).write_bytes(os.urandom(16384))

    with pytest.raises(StoreError, match="not a readable"):
        Store(tmp_path)


def test_a_locked_database_gives_a_plain_error_and_writes_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("OFFDESK_BUSY_TIMEOUT_MS", "100")
    with Store(data_dir) as store:
        desk = Desk(store)
        desk.set_agent(AGENT)
        ref = desk.create(subject="One", requester=REQUESTER)["doc"]["provisional"]
        other = apsw.Connection(str(data_dir / DB_NAME))
        other.set_busy_timeout(0)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreError, match="locked"):
                desk.create(subject="Two", requester=REQUESTER)
            with pytest.raises(StoreError, match="locked"):
                desk.edit(ref, [("status", "open")])
        finally:
            other.execute("ROLLBACK")
            other.close()

        assert store.ticket_count() == 1
        assert store.snapshot_count() == 1
        assert desk.record(ref)["doc"]["status"] == "new"


def test_a_full_disk_gives_a_plain_error_and_saves_nothing(desk: Desk, store: Store):
    ref = desk.create(subject="One", requester=REQUESTER)["doc"]["provisional"]
    tickets, snapshots = store.ticket_count(), store.snapshot_count()
    pages = store.db.execute("PRAGMA page_count").fetchall()[0][0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(StoreError, match="full"):
        desk.create(
            subject="Two", requester=REQUESTER, body="A long description. " * 400
        )

    assert store.ticket_count() == tickets
    assert store.snapshot_count() == snapshots
    store.db.execute("PRAGMA max_page_count = 1000000")
    again = desk.create(subject="Three", requester=REQUESTER)
    assert again["doc"]["provisional"] == f"{store.device_prefix}-2"
    assert desk.record(ref)["doc"]["subject"] == "One"
