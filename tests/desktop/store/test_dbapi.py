"""Behaviour of the APSW DB-API adapter under SQLAlchemy, Alembic and raw apsw."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import apsw
import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from desktop.store import dbapi


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(200), unique=True)
    attachment: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    opened: Mapped[date | None] = mapped_column(sa.Date)


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id"))
    text: Mapped[str]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "offdesk.db"


@pytest.fixture
def conn(db_path: Path) -> Iterator[dbapi.Connection]:
    connection = dbapi.connect(str(db_path))
    yield connection
    connection.close()


@pytest.fixture
def engine(conn: dbapi.Connection) -> Iterator[sa.Engine]:
    eng = dbapi.create_engine(conn)
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


def subjects(engine: sa.Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(sa.select(Ticket.subject).order_by(Ticket.id)))


def read_in_other_thread(path: Path, sql: str) -> list[Any]:
    result: list[Any] = []

    def work() -> None:
        other = apsw.Connection(str(path))
        try:
            result.extend(other.execute(sql).fetchall())
        finally:
            other.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return result


def test_module_exposes_the_dbapi_surface_the_pysqlite_dialect_needs(
    engine: sa.Engine,
) -> None:
    assert dbapi.paramstyle == "qmark"
    assert dbapi.apilevel == "2.0"
    assert dbapi.sqlite_version == apsw.sqlite_lib_version()
    assert dbapi.sqlite_version_info[:2] >= (3, 35)
    assert engine.dialect.dbapi is dbapi
    assert engine.dialect.server_version_info == dbapi.sqlite_version_info
    for name in ("DataError", "OperationalError", "IntegrityError", "InternalError"):
        assert issubclass(getattr(dbapi, name), dbapi.DatabaseError)
    for name in ("ProgrammingError", "NotSupportedError"):
        assert issubclass(getattr(dbapi, name), dbapi.DatabaseError)
    assert issubclass(dbapi.InterfaceError, dbapi.Error)
    assert not issubclass(dbapi.Warning, dbapi.Error)


def test_connect_enables_wal_normal_sync_and_foreign_keys(
    conn: dbapi.Connection,
) -> None:
    assert conn.apsw.pragma("journal_mode") == "wal"
    assert conn.apsw.pragma("synchronous") == 1
    assert conn.apsw.pragma("foreign_keys") == 1
    assert conn.apsw.pragma("busy_timeout") == 5000
    assert not conn.in_transaction


def test_core_create_all_insert_and_select_round_trip(engine: sa.Engine) -> None:
    notes = sa.Table(
        "note",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )
    notes.create(engine)
    with engine.begin() as connection:
        assert connection.execute(sa.select(notes)).all() == []
        result = connection.execute(notes.insert(), [{"body": "a"}, {"body": "b"}])
        assert result.rowcount == 2
        one = connection.execute(notes.insert().values(body="c"))
        assert one.inserted_primary_key == (3,)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(notes).order_by(notes.c.id)).all()
    assert [tuple(row) for row in rows] == [(1, "a"), (2, "b"), (3, "c")]
    assert sa.inspect(engine).has_table("note")


def test_orm_session_add_commit_and_query_round_trip(engine: sa.Engine) -> None:
    with Session(engine) as session:
        ticket = Ticket(subject="Printer on fire", attachment=b"\x00\xff", opened=None)
        ticket.opened = date(2024, 2, 29)
        session.add(ticket)
        session.commit()
        ticket_id = ticket.id
    with Session(engine) as session:
        loaded = session.get(Ticket, ticket_id)
        assert loaded is not None
        assert loaded.subject == "Printer on fire"
        assert loaded.attachment == b"\x00\xff"
        assert loaded.opened == date(2024, 2, 29)


def test_rollback_discards_writes_from_core_and_orm(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        connection.execute(sa.insert(Ticket).values(subject="core"))
        connection.rollback()
    with Session(engine) as session:
        session.add(Ticket(subject="orm"))
        session.flush()
        session.rollback()
    assert subjects(engine) == []


def test_unique_violation_surfaces_as_sqlalchemy_integrity_error(
    engine: sa.Engine,
) -> None:
    with Session(engine) as session:
        session.add(Ticket(subject="dup"))
        session.commit()
        session.add(Ticket(subject="dup"))
        with pytest.raises(sa_exc.IntegrityError) as caught:
            session.commit()
        session.rollback()
        session.add(Ticket(subject="after"))
        session.commit()
    orig = caught.value.orig
    assert isinstance(orig, dbapi.IntegrityError)
    assert isinstance(orig.__cause__, apsw.ConstraintError)
    assert orig.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE"
    assert subjects(engine) == ["dup", "after"]


def test_foreign_key_violation_is_rejected(engine: sa.Engine) -> None:
    with Session(engine) as session:
        session.add(Comment(ticket_id=404, text="orphan"))
        with pytest.raises(sa_exc.IntegrityError):
            session.commit()


def test_sqlalchemy_writes_are_visible_through_apsw_before_and_after_commit(
    conn: dbapi.Connection, engine: sa.Engine
) -> None:
    count = "SELECT count(*) FROM ticket"
    with Session(engine) as session:
        session.add(Ticket(subject="same transaction"))
        session.flush()
        assert conn.apsw.in_transaction
        assert conn.apsw.execute(count).fetchall() == [(1,)]
        session.commit()
    assert not conn.apsw.in_transaction
    assert conn.apsw.execute(count).fetchall() == [(1,)]


def test_fts5_table_created_via_apsw_indexes_rows_written_via_sqlalchemy(
    conn: dbapi.Connection, engine: sa.Engine
) -> None:
    conn.apsw.execute(
        """
        CREATE VIRTUAL TABLE ticket_fts USING fts5(
            subject, content='ticket', content_rowid='id');
        CREATE TRIGGER ticket_ai AFTER INSERT ON ticket BEGIN
            INSERT INTO ticket_fts(rowid, subject) VALUES (new.id, new.subject);
        END;
        CREATE TRIGGER ticket_au AFTER UPDATE ON ticket BEGIN
            INSERT INTO ticket_fts(ticket_fts, rowid, subject)
                VALUES ('delete', old.id, old.subject);
            INSERT INTO ticket_fts(rowid, subject) VALUES (new.id, new.subject);
        END;
        """
    )
    with Session(engine) as session:
        session.add_all([Ticket(subject="VPN drops hourly"), Ticket(subject="Mouse")])
        session.commit()
        mouse = session.scalars(sa.select(Ticket).filter_by(subject="Mouse")).one()
        mouse.subject = "Mouse wheel stuck"  # ORM checks UPDATE rowcount == 1
        session.commit()

    def match(term: str) -> list[Any]:
        sql = "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ? ORDER BY rowid"
        return [row[0] for row in conn.apsw.execute(sql, (term,))]

    assert match("vpn") == [1]
    assert match("wheel") == [2]


def test_apsw_update_hook_sees_orm_insert(
    conn: dbapi.Connection, engine: sa.Engine
) -> None:
    seen: list[tuple[int, str, str, int]] = []
    conn.apsw.set_update_hook(lambda *event: seen.append(event))
    with Session(engine) as session:
        ticket = Ticket(subject="hooked")
        session.add(ticket)
        session.commit()
        ticket_id = ticket.id
    conn.apsw.set_update_hook(None)
    assert (apsw.SQLITE_INSERT, "main", "ticket", ticket_id) in seen


def test_app_installed_apsw_exec_tracer_still_sees_sqlalchemy_statements(
    conn: dbapi.Connection, engine: sa.Engine
) -> None:
    traced: list[str] = []

    def tracer(cursor: apsw.Cursor, sql: str, bindings: Any) -> bool:
        traced.append(sql)
        return True

    conn.apsw.exec_trace = tracer
    try:
        assert subjects(engine) == []
    finally:
        conn.apsw.exec_trace = None
    assert any("FROM ticket" in sql for sql in traced)


def test_alembic_add_column_and_batch_alter_table_run_on_the_apsw_connection(
    conn: dbapi.Connection, engine: sa.Engine
) -> None:
    with Session(engine) as session:
        session.add(Ticket(subject="migrate me"))
        session.commit()
    with engine.begin() as connection:
        op = Operations(MigrationContext.configure(connection))
        op.add_column(
            "ticket",
            sa.Column("priority", sa.Integer, nullable=False, server_default="3"),
        )
        with op.batch_alter_table("ticket") as batch:
            batch.alter_column("subject", new_column_name="title")
            batch.drop_column("attachment")
    columns = {col["name"] for col in sa.inspect(engine).get_columns("ticket")}
    assert columns == {"id", "title", "opened", "priority"}
    rows = conn.apsw.execute("SELECT id, title, priority FROM ticket").fetchall()
    assert rows == [(1, "migrate me", 3)]


def test_foreign_keys_pragma_first_in_a_migration_takes_effect_for_batch_mode(
    conn: dbapi.Connection, engine: sa.Engine
) -> None:
    with Session(engine) as session:
        ticket = Ticket(subject="parent")
        session.add(ticket)
        session.flush()
        session.add(Comment(ticket_id=ticket.id, text="child"))
        session.commit()
    with engine.connect() as connection:
        # PRAGMA opens no transaction, so it is not a silent no-op inside one.
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        op = Operations(MigrationContext.configure(connection))
        with op.batch_alter_table("ticket") as batch:  # DROP TABLE ticket inside
            batch.drop_column("attachment")
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        connection.commit()
    assert conn.apsw.pragma("foreign_keys") == 1
    assert conn.apsw.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.apsw.execute("SELECT text FROM comment").fetchall() == [("child",)]


def test_second_connection_in_another_thread_sees_only_committed_data(
    db_path: Path, engine: sa.Engine
) -> None:
    count = "SELECT count(*) FROM ticket"
    with Session(engine) as session:
        session.add(Ticket(subject="pending"))
        session.flush()
        assert read_in_other_thread(db_path, count) == [(0,)]
        session.commit()
    assert read_in_other_thread(db_path, count) == [(1,)]


def test_corrupt_file_raises_dbapi_database_error_on_first_query(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(random.Random(7).randbytes(16384))

    with pytest.raises(dbapi.DatabaseError) as caught:
        dbapi.connect(str(bad))
    assert isinstance(caught.value.__cause__, apsw.NotADBError)

    raw = dbapi.Connection(apsw.Connection(str(bad)))
    engine = dbapi.create_engine(raw)
    try:
        with (
            pytest.raises(sa_exc.DatabaseError) as wrapped,
            engine.connect() as connection,
        ):
            connection.execute(sa.text("SELECT * FROM sqlite_master")).all()
        assert isinstance(wrapped.value.orig, dbapi.DatabaseError)
    finally:
        engine.dispose()
        raw.close()


def test_engine_dispose_and_session_close_leave_apsw_connection_open(
    conn: dbapi.Connection, engine: sa.Engine
) -> None:
    with Session(engine) as session:
        session.add(Ticket(subject="kept"))
        session.commit()
    engine.dispose()
    assert conn.apsw.execute("SELECT subject FROM ticket").fetchall() == [("kept",)]
    assert subjects(engine) == ["kept"]  # the pool re-creates its view on demand
    raw = engine.raw_connection()
    try:
        assert raw.driver_connection is not conn
        assert raw.driver_connection.apsw is conn.apsw  # type: ignore[union-attr]
    finally:
        raw.close()


def test_transaction_opens_lazily_and_ends_on_commit_or_rollback(
    conn: dbapi.Connection,
) -> None:
    cur = conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    assert not conn.in_transaction
    cur.execute("SELECT 1")
    assert conn.in_transaction
    conn.commit()
    assert not conn.in_transaction
    cur.execute("CREATE TABLE t (x)")
    conn.rollback()
    assert not conn.apsw.table_exists("main", "t")
    conn.rollback()  # no transaction: a no-op, like commit()
    conn.commit()


def test_released_savepoint_is_still_undone_by_outer_rollback(
    engine: sa.Engine,
) -> None:
    with Session(engine) as session:
        with session.begin_nested():
            session.add(Ticket(subject="inner"))
        session.rollback()
    with Session(engine) as session:
        session.add(Ticket(subject="outer"))
        nested = session.begin_nested()
        session.add(Ticket(subject="discarded"))
        session.flush()
        nested.rollback()
        session.commit()
    assert subjects(engine) == ["outer"]


def test_autocommit_mode_runs_statements_without_a_transaction(
    db_path: Path, conn: dbapi.Connection, engine: sa.Engine
) -> None:
    conn.autocommit = True
    assert conn.isolation_level is None
    conn.cursor().execute("INSERT INTO ticket (subject) VALUES (?)", ("raw",))
    assert not conn.in_transaction
    conn.isolation_level = "IMMEDIATE"
    assert conn.autocommit is False

    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:
        connection.execute(sa.insert(Ticket).values(subject="engine"))
        assert not conn.apsw.in_transaction
    assert read_in_other_thread(db_path, "SELECT count(*) FROM ticket") == [(2,)]
    with engine.connect() as connection:
        connection.execute(sa.select(Ticket.id)).all()
        assert conn.apsw.in_transaction  # default isolation restored on return
    assert not conn.apsw.in_transaction


def test_regexp_function_registered_by_the_dialect_works(engine: sa.Engine) -> None:
    with Session(engine) as session:
        session.add_all([Ticket(subject="Printer jam"), Ticket(subject="VPN")])
        session.commit()
        query = sa.select(Ticket.subject).where(Ticket.subject.regexp_match("^Pr"))
        assert session.scalars(query).all() == ["Printer jam"]


def test_cursor_reports_rowcount_lastrowid_and_description(
    conn: dbapi.Connection,
) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    assert cur.description is None
    assert cur.rowcount == -1
    cur.execute("CREATE TABLE log (n)")
    cur.execute(
        "CREATE TRIGGER t_au AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (1); END"
    )
    cur.executemany("INSERT INTO t (v) VALUES (?)", [("a",), ("b",), ("c",)])
    assert cur.rowcount == 3
    assert cur.lastrowid == 3
    cur.execute("UPDATE t SET v = 'z' WHERE id > ?", (1,))
    assert cur.rowcount == 2  # trigger writes are not counted, as in sqlite3
    cur.execute("SELECT id, v FROM t WHERE id > 99")
    assert cur.description is not None
    assert [col[0] for col in cur.description] == ["id", "v"]
    assert cur.fetchall() == []
    cur.execute("SELECT id FROM t ORDER BY id")
    assert cur.rowcount == -1
    assert cur.fetchone() == (1,)
    assert cur.fetchmany() == [(2,)]
    assert list(cur) == [(3,)]
    assert cur.fetchone() is None
    with pytest.raises(dbapi.OperationalError):
        cur.execute("SELECT nope FROM t")
    with pytest.raises(dbapi.ProgrammingError):
        cur.execute("SELECT ?", (1, 2))
    cur.close()
    with pytest.raises(dbapi.ProgrammingError):
        cur.execute("SELECT 1")


def test_closed_connection_raises_programming_error_and_closes_apsw(
    db_path: Path,
) -> None:
    connection = dbapi.connect(str(db_path))
    connection.close()
    connection.close()
    with pytest.raises(dbapi.ProgrammingError, match="closed database"):
        connection.cursor()
    with pytest.raises(apsw.ConnectionClosedError):
        connection.apsw.execute("SELECT 1")
