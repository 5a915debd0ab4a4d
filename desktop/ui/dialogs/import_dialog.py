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

#: Skipped rows listed by line in the dialog; the rest are counted.
SKIPPED_SHOWN = 5


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
        self.encoding = QComboBox(objectName="encoding")
        for label, codec in (
            (self.tr("Automatic (UTF-8 or UTF-16)"), None),
            (self.tr("Windows, Western European (cp1252)"), "cp1252"),
            (self.tr("Windows, Central European (cp1250)"), "cp1250"),
            (self.tr("Windows, Cyrillic (cp1251)"), "cp1251"),
            (self.tr("Latin-1 (ISO 8859-1)"), "latin-1"),
            (self.tr("Chinese (GB 18030)"), "gb18030"),
            (self.tr("Japanese (Shift JIS)"), "shift_jis"),
        ):
            self.encoding.addItem(label, codec)
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
        form.addRow(self.tr("Encoding"), self.encoding)
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
            Path(self.path.text().strip()),
            str(self.format.currentData()),
            maps,
            encoding=self.encoding.currentData(),
        )

    def _cancel(self) -> None:
        if self.running:
            self.service.cancel_import()
            self.result.setText(self.tr("Stopping after the current batch…"))
        else:
            self.reject()

    def reject(self) -> None:
        """Esc or the window's close button while importing stops the import
        like Cancel and keeps the dialog up until it has stopped: a hidden
        import could neither be followed nor cancelled."""
        if self.running:
            self._cancel()
            return
        super().reject()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self, report: dict[str, Any]) -> None:
        self.running = False
        self.start.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.cancel.setText(self.tr("Close"))
        if report.get("error"):
            failure = self.tr("Nothing was imported: %1")
            self.result.setText(failure.replace("%1", report["error"]))
            return
        text = self.tr("Imported %n ticket(s).", "", report["imported"])
        if report["skipped"]:
            text += " " + self.tr("%n row(s) skipped:", "", len(report["skipped"]))
            shown = report["skipped"][:SKIPPED_SHOWN]
            text += "\n" + "\n".join(shown)
            if len(report["skipped"]) > len(shown):
                more = len(report["skipped"]) - len(shown)
                text += "\n" + self.tr("…and %n more.", "", more)
        if report["quarantined"]:
            text += "\n" + self.tr(
                "%n row(s) held in Quarantine by the pipeline.",
                "",
                report["quarantined"],
            )
        if report["cancelled"]:
            text += "\n" + self.tr("Cancelled; the tickets above were kept.")
        self.result.setText(text)
