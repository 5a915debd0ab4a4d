"""A laptop serving its own data dir to a colleague: the server-store contract.

`offdesk serve` on a desktop data dir runs the same app, protocol and checks
as a central server, but over this laptop's APSW store, so a colleague can sync
directly when no central server is in reach. Received batches go through
`desktop.replica.receive` like any other, so the serving laptop merges them
into its own tickets at once. Differences from a central server:

- cursors are the store's own `snapshots.seq` (every write is `BEGIN
  IMMEDIATE`, so they grow in commit order);
- a peer hands out no ticket numbers: only the central server may, or two
  laptops would number two tickets alike; it relays the central server's
  number records like any snapshot;
- agents and tokens live in the store's `settings`, tokens as hashes only.

One Store serves every request thread behind a lock; a laptop's peer traffic is
light, and the agent's own Offdesk works on the same file meanwhile.
"""

import logging
import threading
from collections.abc import Iterator, Sequence, Set
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ulid import ULID

from desktop.errors import StoreError
from desktop.replica import receive
from desktop.store.store import Store
from sync.auth import (
    Agent,
    new_token,
    no_token,
    revoked_token,
    token_hash,
    unknown_token,
)
from sync.canonical import parse_json
from sync.clock import Clock
from sync.errors import StoreUnavailable
from sync.ids import SnapshotId, TicketId
from sync.protocol import wall_iso
from sync.server_store import AgentRecord, Mode, Page, PushOutcome, dedupe, refuse
from sync.snapshot import Snapshot
from sync.validate import Known, Refusal, refusals

log = logging.getLogger(__name__)

EPOCH_KEY = "peer.epoch"
AGENTS_KEY = "peer.agents"
TOKENS_KEY = "peer.tokens"
_CHUNK = 500


