"""Settings: identity, the sync server, the sync interval, language, pipeline stages.

The dialog only collects values; the window saves them (identity through the
service, preferences in QSettings, server details through the sync module).
"""

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import labels

log = logging.getLogger(__name__)

LANGUAGES = (("", "System"), ("en", "English"), ("zh_CN", "简体中文"))


@dataclass
class SettingsValues:
    agent: str = ""
    server_url: str = ""
    token: str = ""
    sync_minutes: int = 5
    language: str = ""
    #: (stage name, enabled), in pipeline order; empty when there is no pipeline.
    stages: list[tuple[str, bool]] = field(default_factory=list)


class SettingsDialog(QDialog):
    def __init__(
        self,
        values: SettingsValues,
        *,
        sync_available: bool,
        pipeline_available: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.agent = QLineEdit(values.agent, objectName="agent")
        self.server = QLineEdit(values.server_url, objectName="server")
        self.server.setPlaceholderText("https://desk.example.com")
        self.token = QLineEdit(values.token, objectName="token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("unchanged"))
        self.interval = QSpinBox(objectName="interval", minimum=0, maximum=240)
        self.interval.setValue(values.sync_minutes)
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setSpecialValueText(self.tr("manual only"))
        self.language = QComboBox(objectName="language")
        for code, name in LANGUAGES:
            self.language.addItem(self.tr("System") if not code else name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(values.language)))

        identity = QGroupBox(self.tr("You"))
        form = QFormLayout(identity)
        form.addRow(self.tr("Agent"), self.agent)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(
            "",
            QLabel(self.tr("A new language applies after a restart."), wordWrap=True),
        )

        sync = QGroupBox(self.tr("Sync"))
        sync_form = QFormLayout(sync)
        sync_form.addRow(self.tr("Server URL"), self.server)
        sync_form.addRow(self.tr("Token"), self.token)
        sync_form.addRow(self.tr("Sync every"), self.interval)
        if not sync_available:
            for widget in (self.server, self.token, self.interval):
                widget.setEnabled(False)
            sync_form.addRow(
                "", QLabel(self.tr("Sync is not available in this build."))
            )

        layout = QVBoxLayout(self)
        layout.addWidget(identity)
        layout.addWidget(sync)

        self.stages = QListWidget(objectName="stages")
        if pipeline_available:
            pipeline = QGroupBox(self.tr("Pipeline stages"))
            box = QHBoxLayout(pipeline)
            for name, enabled in values.stages:
                item = QListWidgetItem(labels.stage(name))
                item.setData(Qt.ItemDataRole.UserRole, name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked
                )
                self.stages.addItem(item)
            moves = QVBoxLayout()
            up = QPushButton(self.tr("Move up"), objectName="stageUp")
            down = QPushButton(self.tr("Move down"), objectName="stageDown")
            up.clicked.connect(lambda: self._move(-1))
            down.clicked.connect(lambda: self._move(1))
            moves.addWidget(up)
            moves.addWidget(down)
            moves.addStretch(1)
            box.addWidget(self.stages, 1)
            box.addLayout(moves)
            layout.addWidget(pipeline)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 460 if pipeline_available else 360)

    def _move(self, delta: int) -> None:
        row = self.stages.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.stages.count():
            return
        item = self.stages.takeItem(row)
        self.stages.insertItem(target, item)
        self.stages.setCurrentRow(target)

    def values(self) -> SettingsValues:
        return SettingsValues(
            agent=self.agent.text().strip(),
            server_url=self.server.text().strip(),
            token=self.token.text().strip(),
            sync_minutes=self.interval.value(),
            language=str(self.language.currentData() or ""),
            stages=[
                (
                    str(self.stages.item(i).data(Qt.ItemDataRole.UserRole)),
                    self.stages.item(i).checkState() == Qt.CheckState.Checked,
                )
                for i in range(self.stages.count())
            ],
        )
