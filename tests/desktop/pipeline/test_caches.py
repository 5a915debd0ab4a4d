"""What the pipeline keeps between changes (the plan per configuration, the
calendar's due times per slot, the bus's routes) gives the answers a fresh
computation would, and a change of rules or subscriptions is seen at once."""

from datetime import date, timedelta
from pathlib import Path

from desktop.desk import Desk
from desktop.pipeline import sla
from desktop.pipeline.backend import MemoryBackend
from desktop.pipeline.events import ALL, Event, EventBus
from desktop.pipeline.hours import BusinessCalendar, epoch, iso_time
from desktop.pipeline.pipeline import Pipeline
from desktop.store.store import Store
from tests.conftest import AGENT
from tests.desktop.pipeline.conftest import (
    REQUESTER,
    creation,
    document,
    load_rules,
    rules_from,
)

ROUTE = """
routing:
  - name: Printers to hardware
    when: {text: printer}
    set: {group: hardware}
"""
EARLY_HOURS = """
sla:
  timezone: Europe/Helsinki
  hours: {mon-fri: "07:00-15:00"}
"""
#: Helsinki: two spans a day, a holiday, and the spring daylight-saving change.
SPLIT_WEEK = tuple(((480, 720), (780, 1020)) if d < 5 else () for d in range(7))
HOLIDAYS = frozenset({date(2026, 3, 30)})


def walked(calendar: BusinessCalendar, start: int, seconds: int) -> int:
    """The due moment found the slow way, interval by interval."""
    day = calendar.local_date(start)
    left = seconds
    while True:
        for begin, end in calendar.day(day):
            begin = max(begin, start)
            if end <= begin:
                continue
            if left <= end - begin:
                return begin + left
            left -= end - begin
        day += timedelta(days=1)


def test_due_times_from_the_slot_memo_match_a_walk_for_every_start():
    calendar = BusinessCalendar("Europe/Helsinki", SPLIT_WEEK, HOLIDAYS)
    # Whole working days (8h, 16h) end exactly on a span's end: the edge
    # where a start later in the slot continues in the next span.
    targets = (1800, 4 * 3600, 8 * 3600, 16 * 3600, 40 * 3600)
    start = epoch("2026-03-24T00:00:00Z")

    for moment in range(start, start + 10 * 86400, 7 * 60 + 13):
        dues = calendar.add_each(moment, targets)

        assert dues == [walked(calendar, moment, t) for t in targets], iso_time(moment)


def test_starts_in_one_slot_share_a_walk_but_keep_their_own_offsets():
    calendar = BusinessCalendar("UTC", SPLIT_WEEK)
    monday_9 = epoch("2026-01-05T09:00:00Z")

    first = calendar.add(monday_9, 3600)
    later = calendar.add(monday_9 + 600, 3600)
    night = calendar.add(epoch("2026-01-05T20:00:00Z"), 3600)

    assert iso_time(first) == "2026-01-05T10:00:00Z"
    assert later == first + 600
    # Over the lunch gap (12:00-13:00): 11:50 plus one hour is 13:50.
    assert iso_time(calendar.add(epoch("2026-01-05T11:50:00Z"), 3600)) == (
        "2026-01-05T13:50:00Z"
    )
    assert iso_time(night) == "2026-01-06T09:00:00Z"


def test_rules_set_after_the_plan_was_made_apply_to_the_next_change():
    backend = MemoryBackend()
    pipeline = Pipeline(backend)
    unrouted = creation(document(subject="Printer jam"))
    pipeline.admit(unrouted)

    backend.set_rules(rules_from(ROUTE))
    routed = creation(document(subject="Printer jam again"))
    pipeline.admit(routed)

    assert unrouted.doc["group"] is None
    assert routed.doc["group"] == "hardware"


def test_rules_loaded_while_a_desk_is_open_route_its_next_ticket(
    desk: Desk, store: Store
):
    before = desk.create(subject="Printer jam", requester=REQUESTER)

    load_rules(store, ROUTE)
    after = desk.create(subject="Printer on fire", requester=REQUESTER)

    assert before["doc"]["group"] is None
    assert after["doc"]["group"] == "hardware"


def test_new_business_hours_give_the_next_ticket_its_due_time_without_restart(
    tmp_path: Path,
):
    # Monday 08:00 in Helsinki: inside the early hours, before the late ones,
    # so the two calendars must give different due times. (Between 11:00 and
    # 15:00 both have as many hours left and the due times coincide.)
    monday_8 = epoch("2026-12-07T06:00:00Z") * 1000
    store = Store(tmp_path, wall=lambda: monday_8)
    desk = Desk(store)
    desk.set_agent(AGENT)
    late_hours = EARLY_HOURS.replace("07:00-15:00", "11:00-19:00")
    load_rules(store, EARLY_HOURS)
    early = desk.create(subject="A", requester=REQUESTER)

    load_rules(store, late_hours)
    late = desk.create(subject="B", requester=REQUESTER)

    for record, text in ((early, EARLY_HOURS), (late, late_hours)):
        doc = record["doc"]
        fresh = sla.evaluate(
            rules_from(text).sla, doc, [(epoch(doc["created"]), doc["status"])]
        )
        assert record["sla"] == fresh
    assert early["sla"]["first_response_due"] != late["sla"]["first_response_due"]
    store.close()


def test_a_subscriber_added_or_removed_after_publishing_is_heard_from_next():
    bus = EventBus()
    seen: list[str] = []
    bus.publish(Event("ticket_did_create", "T1"))

    stop = bus.subscribe(ALL, lambda e: seen.append(f"all {e.ticket}"))
    bus.publish(Event("ticket_did_create", "T2"))
    bus.subscribe("ticket_did_create", lambda e: seen.append(f"create {e.ticket}"))
    bus.publish(Event("ticket_did_create", "T3"))
    stop()
    bus.publish(Event("ticket_did_create", "T4"))

    assert seen == ["all T2", "create T3", "all T3", "create T4"]


def test_a_ticket_committed_out_of_time_order_is_still_found_newest_first():
    backend = MemoryBackend()
    for subject, created in (
        ("b", "2026-01-05T12:00:00Z"),
        ("a", "2026-01-05T09:00:00Z"),
        ("c", "2026-01-05T15:00:00Z"),
    ):
        backend.commit(creation(document(subject=subject, created=created)))

    found = backend.candidates(
        "bob@example.com",
        None,
        epoch("2026-01-05T08:00:00Z"),
        epoch("2026-01-05T13:00:00Z"),
    )

    assert [c.subject for c in found] == ["b", "a"]
