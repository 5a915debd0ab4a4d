"""Receiving snapshots: the invariants checked on receipt and the outcome per ticket.

Snapshots are handed to `desktop.replica.receive` inside `store.write()`, the
way a bundle or a sync delivers them. A snapshot that breaks an invariant is
refused with a reason, and so are its descendants; the rest go in.
"""

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.replica import Outcome, Result, receive
from sync.clock import Clock
from sync.errors import SnapshotError
from sync.ids import DeviceId, SnapshotId, TicketId
from sync.snapshot import Snapshot, authored, from_body, merge_of
from tests.desktop.merge_helpers import (
    FakeTime,
    Replica,
    new_ticket,
    open_replica,
    snapshots_of,
)

FORGER = "Mallory <mallory@example.com>"
DEVICE = DeviceId("01HFORGERFORGERFORGERFORGE")
WHEN = "2026-01-01T10:00:00Z"


@pytest.fixture
def ann(tmp_path: Path) -> Iterator[Replica]:
    replica = open_replica(tmp_path, "Ann", FakeTime())
    yield replica
    replica.store.close()


@pytest.fixture
def bob(tmp_path: Path) -> Iterator[Replica]:
    replica = open_replica(tmp_path, "Bob", FakeTime())
    yield replica
    replica.store.close()


def deliver(replica: Replica, snaps: list[Snapshot]) -> Outcome:
    with replica.store.write():
        outcomes = receive(replica.store, snaps)
    assert len(outcomes) == 1, outcomes
    return outcomes[0]


def head(replica: Replica, ticket: TicketId) -> Snapshot:
    history = replica.store.history(ticket)
    (only,) = history.heads()
    return history.by_id[only]


def edit(parents: list[Snapshot], subject: str, clock: Clock | None = None) -> Snapshot:
    top = max(p.clock for p in parents)
    return authored(
        parents[0].ticket,
        [p.id for p in parents],
        [{"op": "replace", "path": "/subject", "value": subject}],
        FORGER,
        DEVICE,
        clock or top.successor(),
        WHEN,
    )


def history_of(replica: Replica, ticket: TicketId) -> tuple[set[str], dict]:
    return set(replica.store.history(ticket).by_id), replica.store.ticket_record(ticket)


# -- outcomes ------------------------------------------------------------------


def test_a_ticket_never_seen_before_is_new(ann, bob):
    ticket = new_ticket(ann)
    outcome = deliver(bob, snapshots_of(ann.store))
    assert (outcome.ticket, outcome.result, outcome.added) == (ticket, Result.NEW, 1)
    assert bob.view(ticket) == ann.view(ticket)


def test_receiving_a_snapshot_twice_changes_nothing(ann, bob):
    ticket = new_ticket(ann)
    ann.desk.edit(ticket, [("status", "open")])
    deliver(bob, snapshots_of(ann.store))
    before = history_of(bob, ticket)
    count = bob.store.snapshot_count()

    again = deliver(bob, snapshots_of(ann.store) * 2)
    assert (again.result, again.added, again.rejected) == (Result.UNCHANGED, 0, {})
    assert bob.store.snapshot_count() == count
    assert history_of(bob, ticket) == before


