"""Every change the window makes, as tasks on the executor, reported by signal.

Widgets call a method here and return at once; the work runs on the worker
thread through a `Desk`, and the outcome arrives as a past-tense signal the
widgets listen to. An environment error (`UserError`: bad input, a full disk,
a locked database, an unreachable server) becomes `action_failed` with its
sentence, for the banner; anything else is a bug and goes to the crash dialog
through `sys.excepthook`.
"""

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop import bundles
from desktop.errors import NothingToChange, UserError
from desktop.ui import bridges
from desktop.ui.executor import Executor, Job, Task, in_bulk
from sync.ids import TicketId

log = logging.getLogger(__name__)

#: Rows per transaction when importing with progress; cancel acts between them.
IMPORT_BATCH = 200

#: How the sample OSM notes map onto ticket fields.
SAMPLE_MAPS = [
    "opening_comment=description",
    "opened_by_username=requester.name",
    "opened_at=created",
    "country_name=custom.country",
    "note_id=custom.osm_note",
]


class DeskService(QObject):
    """The window's one way to change tickets and settings.

    Signals:
        ticket_created(object): the new ticket's state record.
        ticket_saved(object): a ticket's state record after a change.
        comment_added(object): the record after a reply or note was stored.
        comment_failed(str): a reply or note for this ticket was not stored.
        tickets_saved(object): records after a bulk edit.
        bundle_applied(object): per-ticket outcomes of a bundle.
        sync_started(): a sync began.
        sync_finished(object): what a sync did (a dict from desktop.syncing).
        import_progressed(int, int): rows done, rows in all.
        import_finished(object): {"imported", "skipped", "cancelled"}.
        agent_saved(str): the agent identity now in use.
        quarantine_changed(object): {"committed", "text"} after a retry or drop.
        action_failed(str): a sentence for the banner; nothing was lost.
    """

    ticket_created = Signal(object)
    ticket_saved = Signal(object)
    comment_added = Signal(object)
    comment_failed = Signal(str)
    tickets_saved = Signal(object)
    bundle_applied = Signal(object)
    sync_started = Signal()
    sync_finished = Signal(object)
    import_progressed = Signal(int, int)
    import_finished = Signal(object)
    agent_saved = Signal(str)
    quarantine_changed = Signal(object)
    action_failed = Signal(str)

    def __init__(self, executor: Executor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.executor = executor
        self._import_cancel = threading.Event()

    # -- tickets -------------------------------------------------------------

    def create(self, **fields: Any) -> int:
        return self._run(lambda job: job.desk.create(**fields), self.ticket_created)

    def edit(
        self,
        ticket: TicketId,
        sets: list[tuple[str, str]] | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        *,
        add_options: list[tuple[str, str]] | None = None,
        remove_options: list[tuple[str, str]] | None = None,
    ) -> int:
        def task(job: Job) -> dict[str, Any]:
            return job.desk.edit(
                ticket,
                sets,
                add_tags,
                remove_tags,
                add_options=add_options,
                remove_options=remove_options,
            )

        return self._run(task, self.ticket_saved)

    def comment(self, ticket: TicketId, body: str, *, public: bool) -> int:
        def done(record: dict[str, Any]) -> None:
            self.ticket_saved.emit(record)
            self.comment_added.emit(record)

        return self._run(
            lambda job: job.desk.comment(ticket, body, public=public),
            done,
            failed=lambda _: self.comment_failed.emit(str(ticket)),
        )

    def revert(self, ticket: TicketId, snapshot: str) -> int:
        return self._run(
            lambda job: job.desk.revert(ticket, snapshot), self.ticket_saved
        )

    def resolve(
        self, ticket: TicketId, field: str, *, keep: bool, value: str | None = None
    ) -> int:
        return self._run(
            lambda job: job.desk.resolve(ticket, field, keep=keep, value=value),
            self.ticket_saved,
        )

    def set_deleted(self, ticket: TicketId, deleted: bool) -> int:
        def task(job: Job) -> Any:
            return job.desk.delete(ticket) if deleted else job.desk.restore(ticket)

        return self._run(task, self.ticket_saved)

    def bulk_edit(
        self,
        tickets: list[TicketId],
        sets: list[tuple[str, str]],
        add_tags: list[str],
        remove_tags: list[str],
    ) -> int:
        """Edit each ticket in turn. One already holding the values is skipped;
        one that cannot take the edit (deleted by a sync since it was selected,
        say) is skipped too and named afterwards, so the others still get it."""

        def task(job: Job) -> list[dict[str, Any]]:
            records = []
            refused: list[str] = []
            for n, ticket in enumerate(tickets, start=1):
                try:
                    records.append(job.desk.edit(ticket, sets, add_tags, remove_tags))
                except NothingToChange:
                    pass
                except UserError as e:
                    refused.append(str(e))
                job.report(n, len(tickets))
            if refused:
                note = self.tr("%1 of %2 tickets were not edited: %3")
                self.action_failed.emit(
                    note.replace("%1", str(len(refused)))
                    .replace("%2", str(len(tickets)))
                    .replace("%3", refused[0])
                )
            return records

        return self._run(task, self.tickets_saved)

    # -- identity and settings ------------------------------------------------

    def set_agent(self, text: str) -> int:
        return self._run(lambda job: str(job.desk.set_agent(text)), self.agent_saved)

    def save_setting(self, key: str, value: Any) -> int:
        return self._run(lambda job: job.store.set_setting(key, value), None)

    # -- the quarantine ----------------------------------------------------------

    def retry_quarantined(self, item: int) -> int:
        return self._run(
            lambda job: bridges.retry_quarantined(job.desk, item),
            self.quarantine_changed,
        )

    def drop_quarantined(self, item: int, reason: str | None) -> int:
        def task(job: Job) -> dict[str, Any]:
            bridges.drop_quarantined(job.store, item, job.desk.agent, reason)
            return {"committed": False, "text": self.tr("Dropped.")}

        return self._run(task, self.quarantine_changed)

    # -- bringing snapshots in -------------------------------------------------

    def apply_bundle(self, path: Path) -> int:
        return self._run(
            in_bulk(lambda job: bundles.apply(job.store, path)), self.bundle_applied
        )

    def sync(self) -> int | None:
        """Run one sync with the configured server, if sync is installed."""
        if not bridges.sync_available():
            self.action_failed.emit(self.tr("Sync is not available in this build."))
            return None
        self.sync_started.emit()
        return self._run(
            in_bulk(lambda job: bridges.sync(job.store)),
            self.sync_finished,
            failed=lambda e: self.sync_finished.emit({"error": str(e)}),
        )

    def import_file(
        self, path: Path, fmt: str, maps: list[str], *, encoding: str | None = None
    ) -> int:
        """Import in batches so progress shows and Cancel stops between batches.

        Each batch is its own transaction: a cancel keeps the batches already
        imported and says how many. Bad rows are skipped and listed, rows a
        pipeline stage stops wait in quarantine.
        """
        # TODO: a cancelled import keeps the batches it finished; an agent who
        # wants all-or-nothing must use `offdesk import` on the command line.
        from desktop.importer import import_file

        cancel = self._import_cancel = threading.Event()

        def task(job: Job) -> dict[str, Any]:
            report = import_file(
                job.desk,
                path,
                fmt,
                maps,
                skip_bad=True,
                encoding=encoding,
                batch=IMPORT_BATCH,
                # Emitted from the worker; Qt queues it to the GUI thread.
                progress=self.import_progressed.emit,
                cancelled=lambda: cancel.is_set() or job.cancelled.is_set(),
            )
            return {
                "imported": report.imported,
                "skipped": [f"line {b.line}: {b.reason}" for b in report.bad],
                "quarantined": len(report.quarantined),
                "cancelled": report.cancelled,
            }

        def failed(e: BaseException) -> None:
            self.import_finished.emit(
                {
                    "imported": 0,
                    "skipped": [],
                    "quarantined": 0,
                    "cancelled": False,
                    "error": str(e),
                }
            )

        return self._run(in_bulk(task), self.import_finished, failed)

    def cancel_import(self) -> None:
        """Stop the running import after its current batch."""
        self._import_cancel.set()

    # -- plumbing --------------------------------------------------------------

    def run(self, task: Task, signal: Any = None) -> int:
        """Run any task, with the usual error handling; `signal` gets the result."""
        return self._run(task, signal)

    def _run(
        self,
        task: Task,
        signal: Any,
        failed: Callable[[BaseException], None] | None = None,
    ) -> int:
        def done(result: Any) -> None:
            if hasattr(signal, "emit"):
                signal.emit(result)
            elif signal is not None:
                signal(result)

        def error(e: BaseException) -> None:
            if failed is not None:
                failed(e)
            if isinstance(e, UserError):
                log.info("action refused: %s", e)
                self.action_failed.emit(str(e))
            else:
                sys.excepthook(type(e), e, e.__traceback__)

        return self.executor.submit(task, done, error)
