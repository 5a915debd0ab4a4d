"""Quarantine: a held change keeps everything needed to run it again, and leaves
only by a recorded retry or drop."""

import time
from typing import Any

import pytest

from desktop.desk import Desk
from desktop.errors import UserError
from desktop.pipeline import quarantine
from desktop.pipeline.backend import Backend
from desktop.pipeline.change import PASS, Change, Verdict
from desktop.pipeline.errors import ChangeQuarantined
from desktop.pipeline.pipeline import Pipeline
from desktop.pipeline.retry import retry
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.stage import StageKind
from desktop.store.store import Store
from tests.conftest import AGENT
from tests.desktop.pipeline.conftest import REQUESTER


class Flaky:
    """A plug-in stage that raises until it is fixed."""

    name = "flaky"
    kind = StageKind.CHECKS
    summary = "fails while broken"

    def __init__(self) -> None:
        self.broken = True

    def process(self, change: Change, rules: RuleSet, backend: Backend) -> Verdict:
        if self.broken:
            raise KeyError("customer_tier")
        return PASS


@pytest.fixture
def flaky() -> Flaky:
    return Flaky()


@pytest.fixture
def flaky_desk(store: Store, flaky: Flaky) -> Desk:
    return Desk(store, Pipeline.for_store(store, extra=[flaky]))


def test_a_stage_that_raises_quarantines_the_change_and_the_app_goes_on(
    flaky_desk: Desk, store: Store, caplog: pytest.LogCaptureFixture
):
    with pytest.raises(ChangeQuarantined) as held:
        flaky_desk.create(subject="Printer", requester=REQUESTER, tags=["x"])

    [item] = quarantine.items(store)
    assert held.value.item == item.id
    assert (item.stage, item.kind, item.origin) == ("flaky", "create", "interactive")
    assert "KeyError" in item.reason and "customer_tier" in item.reason
    assert store.ticket_count() == 0
    assert "stage flaky failed" in caplog.text


def test_the_held_input_is_the_change_as_proposed_before_any_stage_edited_it(
    flaky_desk: Desk, store: Store
):
    with pytest.raises(ChangeQuarantined):
        flaky_desk.create(subject="  Printer  ", requester="Bob <BOB@EXAMPLE.COM>")

    [item] = quarantine.items(store)
    doc: dict[str, Any] = item.input["doc"]
    assert doc["subject"] == "Printer"  # the desk strips it before the pipeline
    assert doc["requester"]["email"] == "BOB@EXAMPLE.COM"
    assert item.input["author"] == AGENT
    assert item.input["before"] is None


def test_quarantine_then_fix_then_retry_commits_the_ticket(
    flaky_desk: Desk, store: Store, flaky: Flaky
):
    with pytest.raises(ChangeQuarantined):
        flaky_desk.create(subject="Printer", requester=REQUESTER)
    [item] = quarantine.items(store)

    flaky.broken = False
    result = retry(flaky_desk, item.id)

    assert result.committed
    assert store.ticket_count() == 1
    doc = store.ticket_record(item.ticket)["doc"]
    assert doc["requester"]["email"] == "bob@example.com"  # normalized this time
    assert doc["provisional"] == item.input["doc"]["provisional"]
    assert quarantine.items(store) == []
    done = quarantine.get(store, item.id)
    assert done.status == quarantine.COMMITTED
    assert done.resolved_by == AGENT
    assert doc["provisional"] in (done.resolution or "")


def test_a_retry_that_fails_again_stays_held_with_the_new_reason(
    flaky_desk: Desk, store: Store
):
    with pytest.raises(ChangeQuarantined):
        flaky_desk.create(subject="Printer", requester=REQUESTER)
    [item] = quarantine.items(store)

    result = retry(flaky_desk, item.id)

    assert not result.committed and result.stage == "flaky"
    again = quarantine.get(store, item.id)
    assert again.status == quarantine.HELD and again.attempts == 2
    assert store.ticket_count() == 0


