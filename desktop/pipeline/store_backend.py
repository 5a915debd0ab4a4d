"""The pipeline's backend on the desktop store, inside the caller's transaction.

Candidates for duplicates come from the tickets table through the indexes
(requester_email COLLATE NOCASE, created) and the same on requester_name that
migration 0002 adds (ASCII case is ignored; other scripts' case is not);
round-robin turns from the `round_robin` table; held changes go to the
`quarantine` table. All of it is written in the same transaction as the
ticket, so a rollback takes it all back together.
"""

import logging
from typing import TYPE_CHECKING

from desktop.pipeline import config, quarantine
from desktop.pipeline.backend import CANDIDATES, Candidate
from desktop.pipeline.change import Change, Outcome
from desktop.pipeline.config import ConfigState, PipelineConfig
from desktop.pipeline.events import Event
from desktop.pipeline.hours import iso_time

if TYPE_CHECKING:
    from desktop.store.store import Store

log = logging.getLogger(__name__)


class StoreBackend:
    def __init__(self, store: "Store") -> None:
        self.store = store

    def config(self) -> ConfigState:
        return config.current(self.store)

    def save_pipeline(
        self, pipeline: PipelineConfig, known: list[str], author: str
    ) -> bool:
        with self.store.write():
            changed = config.write_doc(
                self.store, config.PIPELINE, pipeline.to_doc(known), author
            )
            if changed:
                self.store.emit(
                    Event(
                        "pipeline_did_reconfigure",
                        None,
                        {"by": author, "order": pipeline.arrange(known)},
                    )
                )
        return changed

    def candidates(
        self, email: str | None, name: str | None, start: int, end: int
    ) -> list[Candidate]:
        if email:
            column, key = "requester_email", email
        elif name:
            column, key = "requester_name", name
        else:
            return []
        # The index finds the requester's recent tickets; only those rows are
        # read (a ticket with no recent sibling, the most common, reads none).
        # The limit is written into the statement: bound as a parameter, it
        # made SQLite several times slower here (about 25 against 8 µs).
        rows = self.store.db.execute(
            f"SELECT id, subject, created FROM tickets WHERE {column} = ? "
            "COLLATE NOCASE AND created >= ? AND created <= ? AND deleted = 0 "
            f"ORDER BY created DESC LIMIT {CANDIDATES}",
            (key, iso_time(start), _upper(iso_time(end))),
        )
        return [Candidate(*row) for row in rows]

    def turns(self, group: str) -> int:
        row = self.store.db.execute(
            "SELECT turns FROM round_robin WHERE group_name = ?", (group,)
        ).fetchone()
        return int(row[0]) if row else 0

    def commit(self, change: Change) -> None:
        for group, taken in change.turns.items():
            self.store.db.execute(
                "INSERT INTO round_robin(group_name, turns) VALUES (?, ?) "
                "ON CONFLICT(group_name) DO UPDATE SET turns = turns + excluded.turns",
                (group, taken),
            )
        if change.retrying is not None:
            quarantine.settle(
                self.store,
                change.retrying,
                change.retried_by or change.author,
                f"committed to ticket {change.doc.get('provisional') or change.ticket}",
            )

    def hold(self, change: Change, outcome: Outcome) -> int:
        return quarantine.hold(self.store, change, outcome)

    def emit(self, event: Event) -> None:
        self.store.emit(event)


def _upper(second: str) -> str:
    """An upper bound that also admits times within that second with fractions
    (`...:05.250Z` sorts after `...:05Z` but before `...:05~`)."""
    return second[:-1] + "~"
