"""Edit several tickets at once: status, assignee, tags."""

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from desktop.ticket import STATUSES
from desktop.ui import labels

log = logging.getLogger(__name__)


class BulkEditDialog(QDialog):
    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkEditDialog")
        self.setWindowTitle(self.tr("Edit %n ticket(s)", "", count))
        self.status = QComboBox(objectName="status")
        self.status.addItem(self.tr("(no change)"), None)
        for value in STATUSES:
            self.status.addItem(labels.status(value), value)
        self.set_assignee = QCheckBox(self.tr("Set assignee"), objectName="setAssignee")
        self.assignee = QLineEdit(objectName="assignee")
        self.assignee.setPlaceholderText(self.tr("empty: unassign"))
        self.assignee.setEnabled(False)
        self.set_assignee.toggled.connect(self.assignee.setEnabled)
        self.add_tags = QLineEdit(objectName="addTags")
        self.remove_tags = QLineEdit(objectName="removeTags")
        form = QFormLayout(self)
        form.addRow(self.tr("Status"), self.status)
        form.addRow(self.set_assignee, self.assignee)
        form.addRow(self.tr("Add tags"), self.add_tags)
        form.addRow(self.tr("Remove tags"), self.remove_tags)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def changes(self) -> tuple[list[tuple[str, str]], list[str], list[str]]:
        """(sets, tags to add, tags to remove) as `Desk.edit` takes them."""
        sets: list[tuple[str, str]] = []
        if self.status.currentData():
            sets.append(("status", str(self.status.currentData())))
        if self.set_assignee.isChecked():
            sets.append(("assignee", self.assignee.text()))
        add = self.add_tags.text().replace(",", " ").split()
        remove = self.remove_tags.text().replace(",", " ").split()
        return sets, add, remove
