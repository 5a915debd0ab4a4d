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
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import apsw
from ulid import ULID

from desktop.errors import NotFoundError, StoreError
from desktop.store import dbapi
from desktop.store.migrate import upgrade
from desktop.ticket import now_iso
from sync.canonical import canonical_json, parse_json
from sync.clock import Clock, HybridClock, system_ms
from sync.history import History, TicketState
from sync.ids import DeviceId, SnapshotId, TicketId
from sync.snapshot import Snapshot, from_body

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
            upgrade(lambda: self.engine, self.db, self.path)
        except apsw.Error as e:
            raise describe(e, self.path) from e
        except dbapi.Error as e:
            raise describe(e.__cause__ or e, self.path) from e
        self.clock = HybridClock(Clock.from_json(self.setting("clock", [0, 0])), wall)
        self._ensure_device()

    @functools.cached_property
    def engine(self) -> "Engine":
        """SQLAlchemy on this same APSW connection, made on first use."""
        return dbapi.create_engine(self.conn)

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
        try:
            self.clock.last = max(
                self.clock.last, Clock.from_json(self.setting("clock", [0, 0]))
            )
            yield
            self._put("clock", self.clock.last.to_json())
            self.db.execute("COMMIT")
        except BaseException as e:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(e, apsw.Error):
                raise describe(e, self.path) from e
            raise

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
        return History(from_body(parse_json(body), sid) for sid, body in rows)

    def has_snapshot(self, snapshot: SnapshotId) -> bool:
        row = self.db.execute("SELECT 1 FROM snapshots WHERE id = ?", (snapshot,))
        return row.fetchone() is not None

    def add_snapshots(self, snaps: Iterable[Snapshot]) -> int:
        """Insert snapshots not yet held; call inside `write()`. Returns how many."""
        received = now_iso()
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

    def flag_clocks(self, history: History, state: TicketState) -> TicketState:
        """Note snapshots whose clock is far ahead of ours: flagged, never refused."""
        state.clock_warnings = [
            {
                "snapshot": s.id,
                "device": s.device,
                "author": s.author,
                "ahead_ms": s.clock.ms - self.clock.wall_ms(),
            }
            for s in history.order
            if not s.is_merge and self.clock.is_far_future(s.clock)
        ]
        return state

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
            yield from_body(parse_json(body), sid)

    # -- the query tables ----------------------------------------------------

    def refresh(
        self, ticket: TicketId, state: TicketState, *, new: bool = False
    ) -> None:
        """Rewrite a ticket's query rows from its state; call inside `write()`."""
        doc = state.doc
        record = state_record(state)
        requester = doc["requester"]
        row = None
        if not new:
            row = self.db.execute(
                "SELECT rowid FROM tickets WHERE id = ?", (ticket,)
            ).fetchone()
        values = (
            doc.get("number"),
            doc["provisional"],
            doc["subject"],
            doc["status"],
            doc["priority"],
            doc.get("type"),
            requester.get("name"),
            requester.get("email"),
            doc.get("assignee"),
            doc.get("group"),
            doc["created"],
            state.updated or doc["created"],
            int(bool(doc.get("deleted"))),
            len(state.conflicts),
            canonical_json(record).decode(),
        )
        if row is None:
            self.db.execute(
                "INSERT INTO tickets(id, number, provisional, subject, status, "
                'priority, type, requester_name, requester_email, assignee, "group", '
                "created, updated, deleted, conflicts, state) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (ticket, *values),
            )
            rowid = self.db.last_insert_rowid()
        else:
            rowid = row[0]
            self.db.execute(
                "UPDATE tickets SET number = ?, provisional = ?, subject = ?, "
                "status = ?, priority = ?, type = ?, requester_name = ?, "
                'requester_email = ?, assignee = ?, "group" = ?, created = ?, '
                "updated = ?, deleted = ?, conflicts = ?, state = ? WHERE rowid = ?",
                (*values, rowid),
            )
            self.db.execute("DELETE FROM ticket_tags WHERE ticket = ?", (rowid,))
            self.db.execute("DELETE FROM ticket_fts WHERE rowid = ?", (rowid,))
        self.db.executemany(
            "INSERT INTO ticket_tags(ticket, tag) VALUES (?, ?)",
            ((rowid, tag) for tag in doc["tags"]),
        )
        self.db.execute(
            "INSERT INTO ticket_fts(rowid, subject, description, comments, requester) "
            "VALUES (?, ?, ?, ?, ?)",
            (rowid, *search_text(doc)),
        )

    def ticket_record(self, ticket: TicketId) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT state FROM tickets WHERE id = ?", (ticket,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no ticket {ticket}")
        return parse_json(row[0])  # type: ignore[no-any-return]

    def ticket_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM tickets").fetchall()[0][0])

    def resolve(self, ref: str) -> TicketId:
        """The one ticket a reference names: #number, provisional, ULID prefix."""
        text = ref.strip()
        if not text:
            raise NotFoundError("an empty ticket reference matches nothing")
        digits = text.removeprefix("#")
        if digits.isdigit():
            rows = self._ids("SELECT id FROM tickets WHERE number = ?", int(digits))
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


def state_record(state: TicketState) -> dict[str, Any]:
    """What the query table keeps of a state: the document plus merge results."""
    return {
        "doc": state.doc,
        "heads": state.heads,
        "conflicts": [c.to_json() for c in state.conflicts],
        "updated": state.updated,
        "clock_warnings": state.clock_warnings,
    }


def search_text(doc: dict[str, Any]) -> tuple[str, str, str, str]:
    comments = "\n".join(
        c.get("body", "") for c in doc["comments"].values() if not c.get("deleted")
    )
    requester = " ".join(v for v in doc["requester"].values() if v)
    return doc["subject"], doc["description"], comments, requester


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
