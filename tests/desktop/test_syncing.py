"""Sync between replicas through a real `offdesk serve` on loopback, with faults.

Every scenario ends the same way: replicas converged (identical `show --json`
for every ticket), the server holding each snapshot once, and nothing that a
replica had before missing from it afterwards.
"""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from desktop.errors import SyncFailed
from desktop.remote import set_remote
from desktop.render import ticket_ref
from desktop.syncing import NUMBERS_LISTED, SyncSummary, sync
from sync.clock import system_ms
from sync.protocol import SERVER_AUTHOR
from tests.sync.servers import REPO, Replica, ServerProcess, converge, faulty_client

ANN = "Ann Agent <ann@example.com>"
BOB = "Bob Agent <bob@example.com>"
CAT = "Cat Agent <cat@example.com>"

MakeReplica = Callable[..., Replica]


def server_rows(server: ServerProcess) -> list[tuple[str, str]]:
    """(id, author) of every snapshot the server holds, read from its database."""
    db = sqlite3.connect(f"file:{server.data_dir / 'server.db'}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT id, body FROM snapshots").fetchall()
    finally:
        db.close()
    return [(sid, bytes(body).decode()) for sid, body in rows]


def assert_no_duplicates(server: ServerProcess) -> None:
    ids = [sid for sid, _ in server_rows(server)]
    assert len(ids) == len(set(ids))


def three(
    central: ServerProcess, make_replica: MakeReplica, **options: Any
) -> list[Replica]:
    return [
        make_replica(name, agent, central.url, central.add_agent(agent), **options)
        for name, agent in (("ann", ANN), ("bob", BOB), ("cat", CAT))
    ]


def work(replica: Replica, tag: str, tickets: int = 2) -> list[str]:
    refs = []
    for n in range(tickets):
        record = replica.desk.create(
            subject=f"{tag} ticket {n}", requester="Req <req@example.com>"
        )
        refs.append(record["doc"]["provisional"])
    replica.desk.comment(refs[0], f"{tag} replied", public=True)
    return refs


def assert_converged(replicas: list[Replica]) -> dict[str, dict[str, Any]]:
    shown = replicas[0].shown()
    for other in replicas[1:]:
        assert other.shown() == shown
    return shown


