"""The main window: queues on the left, the ticket list, the open ticket on the right.

It wires models to views and views to the service; it holds no ticket logic.
Reads go through the GUI thread's read-only store (quick, indexed), counting
goes to the reader executor, and every write goes to the service.
"""

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import search_syntax
from desktop.errors import UserError
from desktop.store.store import Store
from desktop.ui import bridges
from desktop.ui.drafts import DraftBook
from desktop.ui.executor import Executor, Job
from desktop.ui.list_query import ListQuery
from desktop.ui.main_actions import install_actions
from desktop.ui.models.history import HistoryModel
from desktop.ui.models.queues import KEY_ROLE, QueueModel, query_for_search
from desktop.ui.models.ticket_list import TicketListModel
from desktop.ui.service import DeskService
from desktop.ui.sync_state import SyncState
from desktop.ui.views.banner import Banner
from desktop.ui.views.conflicts_panel import ConflictsPanel
from desktop.ui.views.history_panel import HistoryPanel
from desktop.ui.views.queue_delegate import QueueDelegate
from desktop.ui.views.sync_indicator import SyncIndicator
from desktop.ui.views.ticket_panel import TicketPanel
from desktop.ui.views.ticket_table import TicketTable
from sync.ids import TicketId

log = logging.getLogger(__name__)

#: Retries after a sync found no network: first after this, then doubling.
RETRY_FIRST_MS = 15_000
RETRY_CEILING_MS = 5 * 60_000

#: Typing pauses this long before the list follows the search box.
SEARCH_DEBOUNCE_MS = 150
#: The list's count follows once the list has stayed put this long: counting a
#: search's hits can take longer than a keystroke, and while typing it would
#: compete with the next keystroke's query for the disk and the CPU.
COUNT_DELAY_MS = 300
SAVED_SEARCHES = "ui.saved_searches"


