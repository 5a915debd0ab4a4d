"""The store's schema: created by the migrations, recorded, and refused when newer."""

import hashlib
from pathlib import Path

import alembic.command
import apsw
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from desktop.desk import Desk
from desktop.errors import StoreError
from desktop.store import migrate, schema
from desktop.store.queries import TicketFilter, find
from desktop.store.store import DB_NAME, Store


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def raw(path: Path) -> apsw.Connection:
    return apsw.Connection(str(path / DB_NAME))


def test_a_new_data_dir_gets_the_current_schema_version(tmp_path: Path):
    Store(tmp_path).close()

    db = raw(tmp_path)
    try:
        assert migrate.schema_version(db) == migrate.SCHEMA_VERSION
        assert db.execute("PRAGMA user_version").fetchall() == [
            (migrate.SCHEMA_VERSION,)
        ]
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]
    finally:
        db.close()


def test_reopening_a_store_does_not_run_the_migrations_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = []
    real_upgrade = alembic.command.upgrade

    def counting_upgrade(*args, **kwargs):
        calls.append(args)
        return real_upgrade(*args, **kwargs)

    monkeypatch.setattr(alembic.command, "upgrade", counting_upgrade)

    Store(tmp_path).close()
    assert len(calls) == 1
    Store(tmp_path).close()
    Store(tmp_path).close()

    assert len(calls) == 1
    db = raw(tmp_path)
    try:
        assert db.execute("SELECT count(*) FROM alembic_version").fetchall() == [(1,)]
    finally:
        db.close()


def test_a_database_from_a_newer_offdesk_is_refused_and_left_alone(tmp_path: Path):
    Store(tmp_path).close()
    newer = migrate.SCHEMA_VERSION + 41
    db = raw(tmp_path)
    db.execute(f"PRAGMA user_version = {newer}")
    db.close()
    before = hashlib.sha256((tmp_path / DB_NAME).read_bytes()).hexdigest()

    with pytest.raises(StoreError) as caught:
        Store(tmp_path)

    message = str(caught.value)
    assert str(newer) in message
    assert f"schema {migrate.SCHEMA_VERSION}" in message
    after = hashlib.sha256((tmp_path / DB_NAME).read_bytes()).hexdigest()
    assert after == before
    db = raw(tmp_path)
    try:
        assert migrate.schema_version(db) == newer
    finally:
        db.close()


def _columns(db: apsw.Connection, table: str) -> dict[str, tuple[bool, bool]]:
    """Column name -> (not null, part of the primary key), as SQLite has it."""
    return {
        name: (bool(notnull), bool(pk))
        for _, name, _, notnull, _, pk in db.execute(f'PRAGMA table_info("{table}")')
    }


def test_the_migrated_tables_match_the_schema_module(tmp_path: Path):
    Store(tmp_path).close()
    db = raw(tmp_path)
    try:
        for table in schema.metadata.sorted_tables:
            found = _columns(db, table.name)
            expected = {c.name for c in table.columns}

            assert set(found) == expected, table.name
            for column in table.columns:
                not_null, primary = found[column.name]
                assert primary == column.primary_key, f"{table.name}.{column.name}"
                if not column.primary_key:
                    assert not_null == (not column.nullable), (
                        f"{table.name}.{column.name}"
                    )
    finally:
        db.close()


def test_the_migrated_indexes_match_the_schema_module(tmp_path: Path):
    Store(tmp_path).close()
    db = raw(tmp_path)
    try:
        for table in schema.metadata.sorted_tables:
            found = {
                name
                for _, name, *_ in db.execute(f'PRAGMA index_list("{table.name}")')
                if not name.startswith("sqlite_autoindex")
            }
            assert found == {i.name for i in table.indexes}, table.name
    finally:
        db.close()


def test_the_migration_creates_the_full_text_index(tmp_path: Path):
    Store(tmp_path).close()
    db = raw(tmp_path)
    try:
        columns = [row[1] for row in db.execute("PRAGMA table_info(ticket_fts)")]
        assert columns == ["subject", "description", "comments", "requester"]
    finally:
        db.close()


def test_a_schema_2_store_gets_the_list_indexes_and_keeps_its_tickets(tmp_path: Path):
    with Store(tmp_path) as store:
        Desk(store).set_agent("Ann Agent <ann@example.com>")
        Desk(store).create(subject="Printer on fire", requester="Bob <bob@x.org>")
        config = Config()
        config.set_main_option("script_location", str(migrate.MIGRATIONS))
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            alembic.command.downgrade(config, "0002")
    db = raw(tmp_path)
    try:
        assert migrate.schema_version(db) == 2
        assert "ix_tickets_queue" not in _index_names(db)
    finally:
        db.close()

    with Store(tmp_path) as store:
        assert store.ticket_count() == 1
    db = raw(tmp_path)
    try:
        assert migrate.schema_version(db) == migrate.SCHEMA_VERSION
        assert {"ix_tickets_queue", "ix_tickets_conflicts"} <= _index_names(db)
    finally:
        db.close()


def test_a_schema_3_store_finds_its_tags_whatever_their_case(tmp_path: Path):
    """Before schema 4 the tag index kept each spelling as written."""
    with Store(tmp_path) as store:
        desk = Desk(store)
        desk.set_agent("Ann Agent <ann@example.com>")
        desk.create(subject="VPN down", requester="Bob <bob@x.org>", tags=["VPN"])
        config = Config()
        config.set_main_option("script_location", str(migrate.MIGRATIONS))
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            alembic.command.downgrade(config, "0003")
        # Going down, each tag is spelt as its document has it again.
        assert list(store.db.execute("SELECT tag FROM ticket_tags")) == [("VPN",)]
        with store.write():
            # A merge can leave both spellings on one ticket.
            store.db.execute("INSERT INTO ticket_tags SELECT rowid, 'vpn' FROM tickets")

    with Store(tmp_path) as store:
        assert migrate.schema_version(store.db) == migrate.SCHEMA_VERSION
        rows = list(store.db.execute("SELECT tag FROM ticket_tags"))
        assert rows == [("vpn",)]
        for spelling in ("vpn", "VPN", "Vpn"):
            found = find(store, TicketFilter(tags=[spelling]))
            assert [r["doc"]["tags"] for r in found] == [{"VPN": True}], spelling


def _index_names(db: apsw.Connection) -> set[str]:
    return {name for _, name, *_ in db.execute('PRAGMA index_list("tickets")')}