class PeerStore:
    """`sync.server_store.ServerStore` over one open desktop store."""

    mode: Mode = "peer"

    def __init__(self, data_dir: Path) -> None:
        self.store = Store(data_dir)
        # TODO: one Store behind one lock serves every request in turn; fine for
        # a colleague or two, but a peer is no substitute for a central server.
        self._lock = threading.Lock()
        epoch = self.store.setting(EPOCH_KEY)
        if not epoch:
            epoch = str(ULID())
            self.store.set_setting(EPOCH_KEY, epoch)
        self._epoch = str(epoch)

    @property
    def epoch(self) -> str:
        return self._epoch

    @property
    def numbers(self) -> bool:
        return False

    def close(self) -> None:
        with self._lock:
            self.store.close()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One request at a time; a busy or failing store becomes a 503 to retry."""
        with self._lock:
            try:
                yield
            except StoreError as e:
                raise StoreUnavailable(str(e)) from e

    # -- agents and tokens ---------------------------------------------------

    def authenticate(self, token: str | None) -> Agent:
        if not token:
            raise no_token()
        with self._locked():
            entry = self.store.setting(TOKENS_KEY, {}).get(token_hash(token))
            people = self.store.setting(AGENTS_KEY, {})
        if entry is None or entry["email"] not in people:
            raise unknown_token()
        if entry.get("revoked"):
            raise revoked_token(entry["revoked"])
        person = people[entry["email"]]
        return Agent(person.get("name"), entry["email"], bool(person.get("admin")))

    def add_agent(self, agent: Agent) -> str:
        token = new_token()
        with self._locked(), self.store.write():
            people = self.store.setting(AGENTS_KEY, {})
            people[agent.email] = {"name": agent.name, "admin": agent.admin}
            issued = self.store.setting(TOKENS_KEY, {})
            issued[token_hash(token)] = {
                "email": agent.email,
                "created": wall_iso(),
                "revoked": None,
            }
            self.store._put(AGENTS_KEY, people)
            self.store._put(TOKENS_KEY, issued)
        log.info("issued a peer token for %s", agent)
        return token

    def revoke(self, email: str) -> int:
        email = email.lower()
        done = 0
        with self._locked(), self.store.write():
            issued = self.store.setting(TOKENS_KEY, {})
            for entry in issued.values():
                if entry["email"] == email and not entry.get("revoked"):
                    entry["revoked"] = wall_iso()
                    done += 1
            self.store._put(TOKENS_KEY, issued)
        return done

    def agents(self) -> list[AgentRecord]:
        with self._locked():
            people: dict[str, Any] = self.store.setting(AGENTS_KEY, {})
            issued: dict[str, Any] = self.store.setting(TOKENS_KEY, {})
        records = []
        for email, person in sorted(people.items()):
            mine = [e for e in issued.values() if e["email"] == email]
            revoked = sum(1 for e in mine if e.get("revoked"))
            records.append(
                AgentRecord(
                    person.get("name"),
                    email,
                    bool(person.get("admin")),
                    len(mine) - revoked,
                    revoked,
                )
            )
        return records

    # -- snapshots -----------------------------------------------------------

    def push(
        self, agent: Agent, snaps: Sequence[Snapshot], *, number_floor: int = 0
    ) -> PushOutcome:
        """Store and merge `snaps`; a peer numbers nothing, so the floor is unused."""
        batch = dedupe(snaps)
        wanted = {s.id for s in batch} | {p for s in batch for p in s.parents}
        with self._locked(), self.store.write():
            known = self._known(wanted)
            fresh = sorted(
                (s for s in batch if s.id not in known), key=Snapshot.order_key
            )
            rooted = self._rooted({s.ticket for s in fresh if s.is_root})
            found = refusals(fresh, known, rooted, agent)
            if found:
                raise refuse(found)
            if fresh:
                outcomes = receive(self.store, fresh)
                # receive() checks the same rules; a difference is a bug, and
                # raising here rolls the whole batch back.
                rejected = [
                    Refusal(sid, reason)
                    for o in outcomes
                    for sid, reason in o.rejected.items()
                ]
                if rejected:
                    raise refuse(rejected)
            cursor = self.store.last_seq()
        log.info(
            "peer push by %s: %d stored, %d known",
            agent.email,
            len(fresh),
            len(batch) - len(fresh),
        )
        return PushOutcome(len(fresh), len(batch) - len(fresh), cursor)

    def _known(self, ids: Set[str] | Set[SnapshotId]) -> dict[SnapshotId, Known]:
        found: dict[SnapshotId, Known] = {}
        wanted = sorted(ids)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.store.db.execute(
                f"SELECT id, ticket, body FROM snapshots WHERE id IN ({marks})", chunk
            )
            for sid, ticket, body in rows:
                data = parse_json(body)
                found[SnapshotId(sid)] = Known(
                    TicketId(ticket),
                    Clock.from_json(data["clock"]),
                    not data["parents"],
                )
        return found

    def _rooted(self, wanted: set[TicketId]) -> set[TicketId]:
        found: set[TicketId] = set()
        tickets = sorted(wanted)
        for start in range(0, len(tickets), _CHUNK):
            chunk = tickets[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.store.db.execute(
                f"SELECT id FROM tickets WHERE id IN ({marks})", chunk
            )
            found.update(TicketId(r[0]) for r in rows)
        return found

    def pull(self, since: int, limit: int) -> Page:
        with self._locked():
            rows = list(
                self.store.db.execute(
                    "SELECT seq, id, body FROM snapshots WHERE seq > ? ORDER BY seq "
                    "LIMIT ?",
                    (since, limit + 1),
                )
            )
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = int(rows[-1][0]) if rows else since
        return Page([(sid, body.encode()) for _, sid, body in rows], cursor, more)

    def held(self, ids: Sequence[str]) -> set[SnapshotId]:
        wanted = sorted(set(ids))
        found: set[SnapshotId] = set()
        with self._locked():
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self.store.db.execute(
                    f"SELECT id FROM snapshots WHERE id IN ({marks})", chunk
                )
                found.update(SnapshotId(r[0]) for r in rows)
        return found
