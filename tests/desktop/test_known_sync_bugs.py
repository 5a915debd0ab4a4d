"""Scenarios from real bug reports of other offline-first systems, replayed here.

CouchDB/PouchDB conflict loss, Automerge/Yjs resurrection, git-bug and Fossil
clock trouble, Syncthing and Jira/Zendesk offline clients: each test puts two
or three replicas through one such story and checks they end converged with
nothing lost.
"""

from pathlib import Path
from typing import Any

import pytest

from desktop import bundles
from desktop.errors import UserError
from sync.ids import TicketId
from tests.desktop.merge_helpers import (
    HOUR_MS,
    FakeTime,
    Replica,
    assert_converged,
    change,
    exchange_until_quiet,
    make_bundle,
    new_ticket,
    open_replica,
    send,
    sets,
    unaccounted_edits,
)

YEAR_MS = 365 * 24 * HOUR_MS

#: A long conversation, each reply its own snapshot. Every change still reads
#: the ticket's whole history, so a thousand take tens of seconds to write.
COMMENTS = 200


def swap(replicas: list[Replica], folder: Path) -> None:
    exchange_until_quiet(replicas, folder)
    assert_converged(replicas)
    for r in replicas:
        for (ticket,) in r.store.db.execute("SELECT id FROM tickets").fetchall():
            history = r.store.history(TicketId(ticket))
            assert unaccounted_edits(history, r.store.ticket_record(ticket)) == []


def fields_in_conflict(view: dict[str, Any]) -> list[str]:
    return [c["field"] for c in view["conflicts"]]


# -- delete / restore ----------------------------------------------------------


def test_a_delete_beside_an_edit_and_a_comment_then_restore_then_two_deletes(
    pair, shared, tmp_path, time
):
    ann, bob = pair
    ann.desk.delete(shared)
    time.advance(1000)
    sets(bob, shared, subject="Still smoking")
    bob.desk.comment(shared, "Called the customer", public=True)
    swap([ann, bob], tmp_path)
    view = ann.view(shared)
    assert view["deleted"] is True
    assert view["subject"] == "Still smoking"
    assert [c["body"] for c in view["comments"]] == ["Called the customer"]
    assert fields_in_conflict(view) == ["deleted"]

    ann.desk.restore(shared)
    swap([ann, bob], tmp_path)
    view = bob.view(shared)
    assert (view["deleted"], view["conflicts"]) == (False, [])

    ann.desk.delete(shared)
    bob.desk.delete(shared)
    swap([ann, bob], tmp_path)
    view = bob.view(shared)
    assert (view["deleted"], view["conflicts"]) == (True, [])


# -- tags ------------------------------------------------------------------------


def test_a_tag_removed_again_after_seeing_a_concurrent_re_add_stays_removed(
    pair, shared, tmp_path, time
):
    ann, bob = pair
    ann.desk.edit(shared, add_tags=["vip"])
    swap([ann, bob], tmp_path)
    ann.desk.edit(shared, remove_tags=["vip"])
    time.advance(1000)
    bob.desk.edit(shared, remove_tags=["vip"])
    bob.desk.edit(shared, add_tags=["vip"])
    swap([ann, bob], tmp_path)
    assert ann.view(shared)["tags"] == ["vip"]  # add wins

    ann.desk.edit(shared, remove_tags=["vip"])
    swap([ann, bob], tmp_path)
    assert ann.view(shared)["tags"] == []
    assert bob.view(shared)["tags"] == []


def test_a_tag_re_added_with_other_case_and_removed_after_sync_is_gone(
    pair, shared, tmp_path, time
):
    ann, bob = pair
    ann.desk.edit(shared, add_tags=["VPN"])
    swap([ann, bob], tmp_path)
    ann.desk.edit(shared, remove_tags=["vpn"])
    bob.desk.edit(shared, remove_tags=["VPN"])
    bob.desk.edit(shared, add_tags=["Vpn"])
    swap([ann, bob], tmp_path)
    assert ann.view(shared)["tags"] == ["Vpn"]
    bob.desk.edit(shared, remove_tags=["vpn"])
    swap([ann, bob], tmp_path)
    assert ann.view(shared)["tags"] == []


