"""Merging diverged tickets, one situation at a time (DESIGN.md §4-5).

Each test makes two or three replicas on temporary stores, lets them edit the
same ticket while apart, carries bundles between them and checks what every
replica then shows.
"""

from pathlib import Path
from typing import Any

import pytest

from desktop import bundles
from desktop.errors import UserError
from desktop.importer import import_file
from sync.ids import TicketId
from tests.desktop.merge_helpers import (
    HOUR_MS,
    FakeTime,
    Replica,
    assert_converged,
    assert_record_matches_history,
    change,
    exchange_until_quiet,
    make_bundle,
    merge_groups,
    new_ticket,
    results,
    send,
    sets,
    unaccounted_edits,
)


def swap(a: Replica, b: Replica, folder: Path) -> None:
    exchange_until_quiet([a, b], folder)
    assert_converged([a, b])


def conflict(view: dict[str, Any], field: str) -> dict[str, Any]:
    found = [c for c in view["conflicts"] if c["field"] == field]
    assert len(found) == 1, view["conflicts"]
    return found[0]


def test_concurrent_subject_edits_keep_both_values(pair, shared, tmp_path, time):
    ann, bob = pair
    first = sets(ann, shared, subject="Printer smoking")
    time.advance(1000)
    second = sets(bob, shared, subject="Printer fixed")

    outcome = send(bob, ann, tmp_path)
    assert results(outcome) == {shared: "conflict"}
    swap(ann, bob, tmp_path)

    view = ann.view(shared)
    assert view["subject"] == "Printer fixed"
    found = conflict(view, "subject")
    assert found["kept"]["value"] == "Printer fixed"
    assert found["kept"]["snapshot"] == second
    assert found["kept"]["author"] == "Bob Agent <bob@example.com>"
    assert found["kept"]["device"] == bob.store.device_id
    assert [o["value"] for o in found["others"]] == ["Printer smoking"]
    assert found["others"][0]["snapshot"] == first
    assert found["others"][0]["author"] == "Ann Agent <ann@example.com>"
    assert set(found["kept"]) == {"value", "author", "device", "wall_time", "snapshot"}


def test_concurrent_edits_to_different_fields_merge_without_conflict(
    pair, shared, tmp_path
):
    ann, bob = pair
    sets(ann, shared, status="open")
    sets(bob, shared, priority="urgent")

    assert results(send(bob, ann, tmp_path)) == {shared: "merged"}
    swap(ann, bob, tmp_path)
    view = bob.view(shared)
    assert (view["status"], view["priority"], view["conflicts"]) == (
        "open",
        "urgent",
        [],
    )


def test_a_causally_later_edit_wins_even_with_an_earlier_wall_clock(
    replica, tmp_path, time
):
    fast = replica("Fast", time, skew_ms=3 * HOUR_MS)
    slow = replica("Slow", time, skew_ms=-3 * HOUR_MS)
    ticket = new_ticket(fast)
    sets(fast, ticket, subject="Set on the fast laptop")
    send(fast, slow, tmp_path)

    later = sets(slow, ticket, subject="Set later on the slow laptop")
    swap(fast, slow, tmp_path)

    view = fast.view(ticket)
    assert view["subject"] == "Set later on the slow laptop"
    assert view["conflicts"] == []
    history = fast.store.history(ticket)
    assert history.order[-1].id == later
    assert all(s.clock < history.by_id[later].clock for s in history.order[:-1])


def test_a_slow_clock_does_not_make_a_later_concurrent_edit_lose(
    replica, tmp_path, time
):
    """Slow's edit is older in real time; Ann's, made a minute later, is kept."""
    ann = replica("Ann", time)
    slow = replica("Slow", time, skew_ms=-5 * HOUR_MS)
    ticket = new_ticket(ann)
    send(ann, slow, tmp_path)
    sets(slow, ticket, status="pending")
    time.advance(60_000)
    sets(ann, ticket, status="open")
    swap(ann, slow, tmp_path)

    found = conflict(slow.view(ticket), "status")
    assert found["kept"]["value"] == "open"
    assert [o["value"] for o in found["others"]] == ["pending"]


