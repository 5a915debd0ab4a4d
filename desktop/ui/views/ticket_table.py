"""The centre list: a table over `TicketListModel`, with J/K to move through it.

Subject takes the width the other columns leave, and never less than a
readable minimum: when the window, the splitter or a saved layout leaves it
less, the other columns narrow towards their titles to make room.
"""

import logging

from PySide6.QtCore import QByteArray, QItemSelectionModel, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.ui.models.ticket_list import COLUMNS, TICKET_ID_ROLE, TicketListModel

log = logging.getLogger(__name__)

SUBJECT = [name for name, _ in COLUMNS].index("subject")
#: Subject stays at least this many letters wide.
SUBJECT_MIN_LETTERS = 26
#: Columns whose values are short codes: they keep room for what they show,
#: where names (requester, assignee) may narrow, but to a first name's width
#: at least (a title such as 请求人 is narrower than any name).
_KEEP_CONTENT = frozenset(("ref", "status", "priority", "updated"))
NAME_MIN_LETTERS = 9


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
        #: The arrow last put on a column the store can sort by.
        self._sorted = (-1, Qt.SortOrder.DescendingOrder)
        self.horizontalHeader().sortIndicatorChanged.connect(self._sort_clicked)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        # Fixed row heights let Qt skip measuring rows: scrolling stays O(visible).
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(40)
        self._set_resize_modes()
        # Narrow defaults so the stretching Subject column gets the room; Ref
        # keeps room for a provisional number beside the conflict mark.
        ref = self.fontMetrics().horizontalAdvance("MMMM-0000") + 32
        widths = ((0, max(104, ref)), (2, 110), (3, 76), (4, 64), (5, 96), (6, 96))
        for column, width in widths:
            self.setColumnWidth(column, width)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self.empty_text = ""
        model.query_applied.connect(self._query_applied)

    def _set_resize_modes(self) -> None:
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SUBJECT, QHeaderView.ResizeMode.Stretch)

    def restore_header(self, state: QByteArray) -> None:
        """Restore saved column widths; Subject still stretches, whatever was saved."""
        self.horizontalHeader().restoreState(state)
        self._set_resize_modes()
        self.fit_subject()

    def subject_min_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("x" * SUBJECT_MIN_LETTERS)

    def fit_subject(self) -> None:
        """Narrow the other columns, each in proportion to its spare width, until
        Subject has its minimum; a horizontal scroll bar only when even that fails.

        Only while shown: before that the viewport has no real width yet.
        """
        if not self.isVisible():
            return
        header = self.horizontalHeader()
        others = [c for c in range(header.count()) if c != SUBJECT]
        room = self.viewport().width() - sum(header.sectionSize(c) for c in others)
        short = self.subject_min_width() - room
        if short <= 0:
            return
        spare = {c: max(0, header.sectionSize(c) - self.floor(c)) for c in others}
        total = sum(spare.values())
        if total == 0:
            return
        take = min(short, total)
        for column in others:
            cut = -(-take * spare[column] // total)  # rounded up: never short
            header.resizeSection(column, header.sectionSize(column) - cut)

    def floor(self, column: int) -> int:
        """How narrow a column may get: its title, or its visible values too."""
        header = self.horizontalHeader()
        floor = max(header.sectionSizeHint(column), header.minimumSectionSize())
        if COLUMNS[column][0] in _KEEP_CONTENT:
            floor = max(floor, self.sizeHintForColumn(column))
        else:
            letters = self.fontMetrics().horizontalAdvance("x" * NAME_MIN_LETTERS)
            floor = max(floor, letters)
        return floor

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_subject()

    def _query_applied(self) -> None:
        """An empty result says so in the list, rather than leaving it blank."""
        empty = self.list_model.rowCount() == 0
        self.empty_text = self.tr("No tickets match") if empty else ""
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.empty_text and self.list_model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text
            )
            painter.end()

    def header_sort(self) -> str | None:
        """The order the agent chose by clicking a column title, as `sort:` spells
        it, or None while no column shows a sort arrow."""
        header = self.horizontalHeader()
        column = header.sortIndicatorSection()
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return None
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        return ("-" if descending else "") + str(COLUMNS[column][1])

    def clear_header_sort(self) -> None:
        """Take the arrow away without re-sorting (a typed `sort:` rules now)."""
        self._set_arrow(-1, Qt.SortOrder.DescendingOrder)

    def _set_arrow(self, column: int, order: Qt.SortOrder) -> None:
        header = self.horizontalHeader()
        with QSignalBlocker(header):
            header.setSortIndicator(column, order)
        self._sorted = (column, order)
        header.viewport().update()

    def _sort_clicked(self, column: int, order: Qt.SortOrder) -> None:
        """A column the store cannot sort by (Requester, Assignee) gets no arrow:
        the arrow stays on the column the list is really sorted by."""
        if 0 <= column < len(COLUMNS) and COLUMNS[column][1] is None:
            self._set_arrow(*self._sorted)
        else:
            self._sorted = (column, order)

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