def test_one_tag_added_in_two_spellings_on_two_laptops_merges(pair, shared, tmp_path):
    ann, bob = pair
    ann.desk.edit(shared, add_tags=["VPN", "Café"])
    bob.desk.edit(shared, add_tags=["vpn", "cafe\u0301"])
    swap([ann, bob], tmp_path)
    rows = ann.store.db.execute("SELECT tag FROM ticket_tags").fetchall()
    assert sorted(r[0] for r in rows) == ["café", "vpn"]
    ann.desk.edit(shared, remove_tags=["vpn"])
    swap([ann, bob], tmp_path)
    assert "vpn" not in [t.casefold() for t in bob.view(shared)["tags"]]


# -- comments ----------------------------------------------------------------------


def test_a_comment_deleted_on_one_laptop_and_edited_on_the_other(
    pair, shared, tmp_path
):
    ann, bob = pair
    (cid,) = ann.desk.comment(shared, "Wrong ticket", public=False)["doc"]["comments"]
    swap([ann, bob], tmp_path)
    change(ann, shared, lambda d: d["comments"][cid].update(deleted=True))
    change(bob, shared, lambda d: d["comments"][cid].update(body="Right ticket"))
    swap([ann, bob], tmp_path)
    (comment,) = bob.view(shared)["comments"]
    assert comment["body"] == "Right ticket"


# -- same and different values ---------------------------------------------------


def test_the_same_value_set_on_two_laptops_is_no_conflict(pair, shared, tmp_path):
    ann, bob = pair
    sets(ann, shared, status="open", priority="high")
    sets(bob, shared, status="open", priority="high")
    swap([ann, bob], tmp_path)
    assert ann.view(shared)["conflicts"] == []


def test_different_values_at_the_same_wall_time_converge_on_one_winner(
    replica, tmp_path
):
    frozen = FakeTime()
    ann, bob = replica("Ann", frozen), replica("Bob", frozen)
    # identical device prefixes: provisional numbers collide
    for r in (ann, bob):
        with r.store.write():
            r.store._put("device", {"id": str(r.store.device_id), "prefix": "ABCD"})
        r.store.device_prefix = "ABCD"
    ticket = new_ticket(ann)
    other = new_ticket(bob)
    send(ann, bob, tmp_path)
    sets(ann, ticket, subject="From Ann")
    sets(bob, ticket, subject="From Bob")
    swap([ann, bob], tmp_path)
    view = ann.view(ticket)
    assert fields_in_conflict(view) == ["subject"]
    assert ann.view(other)["provisional"] == ann.view(ticket)["provisional"]


# -- clocks ------------------------------------------------------------------------


def test_an_edit_made_after_seeing_a_future_clock_wins_over_it(replica, tmp_path, time):
    ann = replica("Ann", time)
    ahead = replica("Ahead", time, skew_ms=3 * YEAR_MS)
    behind = replica("Behind", time, skew_ms=-3 * YEAR_MS)
    ticket = new_ticket(ann)
    swap([ann, ahead, behind], tmp_path)

    sets(ahead, ticket, subject="From the future")
    swap([ann, ahead, behind], tmp_path)
    sets(behind, ticket, subject="Seen the future, then edited")
    swap([ann, ahead, behind], tmp_path)
    assert ann.view(ticket)["subject"] == "Seen the future, then edited"

    # Ahead's clock is fixed; its next edit still orders after what it has seen.
    ahead.store.clock._wall = time.wall(0)
    ahead.skew_ms = 0
    sets(ann, ticket, status="open")
    swap([ann, ahead, behind], tmp_path)
    sets(ahead, ticket, status="pending")
    swap([ann, ahead, behind], tmp_path)
    view = ann.view(ticket)
    assert (view["status"], view["conflicts"]) == ("pending", [])


