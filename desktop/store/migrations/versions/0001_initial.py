"""The first schema: settings, snapshots, ticket query tables and full-text index."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String, nullable=False, unique=True),
        sa.Column("ticket", sa.String, nullable=False),
        sa.Column("clock", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received", sa.String, nullable=False),
    )
    op.create_index("ix_snapshots_ticket", "snapshots", ["ticket"])
    op.create_table(
        "tickets",
        sa.Column("rowid", sa.Integer, primary_key=True),
        sa.Column("id", sa.String, nullable=False, unique=True),
        sa.Column("number", sa.Integer, unique=True),
        sa.Column("provisional", sa.String, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("priority", sa.String, nullable=False),
        sa.Column("type", sa.String),
        sa.Column("requester_name", sa.Text),
        sa.Column("requester_email", sa.Text),
        sa.Column("assignee", sa.Text),
        sa.Column("group", sa.Text),
        sa.Column("created", sa.String, nullable=False),
        sa.Column("updated", sa.String, nullable=False),
        sa.Column("deleted", sa.Integer, nullable=False),
        sa.Column("conflicts", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    for column in ("provisional", "status", "priority", "assignee", "created"):
        op.create_index(f"ix_tickets_{column}", "tickets", [column])
    op.create_index("ix_tickets_updated", "tickets", ["updated"])
    op.create_table(
        "ticket_tags",
        sa.Column("ticket", sa.Integer, primary_key=True),
        sa.Column("tag", sa.String, primary_key=True),
    )
    op.create_index("ix_ticket_tags_tag", "ticket_tags", ["tag"])
    # Contentless: the text lives in `tickets.state`; the index only finds rowids.
    op.execute(
        "CREATE VIRTUAL TABLE ticket_fts USING fts5("
        "subject, description, comments, requester, content='', "
        "contentless_delete=1, tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute("PRAGMA user_version = 1")
