"""Content-addressed snapshots: one change to one ticket, named by the hash of itself.

A snapshot's id is the SHA-256 of its canonical JSON, so receiving it twice is a
no-op and a snapshot altered in transit no longer matches its id. Merge
snapshots carry no author, device, time or patch, and their clock is derived
from their parents: two replicas that merge the same heads make the same one.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sync.canonical import canonical_json, parse_json
from sync.clock import Clock
from sync.errors import PatchError, SnapshotError
from sync.ids import DeviceId, SnapshotId, TicketId
from sync.patch import Op, check_op

#: Version of the snapshot format; a replica refuses snapshots from a newer one.
SCHEMA = 1

_FIELDS = {"ticket", "parents", "patch", "author", "device", "clock", "wall_time"}
_ALL_FIELDS = frozenset(_FIELDS | {"schema"})


@dataclass(frozen=True, slots=True)
class Snapshot:
    ticket: TicketId
    parents: tuple[SnapshotId, ...]
    patch: tuple[Op, ...]
    author: str | None
    device: DeviceId | None
    clock: Clock
    wall_time: str | None
    schema: int = SCHEMA
    id: SnapshotId = field(default=SnapshotId(""), compare=False)
    raw: bytes = field(default=b"", compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.id and self.raw:  # rebuilt by `stored`, already verified once
            return
        raw = canonical_json(self.body())
        object.__setattr__(self, "raw", raw)
        object.__setattr__(self, "id", SnapshotId(hashlib.sha256(raw).hexdigest()))

    @property
    def is_merge(self) -> bool:
        return self.author is None

    @property
    def is_root(self) -> bool:
        return not self.parents

    def order_key(self) -> tuple[Clock, str, str]:
        """The total order every replica uses: clock, then device, then id."""
        return (self.clock, self.device or "", self.id)

    def body(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket,
            "parents": list(self.parents),
            "patch": list(self.patch),
            "author": self.author,
            "device": self.device,
            "clock": self.clock.to_json(),
            "wall_time": self.wall_time,
            "schema": self.schema,
        }

    def to_bytes(self) -> bytes:
        """The canonical JSON whose SHA-256 is the id."""
        return self.raw


def authored(
    ticket: TicketId,
    parents: list[SnapshotId],
    patch: list[Op],
    author: str,
    device: DeviceId,
    clock: Clock,
    wall_time: str,
) -> Snapshot:
    """A snapshot an agent made on a device."""
    return Snapshot(
        ticket, tuple(sorted(parents)), tuple(patch), author, device, clock, wall_time
    )


def merge_of(ticket: TicketId, parents: list[Snapshot]) -> Snapshot:
    """The one merge snapshot for these heads, identical on every replica."""
    if len(parents) < 2:
        raise SnapshotError("a merge needs at least two parents")
    clock = max(p.clock for p in parents).successor()
    ids = tuple(sorted(p.id for p in parents))
    return Snapshot(ticket, ids, (), None, None, clock, None)


#: Author of the shared first snapshot of a settings history (see `genesis`).
GENESIS_AUTHOR = "Offdesk <genesis@offdesk.invalid>"
_GENESIS_DEVICE = DeviceId("genesis")
_GENESIS_TIME = "1970-01-01T00:00:00.000Z"


def genesis(ticket: TicketId) -> Snapshot:
    """The first snapshot of a shared settings history, identical on every replica.

    Settings (pipeline, rules) are edited on many laptops; if each made its own
    first snapshot, every replica would refuse the others' as a second root. A
    fixed empty first snapshot gives all their edits one common ancestor.
    """
    return Snapshot(
        ticket,
        (),
        ({"op": "add", "path": "", "value": {}},),
        GENESIS_AUTHOR,
        _GENESIS_DEVICE,
        Clock(0, 0),
        _GENESIS_TIME,
    )


def is_genesis(snap: Snapshot) -> bool:
    return snap.author == GENESIS_AUTHOR and snap.id == genesis(snap.ticket).id


def from_body(body: object, claimed_id: str | None = None) -> Snapshot:
    """Rebuild a received snapshot, checking its shape and, if given, its id."""
    if not isinstance(body, dict) or body.keys() != _ALL_FIELDS:
        raise SnapshotError("a snapshot must have exactly the fields " + _fields_text())
    schema = body["schema"]
    if type(schema) is not int or schema < 1:
        raise SnapshotError(f"snapshot schema {schema!r} is not a version number")
    if schema > SCHEMA:
        raise SnapshotError(
            f"snapshot schema {schema} is newer than this Offdesk's ({SCHEMA}); "
            "upgrade Offdesk to read it"
        )
    ticket, parents, patch = body["ticket"], body["parents"], body["patch"]
    if not isinstance(ticket, str) or not ticket:
        raise SnapshotError("snapshot 'ticket' must be a non-empty string")
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise SnapshotError("snapshot 'parents' must be a list of ids")
    if len(parents) > 1 and parents != sorted(set(parents)):
        raise SnapshotError("snapshot 'parents' must be sorted and distinct")
    if not isinstance(patch, list):
        raise SnapshotError("snapshot 'patch' must be a list")
    try:
        for op in patch:
            check_op(op)
        clock = Clock.from_json(body["clock"])
    except (PatchError, ValueError) as e:
        raise SnapshotError(str(e)) from e
    author, device, wall_time = body["author"], body["device"], body["wall_time"]
    for name, value in (
        ("author", author),
        ("device", device),
        ("wall_time", wall_time),
    ):
        if value is not None and not isinstance(value, str):
            raise SnapshotError(f"snapshot {name!r} must be a string or null")
    merge = author is None
    if merge and (device or wall_time or patch or len(parents) < 2):
        raise SnapshotError(
            "a snapshot without an author must be a merge: two or more parents and "
            "no device, time or patch"
        )
    if not merge and not (device and wall_time):
        raise SnapshotError("an authored snapshot needs a device and a wall time")
    # The checks above leave `body` exactly what `Snapshot.body` would build,
    # so its canonical form is the one the id must be the hash of.
    raw = canonical_json(body)
    sid = SnapshotId(hashlib.sha256(raw).hexdigest())
    if claimed_id is not None and claimed_id != sid:
        raise SnapshotError(
            f"snapshot {claimed_id[:12]} does not match its content "
            f"(content hashes to {sid[:12]})"
        )
    return Snapshot(
        TicketId(ticket),
        tuple(parents),
        tuple(patch),
        author,
        DeviceId(device) if device else None,
        clock,
        wall_time,
        schema,
        sid,
        raw,
    )


def stored(snapshot_id: str, raw: bytes | str) -> Snapshot:
    """A snapshot read back from a store that verified it on the way in.

    Re-hashing every snapshot of a ticket on each read would double the cost
    of a merge; the store only ever holds snapshots `from_body` accepted.
    """
    data = raw.encode() if isinstance(raw, str) else raw
    body = parse_json(data)
    return Snapshot(
        TicketId(body["ticket"]),
        tuple(body["parents"]),
        tuple(body["patch"]),
        body["author"],
        DeviceId(body["device"]) if body["device"] else None,
        Clock(*body["clock"]),  # checked by `from_body` when it was received
        body["wall_time"],
        body["schema"],
        SnapshotId(snapshot_id),
        data,
    )


def _fields_text() -> str:
    return ", ".join(sorted(_FIELDS | {"schema"}))