def test_a_reopened_store_with_a_fixed_clock_keeps_ordering_after_its_past(
    replica, tmp_path, time
):
    ann = replica("Ann", time)
    ahead = replica("Ahead", time, skew_ms=3 * YEAR_MS)
    ticket = new_ticket(ann)
    swap([ann, ahead], tmp_path)
    sets(ahead, ticket, subject="Future")
    ahead.store.close()
    fixed = open_replica(tmp_path, "Ahead", time, 0)
    ahead.store = fixed.store
    ahead.skew_ms = 0
    sets(ahead, ticket, subject="Fixed")
    swap([ann, ahead], tmp_path)
    assert ann.view(ticket)["subject"] == "Fixed"


# -- long divergence and criss-cross -----------------------------------------------


def test_two_hundred_edits_a_side_then_criss_cross_merges_converge(
    pair, shared, tmp_path, time
):
    ann, bob = pair
    for n in range(200):
        sets(ann, shared, subject=f"ann {n}")
        sets(bob, shared, priority=("high", "low")[n % 2])
        time.advance(10)
    swap([ann, bob], tmp_path)
    for n in range(20):
        sets(ann, shared, subject=f"ann again {n}")
        sets(bob, shared, subject=f"bob again {n}")
    a = make_bundle(ann, tmp_path / "a1.bundle")
    b = make_bundle(bob, tmp_path / "b1.bundle")
    bundles.apply(bob.store, a)
    bundles.apply(ann.store, b)
    sets(ann, shared, status="open")
    sets(bob, shared, status="pending")
    a = make_bundle(ann, tmp_path / "a2.bundle")
    b = make_bundle(bob, tmp_path / "b2.bundle")
    bundles.apply(bob.store, a)
    bundles.apply(ann.store, b)
    swap([ann, bob], tmp_path)
    assert sorted(fields_in_conflict(ann.view(shared))) == ["status", "subject"]


# -- bundles -------------------------------------------------------------------------


def test_a_ring_of_bundles_out_of_order_and_twice_converges(replica, tmp_path, time):
    ann, bob, cy = (replica(n, time) for n in ("Ann", "Bob", "Cy"))
    ticket = new_ticket(ann)
    swap([ann, bob, cy], tmp_path)
    first = make_bundle(ann, tmp_path / "ann-1.bundle")
    sets(ann, ticket, subject="one")
    second = make_bundle(ann, tmp_path / "ann-2.bundle", since=str(first))
    sets(ann, ticket, status="open")
    third = make_bundle(ann, tmp_path / "ann-3.bundle", since=str(second))
    sets(bob, ticket, priority="high")
    sets(cy, ticket, subject="cy")

    # Bob gets Ann's newest bundle first: its parent is missing.
    out = bundles.apply(bob.store, third)
    assert out[0]["result"] == "invalid"
    bundles.apply(bob.store, second)
    bundles.apply(bob.store, third)
    bundles.apply(bob.store, third)
    send(bob, cy, tmp_path)
    send(cy, ann, tmp_path)
    send(cy, ann, tmp_path)
    swap([ann, bob, cy], tmp_path)


def test_a_bundle_since_another_devices_bundle_is_refused(pair, shared, tmp_path):
    ann, bob = pair
    theirs = make_bundle(ann, tmp_path / "ann.bundle")
    with pytest.raises(UserError, match="another device"):
        make_bundle(bob, tmp_path / "bob.bundle", since=str(theirs))


# -- big and unicode ---------------------------------------------------------------


