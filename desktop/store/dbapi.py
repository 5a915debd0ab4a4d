"""DB-API 2.0 adapter over APSW, so SQLAlchemy and Alembic run on the app's one APSW
connection instead of stdlib sqlite3 opening the same file with a second library."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

import apsw

if TYPE_CHECKING:
    import sqlalchemy

#: SQLite's largest integer: a number above it can name no row.
SQL_INT_MAX = 2**63 - 1

logger = logging.getLogger(__name__)

apilevel = "2.0"
threadsafety = 1
paramstyle = "qmark"
sqlite_version: str = apsw.sqlite_lib_version()
sqlite_version_info: tuple[int, ...] = tuple(map(int, sqlite_version.split(".")))
version: str = apsw.apsw_version()
version_info: tuple[int, ...] = tuple(map(int, version.split(".")))
Binary = bytes

Params = Sequence[Any] | Mapping[str, Any] | None


class Warning(Exception):
    """Important warnings such as data truncation (name mandated by PEP 249)."""


class Error(Exception):
    """Base of all errors; carries the SQLite result code like stdlib sqlite3."""

    sqlite_errorcode: int | None = None
    sqlite_errorname: str | None = None


class InterfaceError(Error): ...


class DatabaseError(Error): ...


class DataError(DatabaseError): ...


class OperationalError(DatabaseError): ...


class IntegrityError(DatabaseError): ...


class InternalError(DatabaseError): ...


class ProgrammingError(DatabaseError): ...


class NotSupportedError(DatabaseError): ...


def _error_map() -> dict[type[BaseException], type[Error]]:
    # Mirrors the result-code mapping of CPython's _sqlite/util.c where one exists.
    groups: dict[type[Error], str] = {
        OperationalError: "SQLError BusyError LockedError CantOpenError FullError "
        "IOError AbortError PermissionsError ReadOnlyError InterruptError "
        "ProtocolError EmptyError SchemaChangeError NoMemError NoLFSError "
        "ExtensionLoadingError VFSNotImplementedError NoFTS5Error",
        IntegrityError: "ConstraintError MismatchError",
        DatabaseError: "CorruptError NotADBError FormatError AuthError",
        DataError: "TooBigError",
        InternalError: "InternalError NotFoundError",
        InterfaceError: "MisuseError RangeError VFSFileClosedError",
        ProgrammingError: "BindingsError ConnectionClosedError CursorClosedError "
        "ExecutionCompleteError IncompleteExecutionError ThreadingViolationError "
        "ForkingViolationError ConnectionNotClosedError InvalidContextError",
    }
    return {
        exc: target
        for target, names in groups.items()
        for name in names.split()
        if (exc := getattr(apsw, name, None)) is not None
    }


_ERRORS = _error_map()
_CLOSED = "Cannot operate on a closed database."  # SQLAlchemy's is_disconnect text


def _translate(exc: apsw.Error) -> Error:
    """Return the DB-API error for an apsw error (callers chain it ``from exc``)."""
    cls = _ERRORS.get(type(exc), DatabaseError)
    closed = isinstance(exc, apsw.ConnectionClosedError)
    err = cls(_CLOSED if closed else str(exc))
    code = getattr(exc, "extendedresult", None)
    if isinstance(code, int) and code >= 0:
        name = apsw.mapping_extended_result_codes.get(code)
        name = name or apsw.mapping_result_codes.get(code & 0xFF)
        err.sqlite_errorcode, err.sqlite_errorname = code, str(name) if name else None
    return err


# Leading keyword, skipping whitespace and comments.  These never trigger the lazy
# BEGIN: transaction control itself, plus connection-level statements that fail or
# silently do nothing inside a transaction (VACUUM, ATTACH, PRAGMA foreign_keys...).
# SAVEPOINT does get a BEGIN first, so RELEASE cannot commit the DB-API transaction.
_LEADING = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*(\w*)", re.DOTALL)
_NO_BEGIN = {"BEGIN", "COMMIT", "END", "ROLLBACK", "RELEASE", "PRAGMA", "VACUUM"}
_NO_BEGIN |= {"ATTACH", "DETACH"}
_DML = {"INSERT", "UPDATE", "DELETE", "REPLACE"}
_BEGIN = {"": "BEGIN", "DEFERRED": "BEGIN DEFERRED"}
_BEGIN |= {m: f"BEGIN {m}" for m in ("IMMEDIATE", "EXCLUSIVE")}


def _keyword(sql: str) -> str:
    match = _LEADING.match(sql)
    return match.group(1).upper() if match else ""


class Connection:
    """DB-API connection over one ``apsw.Connection``, reachable as ``.apsw``."""

    def __init__(
        self,
        db: apsw.Connection,
        *,
        isolation_level: str | None = "",
        close_apsw: bool = True,
    ) -> None:
        self.apsw = db
        self._close_apsw = close_apsw
        self._closed = False
        self._autocommit = isolation_level is None
        self._begin_mode = ""
        if isolation_level is not None:
            self.isolation_level = isolation_level

    @property
    def autocommit(self) -> bool:
        """True: no implicit BEGIN; switching it on commits an open transaction."""
        return self._autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        if value and not self._autocommit:
            self.commit()
        self._autocommit = bool(value)

    @property
    def isolation_level(self) -> str | None:
        """None in autocommit mode, else the BEGIN mode ("", IMMEDIATE, ...)."""
        return None if self._autocommit else self._begin_mode

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        if value is None:
            self.autocommit = True
            return
        if value.upper() not in _BEGIN:
            raise ValueError(f"invalid isolation_level {value!r}")
        self._begin_mode = value.upper()
        self._autocommit = False

    @property
    def in_transaction(self) -> bool:
        return not self._closed and self.apsw.in_transaction

    def _check_open(self) -> None:
        if self._closed:
            raise ProgrammingError(_CLOSED)

    def _end(self, sql: str) -> None:
        self._check_open()
        try:
            if self.apsw.in_transaction:
                self.apsw.execute(sql)
        except apsw.Error as exc:
            raise _translate(exc) from exc

    def _maybe_begin(self, keyword: str) -> None:
        """Open the DB-API transaction lazily; apsw errors propagate untranslated."""
        if self._autocommit or keyword in _NO_BEGIN or self.apsw.in_transaction:
            return
        self.apsw.execute(_BEGIN[self._begin_mode])

    def cursor(self) -> Cursor:
        self._check_open()
        return Cursor(self)

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return self.cursor().execute(sql, params)

    def commit(self) -> None:
        self._end("COMMIT")

    def rollback(self) -> None:
        self._end("ROLLBACK")

    def close(self) -> None:
        """Close; a non-owning view (``close_apsw=False``) leaves ``.apsw`` open."""
        if self._closed:
            return
        self._closed = True
        if self._close_apsw:
            try:
                self.apsw.close()
            except apsw.Error as exc:
                raise _translate(exc) from exc

    def create_function(
        self,
        name: str,
        nargs: int,
        fn: Callable[..., Any] | None,
        deterministic: bool = False,
    ) -> None:
        self._check_open()
        try:
            self.apsw.create_scalar_function(
                name, fn, nargs, deterministic=deterministic
            )
        except apsw.Error as exc:
            raise _translate(exc) from exc


def _trace(box: list[Any]) -> Callable[[apsw.Cursor, str, Any], bool]:
    # The exec tracer runs after prepare and before the first step: the only point
    # where apsw still reports result columns of a SELECT that yields no rows.
    def trace(cur: apsw.Cursor, sql: str, bindings: Any) -> bool:
        box[0] = cur.description or None
        outer = cur.connection.exec_trace  # keep an app-installed tracer working
        return True if outer is None else bool(outer(cur, sql, bindings))

    return trace


class Cursor:
    """DB-API cursor; rows are stepped lazily from the underlying apsw cursor."""

    def __init__(self, conn: Connection) -> None:
        self.connection = conn
        self.arraysize = 1
        self.description: tuple[tuple[Any, ...], ...] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._box: list[Any] = [None]
        self._active = False
        self._closed = False
        try:
            self._cur = conn.apsw.cursor()
        except apsw.Error as exc:
            raise _translate(exc) from exc
        self._cur.exec_trace = _trace(self._box)

    def _check_open(self) -> None:
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed cursor.")
        self.connection._check_open()

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        self._check_open()
        keyword = _keyword(sql)
        self.description, self.rowcount, self._box[0] = None, -1, None
        self._active = False
        db = self.connection.apsw
        try:
            self.connection._maybe_begin(keyword)
            self._cur.execute(sql, params or None)
            self._active = True
            self.lastrowid = db.last_insert_rowid()
            if keyword in _DML:
                self.rowcount = db.changes()
        except apsw.Error as exc:
            raise _translate(exc) from exc
        self.description = self._box[0]
        return self

    def executemany(self, sql: str, seq_of_params: Iterable[Params]) -> Cursor:
        total = 0
        for params in seq_of_params:
            self.execute(sql, params)
            self.fetchall()  # run RETURNING statements to completion
            total += max(self.rowcount, 0)
        self.rowcount = total if _keyword(sql) in _DML else -1
        self.description, self._active = None, False
        return self

    def _take(self, count: int | None) -> list[tuple[Any, ...]]:
        self._check_open()
        if not self._active:
            return []
        try:
            rows = list(self._cur if count is None else islice(self._cur, count))
        except apsw.Error as exc:
            raise _translate(exc) from exc
        self._active = count is not None and len(rows) == count
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        rows = self._take(1)
        return rows[0] if rows else None

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        return self._take(self.arraysize if size is None else size)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._take(None)

    def close(self) -> None:
        if self._closed:
            return
        self._closed, self._active = True, False
        try:
            self._cur.close(force=True)
        except apsw.Error:  # the connection may already be gone
            logger.debug("ignoring error closing apsw cursor", exc_info=True)

    def setinputsizes(self, sizes: Any) -> None: ...

    def setoutputsize(self, size: int, column: int | None = None) -> None: ...

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self

    def __next__(self) -> tuple[Any, ...]:
        if (row := self.fetchone()) is None:
            raise StopIteration
        return row


def connect(path: str, *, busy_timeout_ms: int = 5000) -> Connection:
    """Open (creating if needed) *path* in WAL mode with foreign keys enforced."""
    try:
        db = apsw.Connection(
            path, flags=apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
        )
    except apsw.Error as exc:
        raise _translate(exc) from exc
    try:
        db.set_busy_timeout(busy_timeout_ms)
        mode = db.pragma("journal_mode", "wal")
        db.pragma("synchronous", "normal")
        db.pragma("foreign_keys", "on")
    except apsw.Error as exc:
        db.close()
        raise _translate(exc) from exc
    if str(mode).lower() != "wal":
        logger.warning("journal_mode for %s is %r, not wal", path, mode)
    return Connection(db)


def create_engine(conn: Connection, **kw: Any) -> sqlalchemy.Engine:
    """Engine whose every checkout is a non-owning view of ``conn.apsw``.

    StaticPool keeps exactly one DB-API connection; pool resets only roll back, and
    pool disposal or invalidation closes the view, never the apsw connection.
    """
    import sqlalchemy  # deferred: commands that never query need not load it
    from sqlalchemy.pool import StaticPool

    db, level = conn.apsw, conn.isolation_level
    return sqlalchemy.create_engine(
        "sqlite+pysqlite://",
        module=sys.modules[__name__],
        creator=lambda: Connection(db, isolation_level=level, close_apsw=False),
        poolclass=StaticPool,
        **kw,
    )
