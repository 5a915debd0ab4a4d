"""Ticket snapshots for sync tests, made directly (no store), with full documents."""

from ulid import ULID

from desktop.ticket import Person, new_document
from sync.clock import Clock
from sync.ids import DeviceId, TicketId
from sync.snapshot import Snapshot, authored

ANN = "Ann Agent <ann@example.com>"
BOB = "Bob Agent <bob@example.com>"
WHEN = "2026-01-01T00:00:00Z"


def root(author: str = ANN, ms: int = 1_000, device: str = "dev-a") -> Snapshot:
    """The first snapshot of a new ticket, as `offdesk new` makes it."""
    doc = new_document(
        subject="Printer on fire",
        requester=Person("Requester", "req@example.com"),
        provisional="TEST-1",
        ticket_id=str(ULID()),
        created=WHEN,
    )
    return authored(
        TicketId(doc["id"]),
        [],
        [{"op": "add", "path": "", "value": doc}],
        author,
        DeviceId(device),
        Clock(ms, 0),
        WHEN,
    )


def edit(
    parent: Snapshot,
    subject: str,
    author: str = ANN,
    ms: int | None = None,
    device: str = "dev-a",
    parents: list[Snapshot] | None = None,
) -> Snapshot:
    """A subject change on top of `parent` (or of all `parents`)."""
    above = parents or [parent]
    return authored(
        parent.ticket,
        [p.id for p in above],
        [{"op": "replace", "path": "/subject", "value": subject}],
        author,
        DeviceId(device),
        Clock(ms if ms is not None else max(p.clock.ms for p in above) + 1, 0),
        WHEN,
    )
