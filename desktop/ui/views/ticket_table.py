"""The centre list: a table over `TicketListModel`, with J/K to move through it."""

import logging

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.ui.models.ticket_list import TICKET_ID_ROLE, TicketListModel

log = logging.getLogger(__name__)


class TicketTable(QTableView):
    """Signals:
    ticket_selected(str): the current ticket changed (empty when none).
    """

    ticket_selected = Signal(str)

    def __init__(self, model: TicketListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketTable")
        self.setModel(model)
        self.list_model = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # No indicator before sorting is enabled: enabling sorts by the
        # indicator's column, which would re-sort a million rows by Ref.
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.setSortingEnabled(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        # Fixed row heights let Qt skip measuring rows: scrolling stays O(visible).
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(40)
        # Narrow defaults so the stretching Subject column gets the room.
        for column, width in ((0, 104), (2, 110), (3, 76), (4, 64), (5, 96), (6, 96)):
            self.setColumnWidth(column, width)
        self.selectionModel().currentRowChanged.connect(self._current_changed)

    def selected_tickets(self) -> list[str]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.list_model.ticket_id(r) for r in rows]

    def current_ticket(self) -> str:
        index = self.currentIndex()
        return str(index.data(TICKET_ID_ROLE) or "") if index.isValid() else ""

    def move(self, delta: int) -> None:
        """J and K: the next or previous ticket, fetching more at the end."""
        row = self.currentIndex().row() + delta if self.currentIndex().isValid() else 0
        if row >= self.list_model.rowCount() and self.list_model.canFetchMore(
            self.rootIndex()
        ):
            self.list_model.fetchMore(self.rootIndex())
        row = max(0, min(row, self.list_model.rowCount() - 1))
        self.select_row(row)

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.list_model.rowCount():
            return
        index = self.list_model.index(row, 0)
        self.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index)

    def select_ticket(self, ticket: str) -> bool:
        row = self.list_model.row_of(ticket)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _current_changed(self, current, _previous) -> None:  # noqa: ANN001
        ticket = current.data(TICKET_ID_ROLE) if current.isValid() else ""
        self.ticket_selected.emit(str(ticket or ""))
