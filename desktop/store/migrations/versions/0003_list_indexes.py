"""Indexes the ticket list needs on a large store: queue counts and the conflicts queue.

Each index costs every ticket write, so there are two, both partial. The sort
orders by status, priority and ref need none: the list walks the existing
status, priority and number indexes one value at a time (`desktop/ui/pager.py`).
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every queue count (My open, Unassigned, All open, Pending, Solved, All)
    # filters on status, assignee and deleted = 0; this index holds all three,
    # so a count reads the index alone instead of a million ticket rows (over
    # a second each). Deleted tickets are left out: no queue counts them.
    op.execute(
        "CREATE INDEX ix_tickets_queue ON tickets (status, assignee) WHERE deleted = 0"
    )
    # The Conflicts queue, newest first, and its count: a handful of rows,
    # where a scan of the table took about half a second.
    op.execute(
        "CREATE INDEX ix_tickets_conflicts ON tickets (updated) WHERE conflicts > 0"
    )
    op.execute("PRAGMA user_version = 3")


def downgrade() -> None:
    op.execute("DROP INDEX ix_tickets_conflicts")
    op.execute("DROP INDEX ix_tickets_queue")
    op.execute("PRAGMA user_version = 2")