@pytest.mark.parametrize("remove_last", [True, False], ids=["remove-last", "add-last"])
def test_adding_and_removing_the_same_tag_concurrently_keeps_it(
    pair, shared, tmp_path, time, remove_last
):
    """Bob removes `vip` while Ann, not having seen that, takes it off and on again."""
    ann, bob = pair
    ann.desk.edit(shared, add_tags=["vip"])
    send(ann, bob, tmp_path)

    def bob_removes() -> None:
        bob.desk.edit(shared, remove_tags=["vip"])

    def ann_adds() -> None:
        ann.desk.edit(shared, remove_tags=["vip"])
        ann.desk.edit(shared, add_tags=["vip"])

    first, last = (ann_adds, bob_removes) if remove_last else (bob_removes, ann_adds)
    first()
    time.advance(1000)
    last()
    swap(ann, bob, tmp_path)

    view = bob.view(shared)
    assert view["tags"] == ["vip"]
    assert view["conflicts"] == []


def test_a_tag_removed_after_seeing_its_add_is_gone_everywhere(pair, shared, tmp_path):
    ann, bob = pair
    ann.desk.edit(shared, add_tags=["vip", "onsite"])
    send(ann, bob, tmp_path)
    bob.desk.edit(shared, remove_tags=["vip"])
    ann.desk.edit(shared, add_tags=["hardware"])
    swap(ann, bob, tmp_path)
    assert ann.view(shared)["tags"] == ["hardware", "onsite"]


def test_options_ticked_on_two_laptops_are_both_kept(pair, shared, tmp_path):
    ann, bob = pair
    ann.desk.edit(shared, add_options=[("custom.os", "linux")])
    send(ann, bob, tmp_path)
    ann.desk.edit(shared, add_options=[("custom.os", "mac")])
    bob.desk.edit(
        shared,
        add_options=[("custom.os", "windows")],
        remove_options=[("custom.os", "linux")],
    )
    swap(ann, bob, tmp_path)

    for replica in (ann, bob):
        view = replica.view(shared)
        assert view["custom"]["os"] == {"mac": True, "windows": True}
        assert view["conflicts"] == []


def test_an_edit_concurrent_with_a_delete_survives_and_is_flagged(
    pair, shared, tmp_path
):
    ann, bob = pair
    deleted = str(ann.desk.delete(shared)["heads"][0])
    edit = sets(bob, shared, subject="Still printing smoke")

    assert results(send(bob, ann, tmp_path)) == {shared: "conflict"}
    swap(ann, bob, tmp_path)

    view = ann.view(shared)
    assert view["deleted"] is True
    assert view["subject"] == "Still printing smoke"
    found = conflict(view, "deleted")
    assert found["kept"]["snapshot"] == deleted
    assert found["kept"]["value"] is True
    assert edit in {o["snapshot"] for o in found["others"]}


def test_restoring_a_flagged_ticket_clears_the_delete_conflict(pair, shared, tmp_path):
    ann, bob = pair
    ann.desk.delete(shared)
    sets(bob, shared, status="open")
    swap(ann, bob, tmp_path)

    bob.desk.restore(shared)
    swap(ann, bob, tmp_path)
    view = ann.view(shared)
    assert view["deleted"] is False
    assert view["status"] == "open"
    assert view["conflicts"] == []


def test_concurrent_deletes_of_one_ticket_do_not_conflict(pair, shared, tmp_path):
    """Two agents who both deleted agree; neither's delete is an unseen edit.

    Fails today: each delete is flagged as an edit beside the other and shown
    with the value false, though both wrote true.
    """
    ann, bob = pair
    ann.desk.delete(shared)
    bob.desk.delete(shared)
    swap(ann, bob, tmp_path)

    view = ann.view(shared)
    assert view["deleted"] is True
    for c in view["conflicts"]:
        for version in (c["kept"], *c["others"]):
            assert version["value"] is True, c
    assert view["conflicts"] == []


def test_equal_wall_clock_times_on_two_devices_still_converge(replica, tmp_path):
    frozen = FakeTime()  # never advances: every clock reading is the same ms
    ann = replica("Ann", frozen)
    bob = replica("Bob", frozen)
    ticket = new_ticket(ann)
    send(ann, bob, tmp_path)
    ann_edit = sets(ann, ticket, subject="From Ann")
    bob_edit = sets(bob, ticket, subject="From Bob")

    send(bob, ann, tmp_path)
    history = ann.store.history(ticket)
    a, b = history.by_id[ann_edit], history.by_id[bob_edit]
    assert a.clock == b.clock  # the same wall ms and the same counter
    swap(ann, bob, tmp_path)

    winner = max((a, b), key=lambda s: (s.clock, s.device or "", s.id))
    view = bob.view(ticket)
    assert conflict(view, "subject")["kept"]["snapshot"] == winner.id
    assert view == ann.view(ticket)