def test_a_ticket_with_two_hundred_comments_and_unicode_everywhere_travels(
    pair, tmp_path
):
    ann, bob = pair
    text = "Cờ Đỏ — 日本語 🚒 ʻokina \u200d e\u0301 Ω"
    record = ann.desk.create(
        subject=text,
        requester=f"{text} <rita@example.com>",
        body=text,
        tags=["naïve", "日本"],
    )
    ticket = TicketId(record["doc"]["id"])
    for n in range(COMMENTS):
        ann.desk.comment(ticket, f"{text} {n}", public=n % 2 == 0)
    swap([ann, bob], tmp_path)
    view = bob.view(ticket)
    assert len(view["comments"]) == COMMENTS
    assert view == ann.view(ticket)


# -- resolve beside a new edit -----------------------------------------------------


def test_resolving_while_another_laptop_edits_the_field_again_keeps_both(
    replica, tmp_path, time
):
    ann, bob, cy = (replica(n, time) for n in ("Ann", "Bob", "Cy"))
    ticket = new_ticket(ann)
    swap([ann, bob, cy], tmp_path)
    sets(ann, ticket, subject="A")
    sets(bob, ticket, subject="B")
    swap([ann, bob, cy], tmp_path)
    ann.desk.resolve(ticket, "subject", value="Resolved")
    time.advance(1000)
    sets(bob, ticket, subject="B again")
    swap([ann, bob, cy], tmp_path)
    view = cy.view(ticket)
    assert fields_in_conflict(view) == ["subject"]
    c = view["conflicts"][0]
    assert {c["kept"]["value"], *(o["value"] for o in c["others"])} == {
        "Resolved",
        "B again",
    }


# -- sync with a server ----------------------------------------------------------

ANN = "Ann Agent <ann@example.com>"
BOB = "Bob Agent <bob@example.com>"


def server_ids(server) -> set[str]:
    import sqlite3

    db = sqlite3.connect(f"file:{server.data_dir / 'server.db'}?mode=ro", uri=True)
    try:
        return {r[0] for r in db.execute("SELECT id FROM snapshots")}
    finally:
        db.close()


def test_a_server_restored_from_an_hour_old_backup_gets_everything_back(
    central, make_replica
):
    import shutil

    from tests.sync.servers import converge

    ann = make_replica("ann", ANN, central.url, central.add_agent(ANN))
    bob = make_replica("bob", BOB, central.url, central.add_agent(BOB))
    first = ann.desk.create(subject="Before the backup", requester="R <r@x.org>")
    converge([ann, bob])

    central.stop()
    backup = central.data_dir.parent / "backup"
    backup.mkdir()
    for name in ("server.db", "server.db-wal"):
        if (central.data_dir / name).exists():
            shutil.copy2(central.data_dir / name, backup / name)
    central.start()

    late = ann.desk.create(subject="After the backup", requester="R <r@x.org>")
    ann.desk.comment(first["doc"]["id"], "Ann after the backup", public=True)
    converge([ann, bob])
    held = ann.snapshot_ids()
    assert held == bob.snapshot_ids() == server_ids(central)

    central.stop()
    for name in ("server.db", "server.db-wal", "server.db-shm"):
        (central.data_dir / name).unlink(missing_ok=True)
        if (backup / name).exists():
            shutil.copy2(backup / name, central.data_dir / name)
    central.start()

    bob.desk.comment(first["doc"]["id"], "Bob after the restore", public=True)
    bob.desk.create(subject="Bob after the restore", requester="R <r@x.org>")
    bob.sync()
    ann.desk.comment(late["doc"]["id"], "Ann after the restore", public=True)
    converge([ann, bob])

    assert held <= ann.snapshot_ids()
    assert ann.snapshot_ids() == bob.snapshot_ids() == server_ids(central)
    assert ann.shown() == bob.shown()
    comments = [c["body"] for c in ann.shown()[first["doc"]["id"]]["comments"]]
    assert "Bob after the restore" in comments
    numbers = sorted(t["number"] for t in ann.shown().values())
    assert numbers == [1, 2, 3]
    assert ann.shown()[late["doc"]["id"]]["number"] == 2
    assert all(t["conflicts"] == [] for t in ann.shown().values())
    again = ann.sync(), bob.sync()
    assert not any(s.epoch_changed or s.sent for s in again)


