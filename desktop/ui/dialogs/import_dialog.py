"""Import tickets from a file with a progress bar and Cancel."""

import logging
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from desktop.ui.service import DeskService

log = logging.getLogger(__name__)


class ImportDialog(QDialog):
    """Runs `DeskService.import_file` and follows its progress signals."""

    def __init__(self, service: DeskService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import tickets"))
        self.path = QLineEdit(objectName="path")
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        self.format = QComboBox(objectName="format")
        self.format.addItem("CSV", "csv")
        self.format.addItem(self.tr("JSON lines"), "jsonl")
        self.maps = QPlainTextEdit(objectName="maps")
        self.maps.setPlaceholderText(
            self.tr("One COLUMN=FIELD per line, e.g. opening_comment=description")
        )
        self.progress = QProgressBar(objectName="progress")
        self.progress.setValue(0)
        self.result = QLabel(objectName="result", wordWrap=True)
        self.buttons = QDialogButtonBox()
        self.start = self.buttons.addButton(
            self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.start.clicked.connect(self.begin)
        self.cancel.clicked.connect(self._cancel)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(self.tr("File"), row)
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Columns"), self.maps)
        form.addRow(self.progress)
        form.addRow(self.result)
        form.addRow(self.buttons)
        self.running = False
        service.import_progressed.connect(self._progressed)
        service.import_finished.connect(self._finished)
        self.resize(520, 360)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import tickets"), "", self.tr("Tickets (*.csv *.jsonl)")
        )
        if name:
            self.path.setText(name)
            if name.endswith(".jsonl"):
                self.format.setCurrentIndex(1)

    def begin(self) -> None:
        if self.running or not self.path.text().strip():
            return
        self.running = True
        self.start.setEnabled(False)
        self.result.clear()
        self.progress.setRange(0, 0)
        maps = [m.strip() for m in self.maps.toPlainText().splitlines() if m.strip()]
        self.service.import_file(
            Path(self.path.text().strip()), str(self.format.currentData()), maps
        )

    def _cancel(self) -> None:
        if self.running:
            self.service.cancel_import()
            self.result.setText(self.tr("Stopping after the current batch…"))
        else:
            self.reject()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self, report: dict[str, Any]) -> None:
        self.running = False
        self.start.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        text = self.tr("Imported %n ticket(s).", "", report["imported"])
        if report["skipped"]:
            text += " " + self.tr("%n row(s) skipped.", "", len(report["skipped"]))
        if report["cancelled"]:
            text += " " + self.tr("Cancelled; the tickets above were kept.")
        self.result.setText(text)
        self.cancel.setText(self.tr("Close"))
