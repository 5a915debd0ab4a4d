"""Exporting every ticket with its whole history, one JSON line per ticket.

The lines hold the snapshots themselves, parents first, so importing them into
an empty data dir rebuilds each ticket exactly, history included.
"""

import json
import sys
from itertools import groupby
from pathlib import Path

from desktop.errors import UserError
from desktop.store.store import Store
from sync.canonical import parse_json
from sync.snapshot import Snapshot, from_body


def export(store: Store, output: Path | None) -> int:
    """Write to `output` (standard output if None); returns the ticket count."""
    try:
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    except OSError as e:
        raise UserError(f"cannot write {output}: {e.strerror}") from e
    count = 0
    try:
        for ticket, rows in groupby(store.iter_snapshot_rows(), key=lambda r: r[0]):
            snaps = sorted(
                (from_body(parse_json(body), sid) for _, sid, body in rows),
                key=Snapshot.order_key,
            )
            line = {
                "ticket": ticket,
                "snapshots": [{"id": s.id, "snapshot": s.body()} for s in snaps],
            }
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
    except OSError as e:
        raise UserError(f"writing the export failed: {e.strerror}") from e
    finally:
        if output:
            out.close()
    return count
