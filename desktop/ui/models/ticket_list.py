"""The ticket list as a Qt table model that reads the store a page at a time.

Qt asks `canFetchMore`/`fetchMore` as the view scrolls near the end, and each
call places one keyset page (see `desktop.ui.pager`). With a loader, that page
was read ahead on the loader thread while the agent looked at the last one,
so placing it costs no read on the GUI thread and the rows appear in the same
repaint as the scroll; the next page is then read ahead. Only the row ids of the
rows loaded so far stay in memory (8 bytes each, in an `array`); the row
texts live in a small page cache and are re-read by id when evicted, so
scrolling through a million tickets never holds a million rows of strings.
"""

import logging
from array import array
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon

from desktop.errors import UserError
from desktop.store.store import Store
from desktop.ui import labels
from desktop.ui.executor import Executor, Job
from desktop.ui.list_query import ListQuery, ListRow

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_ROLES = frozenset(
    (_DISPLAY, _TOOLTIP, _DECORATION, _FOREGROUND, _FONT, TICKET_ID_ROLE, STATUS_ROLE)
)

#: (attribute of ListRow, sort name or None when the column does not sort)
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("ref", "ref"),
    ("subject", "subject"),
    ("requester", None),
    ("status", "status"),
    ("priority", "priority"),
    ("assignee", None),
    ("updated", "updated"),
)
_CACHED_PAGES = 64
#: Readable on light and dark backgrounds alike.
_PRIORITY_COLOURS = {"urgent": QColor("#e03131"), "high": QColor("#e8590c")}


