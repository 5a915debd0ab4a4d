"""Two-way sync of this replica with a central server or a peer laptop (DESIGN.md §7).

One sync pushes what the server lacks, pulls what is new there, then pushes
the merges the pull made. Both directions go in batches, parents first, and
each batch is committed before its cursor moves, in one store transaction, so
an interrupted sync resumes where it stopped and a repeated batch is a no-op.

State per server lives in the store's settings (`sync.state <url>`):
- `push`: the local `snapshots.seq` up to which everything was sent or
  deliberately held back; `pull`: the server's sequence number seen last;
- `epoch`: the server's; when it changes (the server was reset or restored)
  both cursors go back to zero, so everything is uploaded again and pulled
  again; nothing local is deleted, ever;
- `deferred`: snapshots by other agents that the server lacks and will only
  take from them (plus their descendants); retried at every sync;
- `extra`: merges made while pulling that still need pushing;
- `mark`: the id of the server's snapshot at sequence number `pull`, and
  `pushed`: the last snapshot the server took from this laptop. A server
  restored from a backup keeps its epoch; finding either gone (or another
  snapshot at `pull`) means it was rolled back, and both cursors go back to
  zero as for a new epoch.

Snapshots pulled from the server are not pushed back: when nothing local was
waiting, the push cursor moves past a pulled batch in the same transaction.
"""

import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop.bulk import collector_held
from desktop.errors import SyncFailed
from desktop.remote import Remote, current
from desktop.replica import Outcome, Result, receive
from desktop.store.store import Store
from sync.auth import email_of
from sync.canonical import parse_json
from sync.client import RemoteClient
from sync.errors import Forbidden, Refused, RemoteError
from sync.ids import SnapshotId
from sync.protocol import (
    DEFAULT_PAGE,
    MAX_BODY_BYTES,
    MAX_HAVE,
    MAX_PUSH,
    PROTOCOL,
    SERVER_AUTHOR,
    number_of,
)
from sync.snapshot import Snapshot, from_body, is_genesis

log = logging.getLogger(__name__)

STATE_PREFIX = "sync.state "
#: Local snapshots read per push round (a round may need several requests).
PUSH_BATCH = 500
#: A clock this far from the server's is worth a warning (never a refusal).
SKEW_WARN_MS = 60_000
#: New numbers a sync lists one per line; the rest are summed up in one.
NUMBERS_LISTED = 10


@dataclass
class SyncState:
    epoch: str | None = None
    pull: int = 0
    push: int = 0
    deferred: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    #: The highest number held here when the server's epoch changed: sent with
    #: every push so the reset server numbers new tickets above old numbers.
    floor: int = 0
    #: Id of the server's snapshot at sequence number `pull` (see `_rolled_back`).
    mark: str | None = None
    #: The last snapshot the server said it holds after a push from here.
    pushed: str | None = None


@dataclass
class SyncSummary:
    """What one sync did; `to_json()` is what `offdesk sync --json` prints."""

    remote: str
    sent: int = 0
    received: int = 0
    merged: int = 0
    conflicts: int = 0
    numbers: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: int = 0
    deferred: int = 0
    epoch_changed: bool = False
    skew_ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        lines = [
            f"synced with {self.remote}: sent {self.sent}, received {self.received}, "
            f"merged {self.merged}, conflicts {self.conflicts}"
        ]
        shown = self.numbers[:NUMBERS_LISTED]
        lines += [f"{n['provisional']} is now #{n['number']}" for n in shown]
        if len(self.numbers) > len(shown):
            rest = self.numbers[len(shown) :]
            lines.append(
                f"and {len(rest)} more numbered, #{rest[0]['number']} to "
                f"#{rest[-1]['number']} (sync --json lists them all)"
            )
        return "\n".join(lines)

    def warn(self, message: str) -> None:
        log.warning("%s", message)
        self.warnings.append(message)


def sync(
    store: Store,
    remote: Remote | None = None,
    *,
    client: RemoteClient | None = None,
    push_batch: int = PUSH_BATCH,
    pull_page: int = DEFAULT_PAGE,
) -> SyncSummary:
    """Sync with `remote` (default: the one `offdesk remote set` chose)."""
    remote = remote or current(store)
    own = client is None
    link = client or RemoteClient(remote.url, remote.token)
    try:
        with collector_held():
            return _Sync(store, link, remote.url, push_batch, pull_page).run()
    except RemoteError as e:
        raise SyncFailed(str(e)) from e
    finally:
        if own:
            link.close()


