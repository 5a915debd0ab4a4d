"""The store's tables as SQLAlchemy Core objects, for queries.

Migrations under `migrations/versions` create and change these tables; this
module describes the newest shape and must match what the last migration made
(a test compares them). `snapshots` is the truth; every other table is derived
from it and can be rebuilt.
"""

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

settings = Table(
    "settings",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("ticket", String, nullable=False, index=True),
    Column("clock", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("received", String, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("rowid", Integer, primary_key=True),
    Column("id", String, nullable=False, unique=True),
    Column("number", Integer, unique=True),
    Column("provisional", String, nullable=False, index=True),
    Column("subject", Text, nullable=False),
    Column("status", String, nullable=False, index=True),
    Column("priority", String, nullable=False, index=True),
    Column("type", String),
    Column("requester_name", Text),
    Column("requester_email", Text),
    Column("assignee", Text, index=True),
    Column("group", Text),
    Column("created", String, nullable=False, index=True),
    Column("updated", String, nullable=False, index=True),
    Column("deleted", Integer, nullable=False, default=0),
    Column("conflicts", Integer, nullable=False, default=0),
    Column("state", Text, nullable=False),
)

ticket_tags = Table(
    "ticket_tags",
    metadata,
    Column("ticket", Integer, primary_key=True),
    Column("tag", String, primary_key=True, index=True),
)

# Duplicate detection: a requester's recent tickets (migration 0002).
Index(
    "ix_tickets_requester_email",
    tickets.c.requester_email.collate("NOCASE"),
    tickets.c.created,
)
Index(
    "ix_tickets_requester_name",
    tickets.c.requester_name.collate("NOCASE"),
    tickets.c.created,
)
# Queue counts and the Conflicts queue (migration 0003).
Index(
    "ix_tickets_queue",
    tickets.c.status,
    tickets.c.assignee,
    sqlite_where=tickets.c.deleted == 0,
)
Index(
    "ix_tickets_conflicts",
    tickets.c.updated,
    sqlite_where=tickets.c.conflicts > 0,
)

#: Changes a pipeline stage rejected or failed on, kept until retried or dropped.
quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created", String, nullable=False),
    Column("updated", String, nullable=False),
    Column("ticket", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("origin", String, nullable=False),
    Column("stage", String, nullable=False),
    Column("reason", Text, nullable=False),
    Column("input", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("status", String, nullable=False, index=True),
    Column("resolved_by", Text),
    Column("resolution", Text),
)

#: Round-robin assignments handed out per group, so the rotation survives restarts.
round_robin = Table(
    "round_robin",
    metadata,
    Column("group_name", String, primary_key=True),
    Column("turns", Integer, nullable=False),
)
