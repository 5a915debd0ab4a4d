"""Per conflicted field: every surviving value, who wrote it where and when.

"Keep" records the value the merge showed; "Use this" records another one.
Either way the choice is an ordinary new snapshot (`Desk.resolve`) that
descends from all the conflicting writes, so it settles the field everywhere.
"""

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import labels

log = logging.getLogger(__name__)


class ConflictsPanel(QScrollArea):
    """Signals:
    kept(str): keep the shown value of this field.
    chosen(str, str): use this other value for the field.
    """

    kept = Signal(str)
    chosen = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setObjectName("conflictsPanel")
        self.set_conflicts([], "")

    def set_conflicts(self, conflicts: list[dict[str, Any]], this_device: str) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        if not conflicts:
            empty = QLabel(self.tr("No conflicts: every field has one value."))
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(empty)
        else:
            layout.addWidget(
                QLabel(
                    self.tr(
                        "These fields were changed on two devices at once. Keep the "
                        "value shown, or use another one; your choice syncs to "
                        "everyone."
                    ),
                    wordWrap=True,
                )
            )
        for conflict in conflicts:
            layout.addWidget(self._group(conflict, this_device))
        layout.addStretch(1)
        self.setWidget(body)

    def _group(self, conflict: dict[str, Any], this_device: str) -> QGroupBox:
        field = conflict["field"]
        box = QGroupBox(labels.field(field), objectName=f"conflict:{field}")
        grid = QGridLayout(box)
        header = (
            self.tr("Value"),
            self.tr("Author"),
            self.tr("Device"),
            self.tr("Time"),
        )
        for column, text in enumerate(header):
            label = QLabel(f"<b>{text}</b>")
            grid.addWidget(label, 0, column)
        versions = [(conflict["kept"], True), *((o, False) for o in conflict["others"])]
        for row, (version, is_kept) in enumerate(versions, start=1):
            value = version["value"]
            shown = self.tr("(empty)") if value in (None, "") else str(value)
            value_label = QLabel(shown, wordWrap=True)
            value_label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
            )
            if is_kept:
                value_label.setToolTip(self.tr("Shown now"))
                font = value_label.font()
                font.setBold(True)
                value_label.setFont(font)
            grid.addWidget(value_label, row, 0)
            # Names and times wrap rather than push Keep / Use this out of a
            # narrow panel behind a horizontal scroll bar.
            author = QLabel(labels.person(version.get("author")), wordWrap=True)
            grid.addWidget(author, row, 1)
            device = version.get("device") or ""
            grid.addWidget(
                QLabel(
                    self.tr("this device") if device == this_device else device[-6:]
                ),
                row,
                2,
            )
            when = QLabel(labels.when(version.get("wall_time")), wordWrap=True)
            grid.addWidget(when, row, 3)
            if is_kept:
                button = QPushButton(self.tr("Keep"), objectName=f"keep:{field}")
                button.clicked.connect(lambda _=False, f=field: self.kept.emit(f))
            else:
                button = QPushButton(self.tr("Use this"), objectName=f"use:{field}")
                text = "" if value is None else str(value)
                button.clicked.connect(
                    lambda _=False, f=field, v=text: self.chosen.emit(f, v)
                )
            grid.addWidget(button, row, 4)
        grid.setColumnStretch(0, 1)
        return box