class TicketListModel(QAbstractTableModel):
    """Tickets matching a `ListQuery`, loaded lazily, sorted by the store.

    Signals:
        query_applied(): the model was reset for a new query or a refresh.
        query_failed(str): a query could not run; the sentence says why.
    """

    query_applied = Signal()
    query_failed = Signal(str)

    def __init__(
        self,
        store: Store,
        *,
        page_size: int = 200,
        loader: Executor | None = None,
        parent: Any = None,
    ):
        super().__init__(parent)
        self.store = store
        self.loader = loader
        self._generation = 0
        self.page_size = page_size
        self.query = ListQuery()
        self._rowids = array("q")
        self._pages: OrderedDict[int, list[ListRow]] = OrderedDict()
        self._last_key: Any = None
        self._exhausted = True
        self._fetching = False
        #: The page after the last placed row, read ahead; None until it arrives.
        self._ahead: list[ListRow] | None = None
        #: fetchMore came before the page did: place it on arrival.
        self._wanted = False
        self.conflict_icon = QIcon()
        self._bold = QFont()
        self._bold.setBold(True)
        self._texts: dict[int, tuple[str, ...]] = {}
        self._titles = {
            "ref": self.tr("Ref"),
            "subject": self.tr("Subject"),
            "requester": self.tr("Requester"),
            "status": self.tr("Status"),
            "priority": self.tr("Priority"),
            "assignee": self.tr("Assignee"),
            "updated": self.tr("Updated"),
        }

    # -- what is shown ---------------------------------------------------------

    def set_query(self, query: ListQuery) -> None:
        """Show `query` now, reading its first page on this thread."""
        self._generation += 1
        planned = _pager().plan(self.store, replace(query, plan=""))
        self._apply(planned, _pager().page(self.store, planned, self.page_size))

    def load(self, query: ListQuery) -> None:
        """Show `query` once its first page is read on the loader thread.

        Planning and the first page are the slow part of a search on a big
        store; a newer `load` makes an older one's result be dropped.
        """
        if self.loader is None:
            try:
                self.set_query(query)
            except UserError as e:
                self.query_failed.emit(str(e))
            return
        self._generation += 1
        generation = self._generation
        size = self.page_size

        def task(job: Job) -> tuple[ListQuery, list[ListRow]] | None:
            if generation != self._generation:
                return None  # typed over before it started: nobody will look
            planned = _pager().plan(job.store, replace(query, plan=""))
            return planned, _pager().page(job.store, planned, size)

        def done(result: tuple[ListQuery, list[ListRow]] | None) -> None:
            if result is not None and generation == self._generation:
                self._apply(*result)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            if not isinstance(error, UserError):
                raise error
            self.query_failed.emit(str(error))

        self.loader.submit(task, done, failed)

    def _apply(self, query: ListQuery, rows: list[ListRow]) -> None:
        self.beginResetModel()
        self.query = query
        self._rowids = array("q")
        self._pages.clear()
        self._texts.clear()
        self._last_key = None
        self._exhausted = len(rows) < self.page_size
        self._fetching = False
        self._ahead = None
        self._wanted = False
        self._place(rows)
        self.endResetModel()
        self._read_ahead()
        self.query_applied.emit()

    def refresh(self) -> None:
        """Re-run the query from the top (after a create, a sync, a bundle)."""
        self.set_query(self.query)

    def refresh_tickets(self, tickets: list[str]) -> None:
        """Re-read rows in place after an edit, without moving them."""
        wanted = set(tickets)
        if self._ahead and any(r.ticket in wanted for r in self._ahead):
            self._ahead = None
            self._read_ahead()
        for page_no, rows in self._pages.items():
            hits = [i for i, r in enumerate(rows) if r.ticket in wanted]
            if not hits:
                continue
            fresh = _pager().rows_by_rowid(self.store, [rows[i].rowid for i in hits])
            for i in hits:
                rows[i] = fresh.get(rows[i].rowid, rows[i])
                self._texts.pop(rows[i].rowid, None)
            first = page_no * self.page_size + min(hits)
            last = page_no * self.page_size + max(hits)
            self.dataChanged.emit(
                self.index(first, 0), self.index(last, self.columnCount() - 1)
            )

    # -- Qt's model interface ---------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rowids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted:
            return
        if self.loader is None:
            self._append(self._read_page())
        elif self._ahead is not None:
            rows, self._ahead = self._ahead, None
            self._exhausted = len(rows) < self.page_size
            self._append(rows)
            self._read_ahead()
        else:
            self._wanted = True

    def _read_ahead(self) -> None:
        """Read the page after the last placed row on the loader thread."""
        if self.loader is None or self._exhausted or self._fetching:
            return
        self._fetching = True
        generation = self._generation
        query, size, after = self.query, self.page_size, self._last_key

        def task(job: Job) -> list[ListRow]:
            if generation != self._generation:
                return []
            return _pager().page(job.store, query, size, after)

        def done(rows: list[ListRow]) -> None:
            if generation != self._generation:
                return
            self._fetching = False
            self._ahead = rows
            if self._wanted:
                self._wanted = False
                self.fetchMore(QModelIndex())

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._fetching = False
            if not isinstance(error, UserError):
                raise error
            self.query_failed.emit(str(error))

        self.loader.submit(task, done, failed)

    def _append(self, rows: list[ListRow]) -> None:
        if not rows:
            return
        start = len(self._rowids)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._place(rows)
        self.endInsertRows()

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._titles[COLUMNS[section][0]]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        n = index.row()
        if n >= len(self._rowids):
            return None
        return self._value(n, self.row(n), index.column(), role)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:
        """Every role a delegate asks for a cell, in one call from C++.

        A repaint asks each of about 200 visible cells for seven roles; Qt's
        default asks `data` once per role, so each crossing into Python (and
        each wait for the GIL while the lister reads) would happen seven times.
        """
        if not index.isValid():
            return
        n = index.row()
        if n >= len(self._rowids):
            return
        row, column = self.row(n), index.column()
        for role_data in roleDataSpan:
            role = role_data.role()
            value = self._value(n, row, column, role) if role in _ROLES else None
            if value is None:
                role_data.clearData()  # the delegate reuses the span
            else:
                role_data.setData(value)

    def _value(self, n: int, row: ListRow, column: int, role: int) -> Any:
        if role == _DISPLAY:
            return self._shown(n, row)[column]
        name = COLUMNS[column][0]
        if role == _TOOLTIP:
            if name == "ref" and row.conflicts:
                return self.tr("%n conflicting field(s)", "", row.conflicts)
            if name == "assignee":
                return row.assignee or None
            if name == "updated":
                return labels.when(row.updated)
            return row.subject if name == "subject" else None
        if role == _DECORATION:
            return self.conflict_icon if name == "ref" and row.conflicts else None
        if role == _FOREGROUND:
            return _PRIORITY_COLOURS.get(row.priority) if name == "priority" else None
        if role == _FONT:
            return self._bold if name == "ref" and row.status == "new" else None
        if role == TICKET_ID_ROLE:
            return row.ticket
        return row.status  # STATUS_ROLE

    def _shown(self, n: int, row: ListRow) -> tuple[str, ...]:
        """The row's column texts, formatted once per row while it is cached."""
        shown = self._texts.get(row.rowid)
        if shown is None:
            shown = (
                row.ref,
                row.subject,
                row.requester,
                labels.status(row.status),
                labels.priority(row.priority),
                labels.person(row.assignee),
                labels.short_when(row.updated),
            )
            self._texts[row.rowid] = shown
            if len(self._texts) > _CACHED_PAGES * self.page_size:
                self._texts.clear()
        return shown

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder):
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return
        name = COLUMNS[column][1]
        descending = order == Qt.SortOrder.DescendingOrder
        self.load(self.query.with_sort(("-" if descending else "") + str(name)))

    # -- lookups ----------------------------------------------------------------

    def row(self, n: int) -> ListRow:
        page_no = n // self.page_size
        rows = self._pages.get(page_no)
        if rows is None:
            start = page_no * self.page_size
            ids = list(self._rowids[start : start + self.page_size])
            found = _pager().rows_by_rowid(self.store, ids)
            rows = [found[i] for i in ids if i in found]
            if len(rows) != len(ids):  # deleted under us: keep positions stable
                rows = [found.get(i) or _gone(i) for i in ids]
            self._remember(page_no, rows)
        else:
            self._pages.move_to_end(page_no)
        return rows[n - page_no * self.page_size]

    def ticket_id(self, n: int) -> str:
        return self.row(n).ticket

    def row_of(self, ticket: str) -> int | None:
        """The row showing `ticket`, if it is loaded."""
        for page_no, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.ticket == ticket:
                    return page_no * self.page_size + i
        rowid = _pager().rowid_of(self.store, ticket)
        if rowid is None:
            return None
        try:
            return self._rowids.index(rowid)
        except ValueError:
            return None

    # -- paging -----------------------------------------------------------------

    def _read_page(self) -> list[ListRow]:
        rows = _pager().page(self.store, self.query, self.page_size, self._last_key)
        if len(rows) < self.page_size:
            self._exhausted = True
        return rows

    def _place(self, rows: list[ListRow]) -> None:
        if not rows:
            return
        start = len(self._rowids)
        self._rowids.extend(r.rowid for r in rows)
        self._last_key = rows[-1].key
        # Pages are aligned to page_size; a fetched page always starts on one.
        self._remember(start // self.page_size, rows)

    def _remember(self, page_no: int, rows: list[ListRow]) -> None:
        self._pages[page_no] = rows
        self._pages.move_to_end(page_no)
        while len(self._pages) > _CACHED_PAGES:
            self._pages.popitem(last=False)


def _pager() -> Any:
    """`desktop.ui.pager`, imported on first use: it brings SQLAlchemy (half a
    second), which the lister thread has usually imported by then."""
    from desktop.ui import pager

    return pager


def _gone(rowid: int) -> ListRow:
    return ListRow(rowid, "", "", "", "", "", "", "", "", 0, None)