class _Sync:
    def __init__(
        self, store: Store, client: RemoteClient, url: str, batch: int, page: int
    ) -> None:
        self.store = store
        self.client = client
        self.url = url
        self.batch = max(1, batch)
        self.page = max(1, page)
        self.summary = SyncSummary(url)
        self.max_push = MAX_PUSH
        self.max_bytes = MAX_BODY_BYTES
        self.floor = 0
        self.pushed: str | None = None

    def run(self) -> SyncSummary:
        meta = self._meta()
        me = self.client.whoami()
        self.email = str(me["email"])
        self.admin = bool(me["admin"])
        agent = self.store.setting("agent")
        if agent and email_of(agent) != self.email and not self.admin:
            self.summary.warn(
                f"the token belongs to {me['agent']} but this data dir's agent is "
                f"{agent}; the server takes only {me['agent']}'s snapshots from it"
            )
        state = self._state(str(meta["epoch"]))
        if self._rolled_back(state):
            state = self._reset(state.epoch or str(meta["epoch"]))
        self.floor = state.floor

        self._push(state, retry=True)
        self._pull(state)
        self._push(state, retry=False)

        summary = self.summary
        summary.deferred = len(state.deferred)
        if state.deferred:
            summary.warn(
                f"{len(state.deferred)} snapshots stay on this laptop for now: other "
                f"agents' work waits until their authors sync with {self.url} (the "
                "server takes each agent's snapshots only from that agent), and "
                "snapshots the server refused wait with its reason"
            )
        log.info(
            "synced with %s: sent %d, received %d, merged %d, conflicts %d",
            self.url,
            summary.sent,
            summary.received,
            summary.merged,
            summary.conflicts,
        )
        return summary

    # -- meeting the server --------------------------------------------------

    def _meta(self) -> dict[str, Any]:
        wall = self.store.clock.wall_ms
        before = wall()
        meta = self.client.meta()
        after = wall()
        if meta.get("protocol") != PROTOCOL:
            raise SyncFailed(
                f"the server at {self.url} speaks sync protocol "
                f"{meta.get('protocol')!r} and this Offdesk speaks {PROTOCOL}; "
                "upgrade whichever is older"
            )
        self.max_push = min(MAX_PUSH, int(meta.get("max_push", MAX_PUSH)))
        self.max_bytes = int(meta.get("max_body_bytes", MAX_BODY_BYTES))
        skew = int(meta["server_time_ms"]) - (before + after) // 2
        self.summary.skew_ms = skew
        if abs(skew) > SKEW_WARN_MS:
            side = "ahead of" if skew < 0 else "behind"
            self.summary.warn(
                f"this computer's clock is {abs(skew) / 60_000:.1f} minutes {side} "
                f"the server's; sync goes on, but shown times may be off"
            )
        return meta

    def _state(self, epoch: str) -> SyncState:
        key = STATE_PREFIX + self.url
        saved = self.store.setting(key)
        state = SyncState(**saved) if saved else SyncState()
        if state.epoch != epoch:
            if state.epoch is not None:
                self.summary.epoch_changed = True
                self.summary.warn(
                    f"the server at {self.url} was reset or restored (its epoch "
                    "changed); everything on this laptop is uploaded again and "
                    "nothing here is deleted"
                )
            if self.summary.epoch_changed:
                return self._reset(epoch)
            state = SyncState(epoch=epoch)
            with self.store.write():
                self._save(state)
        return state

    def _reset(self, epoch: str) -> SyncState:
        """Start over with a server that lost snapshots: send and take everything.

        The floor is the highest number held here, so the server numbers new
        tickets above every old number while the old ones come back.
        """
        state = SyncState(epoch=epoch)
        top = self.store.db.execute("SELECT max(number) FROM tickets")
        state.floor = int(top.fetchall()[0][0] or 0)
        with self.store.write():
            self._save(state)
        return state

    def _rolled_back(self, state: SyncState) -> bool:
        """Whether a server with the same epoch has lost what it had (a backup
        restored over its database keeps the epoch it was made with).

        Trusting the cursors then would skip the snapshots pushed to it since,
        which reuse sequence numbers this laptop has passed, and never send
        again the ones it lost. So the snapshot at the pull cursor must still
        be the one pulled there, and the last one pushed must still be held.
        """
        # TODO: a restore that loses just the last snapshot pushed from here,
        # while the one at the pull cursor comes back at the same number, slips
        # by; a server command that gives a restored database a new epoch
        # would close it (docs/architecture.md, Epoch).
        lost = False
        if state.pull > 0:
            page = self.client.pull(state.pull - 1, 1)
            found = page.snapshots[0].id if page.snapshots else None
            if page.cursor != state.pull or found is None:
                lost = True
            elif state.mark is None:  # saved before marks were kept
                state.mark = found
            elif found != state.mark:
                lost = True
        if not lost and state.pushed:
            lost = not self.client.have([state.pushed])
        if lost:
            self.summary.epoch_changed = True
            self.summary.warn(
                f"the server at {self.url} was restored from a backup or lost "
                "snapshots; everything on this laptop is uploaded again and "
                "nothing here is deleted"
            )
        return lost

    def _save(self, state: SyncState) -> None:
        """Record the state; call inside `store.write()` with the batch it covers."""
        # TODO: `deferred` is a JSON list rewritten with every batch; a laptop
        # holding tens of thousands of other agents' snapshots (peer syncs, no
        # central sync by their authors) would make each batch commit slower.
        if self.pushed is not None:
            state.pushed = self.pushed
        self.store._put(STATE_PREFIX + self.url, asdict(state))

    # -- push ----------------------------------------------------------------

    def _push(self, state: SyncState, *, retry: bool) -> None:
        """Send what the server lacks, parents first; hold back what it would refuse."""
        waiting = (state.deferred if retry else []) + state.extra
        blocked = set(state.deferred) - set(waiting)
        if waiting:
            for chunk in _chunks(self._by_ids(waiting), self.batch):
                self._send(chunk, blocked, set())
            with self.store.write():
                state.deferred = sorted(blocked)
                state.extra = []
                self._save(state)

        early: set[str] = set()
        while True:
            rows = list(
                self.store.db.execute(
                    "SELECT seq, id, body FROM snapshots WHERE seq > ? ORDER BY seq "
                    "LIMIT ?",
                    (state.push, self.batch),
                )
            )
            if not rows:
                return
            snaps = [
                from_body(parse_json(body), sid)
                for _, sid, body in rows
                if sid not in early
            ]
            self._send(snaps, blocked, early)
            with self.store.write():
                state.push = int(rows[-1][0])
                state.deferred = sorted(blocked)
                self._save(state)

    def _send(self, snaps: list[Snapshot], blocked: set[str], early: set[str]) -> None:
        foreign = [s.id for s in snaps if self._foreign(s)]
        held: set[SnapshotId] = set()
        for start in range(0, len(foreign), MAX_HAVE):
            held |= self.client.have(foreign[start : start + MAX_HAVE])
        wanted = set(foreign)

        out: list[Snapshot] = []
        for snap in snaps:
            if any(p in blocked for p in snap.parents):
                blocked.add(snap.id)
            elif snap.id in wanted:
                if snap.id not in held:
                    blocked.add(snap.id)
            else:
                out.append(snap)
        for request in self._requests(self._with_numbers(out, early)):
            self._push_request(request, blocked)

    def _push_request(self, request: list[Snapshot], blocked: set[str]) -> None:
        """Push; if the server names snapshots it refuses, keep those back and retry.

        One snapshot the server will never take (say, a second first snapshot
        for a ticket) must not stop every other one from syncing: it stays on
        this laptop, listed with the server's reason at every sync.
        """
        while request:
            try:
                result = self.client.push(request, self.floor)
            except (Refused, Forbidden) as e:
                if not e.refused or not set(e.refused) & {s.id for s in request}:
                    raise
                for sid, reason in e.refused.items():
                    blocked.add(sid)
                    self.summary.warn(
                        f"the server refused snapshot {sid[:12]}: {reason}; it stays "
                        "on this laptop"
                    )
                kept = []
                for snap in request:
                    if snap.id in blocked or any(p in blocked for p in snap.parents):
                        blocked.add(snap.id)
                    else:
                        kept.append(snap)
                request = kept
                continue
            self.summary.sent += int(result.get("stored", 0))
            # The server may leave out a number record it did not give, so
            # only a snapshot it surely keeps marks what it holds from here.
            kept = [s for s in request if s.author != SERVER_AUTHOR]
            if kept:
                self.pushed = kept[-1].id
            return

    def _foreign(self, snap: Snapshot) -> bool:
        """Authored by someone the server will take it only from (DESIGN.md §6)."""
        # The shared first snapshot of a settings history is nobody's work:
        # held back, it would hold back every rule change made on top of it.
        if self.admin or snap.is_merge or is_genesis(snap):
            return False
        return snap.author != SERVER_AUTHOR and email_of(snap.author) != self.email

    def _with_numbers(
        self, out: list[Snapshot], early: set[str]
    ) -> list[list[Snapshot]]:
        """Group each first snapshot with its number records, to go in one request.

        After a server reset, a re-uploaded ticket's old number record reaches
        the server in the same push as the ticket's first snapshot, so the
        server adopts that number instead of handing out a new one.
        """
        roots = {s.ticket: s.id for s in out if s.is_root}
        records: dict[str, list[Snapshot]] = {}
        if roots:
            sending = {s.id for s in out}
            tickets = sorted(roots)
            for start in range(0, len(tickets), 500):
                chunk = tickets[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for sid, body in self.store.db.execute(
                    f"SELECT id, body FROM snapshots WHERE ticket IN ({marks}) "
                    "ORDER BY seq",
                    chunk,
                ):
                    if sid in sending or f'"author":"{SERVER_AUTHOR}"' not in body:
                        continue
                    snap = from_body(parse_json(body), sid)
                    if number_of(snap) is not None and snap.parents == (
                        roots[snap.ticket],
                    ):
                        records.setdefault(snap.parents[0], []).append(snap)
                        early.add(snap.id)
        return [[s, *records.get(s.id, [])] for s in out]

    def _requests(self, groups: list[list[Snapshot]]) -> Iterator[list[Snapshot]]:
        """Pack groups into requests under the server's count and size limits."""
        budget = self.max_bytes * 3 // 4
        request: list[Snapshot] = []
        size = 0
        for group in groups:
            weight = sum(len(s.raw) + 100 for s in group)
            if request and (
                len(request) + len(group) > self.max_push or size + weight > budget
            ):
                yield request
                request, size = [], 0
            request += group
            size += weight
        if request:
            yield request

    def _by_ids(self, ids: Sequence[str]) -> list[Snapshot]:
        rows: list[tuple[int, str, str]] = []
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self.store.db.execute(
                f"SELECT seq, id, body FROM snapshots WHERE id IN ({marks})", chunk
            )
        rows.sort()
        return [from_body(parse_json(body), sid) for _, sid, body in rows]

    # -- pull ----------------------------------------------------------------

    def _pull(self, state: SyncState) -> None:
        """Receive pages in order; each page and its cursor commit together."""
        # TODO: pages come in server order, so a clone receives each ticket
        # once per snapshot it has (root, number, edits: three passes over
        # 100,000 tickets), refreshing its rows every time; a clone runs at
        # about 1,600 tickets/s here (target 10,000). A clone served ticket by
        # ticket (a cursor of ticket id and a seq ceiling) would receive each
        # ticket once.
        refused: dict[SnapshotId, str] = {}
        while True:
            page = self.client.pull(state.pull, self.page)
            if page.epoch != state.epoch:
                raise SyncFailed(
                    f"the server at {self.url} was reset during this sync; sync again"
                )
            with self.store.write():
                before = self.store.last_seq()
                tickets = sorted({s.ticket for s in page.snapshots})
                unnumbered = self._unnumbered(tickets)
                outcomes = receive(self.store, page.snapshots)
                self._tally(outcomes, refused)
                numbered = self._numbered(unnumbered)
                if page.snapshots:
                    state.mark = page.snapshots[-1].id
                state.pull = page.cursor
                if state.push == before:
                    state.push = self.store.last_seq()
                    state.extra += [o.merge for o in outcomes if o.merge]
                self._save(state)
            self.summary.numbers += numbered
            if not page.more:
                break
        if refused:
            first = next(iter(refused.items()))
            self.summary.refused = len(refused)
            self.summary.warn(
                f"this laptop refused {len(refused)} snapshots from {self.url} "
                f"(first: {first[0][:12]}: {first[1]})"
            )

    def _tally(self, outcomes: list[Outcome], refused: dict[SnapshotId, str]) -> None:
        for outcome in outcomes:
            made = 1 if outcome.merge else 0
            self.summary.received += outcome.added - made
            self.summary.merged += made
            if outcome.result is Result.CONFLICT:
                self.summary.conflicts += 1
            refused.update(outcome.rejected)

    def _unnumbered(self, tickets: Sequence[str]) -> dict[str, str]:
        """Tickets held here without a number yet: ticket id to provisional number."""
        found: dict[str, str] = {}
        for start in range(0, len(tickets), 500):
            chunk = tickets[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self.store.db.execute(
                    f"SELECT id, provisional FROM tickets WHERE id IN ({marks}) "
                    "AND json_extract(state, '$.doc.number') IS NULL",
                    chunk,
                )
            )
        return found

    def _numbered(self, unnumbered: dict[str, str]) -> list[dict[str, Any]]:
        if not unnumbered:
            return []
        tickets = sorted(unnumbered)
        found: list[tuple[str, int]] = []
        for start in range(0, len(tickets), 500):
            chunk = tickets[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += self.store.db.execute(
                f"SELECT id, json_extract(state, '$.doc.number') FROM tickets "
                f"WHERE id IN ({marks}) "
                "AND json_extract(state, '$.doc.number') IS NOT NULL",
                chunk,
            )
        return [
            {"ticket": t, "provisional": unnumbered[t], "number": int(n)}
            for t, n in sorted(found, key=lambda r: r[1])
        ]


def _chunks(items: list[Snapshot], size: int) -> Iterator[list[Snapshot]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
