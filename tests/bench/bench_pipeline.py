"""Benchmark of the ticket pipeline: events/s in memory, and its cost when persisted.

Run on purpose, not by the test suite:

    .venv/bin/python tests/bench/bench_pipeline.py [--events N] [--creates N]

1. Events per second through the full default pipeline in memory (target
   >= 50,000/s): each event is one new ticket passing every built-in stage
   (normalize, validate, duplicates, routing, sla, triggers), admitted, its
   SLA derived and `ticket_did_create` plus the stages' events published on
   the bus to a subscriber. Measured with the default rules and, for
   information, with a team rules file (routing with round-robin, triggers,
   requirements, an SLA calendar with holidays).
2. Persisted creates (`Desk.create`, one transaction each) and a persisted
   import, with the pipeline on versus off (every stage disabled) in the same
   run, rounds interleaved so machine drift hits both alike, best round of
   each compared (target: overhead <= 30 %).

Shared machines drift, so every figure is the best of several rounds and the
CPU time of this process is reported beside wall time. Prints a table and
writes tests/bench/results/pipeline.json.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.desk import Desk
from desktop.importer import import_file
from desktop.pipeline.change import Change, Origin
from desktop.pipeline.config import DEFAULT_ORDER
from desktop.pipeline.events import Event
from desktop.pipeline.hours import iso_time
from desktop.pipeline.pipeline import Pipeline
from desktop.pipeline.rules import RuleSet
from desktop.pipeline.rulesfile import parse_rules
from desktop.pipeline.sla import status_timeline
from desktop.store.store import Store
from desktop.ticket import Person, new_document

RESULTS = Path(__file__).with_name("results")
AGENT = "Bench Agent <bench@example.com>"
TEAM_RULES = """
groups:
  hardware: [ann, bob, carol]
  billing: [dave, erin]
routing:
  - name: Printers
    when: {any: [{text: printer}, {text: toner}]}
    set: {group: hardware, priority: high}
    assign: round-robin
    add_tags: [printer]
  - name: Money
    when: {any: [{text: invoice}, {text: refund}]}
    set: {group: billing}
    assign: round-robin
  - name: Big customers
    when: {field: requester.domain, in: [bigcorp.example, megacorp.example]}
    set: {priority: urgent}
triggers:
  - name: Urgent is escalated
    when: {field: priority, changes_to: urgent}
    add_tags: [escalated]
  - name: Solved is thanked
    when: {field: status, changes_to: solved}
    add_tags: [thanked]
validation:
  - name: Outages need a type
    when: {text: outage}
    require: [type]
sla:
  timezone: Europe/Helsinki
  hours: {mon-thu: "08:00-17:00", fri: "08:00-15:00"}
  holidays: [2026-01-01, 2026-01-06, 2026-04-03, 2026-12-24, 2026-12-25]
  targets:
    urgent: {first_response: 1h, resolution: 4h}
    high: {first_response: 4h, resolution: 16h}
    normal: {first_response: 8h, resolution: 40h}
    low: {first_response: 16h, resolution: 80h}
"""
WORDS = [
    "printer",
    "toner",
    "mail",
    "vpn",
    "laptop",
    "screen",
    "password",
    "account",
    "invoice",
    "refund",
    "login",
    "wifi",
    "phone",
    "badge",
    "calendar",
    "backup",
]
PRIORITIES = ("low", "normal", "normal", "normal", "high", "urgent")


def documents(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Tickets like a busy support queue's: one every five minutes; requesters
    drawn so that most write once in a while and a few write often; about one
    in twenty repeats a recent subject of theirs."""
    rng = random.Random(seed)
    start = 1767600000  # 2026-01-05, a Monday
    docs = []
    recent: dict[int, str] = {}
    for i in range(count):
        who = int(rng.expovariate(6 / count))
        domain = "bigcorp.example" if who % 50 == 0 else "example.com"
        if who in recent and rng.random() < 0.05:
            subject = recent[who]
        else:
            subject = f"{rng.choice(WORDS)} {rng.choice(WORDS)} problem #{i % 97}"
        recent[who] = subject
        docs.append(
            new_document(
                subject=subject,
                requester=Person(f"Requester {who}", f"user{who}@{domain}"),
                provisional=f"BNCH-{i}",
                description="It stopped working this morning. " * 3,
                priority=rng.choice(PRIORITIES),
                tags=["bench"],
                created=iso_time(start + i * 300),
            )
        )
    return docs


