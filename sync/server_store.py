"""The contract every sync server store keeps: the central one and a peer laptop's.

The HTTP app (`sync.server`) only ever talks to this interface, so the same
protocol, auth and validation serve a team's central server (SQLAlchemy on
SQLite or PostgreSQL, `sync.sql_store`) and a colleague's laptop serving its
own desktop store (`desktop.peer`). One contract test suite runs against all
of them.

What every implementation promises:
- `push` stores a batch whole or not at all (`BatchRefused` says why), and a
  batch pushed twice is stored once: snapshots are content-addressed.
- Every stored snapshot gets a sequence number above every earlier one, in
  commit order, so a pull cursor never skips a snapshot committed late.
- Parents always have lower sequence numbers than their children.
- Nothing is ever deleted; the epoch changes only when the data is replaced.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sync.auth import Agent
from sync.errors import BatchRefused
from sync.ids import SnapshotId
from sync.snapshot import Snapshot
from sync.validate import Refusal

Mode = Literal["central", "peer"]


@dataclass(frozen=True, slots=True)
class PushOutcome:
    stored: int
    known: int
    cursor: int
    #: Ticket id to number, for tickets this push got numbered.
    numbers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Page:
    """Stored snapshots after a cursor: (id, canonical body) in sequence order."""

    entries: list[tuple[str, bytes]]
    cursor: int
    more: bool


@dataclass(frozen=True, slots=True)
class AgentRecord:
    name: str | None
    email: str
    admin: bool
    tokens: int
    revoked: int


class ServerStore(Protocol):
    mode: Mode

    @property
    def epoch(self) -> str:
        """Made when the store is created; a replaced store has a new one."""
        ...

    @property
    def numbers(self) -> bool:
        """Whether this store numbers new tickets (a central server does)."""
        ...

    def authenticate(self, token: str | None) -> Agent:
        """The token's agent, or AccessError: 401 unknown or missing, 403 revoked."""
        ...

    def add_agent(self, agent: Agent) -> str:
        """Record (or update) an agent and return a new token for it, once."""
        ...

    def revoke(self, email: str) -> int:
        """Revoke every live token of an agent; returns how many."""
        ...

    def agents(self) -> list[AgentRecord]: ...

    def push(
        self, agent: Agent, snaps: Sequence[Snapshot], *, number_floor: int = 0
    ) -> PushOutcome:
        """Store `snaps`; a numbering store also raises its counter to the floor."""
        ...

    def pull(self, since: int, limit: int) -> Page: ...

    def held(self, ids: Sequence[str]) -> set[SnapshotId]: ...

    def close(self) -> None: ...


def refuse(found: list[Refusal]) -> BatchRefused:
    """One error for a refused batch: 403 if any author is forged, else 422."""
    forged = [r for r in found if r.forged]
    first = (forged or found)[0]
    others = len(found) - 1
    more = f" (and {others} more)" if others else ""
    message = f"snapshot {first.snapshot[:12]} was refused: {first.reason}{more}"
    return BatchRefused(
        message + "; nothing was stored",
        {r.snapshot: r.reason for r in found},
        403 if forged else 422,
    )


def dedupe(snaps: Sequence[Snapshot]) -> list[Snapshot]:
    """The batch without repeats, so a snapshot sent twice in one push counts once."""
    return list({s.id: s for s in snaps}.values())
