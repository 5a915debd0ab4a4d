"""The history tab: the snapshot graph, a diff of two chosen points, and revert."""

import logging
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.diff_text import diff_lines
from desktop.ui.models.history import GRAPH, HistoryModel
from desktop.ui.views.graph_delegate import GraphDelegate
from sync.history import History
from sync.patch import diff

log = logging.getLogger(__name__)


class HistoryPanel(QWidget):
    """Shows a `HistoryModel`; select one point to see what it changed, two to diff.

    Signals:
        revert_requested(str): the snapshot id the agent wants undone.
    """

    revert_requested = Signal(str)

    def __init__(self, model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.history: History | None = None
        self.view = QTableView(objectName="historyView")
        self.view.setModel(model)
        self.view.setItemDelegateForColumn(GRAPH, GraphDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.hint = QLabel(
            self.tr("Select one change to see it, or two to compare them."),
            wordWrap=True,
        )
        self.diff = QPlainTextEdit(objectName="diff", readOnly=True)
        font = self.diff.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.diff.setFont(font)
        self.revert = QPushButton(self.tr("Revert this change"), objectName="revert")
        self.revert.setEnabled(False)
        self.revert.clicked.connect(self._revert)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.revert)
        lower_layout.addLayout(row)
        lower_layout.addWidget(self.diff)
        splitter = QSplitter(Qt.Orientation.Vertical, objectName="historySplit")
        splitter.addWidget(self.view)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    def set_history(self, history: History | None, this_device: str = "") -> None:
        self.history = history
        self.model.set_history(history, this_device)
        self.diff.clear()
        self.revert.setEnabled(False)

    def select_rows(self, rows: list[int]) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        flags = (
            QItemSelectionModel.SelectionFlag.Select
            | QItemSelectionModel.SelectionFlag.Rows
        )
        for row in rows:
            selection.select(self.model.index(row, 0), flags)

    def _chosen(self) -> list[int]:
        return sorted({i.row() for i in self.view.selectionModel().selectedRows()})

    def _selection_changed(self, *_: Any) -> None:
        rows = self._chosen()
        history = self.history
        self.revert.setEnabled(False)
        if history is None or not rows:
            self.diff.clear()
            return
        if len(rows) == 1:
            snap = history.by_id[self.model.snapshot_id(rows[0])]
            before = history.state(snap.parents).doc if snap.parents else {}
            after = history.state([snap.id]).doc
            self.revert.setEnabled(not snap.is_root and not snap.is_merge)
        else:
            newer = self.model.snapshot_id(rows[0])
            older = self.model.snapshot_id(rows[-1])
            before = history.state([older]).doc
            after = history.state([newer]).doc
        lines = diff_lines(diff(before, after), before=before)
        self.diff.setPlainText("\n".join(lines) or self.tr("No changes."))

    def _revert(self) -> None:
        rows = self._chosen()
        if len(rows) == 1:
            self.revert_requested.emit(self.model.snapshot_id(rows[0]))
