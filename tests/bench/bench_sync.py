"""Benchmark of sync over loopback, with Fossil measured beside it in the same run.

Run on purpose, not by the test suite:

    .venv/bin/python tests/bench/bench_sync.py [--tickets N] [--clients N]
        [--changes N] [--fossil-tickets N | --no-fossil]

Shapes (the issue's targets in brackets):
1. full clone of N tickets (root, server number record, one edit: ~3N
   snapshots) from `offdesk serve` on 127.0.0.1 into an empty data dir
   [>= 10,000 tickets/s];
2. incremental sync of 100 tickets changed on the server (pull), and of 100
   tickets changed on the laptop (push) [<= 0.1 s];
3. 50 concurrent clients, each pushing 100 changes (10 per request) and pulling
   100 (10 per request), as threads with their own connection and token
   [0 errors, p99 request latency <= 1 s];
4. `../shared/bench/fossil_peer.sh` on the same shapes (Fossil's clone of its
   per-ticket repo, its incremental pull and push of 100 changes), with ratios.

The server is seeded in process through the same store code a push runs
(`SqlServerStore.push`), so the clone measures sync, not seeding. Prints a
table and writes tests/bench/results/sync.json.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from desktop.desk import Desk  # noqa: E402
from desktop.remote import Remote  # noqa: E402
from desktop.store.store import Store  # noqa: E402
from desktop.syncing import sync  # noqa: E402
from desktop.ticket import Person, new_document  # noqa: E402
from sync.auth import parse_agent  # noqa: E402
from sync.canonical import parse_json  # noqa: E402
from sync.client import RemoteClient  # noqa: E402
from sync.clock import Clock  # noqa: E402
from sync.ids import DeviceId, TicketId  # noqa: E402
from sync.protocol import SERVER_AUTHOR  # noqa: E402
from sync.snapshot import Snapshot, authored, from_body  # noqa: E402
from sync.sql_store import SqlServerStore, default_url  # noqa: E402
from tests.sync.servers import ServerProcess  # noqa: E402

RESULTS = Path(__file__).with_name("results")
FOSSIL = REPO.parent / "shared" / "bench" / "fossil_peer.sh"
SEEDER = "Seed Agent <seed@example.com>"
WHEN = "2026-01-01T00:00:00Z"
SUBJECTS = ("sync", "import", "search", "ui", "attachments", "auth")


def seed(url: str, tickets: int) -> dict[TicketId, Snapshot]:
    """Roots, then the server's number records, then one edit on each; heads back."""
    store = SqlServerStore(url)
    agent = parse_agent(SEEDER)
    device = DeviceId("bench-seeder")
    ms = 1_700_000_000_000
    heads: dict[TicketId, Snapshot] = {}
    batch = 5_000
    for start in range(0, tickets, batch):
        roots = []
        for i in range(start, min(start + batch, tickets)):
            topic = SUBJECTS[i % 6]
            doc = new_document(
                subject=f"Ticket {i}: customer cannot {topic} after upgrade",
                requester=Person(f"Requester {i}", f"req{i}@example.com"),
                provisional=f"SEED-{i + 1}",
                description=f"Requester reports that {topic} fails with error "
                f"E{1000 + i} since the last release. Steps: open the app, go "
                f"offline, edit ticket {i}, reconnect.",
                created=WHEN,
                check=False,
            )
            ms += 1
            roots.append(
                authored(
                    TicketId(doc["id"]),
                    [],
                    [{"op": "add", "path": "", "value": doc}],
                    SEEDER,
                    device,
                    Clock(ms, 0),
                    WHEN,
                )
            )
        store.push(agent, roots)
    cursor = 0
    while True:
        page = store.pull(cursor, 5_000)
        for sid, raw in page.entries:
            snap = from_body(parse_json(raw), sid)
            if snap.author == SERVER_AUTHOR:
                heads[snap.ticket] = snap
        cursor = page.cursor
        if not page.more:
            break
    edits = [edit(head, "open", SEEDER, device) for head in heads.values()]
    for start in range(0, len(edits), batch):
        store.push(agent, edits[start : start + batch])
    store.close()
    return {e.ticket: e for e in edits}


