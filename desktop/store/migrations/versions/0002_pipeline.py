"""The pipeline: quarantine, round-robin turns, and requester indexes for duplicates.

Pipeline configuration and rules need no table: they are snapshots under
reserved ids (`config:*`) in `snapshots`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created", sa.String, nullable=False),
        sa.Column("updated", sa.String, nullable=False),
        sa.Column("ticket", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("stage", sa.String, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("resolved_by", sa.Text),
        sa.Column("resolution", sa.Text),
    )
    op.create_index("ix_quarantine_status", "quarantine", ["status"])
    op.create_table(
        "round_robin",
        sa.Column("group_name", sa.String, primary_key=True),
        sa.Column("turns", sa.Integer, nullable=False),
    )
    # Duplicate detection looks up a requester's recent tickets by these.
    # NOCASE, not lower(): SQLite answers an expression index several times
    # slower, and every created ticket asks once.
    op.execute(
        "CREATE INDEX ix_tickets_requester_email "
        "ON tickets (requester_email COLLATE NOCASE, created)"
    )
    op.execute(
        "CREATE INDEX ix_tickets_requester_name "
        "ON tickets (requester_name COLLATE NOCASE, created)"
    )
    op.execute("PRAGMA user_version = 2")


def downgrade() -> None:
    op.execute("DROP INDEX ix_tickets_requester_name")
    op.execute("DROP INDEX ix_tickets_requester_email")
    op.drop_table("round_robin")
    op.drop_index("ix_quarantine_status", "quarantine")
    op.drop_table("quarantine")
    op.execute("PRAGMA user_version = 1")
