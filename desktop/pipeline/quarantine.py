"""Quarantine: changes a stage rejected or choked on, kept whole until someone acts.

An item holds the stage, the reason and the complete input (the proposed
document, the state it was made against, who made it and when), so it can be
run again once the rule or the data is fixed. Items leave only two ways, both
recorded with who and when: `retry` committed the change (in the same
transaction as the ticket), or `drop` was asked for explicitly. Quarantine is
local to this data dir; it is not synced.
"""

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.errors import NotFoundError, UserError
from desktop.pipeline.change import Change, Outcome
from desktop.pipeline.events import Event
from desktop.store.dbapi import SQL_INT_MAX
from sync.canonical import canonical_json, parse_json

if TYPE_CHECKING:
    from desktop.store.store import Store

log = logging.getLogger(__name__)

HELD = "held"
COMMITTED = "committed"
DROPPED = "dropped"
_COLUMNS = (
    "id, created, updated, ticket, kind, origin, stage, reason, input, attempts, "
    "status, resolved_by, resolution"
)


@dataclass(frozen=True)
class Item:
    id: int
    created: str
    updated: str
    ticket: str
    kind: str
    origin: str
    stage: str
    reason: str
    input: dict[str, Any]
    attempts: int
    status: str
    resolved_by: str | None
    resolution: str | None

    def summary(self) -> str:
        doc = self.input.get("doc") or {}
        subject = str(doc.get("subject") or "")
        return subject if len(subject) <= 40 else subject[:39] + "…"

    def to_json(self, *, full: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "created": self.created,
            "updated": self.updated,
            "ticket": self.ticket,
            "kind": self.kind,
            "origin": self.origin,
            "stage": self.stage,
            "reason": self.reason,
            "attempts": self.attempts,
            "status": self.status,
            "resolved_by": self.resolved_by,
            "resolution": self.resolution,
            "subject": self.summary(),
        }
        if full:
            out["input"] = self.input
        return out


def hold(store: "Store", change: Change, outcome: Outcome) -> int:
    """Quarantine `change` (or update the item it retries); call inside write()."""
    # TODO: quarantine is local to the data dir and not synced, so an admin
    # sees only their own laptop's held changes; the GUI has no view of it yet
    # (agents learn of an item from the error message or `offdesk quarantine`).
    now = store.now_iso()
    payload = canonical_json(change.input_json()).decode()
    if change.retrying is not None:
        store.db.execute(
            "UPDATE quarantine SET updated = ?, stage = ?, reason = ?, "
            "attempts = attempts + 1 WHERE id = ?",
            (now, outcome.stage, outcome.reason, change.retrying),
        )
        item = change.retrying
    else:
        store.db.execute(
            "INSERT INTO quarantine(created, updated, ticket, kind, origin, stage, "
            "reason, input, attempts, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
            (
                now,
                now,
                change.ticket,
                str(change.kind),
                str(change.origin),
                outcome.stage,
                outcome.reason,
                payload,
                HELD,
            ),
        )
        item = store.db.last_insert_rowid()
    log.info(
        "quarantined a %s of %s as %d: %s: %s",
        change.kind,
        change.ticket,
        item,
        outcome.stage,
        outcome.reason,
    )
    store.emit(
        Event(
            "ticket_did_quarantine",
            change.ticket,
            {"quarantine": item, "stage": outcome.stage, "reason": outcome.reason},
        )
    )
    return item


def settle(store: "Store", item: int, agent: str, resolution: str) -> None:
    """Mark a retried item committed; call inside the write that stored it.

    `quarantine_did_commit` is announced with the stages' events, after the
    ticket's own.
    """
    _resolve(store, item, COMMITTED, agent, resolution)


def drop(store: "Store", item_id: int, agent: str, reason: str | None) -> Item:
    """Take an item out of quarantine on purpose; who, when and why are kept."""
    with store.write():
        item = get(store, item_id)
        _check_held(item)
        _resolve(store, item_id, DROPPED, agent, reason or "dropped")
        store.emit(Event("quarantine_did_drop", item.ticket, {"quarantine": item_id}))
    log.info("quarantine item %d dropped by %s", item_id, agent)
    return get(store, item_id)


def _resolve(store: "Store", item: int, status: str, agent: str, text: str) -> None:
    store.db.execute(
        "UPDATE quarantine SET status = ?, updated = ?, resolved_by = ?, "
        "resolution = ? WHERE id = ? AND status = ?",
        (status, store.now_iso(), agent, text, item, HELD),
    )


def _check_held(item: Item) -> None:
    if item.status != HELD:
        raise UserError(
            f"quarantine item {item.id} is already {item.status} "
            f"({item.resolution}); nothing to do"
        )


def get(store: "Store", item_id: int) -> Item:
    row = None
    if 0 <= item_id <= SQL_INT_MAX:
        row = store.db.execute(
            f"SELECT {_COLUMNS} FROM quarantine WHERE id = ?", (item_id,)
        ).fetchone()
    if row is None:
        raise NotFoundError(f"no quarantine item {item_id}")
    return _item(row)


def items(store: "Store", *, everything: bool = False) -> list[Item]:
    """Held items, oldest first; with `everything`, the resolved ones too."""
    if everything:
        rows = store.db.execute(f"SELECT {_COLUMNS} FROM quarantine ORDER BY id")
    else:
        rows = store.db.execute(
            f"SELECT {_COLUMNS} FROM quarantine WHERE status = ? ORDER BY id",
            (HELD,),
        )
    return [_item(r) for r in rows]


def held_count(store: "Store") -> int:
    row = store.db.execute(
        "SELECT count(*) FROM quarantine WHERE status = ?", (HELD,)
    ).fetchone()
    return int(row[0])


def _item(row: Any) -> Item:
    values = list(row)
    values[8] = parse_json(values[8])
    return Item(*values)


def describe(item: Item) -> str:
    """A quarantined item as an agent reads it."""
    lines = [
        f"quarantine item {item.id} ({item.status})",
        f"  {item.kind} of ticket {item.ticket} by {item.input.get('author')} "
        f"({item.origin}) at {item.created}",
        f"  stage {item.stage}: {item.reason}",
        f"  attempts {item.attempts}, last {item.updated}",
    ]
    if item.resolution:
        lines.append(f"  {item.status} by {item.resolved_by}: {item.resolution}")
    lines += ["", json.dumps(item.input, ensure_ascii=False, indent=2, sort_keys=True)]
    return "\n".join(lines)
