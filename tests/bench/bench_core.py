"""Benchmark of the offline core: creates, the 63k-note CSV import, and search.

Run on purpose, not by the test suite:

    .venv/bin/python tests/bench/bench_core.py [--creates N] [--searches N]

Each figure stands beside a baseline measured in the same run on the same
machine (raw APSW inserts of rows of the same size; a bare FTS5 MATCH), because
shared machines drift. Prints a table and writes tests/bench/results/core.json.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import apsw

from desktop.desk import Desk
from desktop.importer import import_file
from desktop.store.queries import TicketFilter, find
from desktop.store.store import Store

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
NOTES = SHARED / "osm_notes_by_country"
RESULTS = Path(__file__).with_name("results")
MAPS = [
    "opening_comment=description",
    "opened_by_username=requester.name",
    "opened_at=created",
]


def raw_inserts(path: Path, rows: int, size: int, *, one_transaction: bool) -> float:
    """Rows per second for plain APSW inserts of `size`-byte JSON rows."""
    db = apsw.Connection(str(path))
    db.pragma("journal_mode", "wal")
    db.pragma("synchronous", "normal")
    db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)")
    body = json.dumps({"x": "y" * (size - 10)})
    start = time.perf_counter()
    if one_transaction:
        db.execute("BEGIN")
    for _ in range(rows):
        if not one_transaction:
            db.execute("BEGIN")
        db.execute("INSERT INTO t(body) VALUES (?)", (body,))
        if not one_transaction:
            db.execute("COMMIT")
    if one_transaction:
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return rows / elapsed


def bench_creates(work: Path, count: int) -> dict[str, float]:
    with Store(work / "creates") as store:
        desk = Desk(store)
        desk.set_agent("Bench Agent <bench@example.com>")
        start = time.perf_counter()
        for i in range(count):
            desk.create(
                subject=f"Printer {i} on floor {i % 7} is jammed again",
                requester=f"Requester {i} <req{i}@example.com>",
                body="The paper tray clicks and nothing comes out. " * 3,
                tags=["printer"],
            )
        rate = count / (time.perf_counter() - start)
        size = len(store.db.execute("SELECT body FROM snapshots LIMIT 1").fetchone()[0])
    baseline = raw_inserts(work / "raw1.db", count, size, one_transaction=False)
    return {
        "creates_per_s": rate,
        "raw_one_txn_each_per_s": baseline,
        "row_bytes": size,
    }


def bench_import(work: Path) -> tuple[dict[str, float], Path]:
    files = sorted(NOTES.glob("*.csv"))
    data = work / "import"
    with Store(data) as store:
        desk = Desk(store)
        desk.set_agent("Bench Agent <bench@example.com>")
        start = time.perf_counter()
        imported = 0
        for f in files:
            imported += import_file(desk, f, "csv", MAPS, skip_bad=True).imported
        rate = imported / (time.perf_counter() - start)
        size = int(
            store.db.execute("SELECT avg(length(body)) FROM snapshots").fetchone()[0]
        )
    baseline = raw_inserts(work / "raw2.db", imported, size, one_transaction=True)
    return (
        {
            "imported": imported,
            "rows_per_s": rate,
            "raw_one_txn_rows_per_s": baseline,
        },
        data,
    )


def bench_search(data: Path, count: int) -> dict[str, float]:
    """Two-word searches built from real words of the imported notes."""
    with Store(data) as store:
        texts = [
            r[0]
            for r in store.db.execute(
                "SELECT subject FROM tickets ORDER BY random() LIMIT ?", (count * 3,)
            )
        ]
        rng = random.Random(7)
        queries = []
        for text in texts:
            words = [w for w in text.split() if len(w) > 3 and w.isalpha()]
            if len(words) >= 2:
                queries.append(" ".join(rng.sample(words, 2)))
        queries = queries[:count]
        find(store, TicketFilter(search=queries[0], limit=50))  # warm the engine
        ours, bare = [], []
        for q in queries:
            start = time.perf_counter()
            find(store, TicketFilter(search=q, limit=50))
            ours.append(time.perf_counter() - start)
            match = " ".join(f'"{w}"' for w in q.split())
            start = time.perf_counter()
            store.db.execute(
                "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ? "
                "ORDER BY rank LIMIT 50",
                (match,),
            ).fetchall()
            bare.append(time.perf_counter() - start)
    return {
        "queries": len(queries),
        "search_p95_ms": _p95(ours) * 1000,
        "search_median_ms": statistics.median(ours) * 1000,
        "bare_fts_p95_ms": _p95(bare) * 1000,
    }


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=300)
    args = parser.parse_args()
    if not NOTES.is_dir():
        print(f"needs the real notes in {NOTES}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        creates = bench_creates(work, args.creates)
        imports, data = bench_import(work)
        search = bench_search(data, args.searches)

    rows = [
        ("creates/s (own transaction each)", creates["creates_per_s"], ">= 8000"),
        ("  raw APSW one-row transactions/s", creates["raw_one_txn_each_per_s"], ""),
        (
            "  creates vs raw",
            creates["creates_per_s"] / creates["raw_one_txn_each_per_s"],
            ">= 0.20",
        ),
        ("CSV import rows/s (63k notes)", imports["rows_per_s"], ">= 20000"),
        ("  raw APSW rows/s, one transaction", imports["raw_one_txn_rows_per_s"], ""),
        (
            "  import vs raw",
            imports["rows_per_s"] / imports["raw_one_txn_rows_per_s"],
            "",
        ),
        ("search p95 ms (two words, limit 50)", search["search_p95_ms"], "<= 20"),
        ("  bare FTS5 MATCH p95 ms", search["bare_fts_p95_ms"], ""),
    ]
    print(f"{'measure':<40} {'value':>12}  target")
    for name, value, target in rows:
        print(f"{name:<40} {value:>12.2f}  {target}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "core.json"
    out.write_text(json.dumps({**creates, **imports, **search}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
