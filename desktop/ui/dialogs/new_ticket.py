"""The New ticket dialog (Ctrl+N)."""

import logging
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop.ticket import PRIORITIES, TYPES
from desktop.ui import labels

log = logging.getLogger(__name__)


class NewTicketDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newTicketDialog")
        self.setWindowTitle(self.tr("New ticket"))
        self.subject = QLineEdit(objectName="subject")
        self.requester = QLineEdit(objectName="requester")
        self.requester.setPlaceholderText(self.tr("Name <email> or an e-mail address"))
        self.body = QPlainTextEdit(objectName="body")
        self.priority = QComboBox(objectName="priority")
        for value in PRIORITIES:
            self.priority.addItem(labels.priority(value), value)
        self.priority.setCurrentIndex(PRIORITIES.index("normal"))
        self.type = QComboBox(objectName="type")
        self.type.addItem(labels.ticket_type(None), None)
        for value in TYPES:
            self.type.addItem(labels.ticket_type(value), value)
        self.tags = QLineEdit(objectName="tags")
        self.tags.setPlaceholderText(self.tr("tags, separated by spaces"))
        form = QFormLayout(self)
        form.addRow(self.tr("Subject"), self.subject)
        form.addRow(self.tr("Requester"), self.requester)
        form.addRow(self.tr("Description"), self.body)
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(self.tr("Type"), self.type)
        form.addRow(self.tr("Tags"), self.tags)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form.addRow(buttons)
        self.subject.textChanged.connect(self._check)
        self.requester.textChanged.connect(self._check)
        self._check()
        self.resize(520, 420)

    def _check(self) -> None:
        self.ok.setEnabled(
            bool(self.subject.text().strip() and self.requester.text().strip())
        )

    def fields(self) -> dict[str, Any]:
        """Keyword arguments for `Desk.create`."""
        return {
            "subject": self.subject.text().strip(),
            "requester": self.requester.text().strip(),
            "body": self.body.toPlainText(),
            "priority": self.priority.currentData(),
            "type_": self.type.currentData(),
            "tags": self.tags.text().replace(",", " ").split(),
        }
