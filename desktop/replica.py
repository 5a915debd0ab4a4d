"""Receiving snapshots from elsewhere (an import, a bundle, a sync) and merging them.

Each received snapshot is checked before it is stored: its id must match its
content (done when it is parsed), its parents must be held or arrive with it,
its clock must be above its parents', it may not give a ticket a second root,
and a merge must be the one deterministic merge of its parents. A snapshot that
fails is refused with the reason, and so are its descendants; the rest go in.
When a ticket ends with several heads, the one merge snapshot for them is made,
the same one every other replica makes.
"""

import enum
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from desktop.pipeline.config import is_reserved
from desktop.store.store import Held, Store
from desktop.ticket import received_problem
from sync.document import extend_linear
from sync.history import History, TicketState
from sync.ids import SnapshotId, TicketId
from sync.patch import decode_pointer
from sync.snapshot import Snapshot, merge_of

log = logging.getLogger(__name__)


class Result(enum.StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    FAST_FORWARD = "fast-forward"
    MERGED = "merged"
    CONFLICT = "conflict"
    INVALID = "invalid"


@dataclass
class Outcome:
    """What receiving did to one ticket; `rejected` maps snapshot ids to reasons."""

    ticket: TicketId
    result: Result
    added: int = 0
    rejected: dict[SnapshotId, str] = field(default_factory=dict)
    merge: SnapshotId | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "ticket": self.ticket,
            "result": str(self.result),
            "added": self.added,
            "rejected": self.rejected,
            "merge": self.merge,
        }


def receive(store: Store, snaps: Iterable[Snapshot]) -> list[Outcome]:
    """Store what is valid of `snaps` and merge; call inside `store.write()`.

    What is held of the batch's tickets is read in a few queries up front, so
    a page of thousands of tickets costs no per-ticket round trips.
    """
    by_ticket: dict[TicketId, dict[SnapshotId, Snapshot]] = defaultdict(dict)
    for snap in snaps:
        by_ticket[snap.ticket][snap.id] = snap
    tickets = list(by_ticket)
    held = store.held_snapshots(tickets)
    rows = store.ticket_records(tickets)
    received = [
        _receive_ticket(store, ticket, list(batch.values()), held.get(ticket, []), rows)
        for ticket, batch in by_ticket.items()
    ]
    # All snapshots first: refreshing a settings history reads it back.
    store.add_snapshots(s for r in received for s in r.added)
    # Settings in the batch may change what records derive (SLA rules), so
    # then none keeps what it derived before.
    settings = any(is_reserved(ticket) for ticket in tickets)
    for r in received:
        if r.state is not None:
            store.refresh(
                r.outcome.ticket,
                r.state,
                new=r.outcome.result is Result.NEW,
                history=r.history,
                previous=rows.get(r.outcome.ticket),
                added=None if settings else r.added,
            )
    return [r.outcome for r in received]


@dataclass
class _Received:
    """One ticket's part of a batch, stored once the whole batch is checked."""

    outcome: Outcome
    added: list[Snapshot] = field(default_factory=list)
    state: TicketState | None = None
    history: History | None = None


