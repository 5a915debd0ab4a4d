"""SLA due times: business hours in a time zone, holidays, pauses, late arrivals."""

import pytest

from desktop.desk import Desk
from desktop.pipeline import sla
from desktop.pipeline.hours import BusinessCalendar, epoch, iso_time
from desktop.pipeline.rules import RuleSet
from desktop.replica import receive
from desktop.store.store import Store
from sync.clock import Clock
from sync.history import History
from sync.ids import DeviceId, TicketId
from sync.snapshot import Snapshot, authored
from tests.desktop.pipeline.conftest import (
    REQUESTER,
    document,
    load_rules,
    rules_from,
)

HELSINKI = """
sla:
  timezone: Europe/Helsinki
  hours: {mon-fri: "09:00-17:00"}
  holidays: [2026-01-05]
  targets:
    urgent: {first_response: 2h, resolution: 4h}
    normal: {first_response: 8h}
"""
# Helsinki is UTC+2 in January: 16:00 local is 14:00Z.
FRIDAY_4PM = "2026-01-02T14:00:00Z"


def calendar() -> BusinessCalendar:
    return rules_from(HELSINKI).sla.calendar


def test_working_time_runs_over_the_weekend_and_a_holiday_to_the_next_workday():
    due = calendar().add(epoch(FRIDAY_4PM), 2 * 3600)

    # Friday 16-17 is one hour; Sat, Sun and Monday the 5th are off.
    assert iso_time(due) == "2026-01-06T08:00:00Z"


def test_working_time_between_two_moments_skips_nights_weekends_and_holidays():
    hours = calendar().between(epoch(FRIDAY_4PM), epoch("2026-01-07T08:00:00Z"))

    assert hours == (1 + 8 + 1) * 3600


def test_daylight_saving_moves_the_working_day_in_utc():
    cal = BusinessCalendar(
        "Europe/Helsinki",
        tuple(((540, 1020),) if d < 5 else () for d in range(7)),
    )
    # Friday 27 March 16:00 (+2) plus 2h: Monday 30 March 10:00, now +3.
    due = cal.add(epoch("2026-03-27T14:00:00Z"), 2 * 3600)

    assert iso_time(due) == "2026-03-30T07:00:00Z"


def evaluate(
    timeline: list[tuple[str, str]], text: str = HELSINKI, **fields
) -> dict | None:
    doc = document(created=timeline[0][0], priority="urgent", **fields)
    doc["status"] = timeline[-1][1]
    steps = [(epoch(t), status) for t, status in timeline]
    return sla.evaluate(rules_from(text).sla, doc, steps)


def test_a_new_ticket_is_due_in_business_hours_from_its_creation():
    found = evaluate([(FRIDAY_4PM, "new")])

    assert found["first_response_due"] == "2026-01-06T08:00:00Z"
    # 4h: Friday 16-17, then Tuesday 09:00-12:00 local.
    assert found["resolution_due"] == "2026-01-06T10:00:00Z"
    assert found["paused"] is False and found["breached"] is False


def test_pending_on_the_customer_pauses_the_clock_and_open_resumes_it():
    found = evaluate(
        [
            (FRIDAY_4PM, "new"),
            ("2026-01-02T14:30:00Z", "pending"),  # after 30 working minutes
            ("2026-01-06T09:00:00Z", "open"),  # Tuesday 11:00 local
        ]
    )

    # 90 of 120 minutes left at Tuesday 11:00: due 12:30 local.
    assert found["first_response_due"] == "2026-01-06T10:30:00Z"
    assert found["resolution_due"] == "2026-01-06T12:30:00Z"


def test_while_pending_there_is_no_due_time_and_the_sla_says_paused():
    found = evaluate([(FRIDAY_4PM, "new"), ("2026-01-02T14:30:00Z", "pending")])

    assert found["paused"] is True
    assert found["first_response_due"] is None
    assert found["breached"] is False


def test_a_target_passed_before_the_pause_is_a_breach_history_proves():
    found = evaluate(
        [(FRIDAY_4PM, "open"), ("2026-01-06T09:00:00Z", "pending")]  # Tue 11:00
    )

    assert found["first_response_due"] == "2026-01-06T08:00:00Z"
    assert found["breached"] is True


def test_a_first_reply_before_the_due_time_meets_the_target():
    doc_comments = {
        "c1": {
            "author": "Ann Agent <ann@example.com>",
            "body": "On it",
            "public": True,
            "created": "2026-01-06T07:30:00Z",
        },
        "c0": {
            "author": "Bob <bob@example.com>",
            "body": "Hello?",
            "public": True,
            "created": "2026-01-02T14:10:00Z",
        },
    }
    found = evaluate([(FRIDAY_4PM, "open")], comments=doc_comments)

    assert found["first_response_at"] == "2026-01-06T07:30:00Z"
    assert found["breached"] is False


def test_solving_late_is_a_breach_and_solving_in_time_is_not():
    late = evaluate([(FRIDAY_4PM, "open"), ("2026-01-07T08:00:00Z", "solved")])
    early = evaluate([(FRIDAY_4PM, "open"), ("2026-01-02T14:20:00Z", "solved")])

    assert late["resolved_at"] == "2026-01-07T08:00:00Z" and late["breached"]
    assert early["resolved_at"] == "2026-01-02T14:20:00Z"
    # The first response never came before it was due, so that one counts.
    assert early["first_response_due"] == "2026-01-06T08:00:00Z"


