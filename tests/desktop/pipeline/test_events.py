"""The event bus: every committed change announced after its commit, named after
what happened; a failing subscriber breaks neither the others nor the change."""

import logging

import pytest

from desktop.desk import Desk
from desktop.errors import UserError
from desktop.pipeline.events import ALL, Event, EventBus
from desktop.store.store import Store
from tests.desktop.pipeline.conftest import REQUESTER

ROUTE = """
routing:
  - name: Printers to hardware
    when: {text: printer}
    set: {group: hardware}
"""


def test_a_subscriber_that_raises_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
):
    bus = EventBus()
    seen: list[str] = []

    def broken(event: Event) -> None:
        raise RuntimeError("subscriber bug")

    bus.subscribe("ticket_did_change", lambda e: seen.append("first"))
    bus.subscribe("ticket_did_change", broken)
    bus.subscribe(ALL, lambda e: seen.append("everything"))

    failed = bus.publish(Event("ticket_did_change", "T1"))

    assert failed == 1
    assert seen == ["first", "everything"]
    assert "subscriber" in caplog.text and "RuntimeError: subscriber bug" in caplog.text
    assert caplog.records[0].levelno == logging.ERROR
    assert caplog.records[0].name == "desktop.pipeline.events"


def test_a_subscriber_that_raises_does_not_undo_or_fail_the_change(
    desk: Desk, store: Store
):
    store.bus.subscribe(ALL, lambda e: 1 / 0)

    record = desk.create(subject="Printer", requester=REQUESTER)

    assert store.ticket_record(record["doc"]["id"]) == record


def test_events_are_published_after_the_commit_with_the_change_visible(
    desk: Desk, store: Store, data_dir
):
    visible: list[int] = []

    def look(event: Event) -> None:
        with Store(data_dir) as other:  # another connection sees only commits
            visible.append(other.ticket_count())

    store.bus.subscribe("ticket_did_create", look)
    desk.create(subject="Printer", requester=REQUESTER)

    assert visible == [1]


def test_nothing_is_announced_for_a_change_that_was_rolled_back(
    desk: Desk, store: Store
):
    seen: list[Event] = []
    store.bus.subscribe(ALL, seen.append)
    ref = desk.create(subject="Printer", requester=REQUESTER)["doc"]["id"]
    seen.clear()

    with pytest.raises(UserError):
        desk.edit(ref, [("status", "open"), ("priority", "bogus")])
    with pytest.raises(RuntimeError), store.write():
        store.emit(Event("ticket_did_change", ref))
        raise RuntimeError("abandoned")

    assert seen == []


def test_events_say_what_the_stages_did_after_the_ticket_event(
    with_rules, store: Store
):
    desk = with_rules(ROUTE)
    seen: list[Event] = []
    store.bus.subscribe(ALL, seen.append)

    record = desk.create(subject="Printer jam", requester=REQUESTER)
    desk.edit(record["doc"]["id"], [("status", "open")])

    assert [e.name for e in seen] == [
        "ticket_did_create",
        "ticket_did_route",
        "ticket_did_change",
    ]
    assert {e.ticket for e in seen} == {record["doc"]["id"]}
    assert seen[1].data["group"] == "hardware"
    assert seen[1].data["rule"] == "Printers to hardware"


def test_unsubscribing_stops_delivery():
    bus = EventBus()
    seen: list[Event] = []
    stop = bus.subscribe("x", seen.append)

    bus.publish(Event("x"))
    stop()
    bus.publish(Event("x"))

    assert len(seen) == 1
