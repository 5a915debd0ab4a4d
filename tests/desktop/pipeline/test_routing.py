"""The routing stage: rules set group, assignee, priority and tags; round-robin."""

import pytest

from desktop.desk import Desk
from desktop.pipeline.backend import MemoryBackend
from desktop.pipeline.change import Blame, Change, Origin
from desktop.pipeline.errors import ChangeQuarantined
from desktop.pipeline.pipeline import Pipeline
from desktop.pipeline.stages.routing import RoutingStage
from desktop.store.store import Store
from desktop.ticket import Person
from tests.conftest import AGENT
from tests.desktop.pipeline.conftest import REQUESTER, creation, document, rules_from

RULES = """
groups:
  hardware: [ann, bob, carol]
routing:
  - name: Printers go to hardware
    when: {any: [{text: printer}, {text: toner}]}
    set: {group: hardware, priority: high}
    assign: round-robin
    add_tags: [printer]
  - name: Big customers are urgent
    when: {field: requester.domain, in: [bigcorp.com]}
    set: {priority: urgent}
    continue: true
  - name: Everything else to the desk
    set: {group: desk}
"""


def route(text: str, change: Change, backend: MemoryBackend | None = None) -> Change:
    verdict = RoutingStage().process(
        change, rules_from(text), backend or MemoryBackend()
    )
    assert verdict.ok, verdict
    return change


def test_a_matching_rule_sets_group_priority_and_tags():
    change = route(RULES, creation(subject="Toner low"))

    doc = change.doc
    assert (doc["group"], doc["priority"], doc["tags"]) == (
        "hardware",
        "high",
        {"printer": True},
    )
    assert change.notes[0].event == "route"
    assert "Printers go to hardware" in change.notes[0].text


def test_the_first_matching_rule_wins_unless_it_says_continue():
    bigcorp = creation(subject="Mail", requester=Person("C", "c@bigcorp.com"))
    route(RULES, bigcorp)
    other = route(RULES, creation(subject="Mail"))

    assert (bigcorp.doc["priority"], bigcorp.doc["group"]) == ("urgent", "desk")
    assert (other.doc["priority"], other.doc["group"]) == ("normal", "desk")


def test_round_robin_takes_turns_within_the_group():
    backend = MemoryBackend()
    assignees = []
    for i in range(4):
        change = route(RULES, creation(subject=f"printer {i}"), backend)
        backend.commit(change)
        assignees.append(change.doc["assignee"])

    assert assignees == ["ann", "bob", "carol", "ann"]


def test_round_robin_leaves_an_assigned_ticket_alone():
    backend = MemoryBackend()
    change = route(RULES, creation(subject="printer", assignee="dave"), backend)

    assert change.doc["assignee"] == "dave"
    assert change.turns == {}


def test_rules_run_on_creation_only_unless_they_ask_for_changes_too():
    before = document(subject="printer")
    after = document(subject="printer", status="open")
    change = Change.edit(before, after, Origin.INTERACTIVE, AGENT, "2026-01-05T11:00Z")

    route(RULES, change)
    assert after["group"] is None

    also = "routing: [{name: r, set: {group: g}, run_on: [create, change]}]"
    route(also, change)
    assert after["group"] == "g"


def test_round_robin_in_a_group_without_members_is_a_fault_of_the_rules():
    text = "routing: [{name: Loose, set: {priority: low}, assign: round-robin}]"
    change = creation(subject="x", group="nobody")

    verdict = RoutingStage().process(change, rules_from(text), MemoryBackend())

    assert not verdict.ok and verdict.blame is Blame.RULES
    assert "Loose" in verdict.reason and "nobody" in verdict.reason


def test_round_robin_turns_are_kept_in_the_store_across_restarts(with_rules, data_dir):
    desk = with_rules(RULES)
    first = desk.create(subject="printer one", requester=REQUESTER)
    desk.store.close()

    with Store(data_dir) as reopened:
        second = Desk(reopened).create(subject="printer two", requester=REQUESTER)

    assert [first["doc"]["assignee"], second["doc"]["assignee"]] == ["ann", "bob"]


def test_a_change_that_is_not_stored_takes_no_turn(with_rules, store: Store):
    desk = with_rules(
        RULES
        + """
triggers:
  - name: ping
    when: {field: priority, changes_to: high}
    set: {priority: low}
  - name: pong
    when: {field: priority, changes_to: low}
    set: {priority: high}
"""
    )
    with pytest.raises(ChangeQuarantined):
        desk.create(subject="printer loop", requester=REQUESTER)

    assert Pipeline.for_store(store).backend.turns("hardware") == 0
    assert store.db.execute("SELECT count(*) FROM round_robin").fetchone()[0] == 0