def test_a_priority_without_targets_has_no_sla():
    doc = document(priority="low")

    assert sla.evaluate(rules_from(HELSINKI).sla, doc, [(0, "new")]) is None


def test_the_defaults_apply_when_no_rules_say_otherwise():
    policy = RuleSet.compile({}).sla
    doc = document(created="2026-01-05T16:00:00Z")  # Monday 16:00 UTC

    found = sla.evaluate(policy, doc, [(epoch(doc["created"]), "new")])

    # normal: 8h to respond, 24h to resolve, Mon-Fri 09-17 UTC.
    assert found["first_response_due"] == "2026-01-06T16:00:00Z"
    assert found["resolution_due"] == "2026-01-08T16:00:00Z"


def test_shown_counts_a_running_target_passed_by_now_as_breached():
    found = evaluate([(FRIDAY_4PM, "new")])

    before = sla.shown(found, epoch("2026-01-06T07:59:00Z"))
    after = sla.shown(found, epoch("2026-01-06T08:01:00Z"))

    assert before["breached"] is False and after["breached"] is True
    assert set(after) >= {"first_response_due", "resolution_due", "breached"}


def snap(
    parents: list[Snapshot], patch: list[dict], wall: str, device: str, tick: int
) -> Snapshot:
    return authored(
        TicketId(parents[0].ticket if parents else "01JTESTTICKET00000000000000"),
        [p.id for p in parents],
        patch,
        f"{device} <{device.lower()}@example.com>",
        DeviceId(device),
        Clock(epoch(wall) * 1000, tick),
        wall,
    )


@pytest.fixture
def ticket_history() -> dict[str, Snapshot]:
    doc = document(priority="urgent", created=FRIDAY_4PM)
    doc["id"] = "01JTESTTICKET00000000000000"
    root = snap([], [{"op": "add", "path": "", "value": doc}], FRIDAY_4PM, "ANN", 0)
    pending = snap(
        [root],
        [{"op": "replace", "path": "/status", "value": "pending"}],
        "2026-01-02T14:30:00Z",
        "BOB",
        0,
    )
    reopened = snap(
        [pending],
        [{"op": "replace", "path": "/status", "value": "open"}],
        "2026-01-06T09:00:00Z",
        "BOB",
        0,
    )
    return {"root": root, "pending": pending, "reopened": reopened}


def test_a_status_change_arriving_late_moves_the_due_time_as_if_it_came_first(
    store: Store, tmp_path, ticket_history
):
    load_rules(store, HELSINKI)
    with store.write():
        receive(store, [ticket_history["root"]])
    ticket = TicketId(ticket_history["root"].ticket)
    first = store.ticket_record(ticket)["sla"]
    assert first["first_response_due"] == "2026-01-06T08:00:00Z"

    with store.write():
        receive(store, [ticket_history["reopened"], ticket_history["pending"]])

    late = store.ticket_record(ticket)["sla"]
    assert late["first_response_due"] == "2026-01-06T10:30:00Z"

    with Store(tmp_path / "other") as other:
        load_rules(other, HELSINKI)
        with other.write():
            receive(other, list(reversed(ticket_history.values())))
        assert other.ticket_record(ticket)["sla"] == late


def test_show_json_has_the_sla_and_the_record_matches_a_fresh_derivation(
    desk: Desk, store: Store
):
    created = desk.create(subject="Printer", requester=REQUESTER, priority="urgent")
    ref = created["doc"]["id"]
    desk.comment(ref, "Looking at it", public=True)
    record = store.ticket_record(ref)

    assert record["sla"]["first_response_at"] is not None
    assert record == store.record_of(ref, store.history(ref).state())
    assert desk.record(ref) == record


def test_loading_new_sla_rules_derives_every_record_again(desk: Desk, store: Store):
    ref = desk.create(subject="Printer", requester=REQUESTER)["doc"]["id"]
    assert store.ticket_record(ref)["sla"] is not None

    load_rules(store, "sla: {targets: {urgent: {first_response: 1h}}}")

    assert store.ticket_record(ref)["sla"] is None


def test_disabling_the_sla_stage_removes_the_sla_from_records(desk: Desk, store: Store):
    ref = desk.create(subject="Printer", requester=REQUESTER)["doc"]["id"]

    desk.pipeline.disable("sla", "Ann Agent <ann@example.com>")

    assert store.ticket_record(ref)["sla"] is None
    desk.pipeline.enable("sla", "Ann Agent <ann@example.com>")
    assert store.ticket_record(ref)["sla"] is not None


@pytest.mark.parametrize("created", ["1969-12-01T10:00:00Z", "1900-01-01T00:00:00Z"])
def test_a_ticket_from_before_1970_is_timed_alike_from_its_document_and_history(
    created,
):
    doc = {"created": created, "status": "open"}
    root = authored(
        TicketId("01OLDTICKET000000000000000"),
        [],
        [{"op": "add", "path": "", "value": doc}],
        "Ann <ann@example.com>",
        DeviceId("dev-a"),
        Clock(1, 0),
        "2026-01-01T00:00:00.000Z",
    )
    from_history = sla.status_timeline(doc, History([root]))
    assert from_history == sla.status_timeline(doc, None)
    assert from_history == [(epoch(created), "open")]
