"""Bring a store's schema up to date on open, and refuse one from a newer Offdesk."""

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import apsw

if TYPE_CHECKING:
    from sqlalchemy import Engine

from desktop.errors import StoreError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")

#: The schema version this Offdesk writes, kept in `PRAGMA user_version`; each
#: migration sets it, so a newer database is recognised before anything runs.
SCHEMA_VERSION = 4


def schema_version(db: apsw.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchall()[0][0])


def upgrade(engine: "Callable[[], Engine]", db: apsw.Connection, path: Path) -> None:
    """Run pending migrations; a database written by a newer Offdesk is refused."""
    found = schema_version(db)
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer Offdesk (schema {found}); this Offdesk "
            f"reads schema {SCHEMA_VERSION} at most. Upgrade Offdesk to open it."
        )
    if found == SCHEMA_VERSION:
        return
    from alembic import command  # deferred: loading Alembic costs a third of a second
    from alembic.config import Config

    log.info("upgrading %s from schema %d to %d", path, found, SCHEMA_VERSION)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
