"""Benchmark of merging and bundles: 10,000 diverged tickets, 100,000 snapshots.

Run on purpose, not by the test suite:

    .venv/bin/python tests/bench/bench_merge.py [--tickets N] [--snapshots N]

Merge: two replicas share N tickets, each makes 3 edits per ticket, then one
applies the other's bundle; beside it, in the same run, the same bundle is
applied to a replica that did not diverge (fast-forwards only). Bundles: create
and apply throughput for a store holding about 100,000 snapshots. Prints a
table and writes tests/bench/results/merge.json.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from desktop import bundles
from desktop.desk import Desk
from desktop.replica import receive
from desktop.store.store import Store
from desktop.ticket import Person, new_document
from sync.snapshot import Snapshot, authored

RESULTS = Path(__file__).with_name("results")


def seed(store: Store, tickets: int) -> list[Snapshot]:
    """Root snapshots for `tickets` tickets, received in one transaction."""
    roots = []
    clock = store.clock
    for i in range(tickets):
        doc = new_document(
            subject=f"Ticket {i}: the shop on the corner has closed",
            requester=Person(f"Mapper {i}", f"mapper{i}@example.org"),
            provisional=f"SEED-{i + 1}",
            description="The note says the shop closed last spring. " * 2,
            tags=["osm"],
        )
        roots.append(
            authored(
                doc["id"],
                [],
                [{"op": "add", "path": "", "value": doc}],
                "Seeder <seed@example.org>",
                "seed-device",
                clock.tick(),
                store.now_iso(),
            )
        )
    with store.write():
        receive(store, roots)
    return roots


def diverge(store: Store, side: str, count: int = 3) -> None:
    """`count` linear edits per ticket on this replica, as its agent would make."""
    author = f"{side} <{side.lower()}@example.org>"
    snaps = []
    with store.write():
        for (ticket,) in list(store.db.execute("SELECT id FROM tickets")):
            head = store.history(ticket).order[-1]
            for n in range(count):
                path, value = [
                    ("/subject", f"{side} retitled it ({n})"),
                    (f"/tags/{side.lower()}-{n}", True),
                    ("/priority", "high" if side == "Ann" else "low"),
                ][n % 3]
                op = "add" if path.startswith("/tags/") else "replace"
                head = authored(
                    ticket,
                    [head.id],
                    [{"op": op, "path": path, "value": value}],
                    author,
                    f"{side}-device",
                    store.clock.tick(above=head.clock),
                    store.now_iso(),
                )
                snaps.append(head)
        receive(store, snaps)


def timed_apply(store: Store, bundle: Path) -> tuple[float, dict[str, int]]:
    # Setting up wrote hundreds of MB; flushed now, their write-back does not
    # land in the middle of the timed apply's commit.
    os.sync()
    start = time.perf_counter()
    outcomes = bundles.apply(store, bundle)
    elapsed = time.perf_counter() - start
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o["result"]] = counts.get(o["result"], 0) + 1
    return elapsed, counts


def bench_merge(work: Path, tickets: int) -> dict[str, object]:
    ann, bob, carol = (Store(work / n) for n in ("ann", "bob", "carol"))
    for store, name in ((ann, "Ann"), (bob, "Bob"), (carol, "Carol")):
        Desk(store).set_agent(f"{name} <{name.lower()}@example.org>")
    seed(ann, tickets)
    bundles.create(ann, work / "shared.bundle", None, [])
    cursor = ann.last_seq()
    bundles.apply(bob, work / "shared.bundle")
    bundles.apply(carol, work / "shared.bundle")

    diverge(ann, "Ann")
    diverge(bob, "Bob")
    made = bundles.create(ann, work / "ann-edits.bundle", str(cursor), [])

    merge_s, merged = timed_apply(bob, work / "ann-edits.bundle")
    plain_s, plain = timed_apply(carol, work / "ann-edits.bundle")
    sample = bob.ticket_record(next(iter(bob.db.execute("SELECT id FROM tickets")))[0])
    for store in (ann, bob, carol):
        store.close()
    return {
        "tickets": tickets,
        "bundle_snapshots": made["snapshots"],
        "merge_seconds": merge_s,
        "merge_outcomes": merged,
        "no_divergence_seconds": plain_s,
        "no_divergence_outcomes": plain,
        "sample_conflicts": len(sample["conflicts"]),
    }


def bench_bundles(work: Path, snapshots: int) -> dict[str, float]:
    """A store of `snapshots` snapshots (4 per ticket), bundled and applied."""
    source = Store(work / "source")
    Desk(source).set_agent("Ann <ann@example.org>")
    seed(source, snapshots // 4)
    diverge(source, "Ann", count=3)
    held = source.snapshot_count()

    start = time.perf_counter()
    made = bundles.create(source, work / "all.bundle", None, [])
    create_s = time.perf_counter() - start
    source.close()

    target = Store(work / "target")
    start = time.perf_counter()
    bundles.apply(target, work / "all.bundle")
    apply_s = time.perf_counter() - start
    applied = target.snapshot_count()
    target.close()
    return {
        "snapshots": held,
        "applied": applied,
        "bundle_mb": (work / "all.bundle").stat().st_size / 1e6,
        "create_per_s": made["snapshots"] / create_s,
        "apply_per_s": applied / apply_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--snapshots", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        merge = bench_merge(Path(tmp) / "merge", args.tickets)
        throughput = bench_bundles(Path(tmp) / "bundles", args.snapshots)

    rows = [
        (f"merge {merge['tickets']} diverged tickets (s)", merge["merge_seconds"]),
        ("  same bundle, no divergence (s)", merge["no_divergence_seconds"]),
        (
            "  merge / no divergence",
            merge["merge_seconds"] / merge["no_divergence_seconds"],
        ),
        ("bundle create, snapshots/s", throughput["create_per_s"]),
        ("bundle apply, snapshots/s", throughput["apply_per_s"]),
        ("bundle size (MB)", throughput["bundle_mb"]),
    ]
    print(f"{'measure':<44} {'value':>12}")
    for name, value in rows:
        print(f"{name:<44} {value:>12.2f}")
    print(f"merge outcomes: {merge['merge_outcomes']}")
    print(f"no-divergence outcomes: {merge['no_divergence_outcomes']}")
    print(f"bundle of {throughput['snapshots']} snapshots")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "merge.json"
    out.write_text(json.dumps({"merge": merge, "bundles": throughput}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
