"""The central server store: SQLAlchemy on SQLite (one process) or PostgreSQL (many).

A server process never opens a desktop store, so it may use SQLAlchemy's stock
drivers (DESIGN.md §1): SQLite through `sqlite3` in the data dir by default, or
PostgreSQL through psycopg for a team running several server processes.

Every push runs in one transaction that first locks the `seq` counter row
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` takes the
database lock). Pushes therefore commit one at a time, in the order they got
their sequence numbers, so a client pulling "after cursor N" can never miss a
snapshot that committed late with a lower number, and two server processes can
never hand out the same ticket number or sequence number.
"""

import logging
import threading
from collections.abc import Iterator, Sequence, Set
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import ArgumentError, OperationalError
from ulid import ULID

from sync.auth import (
    Agent,
    new_token,
    no_token,
    revoked_token,
    token_hash,
    unknown_token,
)
from sync.clock import Clock, HybridClock
from sync.errors import ServerStoreError, StoreUnavailable
from sync.ids import DeviceId, SnapshotId, TicketId
from sync.protocol import is_ticket, number_of, number_record, wall_iso
from sync.server_store import AgentRecord, Mode, Page, PushOutcome, dedupe, refuse
from sync.snapshot import Snapshot
from sync.validate import Known, Refusal, refusals

log = logging.getLogger(__name__)

#: The schema this code writes; a database with a higher one is refused.
SCHEMA = 1
DB_NAME = "server.db"
_CHUNK = 500

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
counters = Table(
    "counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
snapshots = Table(
    "snapshots",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", String(64), nullable=False, unique=True),
    Column("ticket", String(64), nullable=False, index=True),
    Column("clock_ms", BigInteger, nullable=False),
    Column("clock_counter", BigInteger, nullable=False),
    Column("is_root", Boolean, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("received", String(32), nullable=False),
)
tickets = Table(
    "tickets",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("root", String(64), nullable=False),
    Column("number", BigInteger, unique=True),
)
agents = Table(
    "agents",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("name", Text),
    Column("admin", Boolean, nullable=False),
    Column("created", String(32), nullable=False),
)
tokens = Table(
    "tokens",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("email", String(320), nullable=False, index=True),
    Column("created", String(32), nullable=False),
    Column("revoked", String(32)),
)


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir).resolve() / DB_NAME}"


