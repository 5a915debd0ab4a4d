"""The triggers stage: a field changing to a value adds a tag, sets a field, notes."""

import pytest

from desktop.desk import Desk
from desktop.pipeline import quarantine
from desktop.pipeline.backend import MemoryBackend
from desktop.pipeline.change import Blame, Change, Origin
from desktop.pipeline.errors import ChangeQuarantined
from desktop.pipeline.stages.triggers import MAX_ROUNDS, TriggersStage
from desktop.store.store import Store
from tests.conftest import AGENT
from tests.desktop.pipeline.conftest import REQUESTER, creation, document, rules_from

ESCALATE = """
triggers:
  - name: Urgent is escalated
    when: {field: priority, changes_to: urgent}
    add_tags: [escalated]
    set: {group: tier2}
    note: Escalated because the priority became urgent
  - name: Escalated work is opened
    when: {field: group, changes_to: tier2}
    set: {status: open}
"""
LOOP = """
triggers:
  - name: ping
    when: {field: status, changes_to: open}
    set: {status: pending}
  - name: pong
    when: {field: status, changes_to: pending}
    set: {status: open}
"""


def edit(before: dict, **fields) -> Change:
    after = {**before, **fields}
    after["tags"] = dict(before["tags"])
    after["comments"] = dict(before["comments"])
    return Change.edit(before, after, Origin.INTERACTIVE, AGENT, "2026-01-05T11:00:00Z")


def test_a_field_changing_to_the_value_fires_the_actions_and_their_consequences():
    change = edit(document(), priority="urgent")

    verdict = TriggersStage().process(change, rules_from(ESCALATE), MemoryBackend())

    assert verdict.ok
    doc = change.doc
    assert doc["tags"] == {"escalated": True}
    assert (doc["group"], doc["status"]) == ("tier2", "open")
    [note] = doc["comments"].values()
    assert note["public"] is False
    assert note["author"] == 'trigger "Urgent is escalated"'
    assert [n.data["trigger"] for n in change.notes] == [
        "Urgent is escalated",
        "Escalated work is opened",
    ]


def test_a_field_that_already_had_the_value_fires_nothing():
    change = edit(document(priority="urgent"), subject="Still urgent")

    TriggersStage().process(change, rules_from(ESCALATE), MemoryBackend())

    assert change.doc["tags"] == {} and change.notes == []


def test_a_new_ticket_created_with_the_value_counts_as_a_change_to_it():
    change = creation(priority="urgent")

    TriggersStage().process(change, rules_from(ESCALATE), MemoryBackend())

    assert "escalated" in change.doc["tags"]


def test_triggers_that_fire_each_other_are_stopped_as_a_loop_of_the_rules():
    change = edit(document(), status="open")

    verdict = TriggersStage().process(change, rules_from(LOOP), MemoryBackend())

    assert not verdict.ok
    assert verdict.blame is Blame.RULES
    assert '"ping" → "pong" → "ping"' in verdict.reason


def test_a_long_chain_of_distinct_triggers_is_bounded():
    chain = "\n".join(
        f"  - {{name: t{i}, when: {{field: custom.step, changes_to: '{i}'}}, "
        f"set: {{custom.step: '{i + 1}'}}}}"
        for i in range(MAX_ROUNDS + 2)
    )
    change = edit(document(), custom={"step": "0"})

    verdict = TriggersStage().process(
        change, rules_from("triggers:\n" + chain), MemoryBackend()
    )

    assert not verdict.ok and "did not settle" in verdict.reason


def test_an_agents_edit_that_sets_off_a_loop_is_quarantined_not_lost(
    with_rules, desk: Desk, store: Store
):
    ref = desk.create(subject="Printer", requester=REQUESTER)["doc"]["id"]
    desk = with_rules(LOOP)

    with pytest.raises(ChangeQuarantined) as held:
        desk.edit(ref, [("status", "open")])

    [item] = quarantine.items(store)
    assert held.value.item == item.id
    assert item.stage == "triggers" and item.kind == "change"
    assert item.input["doc"]["status"] == "open"
    assert item.input["before"]["status"] == "new"
    assert store.ticket_record(ref)["doc"]["status"] == "new"


def test_a_trigger_firing_through_the_desk_is_stored_in_the_same_snapshot(
    with_rules, store: Store
):
    desk = with_rules(ESCALATE)
    record = desk.create(subject="Printer", requester=REQUESTER)
    ref = record["doc"]["id"]

    edited = desk.edit(ref, [("priority", "urgent")])

    assert edited["doc"]["tags"] == {"escalated": True}
    assert edited["doc"]["status"] == "open"
    assert len(store.history(ref)) == 2
