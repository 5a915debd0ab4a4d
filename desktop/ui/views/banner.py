"""A strip above the list that says, in one sentence, what the environment refused."""

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

log = logging.getLogger(__name__)


class Banner(QFrame):
    """Signals:
    dismissed(): the agent closed the message.
    """

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#banner { background-color: #fff3cd; border: 1px solid #e0a800; }"
            "#banner QLabel { color: #4d3800; }"
        )
        self.label = QLabel(wordWrap=True)
        close = QToolButton(text="✕", autoRaise=True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.hide()

    @property
    def message(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def show_message(self, text: str) -> None:
        """Show a sentence; it starts with a capital and ends with a full stop."""
        text = text.strip()
        if text:
            text = text[0].upper() + text[1:]
            if text[-1] not in ".!?":
                text += "."
        self.label.setText(text)
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
