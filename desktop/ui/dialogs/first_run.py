"""First run: who the agent is, and an offer of sample tickets to explore."""

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.ticket import parse_person

log = logging.getLogger(__name__)


class FirstRunDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(self.tr("Welcome to Offdesk"))
        intro = QLabel(
            self.tr(
                "Offdesk keeps every ticket on this computer, so you can work with "
                "no connection. Who are you? Your name goes on every change you make."
            ),
            wordWrap=True,
        )
        self.agent = QLineEdit(objectName="agent")
        self.agent.setPlaceholderText(self.tr("Ann Agent <ann@example.com>"))
        self.problem = QLabel(objectName="problem", wordWrap=True)
        self.problem.setStyleSheet("color: #c92a2a")
        self.samples = QCheckBox(
            self.tr("Load a few hundred sample tickets (real OpenStreetMap notes)"),
            objectName="samples",
        )
        self.samples.setChecked(True)
        credit = QLabel(
            self.tr("Sample notes © OpenStreetMap contributors, ODbL 1.0."),
            wordWrap=True,
        )
        credit.setStyleSheet("color: palette(placeholder-text)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start"))
        buttons.accepted.connect(self._accept)
        layout = QVBoxLayout(self)
        for widget in (intro, self.agent, self.problem, self.samples, credit):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.resize(480, 240)

    def _accept(self) -> None:
        try:
            person = parse_person("agent", self.agent.text())
        except UserError:
            person = None
        if person is None or not person.name:
            self.problem.setText(
                self.tr('Write your name and e-mail as "Name <email>".')
            )
            return
        self.accept()