class MainWindow(QMainWindow):
    """Signals:
    counts_refreshed(object): queue key -> count, after a recount.
    ticket_shown(str): the right-hand panel now shows this ticket ("" for none).
    """

    counts_refreshed = Signal(object)
    ticket_shown = Signal(str)

    def __init__(
        self,
        store: Store,
        service: DeskService,
        reader: Executor,
        drafts: DraftBook,
        settings: QSettings,
        *,
        lister: Executor | None = None,
        sync_available: bool = False,
        pipeline: Any = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Offdesk")
        self.store = store
        self.service = service
        self.reader = reader
        self.settings = settings
        self.sync_available = sync_available
        self.pipeline = pipeline
        self.agent = str(store.setting("agent") or "")
        self._counting = False
        self._reselect = ""
        self._recount_again = False
        #: Queue counts change only when tickets do, not when the list does.
        self._queues_stale = True

        self.queue_model = QueueModel(self.agent, quarantine=pipeline is not None)
        self.queue_model.set_saved_searches(
            [tuple(x) for x in store.setting(SAVED_SEARCHES, [])]  # type: ignore[misc]
        )
        self.list_model = TicketListModel(store, loader=lister)
        self.list_model.conflict_icon = self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        self.history_model = HistoryModel()
        self._build(drafts)
        self.actions_by_name = install_actions(self)
        self._connect()

        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.count_timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self.count_timer.timeout.connect(self.recount)
        self.indicator_timer = QTimer(self, interval=30_000)
        self.indicator_timer.timeout.connect(lambda: self.sync_indicator.refresh())
        self.indicator_timer.start()
        self.sync_timer = QTimer(self)
        self.sync_timer.timeout.connect(self.sync_now)
        #: After a sync found no network: try again soon, then less often.
        self.retry_timer = QTimer(self, singleShot=True)
        self.retry_timer.timeout.connect(self.sync_now)
        self._init_sync_state()
        self.set_sync_interval(int(settings.value("sync/minutes", 5)))
        # After the timers: a restored column sort reloads the list at once.
        self._restore_layout()

        last = str(settings.value("window/queue", "open"))
        self.queues.setCurrentIndex(
            self.queue_model.index(self.queue_model.row_of(last))
        )
        self.recount()

    # -- building ------------------------------------------------------------------

    def _build(self, drafts: DraftBook) -> None:
        self.banner = Banner()
        self.queues = QListView(objectName="queues")
        self.queues.setModel(self.queue_model)
        self.queues.setItemDelegate(QueueDelegate(self.queues))
        self.queues.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.queues.customContextMenuRequested.connect(self._queue_menu)

        self.search = QLineEdit(objectName="search")
        self.search.setPlaceholderText(
            self.tr("Search (Ctrl+F): words, status:open, tag:vpn, assignee:me…")
        )
        self.search.setClearButtonEnabled(True)
        self.search_hint = QLabel(objectName="searchHint")
        self.search_hint.setStyleSheet("color: #c92a2a")
        self.search_hint.hide()
        self.table = TicketTable(self.list_model)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.search)
        centre_layout.addWidget(self.search_hint)
        centre_layout.addWidget(self.table)

        self.panel = TicketPanel(drafts)
        self.history_panel = HistoryPanel(self.history_model)
        self.conflicts_panel = ConflictsPanel()
        self.tabs = QTabWidget(objectName="ticketTabs")
        self.tabs.addTab(self.panel, self.tr("Ticket"))
        self.tabs.addTab(self.history_panel, self.tr("History"))
        self.tabs.addTab(self.conflicts_panel, self.tr("Conflicts"))

        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplit")
        self.splitter.addWidget(self.queues)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([160, 680, 440])

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(body)

        self.shown_label = QLabel(objectName="shownCount")
        self.sync_indicator = SyncIndicator()
        self.statusBar().addWidget(self.shown_label)
        self.statusBar().addPermanentWidget(self.sync_indicator)
        self.resize(1280, 800)

    def _connect(self) -> None:
        self.queues.selectionModel().currentChanged.connect(self._queue_changed)
        self.table.ticket_selected.connect(self._ticket_chosen)
        self.list_model.query_applied.connect(self._query_applied)
        self.list_model.query_failed.connect(self._query_failed)
        self.panel.field_edited.connect(self._field_edited)
        self.panel.options_edited.connect(self._options_edited)
        self.panel.tags_edited.connect(self._tags_edited)
        self.panel.reply_sent.connect(self._reply_sent)
        self.panel.conflicts_clicked.connect(
            lambda: self.tabs.setCurrentWidget(self.conflicts_panel)
        )
        self.panel.draft_failed.connect(self.banner.show_message)
        self.history_panel.revert_requested.connect(self._revert)
        self.conflicts_panel.kept.connect(self._keep_value)
        self.conflicts_panel.chosen.connect(self._choose)

        s = self.service
        s.ticket_created.connect(self._created)
        s.ticket_saved.connect(lambda r: self._saved([r]))
        s.tickets_saved.connect(self._saved)
        s.bundle_applied.connect(lambda _: self._arrived())
        s.sync_started.connect(self._sync_started)
        s.sync_finished.connect(self._sync_finished)
        s.import_finished.connect(lambda _: self._arrived())
        s.agent_saved.connect(self._agent_saved)
        s.quarantine_changed.connect(lambda _: self._arrived())
        s.action_failed.connect(self.banner.show_message)
        s.comment_added.connect(lambda r: self.panel.reply_delivered(r["doc"]["id"]))
        s.comment_failed.connect(self.panel.reply_failed)

    # -- the list --------------------------------------------------------------------

    def _queue_changed(self, current: Any, previous: Any) -> None:
        if current.isValid() and self.queue_model.queue(current.row()).special:
            # The quarantine is a dialog, not a list: open it, stay where we were.
            self.open_quarantine()
            if previous.isValid():
                self.queues.setCurrentIndex(previous)
            return
        self.apply_search()

    def open_quarantine(self) -> None:
        from desktop.ui.dialogs.quarantine import QuarantineDialog
        from desktop.ui.models.quarantine import QuarantineModel

        def load() -> list[dict[str, Any]]:
            return [i.to_json() for i in bridges.quarantined(self.store)]

        model = QuarantineModel()
        model.set_items(load())
        dialog = QuarantineDialog(model, self.service, load, self)
        dialog.exec()
        dialog.deleteLater()  # and with it, its hold on the service's signals

    def current_queue_query(self) -> ListQuery:
        index = self.queues.currentIndex()
        if not index.isValid():
            return ListQuery()
        return self.queue_model.queue(index.row()).query

    def apply_search(self) -> None:
        """Show the current queue narrowed by the search box, keeping the selection."""
        self.search_timer.stop()
        text = self.search.text()
        parsed = search_syntax.parse(text)
        if parsed.problems:
            self.search_hint.setText(
                self.tr("Not understood: %1").replace("%1", ", ".join(parsed.problems))
            )
        self.search_hint.setVisible(bool(parsed.problems))
        self._reselect = self.table.current_ticket() or self._reselect
        query = query_for_search(text, self.agent, self.current_queue_query())
        if parsed.sort is not None:
            self.table.clear_header_sort()
        elif (chosen := self.table.header_sort()) is not None:
            query = query.with_sort(chosen)  # a clicked column stays in force
        self.list_model.load(query)

    def _query_applied(self) -> None:
        """The list shows a new query: keep the open ticket selected if listed."""
        keep, self._reselect = self._reselect, ""
        if keep and not self.table.select_ticket(keep):
            self.show_ticket("")
        self.count_timer.start()

    def _query_failed(self, message: str) -> None:
        self.search_hint.setText(message)
        self.search_hint.show()

    def _ticket_chosen(self, ticket: str) -> None:
        # A ticket chosen while the list re-reads is the one to keep selected
        # when the new rows arrive, not the one selected when the read began.
        if ticket:
            self._reselect = ticket
        self.show_ticket(ticket)

    def show_ticket(self, ticket: str) -> None:
        if not ticket:
            self.panel.set_record(None)
            self.history_panel.set_history(None)
            self.conflicts_panel.set_conflicts([], "")
            self._set_conflict_tab(0)
            self.ticket_shown.emit("")
            return
        try:
            record = self.store.ticket_record(TicketId(ticket))
        except UserError as e:
            self.banner.show_message(str(e))
            return
        self._show_record(record)

    def _show_record(self, record: dict[str, Any]) -> None:
        ticket = record["doc"]["id"]
        device = str(self.store.device_id)
        self.panel.set_record(record)
        self.history_panel.set_history(self.store.history(TicketId(ticket)), device)
        self.conflicts_panel.set_conflicts(record.get("conflicts", []), device)
        self._set_conflict_tab(len(record.get("conflicts", [])))
        self.ticket_shown.emit(ticket)

    def _set_conflict_tab(self, count: int) -> None:
        index = self.tabs.indexOf(self.conflicts_panel)
        if count:
            self.tabs.setTabText(index, self.tr("Conflicts (%n)", "", count))
            self.tabs.setTabIcon(index, self.list_model.conflict_icon)
        else:
            self.tabs.setTabText(index, self.tr("Conflicts"))
            self.tabs.setTabIcon(index, QIcon())

    # -- counts ------------------------------------------------------------------------

    def recount(self, *, queues: bool = False) -> None:
        """Count the shown list, and the queues when tickets changed, on the reader
        thread; one count at a time, latest wins."""
        self._queues_stale = self._queues_stale or queues
        if self._counting:
            self._recount_again = True
            return
        self._counting = True
        queries = {}
        if self._queues_stale:
            self._queues_stale = False
            queries = {
                q.key: q.query for q in self.queue_model.queues() if not q.special
            }
        queries["_shown"] = self.list_model.query
        pipeline = self.pipeline
        sync_available = self.sync_available

        def task(job: Job) -> dict[str, int]:
            from desktop.ui import pager  # on the reader thread, off the GUI's

            counts = {}
            for key, query in queries.items():
                try:
                    counts[key] = pager.count(job.store, query)
                except UserError:
                    counts[key] = 0
            if pipeline is not None:
                counts["quarantine"] = _quarantine_count(job.store)
            if sync_available:
                counts["_waiting"] = bridges.waiting(job.store)
            return counts

        self.reader.submit(task, self._counted, self._count_failed)

    def _counted(self, counts: dict[str, int]) -> None:
        self._counting = False
        shown = counts.pop("_shown", 0)
        waiting = counts.pop("_waiting", None)
        if waiting is not None and waiting != self.sync_indicator.state.waiting:
            self.sync_indicator.state.waiting = waiting
            self.sync_indicator.refresh()
        self.shown_label.setText(self.tr("%n ticket(s)", "", shown))
        if counts:
            self.queue_model.set_counts(counts)
            self.counts_refreshed.emit(counts)
        if self._recount_again:
            self._recount_again = False
            self.recount()

    def _count_failed(self, error: BaseException) -> None:
        self._counting = False
        self._queues_stale = True
        log.warning("counting tickets failed: %s", error)

    # -- edits -------------------------------------------------------------------------

    def _current(self) -> TicketId | None:
        ticket = self.panel.ticket
        return TicketId(ticket) if ticket else None

    def _field_edited(self, field: str, value: str) -> None:
        if (ticket := self._current()) is not None:
            self.service.edit(ticket, [(field, value)])

    def _options_edited(self, field: str, added: list[str], removed: list[str]) -> None:
        if (ticket := self._current()) is not None:
            self.service.edit(
                ticket,
                add_options=[(field, o) for o in added],
                remove_options=[(field, o) for o in removed],
            )

    def _tags_edited(self, added: list[str], removed: list[str]) -> None:
        if (ticket := self._current()) is not None:
            self.service.edit(ticket, [], added, removed)

    def _reply_sent(self, body: str, public: bool) -> None:
        if (ticket := self._current()) is not None:
            self.service.comment(ticket, body, public=public)

    def _revert(self, snapshot: str) -> None:
        if (ticket := self._current()) is not None:
            self.service.revert(ticket, snapshot)

    def _keep_value(self, field: str) -> None:
        if (ticket := self._current()) is not None:
            self.service.resolve(ticket, field, keep=True)

    def _choose(self, field: str, value: str) -> None:
        if (ticket := self._current()) is not None:
            self.service.resolve(ticket, field, keep=False, value=value)

    def new_ticket(self) -> None:
        from desktop.ui.dialogs.new_ticket import NewTicketDialog

        dialog = NewTicketDialog(self)
        if dialog.exec():
            self.service.create(**dialog.fields())

    def bulk_edit(self) -> None:
        from desktop.ui.dialogs.bulk_edit import BulkEditDialog

        tickets = self.table.selected_tickets()
        if not tickets:
            return
        dialog = BulkEditDialog(len(tickets), self)
        if dialog.exec():
            sets, add, remove = dialog.changes()
            if sets or add or remove:
                self.service.bulk_edit(
                    [TicketId(t) for t in tickets], sets, add, remove
                )

    def apply_bundle(self) -> None:
        from pathlib import Path

        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Apply a bundle"), "", self.tr("Bundles (*.bundle);;All (*)")
        )
        if name:
            self.service.apply_bundle(Path(name))

    # -- results coming back -----------------------------------------------------------

    def _created(self, record: dict[str, Any]) -> None:
        self._reselect = record["doc"]["id"]
        self._queues_stale = True
        self.list_model.load(self.list_model.query)

    def _saved(self, records: list[dict[str, Any]]) -> None:
        ids = [r["doc"]["id"] for r in records]
        self.list_model.refresh_tickets(ids)
        shown = self.panel.ticket
        for record in records:
            if record["doc"]["id"] == shown:
                self._show_record(record)
        self.recount(queues=True)

    def _arrived(self) -> None:
        """Snapshots came from elsewhere: re-read the list, keep the selection."""
        self._reselect = self.table.current_ticket()
        self._queues_stale = True
        self.list_model.load(self.list_model.query)

    def _agent_saved(self, agent: str) -> None:
        self.agent = agent
        self._queues_stale = True
        row = self.queues.currentIndex().row()
        self.queue_model.set_agent(agent)
        self.queues.setCurrentIndex(self.queue_model.index(max(row, 0)))

    # -- saved searches ----------------------------------------------------------------

    def save_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.banner.show_message(self.tr("Type a search first, then save it."))
            return
        name, ok = QInputDialog.getText(self, self.tr("Save search"), self.tr("Name"))
        if ok and name.strip():
            saved = [s for s in self.queue_model.saved_searches if s[0] != name.strip()]
            saved.append((name.strip(), text))
            self._store_saved(saved)

    def _queue_menu(self, pos: Any) -> None:
        index = self.queues.indexAt(pos)
        key = str(index.data(KEY_ROLE) or "")
        if not key.startswith("saved:"):
            return
        menu = QMenu(self)
        remove = menu.addAction(self.tr("Remove saved search"))
        if menu.exec(self.queues.viewport().mapToGlobal(pos)) is remove:
            name = key.removeprefix("saved:")
            self._store_saved(
                [s for s in self.queue_model.saved_searches if s[0] != name]
            )

    def _store_saved(self, saved: list[tuple[str, str]]) -> None:
        """Store the saved searches; the agent stays in the queue they were in,
        or goes to the first one if it was the saved search just removed."""
        key = str(self.queues.currentIndex().data(KEY_ROLE) or "")
        self.queue_model.set_saved_searches(saved)
        self._queues_stale = True
        self.service.save_setting(SAVED_SEARCHES, [list(s) for s in saved])
        self.queues.setCurrentIndex(
            self.queue_model.index(self.queue_model.row_of(key))
        )

    # -- sync --------------------------------------------------------------------------

    def _init_sync_state(self) -> None:
        url, _ = bridges.remote(self.store) if self.sync_available else ("", False)
        last = self.settings.value("sync/last")
        state = SyncState(configured=bool(url))
        if isinstance(last, str) and last:
            state.last_synced = datetime.fromisoformat(last)
        self.sync_indicator.set_state(state)

    def remote_changed(self, url: str) -> None:
        """A server was set in Settings: the indicator stops saying "local only"."""
        self.sync_indicator.state.configured = bool(url)
        self.sync_indicator.refresh()

    def set_sync_interval(self, minutes: int) -> None:
        """Background sync every `minutes`, once a server is set (0: manual only)."""
        self.sync_timer.stop()
        if self.sync_available and minutes > 0:
            self.sync_timer.start(minutes * 60_000)

    def _retry_when_back(self, offline: bool) -> None:
        """After a sync that found no network, sync again in RETRY_FIRST_MS, then
        twice as long each time up to the sync interval, so an agent coming back
        online is synced within seconds rather than at the next tick.

        The server itself is what is tried: being on a network is not the same
        as reaching it (a hotel login page, a VPN still connecting).
        """
        if not offline:
            self.retry_timer.stop()
            self.retry_timer.setInterval(0)
            return
        ceiling = self.sync_timer.interval() if self.sync_timer.isActive() else 0
        ceiling = ceiling or RETRY_CEILING_MS
        last = self.retry_timer.interval()
        self.retry_timer.start(min(ceiling, last * 2) if last else RETRY_FIRST_MS)

    def sync_now(self) -> None:
        state = self.sync_indicator.state
        if state.syncing:
            return
        if not state.configured and self.sender() is self.sync_timer:
            if not bridges.remote(self.store)[0]:
                return  # nothing to sync with yet; the timer stays quiet
            state.configured = True
        self.service.sync()

    def _sync_started(self) -> None:
        self.sync_indicator.state.syncing = True
        self.sync_indicator.refresh()

    def _sync_finished(self, summary: dict[str, Any]) -> None:
        from desktop.ui.sync_state import state_after

        state = state_after(self.sync_indicator.state, summary)
        self.sync_indicator.set_state(state)
        self._retry_when_back(state.offline)
        if not summary.get("error"):
            if state.last_synced is not None:
                self.settings.setValue("sync/last", state.last_synced.isoformat())
            for warning in summary.get("warnings") or ():
                log.warning("sync: %s", warning)
            self._arrived()

    # -- layout memory -----------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        for splitter in (self.splitter, self.panel.splitter):
            state = self.settings.value(f"window/{splitter.objectName()}")
            if state is not None:
                splitter.restoreState(state)  # type: ignore[arg-type]
        header = self.settings.value("window/listHeader")
        if header is not None:
            self.table.restore_header(header)  # type: ignore[arg-type]

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        key = self.queues.currentIndex().data(KEY_ROLE)
        if key:
            self.settings.setValue("window/queue", key)
        for splitter in (self.splitter, self.panel.splitter):
            self.settings.setValue(
                f"window/{splitter.objectName()}", splitter.saveState()
            )
        self.settings.setValue(
            "window/listHeader", self.table.horizontalHeader().saveState()
        )
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.panel.save_draft()
        self.save_layout()
        super().closeEvent(event)


def _quarantine_count(store: Store) -> int:
    try:
        return bridges.quarantine_count(store)
    except Exception:  # the pipeline is another team's code; a count is not vital
        log.warning("could not count the quarantine", exc_info=True)
        return 0