def test_a_far_future_clock_is_flagged_not_rejected(replica, tmp_path, time):
    ann = replica("Ann", time)
    future = replica("Future", time, skew_ms=26 * HOUR_MS)
    ticket = new_ticket(ann)
    send(ann, future, tmp_path)
    ahead = sets(future, ticket, subject="Written tomorrow")

    outcome = send(future, ann, tmp_path)
    assert results(outcome) == {ticket: "fast-forward"}
    assert not outcome[0]["rejected"]
    view = ann.view(ticket)
    assert view["subject"] == "Written tomorrow"
    warnings = view["clock_warnings"]
    assert [w["snapshot"] for w in warnings] == [ahead]
    assert warnings[0]["device"] == future.store.device_id
    assert warnings[0]["ahead_ms"] >= 25 * HOUR_MS

    mine = sets(ann, ticket, subject="Answered today")
    history = ann.store.history(ticket)
    assert history.by_id[mine].clock > history.by_id[ahead].clock
    assert ann.view(ticket)["subject"] == "Answered today"


def test_a_device_that_only_saw_a_fast_clock_is_not_blamed_for_it(
    replica, tmp_path, time
):
    """Ann's clock is right; the HLC carries Future's time into her next edit.

    Fails today: a third replica's `clock_warnings` names Ann's device and
    snapshot too, though only Future's wall clock was wrong.
    """
    ann = replica("Ann", time)
    future = replica("Future", time, skew_ms=26 * HOUR_MS)
    cy = replica("Cy", time)
    ticket = new_ticket(ann)
    send(ann, future, tmp_path)
    sets(future, ticket, subject="Written tomorrow")
    send(future, ann, tmp_path)
    sets(ann, ticket, status="open")
    send(ann, cy, tmp_path)

    flagged = {w["device"] for w in cy.view(ticket)["clock_warnings"]}
    assert flagged == {future.store.device_id}


def test_a_clock_centuries_ahead_is_flagged_not_a_crash(replica, tmp_path, time):
    """A laptop whose clock says 2286 must still store and share its edits.

    Fails today: `Clock.packed()` shifts the milliseconds left by 20 bits, which
    overflows SQLite's 64-bit INTEGER for any time after 2248 (OverflowError).
    """
    ann = replica("Ann", time)
    ticket = new_ticket(ann)
    future = replica("Future", FakeTime(10**13))
    send(ann, future, tmp_path)

    sets(future, ticket, subject="Written in 2286")
    send(future, ann, tmp_path)
    assert ann.view(ticket)["subject"] == "Written in 2286"
    assert ann.view(ticket)["clock_warnings"]


@pytest.mark.parametrize("how", ["keep", "value"])
def test_resolve_clears_the_conflict_on_both_replicas_once_exchanged(
    pair, shared, tmp_path, how
):
    ann, bob = pair
    sets(ann, shared, subject="Printer smoking")
    sets(bob, shared, subject="Printer fixed")
    swap(ann, bob, tmp_path)
    shown = ann.view(shared)["subject"]
    assert conflict(bob.view(shared), "subject")

    if how == "keep":
        record = bob.desk.resolve(shared, "subject", keep=True)
        expected = shown
    else:
        record = bob.desk.resolve(shared, "subject", value="Printer replaced")
        expected = "Printer replaced"
    assert record["conflicts"] == []
    assert ann.view(shared)["conflicts"] != []  # not exchanged yet

    swap(ann, bob, tmp_path)
    for replica in (ann, bob):
        view = replica.view(shared)
        assert view["subject"] == expected
        assert view["conflicts"] == []


def test_resolving_a_cleared_field_keeps_it_cleared_everywhere(pair, shared, tmp_path):
    ann, bob = pair
    sets(ann, shared, **{"custom.region": "north"})
    send(ann, bob, tmp_path)
    sets(ann, shared, **{"custom.region": ""})
    sets(bob, shared, **{"custom.region": "south"})
    swap(ann, bob, tmp_path)
    view = ann.view(shared)
    assert conflict(view, "custom.region")

    ann.desk.resolve(shared, "custom.region", keep=True)
    swap(ann, bob, tmp_path)
    assert bob.view(shared)["conflicts"] == []
    assert bob.view(shared)["custom"] == view["custom"]