def edit(parent: Snapshot, status: str, author: str, device: DeviceId) -> Snapshot:
    return authored(
        parent.ticket,
        [parent.id],
        [{"op": "replace", "path": "/status", "value": status}],
        author,
        device,
        Clock(max(parent.clock.ms + 1, int(time.time() * 1000)), 0),
        WHEN,
    )


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def clone_and_increments(
    server: ServerProcess, work: Path, heads: dict[TicketId, Snapshot], tickets: int
) -> dict[str, Any]:
    token = server.add_agent("Laptop Agent <laptop@example.com>")
    store = Store(work / "laptop")
    Desk(store).set_agent("Laptop Agent <laptop@example.com>")
    remote = Remote(server.url, token)
    clone, seconds = timed(lambda: sync(store, remote, pull_page=5_000))
    held = store.snapshot_count()
    figures: dict[str, Any] = {
        "clone_seconds": round(seconds, 3),
        "clone_tickets": store.ticket_count(),
        "clone_snapshots": held,
        "clone_tickets_per_s": round(tickets / seconds),
        "clone_snapshots_per_s": round(held / seconds),
        "clone_merges_made": clone.merged,
    }

    other = server.add_agent("Other Agent <other@example.com>")
    changed = list(heads.values())[:100]
    with RemoteClient(server.url, other) as client:
        client.push(
            [
                edit(h, "pending", "Other Agent <other@example.com>", DeviceId("o"))
                for h in changed
            ]
        )
    pulled, seconds = timed(lambda: sync(store, remote))
    figures["incremental_pull_seconds"] = round(seconds, 3)
    figures["incremental_pull_received"] = pulled.received

    desk = Desk(store)
    for head in list(heads.values())[100:200]:
        desk.edit(head.ticket, sets=[("priority", "high")])
    pushed, seconds = timed(lambda: sync(store, remote))
    figures["incremental_push_seconds"] = round(seconds, 3)
    figures["incremental_push_sent"] = pushed.sent
    _, seconds = timed(lambda: sync(store, remote))
    figures["noop_sync_seconds"] = round(seconds, 3)
    store.close()
    return figures


def concurrent_clients(
    server: ServerProcess, heads: dict[TicketId, Snapshot], clients: int, changes: int
) -> dict[str, Any]:
    """Each client pushes `changes` edits and pulls `changes` snapshots, 10 a time."""
    per = 10
    pool = list(heads.values())[200:]
    if len(pool) < clients * changes:
        raise SystemExit("not enough tickets for the concurrent shape; raise --tickets")
    tokens = [
        server.add_agent(f"Client {n} <client{n}@example.com>") for n in range(clients)
    ]
    with RemoteClient(server.url, tokens[0]) as probe:
        start_cursor = probe.pull(2**40, 1).cursor  # any cursor: pulls are timed
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(n: int) -> None:
        author = f"Client {n} <client{n}@example.com>"
        mine = pool[n * changes : (n + 1) * changes]
        snaps = [edit(h, "solved", author, DeviceId(f"c{n}")) for h in mine]
        cursor = max(0, start_cursor - 50_000 + n * 500)
        mine_lat: list[float] = []
        with RemoteClient(server.url, tokens[n], attempts=1) as remote:
            barrier.wait()
            for start in range(0, len(snaps), per):
                try:
                    t0 = time.perf_counter()
                    remote.push(snaps[start : start + per])
                    mine_lat.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    page = remote.pull(cursor, per)
                    mine_lat.append(time.perf_counter() - t0)
                    cursor = page.cursor
                except Exception as e:  # noqa: BLE001 - counted, not raised
                    with lock:
                        errors.append(f"client {n}: {e}")
        with lock:
            latencies.extend(mine_lat)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    latencies.sort()
    return {
        "clients": clients,
        "changes_per_client": changes,
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "wall_seconds": round(wall, 2),
        "requests_per_s": round(len(latencies) / wall),
    }