def _receive_ticket(
    store: Store,
    ticket: TicketId,
    batch: list[Snapshot],
    held_snaps: list[Snapshot],
    rows: dict[TicketId, Held],
) -> _Received:
    held = {s.id: s for s in held_snaps}
    fresh = sorted((s for s in batch if s.id not in held), key=Snapshot.order_key)
    if not fresh:
        return _Received(Outcome(ticket, Result.UNCHANGED))

    fresh_ids = {s.id for s in fresh}
    accepted: dict[SnapshotId, Snapshot] = dict(held)
    rejected: dict[SnapshotId, str] = {}
    has_root = bool(held)
    for snap in fresh:
        reason = _refusal(snap, accepted, rejected, has_root, fresh_ids)
        if reason:
            rejected[snap.id] = reason
            log.warning("refused snapshot %s of %s: %s", snap.id[:12], ticket, reason)
            continue
        accepted[snap.id] = snap
        has_root = has_root or snap.is_root
        store.clock.observe(snap.clock)

    added = [s for s in fresh if s.id in accepted]
    if not added:
        return _Received(Outcome(ticket, Result.INVALID, rejected=rejected))

    history = History(accepted.values())
    heads = history.heads()
    merge = None
    state = None
    if len(heads) > 1:
        merge = merge_of(ticket, [history.by_id[h] for h in heads])
        store.clock.observe(merge.clock)
        history = history.extended(merge)
        added.append(merge)
    else:
        row = rows.get(ticket)
        state = _extended(store, row.record if row else None, bool(held), added)
    if state is None:
        state = history.state()
        state.clock_warnings = store.clock_warnings(history.order)

    if not held:
        result = Result.NEW
    elif merge is None:
        result = Result.FAST_FORWARD
    else:
        result = Result.CONFLICT if state.conflicts else Result.MERGED
    if rejected and result is not Result.NEW:
        log.info("ticket %s: %d snapshots refused", ticket, len(rejected))
    outcome = Outcome(
        ticket, result, len(added), rejected, merge.id if merge is not None else None
    )
    return _Received(outcome, added, state, history)


def _extended(
    store: Store,
    record: dict[str, Any] | None,
    held: bool,
    added: list[Snapshot],
) -> TicketState | None:
    """The new state when `added` only continues the ticket in a line.

    A new ticket's root and its descendants, or descendants of the one head of
    a record without conflicts, fold to the patches applied in turn (see
    `extend_linear`); anything else returns None for the full fold.
    """
    if held:
        if record is None or record["conflicts"] or len(record["heads"]) != 1:
            return None
        base, tip, updated = record["doc"], record["heads"][0], record["updated"]
        warnings = record.get("clock_warnings") or []
    else:
        base, tip, updated, warnings = {}, None, None, []
    for snap in added:
        if snap.parents != ((tip,) if tip is not None else ()):
            return None
        tip = snap.id
    doc = extend_linear(base, added)
    if doc is None or tip is None:
        return None
    times = [t for t in (updated, *(s.wall_time for s in added)) if t]
    return TicketState(
        doc,
        [tip],
        [],
        max(times, default=None),
        [*warnings, *store.clock_warnings(added)],
    )


def _refusal(
    snap: Snapshot,
    accepted: dict[SnapshotId, Snapshot],
    rejected: dict[SnapshotId, str],
    has_root: bool,
    batch: set[SnapshotId],
) -> str | None:
    if not is_reserved(snap.ticket):
        problem = _unreadable(snap)
        if problem:
            return problem
    if snap.is_root:
        return "the ticket already has a first snapshot" if has_root else None
    for parent in snap.parents:
        if parent in rejected:
            return f"its parent {parent[:12]} was refused"
        if parent in batch and parent not in accepted:
            # Checked in clock order, so a parent still to come has a higher clock.
            return "its clock is not above its parents' clocks"
        if parent not in accepted:
            return f"its parent {parent[:12]} is neither held nor in this batch"
    parents = [accepted[p] for p in snap.parents]
    top = max(p.clock for p in parents)
    if snap.clock <= top:
        return "its clock is not above its parents' clocks"
    if snap.is_merge and snap.id != merge_of(snap.ticket, parents).id:
        return "it is not the deterministic merge of its parents"
    return None


def _unreadable(snap: Snapshot) -> str | None:
    """Why `snap` would leave a ticket no replica can show (a document without
    an id, a status of 42), or None; see `ticket.received_problem`."""
    for op in snap.patch:
        if op["op"] == "test":
            continue
        path = decode_pointer(op["path"])
        problem = received_problem(path, op["op"], op.get("value"))
        if problem:
            return problem
        if not path and op["value"].get("id") != snap.ticket:
            return "its ticket's id is not the ticket it belongs to"
    return None
