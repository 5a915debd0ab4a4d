"""Tags are found however they are spelt: the tag index holds each tag's key.

Normalizing keeps one spelling per tag ignoring case and accent encoding
("VPN" and "vpn" are one tag), so a filter by tag must ignore them too; keying
once when written keeps the index usable. `tag_key` is the SQL function the
store registers on its connection (`desktop.ticket.tag_key`, the same key the
tag index is written with).
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A ticket may carry two spellings (added on two laptops before a merge):
    # they fold to one row.
    op.execute(
        "CREATE TABLE ticket_tags_folded (ticket INTEGER NOT NULL, "
        "tag VARCHAR NOT NULL, PRIMARY KEY (ticket, tag))"
    )
    op.execute(
        "INSERT OR IGNORE INTO ticket_tags_folded (ticket, tag) "
        "SELECT ticket, tag_key(tag) FROM ticket_tags"
    )
    op.execute("DROP TABLE ticket_tags")
    op.execute("ALTER TABLE ticket_tags_folded RENAME TO ticket_tags")
    op.execute("CREATE INDEX ix_ticket_tags_tag ON ticket_tags (tag)")
    op.execute("PRAGMA user_version = 4")


def downgrade() -> None:
    # Schema 3 held each tag as spelt: write it again from the documents.
    op.execute("DELETE FROM ticket_tags")
    op.execute(
        "INSERT OR IGNORE INTO ticket_tags (ticket, tag) SELECT tickets.rowid, "
        "tags.key FROM tickets, json_each(tickets.state, '$.doc.tags') AS tags"
    )
    op.execute("PRAGMA user_version = 3")
