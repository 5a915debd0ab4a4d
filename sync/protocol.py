"""The sync wire protocol, version 1: paths, limits, message shapes and number records.

Every path lives under `/v1`; an incompatible change gets `/v2` beside it, so
an old laptop meets a clear 404 instead of a misread message. The pydantic
models below are what FastAPI turns into the OpenAPI document, which is the
reference for the protocol. Snapshots travel as `{"id", "snapshot"}` pairs,
exactly as bundles carry them, and each is checked against its id on arrival.

The server records the ticket numbers it hands out as ordinary snapshots
("number records"), so they replicate, merge and show in history like any
other change; this module says what one looks like.
"""

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from sync.clock import Clock
from sync.errors import SnapshotError
from sync.ids import DeviceId, SnapshotId, TicketId
from sync.snapshot import Snapshot, authored, from_body

PROTOCOL = 1
PREFIX = "/v1"

#: Largest request body a server reads; larger ones get 413 before parsing.
MAX_BODY_BYTES = 16 * 1024 * 1024
#: Most snapshots in one push, and the default and largest pull page.
MAX_PUSH = 1000
DEFAULT_PAGE = 2000
MAX_PAGE = 5000
#: Most ids in one "which of these do you hold?" question.
MAX_HAVE = 5000
#: Highest ticket number a server hands out or accepts as a floor.
MAX_NUMBER = 2**53
#: Longest ticket id and author a server stores (ULIDs are 26 characters).
MAX_TICKET_ID = 64
MAX_AUTHOR = 320

#: The author of number records. It has no e-mail address, so no agent can
#: be this author: agent identities always carry one.
SERVER_AUTHOR = "Offdesk server"

_SNAPSHOT_ID = r"^[0-9a-f]{64}$"
_ID = re.compile(_SNAPSHOT_ID)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Meta(_Model):
    """What a client learns before anything else: no token needed."""

    protocol: int = Field(description="Protocol version; paths carry it as /v1.")
    epoch: str = Field(
        description="Changes when the server's data is reset or restored; a client "
        "that sees a new epoch uploads everything again."
    )
    server_time_ms: int = Field(description="The server's wall clock, for skew.")
    mode: Literal["central", "peer"]
    numbers: bool = Field(description="Whether this server assigns ticket numbers.")
    max_body_bytes: int
    max_push: int
    max_page: int


class WhoAmI(_Model):
    agent: str
    email: str
    admin: bool


class WireSnapshot(_Model):
    id: str = Field(pattern=_SNAPSHOT_ID, description="SHA-256 of the canonical body.")
    snapshot: dict[str, Any] = Field(description="The snapshot body (DESIGN.md §3).")


class PushRequest(_Model):
    snapshots: list[WireSnapshot] = Field(max_length=MAX_PUSH)
    number_floor: int = Field(
        default=0,
        ge=0,
        # Room for one full push of new tickets above it, within MAX_NUMBER.
        le=MAX_NUMBER - MAX_PUSH,
        strict=True,
        description="The highest ticket number the client knows. After a server "
        "reset it keeps new tickets from taking numbers that re-uploads will claim.",
    )


class PushResult(_Model):
    stored: int = Field(description="Pushed snapshots the server did not hold yet.")
    known: int = Field(description="Pushed snapshots it already held (a retry).")
    numbers: dict[str, int] = Field(
        description="Ticket id to number, for tickets first numbered by this push."
    )
    cursor: int = Field(description="The server's newest sequence number.")


class PullPage(_Model):
    snapshots: list[WireSnapshot]
    cursor: int = Field(description="Pass as `since` to get the next page.")
    more: bool
    epoch: str


class HaveRequest(_Model):
    ids: list[str] = Field(max_length=MAX_HAVE)


class HaveResult(_Model):
    held: list[str]


class ErrorBody(_Model):
    detail: str = Field(description="One sentence saying what went wrong.")
    refused: dict[str, str] | None = Field(
        default=None, description="Snapshot id to the reason it was refused."
    )


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def wall_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode_snapshots(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A JSON array of `{"id", "snapshot"}` pairs, built from stored canonical bytes.

    Stored bodies are already canonical JSON, so pages are joined rather than
    re-encoded: a full clone moves hundreds of thousands of them.
    """
    return b"[" + b",".join(_pair(sid, raw) for sid, raw in entries) + b"]"


def _pair(sid: str, raw: bytes) -> bytes:
    return b'{"id":"' + sid.encode() + b'","snapshot":' + raw + b"}"


def push_body(snaps: Iterable[Snapshot], number_floor: int = 0) -> bytes:
    pairs = encode_snapshots((s.id, s.raw) for s in snaps)
    return b'{"number_floor":%d,"snapshots":%s}' % (number_floor, pairs)


def page_body(
    entries: list[tuple[str, bytes]], cursor: int, more: bool, epoch: str
) -> bytes:
    head = orjson.dumps({"cursor": cursor, "more": more, "epoch": epoch})
    return head[:-1] + b',"snapshots":' + encode_snapshots(entries) + b"}"


def decode_snapshots(items: object) -> list[Snapshot]:
    """Rebuild wire pairs into snapshots, each checked against its claimed id."""
    if not isinstance(items, list):
        raise SnapshotError("'snapshots' must be a list of {id, snapshot} pairs")
    snaps = []
    for number, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"id", "snapshot"}:
            raise SnapshotError(f"entry {number} is not an {{id, snapshot}} pair")
        sid = item["id"]
        if not isinstance(sid, str) or not _ID.match(sid):
            raise SnapshotError(f"entry {number} has an id that is not a SHA-256")
        try:
            snaps.append(from_body(item["snapshot"], sid))
        except SnapshotError as e:
            raise SnapshotError(f"snapshot {sid[:12]} (entry {number}): {e}") from e
    return snaps


def is_ticket(ticket: str) -> bool:
    """Ids with a colon (`config:rules`) hold replicated settings: never numbered."""
    return ":" not in ticket


def number_of(snap: Snapshot) -> int | None:
    """The number a server's number record gives, or None if `snap` is not one.

    A number record has the server as author, exactly one parent (the ticket's
    first snapshot) and one operation replacing `/number` with a positive int.
    """
    if snap.author != SERVER_AUTHOR or len(snap.parents) != 1 or len(snap.patch) != 1:
        return None
    op = snap.patch[0]
    value = op.get("value")
    if op.get("op") != "replace" or op.get("path") != "/number":
        return None
    if type(value) is not int or not 1 <= value <= MAX_NUMBER:
        return None
    return value


def number_record(
    ticket: TicketId, root: SnapshotId, number: int, device: DeviceId, clock: Clock
) -> Snapshot:
    """The snapshot a server writes when it numbers a ticket's first snapshot."""
    patch = [{"op": "replace", "path": "/number", "value": number}]
    return authored(ticket, [root], patch, SERVER_AUTHOR, device, clock, wall_iso())
