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

from desktop.store.store import Store
from sync.history import History
from sync.ids import SnapshotId, TicketId
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
    """Store what is valid of `snaps` and merge; call inside `store.write()`."""
    by_ticket: dict[TicketId, dict[SnapshotId, Snapshot]] = defaultdict(dict)
    for snap in snaps:
        by_ticket[snap.ticket][snap.id] = snap
    return [receive_ticket(store, t, list(s.values())) for t, s in by_ticket.items()]


def receive_ticket(store: Store, ticket: TicketId, batch: list[Snapshot]) -> Outcome:
    history = store.history(ticket)
    held = history.by_id
    fresh = sorted((s for s in batch if s.id not in held), key=Snapshot.order_key)
    if not fresh:
        return Outcome(ticket, Result.UNCHANGED)

    fresh_ids = {s.id for s in fresh}
    accepted: dict[SnapshotId, Snapshot] = dict(held)
    rejected: dict[SnapshotId, str] = {}
    has_root = any(s.is_root for s in held.values())
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
        return Outcome(ticket, Result.INVALID, rejected=rejected)

    merged = History(accepted.values())
    merge = None
    if len(merged.heads()) > 1:
        merge = merge_of(ticket, [merged.by_id[h] for h in merged.heads()])
        store.clock.observe(merge.clock)
        merged = History([*merged.order, merge])
        added.append(merge)
    state = store.flag_clocks(merged, merged.state())
    store.add_snapshots(added)
    store.refresh(ticket, state, new=not held, history=merged)

    if not held:
        result = Result.NEW
    elif merge is None:
        result = Result.FAST_FORWARD
    else:
        result = Result.CONFLICT if state.conflicts else Result.MERGED
    if rejected and result is not Result.NEW:
        log.info("ticket %s: %d snapshots refused", ticket, len(rejected))
    return Outcome(
        ticket, result, len(added), rejected, merge.id if merge is not None else None
    )


def _refusal(
    snap: Snapshot,
    accepted: dict[SnapshotId, Snapshot],
    rejected: dict[SnapshotId, str],
    has_root: bool,
    batch: set[SnapshotId],
) -> str | None:
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
