"""Builds the large ticket store the GUI benchmark runs on, from real OSM notes.

Tickets go in through the store's own write path (`Store.write`, `refresh`,
`add_snapshots`), in big transactions, so the database has exactly the shape an
agent's laptop would have. The notes (63,649 of them) are reused round after
round, each round with its own subject suffix, statuses and assignees, until the
target count is reached. Building a million takes minutes, so the data dir is
cached under `tests/bench/results/` and reused while it holds at least that
many (each benchmark run applies a bundle of a few thousand more).

Usage: python tests/bench/gui_data.py [COUNT]
"""

import csv
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from desktop.desk import Desk
from desktop.store.store import Store
from desktop.ticket import Person, derive_subject, new_document, parse_time
from sync.document import normalize
from sync.history import TicketState
from sync.ids import TicketId
from sync.snapshot import authored

log = logging.getLogger(__name__)

NOTES = Path(__file__).resolve().parents[3] / "shared" / "data" / "osm_notes_by_country"
RESULTS = Path(__file__).resolve().parent / "results"
AGENT = "Bench Agent <bench@example.com>"
STATUSES = ("new", "open", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "normal", "normal", "high", "urgent")
ASSIGNEES = (None, None, AGENT, "Lea Agent <lea@example.com>", "Ono <ono@example.com>")
BATCH = 20_000


def notes() -> list[dict[str, str]]:
    """Every note of every country file, skipping the stray `CREATE FUNCTION` rows."""
    rows: list[dict[str, str]] = []
    for path in sorted(NOTES.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("opening_comment") and row.get("opened_at"):
                    rows.append(row)
    return rows


def documents(count: int, source: list[dict[str, str]]) -> Iterator[dict]:
    for i in range(count):
        note = source[i % len(source)]
        round_ = i // len(source)
        subject = derive_subject(note["opening_comment"]) or f"note {note['note_id']}"
        if round_:
            subject = f"{subject[:230]} ({round_})"
        name = note["opened_by_username"] or "Unknown"
        doc = new_document(
            subject=subject,
            requester=Person(name, None),
            provisional="",
            description=note["opening_comment"],
            status=STATUSES[i % len(STATUSES)],
            priority=PRIORITIES[i % len(PRIORITIES)],
            tags=["osm", note["country_name"].split()[0].lower()[:30]],
            created=parse_time("created", note["opened_at"]),
            check=False,
        )
        doc["assignee"] = ASSIGNEES[i % len(ASSIGNEES)]
        doc["custom"]["osm_note"] = note["note_id"]
        yield doc


def build(data_dir: Path, count: int) -> Path:
    """Make (or reuse) a data dir holding `count` tickets."""
    if (data_dir / "offdesk.db").exists():
        # The benchmark's bundle step adds a few thousand tickets per run.
        with Store(data_dir) as store:
            if store.ticket_count() >= count:
                return data_dir
        raise SystemExit(f"{data_dir} holds fewer tickets; delete it first")
    started = time.perf_counter()
    source = notes()
    with Store(data_dir) as store:
        desk = Desk(store)
        desk.set_agent(AGENT)
        batch: list[dict] = []
        done = 0
        for doc in documents(count, source):
            batch.append(doc)
            if len(batch) == BATCH:
                _write(store, batch)
                done += len(batch)
                batch = []
                rate = done / (time.perf_counter() - started)
                print(f"  {done:>9,} tickets  {rate:,.0f}/s", file=sys.stderr)
        if batch:
            _write(store, batch)
    return data_dir


def _write(store: Store, docs: list[dict]) -> None:
    with store.write():
        numbers = store.take_provisionals(len(docs))
        snaps = []
        for doc, number in zip(docs, numbers, strict=True):
            doc["provisional"] = number
            wall = doc["created"]
            snap = authored(
                TicketId(doc["id"]),
                [],
                [{"op": "add", "path": "", "value": doc}],
                AGENT,
                store.device_id,
                store.clock.tick(),
                wall,
            )
            snaps.append(snap)
            state = TicketState(normalize(doc), [snap.id], [], wall)
            store.refresh(snap.ticket, state, new=True)
        store.add_snapshots(snaps)


def data_dir_for(count: int) -> Path:
    return RESULTS / f"data-{count}"


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(build(data_dir_for(n), n))