def test_a_held_edit_is_replayed_onto_the_ticket_as_it_is_now(
    store: Store, flaky: Flaky
):
    plain = Desk(store)
    ref = plain.create(subject="Printer", requester=REQUESTER)["doc"]["id"]
    held_desk = Desk(store, Pipeline.for_store(store, extra=[flaky]))
    with pytest.raises(ChangeQuarantined):
        held_desk.edit(ref, [("status", "open")], ["vip"])
    plain.edit(ref, [("priority", "high")])

    flaky.broken = False
    [item] = quarantine.items(store)
    assert retry(held_desk, item.id).committed

    doc = store.ticket_record(ref)["doc"]
    assert (doc["status"], doc["priority"], doc["tags"]) == (
        "open",
        "high",
        {"vip": True},
    )


def test_a_held_edit_of_a_field_edited_since_shows_both_values_as_a_conflict(
    store: Store, flaky: Flaky
):
    plain = Desk(store)
    ref = plain.create(subject="Printer", requester=REQUESTER)["doc"]["id"]
    held_desk = Desk(store, Pipeline.for_store(store, extra=[flaky]))
    with pytest.raises(ChangeQuarantined):
        held_desk.edit(ref, [("status", "open"), ("priority", "urgent")])
    plain.edit(ref, [("status", "pending")], ["later"])

    flaky.broken = False
    [item] = quarantine.items(store)
    result = retry(held_desk, item.id)

    record = store.ticket_record(ref)
    [conflict] = record["conflicts"]
    assert conflict["field"] == "status"
    values = {conflict["kept"]["value"], *(o["value"] for o in conflict["others"])}
    assert values == {"open", "pending"}
    doc = record["doc"]
    assert (doc["priority"], doc["tags"]) == ("urgent", {"later": True})
    assert len(record["heads"]) == 1  # the branch is merged at once
    assert "resolve the conflict on status" in result.text()


def test_dropping_is_explicit_recorded_and_final(flaky_desk: Desk, store: Store):
    with pytest.raises(ChangeQuarantined):
        flaky_desk.create(subject="Printer", requester=REQUESTER)
    [item] = quarantine.items(store)

    dropped = quarantine.drop(store, item.id, AGENT, "customer withdrew it")

    assert dropped.status == quarantine.DROPPED
    assert (dropped.resolved_by, dropped.resolution) == (AGENT, "customer withdrew it")
    assert quarantine.items(store) == []
    assert [i.id for i in quarantine.items(store, everything=True)] == [item.id]
    with pytest.raises(UserError, match="already dropped"):
        retry(flaky_desk, item.id)
    with pytest.raises(UserError, match="already dropped"):
        quarantine.drop(store, item.id, AGENT, None)


def test_leaving_quarantine_is_announced(flaky_desk: Desk, store: Store, flaky):
    seen: list[str] = []
    store.bus.subscribe("*", lambda e: seen.append(e.name))
    with pytest.raises(ChangeQuarantined):
        flaky_desk.create(subject="One", requester=REQUESTER)
    with pytest.raises(ChangeQuarantined):
        flaky_desk.create(subject="Two", requester="Eve <eve@example.com>")
    first, second = quarantine.items(store)
    quarantine.drop(store, second.id, AGENT, None)
    flaky.broken = False
    retry(flaky_desk, first.id)

    assert seen == [
        "ticket_did_quarantine",
        "ticket_did_quarantine",
        "quarantine_did_drop",
        "ticket_did_create",
        "quarantine_did_commit",
    ]


def test_an_unknown_item_is_a_plain_error(store: Store):
    with pytest.raises(UserError, match="no quarantine item 42"):
        quarantine.get(store, 42)


def test_a_rule_pattern_that_backtracks_without_end_holds_the_change_not_the_app(
    with_rules, store: Store
):
    desk = with_rules(
        "routing:\n"
        "  - name: Runaway\n"
        "    when: {field: subject, matches: '(a|aa)+$'}\n"
        "    set: {priority: high}\n"
        "  - name: Nested\n"
        "    when: {field: subject, matches: '(b+)+$'}\n"
        "    set: {group: tier2}\n"
    )
    nested = desk.create(subject="b" * 40 + "!", requester=REQUESTER)
    assert nested["doc"]["group"] is None  # a pattern Python's re would hang on

    started = time.monotonic()
    with pytest.raises(ChangeQuarantined) as held:
        desk.create(subject="a" * 40 + "!", requester=REQUESTER)

    assert time.monotonic() - started < 5
    assert held.value.stage == "routing"
    assert "'(a|aa)+$' searched for over" in held.value.reason
    [item] = quarantine.items(store)
    assert item.input["doc"]["subject"] == "a" * 40 + "!"
