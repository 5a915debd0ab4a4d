"""The quarantine: changes a pipeline stage held back, to retry or drop.

Nothing leaves the quarantine silently: Retry runs the change through the
pipeline again (after the rule or the data was fixed), Drop records who
dropped it and why.
"""

import json
import logging
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.models.quarantine import QuarantineModel
from desktop.ui.service import DeskService

log = logging.getLogger(__name__)


class QuarantineDialog(QDialog):
    def __init__(
        self,
        model: QuarantineModel,
        service: DeskService,
        load: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quarantineDialog")
        self.setWindowTitle(self.tr("Quarantine"))
        self.model = model
        self.service = service
        self.load = load
        self.view = QTableView(objectName="quarantineView")
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.details = QPlainTextEdit(objectName="details", readOnly=True)
        self.outcome = QLabel(objectName="outcome", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.retry = buttons.addButton(
            self.tr("Retry"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.drop = buttons.addButton(
            self.tr("Drop…"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.retry.clicked.connect(self._retry)
        self.drop.clicked.connect(self._drop)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Changes a pipeline stage held back. Fix the rule or the data, "
                    "then retry; or drop a change you do not want."
                ),
                wordWrap=True,
            )
        )
        layout.addWidget(self.view, 2)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show())
        service.quarantine_changed.connect(self._changed)
        self.resize(760, 520)
        self._show()

    def _current(self) -> dict[str, Any] | None:
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _show(self) -> None:
        item = self._current()
        self.retry.setEnabled(item is not None)
        self.drop.setEnabled(item is not None)
        self.details.setPlainText(
            json.dumps(item, ensure_ascii=False, indent=2) if item else ""
        )

    def _retry(self) -> None:
        if (item := self._current()) is not None:
            self.service.retry_quarantined(int(item["id"]))

    def _drop(self) -> None:
        item = self._current()
        if item is None:
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("Drop"), self.tr("Why drop this change? (recorded)")
        )
        if ok:
            self.service.drop_quarantined(int(item["id"]), reason.strip() or None)

    def _changed(self, outcome: dict[str, Any]) -> None:
        self.outcome.setText(str(outcome.get("text", "")))
        self.model.set_items(self.load())
        if self.model.rowCount():  # the next item, so Retry and Drop stay at hand
            self.view.setCurrentIndex(self.model.index(0, 0))
        self._show()