def copies(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return json.loads(json.dumps(docs))


def in_memory(docs: list[dict[str, Any]], rules: RuleSet | None) -> dict[str, float]:
    """One pass of `docs` through a fresh in-memory pipeline."""
    pipeline = Pipeline.in_memory(rules)
    enabled = [s.name for s in pipeline.stages() if s.enabled]
    assert enabled == list(DEFAULT_ORDER), enabled
    backend = pipeline.backend
    delivered: Counter[str] = Counter()

    def count(event: Event) -> None:
        delivered[event.name] += 1

    backend.bus.subscribe("*", count)  # type: ignore[attr-defined]
    work = copies(docs)
    wall, cpu = time.perf_counter(), time.process_time()
    for doc in work:
        change = Change.create(
            doc, Origin.IMPORT, AGENT, doc["created"], validated=True
        )
        admission = pipeline.admit(change)
        if admission.accepted:
            backend.emit(Event("ticket_did_create", change.ticket))
            admission.announce()
            pipeline.derive(doc, status_timeline(doc, None))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert delivered["ticket_did_create"] == len(work), delivered
    return {
        "events": len(work),
        "per_s_wall": len(work) / wall,
        "per_s_cpu": len(work) / cpu,
        "bus_deliveries": sum(delivered.values()),
        "flagged_duplicates": delivered["ticket_did_flag_duplicate"],
        "routed": delivered["ticket_did_route"],
    }


def best(rounds: int, run: Callable[[], dict[str, float]]) -> dict[str, float]:
    results = [run() for _ in range(rounds)]
    top = max(results, key=lambda r: r["per_s_wall"])
    top["per_s_cpu"] = max(r["per_s_cpu"] for r in results)
    return top


def desk_in(path: Path, *, pipeline_on: bool, rules: str | None) -> Desk:
    store = Store(path)
    desk = Desk(store)
    desk.set_agent(AGENT)
    if rules:
        from desktop.pipeline import config

        with store.write():
            config.write_doc(
                store, config.RULES, parse_rules(rules, "team.yaml"), AGENT
            )
    if not pipeline_on:
        for stage in desk.pipeline.stages():
            desk.pipeline.disable(stage.name, AGENT)
    return desk


def creates(work: Path, docs: list[dict[str, Any]], *, on: bool) -> dict[str, float]:
    desk = desk_in(work, pipeline_on=on, rules=None)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        for doc in docs:
            desk.create(
                subject=doc["subject"],
                requester=f"{doc['requester']['name']} <{doc['requester']['email']}>",
                body=doc["description"],
                priority=doc["priority"],
                tags=["bench"],
            )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        desk.store.close()
    return {"per_s_wall": len(docs) / wall, "per_s_cpu": len(docs) / cpu}


def imports(work: Path, csv_file: Path, rows: int, *, on: bool) -> dict[str, float]:
    desk = desk_in(work, pipeline_on=on, rules=None)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        report = import_file(desk, csv_file, "csv", [])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        desk.store.close()
    assert report.imported == rows, report
    return {"per_s_wall": rows / wall, "per_s_cpu": rows / cpu}


def write_csv(path: Path, docs: list[dict[str, Any]]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["subject", "requester", "description", "priority", "created"])
        for d in docs:
            writer.writerow(
                [
                    d["subject"],
                    f"{d['requester']['name']} <{d['requester']['email']}>",
                    d["description"],
                    d["priority"],
                    d["created"],
                ]
            )


def interleaved(
    rounds: int, run: Callable[[bool, int], dict[str, float]]
) -> dict[str, Any]:
    """Alternate on and off `rounds` times; compare the best round of each
    (like timeit: on a shared machine the fastest round is the one least
    disturbed by others), and keep the medians too."""
    on, off = [], []
    for i in range(rounds):
        for flag in (True, False) if i % 2 == 0 else (False, True):
            (on if flag else off).append(run(flag, i))
    out: dict[str, Any] = {}
    for clock in ("wall", "cpu"):
        key = f"per_s_{clock}"
        a, b = max(r[key] for r in on), max(r[key] for r in off)
        out[f"on_{key}"], out[f"off_{key}"] = a, b
        out[f"overhead_{clock}"] = b / a - 1
        out[f"overhead_{clock}_median"] = (
            statistics.median(r[key] for r in off)
            / statistics.median(r[key] for r in on)
            - 1
        )
    return out


def calibration() -> float:
    """Microseconds for sum(range(1000)): how fast this machine is right now."""
    start = time.perf_counter()
    for _ in range(2000):
        sum(range(1000))
    return (time.perf_counter() - start) / 2000 * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--creates", type=int, default=1_500)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    team = RuleSet.compile(parse_rules(TEAM_RULES, "team.yaml"))
    docs = documents(args.events)
    before = calibration()
    default = best(args.rounds, lambda: in_memory(docs, None))
    with_team = best(args.rounds, lambda: in_memory(docs, team))

    create_docs = documents(args.creates, seed=11)
    row_docs = documents(args.rows, seed=13)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_file = work / "rows.csv"
        write_csv(csv_file, row_docs)
        persisted = interleaved(
            args.rounds,
            lambda on, i: creates(work / f"c{i}{on}", create_docs, on=on),
        )
        imported = interleaved(
            args.rounds,
            lambda on, i: imports(work / f"i{i}{on}", csv_file, args.rows, on=on),
        )
    after = calibration()

    rows = [
        (
            "in memory, default rules: events/s (wall)",
            default["per_s_wall"],
            ">= 50000",
        ),
        ("  same, events/s (CPU time)", default["per_s_cpu"], ""),
        ("in memory, team rules: events/s (wall)", with_team["per_s_wall"], ""),
        ("  same, events/s (CPU time)", with_team["per_s_cpu"], ""),
        ("creates/s, pipeline on (wall)", persisted["on_per_s_wall"], ""),
        ("creates/s, pipeline off (wall)", persisted["off_per_s_wall"], ""),
        ("  overhead (wall)", persisted["overhead_wall"] * 100, "<= 30 %"),
        ("  overhead (CPU time)", persisted["overhead_cpu"] * 100, "<= 30 %"),
        ("import rows/s, pipeline on (wall)", imported["on_per_s_wall"], ""),
        ("import rows/s, pipeline off (wall)", imported["off_per_s_wall"], ""),
        ("  overhead (wall)", imported["overhead_wall"] * 100, ""),
        ("  overhead (CPU time)", imported["overhead_cpu"] * 100, ""),
        ("machine: sum(range(1000)) us, before", before, ""),
        ("machine: sum(range(1000)) us, after", after, ""),
    ]
    print(f"{'measure':<46} {'value':>12}  target")
    for name, value, target in rows:
        print(f"{name:<46} {value:>12.1f}  {target}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "pipeline.json"
    out.write_text(
        json.dumps(
            {
                "summary": {
                    "in_memory_events_per_s": default["per_s_wall"],
                    "in_memory_target": 50_000,
                    "persisted_overhead": persisted["overhead_wall"],
                    "persisted_overhead_cpu": persisted["overhead_cpu"],
                    "persisted_overhead_target": 0.30,
                },
                "in_memory_default": default,
                "in_memory_team_rules": with_team,
                "persisted_creates": persisted,
                "persisted_import": imported,
                "calibration_us": {"before": before, "after": after},
                "args": vars(args),
            },
            indent=2,
        )
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
