"""Migration 0002: a schema-1 store gains the pipeline's tables, keeping its data."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from desktop.desk import Desk
from desktop.pipeline import quarantine
from desktop.store import dbapi, migrate
from desktop.store.store import DB_NAME, Store
from tests.conftest import AGENT
from tests.desktop.pipeline.conftest import REQUESTER


def schema_one_store(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    conn = dbapi.connect(str(data_dir / DB_NAME))
    engine = dbapi.create_engine(conn)
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    conn.apsw.execute("INSERT INTO settings(key, value) VALUES ('marker', '42')")
    engine.dispose()
    conn.close()


def test_a_schema_one_store_is_upgraded_and_keeps_its_data(tmp_path: Path):
    data_dir = tmp_path / "old"
    schema_one_store(data_dir)
    with Store(data_dir) as store:
        assert migrate.schema_version(store.db) == migrate.SCHEMA_VERSION >= 2
        assert store.setting("marker") == 42
        desk = Desk(store)
        desk.set_agent(AGENT)
        ref = desk.create(subject="After the upgrade", requester=REQUESTER)
        assert quarantine.items(store) == []

    with Store(data_dir) as store:
        assert store.ticket_record(ref["doc"]["id"])["sla"] is not None
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        assert {"quarantine", "round_robin", "ix_tickets_requester_email"} <= tables