def test_three_replicas_converge_and_every_ticket_gets_one_server_number(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    ann, bob, cat = replicas = three(central, make_replica)
    provisional = {
        r.store.device_prefix: work(r, r.store.device_prefix) for r in replicas
    }

    first = ann.sync()
    assert (first.sent, first.received, first.merged) == (4, 2, 1)  # 4: + a merge
    assert [n["provisional"] for n in first.numbers] == provisional[
        ann.store.device_prefix
    ]
    converge(replicas)

    shown = assert_converged(replicas)
    assert sorted(t["number"] for t in shown.values()) == [1, 2, 3, 4, 5, 6]
    assert all(t["ref"] == f"#{t['number']}" for t in shown.values())
    for refs in provisional.values():
        for ref in refs:  # the provisional number stays an alias
            assert cat.store.resolve(ref) == bob.store.resolve(ref)
    assert_no_duplicates(central)


def test_concurrent_edits_merge_into_the_same_conflict_everywhere(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    ann, bob, cat = replicas = three(central, make_replica)
    ref = work(ann, "shared", tickets=1)[0]
    converge(replicas)
    number = ticket_ref(ann.store.ticket_record(ann.store.resolve(ref))["doc"])

    ann.desk.edit(number, sets=[("subject", "Ann's subject")])
    bob.desk.edit(number, sets=[("subject", "Bob's subject")])
    cat.desk.edit(number, add_tags=["vip"])
    summary = ann.sync(), bob.sync(), cat.sync()
    converge(replicas)

    shown = assert_converged(replicas)
    ticket = next(iter(shown.values()))
    assert [c["field"] for c in ticket["conflicts"]] == ["subject"]
    assert ticket["tags"] == ["vip"]
    assert sum(s.conflicts for s in summary) >= 1


def test_dropped_requests_and_lost_responses_duplicate_nothing(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    ann, bob, cat = replicas = three(central, make_replica)
    for r in replicas:
        work(r, r.store.device_prefix, tickets=6)

    def plan(count: int, request: httpx.Request) -> str | None:
        if request.url.path.endswith("/meta"):
            return None
        return {1: "request", 2: "response"}.get(count % 5)

    dropped = []
    for r in replicas:
        with faulty_client(central.url, r.remote.token or "", plan) as client:
            sync(r.store, r.remote, client=client, push_batch=4, pull_page=5)
            dropped += client.http._transport.dropped  # type: ignore[attr-defined]
    assert any(d.startswith("request POST") for d in dropped)
    assert any(d.startswith("response POST") for d in dropped)
    assert any(d.startswith("response GET") for d in dropped)
    converge(replicas)

    assert_converged(replicas)
    assert_no_duplicates(central)
    assert {sid for sid, _ in server_rows(central)} == ann.snapshot_ids()


def test_a_server_restarted_mid_sync_ends_converged(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    ann, bob, cat = replicas = three(central, make_replica)
    for r in replicas:
        work(r, r.store.device_prefix, tickets=5)
    converge([bob])
    posts = 0

    def plan(count: int, request: httpx.Request) -> Any:
        nonlocal posts
        if request.method == "POST" and request.url.path.endswith("/snapshots"):
            posts += 1
            if posts == 2:
                return central.restart
        return None

    before = ann.snapshot_ids()
    with (
        faulty_client(central.url, ann.remote.token or "", plan) as client,
        contextlib.suppress(SyncFailed),  # if the restart outlasts the retries,
    ):  # the next sync resumes
        client.attempts = 8
        sync(ann.store, ann.remote, client=client, push_batch=2)
    converge(replicas)

    assert_converged(replicas)
    assert_no_duplicates(central)
    assert before <= ann.snapshot_ids()


def test_an_empty_server_database_makes_replicas_upload_again_and_lose_nothing(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    replicas = three(central, make_replica)
    for r in replicas:
        work(r, r.store.device_prefix, tickets=3)
    converge(replicas)
    before = assert_converged(replicas)
    held = [r.snapshot_ids() for r in replicas]

    central.stop()
    for name in ("server.db", "server.db-wal", "server.db-shm"):
        (central.data_dir / name).unlink(missing_ok=True)
    central.start()
    for r, agent in zip(replicas, (ANN, BOB, CAT), strict=True):
        token = central.add_agent(agent)
        r.remote = type(r.remote)(r.remote.url, token)

    first = replicas[0].sync()
    assert first.epoch_changed
    assert "reset or restored" in first.warnings[0]
    converge(replicas)

    after = assert_converged(replicas)
    assert after == before, "numbers, heads and content survive the reset unchanged"
    for r, was in zip(replicas, held, strict=True):
        assert was <= r.snapshot_ids()
    assert {sid for sid, _ in server_rows(central)} == held[0]
    assert_no_duplicates(central)


def test_a_client_killed_mid_sync_resumes_without_loss_or_duplicates(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    ann = make_replica("ann", ANN, central.url, central.add_agent(ANN))
    for n in range(150):
        ann.desk.create(subject=f"ticket {n}", requester="Req <req@example.com>")
    set_remote(ann.store, central.url, ann.remote.token or "")
    local = ann.snapshot_ids()
    data_dir = ann.store.data_dir
    ann.store.close()

    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "sync", "--batch", "3"],
        cwd=REPO,
        env={**os.environ, "OFFDESK_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(server_rows(central)) < 20:
        assert proc.poll() is None, "the sync finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = len(server_rows(central))
    assert 20 <= partial < 300

    ann.store = type(ann.store)(data_dir)
    try:
        assert local <= ann.snapshot_ids()
        ann.sync()
        rows = server_rows(central)
        assert len([a for _, a in rows if f'"author":"{SERVER_AUTHOR}"' in a]) == 150
        assert len(rows) == 300
        assert_no_duplicates(central)
        numbers = sorted(t["number"] for t in ann.shown().values())
        assert numbers == list(range(1, 151))
    finally:
        ann.store.close()


def test_a_clock_far_from_the_servers_is_a_warning_and_sync_goes_on(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    fast = make_replica(
        "fast",
        ANN,
        central.url,
        central.add_agent(ANN),
        wall=lambda: system_ms() + 10 * 60_000,
    )
    work(fast, "fast", tickets=1)
    summary = fast.sync()
    assert summary.sent == 3  # two authored, one merge
    assert summary.skew_ms is not None and summary.skew_ms < -9 * 60_000
    assert any("minutes ahead of the server's" in w for w in summary.warnings)


def test_snapshots_by_another_agent_wait_until_their_author_syncs(
    central: ServerProcess, make_replica: MakeReplica, tmp_path: Path
) -> None:
    """Bob's work reaches Ann by bundle; the server takes it only from Bob."""
    from desktop import bundles

    ann, bob = three(central, make_replica)[:2]
    work(bob, "bob", tickets=1)
    bundles.create(bob.store, tmp_path / "b.bundle", None, [])
    bundles.apply(ann.store, tmp_path / "b.bundle")

    early = ann.sync()
    assert early.deferred == 2 and early.sent == 0
    assert "until their authors sync" in early.warnings[-1]
    bob.sync()
    later = ann.sync()
    assert later.deferred == 0
    converge([ann, bob])
    assert_converged([ann, bob])


def test_pulled_snapshots_are_not_pushed_back(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    ann, bob = three(central, make_replica)[:2]
    work(ann, "ann", tickets=4)
    ann.sync()
    clone = bob.sync()
    assert clone.received == 10 and clone.sent == 0  # 5 + 4 numbers + 1 merge
    again = bob.sync()
    assert (again.sent, again.received) == (0, 0)


def test_a_ticket_made_during_the_upload_after_a_reset_takes_a_fresh_number(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    replicas = three(central, make_replica)
    for r in replicas:
        work(r, r.store.device_prefix, tickets=2)
    converge(replicas)
    before = {t: s["number"] for t, s in replicas[0].shown().items()}

    central.stop()
    (central.data_dir / "server.db").unlink()
    central.start()
    for r, agent in zip(replicas, (ANN, BOB, CAT), strict=True):
        r.remote = type(r.remote)(r.remote.url, central.add_agent(agent))
    cat = replicas[2]
    new = cat.desk.create(subject="made after the reset", requester="R <r@x.io>")
    cat.sync()  # Ann's and Bob's tickets are not back on the server yet
    converge(replicas)

    shown = assert_converged(replicas)
    assert {t: shown[t]["number"] for t in before} == before
    assert shown[new["doc"]["id"]]["number"] == max(before.values()) + 1
    assert all(not t["conflicts"] for t in shown.values())


def test_a_snapshot_the_server_refuses_stays_local_and_the_rest_still_syncs(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    """Two laptops each made a first snapshot for one settings id (`config:…`)."""
    from sync.clock import Clock
    from sync.ids import DeviceId, TicketId
    from sync.snapshot import authored

    ann, bob = three(central, make_replica)[:2]
    firsts = {}
    for r, agent in ((ann, ANN), (bob, BOB)):
        snap = authored(
            TicketId("config:test"),
            [],
            [{"op": "add", "path": "", "value": {"by": agent}}],
            agent,
            DeviceId(r.store.device_id),
            Clock(system_ms(), 0),
            "2026-01-01T00:00:00Z",
        )
        with r.store.write():
            r.store.add_snapshots([snap])
        firsts[agent] = snap.id
    assert ann.sync().sent == 1
    work(bob, "bob", tickets=1)

    summary = bob.sync()
    assert summary.sent == 3  # the ticket, the comment and a merge, not the setting
    assert any(
        "refused snapshot" in w and "already has a first snapshot" in w
        for w in summary.warnings
    )
    assert firsts[BOB] in bob.snapshot_ids()
    rows = {sid for sid, _ in server_rows(central)}
    assert firsts[ANN] in rows and firsts[BOB] not in rows
    again = bob.sync()
    assert again.sent == 0 and again.deferred == 1


def test_a_sync_that_numbers_many_tickets_lists_a_few_and_sums_up_the_rest():
    summary = SyncSummary(remote="http://server")
    summary.numbers = [
        {"ticket": f"T{n}", "provisional": f"ABCD-{n}", "number": n}
        for n in range(1, 508)
    ]

    lines = summary.text().splitlines()

    assert lines[1] == "ABCD-1 is now #1"
    assert len(lines) == 1 + NUMBERS_LISTED + 1
    assert lines[-1] == (
        f"and {507 - NUMBERS_LISTED} more numbered, #{NUMBERS_LISTED + 1} to #507 "
        "(sync --json lists them all)"
    )
    assert len(summary.to_json()["numbers"]) == 507


def test_team_rules_loaded_with_an_ordinary_token_reach_every_laptop(
    central: ServerProcess, make_replica: MakeReplica
) -> None:
    """A settings history starts from a shared first snapshot nobody authored;
    it must travel like a merge, or every rule change on top of it waits."""
    from desktop.pipeline import config

    ann, bob = three(central, make_replica)[:2]
    rules = {"routing": [{"name": "vpn", "when": {"text": "vpn"}, "set": {}}]}
    with ann.store.write():
        config.write_doc(ann.store, config.RULES, rules, ANN)

    summary = ann.sync()
    assert summary.deferred == 0 and summary.sent >= 2
    bob.sync()

    assert config.read_doc(bob.store, config.RULES) == rules