def test_resolving_a_delete_conflict_keeps_the_ticket_deleted_everywhere(
    pair, shared, tmp_path
):
    ann, bob = pair
    ann.desk.delete(shared)
    sets(bob, shared, assignee="bob")
    swap(ann, bob, tmp_path)

    bob.desk.resolve(shared, "deleted", keep=True)
    swap(ann, bob, tmp_path)
    view = ann.view(shared)
    assert (view["deleted"], view["assignee"], view["conflicts"]) == (True, "bob", [])


def test_resolve_refuses_a_field_without_a_conflict(pair, shared):
    ann, _ = pair
    with pytest.raises(UserError, match="no conflict"):
        ann.desk.resolve(shared, "subject", keep=True)


def test_comments_added_on_both_sides_are_all_kept(pair, shared, tmp_path, time):
    ann, bob = pair
    ann.desk.comment(shared, "On my way", public=True)
    time.advance(1000)
    bob.desk.comment(shared, "Customer called", public=False)
    swap(ann, bob, tmp_path)

    comments = ann.view(shared)["comments"]
    assert sorted(c["body"] for c in comments) == ["Customer called", "On my way"]
    assert ann.view(shared)["conflicts"] == []


def test_concurrent_edits_of_one_comment_keep_both_bodies(pair, shared, tmp_path):
    ann, bob = pair
    record = ann.desk.comment(shared, "On my way", public=True)
    (cid,) = record["doc"]["comments"]
    send(ann, bob, tmp_path)

    change(ann, shared, lambda d: d["comments"][cid].update(body="On my way, 10 min"))
    change(bob, shared, lambda d: d["comments"][cid].update(body="On my way, 1 h"))
    swap(ann, bob, tmp_path)

    view = ann.view(shared)
    found = conflict(view, f"comments.{cid}.body")
    bodies = {found["kept"]["value"], *(o["value"] for o in found["others"])}
    assert bodies == {"On my way, 10 min", "On my way, 1 h"}
    assert view["comments"][0]["body"] == found["kept"]["value"]


def test_a_comment_edited_while_deleted_elsewhere_keeps_the_edit_and_the_tombstone(
    pair, shared, tmp_path
):
    ann, bob = pair
    record = ann.desk.comment(shared, "Wrong ticket", public=False)
    (cid,) = record["doc"]["comments"]
    send(ann, bob, tmp_path)

    change(ann, shared, lambda d: d["comments"][cid].update(deleted=True))
    change(bob, shared, lambda d: d["comments"][cid].update(body="Right ticket"))
    swap(ann, bob, tmp_path)

    (comment,) = bob.view(shared)["comments"]
    assert comment["body"] == "Right ticket"
    assert comment["deleted"] is True


def test_concurrent_multi_select_choices_are_all_kept(pair, shared, tmp_path):
    ann, bob = pair
    change(ann, shared, lambda d: d["custom"].update(os={"linux": True}))
    send(ann, bob, tmp_path)

    change(ann, shared, lambda d: d["custom"].update(os={"linux": True, "mac": True}))
    change(bob, shared, lambda d: d["custom"].update(os={"windows": True}))
    swap(ann, bob, tmp_path)

    # Bob replaced linux, which he had seen; Ann added mac, which Bob had not.
    assert ann.view(shared)["custom"]["os"] == {"mac": True, "windows": True}
    assert ann.view(shared)["conflicts"] == []


def test_custom_fields_keep_their_ids_and_types_verbatim(pair, shared, tmp_path):
    ann, bob = pair
    change(
        ann,
        shared,
        lambda d: d["custom"].update(
            {"seats": 12, "vip-level": "gold", "x_flag": True, "os": {"linux": True}}
        ),
    )
    swap(ann, bob, tmp_path)
    assert bob.view(shared)["custom"] == {
        "seats": 12,
        "vip-level": "gold",
        "x_flag": True,
        "os": {"linux": True},
    }