def fossil(tickets: int) -> dict[str, Any]:
    """Run the shared Fossil script on the same shapes; pick out its figures."""
    env = {**os.environ, "N": str(tickets), "M": "500", "K": "100"}
    done = subprocess.run(
        ["bash", str(FOSSIL)], capture_output=True, text=True, env=env, timeout=3_600
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-300:]}
    text = done.stdout

    def seconds(label: str) -> float | None:
        for line in text.splitlines():
            if line.startswith(f"| {label}"):
                found = re.search(r"\| ([0-9.]+)s", line)
                return float(found.group(1)) if found else None
        return None

    clone = seconds("full clone `fossil clone")
    return {
        "tickets": tickets,
        "clone_seconds": clone,
        "clone_tickets_per_s": round(tickets / clone) if clone else None,
        "incremental_pull_seconds": seconds("incremental `fossil sync` of clone"),
        "incremental_push_seconds": seconds("incremental `fossil sync` pushing"),
        "noop_sync_seconds": seconds("no-op `fossil sync`"),
        "report": text,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--fossil-tickets", type=int, default=10_000)
    parser.add_argument("--no-fossil", action="store_true")
    parser.add_argument(
        "--only-concurrent", action="store_true", help="skip the clone shapes"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="offdesk-bench-sync-"))
    server = ServerProcess(work / "server")
    print(f"seeding {args.tickets} tickets …", file=sys.stderr)
    heads, seconds = timed(lambda: seed(default_url(server.data_dir), args.tickets))
    results: dict[str, Any] = {
        "host": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cpus",
        "python": platform.python_version(),
        "tickets": args.tickets,
        "seed_seconds": round(seconds, 1),
    }
    server.start()
    try:
        if not args.only_concurrent:
            print("clone and incremental syncs …", file=sys.stderr)
            results["offdesk"] = clone_and_increments(server, work, heads, args.tickets)
        print(f"{args.clients} concurrent clients …", file=sys.stderr)
        results["concurrent"] = concurrent_clients(
            server, heads, args.clients, args.changes
        )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    if not args.no_fossil:
        print(f"fossil_peer.sh with N={args.fossil_tickets} …", file=sys.stderr)
        results["fossil"] = fossil(args.fossil_tickets)

    RESULTS.mkdir(exist_ok=True)
    if args.only_concurrent:
        print(json.dumps(results["concurrent"], indent=2))
        return
    (RESULTS / "sync.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))


def table(r: dict[str, Any]) -> str:
    o, c, f = r["offdesk"], r["concurrent"], r.get("fossil") or {}

    def ratio(ours: float | None, theirs: float | None, higher_better: bool) -> str:
        if not ours or not theirs:
            return "n/a"
        return f"{(ours / theirs) if higher_better else (theirs / ours):.1f}x"

    rows = [
        ("measurement", "Offdesk", "Fossil", "Offdesk advantage", "target"),
        (
            f"clone, tickets/s (Offdesk {r['tickets']}, Fossil {f.get('tickets')})",
            f"{o['clone_tickets_per_s']:,} ({o['clone_seconds']} s)",
            f"{f.get('clone_tickets_per_s')} ({f.get('clone_seconds')} s)",
            ratio(o["clone_tickets_per_s"], f.get("clone_tickets_per_s"), True),
            ">= 10,000",
        ),
        (
            "incremental pull of 100 changed tickets, s",
            str(o["incremental_pull_seconds"]),
            str(f.get("incremental_pull_seconds")),
            ratio(
                o["incremental_pull_seconds"], f.get("incremental_pull_seconds"), False
            ),
            "<= 0.1",
        ),
        (
            "incremental push of 100 changed tickets, s",
            str(o["incremental_push_seconds"]),
            str(f.get("incremental_push_seconds")),
            ratio(
                o["incremental_push_seconds"], f.get("incremental_push_seconds"), False
            ),
            "<= 0.1",
        ),
        (
            "no-op sync, s",
            str(o["noop_sync_seconds"]),
            str(f.get("noop_sync_seconds")),
            ratio(o["noop_sync_seconds"], f.get("noop_sync_seconds"), False),
            "",
        ),
        (
            f"{c['clients']} clients x {c['changes_per_client']} changes: errors",
            str(c["errors"]),
            "n/a",
            "",
            "0",
        ),
        (
            "  request latency p50 / p99 / max, ms",
            f"{c['p50_ms']} / {c['p99_ms']} / {c['max_ms']}",
            "n/a",
            "",
            "p99 <= 1000",
        ),
        ("  requests/s", str(c["requests_per_s"]), "n/a", "", ""),
    ]
    width = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        " | ".join(cell.ljust(width[i]) for i, cell in enumerate(row)) for row in rows
    ]
    lines.insert(1, "-+-".join("-" * w for w in width))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