def open_engine(url: str) -> Engine:
    """An engine for `url`; `postgresql://` means psycopg (version 3)."""
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        if url.startswith("sqlite"):
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=8,
                max_overflow=56,
            )
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(url, pool_size=8, max_overflow=56, pool_pre_ping=True)
    except (ArgumentError, ImportError) as e:
        raise ServerStoreError(f"cannot use database URL {url!r}: {e}") from e


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """Writers take the database lock up front, so two never deadlock on upgrade."""
    immediate = conn.get_execution_options().get("offdesk_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class SqlServerStore:
    """The central store; thread-safe, and several processes may share a database."""

    mode: Mode = "central"

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = open_engine(url)
        self.postgres = self.engine.dialect.name == "postgresql"
        self.clock = HybridClock()
        self._writer = threading.Lock()
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._epoch = self._init()
        except StoreUnavailable as e:
            self.engine.dispose()
            raise ServerStoreError(
                f"cannot open the server database {self._shown_url()}: "
                f"{e.__cause__ or e}"
            ) from e
        self.device = DeviceId(f"server:{self._epoch}")

    @property
    def epoch(self) -> str:
        return self._epoch

    @property
    def numbers(self) -> bool:
        return True

    def close(self) -> None:
        self.engine.dispose()

    def _shown_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; this process's writers queue on a lock first.

        Pushes commit one at a time anyway (the module doc says why). Queueing
        them here, in arrival order, instead of in SQLite's busy handler (which
        sleeps and retries, favouring whoever happens to retry first) keeps a
        busy server's slowest push close to its average one.
        """
        try:
            with self._writer, self.engine.connect() as conn:
                conn.execution_options(offdesk_write=True)
                with conn.begin():
                    yield conn
        except OperationalError as e:
            raise StoreUnavailable(
                f"the server's database is busy or unreachable ({e.orig}); retry"
            ) from e

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as e:
            raise StoreUnavailable(
                f"the server's database is busy or unreachable ({e.orig}); retry"
            ) from e

    def _init(self) -> str:
        with self._write() as conn:
            if self.postgres:
                # Two processes starting at once must not both create tables.
                conn.execute(text("SELECT pg_advisory_xact_lock(73011)"))
            # TODO: the server schema has no migrations yet; the first change
            # to it must add them (a newer schema is already refused).
            metadata.create_all(conn)
            found = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
            if "epoch" not in found:
                found = {"epoch": str(ULID()), "schema": str(SCHEMA)}
                conn.execute(
                    meta.insert(), [{"key": k, "value": v} for k, v in found.items()]
                )
                conn.execute(
                    counters.insert(),
                    [{"name": "seq", "value": 0}, {"name": "number", "value": 0}],
                )
                log.info(
                    "new server database %s, epoch %s",
                    self._shown_url(),
                    found["epoch"],
                )
        schema = int(found.get("schema", SCHEMA))
        if schema > SCHEMA:
            raise ServerStoreError(
                f"the server database {self._shown_url()} has schema {schema}; this "
                f"Offdesk serves schema {SCHEMA} at most. Upgrade Offdesk to serve it"
            )
        return str(found["epoch"])

    # -- agents and tokens ---------------------------------------------------

    def authenticate(self, token: str | None) -> Agent:
        if not token:
            raise no_token()
        with self._read() as conn:
            row = conn.execute(
                select(tokens.c.revoked, agents.c.name, agents.c.email, agents.c.admin)
                .join(agents, agents.c.email == tokens.c.email)
                .where(tokens.c.hash == token_hash(token))
            ).first()
        if row is None:
            raise unknown_token()
        if row.revoked:
            raise revoked_token(row.revoked)
        return Agent(row.name, row.email, bool(row.admin))

    def add_agent(self, agent: Agent) -> str:
        token = new_token()
        now = wall_iso()
        with self._write() as conn:
            exists = conn.execute(
                select(agents.c.email).where(agents.c.email == agent.email)
            ).first()
            values = {"name": agent.name, "admin": agent.admin}
            if exists:
                conn.execute(
                    update(agents).where(agents.c.email == agent.email).values(values)
                )
            else:
                conn.execute(
                    agents.insert().values(email=agent.email, created=now, **values)
                )
            conn.execute(
                tokens.insert().values(
                    hash=token_hash(token), email=agent.email, created=now
                )
            )
        log.info("issued a token for %s", agent)
        return token

    def revoke(self, email: str) -> int:
        with self._write() as conn:
            done = conn.execute(
                update(tokens)
                .where(tokens.c.email == email.lower(), tokens.c.revoked.is_(None))
                .values(revoked=wall_iso())
            ).rowcount
        log.info("revoked %d tokens of %s", done, email)
        return int(done)

    def agents(self) -> list[AgentRecord]:
        with self._read() as conn:
            rows = conn.execute(select(agents).order_by(agents.c.email)).all()
            counts: dict[str, list[int]] = {}
            for email, revoked in conn.execute(
                select(tokens.c.email, tokens.c.revoked)
            ):
                counts.setdefault(email, [0, 0])[0 if revoked is None else 1] += 1
        return [
            AgentRecord(r.name, r.email, bool(r.admin), *counts.get(r.email, [0, 0]))
            for r in rows
        ]

    # -- snapshots -----------------------------------------------------------

    def push(
        self, agent: Agent, snaps: Sequence[Snapshot], *, number_floor: int = 0
    ) -> PushOutcome:
        batch = dedupe(snaps)
        wanted = {s.id for s in batch} | {p for s in batch for p in s.parents}
        with self._write() as conn:
            seq = self._lock_counter(conn, "seq")
            known = self._known(conn, wanted)
            fresh = sorted(
                (s for s in batch if s.id not in known), key=Snapshot.order_key
            )
            roots = [s for s in fresh if s.is_root]
            rooted = self._rooted(conn, {s.ticket for s in roots})
            found = refusals(fresh, known, rooted, agent)
            if found:
                raise refuse(found)
            if not fresh:
                return PushOutcome(0, len(batch), seq)
            if roots and number_floor > self._lock_counter(conn, "number"):
                log.info("push by %s raises numbers to %d", agent.email, number_floor)
                self._set_counter(conn, "number", number_floor)

            numbers, records, ticket_rows, adopted = self._number(conn, roots, fresh)
            # The server alone decides numbers: a number record a client sends
            # is kept only where it was adopted above (a relay after a reset).
            stray = {
                s.id for s in fresh if number_of(s) is not None and s.id not in adopted
            }
            if stray:
                log.warning(
                    "push by %s: %d number records not stored (not this server's)",
                    agent.email,
                    len(stray),
                )
            # A snapshot built on a record left out here would be stored
            # without its parent: refused instead, it stays on its laptop.
            orphans: list[SnapshotId] = []
            for snap in fresh:  # parents first
                if any(p in stray or p in orphans for p in snap.parents):
                    orphans.append(snap.id)
            if orphans:
                reason = "its parent is a number record this server did not give"
                raise refuse([Refusal(sid, reason) for sid in orphans])
            rows = []
            for snap in fresh:
                if snap.id not in stray:
                    seq += 1
                    rows.append(_row(seq, snap))
            for record in records:
                seq += 1
                rows.append(_row(seq, record))
            if rows:  # an empty insert would be INSERT ... DEFAULT VALUES
                conn.execute(snapshots.insert(), rows)
            if ticket_rows:
                conn.execute(tickets.insert(), ticket_rows)
            self._set_counter(conn, "seq", seq)
        stored = len(fresh) - len(stray)
        log.info(
            "push by %s: %d stored, %d known, %d numbered",
            agent.email,
            stored,
            len(batch) - len(fresh),
            len(numbers),
        )
        return PushOutcome(stored, len(batch) - len(fresh), seq, numbers)

    def _number(
        self, conn: Connection, roots: list[Snapshot], fresh: list[Snapshot]
    ) -> tuple[dict[str, int], list[Snapshot], list[dict[str, Any]], set[SnapshotId]]:
        """Number each new ticket: adopt a relayed number if free, else the next one.

        A relayed number is a number record from an earlier epoch of this
        server (its data was reset), re-uploaded by a laptop together with the
        ticket's first snapshot. Keeping it spares every replica a renumbered
        ticket and a conflict on its number. Returns the numbers given, the
        records written for them, the ticket rows and the relayed records adopted.
        """
        if not roots:
            return {}, [], [], set()
        relayed: dict[TicketId, Snapshot] = {}
        for snap in fresh:
            if number_of(snap) is not None:
                best = relayed.get(snap.ticket)
                if best is None or snap.order_key() > best.order_key():
                    relayed[snap.ticket] = snap
        claimed = {number_of(s) for s in relayed.values()}
        taken = self._taken(conn, claimed)
        counter = self._lock_counter(conn, "number")
        numbers: dict[str, int] = {}
        records: list[Snapshot] = []
        ticket_rows: list[dict[str, Any]] = []
        adopted: set[SnapshotId] = set()
        for root in roots:
            if not is_ticket(root.ticket):
                ticket_rows.append(
                    {"ticket": root.ticket, "root": root.id, "number": None}
                )
                continue
            adopt = relayed.get(root.ticket)
            number = number_of(adopt) if adopt is not None else None
            if number is None or number in taken:
                counter += 1
                number = counter
                clock = self.clock.tick(above=root.clock)
                records.append(
                    number_record(root.ticket, root.id, number, self.device, clock)
                )
            else:
                counter = max(counter, number)
                if adopt is not None:
                    adopted.add(adopt.id)
            taken.add(number)
            numbers[root.ticket] = number
            ticket_rows.append(
                {"ticket": root.ticket, "root": root.id, "number": number}
            )
        self._set_counter(conn, "number", counter)
        return numbers, records, ticket_rows, adopted

    def _lock_counter(self, conn: Connection, name: str) -> int:
        query = select(counters.c.value).where(counters.c.name == name)
        return int(conn.execute(query.with_for_update()).scalar_one())

    def _set_counter(self, conn: Connection, name: str, value: int) -> None:
        conn.execute(
            update(counters).where(counters.c.name == name).values(value=value)
        )

    def _known(
        self, conn: Connection, ids: Set[str] | Set[SnapshotId]
    ) -> dict[SnapshotId, Known]:
        found: dict[SnapshotId, Known] = {}
        cols = (
            snapshots.c.id,
            snapshots.c.ticket,
            snapshots.c.clock_ms,
            snapshots.c.clock_counter,
            snapshots.c.is_root,
        )
        for chunk in _chunks(sorted(ids)):
            for sid, ticket, ms, counter, is_root in conn.execute(
                select(*cols).where(snapshots.c.id.in_(chunk))
            ):
                found[SnapshotId(sid)] = Known(
                    TicketId(ticket), Clock(ms, counter), bool(is_root)
                )
        return found

    def _rooted(self, conn: Connection, wanted: set[TicketId]) -> set[TicketId]:
        found: set[TicketId] = set()
        for chunk in _chunks(sorted(wanted)):
            query = select(tickets.c.ticket).where(tickets.c.ticket.in_(chunk))
            found.update(TicketId(t) for t in conn.scalars(query))
        return found

    def _taken(self, conn: Connection, wanted: set[int | None]) -> set[int]:
        numbers = sorted(n for n in wanted if n is not None)
        found: set[int] = set()
        for chunk in _chunks(numbers):
            query = select(tickets.c.number).where(tickets.c.number.in_(chunk))
            found.update(int(n) for n in conn.scalars(query))
        return found

    def pull(self, since: int, limit: int) -> Page:
        query = (
            select(snapshots.c.seq, snapshots.c.id, snapshots.c.body)
            .where(snapshots.c.seq > since)
            .order_by(snapshots.c.seq)
            .limit(limit + 1)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = int(rows[-1][0]) if rows else since
        return Page([(r[1], bytes(r[2])) for r in rows], cursor, more)

    def held(self, ids: Sequence[str]) -> set[SnapshotId]:
        found: set[SnapshotId] = set()
        with self._read() as conn:
            for chunk in _chunks(sorted(set(ids))):
                query = select(snapshots.c.id).where(snapshots.c.id.in_(chunk))
                found.update(SnapshotId(s) for s in conn.scalars(query))
        return found

    def counts(self) -> dict[str, int]:
        """Snapshots, tickets and the highest number: for tests and the operator."""
        with self._read() as conn:
            snaps = conn.execute(select(func.count()).select_from(snapshots)).scalar()
            numbered = conn.execute(select(func.count()).select_from(tickets)).scalar()
            top = conn.execute(select(func.max(tickets.c.number))).scalar()
        return {
            "snapshots": int(snaps or 0),
            "tickets": int(numbered or 0),
            "top": int(top or 0),
        }


def _row(seq: int, snap: Snapshot) -> dict[str, Any]:
    return {
        "seq": seq,
        "id": snap.id,
        "ticket": snap.ticket,
        "clock_ms": snap.clock.ms,
        "clock_counter": snap.clock.counter,
        "is_root": snap.is_root,
        "body": snap.raw,
        "received": wall_iso(),
    }


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
