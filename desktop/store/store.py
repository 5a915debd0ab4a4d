"""The local ticket store: one SQLite file per data dir, opened with APSW only.

Snapshots are the truth. Every write stores snapshots and, in the same
transaction, refreshes the query tables (tickets, tags, the full-text index)
from the ticket's folded state, so a crash can never leave the list showing
something the history does not hold. SQLAlchemy runs on the same APSW
connection (see `dbapi`) for migrations and for composing queries; the hot
write path uses APSW statements directly.
"""

import functools
import json
import logging
import os
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import apsw
from ulid import ULID

from desktop.errors import NotFoundError, StoreError
from desktop.pipeline import derived
from desktop.pipeline.config import is_reserved
from desktop.pipeline.events import Event, EventBus
from desktop.store import dbapi
from desktop.store.dbapi import SQL_INT_MAX
from desktop.store.migrate import upgrade
from desktop.ticket import tag_key
from sync.canonical import canonical_json, parse_json
from sync.clock import FAR_FUTURE_MS, Clock, HybridClock, system_ms
from sync.history import History, TicketState
from sync.ids import DeviceId, SnapshotId, TicketId
from sync.snapshot import Snapshot, stored

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

DB_NAME = "offdesk.db"
_PREFIX_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: never read as digits


class Store:
    """One open data dir. Not thread-safe: one Store per thread."""

    def __init__(self, data_dir: Path, *, wall=system_ms) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create data dir {self.data_dir}: {e}") from e
        timeout = int(os.environ.get("OFFDESK_BUSY_TIMEOUT_MS", "5000"))
        try:
            self.conn = dbapi.connect(str(self.path), busy_timeout_ms=timeout)
            self.db: apsw.Connection = self.conn.apsw
            self.db.create_scalar_function("tag_key", tag_key, 1, deterministic=True)
            upgrade(lambda: self.engine, self.db, self.path)
        except apsw.Error as e:
            self._abandon()
            raise describe(e, self.path) from e
        except dbapi.Error as e:
            self._abandon()
            raise describe(e.__cause__ or e, self.path) from e
        except BaseException:
            self._abandon()
            raise
        self.clock = HybridClock(Clock.from_json(self.setting("clock", [0, 0])), wall)
        #: Every committed change is announced here, after its commit.
        self.bus = EventBus()
        self._events: list[Event] = []
        self.transactions = 0
        self._ensure_device()

    @functools.cached_property
    def engine(self) -> "Engine":
        """SQLAlchemy on this same APSW connection, made on first use."""
        return dbapi.create_engine(self.conn)

    def _abandon(self) -> None:
        """Close whatever opening got to, so a refused file is not held open."""
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and settings -------------------------------------------

    @contextmanager
    def write(self) -> Iterator[None]:
        """One immediate write transaction; errors roll everything in it back."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except apsw.Error as e:
            raise describe(e, self.path) from e
        #: Counts write transactions, so caches can tell one from the next.
        self.transactions += 1
        try:
            self.clock.last = max(
                self.clock.last, Clock.from_json(self.setting("clock", [0, 0]))
            )
            yield
            self._put("clock", self.clock.last.to_json())
            self.db.execute("COMMIT")
        except BaseException as e:
            self._events.clear()
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(e, apsw.Error):
                raise describe(e, self.path) from e
            raise
        events, self._events = self._events, []
        self.bus.publish_all(events)

    def emit(self, event: Event) -> None:
        """Announce `event` once the current write commits (at once outside one)."""
        if self.db.in_transaction:
            self._events.append(event)
        else:
            self.bus.publish(event)

    def now_iso(self) -> str:
        """This device's wall time as documents record it (injectable via `wall`)."""
        return _iso_ms(self.clock.wall_ms())

    def setting(self, key: str, default: Any = None) -> Any:
        rows = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,))
        row = rows.fetchone()
        return json.loads(row[0]) if row else default

    def _put(self, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    def set_setting(self, key: str, value: Any) -> None:
        with self.write():
            self._put(key, value)

    def set_in_transaction(self, key: str, value: Any) -> None:
        """`set_setting` for a caller already inside `write()`."""
        self._put(key, value)

    def _ensure_device(self) -> None:
        """Give this data dir its device id and prefix, once; they never change."""
        device = self.setting("device")
        if not device:
            prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(4))
            device = {"id": str(ULID()), "prefix": prefix}
            with self.write():
                self._put("device", device)
                self._put("next_provisional", 1)
            log.info("new device %s", prefix)
        self.device_id = DeviceId(device["id"])
        self.device_prefix = str(device["prefix"])

    def next_provisional(self) -> str:
        """Take the next provisional number; call inside `write()`."""
        return self.take_provisionals(1)[0]

    def take_provisionals(self, count: int) -> list[str]:
        """Take `count` consecutive provisional numbers; call inside `write()`."""
        first = int(self.setting("next_provisional", 1))
        self._put("next_provisional", first + count)
        return [f"{self.device_prefix}-{n}" for n in range(first, first + count)]

    # -- snapshots -----------------------------------------------------------

    def history(self, ticket: TicketId) -> History:
        rows = self.db.execute(
            "SELECT id, body FROM snapshots WHERE ticket = ?", (ticket,)
        )
        return History(stored(sid, body) for sid, body in rows)

    def held_snapshots(
        self, tickets: Sequence[TicketId]
    ) -> dict[TicketId, list[Snapshot]]:
        """Every snapshot held of each of `tickets`, read a chunk at a time."""
        found: dict[TicketId, list[Snapshot]] = defaultdict(list)
        for chunk in _chunks(tickets):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT ticket, id, body FROM snapshots WHERE ticket IN ({marks})",
                chunk,
            )
            for ticket, sid, body in rows:
                found[ticket].append(stored(sid, body))
        return found

    def has_snapshot(self, snapshot: SnapshotId) -> bool:
        row = self.db.execute("SELECT 1 FROM snapshots WHERE id = ?", (snapshot,))
        return row.fetchone() is not None

    def add_snapshots(self, snaps: Iterable[Snapshot]) -> int:
        """Insert snapshots not yet held; call inside `write()`. Returns how many."""
        received = self.now_iso()
        before = self.db.total_changes()
        self.db.executemany(
            "INSERT OR IGNORE INTO snapshots(id, ticket, clock, body, received) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                (s.id, s.ticket, s.clock.packed(), s.raw.decode(), received)
                for s in snaps
            ),
        )
        return self.db.total_changes() - before

    def snapshot_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM snapshots").fetchall()[0][0])

    def iter_snapshot_rows(self) -> Iterator[tuple[str, str, str]]:
        """(ticket, id, body) for every snapshot, grouped by ticket, arrival order."""
        yield from self.db.execute(
            "SELECT ticket, id, body FROM snapshots ORDER BY ticket, seq"
        )

    def clock_warnings(self, snaps: Iterable[Snapshot]) -> list[dict[str, Any]]:
        """Snapshots made on a device whose wall clock ran far ahead of ours.

        Flagged, never refused. Blame follows the snapshot's own wall time, not
        its clock: a device that merely saw a fast clock carries it forward in
        its hybrid clock while its own wall clock is right.
        """
        warnings = []
        horizon = self.clock.wall_ms() + FAR_FUTURE_MS
        # Times in the documents' own form compare as text: a merge checks
        # every snapshot of a ticket, and parsing each would cost more.
        plain_horizon = _iso_ms(horizon)
        for snap in snaps:
            text = snap.wall_time
            if text and _PLAIN_TIME.fullmatch(text) and text <= plain_horizon:
                continue
            wall = wall_ms(text)
            if wall is not None and wall > horizon:
                warnings.append(
                    {
                        "snapshot": snap.id,
                        "device": snap.device,
                        "author": snap.author,
                        "ahead_ms": wall - self.clock.wall_ms(),
                    }
                )
        return warnings

    def last_seq(self) -> int:
        row = self.db.execute("SELECT max(seq) FROM snapshots").fetchone()
        return int(row[0] or 0)

    def snapshots_since(
        self, cursor: int, tickets: list[TicketId] | None = None
    ) -> Iterator[Snapshot]:
        """Snapshots stored after `cursor`, in arrival order (parents first)."""
        if tickets is None:
            rows = self.db.execute(
                "SELECT id, body FROM snapshots WHERE seq > ? ORDER BY seq", (cursor,)
            )
        else:
            marks = ",".join("?" * len(tickets))
            rows = self.db.execute(
                f"SELECT id, body FROM snapshots WHERE seq > ? AND ticket IN ({marks}) "
                "ORDER BY seq",
                (cursor, *tickets),
            )
        for sid, body in list(rows):
            yield stored(sid, body)

    # -- the query tables ----------------------------------------------------

    def refresh(
        self,
        ticket: TicketId,
        state: TicketState,
        *,
        new: bool = False,
        history: History | None = None,
        previous: "Held | None" = None,
        added: Sequence[Snapshot] | None = None,
    ) -> dict[str, Any]:
        """Rewrite a ticket's query rows from its state; call inside `write()`.

        `history` (all the ticket's snapshots, the newest included) saves
        reading it again for the derived values; a new ticket needs none.
        `previous`, the row as `ticket_records` read it in this transaction,
        saves looking it up and rewriting tags and search text that did not
        change (removing a row from the full-text index is the dearest part).
        `added`, the snapshots that lead from `previous` to `state`, lets its
        derived values stand where they cannot have changed; give it only
        while the configuration they were derived with is still current.
        Returns the record written, announced as `ticket_did_create` or
        `ticket_did_change` after commit. Config ids (`config:*`) are not
        tickets: refreshing one lets the pipeline configuration react instead.
        """
        if is_reserved(ticket):
            derived.config_did_change(self, ticket)
            return {}
        doc = state.doc
        kept = None
        if previous is not None and added is not None:
            kept = derived.kept_sla(previous.record, doc, added)
        record = self.record_of(ticket, state, history, new=new, derived_part=kept)
        row = None
        if previous is not None:
            row = (previous.rowid,)
        elif not new:
            row = self.db.execute(
                "SELECT rowid FROM tickets WHERE id = ?", (ticket,)
            ).fetchone()
        columns = _columns(record)
        columns["state"] = canonical_json(record).decode()
        before = _columns(previous.record) if previous is not None else {}
        if doc.get("number") is not None and before.get("number") != doc["number"]:
            # After a server reset two tickets can briefly claim one number (see
            # "Sync" in docs/architecture.md); the newest claim gets the column.
            self.db.execute(
                "UPDATE tickets SET number = NULL WHERE number = ? AND id != ?",
                (doc["number"], ticket),
            )
        if row is None:
            names = ", ".join(f'"{name}"' for name in columns)
            marks = ", ".join("?" * (len(columns) + 1))
            self.db.execute(
                f"INSERT INTO tickets(id, {names}) VALUES ({marks})",
                (ticket, *columns.values()),
            )
            rowid = self.db.last_insert_rowid()
        else:
            rowid = row[0]
            # Only the columns that changed, so unchanged indexes are not touched.
            changed = {
                k: v for k, v in columns.items() if k not in before or before[k] != v
            }
            assignments = ", ".join(f'"{name}" = ?' for name in changed)
            self.db.execute(
                f"UPDATE tickets SET {assignments} WHERE rowid = ?",
                (*changed.values(), rowid),
            )
        old = previous.record["doc"] if previous is not None else None
        if old is None or old["tags"].keys() != doc["tags"].keys():
            if old is None and row is not None:
                self.db.execute("DELETE FROM ticket_tags WHERE ticket = ?", (rowid,))
            self._retag(rowid, old["tags"] if old is not None else {}, doc["tags"])
        text = None
        if old is None or _searched(old) != _searched(doc):
            text = search_text(doc)
            if old is not None and search_text(old) == text:
                text = None  # what changed is not indexed (a comment made public)
        if text is not None:
            if row is not None:
                self.db.execute("DELETE FROM ticket_fts WHERE rowid = ?", (rowid,))
            self.db.execute(
                "INSERT INTO ticket_fts(rowid, subject, description, comments, "
                "requester) VALUES (?, ?, ?, ?, ?)",
                (rowid, *text),
            )
        self._events.append(
            Event("ticket_did_create" if row is None else "ticket_did_change", ticket)
        )
        return record

    def _retag(
        self, rowid: int, old_tags: dict[str, Any], new_tags: dict[str, Any]
    ) -> None:
        """Bring a ticket's tag rows from its old tags to the new, touching only
        the rows that differ (most edits add or remove one tag)."""
        held = {tag_key(tag) for tag in old_tags}
        keys = {tag_key(tag) for tag in new_tags}
        if held - keys:
            self.db.executemany(
                "DELETE FROM ticket_tags WHERE ticket = ? AND tag = ?",
                ((rowid, key) for key in held - keys),
            )
        self.db.executemany(
            "INSERT INTO ticket_tags(ticket, tag) VALUES (?, ?)",
            ((rowid, key) for key in keys - held),
        )

    def record_of(
        self,
        ticket: TicketId,
        state: TicketState,
        history: History | None = None,
        *,
        new: bool = False,
        derived_part: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A state's record with its derived values (SLA), as `refresh` stores it.

        Without `history`, a new ticket derives from its document alone and
        any other reads its history from the store; `derived_part`, when known
        to still hold, is used as it is.
        """
        if derived_part is None:
            if history is None and not new:
                history = self.history(ticket)
            derived_part = derived.derive(self, state, history)
        return {**state_record(state), **derived_part}

    def ticket_record(self, ticket: TicketId) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT state FROM tickets WHERE id = ?", (ticket,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no ticket {ticket}")
        return parse_json(row[0])  # type: ignore[no-any-return]

    def refs(self, tickets: Sequence[TicketId]) -> dict[TicketId, str]:
        """How agents name these tickets (`#1042`, else the provisional number),
        read from the columns alone: a bundle's outcomes name thousands."""
        found: dict[TicketId, str] = {}
        for chunk in _chunks(tickets):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id, number, provisional FROM tickets WHERE id IN ({marks})",
                chunk,
            )
            found.update(
                (t, f"#{number}" if number else provisional)
                for t, number, provisional in rows
            )
        return found

    def ticket_records(self, tickets: Sequence[TicketId]) -> dict[TicketId, "Held"]:
        """The stored rows of those of `tickets` that have one."""
        found: dict[TicketId, Held] = {}
        for chunk in _chunks(tickets):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id, rowid, state FROM tickets WHERE id IN ({marks})", chunk
            )
            found.update(
                (t, Held(rowid, parse_json(state))) for t, rowid, state in rows
            )
        return found

    def ticket_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM tickets").fetchall()[0][0])

    def resolve(self, ref: str) -> TicketId:
        """The one ticket a reference names: #number, provisional, ULID prefix."""
        text = ref.strip()
        if not text:
            raise NotFoundError("an empty ticket reference matches nothing")
        digits = text.removeprefix("#")
        if digits.isascii() and digits.isdigit():
            number = int(digits)
            found = number <= SQL_INT_MAX  # no row holds a larger one
            rows = (
                self._ids("SELECT id FROM tickets WHERE number = ?", number)
                if found
                else []
            )
        elif "-" in text:
            rows = self._ids(
                "SELECT id FROM tickets WHERE provisional = ?", text.upper()
            )
        elif len(text) >= 4:
            rows = self._ids(
                "SELECT id FROM tickets WHERE id >= ? AND id < ? LIMIT 6",
                text.upper(),
                text.upper() + "\x7f",
            )
        else:
            raise NotFoundError(
                f"ticket reference {ref!r} is too short; give at least 4 characters "
                "of the id, a number or a provisional number"
            )
        if not rows:
            raise NotFoundError(f"no ticket matches {ref!r}")
        if len(rows) > 1:
            shown = ", ".join(rows[:5])
            raise NotFoundError(
                f"{ref!r} matches several tickets ({shown}); give more characters"
            )
        return TicketId(rows[0])

    def _ids(self, sql: str, *params: Any) -> list[str]:
        return [r[0] for r in self.db.execute(sql, params)]