def _cli_sync(data_dir: Path, *extra: str):
    import os
    import subprocess
    import sys

    from tests.sync.servers import REPO

    return subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "sync", "--json", *extra],
        cwd=REPO,
        env={**os.environ, "OFFDESK_DATA_DIR": str(data_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(data_dir: Path) -> int:
    import apsw

    db = apsw.Connection(str(data_dir / "offdesk.db"), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        db.set_busy_timeout(5000)
        return int(db.execute("SELECT count(*) FROM snapshots").fetchall()[0][0])
    finally:
        db.close()


def test_two_syncs_of_one_laptop_at_once_lose_and_duplicate_nothing(
    central, make_replica
):
    from desktop.remote import set_remote
    from desktop.store.store import Store
    from tests.sync.servers import converge

    ann = make_replica("ann", ANN, central.url, central.add_agent(ANN))
    bob = make_replica("bob", BOB, central.url, central.add_agent(BOB))
    for n in range(60):
        bob.desk.create(subject=f"bob {n}", requester="R <r@x.org>")
        ann.desk.create(subject=f"ann {n}", requester="R <r@x.org>")
    bob.sync()
    set_remote(ann.store, central.url, ann.remote.token or "")
    local = ann.snapshot_ids()
    data_dir = ann.store.data_dir
    ann.store.close()
    procs = [_cli_sync(data_dir, "--batch", "3") for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    ann.store = Store(data_dir)
    assert local <= ann.snapshot_ids()
    converge([ann, bob])
    assert ann.snapshot_ids() == bob.snapshot_ids() == server_ids(central)
    assert ann.shown() == bob.shown()
    numbers = sorted(t["number"] for t in ann.shown().values())
    assert numbers == list(range(1, 121))


def test_a_sync_killed_mid_pull_resumes_and_ends_converged(central, make_replica):
    import signal
    import time as clock

    from desktop.remote import set_remote
    from desktop.store.store import Store
    from tests.sync.servers import converge

    ann = make_replica("ann", ANN, central.url, central.add_agent(ANN))
    bob = make_replica("bob", BOB, central.url, central.add_agent(BOB))
    for n in range(2500):
        bob.desk.create(subject=f"bob {n}", requester="R <r@x.org>")
    bob.sync()
    ann.desk.create(subject="ann's own", requester="R <r@x.org>")
    set_remote(ann.store, central.url, ann.remote.token or "")
    data_dir = ann.store.data_dir
    ann.store.close()
    proc = _cli_sync(data_dir)
    deadline = clock.monotonic() + 120
    while _count(data_dir) < 2100:
        assert proc.poll() is None, "the sync finished before it could be killed"
        assert clock.monotonic() < deadline
        clock.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert _count(data_dir) < 5002
    ann.store = Store(data_dir)
    converge([ann, bob])
    assert ann.snapshot_ids() == bob.snapshot_ids() == server_ids(central)
    assert ann.shown() == bob.shown()


def test_a_bundle_since_a_cursor_this_store_never_reached_is_refused(
    pair, shared, tmp_path
):
    """A cursor copied from another laptop's bundle would carry nothing at all."""
    ann, bob = pair
    for n in range(5):
        sets(ann, shared, subject=f"ann {n}")
    made = bundles.create(ann.store, tmp_path / "ann.bundle", None, [])
    assert made["cursor"] > bob.store.last_seq()
    with pytest.raises(UserError, match="cursor"):
        bundles.create(bob.store, tmp_path / "bob.bundle", str(made["cursor"]), [])


def test_a_multi_select_cleared_beside_a_new_option_then_cleared_again_is_empty(
    pair, shared, tmp_path
):
    ann, bob = pair
    change(ann, shared, lambda d: d["custom"].update(os={"linux": True}))
    swap([ann, bob], tmp_path)
    change(ann, shared, lambda d: d["custom"].pop("os"))
    change(bob, shared, lambda d: d["custom"]["os"].update(mac=True))
    swap([ann, bob], tmp_path)
    assert ann.view(shared)["custom"]["os"] == {"mac": True}
    change(ann, shared, lambda d: d["custom"].pop("os"))
    swap([ann, bob], tmp_path)
    assert "os" not in bob.view(shared)["custom"]


def test_resolving_a_comment_body_conflict_clears_it_everywhere(pair, shared, tmp_path):
    ann, bob = pair
    (cid,) = ann.desk.comment(shared, "On my way", public=True)["doc"]["comments"]
    swap([ann, bob], tmp_path)
    change(ann, shared, lambda d: d["comments"][cid].update(body="10 min"))
    change(bob, shared, lambda d: d["comments"][cid].update(body="1 h"))
    swap([ann, bob], tmp_path)
    bob.desk.resolve(shared, f"comments.{cid}.body", keep=True)
    swap([ann, bob], tmp_path)
    assert ann.view(shared)["conflicts"] == []


def test_a_big_unicode_ticket_travels_through_sync(central, make_replica):
    from tests.sync.servers import converge

    ann = make_replica("ann", ANN, central.url, central.add_agent(ANN))
    bob = make_replica("bob", BOB, central.url, central.add_agent(BOB))
    text = "Cờ Đỏ — 日本語 🚒 \U0001f3f3\ufe0f\u200d\U0001f308 ﷽ \u202e rtl"
    record = ann.desk.create(
        subject=text, requester=f"{text} <r@x.org>", body=text, tags=["日本"]
    )
    ticket = record["doc"]["id"]
    for n in range(COMMENTS):
        ann.desk.comment(ticket, f"{text} {n}", public=True)
    converge([ann, bob])
    shown = bob.shown()[ticket]
    assert len(shown["comments"]) == COMMENTS
    assert shown == ann.shown()[ticket]
    assert ann.snapshot_ids() == bob.snapshot_ids() == server_ids(central)


def test_after_a_restore_a_number_taken_meanwhile_never_stalls_a_laptop(
    central, make_replica
):
    """Bob pulled ticket #2 before the restore; after it, Cy's new ticket got
    #2. Bob's upload of the old number record is left out by the server (it
    gives numbers), and nothing built on it may be stored without it: every
    sync must still go through, with no snapshot on the server missing its
    parent, and no laptop starting over again and again."""
    import json
    import shutil
    import sqlite3

    from tests.sync.servers import converge

    ann, bob, cy = (
        make_replica(n.split()[0].lower(), n, central.url, central.add_agent(n))
        for n in (ANN, BOB, "Cy Agent <cy@example.com>")
    )
    ann.desk.create(subject="T1", requester="R <r@x.org>")
    converge([ann, bob, cy])
    central.stop()
    backup = central.data_dir.parent / "backup"
    shutil.copytree(central.data_dir, backup)
    central.start()
    t2 = ann.desk.create(subject="T2", requester="R <r@x.org>")["doc"]["id"]
    ann.sync()
    bob.sync()
    central.stop()
    shutil.rmtree(central.data_dir)
    shutil.copytree(backup, central.data_dir)
    central.start()
    cy.desk.create(subject="C", requester="R <r@x.org>")
    cy.sync()

    for _ in range(3):
        resets = [r.sync().epoch_changed for r in (ann, bob, cy)]
    assert resets == [False, False, False]

    db = sqlite3.connect(f"file:{central.data_dir / 'server.db'}?mode=ro", uri=True)
    try:
        bodies = {
            s: json.loads(bytes(b))
            for s, b in db.execute("SELECT id, body FROM snapshots")
        }
    finally:
        db.close()
    assert not [s for s, b in bodies.items() if set(b["parents"]) - set(bodies)]
    # The server's number stands on every laptop.
    assert {r.shown()[t2]["number"] for r in (ann, bob, cy)} == {3}
