"""What a server checks before it stores a pushed batch, for every kind of server store.

A laptop checks what it receives (`desktop.replica`), but a server is shared:
one bad snapshot stored there reaches every replica. So a server refuses a
batch whole when any snapshot in it breaks an invariant: a parent neither held
nor earlier in the batch, a parent from another ticket, a clock not above its
parents', a second first snapshot for a ticket, a merge that is not the one
deterministic merge of its parents, or an author the token may not write as.
The same function serves the central store and a peer laptop, so both refuse
exactly the same batches.
"""

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from sync.auth import Agent, email_of
from sync.clock import Clock
from sync.ids import SnapshotId, TicketId
from sync.protocol import MAX_AUTHOR, MAX_TICKET_ID, SERVER_AUTHOR, number_of
from sync.snapshot import Snapshot, is_genesis


@dataclass(frozen=True, slots=True)
class Known:
    """What a store needs to know of a snapshot it holds, to check its children."""

    ticket: TicketId
    clock: Clock
    is_root: bool


@dataclass(frozen=True, slots=True)
class Refusal:
    snapshot: SnapshotId
    reason: str
    #: True when the snapshot claims an author the token may not write as.
    forged: bool = False


def refusals(
    fresh: Sequence[Snapshot],
    known: Mapping[SnapshotId, Known],
    rooted: Set[TicketId],
    agent: Agent,
) -> list[Refusal]:
    """Reasons to refuse snapshots of `fresh` (sorted in the total order).

    `known` holds the store's snapshots that `fresh` names as parents; `rooted`
    the tickets that already have a first snapshot there. A merge is checked by
    its clock alone: `from_body` already pinned its other fields (no author,
    device, time or patch; sorted parents), so a merge whose clock is the
    successor of its highest parent's is the deterministic one.
    """
    seen: dict[SnapshotId, Known] = dict(known)
    roots = set(rooted)
    refused: dict[SnapshotId, Refusal] = {}
    later = {s.id for s in fresh}
    for snap in fresh:
        later.discard(snap.id)
        refusal = _check(snap, seen, roots, refused, later, agent)
        if refusal is not None:
            refused[snap.id] = refusal
            continue
        seen[snap.id] = Known(snap.ticket, snap.clock, snap.is_root)
        if snap.is_root:
            roots.add(snap.ticket)
    return list(refused.values())


def _check(
    snap: Snapshot,
    seen: Mapping[SnapshotId, Known],
    roots: Set[TicketId],
    refused: Mapping[SnapshotId, Refusal],
    later: Set[SnapshotId],
    agent: Agent,
) -> Refusal | None:
    def no(reason: str, *, forged: bool = False) -> Refusal:
        return Refusal(snap.id, reason, forged)

    if len(snap.ticket) > MAX_TICKET_ID:
        return no(f"its ticket id is longer than {MAX_TICKET_ID} characters")
    if snap.author is not None and len(snap.author) > MAX_AUTHOR:
        return no(f"its author is longer than {MAX_AUTHOR} characters")
    if snap.is_root and snap.ticket in roots:
        return no("the ticket already has a first snapshot")

    parents = []
    for parent in snap.parents:
        if parent in refused:
            return no(f"its parent {parent[:12]} was refused")
        held = seen.get(parent)
        if held is None and parent in later:
            # The batch is in the total order, so a parent sorting after its
            # child has a clock at or above the child's.
            return no("its clock is not above its parents' clocks")
        if held is None:
            return no(
                f"its parent {parent[:12]} is neither held nor earlier in the batch"
            )
        if held.ticket != snap.ticket:
            return no(f"its parent {parent[:12]} belongs to another ticket")
        parents.append(held)
    if parents:
        top = max(p.clock for p in parents)
        if snap.clock <= top:
            return no("its clock is not above its parents' clocks")
        if snap.is_merge and snap.clock != top.successor():
            return no("it is not the deterministic merge of its parents")

    if snap.is_merge or is_genesis(snap):
        return None
    if snap.author == SERVER_AUTHOR:
        if number_of(snap) is None or not parents[0].is_root:
            return no(
                f"only a server writes as {SERVER_AUTHOR!r}, and only number records",
                forged=True,
            )
        return None
    email = email_of(snap.author)
    if email != agent.email and not agent.admin:
        return no(
            f"it is authored by {snap.author!r} but the token belongs to {agent}",
            forged=True,
        )
    return None