class Held(NamedTuple):
    """A ticket's query row as read at the start of a change."""

    rowid: int
    record: dict[str, Any]


def _chunks(items: Sequence[TicketId], size: int = 500) -> Iterator[list[TicketId]]:
    """Slices small enough for one `IN (...)` list each."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _columns(record: dict[str, Any]) -> dict[str, Any]:
    """The query columns of a ticket's record (all but `state`), by name."""
    doc = record["doc"]
    requester = doc["requester"]
    return {
        "number": doc.get("number"),
        "provisional": doc["provisional"],
        "subject": doc["subject"],
        "status": doc["status"],
        "priority": doc["priority"],
        "type": doc.get("type"),
        "requester_name": requester.get("name"),
        "requester_email": requester.get("email"),
        "assignee": doc.get("assignee"),
        "group": doc.get("group"),
        "created": doc["created"],
        "updated": record["updated"] or doc["created"],
        "deleted": int(bool(doc.get("deleted"))),
        "conflicts": len(record["conflicts"]),
    }


#: UTC to the millisecond, as `now_iso` writes it; such times sort as text.
_PLAIN_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", re.ASCII)


def _iso_ms(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def wall_ms(text: str | None) -> int | None:
    """Milliseconds of an ISO wall time; None for merges or unreadable times."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def state_record(state: TicketState) -> dict[str, Any]:
    """What the query table keeps of a state: the document plus merge results."""
    return {
        "doc": state.doc,
        "heads": state.heads,
        "conflicts": [c.to_json() for c in state.conflicts],
        "updated": state.updated,
        "clock_warnings": state.clock_warnings,
    }


#: Letters FTS5's unicode61 tokenizer keeps distinct although readers treat them
#: as plain Latin ones: "duong" must find "Đường", "lodz" "Łódź".
FOLD = str.maketrans(
    {"Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Ħ": "H", "ħ": "h"}
)


def fold(text: str) -> str:
    return text if text.isascii() else text.translate(FOLD)


def _searched(doc: dict[str, Any]) -> tuple[Any, ...]:
    """What `search_text` reads of a document, compared before it is built."""
    return doc["subject"], doc["description"], doc["comments"], doc["requester"]


def search_text(doc: dict[str, Any]) -> tuple[str, str, str, str]:
    comments = "\n".join(
        c.get("body", "") for c in doc["comments"].values() if not c.get("deleted")
    )
    requester = " ".join(v for v in doc["requester"].values() if v)
    return (
        fold(doc["subject"]),
        fold(doc["description"]),
        fold(comments),
        fold(requester),
    )


def describe(error: BaseException, path: Path) -> StoreError:
    """Turn a SQLite failure into a sentence that says what to do."""
    if isinstance(error, apsw.BusyError | apsw.LockedError):
        return StoreError(
            f"the database {path} is locked by another Offdesk process; "
            "close it or wait, then retry"
        )
    if isinstance(error, apsw.FullError):
        return StoreError(
            f"the disk holding {path} is full; nothing was saved. "
            "Free some space and retry"
        )
    if isinstance(error, apsw.NotADBError | apsw.CorruptError):
        return StoreError(
            f"{path} is not a readable Offdesk database (it is corrupt or another "
            "kind of file); move it aside or restore a backup"
        )
    if isinstance(error, apsw.CantOpenError | apsw.PermissionsError):
        return StoreError(f"cannot open {path}: check that it exists and is writable")
    if isinstance(error, apsw.ReadOnlyError):
        return StoreError(f"{path} is read-only; Offdesk needs to write to it")
    if isinstance(error, apsw.IOError):
        return StoreError(f"reading or writing {path} failed ({error}); check the disk")
    return StoreError(f"database error in {path}: {error}")