def test_a_descendant_of_the_head_fast_forwards(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    ann.desk.edit(ticket, [("status", "open")])

    outcome = deliver(bob, snapshots_of(ann.store))
    assert (outcome.result, outcome.added, outcome.merge) == (
        Result.FAST_FORWARD,
        1,
        None,
    )
    assert bob.view(ticket)["status"] == "open"


def test_concurrent_edits_to_different_fields_are_merged(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    ann.desk.edit(ticket, [("status", "open")])
    bob.desk.edit(ticket, [("priority", "high")])

    outcome = deliver(bob, snapshots_of(ann.store))
    assert outcome.result is Result.MERGED
    assert outcome.added == 2  # Ann's edit and the merge
    merge = head(bob, ticket)
    history = bob.store.history(ticket)
    assert outcome.merge == merge.id
    assert merge == merge_of(ticket, [history.by_id[p] for p in merge.parents])
    assert bob.view(ticket)["conflicts"] == []


def test_concurrent_edits_to_one_field_are_a_conflict(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    ann.desk.edit(ticket, [("status", "open")])
    bob.desk.edit(ticket, [("status", "pending")])

    outcome = deliver(bob, snapshots_of(ann.store))
    assert outcome.result is Result.CONFLICT
    assert [c["field"] for c in bob.view(ticket)["conflicts"]] == ["status"]


def test_a_batch_of_only_refused_snapshots_is_invalid(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    orphan = edit([head(ann, ticket)], "Orphan")
    child = edit([orphan], "Orphan's child")
    before = history_of(bob, ticket)

    outcome = deliver(bob, [child])
    assert outcome.result is Result.INVALID
    assert outcome.added == 0
    assert set(outcome.rejected) == {child.id}
    assert history_of(bob, ticket) == before


def test_one_batch_reports_an_outcome_per_ticket(ann, bob):
    first = new_ticket(ann)
    second = new_ticket(ann)
    with bob.store.write():
        outcomes = receive(bob.store, snapshots_of(ann.store))
    assert {o.ticket: o.result for o in outcomes} == {
        first: Result.NEW,
        second: Result.NEW,
    }


# -- invariants on receipt ---------------------------------------------------


def test_a_snapshot_whose_body_was_tampered_with_no_longer_matches_its_id(ann):
    ticket = new_ticket(ann)
    ann.desk.edit(ticket, [("subject", "Honest")])
    snap = head(ann, ticket)
    body = copy.deepcopy(snap.body())
    body["patch"][0]["value"] = "Tampered"

    with pytest.raises(SnapshotError, match="does not match its content"):
        from_body(body, snap.id)
    assert from_body(snap.body(), snap.id) == snap


def test_a_snapshot_whose_parents_are_missing_is_refused(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    unknown = edit([head(ann, ticket)], "Never sent")
    orphan = edit([unknown], "Orphan")
    good = edit([head(ann, ticket)], "Fine")

    outcome = deliver(bob, [orphan, good])
    assert set(outcome.rejected) == {orphan.id}
    assert "neither held nor in this batch" in outcome.rejected[orphan.id]
    assert outcome.result is Result.FAST_FORWARD
    assert bob.view(ticket)["subject"] == "Fine"


def test_descendants_of_a_refused_snapshot_are_refused_too(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    root = head(ann, ticket)
    bad = edit([root], "Bad clock", clock=root.clock)
    child = edit([bad], "Child of bad", clock=Clock(root.clock.ms + 10, 0))

    outcome = deliver(bob, [bad, child])
    assert set(outcome.rejected) == {bad.id, child.id}
    assert "was refused" in outcome.rejected[child.id]
    assert outcome.result is Result.INVALID


@pytest.mark.parametrize("clock_delta", [0, -1, -3_600_000])
def test_a_snapshot_whose_clock_is_not_above_its_held_parents_is_refused(
    ann, bob, clock_delta
):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    root = head(ann, ticket)
    stale = edit([root], "Stale", clock=Clock(root.clock.ms + clock_delta, 0))

    outcome = deliver(bob, [stale])
    assert outcome.rejected == {stale.id: "its clock is not above its parents' clocks"}
    assert outcome.result is Result.INVALID


def test_a_clock_below_a_parent_in_the_same_batch_is_refused_for_its_clock(ann, bob):
    """The parent arrives with it, so "missing parent" would be the wrong reason.

    Fails today: the batch is checked in clock order, so the child is checked
    before its parent and refused as if the parent were absent.
    """
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    root = head(ann, ticket)
    parent = edit([root], "Parent", clock=Clock(root.clock.ms + 1000, 0))
    child = edit([parent], "Child", clock=Clock(root.clock.ms + 500, 0))

    outcome = deliver(bob, [parent, child])
    assert set(outcome.rejected) == {child.id}
    assert "clock" in outcome.rejected[child.id]
    assert "neither held nor in this batch" not in outcome.rejected[child.id]


def test_a_second_root_for_a_ticket_is_refused(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    original = head(ann, ticket)
    doc = {**original.patch[0]["value"], "subject": "Another beginning"}
    rival = authored(
        ticket,
        [],
        [{"op": "add", "path": "", "value": doc}],
        FORGER,
        DEVICE,
        original.clock.successor(),
        WHEN,
    )

    before = history_of(bob, ticket)
    outcome = deliver(bob, [rival])
    assert outcome.rejected == {rival.id: "the ticket already has a first snapshot"}
    assert outcome.result is Result.INVALID
    assert history_of(bob, ticket) == before


def test_two_roots_for_a_new_ticket_in_one_batch_keep_only_one(ann, bob):
    ticket = new_ticket(ann)
    original = head(ann, ticket)
    doc = {**original.patch[0]["value"], "subject": "Another beginning"}
    rival = authored(
        ticket,
        [],
        [{"op": "add", "path": "", "value": doc}],
        FORGER,
        DEVICE,
        original.clock.successor(),
        WHEN,
    )
    outcome = deliver(bob, [rival, original])
    assert outcome.result is Result.NEW
    assert set(outcome.rejected) == {rival.id}
    assert bob.view(ticket) == ann.view(ticket)


def test_a_merge_that_is_not_the_deterministic_merge_is_refused(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    root = head(ann, ticket)
    left, right = edit([root], "Left"), edit([root], "Right")
    real = merge_of(ticket, [left, right])
    forged_clock = Snapshot(
        ticket,
        real.parents,
        (),
        None,
        None,
        Clock(real.clock.ms + 1, 0),
        None,
    )
    forged_content = Snapshot(
        ticket,
        real.parents,
        ({"op": "replace", "path": "/subject", "value": "Smuggled"},),
        None,
        None,
        real.clock,
        None,
    )

    outcome = deliver(bob, [left, right, forged_clock, forged_content])
    reason = "it is not the deterministic merge of its parents"
    assert outcome.rejected == {forged_clock.id: reason, forged_content.id: reason}
    assert bob.view(ticket)["subject"] != "Smuggled"
    assert head(bob, ticket).id == real.id


def test_the_deterministic_merge_sent_by_another_replica_is_accepted(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    root = head(ann, ticket)
    left, right = edit([root], "Left"), edit([root], "Right")
    merge = merge_of(ticket, [left, right])

    outcome = deliver(bob, [left, right, merge])
    assert outcome.rejected == {}
    assert outcome.merge is None  # nothing left to merge: the merge came with them
    assert head(bob, ticket).id == merge.id
    assert outcome.result is Result.FAST_FORWARD


def test_receiving_advances_the_local_clock_past_what_it_saw(ann, bob):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    root = head(ann, ticket)
    ahead = edit([root], "From the future", clock=Clock(root.clock.ms + 10**9, 7))
    deliver(bob, [ahead])
    assert bob.store.clock.last >= ahead.clock

    bob.desk.edit(ticket, [("status", "open")])
    assert head(bob, ticket).clock > ahead.clock
    assert head(bob, ticket).parents == (SnapshotId(ahead.id),)


def test_a_refused_snapshot_leaves_a_warning_in_the_log(ann, bob, caplog):
    ticket = new_ticket(ann)
    deliver(bob, snapshots_of(ann.store))
    orphan = edit([edit([head(ann, ticket)], "Unsent")], "Orphan")
    with caplog.at_level("WARNING", logger="desktop.replica"):
        deliver(bob, [orphan])
    assert any(orphan.id[:12] in r.getMessage() for r in caplog.records)


def _made(ticket: TicketId, parents: list[Snapshot], patch: list[dict]) -> Snapshot:
    clock = max((p.clock for p in parents), default=Clock(1_000, 0)).successor()
    return authored(ticket, [p.id for p in parents], patch, FORGER, DEVICE, clock, WHEN)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda doc: doc.pop("id"), "its ticket has no id"),
        (lambda doc: doc.update(status=42), "status cannot be 42"),
        (lambda doc: doc.update(subject=None), "subject cannot be None"),
        (lambda doc: doc.update(tags=["vip"]), "tags must be a map"),
        (lambda doc: doc["comments"].update(c1={"body": 5}), "comments.c1 has no"),
        (lambda doc: doc.update(id="01OTHERTICKET000000000000"), "not the ticket"),
    ],
)
def test_a_first_snapshot_whose_document_no_replica_could_show_is_refused(
    ann: Replica, bob: Replica, change, reason: str
):
    ticket = new_ticket(ann, "Printer on fire")
    (root,) = ann.store.history(ticket).order
    doc = copy.deepcopy(root.patch[0]["value"])
    change(doc)
    bad = _made(ticket, [], [{"op": "add", "path": "", "value": doc}])

    outcome = deliver(bob, [bad])

    assert outcome.result is Result.INVALID
    assert reason in outcome.rejected[bad.id]
    assert bob.store.ticket_count() == 0
    assert bob.desk.store.history(ticket).order == []


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        ([{"op": "remove", "path": "/subject"}], "removes the ticket's subject"),
        ([{"op": "add", "path": "", "value": "hello"}], "no ticket"),
        ([{"op": "add", "path": "/priority", "value": "mega"}], "priority cannot"),
        ([{"op": "add", "path": "/subject/x", "value": 1}], "holds one value"),
        ([{"op": "add", "path": "/custom/os/linux", "value": 1}], "must be true"),
    ],
)
def test_an_edit_that_would_break_the_ticket_is_refused_and_the_rest_stays(
    ann: Replica, bob: Replica, patch: list[dict], reason: str
):
    ticket = new_ticket(ann, "Printer on fire")
    (root,) = ann.store.history(ticket).order
    deliver(bob, [root])
    bad = _made(ticket, [root], patch)
    good = edit([root], "Fax on fire")

    outcome = deliver(bob, [bad, good])

    assert reason in outcome.rejected[bad.id]
    assert bob.store.ticket_record(ticket)["doc"]["subject"] == "Fax on fire"