@pytest.mark.parametrize(
    "scalar_first", [True, False], ids=["scalar-first", "multi-first"]
)
def test_a_multi_select_chosen_beside_a_concurrent_scalar_is_not_lost(
    pair, shared, tmp_path, time, scalar_first
):
    """The same field id written as text on one side and as options on the other.

    Fails today when the text write orders after the options: the option
    vanishes from the ticket and no conflict names it.
    """
    ann, bob = pair

    def text(doc: dict[str, Any]) -> None:
        doc["custom"]["os"] = "linux"

    def options(doc: dict[str, Any]) -> None:
        doc["custom"]["os"] = {"mac": True}

    if scalar_first:
        change(ann, shared, text)
        time.advance(1000)
        change(bob, shared, options)
    else:
        change(bob, shared, options)
        time.advance(1000)
        change(ann, shared, text)
    swap(ann, bob, tmp_path)

    history = ann.store.history(shared)
    assert unaccounted_edits(history, ann.store.ticket_record(shared)) == []


def test_replicas_that_merge_the_same_heads_make_the_same_merge_snapshot(
    pair, shared, tmp_path
):
    ann, bob = pair
    sets(ann, shared, status="open")
    sets(bob, shared, priority="high")
    from_ann = make_bundle(ann, tmp_path / "from-ann.bundle")
    from_bob = make_bundle(bob, tmp_path / "from-bob.bundle")
    to_bob = bundles.apply(bob.store, from_ann)
    to_ann = bundles.apply(ann.store, from_bob)

    assert to_bob[0]["merge"] is not None
    assert to_bob[0]["merge"] == to_ann[0]["merge"]
    groups = merge_groups([ann, bob])
    assert list(groups.values()) == [{to_bob[0]["merge"]}]
    merge = ann.store.history(shared).by_id[to_bob[0]["merge"]]
    assert (merge.author, merge.device, merge.wall_time, merge.patch) == (
        None,
        None,
        None,
        (),
    )
    assert results(send(ann, bob, tmp_path)) == {shared: "unchanged"}


def test_three_replicas_converge_whatever_order_bundles_arrive_in(
    replica, tmp_path, time
):
    ann = replica("Ann", time)
    bob = replica("Bob", time, skew_ms=2 * HOUR_MS)
    cy = replica("Cy", time, skew_ms=-2 * HOUR_MS)
    ticket = new_ticket(ann)
    for other in (bob, cy):
        send(ann, other, tmp_path)
    sets(ann, ticket, subject="A")
    sets(bob, ticket, subject="B")
    sets(cy, ticket, subject="C")
    send(cy, bob, tmp_path)  # Bob merges B+C
    send(ann, cy, tmp_path)  # Cy merges A+C
    sets(bob, ticket, status="open")
    exchange_until_quiet([cy, bob, ann], tmp_path)
    assert_converged([ann, bob, cy])

    found = conflict(ann.view(ticket), "subject")
    assert {found["kept"]["value"], *(o["value"] for o in found["others"])} == {
        "A",
        "B",
        "C",
    }
    history = ann.store.history(ticket)
    assert unaccounted_edits(history, ann.store.ticket_record(ticket)) == []


def test_a_pause_received_from_elsewhere_moves_the_due_time_though_the_status_is_back(
    pair, shared, tmp_path, time
):
    ann, bob = pair
    before = ann.store.ticket_record(shared)
    time.advance(HOUR_MS)
    sets(bob, shared, status="pending")
    time.advance(48 * HOUR_MS)
    sets(bob, shared, status=before["doc"]["status"])

    send(bob, ann, tmp_path)

    after = ann.store.ticket_record(shared)
    assert after["doc"]["status"] == before["doc"]["status"]
    # Two days on hold push the resolution target back, on both laptops.
    assert after["sla"]["resolution_due"] > before["sla"]["resolution_due"]
    assert after["sla"] == bob.store.ticket_record(shared)["sla"]
    assert_record_matches_history(ann.store, shared)


def test_an_imported_ticket_from_before_1970_keeps_a_true_sla_through_edits_elsewhere(
    pair, tmp_path
):
    ann, bob = pair
    rows = tmp_path / "old.csv"
    rows.write_text(
        "subject,requester,created\nOld one,Rita <rita@example.com>,1969-12-01\n"
    )
    import_file(ann.desk, rows, "csv", [])
    (row,) = ann.store.db.execute("SELECT id FROM tickets")
    ticket = TicketId(row[0])
    send(ann, bob, tmp_path)
    sets(bob, ticket, subject="Old one, retitled")

    send(bob, ann, tmp_path)

    assert_record_matches_history(ann.store, ticket)
    ours, theirs = (r.store.ticket_record(ticket)["sla"] for r in (ann, bob))
    assert ours == theirs
